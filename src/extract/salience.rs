//! Salience, the last stage: how prominent each linked entity is in the text, from the mentions
//! the caller gets back. It reads mentions and changes none.

use rustc_hash::FxHashMap as HashMap;

use super::{EntitySalience, Mention};
use crate::model::EntityIndex;
use crate::text::Span;

/// Aggregates the linked top-level mentions per entity (see [`EntitySalience::salience`]).
pub(super) fn salience(mentions: &[Mention]) -> Vec<EntitySalience> {
    let mut by_entity: HashMap<EntityIndex, (usize, Span, f32)> = HashMap::default();
    for mention in mentions.iter().filter(|m| !m.nested) {
        let Some(entity) = mention.entity else { continue };
        let weight = 1.0 + 1.0 / (1.0 + mention.sentence_index as f32);
        let entry = by_entity.entry(entity).or_insert((0, mention.span, 0.0));
        entry.0 += 1;
        entry.2 += weight;
    }
    let max = by_entity.values().map(|v| v.2).fold(0.0_f32, f32::max);
    let mut entities: Vec<EntitySalience> = by_entity
        .into_iter()
        .map(|(entity, (count, first, raw))| EntitySalience {
            entity,
            mention_count: count,
            first_mention: first,
            salience: if max > 0.0 { raw / max } else { 0.0 },
        })
        .collect();
    entities.sort_by(|a, b| {
        b.salience
            .total_cmp(&a.salience)
            .then(a.first_mention.byte_start.cmp(&b.first_mention.byte_start))
    });
    entities
}
