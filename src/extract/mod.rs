//! The extraction engine: finds every mention of an actor in a text and links it to the model.
//!
//! # What is matched
//! Every canonical name, alias and demonym of the model is a pattern of one Aho-Corasick
//! automaton, built once per model snapshot. The text is folded first (accents removed, `ı`→`i`,
//! typographic apostrophes and dashes made ASCII; see [`crate::text::FoldedText`]) and searched
//! once, ASCII-case-insensitively, so the cost is linear in the text and nearly independent of the
//! number of names. Each raw match must then pass these rules:
//!
//! - **Normalisation forms**: a name matches whether its accents are precomposed (NFC, "Türkiye")
//!   or combining marks after the letter (NFD, "Tu\u{308}rkiye"), and in full-width letters
//!   ("Ｔｕｒｋｉｙｅ") or with ligatures ("Gaddaﬁ"). A combining mark belongs to the letter
//!   before it: a mention that ends with the letter ends after its marks, and the marks are part
//!   of the word for every rule below. Spans always point into the text as the caller wrote it.
//! - **Word boundaries**: no letter or digit right before or after it in the original text, so
//!   "Libya" is not found in "Libyans" (declare "Libyans" as a demonym) nor "Mali" in "Somalia".
//!   A combining mark does not end a word ("Egypt\u{301}x" is not "Egypt").
//!   Punctuation is a boundary: possessives ("Turkiye’s") and compounds ("Tripoli-based",
//!   "Turkiye-Libya", "LNA/LAAF") yield the name alone.
//! - **Case**: acronyms ("UN", "GNU") match only in their own capitals; other names need at least
//!   one capital in the text ("Libya", "LIBYA", but not "turkey" the bird).
//! - **Longest wins**: among overlapping valid matches the leftmost, then longest, is kept;
//!   the others are *nested* and returned only on request.
//! - **Out-of-scope names** (events, treaties, facilities: "Second Libyan Civil War",
//!   "Port of Misrata") hide the names inside them.
//!
//! Linked mentions are then refined: names two entities share are resolved by the other entities
//! of the text; a capital used for its government ("for both Tripoli and Ankara") also names the
//! entity it stands for (*metonym*), while a place use ("the government in Tripoli") does not.
//! Capitalised multi-word names and acronyms that no entity claims are returned unlinked, with a
//! type guessed from titles and head nouns; precision is preferred over recall there.
//!
//! # What it costs
//! Building: linear in the total length of the names. Extracting: one pass of folding, one
//! automaton pass and one tokenising pass over the text, plus work per candidate match.
//! Memory: a folded copy of the text only when it is not ASCII.

pub mod adversarial;
mod lexicon;
mod names;
mod phrases;

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

pub use names::{MentionKind, NameTableError};
use names::{NameTable, WrittenName};
use phrases::{Segment, SegmentClass, Token};

use crate::model::{EntityIndex, EntityType, Model};
use crate::text::{
    base_before, is_combining_mark, is_word_char, sentence_index_from, sentence_starts, FoldedText, OffsetConverter,
    Span,
};

/// Confidence of a mention that is the entity's canonical name exactly as written.
pub const CONFIDENCE_CANONICAL: f32 = 0.98;
/// Confidence of a mention that is an alias or demonym exactly as written.
pub const CONFIDENCE_ALIAS: f32 = 0.93;
/// Confidence of a mention that matched only once case or accents were folded.
pub const CONFIDENCE_FOLDED: f32 = 0.85;
/// Factor applied when a shared name was resolved by context.
const AMBIGUITY_FACTOR: f32 = 0.8;
/// Confidence of an unlinked name whose type is signalled by a title or head noun.
pub const CONFIDENCE_UNLINKED_TYPED: f32 = 0.6;
/// Confidence of a single unknown word taken for a name because it owns something ("Russia's").
pub const CONFIDENCE_UNLINKED_POSSESSIVE: f32 = 0.35;
/// Confidence of an unlinked name whose type is only guessed from its shape.
pub const CONFIDENCE_UNLINKED_GUESSED: f32 = 0.45;

/// What the caller wants back.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Only mentions of these types; empty means all.
    pub types: Vec<EntityType>,
    /// Leave out names no entity claims.
    pub exclude_unlinked: bool,
    /// Only mentions with at least this confidence.
    pub min_confidence: f32,
    /// Also return mentions nested inside longer ones.
    pub include_nested: bool,
}

/// One mention found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    /// The linked entity, or `None` for a name the model does not know.
    pub entity: Option<EntityIndex>,
    /// The entity's type, or the guessed type of an unlinked name (`None`: no guess).
    pub entity_type: Option<EntityType>,
    pub kind: MentionKind,
    /// For a capital used for its government: the entity it stands for.
    pub metonym_for: Option<EntityIndex>,
    /// The model's name that matched, as written there; empty when unlinked.
    pub matched_alias: Arc<str>,
    pub confidence: f32,
    pub sentence_index: usize,
    pub nested: bool,
    /// When the name is shared by several entities: all of them, the chosen one included.
    pub candidates: Vec<EntityIndex>,
}

/// Aggregate figures of one linked entity in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySalience {
    pub entity: EntityIndex,
    pub mention_count: usize,
    pub first_mention: Span,
    /// `raw / max raw` over the text's entities, where `raw` sums, over the entity's mentions,
    /// `1 + 1 / (1 + sentence index)`: frequency counts, and early mentions (headline, lead)
    /// count more. 1.0 is the most salient entity of the text.
    pub salience: f32,
}

/// The result of extracting one text.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// In text order; nested mentions right after the mention that contains them.
    pub mentions: Vec<Mention>,
    /// Most salient first.
    pub entities: Vec<EntitySalience>,
    pub sentence_count: usize,
}

/// Per-entity facts the rules need, copied out of the model when the engine is built.
struct EntityFacts {
    entity_type: EntityType,
    stands_for: Option<EntityIndex>,
    neighbours: Vec<EntityIndex>,
}

/// The extraction engine of one model snapshot. Immutable, cheap to share.
pub struct Extractor {
    names: NameTable,
    entities: Vec<EntityFacts>,
}

/// A match of the model's names that passed the boundary and case rules.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    /// The automaton pattern that matched.
    pattern: usize,
    /// Bit `i` set: the pattern's name `i` accepted the surface (see [`WrittenName::accepts`]).
    accepted: u64,
}

impl Candidate {
    /// The names of the model this candidate may be.
    fn names<'t>(&self, table: &'t NameTable) -> impl Iterator<Item = &'t WrittenName> + Clone + 't {
        let accepted = self.accepted;
        table.patterns[self.pattern]
            .iter()
            .enumerate()
            .filter(move |(index, _)| accepted & (1 << index) != 0)
            .map(|(_, name)| name)
    }
}

/// Either a known name or an unlinked phrase, before linking is decided.
#[derive(Debug, Clone)]
enum Found {
    Known(Candidate),
    Unlinked {
        start: usize,
        end: usize,
        entity_type: Option<EntityType>,
        kind: MentionKind,
        confidence: f32,
    },
}

impl Found {
    fn range(&self) -> (usize, usize) {
        match self {
            Found::Known(candidate) => (candidate.start, candidate.end),
            Found::Unlinked { start, end, .. } => (*start, *end),
        }
    }
}

impl Extractor {
    /// Builds the engine from a model.
    ///
    /// # Errors
    /// When the name automaton cannot be built (the names exceed the automaton's size limits).
    pub fn new(model: &Model) -> Result<Extractor, names::NameTableError> {
        let names = NameTable::build(model)?;
        let entities = model
            .entities
            .iter()
            .enumerate()
            .map(|(index, entity)| {
                let mut neighbours: Vec<EntityIndex> = model
                    .relations_of(index)
                    .iter()
                    .map(|&(relation, _)| {
                        let relation = &model.relations[relation];
                        if relation.subject == index {
                            relation.object
                        } else {
                            relation.subject
                        }
                    })
                    .collect();
                neighbours.sort_unstable();
                neighbours.dedup();
                EntityFacts {
                    entity_type: entity.entity_type,
                    stands_for: entity.stands_for,
                    neighbours,
                }
            })
            .collect();
        Ok(Extractor { names, entities })
    }

    /// Extracts the mentions of `text`.
    pub fn extract(&self, text: &str, options: &ExtractOptions) -> Extraction {
        self.extract_until(text, options, &|| false).unwrap_or_default()
    }

    /// Extracts the mentions of `text`, giving up (`None`) as soon as `stop` returns true; it is
    /// asked between the stages of the work and every few thousand matches, so a cancelled call
    /// does not finish its extraction in the background.
    pub fn extract_until(&self, text: &str, options: &ExtractOptions, stop: &dyn Fn() -> bool) -> Option<Extraction> {
        if text.is_empty() {
            return Some(Extraction::default());
        }
        let candidates = self.candidates(text, stop)?;
        let sentences = sentence_starts(text);
        let tokens = phrases::tokens(text);
        if stop() {
            return None;
        }
        let segment_sentence = std::cell::Cell::new(0);
        let segments = phrases::segments(text, &tokens, |byte| {
            let mut cursor = segment_sentence.get();
            let sentence = sentence_index_from(&sentences, byte, &mut cursor);
            segment_sentence.set(cursor);
            let opening = sentences[sentence];
            // Only function words ("The", "In the") or a label ("READ:") before it.
            let before = &text[opening..byte];
            before.len() < 48
                && before
                    .split(|c: char| !is_word_char(c))
                    .all(|word| word.is_empty() || lexicon::FUNCTION_WORDS.contains(word))
        });
        if stop() {
            return None;
        }
        let found = self.combine(text, &tokens, &segments, candidates);
        if stop() {
            return None;
        }
        let (top, nested) = select_leftmost_longest(found);
        let decided = self.link(text, &top);

        let mut positions = Positions {
            converter: OffsetConverter::new(text),
            sentences: &sentences,
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
        let entities = salience(&mentions);
        Some(Extraction {
            mentions,
            entities,
            sentence_count: sentences.len(),
        })
    }

    /// Every match of a model name that passes the boundary and case rules, in text order.
    fn candidates(&self, text: &str, stop: &dyn Fn() -> bool) -> Option<Vec<Candidate>> {
        /// How many raw matches between two questions to `stop`.
        const STOP_CHECK_INTERVAL: usize = 4096;
        let folded = FoldedText::new(text);
        if stop() {
            return None;
        }
        // About one match in 64 bytes of news; a denser text grows the list as usual.
        let mut candidates: Vec<Candidate> = Vec::with_capacity(text.len() / 64);
        let (mut start_cursor, mut end_cursor) = (0, 0);
        for (index, found) in self
            .names
            .automaton
            .find_overlapping_iter(folded.folded.as_ref())
            .enumerate()
        {
            if index % STOP_CHECK_INTERVAL == STOP_CHECK_INTERVAL - 1 && stop() {
                return None;
            }
            crate::work::step(1);
            // Most raw matches sit inside longer words ("un" in "under"). Folding maps letters to
            // letters (and drops the marks after them), so a letter or digit beside the match in
            // the folded text rejects it before any offset is mapped back.
            let folded_bytes = folded.folded.as_bytes();
            let touches_word = (found.start() > 0 && folded_bytes[found.start() - 1].is_ascii_alphanumeric())
                || folded_bytes.get(found.end()).is_some_and(u8::is_ascii_alphanumeric);
            if touches_word {
                continue;
            }
            let (Some(start), Some(end)) = (
                folded.original_offset_from(found.start(), &mut start_cursor),
                folded.original_offset_from(found.end(), &mut end_cursor),
            ) else {
                continue;
            };
            if !is_word_boundary(text, start, end) {
                continue;
            }
            let surface = &text[start..end];
            let pattern = found.pattern().as_usize();
            let accepted = self.names.patterns[pattern]
                .iter()
                .enumerate()
                .filter(|(_, name)| name.accepts(surface))
                .fold(0u64, |mask, (index, _)| mask | (1 << index));
            if accepted != 0 {
                // Matches arrive in order of their ends; keep the list in order of starts (longer
                // first) by moving each new one back past the few it overlaps.
                let candidate = Candidate {
                    start,
                    end,
                    pattern,
                    accepted,
                };
                let before =
                    |other: &Candidate| (other.start, std::cmp::Reverse(other.end)) > (start, std::cmp::Reverse(end));
                let mut position = candidates.len();
                while position > 0 && before(&candidates[position - 1]) {
                    position -= 1;
                    crate::work::step(1);
                }
                candidates.insert(position, candidate);
            }
        }
        Some(candidates)
    }

    /// Merges the model's matches with the capitalised segments: out-of-scope segments hide the
    /// matches inside them; segments that are longer names than the matches inside them replace
    /// them; segments no match touches become unlinked mentions when they are clearly names.
    fn combine(&self, text: &str, tokens: &[Token], segments: &[Segment], candidates: Vec<Candidate>) -> Vec<Found> {
        let mut hidden = vec![false; candidates.len()];
        let mut found = Vec::with_capacity(candidates.len() + segments.len());
        let mut line_kinds = LineKinds::default();
        // furthest_end[i]: the furthest end of candidates[..i], to find in O(log n) whether a
        // candidate that starts before a segment reaches into it.
        let mut furthest_end = Vec::with_capacity(candidates.len() + 1);
        furthest_end.push(0);
        for candidate in &candidates {
            let last = furthest_end.last().copied().unwrap_or(0);
            furthest_end.push(last.max(candidate.end));
        }
        let mut first_inside = 0;
        for segment in segments {
            let start = tokens[segment.first].start;
            let end = tokens[segment.end - 1].end;
            // Segments come in text order, so the first candidate at or after each one only moves on.
            while first_inside < candidates.len() && candidates[first_inside].start < start {
                first_inside += 1;
            }
            let starting_inside = candidates[first_inside..].iter().take_while(|c| c.start < end);
            let mut inside = Vec::new();
            let mut overlapping_outside = furthest_end[first_inside] > start;
            for (offset, candidate) in starting_inside.enumerate() {
                crate::work::step(1);
                if candidate.end <= end {
                    inside.push(first_inside + offset);
                } else {
                    overlapping_outside = true;
                }
            }
            if overlapping_outside {
                continue;
            }
            let segment_tokens = &tokens[segment.first..segment.end];
            let covered_flags = covered_tokens(segment_tokens, inside.iter().map(|&i| &candidates[i]));
            let covered = |index: usize| covered_flags[index];
            let uncovered = covered_flags.iter().filter(|&&c| !c).count();
            if segment.class == SegmentClass::OutOfScope {
                for &i in &inside {
                    hidden[i] = true;
                }
                continue;
            }
            if uncovered == 0 {
                continue;
            }
            let words = segment.end - segment.first;
            if !inside.is_empty() {
                // A longer name around a known one: an organisation head ("European Union"), or
                // given names before a person's surname ("Saif al-Islam Gaddafi").
                let head_covered = covered(words - 1);
                let organisation_around =
                    matches!(segment.class, SegmentClass::Actor(_)) && !head_covered && words >= 2;
                let person_around = inside.iter().any(|&i| {
                    let candidate = &candidates[i];
                    candidate.end == end
                        && candidate.start > start
                        && candidate.names(&self.names).all(|n| n.is_person_short_form)
                        && inside.len() == 1
                });
                if !(organisation_around || person_around) {
                    // The capitalised runs no known name covers stand on their own: "NATO" in
                    // "Turkiye NATO".
                    let mut run_start = None;
                    for index in 0..=words {
                        let open = index < words && !covered(index);
                        match (open, run_start) {
                            (true, None) => run_start = Some(index),
                            (false, Some(first)) => {
                                let piece = Segment {
                                    first: segment.first + first,
                                    end: segment.first + index,
                                    class: SegmentClass::Unknown,
                                    after_title: segment.after_title && first == 0,
                                    sentence_initial: segment.sentence_initial && first == 0,
                                };
                                let piece_tokens = &segment_tokens[first..index];
                                let capitalised_ends = piece_tokens.first().is_some_and(|t| t.capitalised)
                                    && piece_tokens.last().is_some_and(|t| t.capitalised);
                                if capitalised_ends {
                                    found.extend(classify_unlinked(text, &piece, piece_tokens, &mut line_kinds));
                                }
                                run_start = None;
                            }
                            _ => {}
                        }
                    }
                }
                if organisation_around || person_around {
                    for &i in &inside {
                        hidden[i] = true;
                    }
                    let entity_type = match segment.class {
                        SegmentClass::Actor(t) => Some(t),
                        _ => Some(EntityType::Person),
                    };
                    found.push(Found::Unlinked {
                        start,
                        end,
                        entity_type,
                        kind: MentionKind::Name,
                        confidence: CONFIDENCE_UNLINKED_TYPED,
                    });
                }
                continue;
            }
            if let Some(unlinked) = classify_unlinked(text, segment, segment_tokens, &mut line_kinds) {
                found.push(unlinked);
            }
        }
        found.extend(
            candidates
                .into_iter()
                .zip(hidden)
                .filter(|(_, hidden)| !hidden)
                .map(|(candidate, _)| Found::Known(candidate)),
        );
        found.sort_by(|a, b| {
            let (a_start, a_end) = a.range();
            let (b_start, b_end) = b.range();
            a_start.cmp(&b_start).then(b_end.cmp(&a_end))
        });
        found
    }

    /// Decides the entity of each top-level mention: shared names by context, capitals by their
    /// use as place or government.
    fn link(&self, text: &str, top: &[Found]) -> Vec<Link<'_>> {
        let mut context: HashMap<EntityIndex, usize> = HashMap::default();
        for found in top {
            if let Found::Known(candidate) = found {
                if let Some(only) = single_entity(candidate.names(&self.names)) {
                    *context.entry(only).or_insert(0) += 1;
                }
            }
        }
        let mut links: Vec<Link<'_>> = top
            .iter()
            .map(|found| match found {
                Found::Known(candidate) => self.resolve(candidate, &context),
                Found::Unlinked { .. } => Link::default(),
            })
            .collect();
        let mut previous_place: Option<(usize, bool)> = None;
        for (index, found) in top.iter().enumerate() {
            let Found::Known(candidate) = found else { continue };
            let Some(entity) = links[index].entity else { continue };
            let facts = &self.entities[entity];
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

    /// Picks the entity of a candidate: the only one, or the one best supported by context.
    fn resolve(&self, candidate: &Candidate, context: &HashMap<EntityIndex, usize>) -> Link<'_> {
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
                let related: usize = self.entities[*entity]
                    .neighbours
                    .iter()
                    .map(|n| context.get(n).copied().unwrap_or(0))
                    .sum();
                own + related
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
        }
    }

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

/// The linking decision for one mention.
#[derive(Debug, Clone, Default)]
struct Link<'t> {
    entity: Option<EntityIndex>,
    name: Option<&'t WrittenName>,
    metonym_for: Option<EntityIndex>,
    /// Every entity the name may be, when more than one.
    candidates: Vec<EntityIndex>,
}

/// The entity all these names belong to, if there is exactly one.
fn single_entity<'t>(mut names: impl Iterator<Item = &'t WrittenName>) -> Option<EntityIndex> {
    let first = names.next()?.entity;
    names.all(|n| n.entity == first).then_some(first)
}

/// For each token of a segment, whether one of the candidates inside the segment (in order of
/// their starts) spans it: one sweep, since the candidates that start at or before a token are
/// a prefix of the list and only the furthest end among them matters.
fn covered_tokens<'c>(tokens: &[Token], inside: impl Iterator<Item = &'c Candidate>) -> Vec<bool> {
    let mut inside = inside.peekable();
    let mut reach = 0;
    tokens
        .iter()
        .map(|token| {
            while let Some(candidate) = inside.next_if(|c| c.start <= token.start) {
                reach = reach.max(candidate.end);
            }
            crate::work::step(1);
            reach >= token.end
        })
        .collect()
}

/// No letter or digit touches the match on either side, and it does not end between a letter and
/// the combining marks written on it: before the match, the marks count as the letter they are
/// written on; after it, a mark continues the word.
fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = base_before(text, start);
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(is_word_char)
}

/// Keeps the leftmost-longest non-overlapping mentions; returns them and the known candidates
/// nested inside them (for the `include_nested` option), both in text order.
fn select_leftmost_longest(found: Vec<Found>) -> (Vec<Found>, Vec<Candidate>) {
    let mut top: Vec<Found> = Vec::new();
    let mut nested = Vec::new();
    let mut covered_until = 0;
    let mut current: Option<(usize, usize)> = None;
    for item in found {
        let (start, end) = item.range();
        if top.is_empty() || start >= covered_until {
            covered_until = end;
            current = Some((start, end));
            top.push(item);
        } else if let (Found::Known(candidate), Some((outer_start, outer_end))) = (item, current) {
            if start >= outer_start && end <= outer_end {
                nested.push(candidate);
            }
        }
    }
    (top, nested)
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

/// How a line is written, which decides how much its capitals say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineKind {
    /// Mostly capitals ("LIBYA AND TURKEY SIGN DEAL"): capitals say nothing there.
    shouting: bool,
    /// Most longer words capitalised ("Talks Continue In Tripoli"): only names with a title or
    /// head noun are trusted there.
    title_case: bool,
}

/// The kinds of the text's lines, worked out when first asked. Questions come in text order, so
/// the line of each is found by walking forward from the last one: O(text) in all, however long
/// the lines are.
#[derive(Default)]
struct LineKinds {
    /// Where the current line starts and ends (end exclusive, before its `\n`), and its kind.
    current: Option<(usize, usize, LineKind)>,
}

impl LineKinds {
    fn of(&mut self, text: &str, byte: usize) -> LineKind {
        if let Some((start, end, kind)) = self.current {
            if (start..=end).contains(&byte) {
                return kind;
            }
        }
        // A question behind the current line (never asked in text order) looks back to its start.
        let start = match self.current {
            Some((_, end, _)) if byte > end => end + 1,
            _ => 0,
        };
        let start = start + text[start..byte].rfind('\n').map_or(0, |i| i + 1);
        let end = text[byte..].find('\n').map_or(text.len(), |i| byte + i);
        crate::work::step(end - start);
        let kind = LineKind::of(&text[start..end]);
        self.current = Some((start, end, kind));
        kind
    }
}

impl LineKind {
    fn of(line: &str) -> LineKind {
        let upper = line.chars().filter(|c| c.is_uppercase()).count();
        let lower = line.chars().filter(|c| c.is_lowercase()).count();
        let mut long_words = 0;
        let mut capitalised = 0;
        for word in line
            .split(|c: char| !(c.is_alphabetic() || is_combining_mark(c)))
            .filter(|w| letter_count(w) > 3)
        {
            long_words += 1;
            capitalised += usize::from(word.chars().next().is_some_and(char::is_uppercase));
        }
        LineKind {
            shouting: upper > 12 && upper > lower * 2,
            title_case: (long_words >= 3 && capitalised == long_words)
                || (long_words >= 6 && capitalised * 10 >= long_words * 9),
        }
    }
}

/// Decides whether a segment no model name touches is an unlinked name, and of what type.
fn classify_unlinked(
    text: &str,
    segment: &Segment,
    segment_tokens: &[Token],
    line_kinds: &mut LineKinds,
) -> Option<Found> {
    let start = segment_tokens.first()?.start;
    let end = segment_tokens.last()?.end;
    let line = line_kinds.of(text, start);
    crate::work::step(end - start);
    if line.shouting {
        return None;
    }
    let words = segment_tokens.len();
    let word_text = |t: &Token| &text[t.start..t.end];
    if words >= 2 {
        let lowercase_words = || {
            text[start..end]
                .split([' ', '-'])
                .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        };
        // "of", "for", "the" join the words of an organisation's name; "al", "bin", "van" those
        // of a person's.
        let has_connector =
            lowercase_words().any(|w| lexicon::NAME_CONNECTORS.contains(w) && !lexicon::NAME_PARTICLES.contains(w));
        let only_name_particles = lowercase_words().all(|w| lexicon::NAME_PARTICLES.contains(w));
        // A person's name is two to four words of two letters or more, joined by spaces (or by a
        // particle's hyphen, "al-Sarraj"): "D-Conn" is no one's name.
        let person_shaped = words <= 4
            && only_name_particles
            && segment_tokens.iter().all(|t| {
                let word = word_text(t);
                !t.all_capitals
                    && letter_count(word) >= 2
                    && word.chars().all(|c| c.is_alphabetic() || is_combining_mark(c))
            })
            && segment_tokens.windows(2).all(|pair| {
                let separator = &text[pair[0].end..pair[1].start];
                separator == " " || (separator == "-" && lexicon::NAME_PARTICLES.contains(word_text(&pair[0])))
            });
        let any_organisation_word = segment_tokens.iter().any(|t| t.is(&lexicon::ORGANIZATION_HEADS));
        let (entity_type, confidence) = match segment.class {
            SegmentClass::Actor(t) => (t, CONFIDENCE_UNLINKED_TYPED),
            _ if any_organisation_word || has_connector => (EntityType::Organization, CONFIDENCE_UNLINKED_GUESSED),
            _ if line.title_case => return None,
            _ if person_shaped => (EntityType::Person, CONFIDENCE_UNLINKED_GUESSED),
            _ => return None,
        };
        if segment.sentence_initial && !matches!(segment.class, SegmentClass::Actor(_)) && words == 2 {
            // "Eastern Libya" or "Terrorist Groups" opening a sentence: too often not a name.
            return None;
        }
        return Some(Found::Unlinked {
            start,
            end,
            entity_type: Some(entity_type),
            kind: MentionKind::Name,
            confidence,
        });
    }
    let token = segment_tokens[0];
    let word = word_text(&token);
    if segment.after_title {
        return Some(Found::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::Person),
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_TYPED,
        });
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if token.all_capitals && (2..=6).contains(&letters) {
        let dotted_pair = word.contains('.') && letters == 2;
        return Some(Found::Unlinked {
            start,
            end,
            entity_type: Some(if dotted_pair {
                EntityType::Country
            } else {
                EntityType::Organization
            }),
            kind: MentionKind::Acronym,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        });
    }
    if !segment.sentence_initial && !line.title_case && phrases::looks_like_demonym(word) {
        return Some(Found::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::Country),
            kind: MentionKind::Demonym,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        });
    }
    // A capitalised word that owns something mid-sentence ("Russia's Wagner Group") is a name,
    // though nothing tells what kind.
    let after = &text[end..];
    let possessive = ["'s", "\u{2019}s"].iter().any(|suffix| {
        after
            .strip_prefix(suffix)
            .is_some_and(|rest| !rest.starts_with(is_word_char))
    });
    if possessive && !segment.sentence_initial && !line.title_case && !token.all_capitals && letters >= 3 {
        return Some(Found::Unlinked {
            start,
            end,
            entity_type: None,
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_POSSESSIVE,
        });
    }
    None
}

/// The characters of a word that are not combining marks: "Mu\u{308}ller" has six, as "Müller".
fn letter_count(word: &str) -> usize {
    crate::work::step(word.len());
    word.chars().filter(|&c| !is_combining_mark(c)).count()
}

/// Aggregates the linked top-level mentions per entity (see [`EntitySalience::salience`]).
fn salience(mentions: &[Mention]) -> Vec<EntitySalience> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    fn shipped() -> Snapshot {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        match Snapshot::load(&data) {
            Ok(snapshot) => snapshot,
            Err(error) => panic!("the shipped model loads: {error}"),
        }
    }

    #[test]
    fn every_stage_is_linear_on_adversarial_input() {
        let snapshot = shipped();
        let options = ExtractOptions {
            include_nested: true,
            ..ExtractOptions::default()
        };
        let steps = |text: &str| crate::work::measure(|| snapshot.extractor.extract(text, &options)).1;
        for (name, unit) in adversarial::SHAPES {
            let small = steps(&adversarial::repeated(unit, 24 * 1024));
            let large = steps(&adversarial::repeated(unit, 48 * 1024));
            // Twice the text, twice the work (and a little for rounding to whole units).
            assert!(
                large * 100 <= small * 225,
                "{name}: {small} steps for 24 KiB but {large} for 48 KiB: the work grows faster than the text"
            );
        }
    }

    #[test]
    fn the_step_counter_sees_quadratic_work() {
        // The linearity test is only as good as the counter: a deliberately quadratic loop must
        // fail its ratio.
        let quadratic = |n: usize| {
            crate::work::measure(|| {
                for i in 0..n {
                    crate::work::step(i);
                }
            })
            .1
        };
        assert!(quadratic(2000) * 100 > quadratic(1000) * 225);
    }
}
