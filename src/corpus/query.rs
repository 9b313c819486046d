//! Relation queries over the corpus, read with the served model's vocabulary: the same filters
//! as the curated relations (`graph::relations_of`), plus a date range and a minimum number of
//! documents. Relations whose predicate or ends the served model no longer declares are left
//! out, so a reload never makes the corpus answer with ids that resolve to nothing.

use super::index::{CorpusIndex, DateRange, RelationKey, Report, ReportSummary};
use crate::graph::{Direction, RelationFilter};
use crate::model::{EntityIndex, Model, PredicateIndex, Side};

/// A corpus relation as seen from the entity asked about, with its reports in the range.
#[derive(Debug, Clone)]
pub struct ListedRelation<'a> {
    pub key: &'a RelationKey,
    pub subject: EntityIndex,
    pub predicate: PredicateIndex,
    pub object: EntityIndex,
    /// The side the queried entity is on (the subject's when no entity was asked about).
    pub side: Side,
    /// The reports within the date range, oldest first.
    pub reports: &'a [Report],
    pub summary: ReportSummary,
}

/// The corpus relations of `entity` (every relation when `None`) that pass `filter`, `range`
/// and `min_documents`, in key order. The filter's predicate must be one the model declares
/// (`graph::relations_of` checks it first); derived relations are the curated model's alone.
pub fn corpus_relations<'a>(
    model: &Model,
    index: &'a CorpusIndex,
    entity: Option<EntityIndex>,
    filter: &RelationFilter,
    range: &DateRange,
    min_documents: usize,
) -> Vec<ListedRelation<'a>> {
    let wanted = filter.predicate.as_deref().and_then(|name| {
        model
            .predicate_by_name(name)
            .map(|p| (p.id.as_str(), !p.symmetric && p.inverse == name))
    });
    if filter.predicate.is_some() && wanted.is_none() {
        return Vec::new();
    }
    let entity_id = entity.map(|e| model.entities[e].id.as_str());
    let counterpart_id = filter.counterpart.map(|c| model.entities[c].id.as_str());
    index
        .relations_of(entity_id)
        .into_iter()
        .filter_map(|relation| {
            let key = relation.key;
            let predicate_index = *model.predicate_by_name.get(&*key.predicate)?;
            let predicate = &model.predicates[predicate_index];
            if *predicate.id != *key.predicate {
                return None;
            }
            let subject = model.entity_index(&key.subject)?;
            let object = model.entity_index(&key.object)?;
            let side = match entity_id {
                Some(id) if *key.subject == *id => Side::Subject,
                Some(_) => Side::Object,
                None if wanted.is_some_and(|(_, only_incoming)| only_incoming) => Side::Object,
                None => Side::Subject,
            };
            let other: &str = if side == Side::Subject {
                &key.object
            } else {
                &key.subject
            };
            let direction_ok = entity_id.is_none()
                || predicate.symmetric
                || match filter.direction {
                    Direction::Both => true,
                    Direction::Outgoing => side == Side::Subject,
                    Direction::Incoming => side == Side::Object,
                };
            let predicate_ok = wanted.is_none_or(|(id, only_incoming)| {
                predicate.id == id && (!only_incoming || side == Side::Object || predicate.symmetric)
            });
            let counterpart_ok = entity_id.is_none() || counterpart_id.is_none_or(|c| c == other);
            if !(direction_ok && predicate_ok && counterpart_ok) {
                return None;
            }
            let (reports, summary) = relation.in_range(range);
            (summary.reports > 0 && summary.documents >= min_documents).then_some(ListedRelation {
                key,
                subject,
                predicate: predicate_index,
                object,
                side,
                reports,
                summary,
            })
        })
        .collect()
}
