//! Name search: resolves a free-form name to ranked entities, tolerant of case, accents, word
//! order and typos, and says why each hit matched and how its score was reached.
//!
//! Names are compared word by word, never by similarity of the whole string: a query matches a
//! name when every distinctive word of the query is a word of the name, exactly or with a typo
//! (see [`typo_edits`]). So "United Kingdom" does not find "United Nations" (one word
//! differs), "Egyptair" does not find "Egypt" (not a typo of it) and "National Unity Government"
//! finds the "Government of National Unity" (the same words). A query word that is itself a
//! word of some name is taken as written, not as a typo of another ("Franco" is not "France").
//! Hits below [`MIN_SCORE`] are not returned: no answer rather than a wrong one.

use std::collections::HashSet;

use crate::model::{EntityIndex, EntityType, Model};
use crate::text::fold_for_compare;

/// How a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchReason {
    /// The query is a name, as written.
    Exact,
    /// The query is a name once case and accents are ignored.
    Folded,
    /// The query has the words of a name, in another order or without articles ("the", "of").
    Words,
    /// The query, in capitals, is the initials of a name ("IS" for "Islamic State").
    Initials,
    /// The query's words are some of the name's words.
    Partial,
    /// At least one word of the query is a typo of a word of the name.
    Fuzzy,
}

/// One ranked answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub entity: EntityIndex,
    pub score: f64,
    pub matched_name: String,
    pub reason: MatchReason,
    /// How the query matched the name, and how the score was reached.
    pub explanation: String,
}

/// Below this score nothing is returned: a query that shares one word with a long name, or
/// whose words are not all in a name, has no answer rather than a doubtful one.
pub const MIN_SCORE: f64 = 0.6;
/// A word match scores between these: the floor for a name with none of its words matched (never
/// returned), the ceiling for one with all of them matched exactly.
const WORD_SCORE_BASE: f64 = 0.46;
const WORD_SCORE_RANGE: f64 = 0.44;
/// What a directional word of the query that the name lacks costs ("Eastern Libya" is part of
/// "Libya", not all of it).
const MODIFIER_PENALTY: f64 = 0.1;
/// The score of a query that is the initials of a name: below every name or word match.
const INITIALS_SCORE: f64 = 0.8;

/// Words that say nothing about which entity is meant: articles and prepositions, in the
/// languages of the model's names.
const STOPWORDS: &[&str] = &[
    "the", "of", "and", "a", "an", "in", "on", "for", "at", "to", "de", "da", "do", "das", "dos", "di", "du", "des",
    "del", "la", "le", "les", "el", "al",
];

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Directional words ([`crate::extract::DIRECTIONS`], lowercase here): a query that adds one to a name asks
/// about part of it ("Eastern Libya"); a query whose one differs from the name's asks about
/// another thing ("Eastern" vs "Western Asia").
fn is_modifier(word: &str) -> bool {
    crate::extract::DIRECTIONS.contains(&word)
}

/// The words of a folded name or query, articles and prepositions left out.
fn words(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !is_stopword(w))
        .map(str::to_owned)
        .collect()
}

/// Whether a query word may be a typo or variant spelling of a word of a name: one edit
/// (a letter added, left out, changed, or two swapped) in a word of four letters or more, or,
/// in a word of five letters or more, the same consonants in the same order with other vowels
/// or doubled letters ("Trablus" for "Tarabulus", "Hafter" for "Haftar"). Two edits of other
/// kinds make another word ("Egyptair" is not "Egyptian", nor "Trablus" "Nablus"). The number
/// of edits, for the score.
fn typo_edits(query: &str, name: &str) -> Option<usize> {
    let (query_length, name_length) = (query.chars().count(), name.chars().count());
    if query_length < 4 || name_length < 4 {
        return None;
    }
    let edits = strsim::osa_distance(query, name);
    if edits <= 1 {
        return Some(edits);
    }
    let skeleton = consonants(query);
    let same_consonants = query_length >= 5 && skeleton.chars().count() >= 3 && skeleton == consonants(name);
    same_consonants.then_some(edits)
}

/// The consonants of a word, a doubled one once ("tarabulus" → "trbls").
fn consonants(word: &str) -> String {
    let mut skeleton = String::new();
    for c in word.chars().filter(|c| !"aeiouy".contains(*c)) {
        if !skeleton.ends_with(c) {
            skeleton.push(c);
        }
    }
    skeleton
}

/// The initials of an organisation's or a state's name of two words or more, from its words
/// written with a capital ("is" for "Islamic State"); a word in capitals gives all its letters
/// ("uns" for "UN Secretariat"). Places are not named by initials.
fn initials(entity_type: EntityType, written: &str) -> Option<String> {
    if !matches!(entity_type, EntityType::Organization | EntityType::Country) {
        return None;
    }
    let words: Vec<&str> = written
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !is_stopword(&fold_for_compare(w)))
        .collect();
    if words.len() < 2 || !words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
        return None;
    }
    let mut letters = String::new();
    for word in words {
        if word.chars().count() >= 2 && word.chars().all(char::is_uppercase) {
            letters.push_str(&fold_for_compare(word));
        } else {
            letters.extend(fold_for_compare(word).chars().next());
        }
    }
    Some(letters)
}

struct IndexedName {
    entity: EntityIndex,
    written: String,
    folded: String,
    words: Vec<String>,
    /// See [`initials`].
    initials: Option<String>,
}

/// Every name of every entity, folded once per snapshot.
pub struct SearchIndex {
    names: Vec<IndexedName>,
    /// Every word of every name: a query word among them is not a typo.
    known_words: HashSet<String>,
}

impl SearchIndex {
    pub fn new(model: &Model) -> SearchIndex {
        let mut names = Vec::new();
        let mut known_words = HashSet::new();
        for (entity, e) in model.entities.iter().enumerate() {
            let entity = EntityIndex::new(entity);
            for written in std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms) {
                let folded = fold_for_compare(written);
                let words = words(&folded);
                known_words.extend(words.iter().cloned());
                let initials = initials(e.entity_type, written);
                names.push(IndexedName {
                    entity,
                    written: written.clone(),
                    folded,
                    words,
                    initials,
                });
            }
        }
        SearchIndex { names, known_words }
    }

    /// The best `limit` entities for `query` scoring at least [`MIN_SCORE`], optionally of one
    /// type, best first (ties by id).
    pub fn search(&self, model: &Model, query: &str, entity_type: Option<EntityType>, limit: usize) -> Vec<SearchHit> {
        let query = Query::new(query, &self.known_words);
        let mut best: Vec<Option<SearchHit>> = vec![None; model.entities.len()];
        for name in &self.names {
            if entity_type.is_some_and(|t| model.entities[name.entity].entity_type != t) {
                continue;
            }
            let Some(hit) = query.score(name) else {
                continue;
            };
            if hit.score < MIN_SCORE {
                continue;
            }
            let slot = &mut best[name.entity.get()];
            if slot.as_ref().is_none_or(|current| hit.score > current.score) {
                *slot = Some(hit);
            }
        }
        let mut hits: Vec<SearchHit> = best.into_iter().flatten().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| model.entities[a.entity].id.cmp(&model.entities[b.entity].id))
        });
        hits.truncate(limit);
        hits
    }
}

/// A query word and whether it may be read as a typo.
struct QueryWord {
    word: String,
    /// Not a word of any name: it may be a typo of one.
    unknown: bool,
}

struct Query {
    written: String,
    folded: String,
    words: Vec<QueryWord>,
    /// The query as initials, when it is written in capitals ("IS", "U.S.").
    initials: Option<String>,
}

/// How one query word matched one word of a name.
struct WordMatch<'a> {
    query: &'a str,
    name: &'a str,
    edits: usize,
}

impl Query {
    fn new(query: &str, known_words: &HashSet<String>) -> Query {
        let written = query.trim().to_owned();
        let folded = fold_for_compare(&written);
        let words = words(&folded)
            .into_iter()
            .map(|word| QueryWord {
                unknown: !known_words.contains(&word),
                word,
            })
            .collect();
        let letters: String = written.chars().filter(|&c| c != '.').collect();
        let initials = (2..=6)
            .contains(&letters.chars().count())
            .then_some(())
            .filter(|()| letters.chars().all(|c| c.is_ascii_uppercase()))
            .map(|()| letters.to_ascii_lowercase());
        Query {
            written,
            folded,
            words,
            initials,
        }
    }

    fn score(&self, name: &IndexedName) -> Option<SearchHit> {
        let hit = |score: f64, reason: MatchReason, explanation: String| SearchHit {
            entity: name.entity,
            score,
            matched_name: name.written.clone(),
            reason,
            explanation,
        };
        let query = &self.written;
        if *query == name.written {
            return Some(hit(
                1.0,
                MatchReason::Exact,
                format!("{query:?} is the name {:?}: 1.00", name.written),
            ));
        }
        if self.folded == name.folded {
            return Some(hit(
                0.95,
                MatchReason::Folded,
                format!("{query:?} equals {:?} ignoring case and accents: 0.95", name.written),
            ));
        }
        if let (Some(initials), Some(name_initials)) = (&self.initials, &name.initials) {
            if initials == name_initials {
                return Some(hit(
                    INITIALS_SCORE,
                    MatchReason::Initials,
                    format!("{query:?} is the initials of {:?}: {INITIALS_SCORE:.2}", name.written),
                ));
            }
        }
        self.score_words(name)
            .map(|(score, reason, explanation)| hit(score, reason, explanation))
    }

    /// Matches the query's words to the name's, each name word used once. `None` when a
    /// distinctive word of the query is not in the name, or when the query and the name have
    /// different directional words.
    fn score_words(&self, name: &IndexedName) -> Option<(f64, MatchReason, String)> {
        if self.words.is_empty() || name.words.is_empty() {
            return None;
        }
        let mut used = vec![false; name.words.len()];
        let mut matches: Vec<WordMatch<'_>> = Vec::new();
        let mut missing_modifiers: Vec<&str> = Vec::new();
        for query_word in &self.words {
            let word = query_word.word.as_str();
            let exact = name.words.iter().enumerate().position(|(i, w)| !used[i] && w == word);
            let found = exact.map(|i| (i, 0)).or_else(|| {
                if !query_word.unknown {
                    return None;
                }
                name.words
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| !used[i])
                    .filter_map(|(i, w)| typo_edits(word, w).map(|edits| (i, edits)))
                    .min_by_key(|&(i, edits)| (edits, i))
            });
            match found {
                Some((index, edits)) => {
                    used[index] = true;
                    matches.push(WordMatch {
                        query: word,
                        name: &name.words[index],
                        edits,
                    });
                }
                None if is_modifier(word) => missing_modifiers.push(word),
                None => return None,
            }
        }
        if matches.is_empty() {
            return None;
        }
        let name_has_other_modifier = name.words.iter().enumerate().any(|(i, w)| !used[i] && is_modifier(w));
        if !missing_modifiers.is_empty() && name_has_other_modifier {
            return None;
        }
        let coverage = matches.len() as f64 / name.words.len() as f64;
        let similarity = matches
            .iter()
            .map(|m| 1.0 - m.edits as f64 / m.query.chars().count().max(m.name.chars().count()) as f64)
            .sum::<f64>()
            / matches.len() as f64;
        let penalty = MODIFIER_PENALTY * missing_modifiers.len() as f64;
        let score = WORD_SCORE_BASE + WORD_SCORE_RANGE * coverage * similarity - penalty;
        let typos: Vec<&WordMatch<'_>> = matches.iter().filter(|m| m.edits > 0).collect();
        let reason = if !typos.is_empty() {
            MatchReason::Fuzzy
        } else if matches.len() == name.words.len() && missing_modifiers.is_empty() {
            MatchReason::Words
        } else {
            MatchReason::Partial
        };
        let mut explanation = match reason {
            MatchReason::Words => format!(
                "{:?} has the words of {:?} (order, case, accents and articles aside)",
                self.written, name.written
            ),
            _ => format!(
                "{:?} matches {} of the {} word(s) of {:?}",
                self.written,
                matches.len(),
                name.words.len(),
                name.written
            ),
        };
        for typo in &typos {
            if typo.edits == 1 {
                explanation.push_str(&format!("; {:?} is 1 edit from {:?}", typo.query, typo.name));
            } else {
                explanation.push_str(&format!(
                    "; {:?} has the consonants of {:?} ({} edits)",
                    typo.query, typo.name, typo.edits
                ));
            }
        }
        for modifier in &missing_modifiers {
            explanation.push_str(&format!("; {modifier:?} is not in the name (-{MODIFIER_PENALTY:.2})"));
        }
        explanation.push_str(&format!(
            ": {WORD_SCORE_BASE:.2} + {WORD_SCORE_RANGE:.2} × {coverage:.2} of its words × {similarity:.2} similar"
        ));
        if penalty > 0.0 {
            explanation.push_str(&format!(" - {penalty:.2}"));
        }
        explanation.push_str(&format!(" = {score:.2}"));
        Some((score, reason, explanation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_one_edit_or_the_same_consonants() {
        assert_eq!(typo_edits("hafter", "haftar"), Some(1));
        assert_eq!(typo_edits("trablus", "tarabulus"), Some(2));
        assert_eq!(typo_edits("egyptair", "egyptian"), None);
        assert_eq!(typo_edits("trablus", "nablus"), None);
        assert_eq!(
            typo_edits("ira", "iran"),
            None,
            "three letters are too few to tell a typo"
        );
    }

    #[test]
    fn initials_are_those_of_organisations_and_states() {
        assert_eq!(
            initials(EntityType::Organization, "Islamic State").as_deref(),
            Some("is")
        );
        assert_eq!(
            initials(EntityType::Organization, "UN Secretariat").as_deref(),
            Some("uns")
        );
        assert_eq!(
            initials(EntityType::Country, "Government of National Unity").as_deref(),
            Some("gnu")
        );
        assert_eq!(initials(EntityType::City, "Inda Silase"), None);
    }
}
