//! Mentions, the fourth stage: turns the kept matches and their links into [`Mention`]s, with
//! spans in every unit, sentence indexes and confidences, and applies the caller's options
//! (types, confidence, unlinked and nested mentions). It takes the linking decisions as they come
//! and changes none of them.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::candidates::Candidate;
use super::linking::Link;
use super::{
    ExtractOptions, Extractor, Mention, MentionKind, Sighting, AMBIGUITY_FACTOR, CONFIDENCE_ALIAS,
    CONFIDENCE_CANONICAL, CONFIDENCE_FOLDED,
};
use crate::model::EntityType;
use crate::text::{sentence_index_from, OffsetConverter};

/// Numbers the actors the model does not know, in order of their first mention: the same
/// words again (case and accents aside) are the same actor, and so is a single word that is the
/// last word of a person named in full before it ("Murphy" after "Chris Murphy").
pub(super) fn assign_local_ids(text: &str, mentions: &mut [Mention]) {
    // Keyed randomly per process: the keys are the request's words (see `Surnames`).
    let mut by_name: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut next = 1;
    for mention in mentions.iter_mut().filter(|m| m.entity.is_none() && !m.nested) {
        let surface = text.get(mention.span.byte_start..mention.span.byte_end).unwrap_or("");
        crate::work::step(surface.len());
        let key = crate::text::fold_for_compare(surface);
        let id = match by_name.get(&key) {
            Some(&id) => id,
            None => {
                let id = next;
                next += 1;
                by_name.insert(key.clone(), id);
                // A person's full name also answers for the surname alone, unless an earlier
                // actor already has that word.
                if mention.entity_type == Some(EntityType::Person) {
                    if let Some((_, surname)) = key.rsplit_once(' ') {
                        by_name.entry(surname.to_owned()).or_insert(id);
                    }
                }
                id
            }
        };
        mention.local_id = Some(id);
    }
}

impl Extractor {
    /// Builds the mentions of the kept matches (`top`, each with its linking decision) and, when
    /// asked, of the known names nested inside them; keeps the ones `options` asks for, in text
    /// order, each nested mention right after the mention that contains it.
    pub(super) fn mentions(
        &self,
        text: &str,
        sentences: &[usize],
        top: &[Sighting],
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
            let unsupported = link.unsupported;
            let mention = self.mention(text, &mut positions, found, link, false);
            let keep = |m: &Mention| {
                !unsupported
                    && type_allowed(m.entity_type)
                    && m.confidence >= options.min_confidence
                    && !(options.exclude_unlinked && m.entity.is_none())
            };
            if keep(&mention) {
                mentions.push(mention);
            }
            while let Some(inner) = nested_iter.next_if(|n| n.start < end || (n.start == start && n.end <= end)) {
                if options.include_nested && inner.start >= start && inner.end <= end {
                    let link = self.resolve(&inner, &HashMap::default(), &HashMap::default());
                    let found = Sighting::Known(inner);
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
        found: &Sighting,
        link: Link<'_>,
        nested: bool,
    ) -> Mention {
        let (start, end) = found.range();
        crate::work::step(1);
        let span = positions.converter.span(start, end);
        let sentence = sentence_index_from(positions.sentences, start, &mut positions.sentence_cursor);
        match found {
            Sighting::Unlinked {
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
                local_id: None,
            },
            Sighting::Known(candidate) => {
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
                    entity_type: entity.map(|e| self.entities[e.get()].entity_type),
                    kind: name.map_or(MentionKind::Name, |n| n.kind),
                    metonym_for: link.metonym_for,
                    matched_alias: name.map_or_else(|| Arc::from(""), |n| Arc::clone(&n.written)),
                    confidence,
                    sentence_index: sentence,
                    nested,
                    candidates: link.candidates,
                    local_id: None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::linking::select_leftmost_longest;
    use crate::extract::tests::{georgias, known_names, shipped};
    use crate::text::{sentence_starts, Span};

    /// The stage's mentions of `found` (in text order, longest first), linked by the shipped model.
    fn built(text: &str, found: Vec<Sighting>, options: &ExtractOptions) -> Vec<Mention> {
        built_by(&shipped().extractor, text, found, options)
    }

    fn built_by(extractor: &Extractor, text: &str, found: Vec<Sighting>, options: &ExtractOptions) -> Vec<Mention> {
        let (top, nested) = select_leftmost_longest(found);
        let links = extractor.link(text, &top);
        extractor.mentions(text, &sentence_starts(text), &top, links, nested, options)
    }

    /// The shipped model's candidates of `text`, each taken as a known name.
    fn known(text: &str) -> Vec<Sighting> {
        known_names(&shipped().extractor, text)
    }

    fn surfaces<'t>(text: &'t str, mentions: &[Mention]) -> Vec<(&'t str, bool)> {
        mentions
            .iter()
            .map(|m| (&text[m.span.byte_start..m.span.byte_end], m.nested))
            .collect()
    }

    #[test]
    fn a_name_as_the_model_writes_it_is_more_confident_than_a_folded_one() {
        let text = "Türkiye, Turkiye and TURKIYE";
        let mentions = built(text, known(text), &ExtractOptions::default());
        let seen: Vec<(&str, f32)> = mentions.iter().map(|m| (&*m.matched_alias, m.confidence)).collect();
        assert_eq!(
            seen,
            vec![
                ("Türkiye", CONFIDENCE_CANONICAL),
                ("Turkiye", CONFIDENCE_ALIAS),
                ("Türkiye", CONFIDENCE_FOLDED)
            ]
        );
    }

    #[test]
    fn a_mention_spans_bytes_code_points_and_utf16_units_and_knows_its_sentence() {
        // The flag is two code points of four bytes, each two UTF-16 units; "ü" is two bytes.
        let text = "Talks began. Officials of 🇹🇷 Türkiye agreed.";
        let mentions = built(text, known(text), &ExtractOptions::default());
        assert_eq!(mentions.len(), 1);
        assert_eq!(
            mentions[0].span,
            Span {
                byte_start: 35,
                byte_end: 43,
                char_start: 29,
                char_end: 36,
                utf16_start: 31,
                utf16_end: 38,
            }
        );
        assert_eq!(mentions[0].sentence_index, 1);
    }

    #[test]
    fn a_shared_name_loses_confidence_and_names_every_entity_it_may_be() {
        let (model, extractor) = georgias();
        let found = known_names(&extractor, "Georgia");
        let mentions = built_by(&extractor, "Georgia", found, &ExtractOptions::default());
        let candidates: Vec<&str> = mentions[0]
            .candidates
            .iter()
            .map(|&e| model.entities[e].id.as_str())
            .collect();
        assert_eq!(candidates, vec!["georgia-country", "georgia-state"]);
        assert_eq!(mentions[0].confidence, CONFIDENCE_CANONICAL * AMBIGUITY_FACTOR);
    }

    #[test]
    fn nested_mentions_come_only_on_request_right_after_their_container() {
        let text = "the Libyan National Army and Libya";
        let plain = built(text, known(text), &ExtractOptions::default());
        assert_eq!(
            surfaces(text, &plain),
            vec![("Libyan National Army", false), ("Libya", false)]
        );
        let options = ExtractOptions {
            include_nested: true,
            ..ExtractOptions::default()
        };
        let with_nested = built(text, known(text), &options);
        assert_eq!(
            surfaces(text, &with_nested),
            vec![("Libyan National Army", false), ("Libyan", true), ("Libya", false)]
        );
    }

    #[test]
    fn options_keep_only_the_types_confidences_and_linked_mentions_asked_for() {
        let text = "Tripoli, LIBYA and the Xyz Agency";
        let with_unlinked = || {
            let mut found = known(text);
            let start = text.find("Xyz Agency").expect("in the text");
            found.push(Sighting::Unlinked {
                start,
                end: text.len(),
                entity_type: Some(EntityType::Organization),
                kind: MentionKind::Name,
                confidence: 0.6,
            });
            found
        };
        let kept = |options: ExtractOptions| -> Vec<&str> {
            built(text, with_unlinked(), &options)
                .iter()
                .map(|m| &text[m.span.byte_start..m.span.byte_end])
                .collect()
        };
        assert_eq!(kept(ExtractOptions::default()), vec!["Tripoli", "LIBYA", "Xyz Agency"]);
        assert_eq!(
            kept(ExtractOptions {
                types: vec![EntityType::City, EntityType::Organization],
                ..ExtractOptions::default()
            }),
            vec!["Tripoli", "Xyz Agency"]
        );
        assert_eq!(
            kept(ExtractOptions {
                min_confidence: CONFIDENCE_ALIAS,
                exclude_unlinked: true,
                ..ExtractOptions::default()
            }),
            vec!["Tripoli"]
        );
    }
}
