//! Character classes the engine asks about at every character: combining marks, word
//! characters, letters, digits and capitals, answered fast for ASCII and General Punctuation.

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
