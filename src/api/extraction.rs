//! `actorgraph.v1.ExtractionService`: unary and streaming extraction.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

use super::convert;
use super::SharedSnapshot;
use crate::error::Error;
use crate::extract::ExtractOptions;
use crate::metrics::Metrics;
use crate::pb;
use crate::pb::extraction_service_server::ExtractionService;
use crate::snapshot::Snapshot;

/// Texts up to this size are extracted on the async worker; larger ones on the blocking pool, so
/// a long text does not hold up the small calls queued behind it. The line sits where extraction
/// takes about 100 µs: the criterion bench measures about 50 MiB/s on news text (82 µs for the
/// 4.2 KB seed article; see BENCHMARKS.md), so 5 KiB.
pub const INLINE_EXTRACTION_BYTES: usize = 5 * 1024;

/// How many answers a stream may have waiting for a slow reader before it stops reading
/// requests: the back-pressure bound of `StreamExtractEntities`.
pub const STREAM_BUFFER: usize = 16;

/// The handlers of `ExtractionService`.
pub struct ExtractionApi {
    snapshot: SharedSnapshot,
    limits: ExtractionLimits,
    metrics: Arc<Metrics>,
}

/// The size limits of extraction calls.
#[derive(Debug, Clone, Copy)]
pub struct ExtractionLimits {
    /// The largest text accepted, in bytes.
    pub max_text_bytes: usize,
    /// The largest answer sent, encoded, in bytes: gRPC clients refuse messages over 4 MiB by
    /// default, and a text full of names can give an answer several times its size.
    pub max_response_bytes: usize,
}

impl ExtractionApi {
    pub fn new(snapshot: SharedSnapshot, limits: ExtractionLimits, metrics: Arc<Metrics>) -> Self {
        ExtractionApi {
            snapshot,
            limits,
            metrics,
        }
    }
}

/// Tells the extraction running for a call to stop when the call's future is dropped (the
/// client cancelled, or the deadline passed).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Validates a request and reads its options.
fn read_request(request: &pb::ExtractEntitiesRequest, max_text_bytes: usize) -> Result<ExtractOptions, Error> {
    if request.text.len() > max_text_bytes {
        return Err(Error::invalid(
            "text",
            "TEXT_TOO_LARGE",
            format!(
                "text is {} bytes; the limit is {max_text_bytes} bytes",
                request.text.len()
            ),
        ));
    }
    if !(0.0..=1.0).contains(&request.min_confidence) {
        return Err(Error::invalid(
            "min_confidence",
            "OUT_OF_RANGE",
            format!("min_confidence must be between 0 and 1, got {}", request.min_confidence),
        ));
    }
    let mut types = Vec::new();
    for &value in &request.entity_types {
        if let Some(entity_type) = convert::entity_type_from_proto("entity_types", value)? {
            types.push(entity_type);
        }
    }
    Ok(ExtractOptions {
        types,
        exclude_unlinked: request.exclude_unlinked,
        min_confidence: request.min_confidence,
        include_nested: request.include_nested,
    })
}

fn to_response(
    snapshot: &Snapshot,
    text: &str,
    extraction: &crate::extract::Extraction,
) -> pb::ExtractEntitiesResponse {
    let model = &snapshot.model;
    pb::ExtractEntitiesResponse {
        mentions: extraction
            .mentions
            .iter()
            .map(|m| convert::mention_to_proto(model, text, m))
            .collect(),
        entities: extraction
            .entities
            .iter()
            .map(|s| convert::salience_to_proto(model, s))
            .collect(),
        sentence_count: u32::try_from(extraction.sentence_count).unwrap_or(u32::MAX),
        model_version: model.version.clone(),
    }
}

/// The answer, unless it is over the response limit: then RESOURCE_EXHAUSTED, with what to do.
fn bounded(
    response: pb::ExtractEntitiesResponse,
    max_response_bytes: usize,
) -> Result<pb::ExtractEntitiesResponse, Error> {
    use prost::Message as _;
    let size = response.encoded_len();
    if size <= max_response_bytes {
        return Ok(response);
    }
    Err(Error::ResourceExhausted {
        reason: "RESPONSE_TOO_LARGE",
        message: format!(
            "the answer has {} mentions and is {size} bytes encoded, over the limit of {max_response_bytes} \
             bytes; send the text in parts, or narrow the answer (entity_types, exclude_unlinked, min_confidence)",
            response.mentions.len()
        ),
    })
}

/// Extracts one validated request, off the async workers when the text is large; the work
/// stops early when the call is dropped.
async fn extract(
    snapshot: Arc<Snapshot>,
    request: pb::ExtractEntitiesRequest,
    options: ExtractOptions,
    max_response_bytes: usize,
    metrics: &Arc<Metrics>,
) -> Result<pb::ExtractEntitiesResponse, Error> {
    if request.text.len() <= INLINE_EXTRACTION_BYTES {
        let extraction = snapshot.extractor.extract(&request.text, &options);
        return bounded(to_response(&snapshot, &request.text, &extraction), max_response_bytes);
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancelled));
    let metrics = Arc::clone(metrics);
    tokio::task::spawn_blocking(move || {
        let stop = || cancelled.load(Ordering::Relaxed);
        match snapshot.extractor.extract_until(&request.text, &options, &stop) {
            Some(extraction) => bounded(to_response(&snapshot, &request.text, &extraction), max_response_bytes),
            None => {
                metrics.record_abandoned();
                Err(Error::DeadlineExceeded(
                    "the call was cancelled; its extraction was abandoned".into(),
                ))
            }
        }
    })
    .await
    .map_err(|error| Error::Internal(format!("extraction task failed: {error}")))?
}

type ResponseStream = Pin<Box<dyn Stream<Item = Result<pb::StreamExtractEntitiesResponse, Status>> + Send>>;

#[tonic::async_trait]
impl ExtractionService for ExtractionApi {
    async fn extract_entities(
        &self,
        request: Request<pb::ExtractEntitiesRequest>,
    ) -> Result<Response<pb::ExtractEntitiesResponse>, Status> {
        let request = request.into_inner();
        let options = read_request(&request, self.limits.max_text_bytes)?;
        let snapshot = self.snapshot.load_full();
        Ok(Response::new(
            extract(
                snapshot,
                request,
                options,
                self.limits.max_response_bytes,
                &self.metrics,
            )
            .await?,
        ))
    }

    type StreamExtractEntitiesStream = ResponseStream;

    async fn stream_extract_entities(
        &self,
        request: Request<Streaming<pb::StreamExtractEntitiesRequest>>,
    ) -> Result<Response<ResponseStream>, Status> {
        let mut inbound = request.into_inner();
        let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
        // A stream is one call: every item is answered by the model it started with, as unary
        // calls in flight are, however many reloads happen while it is open.
        let snapshot = self.snapshot.load_full();
        let ExtractionLimits {
            max_text_bytes,
            max_response_bytes,
        } = self.limits;
        let metrics = Arc::clone(&self.metrics);
        tokio::spawn(async move {
            loop {
                let item = match inbound.message().await {
                    Ok(Some(item)) => item,
                    Ok(None) => break,
                    Err(status) => {
                        // The inbound side broke (malformed message, cancelled call): report it
                        // if anyone still listens, and stop.
                        // The framework's own failures (a malformed or truncated frame, a message
                        // over the limit) become this service's errors, with an ErrorInfo; the
                        // stream cannot go on past a message it could not read.
                        let status = if status.code() == tonic::Code::Cancelled || !status.details().is_empty() {
                            status
                        } else {
                            Status::from(Error::from_framework(&status).unwrap_or_else(|| {
                                Error::Internal(format!("the stream could not be read: {}", status.message()))
                            }))
                        };
                        let _ = sender.send(Err(status)).await;
                        break;
                    }
                };
                let result = match item.request {
                    None => Err(Error::invalid(
                        "request",
                        "MISSING_REQUEST",
                        "each stream item needs a request",
                    )),
                    Some(request) => match read_request(&request, max_text_bytes) {
                        // The call layer turns a panic into INTERNAL for unary calls; a stream's
                        // items run here, in their own task, so each item is guarded the same way.
                        Ok(options) => AssertUnwindSafe(extract(
                            Arc::clone(&snapshot),
                            request,
                            options,
                            max_response_bytes,
                            &metrics,
                        ))
                        .catch_unwind()
                        .await
                        .unwrap_or_else(|_| {
                            tracing::error!("extracting a stream item panicked; answering INTERNAL for it");
                            Err(Error::Internal(
                                "the item failed unexpectedly; the failure was logged".into(),
                            ))
                        }),
                        Err(error) => Err(error),
                    },
                };
                let result = match result {
                    Ok(response) => pb::stream_extract_entities_response::Result::Response(response),
                    Err(error) => pb::stream_extract_entities_response::Result::Error(pb::StreamItemError {
                        code: error.code() as i32,
                        reason: error.reason(),
                        message: error.to_string(),
                    }),
                };
                let answer = pb::StreamExtractEntitiesResponse {
                    request_id: item.request_id,
                    result: Some(result),
                };
                // A closed receiver means the client went away: stop reading its requests.
                if sender.send(Ok(answer)).await.is_err() {
                    break;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}
