//! Accent- and case-folding for matching, with a map from the folded text back to the original
//! offsets (normalisation forms: see the module documentation of `crate::text`).

use std::borrow::Cow;

use super::{find_byte, is_combining_mark, seek};

/// Folds one character for matching: Latin letters lose their accents (`ü`→`u`, `ı`→`i`,
/// `İ`→`I`), typographic apostrophes and dashes become ASCII, compatibility forms of ASCII become
/// the ASCII they stand for (`Ｔ`→`T`, `ﬁ`→`fi`, U+3000 IDEOGRAPHIC SPACE→` `). Case is kept,
/// because matching is ASCII-case-insensitive and acronyms need the original case (the few
/// capitals transliterated in lowercase, `Ŋ`→`ng`, get their capital back in
/// [`FoldedText::new`]). Every folding
/// is ASCII, and maps letters to letters, digits to digits and the rest to neither.
///
/// Other scripts are kept as they are: transliterating them would invent word boundaries.
pub(super) fn fold_char(c: char) -> Option<&'static str> {
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
struct FoldRun {
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
    segments: Vec<FoldRun>,
    original_len: usize,
}

impl<'a> FoldedText<'a> {
    pub fn new(text: &'a str) -> FoldedText<'a> {
        if text.is_ascii() {
            return FoldedText {
                folded: Cow::Borrowed(text),
                segments: vec![FoldRun {
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
                    segments.push(FoldRun {
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
fn open_unchanged_run(segments: &mut Vec<FoldRun>, open: &mut bool, folded_start: usize, original_start: usize) {
    if !*open {
        segments.push(FoldRun {
            folded_start,
            original_start,
            unchanged: true,
        });
        *open = true;
    }
}

/// Folds a whole string for comparison: accents removed (as in [`FoldedText`]) and lowercased.
pub fn fold_for_compare(text: &str) -> String {
    FoldedText::new(text).folded.to_lowercase()
}
