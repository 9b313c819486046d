//! The work of a text call, shared by every RPC that reads a text (entities, events, ingest):
//! the checks of the text and threshold, the hand-off of large texts to the blocking pool with
//! cancellation when the call is dropped, and the bound on the answer's size.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::Error;
use crate::metrics::Metrics;

/// Texts up to this size are extracted on the async worker; larger ones on the blocking pool, so
/// a long text does not hold up the small calls queued behind it. At 5 KiB entity extraction
/// takes about 30 µs and event extraction about 60 µs (the criterion bench measures 175–195 MiB/s
/// for entities with the shipped layers, and events at about twice that time; see
/// BENCHMARKS.md), well under what a hand-off to another thread is worth waiting for.
pub(super) const INLINE_EXTRACTION_BYTES: usize = 5 * 1024;

/// Tells the extraction running for a call to stop when the call's future is dropped (the
/// client cancelled, or the deadline passed).
pub(super) struct CancelOnDrop(pub(super) Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The text is within the limit.
pub(super) fn check_text(text: &str, max_text_bytes: usize) -> Result<(), Error> {
    if text.len() > max_text_bytes {
        return Err(Error::invalid(
            "text",
            "TEXT_TOO_LARGE",
            format!("text is {} bytes; the limit is {max_text_bytes} bytes", text.len()),
        ));
    }
    Ok(())
}

/// A confidence threshold is in [0, 1].
pub(super) fn check_confidence(min_confidence: f32) -> Result<(), Error> {
    if !(0.0..=1.0).contains(&min_confidence) {
        return Err(Error::invalid(
            "min_confidence",
            "OUT_OF_RANGE",
            format!("min_confidence must be between 0 and 1, got {min_confidence}"),
        ));
    }
    Ok(())
}

/// The answer, unless it is over the response limit: then RESOURCE_EXHAUSTED, with what to do.
/// `items` counts what the answer holds (`what`); `narrow` names the options that shrink it.
pub(super) fn bounded<M: prost::Message>(
    response: M,
    max_response_bytes: usize,
    items: usize,
    what: &str,
    narrow: &str,
) -> Result<M, Error> {
    let size = response.encoded_len();
    if size <= max_response_bytes {
        return Ok(response);
    }
    Err(Error::ResourceExhausted {
        reason: "RESPONSE_TOO_LARGE",
        message: format!(
            "the answer has {items} {what} and is {size} bytes encoded, over the limit of {max_response_bytes} \
             bytes; send the text in parts, or narrow the answer ({narrow})"
        ),
    })
}

/// Runs `work` on one validated text of `text_bytes` bytes: on the async worker when the text is
/// small ([`INLINE_EXTRACTION_BYTES`]), else on the blocking pool, told to stop when the call is
/// dropped (the client cancelled, or the deadline passed). `work` is given the stop check and
/// returns `None` when it stopped early; `what` names the work in the error ("extraction").
pub(super) async fn run<T, W>(
    text_bytes: usize,
    what: &'static str,
    metrics: &Arc<Metrics>,
    work: W,
) -> Result<T, Error>
where
    T: Send + 'static,
    W: FnOnce(&dyn Fn() -> bool) -> Option<Result<T, Error>> + Send + 'static,
{
    let abandoned = move || Error::DeadlineExceeded(format!("the call was cancelled; its {what} was abandoned"));
    if text_bytes <= INLINE_EXTRACTION_BYTES {
        return work(&|| false).unwrap_or_else(|| Err(abandoned()));
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancelled));
    let metrics = Arc::clone(metrics);
    tokio::task::spawn_blocking(move || {
        let stop = || cancelled.load(Ordering::Relaxed);
        work(&stop).unwrap_or_else(|| {
            metrics.record_abandoned();
            Err(abandoned())
        })
    })
    .await
    .map_err(|error| Error::Internal(format!("{what} task failed: {error}")))?
}
