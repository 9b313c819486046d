//! Sentences: where each starts (a splitter that knows common abbreviations and initials), and
//! which sentence a byte offset is in.

use super::{find_byte, is_combining_mark, is_word_char, seek};

/// The longest word of [`ABBREVIATIONS`], in characters.
pub(super) const LONGEST_ABBREVIATION: usize = 6;

/// Words before a period that do not end a sentence.
pub(super) const ABBREVIATIONS: &[&str] = &[
    "gen", "col", "lt", "maj", "capt", "sgt", "adm", "brig", "cmdr", "mr", "mrs", "ms", "dr", "prof", "sen", "rep",
    "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "conn", "mass", "calif", "fla", "ill", "wash", "approx", "dept",
    "est", "fig", "mt", "ft",
];

/// [`ABBREVIATIONS`] as [`abbreviation_key`]s: one comparison of numbers each, where a string
/// comparison is a loop, for every period of a text.
static ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut index = 0;
    while index < ABBREVIATIONS.len() {
        let word = ABBREVIATIONS[index].as_bytes();
        let mut key = word.len() as u64;
        let mut byte = 0;
        while byte < word.len() {
            key |= (word[byte] as u64) << (8 * (byte + 1));
            byte += 1;
        }
        keys[index] = key;
        index += 1;
    }
    keys
};

/// A word of at most seven ASCII bytes as one number, lowercased (its length in the low byte):
/// `None` for any other word, which is no abbreviation.
fn abbreviation_key(word: impl ExactSizeIterator<Item = u8>) -> Option<u64> {
    let length = word.len();
    if length > 7 {
        return None;
    }
    let mut key = length as u64;
    for (index, byte) in word.enumerate() {
        if !byte.is_ascii() {
            return None;
        }
        key |= u64::from(byte.to_ascii_lowercase()) << (8 * (index + 1));
    }
    Some(key)
}

/// Splits a text into sentences and returns the byte offset where each sentence starts
/// (the first is always 0). A sentence ends at `.`, `!` or `?` (with any closing quotes or
/// brackets) followed by white space and a capital, digit or quote — unless the word before the
/// period is a known abbreviation ("Gen.") or an initial ("U.S.") — and at every line break.
pub fn sentence_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        // Only these bytes can end a sentence.
        let end = find_byte(bytes, index, |b| (b == b'.') | (b == b'!') | (b == b'?') | (b == b'\n'));
        crate::work::step(end.unwrap_or(bytes.len()) - index + 1);
        match end {
            Some(end) => index = end,
            None => break,
        }
        let byte = bytes[index];
        if byte == b'\n' {
            let next = skip_whitespace(text, index + 1);
            if next < bytes.len() && next > *starts.last().unwrap_or(&0) {
                starts.push(next);
            }
            index = next.max(index + 1);
            continue;
        }
        if matches!(byte, b'.' | b'!' | b'?') {
            let mut end = index + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                end += 1;
            }
            // Closing curly quotes are three bytes in UTF-8.
            while text[end..].starts_with(['\u{201D}', '\u{2019}']) {
                end += 3;
            }
            let next = skip_whitespace(text, end);
            let has_space = next > end;
            let next_starts_sentence = text[next..]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'\u{201C}\u{2018}(".contains(c));
            if has_space
                && next_starts_sentence
                && !(byte == b'.' && is_abbreviation_before(text, index))
                && !text[end..next].contains('\n')
            {
                starts.push(next);
            }
            index = end.max(index + 1);
            continue;
        }
        index += 1;
    }
    starts
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    let rest = &text[from.min(text.len())..];
    from + (rest.len() - rest.trim_start().len())
}

/// Whether the word ending at the period at `period` is an abbreviation or an initial. Only the
/// part after the word's last inner period counts ("U.S" → "S"), and no abbreviation is longer
/// than [`LONGEST_ABBREVIATION`], so the scan back is O(1) whatever the text ("A.A.A.A…").
/// Combining marks are part of the word ("E\u{301}." is an initial, as "É." is), up to three a
/// letter.
pub(super) fn is_abbreviation_before(text: &str, period: usize) -> bool {
    /// More marks than this on the letters of an abbreviation: not an abbreviation.
    const MARKS_PER_LETTER: usize = 3;
    let mut start = period;
    let mut letters = 0;
    let mut walked = 0;
    for (index, c) in text[..period].char_indices().rev() {
        if !is_word_char(c) {
            break;
        }
        walked += 1;
        letters += usize::from(!is_combining_mark(c));
        if letters > LONGEST_ABBREVIATION || walked > LONGEST_ABBREVIATION * (1 + MARKS_PER_LETTER) {
            crate::work::step(walked);
            return false;
        }
        start = index;
    }
    crate::work::step(walked);
    let last_part = &text[start..period];
    let mut bases = last_part.chars().filter(|&c| !is_combining_mark(c));
    if letters == 1 && bases.all(char::is_uppercase) {
        return true;
    }
    abbreviation_key(last_part.bytes()).is_some_and(|key| ABBREVIATION_KEYS.contains(&key))
}

/// The index of the sentence containing a byte offset, given [`sentence_starts`]; fastest for
/// offsets asked in increasing order (see [`seek`]).
pub fn sentence_index_from(starts: &[usize], byte: usize, cursor: &mut usize) -> usize {
    seek(starts, cursor, |&start| start <= byte).unwrap_or(0)
}
