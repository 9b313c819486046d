//! Salience, the last stage: how prominent each linked entity is in the text, from the mentions
//! the caller gets back. It reads mentions and changes none.

use rustc_hash::FxHashMap as HashMap;

use super::{EntitySalience, Mention};
use crate::model::EntityIndex;
use crate::text::Span;

/// Aggregates the linked top-level mentions per entity (see [`EntitySalience::salience`]).
pub(super) fn salience(mentions: &[Mention]) -> Vec<EntitySalience> {
    let mut by_entity: HashMap<EntityIndex, (usize, Span, f32)> =
        HashMap::with_capacity_and_hasher(mentions.len().min(256), Default::default());
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::extract::MentionKind;

    /// A mention of `entity` at byte `start` of sentence `sentence`; only what salience reads
    /// matters.
    fn mention(entity: Option<usize>, start: usize, sentence: usize, nested: bool) -> Mention {
        Mention {
            span: Span {
                byte_start: start,
                byte_end: start + 1,
                char_start: start,
                char_end: start + 1,
                utf16_start: start,
                utf16_end: start + 1,
            },
            entity: entity.map(EntityIndex::new),
            entity_type: None,
            kind: MentionKind::Name,
            metonym_for: None,
            matched_alias: Arc::from(""),
            confidence: 1.0,
            sentence_index: sentence,
            nested,
            candidates: Vec::new(),
            local_id: None,
        }
    }

    /// (entity, mention count, first byte, salience) of each entity, most salient first.
    fn ranked(mentions: &[Mention]) -> Vec<(usize, usize, usize, f32)> {
        salience(mentions)
            .into_iter()
            .map(|e| (e.entity.get(), e.mention_count, e.first_mention.byte_start, e.salience))
            .collect()
    }

    #[test]
    fn salience_orders_entities_by_weight_where_early_mentions_count_more() {
        // Entity 7: once in the headline, 1 + 1/1 = 2. Entity 3: twice in the fourth sentence,
        // 2 × (1 + 1/4) = 2.5, the most salient.
        let mentions = [
            mention(Some(7), 0, 0, false),
            mention(Some(3), 40, 3, false),
            mention(Some(3), 50, 3, false),
        ];
        assert_eq!(ranked(&mentions), vec![(3, 2, 40, 1.0), (7, 1, 0, 0.8)]);
    }

    #[test]
    fn salience_ignores_nested_and_unlinked_mentions() {
        let mentions = [
            mention(Some(1), 0, 0, false),
            mention(Some(2), 0, 0, true),
            mention(None, 10, 0, false),
        ];
        assert_eq!(ranked(&mentions), vec![(1, 1, 0, 1.0)]);
    }

    #[test]
    fn equally_salient_entities_come_in_order_of_their_first_mention() {
        let mentions = [mention(Some(9), 0, 1, false), mention(Some(4), 10, 1, false)];
        assert_eq!(ranked(&mentions), vec![(9, 1, 0, 1.0), (4, 1, 10, 1.0)]);
    }

    #[test]
    fn no_linked_mention_means_no_entity() {
        assert_eq!(ranked(&[mention(None, 0, 0, false)]), vec![]);
    }
}
