//! Linking and disambiguation, the third stage: keeps the leftmost-longest mentions, then decides
//! the entity of each: names several entities share by the other entities of the text, capitals
//! by their use as a place or as their government (metonyms). It neither finds mentions nor
//! builds them: it only answers, for each one the earlier stages kept, which entity it is.

use rustc_hash::FxHashMap as HashMap;

use super::candidates::Candidate;
use super::names::{MentionKind, WrittenName};
use super::{lexicon, Extractor, Sighting};
use crate::model::{EntityIndex, EntityType};
use crate::text::is_word_char;

/// The word right before `start`, across spaces only.
pub(super) fn previous_word(text: &str, start: usize) -> Option<&str> {
    let before = text[..start].strip_suffix(' ')?;
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(index, _)| index)?;
    crate::work::step(before.len() - word_start);
    Some(&before[word_start..])
}

/// Keeps the leftmost-longest non-overlapping mentions; returns them and the known candidates
/// nested inside them (for the `include_nested` option), both in text order.
pub(super) fn select_leftmost_longest(found: Vec<Sighting>) -> (Vec<Sighting>, Vec<Candidate>) {
    let mut top: Vec<Sighting> = Vec::with_capacity(found.len());
    let mut nested = Vec::new();
    let mut covered_until = 0;
    let mut current: Option<(usize, usize)> = None;
    for item in found {
        let (start, end) = item.range();
        if top.is_empty() || start >= covered_until {
            covered_until = end;
            current = Some((start, end));
            top.push(item);
        } else if let (Sighting::Known(candidate), Some((outer_start, outer_end))) = (item, current) {
            if start >= outer_start && end <= outer_end {
                nested.push(candidate);
            }
        }
    }
    (top, nested)
}

/// The linking decision for one mention.
#[derive(Debug, Clone, Default)]
pub(super) struct Link<'t> {
    pub(super) entity: Option<EntityIndex>,
    pub(super) name: Option<&'t WrittenName>,
    pub(super) metonym_for: Option<EntityIndex>,
    /// Every entity the name may be, when more than one.
    pub(super) candidates: Vec<EntityIndex>,
    /// The name is also a common word and nothing in the text supports the place: no mention.
    pub(super) unsupported: bool,
}

/// The entity all these names belong to, if there is exactly one.
fn single_entity<'t>(mut names: impl Iterator<Item = &'t WrittenName>) -> Option<EntityIndex> {
    let first = names.next()?.entity;
    names.all(|n| n.entity == first).then_some(first)
}

impl Extractor {
    /// Decides the entity of each top-level mention: shared names by context, capitals by their
    /// use as place or government.
    pub(super) fn link(&self, text: &str, top: &[Sighting]) -> Vec<Link<'_>> {
        // Sized for the usual text, where a few names come back again and again.
        let mut context: HashMap<EntityIndex, usize> =
            HashMap::with_capacity_and_hasher(top.len().min(256), Default::default());
        for found in top {
            if let Sighting::Known(candidate) = found {
                if let Some(only) = single_entity(candidate.names(&self.names)) {
                    *context.entry(only).or_insert(0) += 1;
                }
            }
        }
        // The countries the text's places are in (and the countries it names): a name several
        // places share goes to the place in the same country ("Atlanta, Georgia").
        let mut countries: HashMap<EntityIndex, usize> =
            HashMap::with_capacity_and_hasher(context.len(), Default::default());
        for (&entity, &count) in &context {
            if let Some(country) = self.country_of(entity) {
                *countries.entry(country).or_insert(0) += count;
            }
        }
        let mut links: Vec<Link<'_>> = top
            .iter()
            .map(|found| match found {
                Sighting::Known(candidate) => self.resolve(candidate, &context, &countries),
                Sighting::Unlinked { .. } => Link::default(),
            })
            .collect();
        // A place whose name is also a common word ("Nice", "Mobile", "Split") needs support: a
        // place word before it ("in Nice"), or its country named in the text ("Nice, France").
        for (index, found) in top.iter().enumerate() {
            let Sighting::Known(candidate) = found else { continue };
            let Some(entity) = links[index].entity else { continue };
            let facts = &self.entities[entity.get()];
            // A country named like a word (Jordan, Chad) is a country in news; given names before
            // or after it are the unknown-names stage's concern.
            if facts.common_word && facts.entity_type != EntityType::Country {
                let place_word_before =
                    previous_word(text, candidate.start).is_some_and(|word| lexicon::PLACE_WORDS_BEFORE.contains(word));
                // Its country named, or a place of its country named ("Atlanta, Georgia").
                let own = context.get(&entity).copied().unwrap_or(0);
                let country_named = facts.country.is_some_and(|country| {
                    context.contains_key(&country) || countries.get(&country).copied().unwrap_or(0) > own
                });
                links[index].unsupported = !(place_word_before || country_named);
            }
        }
        // An acronym joined by a slash to a word nobody claims is part of a technical name
        // ("GNU/Linux", "TCP/IP"); joined to another known name it stays ("LNA/LAAF").
        for (index, found) in top.iter().enumerate() {
            let Sighting::Known(candidate) = found else { continue };
            let acronym = candidate.names(&self.names).all(|n| n.kind == MentionKind::Acronym);
            let slash_word = text[candidate.end..]
                .strip_prefix('/')
                .is_some_and(|rest| rest.starts_with(char::is_alphanumeric));
            let next_is_known = top
                .get(index + 1)
                .is_some_and(|next| matches!(next, Sighting::Known(_)) && next.range().0 == candidate.end + 1);
            if acronym && slash_word && !next_is_known {
                links[index].unsupported = true;
            }
        }
        // A shared name right after a place and a comma is the one in that place's country:
        // "Atlanta, Georgia" is the state, "Tbilisi, Georgia" the country, in one text.
        for index in 1..top.len() {
            let (Sighting::Known(candidate), Sighting::Known(before)) = (&top[index], &top[index - 1]) else {
                continue;
            };
            if links[index].candidates.len() < 2 || text.get(before.end..candidate.start) != Some(", ") {
                continue;
            }
            let Some(place) = links[index - 1].entity else { continue };
            let Some(country) = self.country_of(place) else {
                continue;
            };
            let in_country = links[index]
                .candidates
                .iter()
                .copied()
                .find(|&c| c == country || self.entities[c.get()].country == Some(country));
            if let Some(chosen) = in_country {
                links[index].name = candidate
                    .names(&self.names)
                    .filter(|n| n.entity == chosen)
                    .max_by_key(|n| (n.is_canonical, n.kind == MentionKind::Name));
                links[index].entity = Some(chosen);
            }
        }
        let mut previous_place: Option<(usize, bool)> = None;
        for (index, found) in top.iter().enumerate() {
            let Sighting::Known(candidate) = found else { continue };
            let Some(entity) = links[index].entity else { continue };
            let facts = &self.entities[entity.get()];
            if facts.entity_type != EntityType::City {
                continue;
            }
            let literal = is_place_use(text, candidate.start, candidate.end, previous_place);
            previous_place = Some((candidate.end, literal));
            if !literal {
                links[index].metonym_for = facts.stands_for;
            }
        }
        links
    }

    /// The country of a place, or the country itself.
    fn country_of(&self, entity: EntityIndex) -> Option<EntityIndex> {
        let facts = &self.entities[entity.get()];
        if facts.entity_type == EntityType::Country {
            Some(entity)
        } else {
            facts.country
        }
    }

    /// Picks the entity of a candidate: the only one, or the one best supported by context.
    pub(super) fn resolve(
        &self,
        candidate: &Candidate,
        context: &HashMap<EntityIndex, usize>,
        countries: &HashMap<EntityIndex, usize>,
    ) -> Link<'_> {
        let names = candidate.names(&self.names);
        let mut entities = Vec::new();
        let chosen = if let Some(only) = single_entity(names.clone()) {
            only
        } else {
            entities = names.clone().map(|n| n.entity).collect();
            entities.sort_unstable();
            entities.dedup();
            let score = |entity: &EntityIndex| {
                let own = context.get(entity).copied().unwrap_or(0) * 2;
                let related: usize = self.entities[entity.get()]
                    .neighbours
                    .iter()
                    .map(|n| context.get(n).copied().unwrap_or(0))
                    .sum();
                // A place in a country the text's other places are in, or a country they are in.
                let same_country = self
                    .country_of(*entity)
                    .map_or(0, |country| countries.get(&country).copied().unwrap_or(0));
                own + related + same_country
            };
            // Highest score, then the lowest index, so the answer is deterministic.
            entities
                .iter()
                .copied()
                .max_by(|a, b| score(a).cmp(&score(b)).then(b.cmp(a)))
                .unwrap_or(entities[0])
        };
        let name = names
            .filter(|n| n.entity == chosen)
            .max_by_key(|n| (n.is_canonical, n.kind == MentionKind::Name));
        Link {
            entity: Some(chosen),
            name,
            metonym_for: None,
            candidates: entities,
            unsupported: false,
        }
    }
}

/// Whether a city mention is a place ("the government in Tripoli", "Tripoli-based", a
/// dateline) rather than its government (GOLD rule 12). `previous` is the end and decision of
/// the city mention before it, so "in Tripoli and Ankara" keeps both literal.
fn is_place_use(text: &str, start: usize, end: usize, previous: Option<(usize, bool)>) -> bool {
    let before = text[..start].trim_end();
    crate::work::step(start - before.len() + 1);
    let previous_word = before.rsplit(|c: char| !is_word_char(c)).next().unwrap_or("");
    crate::work::step(previous_word.len());
    if lexicon::PLACE_WORDS_BEFORE.contains(previous_word) && before.len() < start {
        return true;
    }
    if let Some((previous_end, previous_literal)) = previous {
        let between = text.get(previous_end..start).unwrap_or("").trim();
        crate::work::step(start.saturating_sub(previous_end));
        if previous_literal && matches!(between, "and" | "or" | "," | "and the" | "or the") {
            return true;
        }
    }
    let after = &text[end..];
    let mut rest = after.chars();
    match (rest.next(), rest.next()) {
        // A compound: "Tripoli-based", "Ankara-backed".
        (Some('-' | '\u{2010}' | '\u{2011}'), Some(c)) if c.is_lowercase() => return true,
        // A modifier of a following name: "Tripoli Government".
        (Some(' '), Some(c)) if c.is_uppercase() => return true,
        _ => {}
    }
    // A dateline: the city opens a line and is followed by a comma or a dash.
    let line_start = before.is_empty() || text[..start].ends_with('\n');
    line_start && after.trim_start().starts_with([',', '(', '-', '\u{2014}', '\u{2013}'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::{georgias, known_names, shipped};

    /// The shipped model's candidates of `text`, each taken as a known name.
    fn known(text: &str) -> Vec<Sighting> {
        known_names(&shipped().extractor, text)
    }

    fn surface<'t>(text: &'t str, found: &Sighting) -> &'t str {
        let (start, end) = found.range();
        &text[start..end]
    }

    /// The byte range of the first `word` in `text`.
    fn range_of(text: &str, word: &str) -> (usize, usize) {
        let start = text.find(word).expect("the word is in the text");
        (start, start + word.len())
    }

    #[test]
    fn select_leftmost_longest_keeps_the_longest_and_reports_the_nested_ones() {
        let text = "the Libyan National Army and Libya";
        let mut found = known(text);
        // An unlinked name inside a kept one is dropped: only known names are reported nested.
        let (start, end) = range_of(text, "National Army");
        found.insert(
            2,
            Sighting::Unlinked {
                start,
                end,
                entity_type: Some(EntityType::Organization),
                kind: MentionKind::Name,
                confidence: 0.5,
            },
        );
        let (top, nested) = select_leftmost_longest(found);
        let top: Vec<&str> = top.iter().map(|f| surface(text, f)).collect();
        let nested: Vec<&str> = nested.iter().map(|c| &text[c.start..c.end]).collect();
        assert_eq!(top, vec!["Libyan National Army", "Libya"]);
        assert_eq!(nested, vec!["Libyan"]);
    }

    #[test]
    fn is_place_use_tells_the_city_as_a_place_from_the_city_for_its_government() {
        let place = |text: &str, city: &str| {
            let (start, end) = range_of(text, city);
            is_place_use(text, start, end, None)
        };
        assert!(place("the government in Tripoli", "Tripoli"));
        assert!(place("the Tripoli-based GNU", "Tripoli"));
        assert!(place("TRIPOLI, Nov 26 - Officials met.", "TRIPOLI"));
        assert!(!place("crucial for both Tripoli and Ankara", "Tripoli"));
        assert!(!place("Ankara\u{2019}s approach", "Ankara"));
    }

    #[test]
    fn is_place_use_gives_a_city_joined_to_the_one_before_the_same_use() {
        let second = |text: &str, first_is_place: bool| {
            let (_, first_end) = range_of(text, "Tripoli");
            let (start, end) = range_of(text, "Ankara");
            is_place_use(text, start, end, Some((first_end, first_is_place)))
        };
        assert!(second("the embassy in Tripoli and Ankara", true));
        assert!(!second("crucial for both Tripoli and Ankara", false));
    }

    #[test]
    fn link_makes_a_capital_for_its_government_a_metonym_and_leaves_a_place_alone() {
        let snapshot = shipped();
        let metonyms = |text: &str| -> Vec<Option<&str>> {
            let (top, _) = select_leftmost_longest(known(text));
            snapshot
                .extractor
                .link(text, &top)
                .iter()
                .map(|link| link.metonym_for.map(|e| snapshot.model.entities[e].id.as_str()))
                .collect()
        };
        assert_eq!(
            metonyms("crucial for both Tripoli and Ankara"),
            vec![Some("government-of-national-unity"), Some("turkiye")]
        );
        assert_eq!(metonyms("the embassy in Tripoli and Ankara"), vec![None, None]);
    }

    #[test]
    fn link_resolves_a_shared_name_by_the_entities_around_it_and_ties_by_order() {
        let (model, extractor) = georgias();
        let georgia = |text: &str| -> (&str, Vec<&str>) {
            let (top, _) = select_leftmost_longest(known_names(&extractor, text));
            let links = extractor.link(text, &top);
            let (index, _) = top
                .iter()
                .enumerate()
                .find(|(_, found)| surface(text, found) == "Georgia")
                .expect("Georgia is found");
            let id = |e: EntityIndex| model.entities[e].id.as_str();
            let link = &links[index];
            (
                id(link.entity.expect("linked")),
                link.candidates.iter().map(|&e| id(e)).collect(),
            )
        };
        assert_eq!(
            georgia("Protests in Tbilisi spread across Georgia."),
            ("georgia-country", vec!["georgia-country", "georgia-state"])
        );
        assert_eq!(georgia("Atlanta voters decided Georgia.").0, "georgia-state");
        // No context: the first entity declared, so the answer does not vary between runs.
        assert_eq!(georgia("Georgia voted.").0, "georgia-country");
    }
}
