//! What the layers of a call agree on, below both the HTTP adapters and the server: the
//! descriptor sets this server serves, the request-id header, and what an adapter hands the call
//! layer with a request (when it arrived, and why it was refused).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Code;

use crate::error::Error;

/// The metadata key of the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The descriptor sets reflection describes: this API, health, and the error-detail types (so
/// grpcurl can show an error's ErrorInfo and BadRequest instead of raw bytes).
pub const DESCRIBED_SETS: [&[u8]; 3] = [
    crate::pb::FILE_DESCRIPTOR_SET,
    tonic_health::pb::FILE_DESCRIPTOR_SET,
    tonic_types::pb::FILE_DESCRIPTOR_SET,
];

/// Every descriptor set of what this server serves: the described ones and reflection itself.
pub fn served_sets() -> impl Iterator<Item = &'static [u8]> {
    DESCRIBED_SETS.into_iter().chain([
        tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
    ])
}

/// A request body up to this size is read without a read slot: a stalled small body costs a
/// task and its bytes, nothing that other calls wait for.
pub const SMALL_BODY_BYTES: usize = 64 * 1024;

/// A slot of `large` (`--max-large-requests`) for a request whose body has passed
/// [`SMALL_BODY_BYTES`], or the refusal when none is free: taken at once, never waited for.
pub fn large_request_slot(large: &Arc<Semaphore>) -> Result<OwnedSemaphorePermit, Error> {
    Arc::clone(large)
        .try_acquire_owned()
        .map_err(|_| Error::ResourceExhausted {
            reason: "OVERLOADED",
            message: "the server holds its limit of large requests (--max-large-requests); retry with backoff".into(),
        })
}

/// Whether calls to `path` bring a whole text to work on (extraction, ingestion into the
/// corpus): they get the larger body limits, and the text budget counts their bytes.
pub fn takes_text(path: &str) -> bool {
    path.starts_with("/actorgraph.v1.ExtractionService/") || path.starts_with("/actorgraph.v1.CorpusService/")
}

/// An error the protocol adapter in front of the call layer (`crate::http`) found while reading
/// a request: a JSON body that is not the method's message, a body over the limit, a stream
/// asked for over JSON. The adapter sends the call on with this in its extensions, and the call
/// layer answers it as it answers its own refusals, so the call is logged and counted like any
/// other.
#[derive(Debug, Clone)]
pub struct AdapterRefusal(pub Error);

/// The call layer's record of a call that an HTTP adapter answers: the adapter finishes it once
/// it has written its answer, with the code the client got when its own writing failed (a JSON
/// answer over the limit), so the call is counted and logged as the client saw it. Dropped
/// unfinished (the client left while the answer was written), the call counts as cancelled.
#[derive(Clone)]
pub struct PendingRecord(Arc<Mutex<Option<FinishRecord>>>);

/// What finishes a [`PendingRecord`].
type FinishRecord = Box<dyn FnOnce(Option<Code>) + Send>;

impl PendingRecord {
    pub fn new(finish: impl FnOnce(Option<Code>) + Send + 'static) -> PendingRecord {
        PendingRecord(Arc::new(Mutex::new(Some(Box::new(finish)))))
    }

    /// Records the call, once: with `code` when the adapter's answer failed, else with the
    /// code the call layer saw.
    pub fn finish(&self, code: Option<Code>) {
        let finish = self.0.lock().map_or(None, |mut pending| pending.take());
        if let Some(finish) = finish {
            finish(code);
        }
    }
}

/// When an HTTP adapter received the request it hands on (it reads a JSON body whole first):
/// the call's latency counts from here, not from when the call layer saw it.
#[derive(Debug, Clone, Copy)]
pub struct Arrival(pub Instant);
