//! Spans in three units (UTF-8 bytes, code points, UTF-16 code units) and the converter that
//! turns byte offsets into the other two in one pass over a text.

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
pub(super) fn count_characters(bytes: &[u8]) -> (usize, usize) {
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
