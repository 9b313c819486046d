//! The tower layer every call passes through: request id, a log span and a log line, metrics,
//! admission (a bound on calls in progress, shedding the rest at once), the deadline, panic
//! containment, and clear statuses for requests tonic could not decode.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio::sync::Semaphore;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::{Code, Status};
use tower::{Layer, Service};
use tracing::Instrument;

use super::methods::Methods;
use crate::error::{Error, ERROR_DOMAIN};
use crate::metrics::Metrics;

/// The metadata key of the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How much earlier than the client's `grpc-timeout` this layer gives up. tonic's own timeout
/// (outside this layer) fires at the client's deadline with CANCELLED; giving up a little
/// earlier lets the client see DEADLINE_EXCEEDED with its details instead.
const DEADLINE_MARGIN: Duration = Duration::from_millis(2);

/// An error the protocol adapter in front of the call layer (`crate::http`) found while reading
/// a request: a JSON body that is not the method's message, a body over the limit, a stream
/// asked for over JSON. The adapter sends the call on with this in its extensions, and the call
/// layer answers it as it answers its own refusals, so the call is logged and counted like any
/// other.
#[derive(Debug, Clone)]
pub struct AdapterRefusal(pub Error);

/// Marks an answer to a body that was read whole but is not a message: counted with the code
/// it was answered with, not as the client leaving.
#[derive(Debug, Clone, Copy)]
struct MalformedBody;

/// When an HTTP adapter received the request it hands on (it reads a JSON body whole first):
/// the call's latency counts from here, not from when the call layer saw it.
#[derive(Debug, Clone, Copy)]
pub struct Arrival(pub Instant);

/// Settings of [`CallLayer`].
#[derive(Clone)]
pub struct CallLayer {
    pub metrics: Arc<Metrics>,
    /// One permit per call in progress; health and reflection calls need none.
    pub permits: Arc<Semaphore>,
    /// The longest a call may run when the client sets no shorter deadline.
    pub max_call_duration: Duration,
    /// The methods this server serves: metric labels, and the answer to any other path.
    pub methods: Arc<Methods>,
}

impl<S> Layer<S> for CallLayer {
    type Service = CallService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallService {
            inner,
            settings: self.clone(),
        }
    }
}

/// The service of [`CallLayer`].
#[derive(Clone)]
pub struct CallService<S> {
    inner: S,
    settings: CallLayer,
}

/// A new request id: a per-process prefix and a counter in hex ("1a2b3c4d-2f"), written without
/// formatting machinery; every call without a usable id of its own pays this.
fn generate_request_id() -> http::HeaderValue {
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
fn is_safe_request_id(value: &str) -> bool {
    (1..=MAX_REQUEST_ID_LENGTH).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Parses a `grpc-timeout` header ("100m", "5S"): up to 8 digits and a unit.
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
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

fn status_response(error: Error) -> http::Response<Body> {
    Status::from(error).into_http()
}

/// Gives tonic's own failures (which carry no details) a status a client can act on, with an
/// `ErrorInfo`: a message that is not valid protobuf, a bad or truncated gRPC frame, or a missing
/// message is the caller's INVALID_ARGUMENT, not an INTERNAL error; a message over the size limit
/// is RESOURCE_EXHAUSTED, as gRPC specifies; an unsupported compression stays UNIMPLEMENTED.
/// Anything else without details keeps its code and gets an `ErrorInfo` naming it unclassified.
fn clarify_transport_errors(response: http::Response<Body>) -> http::Response<Body> {
    let Some(status) = Status::from_header_map(response.headers()) else {
        return response;
    };
    if status.code() == Code::Ok || !status.details().is_empty() {
        return response;
    }
    if let Some(error) = Error::from_framework(&status) {
        // A body that arrived whole but is not a message is the client's error, not its leaving.
        let malformed = matches!(
            error,
            Error::InvalidArgument {
                reason: "MALFORMED_BASE64",
                ..
            }
        );
        let mut response = status_response(error);
        if malformed {
            response.extensions_mut().insert(MalformedBody);
        }
        return response;
    }
    // Anything else keeps its code and gets an ErrorInfo naming it: an unsupported compression
    // (UNIMPLEMENTED, as gRPC specifies), or a failure nobody classified.
    use tonic_types::StatusExt;
    let code = status.code();
    // The canonical code's name is the reason where it says enough: what a health check of an
    // unknown service gets (NOT_FOUND), or a failure nobody classified.
    let reason = match code {
        Code::Unimplemented => "UNSUPPORTED_ENCODING",
        Code::NotFound => "NOT_FOUND",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        _ => "UNCLASSIFIED_TRANSPORT_ERROR",
    };
    let mut details = tonic_types::ErrorDetails::new();
    details.set_error_info(reason, ERROR_DOMAIN, std::collections::HashMap::new());
    // The framework's own text of a broken body or connection is Rust Debug output
    // (`hyper::Error(Body, …)`): the client gets a sentence, the log gets the cause.
    let message = match code {
        Code::Internal | Code::Unknown | Code::Cancelled => {
            tracing::debug!(cause = status.message(), "a transport error, answered in plain words");
            "the request could not be read: its body or connection broke before it was whole"
        }
        _ => status.message(),
    };
    Status::with_error_details(code, message, details).into_http()
}

/// The answer to a request whose content type is not gRPC: HTTP 415, as the gRPC protocol
/// specifies, with a gRPC status for clients that read one.
fn unsupported_content_type(content_type: Option<&http::HeaderValue>) -> http::Response<Body> {
    let shown = content_type
        .and_then(|value| value.to_str().ok())
        .map_or_else(|| "none".to_owned(), |value| format!("{:?}", truncate(value, 64)));
    let mut response = status_response(Error::invalid(
        "content-type",
        "UNSUPPORTED_CONTENT_TYPE",
        format!("the content type must be application/grpc, application/grpc-web or application/json; got {shown}"),
    ));
    *response.status_mut() = http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
    response
}

/// At most `limit` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Decrements the in-flight gauge when the call ends, however it ends.
struct InFlight(Arc<Metrics>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.add_in_flight(-1);
    }
}

/// A request body that notes when reading it failed: the client reset its stream or dropped
/// the connection, so the call was cancelled, whatever status tonic then made of it.
struct WatchedBody {
    inner: Body,
    failed: Arc<AtomicBool>,
}

impl http_body::Body for WatchedBody {
    type Data = bytes::Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(context);
        if let Poll::Ready(Some(Err(_))) = &polled {
            self.failed.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Records and logs one call exactly once: when its response is ready, or, if the call's future
/// is dropped first (the client went away), as CANCELLED.
struct CallRecord {
    metrics: Arc<Metrics>,
    rpc: Arc<str>,
    request_id: http::HeaderValue,
    started: Instant,
    body_failed: Arc<AtomicBool>,
    /// The adapter refused the request for the client's own fault (its body, its headers): a
    /// client error, logged as one whatever its code.
    refused_by_adapter: bool,
    done: bool,
}

impl CallRecord {
    fn finish(&mut self, mut response: http::Response<Body>) -> http::Response<Body> {
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER, self.request_id.clone());
        // Errors come as trailers-only responses with the status in the headers; a response
        // without it carries its status in the trailers (OK for unary calls).
        let mut code = Status::from_header_map(response.headers()).map_or(Code::Ok, |s| s.code());
        // A body that broke off is the client leaving; a body that was read but was not a
        // message (bad base64) keeps the code it was answered with.
        let malformed = response.extensions().get::<MalformedBody>().is_some();
        if code != Code::Ok && !malformed && self.body_failed.load(Ordering::Relaxed) {
            code = Code::Cancelled;
        }
        self.record(code);
        response
    }

    fn record(&mut self, code: Code) {
        self.done = true;
        let latency = self.started.elapsed();
        self.metrics.record_call(&self.rpc, code, latency);
        log_call(code, latency, self.refused_by_adapter);
    }
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        if !self.done {
            self.record(Code::Cancelled);
        }
    }
}

impl<S> Service<http::Request<Body>> for CallService<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let path = request.uri().path();
        let rpc = self.settings.methods.label(path);
        let known = self.settings.methods.is_known(path);
        let unknown_path = (!known).then(|| truncate(path, 200).to_owned());
        let request_id = request
            .headers()
            .get(REQUEST_ID_HEADER)
            .filter(|value| value.to_str().is_ok_and(is_safe_request_id))
            .map_or_else(generate_request_id, http::HeaderValue::clone);
        let client_deadline = request
            .headers()
            .get("grpc-timeout")
            .and_then(|value| value.to_str().ok())
            .and_then(parse_grpc_timeout);
        let content_type = request.headers().get(http::header::CONTENT_TYPE);
        let grpc_content = content_type.and_then(|value| value.to_str().ok()).is_some_and(|value| {
            // application/grpc or application/grpc+proto, with parameters or not: the messages
            // here are protobuf; not grpc+json. gRPC-Web and Connect JSON calls arrive here
            // already translated to gRPC by `crate::http`.
            let media_type = value.split(';').next().unwrap_or("").trim();
            media_type == "application/grpc" || media_type == "application/grpc+proto"
        });
        // The adapter sheds a JSON call when too many bodies are being read; counted as shed here.
        let arrived = request
            .extensions()
            .get::<Arrival>()
            .map_or_else(Instant::now, |arrival| arrival.0);
        let refused_by_adapter = request.extensions().get::<AdapterRefusal>().is_some_and(|refusal| {
            !matches!(
                refusal.0,
                Error::ResourceExhausted {
                    reason: "OVERLOADED",
                    ..
                }
            )
        });
        let shed_by_adapter = request.extensions().get::<AdapterRefusal>().is_some_and(|refusal| {
            matches!(
                refusal.0,
                Error::ResourceExhausted {
                    reason: "OVERLOADED",
                    ..
                }
            )
        });
        let refusal = if !grpc_content {
            Some(unsupported_content_type(content_type))
        } else {
            request
                .extensions()
                .get::<AdapterRefusal>()
                .map(|refusal| status_response(refusal.0.clone()))
        };
        let exempt = rpc.starts_with("/grpc.health.") || rpc.starts_with("/grpc.reflection.");
        let body_failed = Arc::new(AtomicBool::new(false));
        let request = {
            let failed = Arc::clone(&body_failed);
            request.map(|inner| Body::new(WatchedBody { inner, failed }))
        };
        // The service that was polled ready is the one to call; leave a fresh clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        // Only what the call needs, not the whole settings: each Arc cloned is an atomic
        // increment and decrement on a line every worker shares.
        let metrics = Arc::clone(&self.settings.metrics);
        let permits = (!exempt).then(|| Arc::clone(&self.settings.permits));
        let max_call_duration = self.settings.max_call_duration;
        let unimplemented = unknown_path.map(|method| Error::Unimplemented {
            method,
            services: self.settings.methods.services().to_owned(),
        });
        let span = tracing::info_span!("rpc", rpc = %rpc, request_id = request_id.to_str().unwrap_or_default());
        Box::pin(
            async move {
                let mut record = CallRecord {
                    metrics: Arc::clone(&metrics),
                    rpc,
                    request_id,
                    started: arrived,
                    body_failed,
                    refused_by_adapter,
                    done: false,
                };
                if let Some(refusal) = refusal {
                    if shed_by_adapter {
                        metrics.record_shed();
                    }
                    return Ok(record.finish(refusal));
                }
                if let Some(unimplemented) = unimplemented {
                    if let Error::Unimplemented { method, .. } = &unimplemented {
                        tracing::info!(method = ?method, "unknown method");
                    }
                    return Ok(record.finish(status_response(unimplemented)));
                }
                let permit = match permits {
                    None => None,
                    Some(permits) => match permits.try_acquire_owned() {
                        Ok(permit) => Some(permit),
                        Err(_) => {
                            metrics.record_shed();
                            return Ok(record.finish(status_response(Error::ResourceExhausted {
                                reason: "OVERLOADED",
                                message: "the server is at its limit of calls in progress; retry with backoff".into(),
                            })));
                        }
                    },
                };
                metrics.add_in_flight(1);
                let _in_flight = InFlight(Arc::clone(&metrics));
                let budget = client_deadline.map_or(max_call_duration, |deadline| {
                    deadline.saturating_sub(DEADLINE_MARGIN).min(max_call_duration)
                });
                let call = AssertUnwindSafe(inner.call(request)).catch_unwind();
                let response = match tokio::time::timeout(budget, call).await {
                    Err(_) => status_response(Error::DeadlineExceeded(format!(
                        "the call ran past its deadline of {} ms and was abandoned",
                        budget.as_millis()
                    ))),
                    Ok(Err(panic)) => {
                        tracing::error!(panic = %panic_message(&*panic), "a handler panicked; answering INTERNAL");
                        status_response(Error::Internal(
                            "the call failed unexpectedly; the failure was logged".into(),
                        ))
                    }
                    Ok(Ok(Err(error))) => {
                        record.record(Code::Unknown);
                        return Err(error);
                    }
                    Ok(Ok(Ok(response))) => clarify_transport_errors(response),
                };
                drop(permit);
                Ok(record.finish(response))
            }
            .instrument(span),
        )
    }
}

/// Logs at a level chosen by the status: success and cancellation quietly, client errors at
/// info, overload and deadlines at warn, server errors at error; what the HTTP adapter refused
/// for the client's own fault (a body that never came) at info. The latency is in whole
/// microseconds, shown as milliseconds.
fn log_call(code: Code, latency: Duration, client_fault: bool) {
    let status = format!("{code:?}");
    let latency_ms = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX) as f64 / 1000.0;
    match code {
        Code::Ok => tracing::debug!(%status, latency_ms, "call finished"),
        Code::Cancelled => tracing::debug!(%status, latency_ms, "call cancelled by the client"),
        _ if client_fault => tracing::info!(%status, latency_ms, "call refused before it started"),
        Code::Internal | Code::Unknown | Code::DataLoss => tracing::error!(%status, latency_ms, "call failed"),
        Code::Unavailable | Code::ResourceExhausted | Code::DeadlineExceeded => {
            tracing::warn!(%status, latency_ms, "call failed")
        }
        _ => tracing::info!(%status, latency_ms, "call failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(permits: usize) -> CallLayer {
        CallLayer {
            metrics: Arc::new(Metrics::new()),
            permits: Arc::new(Semaphore::new(permits)),
            max_call_duration: Duration::from_secs(5),
            methods: Arc::new(Methods::served()),
        }
    }

    fn request() -> http::Request<Body> {
        http::Request::builder()
            .uri("/actorgraph.v1.KnowledgeService/GetEntity")
            .header(http::header::CONTENT_TYPE, "application/grpc")
            .body(Body::empty())
            .expect("a request")
    }

    fn code_of(response: &http::Response<Body>) -> Code {
        Status::from_header_map(response.headers()).map_or(Code::Ok, |s| s.code())
    }

    #[tokio::test]
    async fn a_panicking_handler_becomes_internal_and_the_service_keeps_answering() {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&calls);
        let inner = tower::service_fn(move |_request: http::Request<Body>| {
            let call = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(call != 0, "the first call panics");
                Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
            }
        });
        let mut service = layer(4).layer(inner);
        let first = service.call(request()).await.expect("a response");
        assert_eq!(code_of(&first), Code::Internal);
        let second = service.call(request()).await.expect("a response");
        assert_eq!(code_of(&second), Code::Ok);
    }

    #[tokio::test]
    async fn a_call_past_its_deadline_is_deadline_exceeded_and_dropped() {
        let dropped = Arc::new(AtomicU64::new(0));
        struct SignalDrop(Arc<AtomicU64>);
        impl Drop for SignalDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let witness = Arc::clone(&dropped);
        let inner = tower::service_fn(move |_request: http::Request<Body>| {
            let guard = SignalDrop(Arc::clone(&witness));
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
                Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
            }
        });
        let mut service = layer(4).layer(inner);
        let mut timed = request();
        timed
            .headers_mut()
            .insert("grpc-timeout", http::HeaderValue::from_static("20m"));
        let response = service.call(timed).await.expect("a response");
        assert_eq!(code_of(&response), Code::DeadlineExceeded);
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            1,
            "the handler's work was dropped, not left running"
        );
    }

    #[tokio::test]
    async fn calls_beyond_the_limit_are_shed_at_once() {
        let (release, released) = tokio::sync::watch::channel(false);
        let inner = tower::service_fn(move |_request: http::Request<Body>| {
            let mut released = released.clone();
            async move {
                let _ = released.wait_for(|r| *r).await;
                Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
            }
        });
        let settings = layer(1);
        let metrics = Arc::clone(&settings.metrics);
        let mut service = settings.layer(inner);
        let held = tokio::spawn(service.call(request()));
        // Wait until the first call holds the only permit.
        let started = Instant::now();
        while metrics.encode().contains("actorgraph_calls_in_flight 0") {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the first call never started"
            );
            tokio::task::yield_now().await;
        }
        let shed = service.call(request()).await.expect("a response");
        assert_eq!(code_of(&shed), Code::ResourceExhausted);
        assert_eq!(metrics.shed_count(), 1);
        let _ = release.send(true);
        let first = held.await.expect("joins").expect("a response");
        assert_eq!(code_of(&first), Code::Ok);
    }

    #[test]
    fn grpc_timeouts_parse_in_every_unit() {
        assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("123456789m"), None);
        assert_eq!(parse_grpc_timeout("m"), None);
        assert_eq!(parse_grpc_timeout("10x"), None);
    }
}
