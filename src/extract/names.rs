//! The name table: every canonical name, alias and demonym of the model, folded into the
//! patterns of one Aho-Corasick automaton, with the rules that decide whether a match in the
//! text really is that name (case, word boundaries).

use std::sync::Arc;

use aho_corasick::nfa::contiguous;
use aho_corasick::MatchKind;

use crate::model::{EntityIndex, Model};
use crate::text::FoldedText;

/// How a mention names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MentionKind {
    Name,
    Acronym,
    Demonym,
}

/// One written name of one entity.
#[derive(Debug, Clone)]
pub struct WrittenName {
    pub entity: EntityIndex,
    pub kind: MentionKind,
    /// As written in the model; shared, so a mention can name it without copying.
    pub written: Arc<str>,
    /// The folded form of `written`, case kept, for the exact-case test of acronyms.
    folded: String,
    pub is_canonical: bool,
    /// True when the name has capitals: the text must then show at least one capital.
    has_capitals: bool,
    /// True for a one-word short form of a multi-word person name ("Haftar").
    pub is_person_short_form: bool,
}

/// A candidate records which of its pattern's names it may be in a 64-bit mask.
pub const MAX_NAMES_PER_PATTERN: usize = 64;

/// Why a name table cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum NameTableError {
    #[error("more than {MAX_NAMES_PER_PATTERN} entities or spellings share the name {name:?}")]
    TooManySpellings { name: String },
    #[error(transparent)]
    Automaton(#[from] aho_corasick::BuildError),
}
use NameTableError::TooManySpellings;

/// The automaton and, per pattern, the names that fold to it.
pub struct NameTable {
    /// Walked from each word start only (anchored), never over the whole text: see
    /// `Extractor::candidates`. A contiguous NFA: a DFA of the world layer's 30,000 names would
    /// take hundreds of megabytes, and an anchored walk follows no failure transitions anyway.
    pub automaton: contiguous::NFA,
    /// Indexed by automaton pattern id.
    pub patterns: Vec<Vec<WrittenName>>,
}

/// An acronym is written in capitals only, with at least two letters ("UN", "U.N.", "LAAF").
fn is_acronym(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) && !name.contains(' ')
}

impl NameTable {
    /// # Errors
    /// When the automaton cannot be built (it would exceed the crate's size limits), or when
    /// more than [`MAX_NAMES_PER_PATTERN`] spellings fold to one name.
    pub fn build(model: &Model) -> Result<NameTable, NameTableError> {
        let mut key_to_pattern: std::collections::HashMap<String, usize> = Default::default();
        let mut keys: Vec<String> = Vec::new();
        let mut patterns: Vec<Vec<WrittenName>> = Vec::new();
        for (entity_index, entity) in model.entities.iter().enumerate() {
            let entity_index = EntityIndex::new(entity_index);
            let name_words = entity.name.split_whitespace().count();
            let spellings = std::iter::once((&entity.name, false, true))
                .chain(entity.aliases.iter().map(|a| (a, false, false)))
                .chain(entity.demonyms.iter().map(|d| (d, true, false)));
            for (written, is_demonym, is_canonical) in spellings {
                let written = written.trim();
                if written.is_empty() {
                    continue;
                }
                let folded = FoldedText::new(written).folded.into_owned();
                let key = folded.to_lowercase();
                let kind = if is_demonym {
                    MentionKind::Demonym
                } else if is_acronym(written) {
                    MentionKind::Acronym
                } else {
                    MentionKind::Name
                };
                let name = WrittenName {
                    entity: entity_index,
                    kind,
                    written: Arc::from(written),
                    has_capitals: written.chars().any(char::is_uppercase),
                    folded,
                    is_canonical,
                    is_person_short_form: entity.entity_type == crate::model::EntityType::Person
                        && name_words > 1
                        && written.split_whitespace().count() == 1,
                };
                let pattern = *key_to_pattern.entry(key.clone()).or_insert_with(|| {
                    keys.push(key);
                    patterns.push(Vec::new());
                    patterns.len() - 1
                });
                let names = &mut patterns[pattern];
                if names.len() == MAX_NAMES_PER_PATTERN {
                    return Err(TooManySpellings {
                        name: name.written.to_string(),
                    });
                }
                let duplicate = names
                    .iter()
                    .any(|n| n.entity == entity_index && n.written == name.written);
                if !duplicate {
                    names.push(name);
                }
            }
        }
        // Standard semantics with every match reported yields every candidate; the engine then
        // picks leftmost-longest among the ones that pass the case and boundary rules, so a
        // longer name that fails a rule does not hide a shorter one that passes.
        let automaton = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&keys)?;
        Ok(NameTable { automaton, patterns })
    }
}

impl WrittenName {
    /// Whether `surface` (the original text of a match) may be this name: acronyms must show
    /// the same capitals, other names at least one capital when they have any.
    pub fn accepts(&self, surface: &str) -> bool {
        match self.kind {
            // ASCII text (the usual case) compares as it is, without folding a copy.
            MentionKind::Acronym if surface.is_ascii() => surface == self.folded,
            MentionKind::Acronym => FoldedText::new(surface).folded == self.folded,
            _ => {
                !self.has_capitals
                    || surface.chars().any(char::is_uppercase)
                    || !surface.chars().any(char::is_lowercase)
            }
        }
    }

    /// Whether `surface` is this name exactly as written in the model, up to canonical
    /// equivalence: "Tu\u{308}rkiye" (decomposed) is "Türkiye" as written.
    pub fn is_exact(&self, surface: &str) -> bool {
        use unicode_normalization::UnicodeNormalization as _;
        surface == &*self.written || (!surface.is_ascii() && surface.nfc().eq(self.written.nfc()))
    }
}
