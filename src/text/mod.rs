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

mod chars;
mod fold;
mod scan;
mod sentences;
mod span;
#[cfg(test)]
mod tests;

pub use chars::{base_before, is_capital, is_combining_mark, is_letter, is_letter_or_digit, is_word_char};
pub use fold::{fold_for_compare, FoldedText};
pub use scan::{find_byte, seek};
pub use sentences::{sentence_index_from, sentence_starts};
pub use span::{OffsetConverter, Span};

/// An `f32` as the `f64` its shortest decimal form reads as: 0.843, not the
/// 0.8429999947547913 a widening cast gives. For JSON, which has one number type.
pub fn shortest_decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}
