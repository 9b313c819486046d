//! Fast scans: a byte search that tests a block of bytes at a time, and a cursor that seeks in
//! sorted items in O(1) for questions asked in order.

/// How many bytes [`find_byte`] tests at once.
pub(super) const SCAN_BLOCK: usize = 32;

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
