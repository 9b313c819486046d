//! The record of one call: its metrics and its log line, written exactly once however the call
//! ends, and the request body watched for a client that went away.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tonic::body::Body;
use tonic::codegen::http;
use tonic::{Code, Status};

use super::statuses::MalformedBody;
use crate::call::REQUEST_ID_HEADER;
use crate::metrics::Metrics;

/// A request body that notes when reading it failed: the client reset its stream or dropped
/// the connection, so the call was cancelled, whatever status tonic then made of it.
pub(super) struct WatchedBody {
    pub(super) inner: Body,
    pub(super) failed: Arc<AtomicBool>,
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
pub(super) struct CallRecord {
    pub(super) metrics: Arc<Metrics>,
    pub(super) rpc: Arc<str>,
    pub(super) request_id: http::HeaderValue,
    pub(super) started: Instant,
    pub(super) body_failed: Arc<AtomicBool>,
    /// The adapter refused the request for the client's own fault (its body, its headers): a
    /// client error, logged as one whatever its code.
    pub(super) refused_by_adapter: bool,
    pub(super) done: bool,
}

impl CallRecord {
    pub(super) fn finish(&mut self, response: http::Response<Body>) -> http::Response<Body> {
        let response = self.annotate(response);
        let code = self.code_of(&response);
        self.record(code);
        response
    }

    fn annotate(&self, mut response: http::Response<Body>) -> http::Response<Body> {
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER, self.request_id.clone());
        response
    }

    /// The code the call is counted with.
    fn code_of(&self, response: &http::Response<Body>) -> Code {
        // Errors come as trailers-only responses with the status in the headers; a response
        // without it carries its status in the trailers (OK for unary calls).
        let code = Status::from_header_map(response.headers()).map_or(Code::Ok, |s| s.code());
        // A body that broke off is the client leaving; a body that was read but was not a
        // message (bad base64) keeps the code it was answered with.
        let malformed = response.extensions().get::<MalformedBody>().is_some();
        if code != Code::Ok && !malformed && self.body_failed.load(Ordering::Relaxed) {
            return Code::Cancelled;
        }
        code
    }

    /// As [`CallRecord::finish`] for a call an HTTP adapter answers: the record goes with the
    /// response, for the adapter to finish once its answer is written.
    pub(super) fn defer(mut self, response: http::Response<Body>) -> http::Response<Body> {
        let mut response = self.annotate(response);
        let code = self.code_of(&response);
        // The record now lives in the pending one; only it finishes the call.
        let pending = crate::call::PendingRecord::new(move |failed: Option<Code>| {
            self.record(failed.unwrap_or(code));
        });
        response.extensions_mut().insert(pending);
        response
    }

    pub(super) fn record(&mut self, code: Code) {
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
