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
/// a long text does not hold up the small calls queued behind it. At 5 KiB entity extraction
/// takes about 30 µs and event extraction about 60 µs (the criterion bench measures 175–195 MiB/s
/// for entities with the shipped layers, and events at about twice that time; see
/// BENCHMARKS.md), well under what a hand-off to another thread is worth waiting for.
pub(super) const INLINE_EXTRACTION_BYTES: usize = 5 * 1024;

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

/// Validates a request and reads its options.
fn read_request(request: &pb::ExtractEntitiesRequest, max_text_bytes: usize) -> Result<ExtractOptions, Error> {
    check_text(&request.text, max_text_bytes)?;
    check_confidence(request.min_confidence)?;
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

/// How ExtractEntities' answer is bounded.
fn bounded_mentions(
    response: pb::ExtractEntitiesResponse,
    max_response_bytes: usize,
) -> Result<pb::ExtractEntitiesResponse, Error> {
    let items = response.mentions.len();
    bounded(
        response,
        max_response_bytes,
        items,
        "mentions",
        "entity_types, exclude_unlinked, min_confidence",
    )
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
        return bounded_mentions(to_response(&snapshot, &request.text, &extraction), max_response_bytes);
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancelled));
    let metrics = Arc::clone(metrics);
    tokio::task::spawn_blocking(move || {
        let stop = || cancelled.load(Ordering::Relaxed);
        match snapshot.extractor.extract_until(&request.text, &options, &stop) {
            Some(extraction) => {
                bounded_mentions(to_response(&snapshot, &request.text, &extraction), max_response_bytes)
            }
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
        // A stream is one call: every item is answered by the model it started with, as unary
        // calls in flight are, however many reloads happen while it is open.
        let snapshot = self.snapshot.load_full();
        let limits = self.limits;
        let metrics = Arc::clone(&self.metrics);
        let answers = serve_stream(request.into_inner(), move |item: pb::StreamExtractEntitiesRequest| {
            let snapshot = Arc::clone(&snapshot);
            let metrics = Arc::clone(&metrics);
            async move {
                let result = answer_item(
                    item.request,
                    |request| read_request(request, limits.max_text_bytes),
                    |request, options| extract(snapshot, request, options, limits.max_response_bytes, &metrics),
                )
                .await;
                pb::StreamExtractEntitiesResponse {
                    request_id: item.request_id,
                    result: Some(match result {
                        Ok(response) => pb::stream_extract_entities_response::Result::Response(response),
                        Err(error) => pb::stream_extract_entities_response::Result::Error(item_error(&error)),
                    }),
                }
            }
        });
        Ok(Response::new(Box::pin(answers)))
    }

    async fn extract_events(
        &self,
        request: Request<pb::ExtractEventsRequest>,
    ) -> Result<Response<pb::ExtractEventsResponse>, Status> {
        let request = request.into_inner();
        let options = super::events::read_request(&request, self.limits.max_text_bytes)?;
        let snapshot = self.snapshot.load_full();
        Ok(Response::new(
            super::events::extract(
                snapshot,
                request,
                options,
                self.limits.max_response_bytes,
                &self.metrics,
            )
            .await?,
        ))
    }

    type StreamExtractEventsStream = EventsResponseStream;

    async fn stream_extract_events(
        &self,
        request: Request<Streaming<pb::StreamExtractEventsRequest>>,
    ) -> Result<Response<EventsResponseStream>, Status> {
        let snapshot = self.snapshot.load_full();
        let limits = self.limits;
        let metrics = Arc::clone(&self.metrics);
        let answers = serve_stream(request.into_inner(), move |item: pb::StreamExtractEventsRequest| {
            let snapshot = Arc::clone(&snapshot);
            let metrics = Arc::clone(&metrics);
            async move {
                let result = answer_item(
                    item.request,
                    |request| super::events::read_request(request, limits.max_text_bytes),
                    |request, options| {
                        super::events::extract(snapshot, request, options, limits.max_response_bytes, &metrics)
                    },
                )
                .await;
                pb::StreamExtractEventsResponse {
                    request_id: item.request_id,
                    result: Some(match result {
                        Ok(response) => pb::stream_extract_events_response::Result::Response(response),
                        Err(error) => pb::stream_extract_events_response::Result::Error(item_error(&error)),
                    }),
                }
            }
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

type EventsResponseStream = Pin<Box<dyn Stream<Item = Result<pb::StreamExtractEventsResponse, Status>> + Send>>;

fn missing_request() -> Error {
    Error::invalid("request", "MISSING_REQUEST", "each stream item needs a request")
}

pub(super) fn item_error(error: &Error) -> pb::StreamItemError {
    pb::StreamItemError {
        code: error.code() as i32,
        reason: error.reason(),
        message: error.to_string(),
    }
}

/// One stream item, answered as its unary twin is: validated by `read`, worked by `work`,
/// guarded against panics; a missing request is the item's own error.
async fn answer_item<Req, Opts, Resp, Fut>(
    request: Option<Req>,
    read: impl FnOnce(&Req) -> Result<Opts, Error>,
    work: impl FnOnce(Req, Opts) -> Fut,
) -> Result<Resp, Error>
where
    Fut: std::future::Future<Output = Result<Resp, Error>>,
{
    let request = request.ok_or_else(missing_request)?;
    let options = read(&request)?;
    guarded(work(request, options)).await
}

/// The call layer turns a panic into INTERNAL for unary calls; a stream's items run in the
/// stream's own task, so each item is guarded the same way.
async fn guarded<T>(work: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
    AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| {
        tracing::error!("a stream item panicked; answering INTERNAL for it");
        Err(Error::Internal(
            "the item failed unexpectedly; the failure was logged".into(),
        ))
    })
}

/// The status that ends a stream whose inbound side broke: a cancelled call as it is, the
/// framework's own read errors as this service's errors, with an ErrorInfo.
pub(super) fn inbound_status(status: Status) -> Status {
    if status.code() == tonic::Code::Cancelled || !status.details().is_empty() {
        status
    } else {
        Status::from(
            Error::from_framework(&status)
                .unwrap_or_else(|| Error::Internal(format!("the stream could not be read: {}", status.message()))),
        )
    }
}

/// Answers the items of an inbound stream one by one, in order, each with `answer`; the answers
/// wait in a bounded buffer (`STREAM_BUFFER`), so a slow reader stops the reading of requests.
/// A broken inbound side (a malformed or truncated frame, a message over the limit, a cancelled
/// call) ends the stream with its status, made this service's error with an ErrorInfo.
fn serve_stream<In, Out, F, Fut>(mut inbound: Streaming<In>, answer: F) -> ReceiverStream<Result<Out, Status>>
where
    In: Send + 'static,
    Out: Send + 'static,
    F: Fn(In) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Out> + Send,
{
    let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
    tokio::spawn(async move {
        loop {
            let item = match inbound.message().await {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(status) => {
                    let _ = sender.send(Err(inbound_status(status))).await;
                    break;
                }
            };
            // A closed receiver means the client went away: stop reading its requests.
            if sender.send(Ok(answer(item).await)).await.is_err() {
                break;
            }
        }
    });
    ReceiverStream::new(receiver)
}
