//! What the call layer reads from a request's headers: the request id (the client's own when it
//! is safe to log, else a generated one) and the `grpc-timeout` deadline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tonic::codegen::http;

/// A new request id: a per-process prefix and a counter in hex ("1a2b3c4d-2f"), written without
/// formatting machinery; every call without a usable id of its own pays this.
pub(super) fn generate_request_id() -> http::HeaderValue {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        hasher.finish() as u32
    });
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // 8 digits of prefix, a dash, up to 16 digits of counter.
    let mut id = [0u8; 25];
    for (index, digit) in id[..8].iter_mut().enumerate() {
        *digit = HEX[((prefix >> (28 - 4 * index)) & 0xf) as usize];
    }
    id[8] = b'-';
    let counter = NEXT.fetch_add(1, Ordering::Relaxed);
    let digits = (16 - (counter.leading_zeros() as usize) / 4).max(1);
    for index in 0..digits {
        id[9 + index] = HEX[((counter >> (4 * (digits - 1 - index))) & 0xf) as usize];
    }
    // Hex digits and a dash are always a valid header value.
    http::HeaderValue::from_bytes(&id[..9 + digits]).unwrap_or_else(|_| http::HeaderValue::from_static("unknown"))
}

/// The longest request id accepted from a client.
const MAX_REQUEST_ID_LENGTH: usize = 128;

/// A client's request id is used as it is only when it is 1 to 128 characters of letters, digits
/// and `-_.:`; anything else (quotes, braces, spaces, control characters that could forge log
/// fields) is replaced by a generated id.
pub(super) fn is_safe_request_id(value: &str) -> bool {
    (1..=MAX_REQUEST_ID_LENGTH).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Parses a `grpc-timeout` header ("100m", "5S"): up to 8 digits and a unit.
pub(super) fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}
