//! Candidates, the first stage: every match of the model's names in the text that passes the
//! boundary and case rules, in text order. It owns [`Candidate`] and the word-boundary rule.
//! It reads the name table only: which match wins, what an unknown name is and which entity a
//! name is are decided by the later stages.

use super::names::{pair_bit, NameTable, WrittenName};
use super::Extractor;
use crate::text::{base_before, is_letter_or_digit, is_word_char, FoldedText};

/// A match of the model's names that passed the boundary and case rules.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) start: usize,
    pub(super) end: usize,
    /// The automaton pattern that matched.
    pattern: usize,
    /// Bit `i` set: the pattern's name `i` accepted the surface (see [`WrittenName::accepts`]).
    accepted: u64,
}

impl Candidate {
    /// The names of the model this candidate may be.
    pub(super) fn names<'t>(&self, table: &'t NameTable) -> impl Iterator<Item = &'t WrittenName> + Clone + 't {
        let accepted = self.accepted;
        table.patterns[self.pattern]
            .iter()
            .enumerate()
            .filter(move |(index, _)| accepted & (1 << index) != 0)
            .map(|(_, name)| name)
    }
}

impl Extractor {
    /// Every match of a model name that passes the boundary and case rules, in text order.
    ///
    /// A name can only start where no letter or digit precedes it, so the automaton is walked
    /// anchored from those positions alone, each walk ending where no name continues the bytes
    /// read (at most the longest name's length): the matches inside words ("un" in "under"),
    /// most of what an overlapping search over the whole text reports, are never produced.
    pub(super) fn candidates(&self, text: &str, stop: &dyn Fn() -> bool) -> Option<Vec<Candidate>> {
        use aho_corasick::automaton::Automaton as _;
        use aho_corasick::Anchored;
        /// How many word starts between two questions to `stop`.
        const STOP_CHECK_INTERVAL: usize = 4096;
        let folded = FoldedText::new(text);
        if stop() {
            return None;
        }
        // About one match in 64 bytes of news; a denser text grows the list as usual.
        let mut candidates: Vec<Candidate> = Vec::with_capacity(text.len() / 64);
        let (mut start_cursor, mut end_cursor) = (0, 0);
        let table = &self.names;
        // Both automata are built with anchored start states.
        let root = table.automaton.start_state(Anchored::Yes).ok()?;
        let lowercase_root = table.lowercase_automaton.start_state(Anchored::Yes).ok()?;
        let folded_bytes = folded.folded.as_bytes();
        let mut starts = 0usize;
        let mut next_start = 0;
        while next_start < folded_bytes.len() {
            let word_start = next_start;
            // Folding maps letters to letters (and drops the marks after them), so a name starts
            // only right after a byte that is no ASCII letter or digit: the next start after a
            // word is past its end.
            starts += 1;
            if starts.is_multiple_of(STOP_CHECK_INTERVAL) && stop() {
                return None;
            }
            let first = folded_bytes[word_start];
            next_start = if ASCII_ALPHANUMERIC[usize::from(first)] {
                let word_end = folded_bytes[word_start..]
                    .iter()
                    .position(|&b| !ASCII_ALPHANUMERIC[usize::from(b)])
                    .map_or(folded_bytes.len(), |length| word_start + length);
                crate::work::step(word_end - word_start);
                word_end + 1
            } else {
                word_start + 1
            };
            // A word that starts with a lowercase letter (folded to one: nothing that folds to a
            // lowercase ASCII letter is a capital, see the names' tests) can only be the names
            // that accept a word without its first capital.
            let lowercase = first.is_ascii_lowercase();
            let may_start = if lowercase {
                // A word of one byte at the end of the text pairs with nothing: walk it.
                folded_bytes.get(word_start + 1).is_none_or(|&second| {
                    let (word, bit) = pair_bit(first, second);
                    table.lowercase_pairs.get(word).is_some_and(|bits| bits & bit != 0)
                })
            } else {
                table.first_bytes[usize::from(first)]
            };
            if !may_start {
                continue;
            }
            let mut found = |found_end: usize, pattern: usize| {
                self.push_candidate(
                    &mut candidates,
                    text,
                    &folded,
                    (word_start, found_end),
                    pattern,
                    (&mut start_cursor, &mut end_cursor),
                );
            };
            let word = &folded_bytes[word_start..];
            if lowercase {
                walk(&table.lowercase_automaton, lowercase_root, word, |read, pattern| {
                    found(word_start + read, table.lowercase_patterns[pattern]);
                });
            } else {
                walk(&table.automaton, root, word, |read, pattern| {
                    found(word_start + read, pattern)
                });
            }
        }
        Some(candidates)
    }

    /// Keeps one raw match (folded offsets) if it passes the boundary and case rules, in order
    /// of starts (longer first).
    fn push_candidate(
        &self,
        candidates: &mut Vec<Candidate>,
        text: &str,
        folded: &FoldedText<'_>,
        (found_start, found_end): (usize, usize),
        pattern: usize,
        (start_cursor, end_cursor): (&mut usize, &mut usize),
    ) {
        crate::work::step(1);
        // A letter or digit right after the match in the folded text rejects it before any
        // offset is mapped back.
        if folded
            .folded
            .as_bytes()
            .get(found_end)
            .is_some_and(u8::is_ascii_alphanumeric)
        {
            return;
        }
        let (Some(start), Some(end)) = (
            folded.original_offset_from(found_start, start_cursor),
            folded.original_offset_from(found_end, end_cursor),
        ) else {
            return;
        };
        if !is_word_boundary(text, start, end) {
            return;
        }
        let surface = &text[start..end];
        let accepted = self.names.patterns[pattern]
            .iter()
            .enumerate()
            .filter(|(_, name)| name.accepts(surface))
            .fold(0u64, |mask, (index, _)| mask | (1 << index));
        if accepted == 0 {
            return;
        }
        // Walks report matches by start, and from one start by end; keep the list in order of
        // starts (longer first) by moving each new one back past the few it precedes.
        let candidate = Candidate {
            start,
            end,
            pattern,
            accepted,
        };
        let before = |other: &Candidate| (other.start, std::cmp::Reverse(other.end)) > (start, std::cmp::Reverse(end));
        let mut position = candidates.len();
        while position > 0 && before(&candidates[position - 1]) {
            position -= 1;
            crate::work::step(1);
        }
        candidates.insert(position, candidate);
    }
}

/// [`u8::is_ascii_alphanumeric`] as one table lookup, for the scan over every byte of a text.
static ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// Walks `automaton` anchored from the start of `bytes` until no name continues, and reports each
/// name that starts there as (its length, its pattern).
#[inline(always)]
fn walk<A: aho_corasick::automaton::Automaton>(
    automaton: &A,
    root: aho_corasick::automaton::StateID,
    bytes: &[u8],
    mut found: impl FnMut(usize, usize),
) {
    use aho_corasick::Anchored;
    let mut state = root;
    for (read, &byte) in bytes.iter().enumerate() {
        crate::work::step(1);
        state = automaton.next_state(Anchored::Yes, state, byte);
        if !automaton.is_special(state) {
            continue;
        }
        if automaton.is_dead(state) {
            break;
        }
        if !automaton.is_match(state) {
            continue;
        }
        for index in 0..automaton.match_len(state) {
            let pattern = automaton.match_pattern(state, index);
            // A match state also lists the names that end here but start later (they are found
            // from their own start).
            if automaton.pattern_len(pattern) == read + 1 {
                found(read + 1, pattern.as_usize());
            }
        }
    }
}

/// No letter or digit touches the match on either side, and it does not end between a letter and
/// the combining marks written on it: before the match, the marks count as the letter they are
/// written on; after it, a mark continues the word.
fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = base_before(text, start);
    let after = text[end..].chars().next();
    !before.is_some_and(is_letter_or_digit) && !after.is_some_and(is_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::shipped;

    /// The text of each candidate of `text`, in the order the stage returns them.
    fn surfaces(text: &str) -> Vec<&str> {
        let candidates = shipped().extractor.candidates(text, &|| false).expect("not stopped");
        candidates.iter().map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn a_word_boundary_needs_no_letter_digit_or_mark_beside_the_match() {
        // "Mali" in "Somalia", "Egypt" before a combining mark that belongs to its last letter.
        assert!(!is_word_boundary("Somalia", 2, 6));
        assert!(!is_word_boundary("Egypt\u{301} talks", 0, 5));
        assert!(!is_word_boundary("Libya2", 0, 5));
        // Punctuation ends a word: possessives and compounds yield the name alone.
        assert!(is_word_boundary("Turkiye\u{2019}s drones", 0, 7));
        assert!(is_word_boundary("Tripoli-based", 0, 7));
        assert!(is_word_boundary("LNA/LAAF", 4, 8));
    }

    #[test]
    fn candidates_keep_acronyms_in_their_capitals_and_names_with_a_capital() {
        assert_eq!(surfaces("the UN and the un, Turkey and turkey"), vec!["UN", "Turkey"]);
    }

    #[test]
    fn candidates_come_in_order_of_starts_the_longest_first() {
        assert_eq!(surfaces("Libyan National Army"), vec!["Libyan National Army", "Libyan"]);
    }

    #[test]
    fn candidates_give_up_when_asked_to_stop() {
        assert!(shipped().extractor.candidates("Libya and Turkiye", &|| true).is_none());
    }
}
