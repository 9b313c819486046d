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
//!   one capital in the text ("Libya", "LIBYA", but not "turkey" the bird), and their first
//!   capital when the model writes one ("egypT" is not Egypt) — unless they open with a short
//!   particle joined by a hyphen or apostrophe ("al-Qaeda" is "Al-Qaeda") or with a word of
//!   direction before more words ("eastern Mediterranean"). So a word written in lowercase is
//!   walked only through a small automaton of the names that may start that way.
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
//!
//! # Stages
//! [`Extractor::extract_until`] runs them in this order, each in its own module (entry points in
//! brackets):
//!
//! 1. `candidates` (`Extractor::candidates`): the automaton's matches that pass the boundary and
//!    case rules.
//! 2. `unknown` (`segments`, `Extractor::combine`): the capitalised segments set against those
//!    matches: out-of-scope names hide the matches inside them, longer names replace them, and
//!    names no match touches become unlinked mentions.
//! 3. `linking` (`select_leftmost_longest`, `Extractor::link`): leftmost-longest selection, then
//!    the entity of each kept match (shared names, metonyms).
//! 4. `mentions` (`Extractor::mentions`): spans, sentences, confidences, and the caller's options.
//! 5. `salience` (`salience`): how prominent each linked entity is.

pub mod adversarial;
mod candidates;
mod lexicon;
mod linking;
mod mentions;
mod names;
mod phrases;
mod salience;
mod unknown;

use std::sync::Arc;

use candidates::Candidate;
pub(crate) use lexicon::{CALENDAR_WORDS, DIRECTIONS, PERSON_TITLES, PORTFOLIO_WORDS, TITLE_MODIFIERS};
use names::NameTable;
pub use names::{MentionKind, NameTableError};

use crate::model::{EntityIndex, EntityType, Model};
use crate::text::{sentence_starts, Span};

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
    /// For a name the model does not know: a number local to the text, shared by every mention
    /// of the same actor in it (the same name again, or a person's surname alone after the full
    /// name), 1 for the first such actor; `None` for linked mentions.
    pub local_id: Option<u32>,
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
    /// The byte offset where each sentence starts (the first is 0): what `sentence_index`
    /// counts, for callers that read the text sentence by sentence.
    pub sentence_starts: Vec<usize>,
}

/// Per-entity facts the rules need, copied out of the model when the engine is built.
struct EntityFacts {
    entity_type: EntityType,
    stands_for: Option<EntityIndex>,
    /// Related entities (by relation, and a city's country): a shared name is resolved towards
    /// the entity whose neighbours the text mentions.
    neighbours: Vec<EntityIndex>,
    /// The name is also a common word: a mention needs support (see `linking`).
    common_word: bool,
    /// A city's country.
    country: Option<EntityIndex>,
}

/// The extraction engine of one model snapshot. Immutable, cheap to share.
pub struct Extractor {
    names: NameTable,
    entities: Vec<EntityFacts>,
    /// The model's given names, folded (see [`Model::given_names`]).
    given_names: GivenNames,
}

/// Given names, folded for comparison: a capitalised given name and surname are a person
/// wherever they stand.
#[derive(Default)]
pub(crate) struct GivenNames(rustc_hash::FxHashSet<Box<str>>);

impl GivenNames {
    /// Whether `word` (as written in the text) is a given name.
    pub(crate) fn contains(&self, word: &str) -> bool {
        !self.0.is_empty() && self.0.contains(crate::text::fold_for_compare(word).as_str())
    }
}

/// Either a known name or an unlinked phrase, before linking is decided: what `unknown` hands
/// to `linking` and `mentions`.
#[derive(Debug, Clone)]
enum Sighting {
    Known(Candidate),
    Unlinked {
        start: usize,
        end: usize,
        entity_type: Option<EntityType>,
        kind: MentionKind,
        confidence: f32,
    },
}

impl Sighting {
    fn range(&self) -> (usize, usize) {
        match self {
            Sighting::Known(candidate) => (candidate.start, candidate.end),
            Sighting::Unlinked { start, end, .. } => (*start, *end),
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
                let index = EntityIndex::new(index);
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
                neighbours.extend(entity.country);
                neighbours.sort_unstable();
                neighbours.dedup();
                EntityFacts {
                    entity_type: entity.entity_type,
                    stands_for: entity.stands_for,
                    neighbours,
                    common_word: entity.common_word,
                    country: entity.country,
                }
            })
            .collect();
        let given_names = GivenNames(model.given_names.iter().map(|n| n.as_str().into()).collect());
        Ok(Extractor {
            names,
            entities,
            given_names,
        })
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
        let segments = unknown::segments(text, &tokens, &sentences);
        if stop() {
            return None;
        }
        let found = self.combine(text, &tokens, &segments, candidates);
        if stop() {
            return None;
        }
        let (top, nested) = linking::select_leftmost_longest(found);
        let decided = self.link(text, &top);
        let mut mentions = self.mentions(text, &sentences, &top, decided, nested, options);
        mentions::assign_local_ids(text, &mut mentions);
        let entities = salience::salience(&mentions);
        Some(Extraction {
            mentions,
            entities,
            sentence_count: sentences.len(),
            sentence_starts: sentences,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::snapshot::Snapshot;

    /// The shipped model, loaded once for the tests of every stage.
    pub(super) fn shipped() -> &'static Snapshot {
        static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
        SNAPSHOT.get_or_init(|| {
            let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
            match Snapshot::load(&data) {
                Ok(snapshot) => snapshot,
                Err(error) => panic!("the shipped model loads: {error}"),
            }
        })
    }

    /// Every candidate of `text`, each taken as a known name: what the stages after `unknown`
    /// get, without unknown names.
    pub(super) fn known_names(extractor: &Extractor, text: &str) -> Vec<Sighting> {
        let candidates = extractor.candidates(text, &|| false).expect("not stopped");
        candidates.into_iter().map(Sighting::Known).collect()
    }

    /// A model where two entities share the name "Georgia", each with a city of its own, and
    /// its engine.
    pub(super) fn georgias() -> (Model, Extractor) {
        let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/shared_name.toml"));
        let model = match crate::model::load_from_str("inline.toml", data, std::path::Path::new(".")) {
            Ok(model) => model,
            Err(error) => panic!("the inline model loads: {error}"),
        };
        match Extractor::new(&model) {
            Ok(extractor) => (model, extractor),
            Err(error) => panic!("the engine builds: {error}"),
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
