//! Text utilities shared by the loader, the extractor and search: spans in three units
//! (UTF-8 bytes, code points, UTF-16 units), accent- and case-folding with a map back to the
//! original offsets, and a sentence splitter that knows common abbreviations.
//!
//! # Normalisation forms
//! Text arrives in whatever Unicode normalisation form its writer used: "Türkiye" precomposed
//! (NFC) or as "Tu" + U+0308 COMBINING DIAERESIS + "rkiye" (NFD), "Türkiye" in full-width letters
//! ("Ｔｕｒｋｉｙｅ"), "ﬁ" as one ligature. Nothing here normalises the text itself, since every
//! offset must point into the caller's text; instead:
//!
//! - a **combining mark** ([`is_combining_mark`]) belongs to the character before it: it is part
//!   of that character's word (see [`base_before`]), and a span never starts or ends between them;
//! - [`FoldedText`] folds NFC and NFD alike: a precomposed Latin letter loses its accent, and the
//!   combining marks after a letter it writes in ASCII fold to nothing, as the accent would;
//! - compatibility forms of ASCII (full-width letters, digits and punctuation, the Latin
//!   ligatures, the ideographic space) fold to the ASCII they stand for.

use std::borrow::Cow;

/// How many bytes [`find_byte`] tests at once.
const SCAN_BLOCK: usize = 32;

/// The first index at or after `from` whose byte is `wanted`, or `None`.
///
/// It tests a block of [`SCAN_BLOCK`] bytes at a time and looks for the position only in the
/// block that has one: with a `wanted` made of comparisons joined by `|` (no branches, no table
/// lookups) the compiler tests a whole block with vector instructions, so the long stretches of
/// a text that the engine's scans skip (lowercase prose between capitals, the words between two
/// sentence ends) cost a fraction of a byte-by-byte loop.
#[inline(always)]
pub fn find_byte(bytes: &[u8], from: usize, wanted: impl Fn(u8) -> bool) -> Option<usize> {
    /// Bytes tested one by one first: when the wanted bytes are dense (a capital every other
    /// byte), a whole block for each would cost many times the bytes it passes over.
    const HEAD: usize = 8;
    let rest = bytes.get(from..)?;
    let head = &rest[..rest.len().min(HEAD)];
    if let Some(found) = head.iter().position(|&byte| wanted(byte)) {
        return Some(from + found);
    }
    let from = from + head.len();
    let rest = &rest[head.len()..];
    let (blocks, remainder) = as_blocks(rest);
    for (index, block) in blocks.enumerate() {
        // A fixed-size block, tested whole: this shape is the one the compiler vectorises.
        let mut any = 0u8;
        for &byte in block {
            any |= u8::from(wanted(byte));
        }
        if any != 0 {
            let found = block.iter().position(|&byte| wanted(byte));
            return found.map(|found| from + index * SCAN_BLOCK + found);
        }
    }
    let found = remainder.iter().position(|&byte| wanted(byte));
    found.map(|found| from + (rest.len() - remainder.len()) + found)
}

/// `bytes` as whole blocks of [`SCAN_BLOCK`] bytes, and the bytes left after them.
#[inline(always)]
fn as_blocks(bytes: &[u8]) -> (impl Iterator<Item = &[u8; SCAN_BLOCK]>, &[u8]) {
    let blocks = bytes.chunks_exact(SCAN_BLOCK);
    let remainder = blocks.remainder();
    // Every chunk has the block's length: the conversion never fails.
    (blocks.filter_map(|block| block.try_into().ok()), remainder)
}

/// An `f32` as the `f64` its shortest decimal form reads as: 0.843, not the
/// 0.8429999947547913 a widening cast gives. For JSON, which has one number type.
pub fn shortest_decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

/// An end-exclusive span of a text, in UTF-8 bytes, code points and UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub byte_start: usize,
    pub byte_end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub utf16_start: usize,
    pub utf16_end: usize,
}

/// Converts byte offsets of one text to code-point and UTF-16 offsets.
///
/// Each query costs O(distance from the previous one), forwards or backwards, so offsets asked
/// roughly in text order cost O(text) in all.
pub struct OffsetConverter<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    chars: usize,
    utf16: usize,
}

impl<'a> OffsetConverter<'a> {
    pub fn new(text: &'a str) -> Self {
        OffsetConverter {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            chars: 0,
            utf16: 0,
        }
    }

    /// The (code point, UTF-16) offsets of a byte offset, which must be a char boundary.
    pub fn at(&mut self, byte: usize) -> (usize, usize) {
        if self.ascii {
            return (byte, byte);
        }
        // Counting bytes is enough, and vectorises: every byte that does not continue a
        // character starts one, and the characters outside the BMP (4-byte lead bytes) take two
        // UTF-16 units. An earlier offset walks back the same way, so a mention nested inside
        // the one before costs its own length, not a walk from the start of the text.
        let (from, to) = (self.byte.min(byte), self.byte.max(byte));
        let walked = self.text.as_bytes().get(from..to).unwrap_or(&[]);
        crate::work::step(walked.len());
        let (starts, astral) = count_characters(walked);
        if byte >= self.byte {
            self.chars += starts;
            self.utf16 += starts + astral;
        } else {
            self.chars -= starts;
            self.utf16 -= starts + astral;
        }
        self.byte = byte;
        (self.chars, self.utf16)
    }

    /// The full span of a byte range.
    pub fn span(&mut self, byte_start: usize, byte_end: usize) -> Span {
        let (char_start, utf16_start) = self.at(byte_start);
        let (char_end, utf16_end) = self.at(byte_end);
        Span {
            byte_start,
            byte_end,
            char_start,
            char_end,
            utf16_start,
            utf16_end,
        }
    }
}

/// The characters of `bytes` (which is whole UTF-8 characters) and how many of them lie outside
/// the BMP. Every byte that does not continue a character (`10xxxxxx`) starts one, and 4-byte
/// lead bytes (`11110xxx`) start the ones outside the BMP. Counted eight bytes at a time in a
/// `u64`: a span between two mentions is a few dozen bytes, too short for vector instructions.
fn count_characters(bytes: &[u8]) -> (usize, usize) {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let remainder = words.remainder();
    let (mut starts, mut astral) = (0usize, 0usize);
    for word in words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let word = u64::from_le_bytes(eight);
        if word & HIGH_BITS == 0 {
            starts += 8;
            continue;
        }
        // Each byte's top bit, after shifting its lower bits up to the top: a continuation byte
        // has bit 7 and not bit 6; a 4-byte lead byte has bits 7, 6, 5 and 4.
        let continuation = word & !(word << 1) & HIGH_BITS;
        let lead4 = word & (word << 1) & (word << 2) & (word << 3) & HIGH_BITS;
        starts += 8 - continuation.count_ones() as usize;
        astral += lead4.count_ones() as usize;
    }
    for &byte in remainder {
        starts += usize::from((byte & 0xC0) != 0x80);
        astral += usize::from(byte >= 0xF0);
    }
    (starts, astral)
}

/// Folds one character for matching: Latin letters lose their accents (`ü`→`u`, `ı`→`i`,
/// `İ`→`I`), typographic apostrophes and dashes become ASCII, compatibility forms of ASCII become
/// the ASCII they stand for (`Ｔ`→`T`, `ﬁ`→`fi`, U+3000 IDEOGRAPHIC SPACE→` `). Case is kept,
/// because matching is ASCII-case-insensitive and acronyms need the original case (the few
/// capitals transliterated in lowercase, `Ŋ`→`ng`, get their capital back in
/// [`FoldedText::new`]). Every folding
/// is ASCII, and maps letters to letters, digits to digits and the rest to neither.
///
/// Other scripts are kept as they are: transliterating them would invent word boundaries.
fn fold_char(c: char) -> Option<&'static str> {
    /// The printable ASCII characters, `!` to `~`: the full-width forms U+FF01 to U+FF5E in order.
    const PRINTABLE_ASCII: &str = concat!(
        "!\"#$%&'()*+,-./0123456789:;<=>?@",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`",
        "abcdefghijklmnopqrstuvwxyz{|}~"
    );
    let code = c as u32;
    if let Some(index) = code.checked_sub(0xFF01).filter(|&i| i < 0x5E) {
        let index = index as usize;
        return PRINTABLE_ASCII.get(index..=index);
    }
    let foldable = (0x00A0..=0x024F).contains(&code)
        || (0x1E00..=0x1EFF).contains(&code)
        || (0x2000..=0x206F).contains(&code)
        || (0xFB00..=0xFB06).contains(&code);
    if !foldable {
        return (c == '\u{3000}').then_some(" ");
    }
    match c {
        // deunicode renders these with spaces or not at all; a matcher wants them as one char.
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => Some("'"),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' => Some("-"),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' => Some(" "),
        _ => deunicode::deunicode_char(c).filter(|s| !s.is_empty() && s.is_ascii()),
    }
}

/// A piece of the folded text: either a run copied unchanged from the original, or the folding
/// of one original character.
#[derive(Debug, Clone, Copy)]
struct Segment {
    folded_start: usize,
    original_start: usize,
    unchanged: bool,
}

/// A folded copy of a text (see [`fold_char`]) with the map back to original byte offsets.
///
/// The combining marks after a character the folding writes in ASCII (an ASCII character or one
/// [`fold_char`] folds) fold to nothing, so "Tu\u{308}rkiye" folds as "Türkiye" does, to
/// "Turkiye". They belong to that character: the folded offset after it maps to the original
/// offset after its marks, so a span that ends with the letter ends after them. The marks after
/// any other character are kept, as the character is.
pub struct FoldedText<'a> {
    pub folded: Cow<'a, str>,
    segments: Vec<Segment>,
    original_len: usize,
}

impl<'a> FoldedText<'a> {
    pub fn new(text: &'a str) -> FoldedText<'a> {
        if text.is_ascii() {
            return FoldedText {
                folded: Cow::Borrowed(text),
                segments: vec![Segment {
                    folded_start: 0,
                    original_start: 0,
                    unchanged: true,
                }],
                original_len: text.len(),
            };
        }
        let mut folded = String::with_capacity(text.len());
        let mut segments = Vec::new();
        let mut in_unchanged_run = false;
        // Whether the last character kept was written in ASCII: the marks after it are dropped.
        let mut after_ascii = false;
        let mut offset = 0;
        while offset < text.len() {
            // Copy the ASCII run up to the next non-ASCII character at once.
            let next_non_ascii = find_byte(text.as_bytes(), offset, |b| b >= 0x80);
            let ascii_run = next_non_ascii.unwrap_or(text.len()) - offset;
            crate::work::step(ascii_run + 1);
            if ascii_run > 0 {
                open_unchanged_run(&mut segments, &mut in_unchanged_run, folded.len(), offset);
                folded.push_str(&text[offset..offset + ascii_run]);
                offset += ascii_run;
                after_ascii = true;
                continue;
            }
            let Some(c) = text[offset..].chars().next() else { break };
            let char_start = offset;
            offset += c.len_utf8();
            if after_ascii && is_combining_mark(c) {
                // Dropped; whatever follows starts a new segment, at the original offset after
                // the mark.
                in_unchanged_run = false;
                continue;
            }
            match fold_char(c) {
                Some(replacement) => {
                    segments.push(Segment {
                        folded_start: folded.len(),
                        original_start: char_start,
                        unchanged: false,
                    });
                    // Case is kept: a capital that transliterates to lowercase ("Ŋ" to "ng")
                    // starts with a capital.
                    match replacement.as_bytes().first() {
                        Some(first) if first.is_ascii_lowercase() && c.is_uppercase() => {
                            folded.push(char::from(first.to_ascii_uppercase()));
                            folded.push_str(replacement.get(1..).unwrap_or(""));
                        }
                        _ => folded.push_str(replacement),
                    }
                    in_unchanged_run = false;
                    after_ascii = true;
                }
                None => {
                    open_unchanged_run(&mut segments, &mut in_unchanged_run, folded.len(), char_start);
                    folded.push(c);
                    after_ascii = false;
                }
            }
        }
        FoldedText {
            folded: Cow::Owned(folded),
            segments,
            original_len: text.len(),
        }
    }

    /// The original byte offset of a folded byte offset, or `None` when the offset falls inside
    /// the folding of a single original character (a match may not start or end there). An
    /// offset right after a character whose combining marks were dropped maps to the offset after
    /// the marks, never between the character and its marks.
    pub fn original_offset(&self, folded_offset: usize) -> Option<usize> {
        self.original_offset_from(folded_offset, &mut 0)
    }

    /// As [`FoldedText::original_offset`], for callers that ask about offsets in increasing
    /// order: `cursor` remembers where the last answer was found, so a walk through the text
    /// costs O(1) per question instead of a binary search.
    pub fn original_offset_from(&self, folded_offset: usize, cursor: &mut usize) -> Option<usize> {
        if folded_offset >= self.folded.len() {
            return (folded_offset == self.folded.len()).then_some(self.original_len);
        }
        let index = seek(&self.segments, cursor, |segment| segment.folded_start <= folded_offset)?;
        let segment = self.segments[index];
        let delta = folded_offset - segment.folded_start;
        if segment.unchanged {
            Some(segment.original_start + delta)
        } else {
            (delta == 0).then_some(segment.original_start)
        }
    }
}

/// Starts a segment copied unchanged from the original, unless one is already open.
fn open_unchanged_run(segments: &mut Vec<Segment>, open: &mut bool, folded_start: usize, original_start: usize) {
    if !*open {
        segments.push(Segment {
            folded_start,
            original_start,
            unchanged: true,
        });
        *open = true;
    }
}

/// Whether a character is a combining mark (general category Mark: Mn, Mc, Me): an accent, a
/// vowel sign, an enclosing circle, a variation selector, written on the character before it.
/// The table is the `unicode-normalization` crate's, kept in step with Unicode by its authors.
pub fn is_combining_mark(c: char) -> bool {
    // Every mark is at or above U+0300; most text is below, and answers without a lookup, as do
    // the typographic quotes and dashes of General Punctuation (U+2000 to U+206F), which has no
    // marks.
    c >= '\u{300}' && !GENERAL_PUNCTUATION.contains(&c) && unicode_normalization::char::is_combining_mark(c)
}

/// The character before byte offset `index` (a char boundary) past the combining marks written
/// on it: the base those marks belong to, which decides whether `index` is inside a word. `None`
/// at the start of the text, or when only marks stand before `index`.
///
/// The walk costs the number of marks right before `index`.
pub fn base_before(text: &str, index: usize) -> Option<char> {
    // An ASCII character (the usual case) carries no marks.
    if let Some(&byte) = index.checked_sub(1).and_then(|before| text.as_bytes().get(before)) {
        if byte.is_ascii() {
            return Some(char::from(byte));
        }
    }
    let mut walked = 0;
    let base = text[..index].chars().rev().find(|&c| {
        walked += 1;
        !is_combining_mark(c)
    });
    crate::work::step(walked);
    base
}

/// Whether a character continues a word: a letter, a digit, or a combining mark (see
/// [`is_combining_mark`]), which belongs to the letter before it.
pub fn is_word_char(c: char) -> bool {
    is_letter_or_digit(c) || is_combining_mark(c)
}

/// The General Punctuation block: spaces, dashes, quotes, and no letter, digit, capital or mark.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

/// A character class answered without a table lookup for ASCII (`ascii`) and for General
/// Punctuation (never in the class), which between them hold nearly every character the engine
/// asks about: a text's typographic apostrophes and quotes sit right beside its names. `other`
/// answers the rest.
#[inline]
fn class_with_fast_paths(c: char, ascii: impl Fn(&char) -> bool, other: impl Fn(char) -> bool) -> bool {
    if c.is_ascii() {
        ascii(&c)
    } else if GENERAL_PUNCTUATION.contains(&c) {
        false
    } else {
        other(c)
    }
}

/// [`char::is_alphanumeric`], with the fast paths of [`class_with_fast_paths`].
#[inline]
pub fn is_letter_or_digit(c: char) -> bool {
    class_with_fast_paths(c, char::is_ascii_alphanumeric, char::is_alphanumeric)
}

/// [`char::is_alphabetic`], with the fast paths of [`class_with_fast_paths`].
#[inline]
pub fn is_letter(c: char) -> bool {
    class_with_fast_paths(c, char::is_ascii_alphabetic, char::is_alphabetic)
}

/// [`char::is_uppercase`], with the fast paths of [`class_with_fast_paths`].
#[inline]
pub fn is_capital(c: char) -> bool {
    class_with_fast_paths(c, char::is_ascii_uppercase, char::is_uppercase)
}

/// Folds a whole string for comparison: accents removed (as in [`FoldedText`]) and lowercased.
pub fn fold_for_compare(text: &str) -> String {
    FoldedText::new(text).folded.to_lowercase()
}

/// The longest word of [`ABBREVIATIONS`], in characters.
const LONGEST_ABBREVIATION: usize = 6;

/// Words before a period that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
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
fn is_abbreviation_before(text: &str, period: usize) -> bool {
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

/// The last index of `items` whose item satisfies `at_or_before` (a predicate true for a prefix
/// of `items`), starting the search at `cursor` and leaving the answer there. Walking forward from
/// the last answer is O(1) for questions in increasing order; a question behind the cursor falls
/// back to a binary search.
pub fn seek<T>(items: &[T], cursor: &mut usize, at_or_before: impl Fn(&T) -> bool) -> Option<usize> {
    let mut index = *cursor;
    if index >= items.len() || !at_or_before(&items[index]) {
        index = items.partition_point(&at_or_before).checked_sub(1)?;
    } else {
        // A short forward walk, then a binary search over the rest if the walk runs long.
        let mut steps = 0;
        while index + 1 < items.len() && at_or_before(&items[index + 1]) {
            index += 1;
            steps += 1;
            crate::work::step(1);
            if steps == 16 {
                index += items[index + 1..].partition_point(&at_or_before);
                break;
            }
        }
    }
    *cursor = index;
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confidence_is_printed_as_written() {
        assert_eq!(serde_json::json!(shortest_decimal(0.843)).to_string(), "0.843");
        assert_eq!(serde_json::json!(shortest_decimal(0.98)).to_string(), "0.98");
        assert_eq!(serde_json::json!(shortest_decimal(1.0)).to_string(), "1.0");
    }

    #[test]
    fn combining_marks_are_those_of_the_unicode_tables() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(
                is_combining_mark(c),
                unicode_normalization::char::is_combining_mark(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn letters_and_digits_are_those_of_the_standard_library() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_capital(c), c.is_uppercase(), "{c:?}");
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn the_block_scan_finds_the_first_wanted_byte_in_every_position() {
        // Around, inside and after a block, and in the remainder.
        for length in [0, 1, SCAN_BLOCK - 1, SCAN_BLOCK, SCAN_BLOCK + 1, 3 * SCAN_BLOCK + 5] {
            for at in 0..length {
                let mut bytes = vec![b'a'; length];
                bytes[at] = b'.';
                for from in 0..length {
                    let expected = (from <= at).then_some(at);
                    assert_eq!(find_byte(&bytes, from, |b| b == b'.'), expected, "{length} {at} {from}");
                }
            }
            assert_eq!(find_byte(&vec![b'a'; length], 0, |b| b == b'.'), None);
        }
        assert_eq!(find_byte(b"abc", 7, |b| b == b'a'), None);
    }

    #[test]
    fn folding_removes_accents_and_keeps_case() {
        let folded = FoldedText::new("İbrahim Kalın’s Türkiye");
        assert_eq!(folded.folded, "Ibrahim Kalin's Turkiye");
    }

    #[test]
    fn folded_offsets_map_back_to_the_original() {
        let text = "Kalın’s visit";
        let folded = FoldedText::new(text);
        let start = folded.folded.find("visit").unwrap();
        let original = folded.original_offset(start).unwrap();
        assert_eq!(&text[original..], "visit");
        assert_eq!(folded.original_offset(folded.folded.len()), Some(text.len()));
    }

    #[test]
    fn offsets_inside_an_expanded_character_are_not_boundaries() {
        let folded = FoldedText::new("Straße");
        assert_eq!(folded.folded, "Strasse");
        assert_eq!(folded.original_offset(5), None);
    }

    #[test]
    fn decomposed_accents_fold_like_precomposed_ones() {
        let precomposed = FoldedText::new("Türkiye İbrahim");
        let decomposed = FoldedText::new("Tu\u{308}rkiye I\u{307}brahim");
        assert_eq!(decomposed.folded, precomposed.folded);
        assert_eq!(decomposed.folded, "Turkiye Ibrahim");
    }

    #[test]
    fn a_dropped_mark_belongs_to_the_letter_before_it() {
        let text = "Tu\u{308}\u{301}rkiye";
        let folded = FoldedText::new(text);
        assert_eq!(folded.folded, "Turkiye");
        // After "Tu": after its two marks (two bytes each), never between "u" and a mark.
        assert_eq!(folded.original_offset(2), Some(6));
        assert_eq!(folded.original_offset(1), Some(1));
        assert_eq!(&text[folded.original_offset(2).unwrap()..], "rkiye");
        // Marks at the end of the text, and after a folded letter.
        let text = "Kalı\u{307}n é\u{301}";
        let folded = FoldedText::new(text);
        assert_eq!(folded.folded, "Kalin e");
        assert_eq!(folded.original_offset(4), Some(text.find('n').unwrap()));
        assert_eq!(folded.original_offset(folded.folded.len()), Some(text.len()));
    }

    #[test]
    fn marks_after_other_scripts_are_kept_as_the_letters_are() {
        let text = "и\u{306}а\u{301}";
        assert_eq!(FoldedText::new(text).folded, text);
    }

    #[test]
    fn compatibility_forms_fold_to_the_ascii_they_stand_for() {
        let text = "ＴＵＲＫＩＹＥ　Ｇａｄｄａﬁ（０）";
        let folded = FoldedText::new(text);
        assert_eq!(folded.folded, "TURKIYE Gaddafi(0)");
        // Inside the ligature is no boundary; after it is.
        let ligature = "Gaddafi".len() + "TURKIYE ".len();
        assert_eq!(folded.original_offset(ligature - 1), None);
        assert_eq!(&text[folded.original_offset(ligature).unwrap()..], "（０）");
        assert_eq!(fold_char('！'), Some("!"));
        assert_eq!(fold_char('～'), Some("~"));
        assert_eq!(fold_char('\u{FF5F}'), None);
    }

    #[test]
    fn combining_marks_are_found_in_every_block() {
        for mark in [
            '\u{300}',
            '\u{308}',
            '\u{36F}',
            '\u{64E}',
            '\u{94D}',
            '\u{20DD}',
            '\u{FE0F}',
            '\u{E0100}',
        ] {
            assert!(is_combining_mark(mark), "{mark:?}");
        }
        for other in ['a', 'ü', '\u{2FF}', '\u{370}', 'ı', '\u{200D}', '😀', 'Ｔ'] {
            assert!(!is_combining_mark(other), "{other:?}");
        }
    }

    #[test]
    fn the_base_before_an_offset_skips_its_marks() {
        let text = "u\u{308}\u{301}x \u{301}y";
        assert_eq!(base_before(text, text.find('x').unwrap()), Some('u'));
        assert_eq!(base_before(text, text.find('y').unwrap()), Some(' '));
        assert_eq!(base_before("\u{301}y", 2), None);
        assert_eq!(base_before("y", 0), None);
    }

    #[test]
    fn converter_counts_code_points_and_utf16_units() {
        let text = "a😀é b";
        let mut converter = OffsetConverter::new(text);
        let span = converter.span(text.find('b').unwrap(), text.len());
        assert_eq!((span.char_start, span.char_end), (4, 5));
        assert_eq!((span.utf16_start, span.utf16_end), (5, 6));
    }

    #[test]
    fn characters_are_counted_across_blocks() {
        let text = "Türkiye’s 😀 drones, ".repeat(9);
        for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
            let part = &text[..end];
            let astral = part.chars().filter(|c| c.len_utf16() == 2).count();
            assert_eq!(
                count_characters(part.as_bytes()),
                (part.chars().count(), astral),
                "{end}"
            );
        }
    }

    #[test]
    fn converter_walks_back_for_an_earlier_offset() {
        let text = "Tü😀rkiye é";
        let mut forward = OffsetConverter::new(text);
        let end = forward.at(text.len());
        let earlier = forward.at(text.find('r').unwrap());
        let mut fresh = OffsetConverter::new(text);
        assert_eq!(earlier, fresh.at(text.find('r').unwrap()));
        assert_eq!(earlier, (3, 4));
        assert_eq!(end, (10, 11));
    }

    #[test]
    fn abbreviations_are_found_in_any_case_and_nothing_else_is() {
        for word in ABBREVIATIONS {
            for written in [
                word.to_string(),
                word.to_uppercase(),
                format!("{}{}", &word[..1].to_uppercase(), &word[1..]),
            ] {
                let text = format!("the {written}. Smith");
                assert!(is_abbreviation_before(&text, 4 + written.len()), "{written}");
            }
        }
        for word in ["Libya", "gens", "ge", "Tripoli", "Ünal"] {
            let text = format!("in {word}. Then");
            assert!(!is_abbreviation_before(&text, 3 + word.len()), "{word}");
        }
    }

    #[test]
    fn no_abbreviation_is_longer_than_the_scan_back() {
        assert!(ABBREVIATIONS.iter().all(|a| a.chars().count() <= LONGEST_ABBREVIATION));
        assert!(is_abbreviation_before("met approx.", 10));
        assert!(is_abbreviation_before("the U.S.", 7));
        assert!(!is_abbreviation_before("the USA.", 7));
        assert!(!is_abbreviation_before("reproach.", 8));
        // An initial with an accent, precomposed or not.
        assert!(is_abbreviation_before("by É.", 5));
        assert!(is_abbreviation_before("by E\u{301}.", 6));
        // The scan back stays short: a letter under thirty marks is not an initial.
        let buried = format!("by E{}.", "\u{301}".repeat(30));
        assert!(!is_abbreviation_before(&buried, buried.len() - 1));
    }

    #[test]
    fn sentences_split_on_periods_but_not_abbreviations() {
        let text = "Gen. Haftar met U.S. officials. They left.\nREAD: next";
        let starts = sentence_starts(text);
        let sentences: Vec<&str> = starts
            .iter()
            .zip(starts.iter().skip(1).chain(std::iter::once(&text.len())))
            .map(|(&a, &b)| text[a..b].trim())
            .collect();
        assert_eq!(
            sentences,
            vec!["Gen. Haftar met U.S. officials.", "They left.", "READ: next"]
        );
    }
}
