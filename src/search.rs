//! Name search: resolves a free-form name to ranked entities, tolerant of case, accents and
//! typos, and says why each hit matched.

use crate::model::{EntityIndex, EntityType, Model};
use crate::text::fold_for_compare;

/// How a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchReason {
    Exact,
    Folded,
    Partial,
    Fuzzy,
}

/// One ranked answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub entity: EntityIndex,
    pub score: f64,
    pub matched_name: String,
    pub reason: MatchReason,
    pub explanation: String,
}

/// Below this Jaro-Winkler similarity a name is not offered as a typo of the query.
const FUZZY_THRESHOLD: f64 = 0.86;

struct IndexedName {
    entity: EntityIndex,
    written: String,
    folded: String,
    words: Vec<String>,
}

/// Every name of every entity, folded once per snapshot.
pub struct SearchIndex {
    names: Vec<IndexedName>,
}

impl SearchIndex {
    pub fn new(model: &Model) -> SearchIndex {
        let mut names = Vec::new();
        for (entity, e) in model.entities.iter().enumerate() {
            for written in std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms) {
                let folded = fold_for_compare(written);
                let words = folded
                    .split([' ', '-'])
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect();
                names.push(IndexedName {
                    entity,
                    written: written.clone(),
                    folded,
                    words,
                });
            }
        }
        SearchIndex { names }
    }

    /// The best `limit` entities for `query`, optionally of one type, best first (ties by id).
    pub fn search(&self, model: &Model, query: &str, entity_type: Option<EntityType>, limit: usize) -> Vec<SearchHit> {
        let query = query.trim();
        let folded_query = fold_for_compare(query);
        let mut best: Vec<Option<SearchHit>> = vec![None; model.entities.len()];
        for name in &self.names {
            if entity_type.is_some_and(|t| model.entities[name.entity].entity_type != t) {
                continue;
            }
            let Some(hit) = score(query, &folded_query, name) else {
                continue;
            };
            let slot = &mut best[name.entity];
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

fn score(query: &str, folded_query: &str, name: &IndexedName) -> Option<SearchHit> {
    let hit = |score: f64, reason: MatchReason, explanation: String| SearchHit {
        entity: name.entity,
        score,
        matched_name: name.written.clone(),
        reason,
        explanation,
    };
    if query == name.written {
        return Some(hit(
            1.0,
            MatchReason::Exact,
            format!("{query:?} is the name {:?}", name.written),
        ));
    }
    if *folded_query == name.folded {
        return Some(hit(
            0.95,
            MatchReason::Folded,
            format!("{query:?} equals {:?} ignoring case and accents", name.written),
        ));
    }
    let query_chars = folded_query.chars().count();
    if query_chars >= 3 {
        let whole_word = name.words.iter().any(|w| w == folded_query);
        if whole_word || name.folded.starts_with(folded_query) {
            let coverage = query_chars as f64 / name.folded.chars().count().max(1) as f64;
            let how = if whole_word { "is a word of" } else { "starts" };
            return Some(hit(
                0.7 + 0.2 * coverage,
                MatchReason::Partial,
                format!("{query:?} {how} {:?}", name.written),
            ));
        }
    }
    let whole = strsim::jaro_winkler(folded_query, &name.folded);
    let (similarity, against) = name
        .words
        .iter()
        .filter(|w| w.chars().count() >= 4)
        .map(|w| (strsim::jaro_winkler(folded_query, w) * 0.95, w.as_str()))
        .fold((whole, name.folded.as_str()), |best, candidate| {
            if candidate.0 > best.0 {
                candidate
            } else {
                best
            }
        });
    (similarity >= FUZZY_THRESHOLD && query_chars >= 3).then(|| {
        let target = if against == name.folded {
            format!("{:?}", name.written)
        } else {
            format!("the word {against:?} of {:?}", name.written)
        };
        hit(
            similarity * 0.85,
            MatchReason::Fuzzy,
            format!("{query:?} is {similarity:.2} similar to {target} (Jaro-Winkler)"),
        )
    })
}
