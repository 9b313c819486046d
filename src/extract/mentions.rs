//! Mentions, the fourth stage: turns the kept matches and their links into [`Mention`]s, with
//! spans in every unit, sentence indexes and confidences, and applies the caller's options
//! (types, confidence, unlinked and nested mentions). It takes the linking decisions as they come
//! and changes none of them.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::candidates::Candidate;
use super::linking::Link;
use super::{
    ExtractOptions, Extractor, Found, Mention, MentionKind, AMBIGUITY_FACTOR, CONFIDENCE_ALIAS, CONFIDENCE_CANONICAL,
    CONFIDENCE_FOLDED,
};
use crate::model::EntityType;
use crate::text::{sentence_index_from, OffsetConverter};

impl Extractor {
    /// Builds the mentions of the kept matches (`top`, each with its linking decision) and, when
    /// asked, of the known names nested inside them; keeps the ones `options` asks for, in text
    /// order, each nested mention right after the mention that contains it.
    pub(super) fn mentions(
        &self,
        text: &str,
        sentences: &[usize],
        top: &[Found],
        decided: Vec<Link<'_>>,
        nested: Vec<Candidate>,
        options: &ExtractOptions,
    ) -> Vec<Mention> {
        let mut positions = Positions {
            converter: OffsetConverter::new(text),
            sentences,
            sentence_cursor: 0,
        };
        let mut mentions = Vec::with_capacity(top.len());
        let type_allowed =
            |t: Option<EntityType>| options.types.is_empty() || t.is_some_and(|t| options.types.contains(&t));
        let mut nested_iter = nested.into_iter().peekable();
        for (found, link) in top.iter().zip(decided) {
            let (start, end) = found.range();
            let mention = self.mention(text, &mut positions, found, link, false);
            let keep = |m: &Mention| {
                type_allowed(m.entity_type)
                    && m.confidence >= options.min_confidence
                    && !(options.exclude_unlinked && m.entity.is_none())
            };
            if keep(&mention) {
                mentions.push(mention);
            }
            while let Some(inner) = nested_iter.next_if(|n| n.start < end || (n.start == start && n.end <= end)) {
                if options.include_nested && inner.start >= start && inner.end <= end {
                    let link = self.resolve(&inner, &HashMap::default());
                    let found = Found::Known(inner);
                    let inner = self.mention(text, &mut positions, &found, link, true);
                    if keep(&inner) {
                        mentions.push(inner);
                    }
                }
            }
        }
        mentions
    }

    /// Builds one mention: its span and sentence, and for a known name the name as written and
    /// the confidence that follows from it.
    fn mention(
        &self,
        text: &str,
        positions: &mut Positions<'_>,
        found: &Found,
        link: Link<'_>,
        nested: bool,
    ) -> Mention {
        let (start, end) = found.range();
        crate::work::step(1);
        let span = positions.converter.span(start, end);
        let sentence = sentence_index_from(positions.sentences, start, &mut positions.sentence_cursor);
        match found {
            Found::Unlinked {
                entity_type,
                kind,
                confidence,
                ..
            } => Mention {
                span,
                entity: None,
                entity_type: *entity_type,
                kind: *kind,
                metonym_for: None,
                matched_alias: Arc::from(""),
                confidence: *confidence,
                sentence_index: sentence,
                nested,
                candidates: Vec::new(),
            },
            Found::Known(candidate) => {
                let surface = &text[start..end];
                let entity = link.entity;
                // Prefer the name as written in the text, for the confidence and the report.
                let exact = candidate
                    .names(&self.names)
                    .find(|n| Some(n.entity) == entity && n.is_exact(surface));
                let name = exact.or(link.name);
                let mut confidence = match (exact, name) {
                    (Some(n), _) if n.is_canonical => CONFIDENCE_CANONICAL,
                    (Some(_), _) => CONFIDENCE_ALIAS,
                    _ => CONFIDENCE_FOLDED,
                };
                if !link.candidates.is_empty() {
                    confidence *= AMBIGUITY_FACTOR;
                }
                Mention {
                    span,
                    entity,
                    entity_type: entity.map(|e| self.entities[e].entity_type),
                    kind: name.map_or(MentionKind::Name, |n| n.kind),
                    metonym_for: link.metonym_for,
                    matched_alias: name.map_or_else(|| Arc::from(""), |n| Arc::clone(&n.written)),
                    confidence,
                    sentence_index: sentence,
                    nested,
                    candidates: link.candidates,
                }
            }
        }
    }
}

/// Turns byte offsets of mentions, asked in text order, into spans and sentence indexes.
struct Positions<'t> {
    converter: OffsetConverter<'t>,
    sentences: &'t [usize],
    sentence_cursor: usize,
}
