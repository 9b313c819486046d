//! The name table: every canonical name, alias and demonym of the model, folded into the
//! patterns of one Aho-Corasick automaton, with the rules that decide whether a match in the
//! text really is that name (case, word boundaries).

use std::sync::Arc;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa;
use aho_corasick::nfa::contiguous;
use aho_corasick::Anchored;
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
    /// True when the name starts with a capital that the text must show too (see
    /// [`WrittenName::accepts`]).
    capital_first: bool,
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
    #[error("the name automaton has no anchored start: {0}")]
    NoAnchoredStart(#[from] aho_corasick::MatchError),
}
use NameTableError::TooManySpellings;

/// The automata and, per pattern, the names that fold to it.
pub struct NameTable {
    /// Every name. Walked from each word start only (anchored), never over the whole text: see
    /// `Extractor::candidates`. A contiguous NFA, dense in its first three levels (1.6 MB with
    /// the world layer): an anchored DFA of the world layer's names takes 22 MB, and an anchored
    /// walk follows no failure transitions anyway.
    pub automaton: contiguous::NFA,
    /// Only the names a word written with a lowercase first letter may be (see
    /// [`WrittenName::accepts`]) and that start with a lowercase ASCII letter once folded, the
    /// only words it is walked from: most words of a text start in lowercase, and from those the
    /// walk need not read the rest of the names. Its pattern `i` is `lowercase_patterns[i]` of
    /// `automaton`. A DFA, since most walks of a text are in it: the names that open with a
    /// lowercase word or a short particle are few (a few dozen in the shipped model).
    pub lowercase_automaton: dfa::DFA,
    pub lowercase_patterns: Vec<usize>,
    /// The bytes a name of `automaton` can start with: a walk from any other byte would end at
    /// once (a second space, punctuation after punctuation).
    pub first_bytes: [bool; 256],
    /// The pairs of bytes a name of `lowercase_automaton` can start with (or one byte, when it
    /// is a whole name), one bit a pair: hardly any lowercase word starts like one, so most
    /// lowercase words are passed over by one lookup instead of a walk.
    pub lowercase_pairs: Vec<u64>,
    /// Indexed by automaton pattern id.
    pub patterns: Vec<Vec<WrittenName>>,
}

/// Whether a name keeps its first capital in text: it has a capital first letter, it does not
/// open with a particle of at most three letters joined by a hyphen or an apostrophe
/// ("Al-Qaeda" is also written "al-Qaeda", "D'Artagnan" "d'Artagnan"; "Guinea-Bissau" keeps its
/// capital), and it is not a place name opened by a word of direction before more words
/// ([`super::lexicon::DIRECTIONS`]: "Eastern Mediterranean" is also written "eastern
/// Mediterranean"; "Southern" alone keeps its capital).
fn is_capital_first(written: &str) -> bool {
    /// The longest particle, in letters.
    const LONGEST_PARTICLE: usize = 3;
    let mut chars = written.chars();
    if !chars.next().is_some_and(char::is_uppercase) {
        return false;
    }
    let particle = chars.by_ref().take_while(|c| c.is_alphabetic()).count() < LONGEST_PARTICLE;
    let joined = written
        .chars()
        .find(|c| !c.is_alphabetic())
        .is_some_and(|c| matches!(c, '-' | '\'' | '\u{2019}' | '\u{2010}' | '\u{2011}'));
    let qualified = written
        .split_once(' ')
        .is_some_and(|(first, _)| super::lexicon::DIRECTIONS.iter().any(|d| d.eq_ignore_ascii_case(first)));
    !(qualified || (particle && joined))
}

/// An acronym is written in capitals only, with at least two letters ("UN", "U.N.", "LAAF").
fn is_acronym(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) && !name.contains(' ')
}

impl NameTable {
    /// # Errors
    /// When an automaton cannot be built (it would exceed the crate's size limits) or has no
    /// anchored start, or when more than [`MAX_NAMES_PER_PATTERN`] spellings fold to one name.
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
                    capital_first: is_capital_first(written),
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
        let mut builder = contiguous::NFA::builder();
        builder
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .dense_depth(3);
        let automaton = builder.build(&keys)?;
        let lowercase_patterns: Vec<usize> = (0..patterns.len())
            .filter(|&pattern| {
                keys[pattern].as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                    && patterns[pattern].iter().any(|name| !name.capital_first)
            })
            .collect();
        let lowercase_automaton = dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(lowercase_patterns.iter().map(|&pattern| &keys[pattern]))?;
        let first_bytes = first_bytes(&automaton)?;
        let lowercase_pairs = first_pairs(&lowercase_automaton)?;
        Ok(NameTable {
            automaton,
            lowercase_automaton,
            lowercase_patterns,
            first_bytes,
            lowercase_pairs,
            patterns,
        })
    }
}

/// The bytes a name of `automaton` starts with.
fn first_bytes(automaton: &impl Automaton) -> Result<[bool; 256], NameTableError> {
    let root = automaton.start_state(Anchored::Yes)?;
    let mut first = [false; 256];
    for (byte, first) in (0..=u8::MAX).zip(first.iter_mut()) {
        *first = !automaton.is_dead(automaton.next_state(Anchored::Yes, root, byte));
    }
    Ok(first)
}

/// The pairs of bytes a name of `automaton` starts with, as bits (see [`pair_bit`]); a byte that
/// is a whole name pairs with every byte.
fn first_pairs(automaton: &impl Automaton) -> Result<Vec<u64>, NameTableError> {
    let root = automaton.start_state(Anchored::Yes)?;
    let mut pairs = vec![0u64; 65536 / 64];
    for first in 0..=u8::MAX {
        let state = automaton.next_state(Anchored::Yes, root, first);
        if automaton.is_dead(state) {
            continue;
        }
        for second in 0..=u8::MAX {
            let next = automaton.next_state(Anchored::Yes, state, second);
            if automaton.is_match(state) || !automaton.is_dead(next) {
                let (word, bit) = pair_bit(first, second);
                pairs[word] |= bit;
            }
        }
    }
    Ok(pairs)
}

/// Where the pair (`first`, `second`) is in a table of [`first_pairs`]: its word and bit.
#[inline]
pub fn pair_bit(first: u8, second: u8) -> (usize, u64) {
    let index = usize::from(first) << 8 | usize::from(second);
    (index / 64, 1 << (index % 64))
}

impl WrittenName {
    /// Whether `surface` (the original text of a match) may be this name: acronyms must show
    /// the same capitals; other names at least one capital when they have any, and their first
    /// capital when the model writes one ("turkey" and "egypT" are not names), except where
    /// [`is_capital_first`] lets prose lower it ("al-Qaeda", "eastern Mediterranean").
    pub fn accepts(&self, surface: &str) -> bool {
        match self.kind {
            // ASCII text (the usual case) compares as it is, without folding a copy.
            MentionKind::Acronym if surface.is_ascii() => surface == self.folded,
            MentionKind::Acronym => FoldedText::new(surface).folded == self.folded,
            _ => {
                if self.capital_first && !surface.chars().next().is_some_and(char::is_uppercase) {
                    return false;
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::shipped;

    /// The first name of the shipped model written exactly `written`.
    fn name(written: &str) -> WrittenName {
        let table = &shipped().extractor.names;
        let found = table.patterns.iter().flatten().find(|name| &*name.written == written);
        match found {
            Some(name) => name.clone(),
            None => panic!("the shipped model has no name {written:?}"),
        }
    }

    #[test]
    fn a_name_with_a_capital_first_letter_needs_it_in_the_text() {
        let egypt = name("Egypt");
        assert!(egypt.accepts("Egypt") && egypt.accepts("EGYPT"));
        assert!(!egypt.accepts("egypt") && !egypt.accepts("egypT"));
    }

    #[test]
    fn a_particle_joined_by_a_hyphen_may_start_in_lowercase() {
        // The model writes "Al-Qaeda"; news writes both.
        let al_qaeda = name("Al-Qaeda");
        assert!(al_qaeda.accepts("Al-Qaeda") && al_qaeda.accepts("al-Qaeda"));
        assert!(!al_qaeda.accepts("al-qaeda"));
        assert!(is_capital_first("Al Qaeda") && !is_capital_first("D'Artagnan") && !is_capital_first("al-Qaida"));
        assert!(is_capital_first("Guinea-Bissau") && !is_capital_first("Ash-Shabaab"));
        assert!(!is_capital_first("Eastern Mediterranean") && !is_capital_first("Central African Republic"));
        assert!(is_capital_first("Southern") && is_capital_first("Eastbourne") && is_capital_first("New York"));
    }

    /// The linked mentions of `text`, as written.
    fn linked<'t>(extractor: &crate::extract::Extractor, text: &'t str) -> Vec<&'t str> {
        let extraction = extractor.extract(text, &crate::extract::ExtractOptions::default());
        extraction
            .mentions
            .iter()
            .filter(|m| m.entity.is_some())
            .map(|m| &text[m.span.byte_start..m.span.byte_end])
            .collect()
    }

    #[test]
    fn the_engine_applies_the_first_capital_rule() {
        let text = "egypT denied it; al-Qaeda and Al-Qaeda did not, nor did Egypt.";
        assert_eq!(
            linked(&shipped().extractor, text),
            vec!["al-Qaeda", "Al-Qaeda", "Egypt"]
        );
    }

    #[test]
    fn a_place_opened_by_a_direction_keeps_its_name_in_lowercase_prose() {
        let data =
            "[[entities]]\nid = \"eastern-mediterranean\"\nname = \"Eastern Mediterranean\"\ntype = \"region\"\n\n\
                    [[entities]]\nid = \"egypt\"\nname = \"Egypt\"\ntype = \"country\"\n";
        let model = match crate::model::load_from_str("inline.toml", data, std::path::Path::new(".")) {
            Ok(model) => model,
            Err(error) => panic!("the inline model loads: {error}"),
        };
        let extractor = match crate::extract::Extractor::new(&model) {
            Ok(extractor) => extractor,
            Err(error) => panic!("the engine builds: {error}"),
        };
        let text = "Drilling in the eastern Mediterranean angered Egypt, not egypT.";
        assert_eq!(linked(&extractor, text), vec!["eastern Mediterranean", "Egypt"]);
    }

    #[test]
    fn the_lowercase_automaton_holds_exactly_the_names_a_lowercase_word_may_be() {
        let table = &shipped().extractor.names;
        for (pattern, names) in table.patterns.iter().enumerate() {
            let key = crate::text::fold_for_compare(&names[0].written);
            let expected = key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && names.iter().any(|name| !name.capital_first);
            assert_eq!(
                table.lowercase_patterns.binary_search(&pattern).is_ok(),
                expected,
                "{names:?}"
            );
        }
    }

    #[test]
    fn what_folds_to_a_lowercase_letter_is_no_capital() {
        // `candidates` walks only the lowercase automaton from a word whose folded first byte is
        // a lowercase ASCII letter; that is only right if the character itself is no capital,
        // which `accepts` then rejects for a name with a capital first letter ("°" folds to
        // "deg").
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let folded = FoldedText::new(c.encode_utf8(&mut [0; 4])).folded.into_owned();
            if folded.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
                assert!(!c.is_uppercase(), "{c:?} folds to {folded:?} but is a capital");
            }
        }
    }
}
