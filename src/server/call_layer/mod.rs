//! The tower layer every call passes through: request id, a log span and a log line, metrics,
//! admission (a bound on calls in progress, shedding the rest at once), the deadline, panic
//! containment, and clear statuses for requests tonic could not decode. This file wires those
//! jobs into one service; each job lives in its own module.

mod body;
mod headers;
mod record;
mod statuses;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::AtomicBool;
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
use crate::call::{AdapterRefusal, Arrival, REQUEST_ID_HEADER};
use crate::error::Error;
use crate::metrics::Metrics;
pub use body::{BodyReading, TextBudget};
use body::{ReadBody, Unread};
use headers::{generate_request_id, is_safe_request_id, parse_grpc_timeout};
use record::{CallRecord, WatchedBody};
use statuses::{
    clarify_transport_errors, panic_message, status_response, truncate, unsupported_content_type, MalformedBody,
};

/// How much earlier than the client's `grpc-timeout` this layer gives up. tonic's own timeout
/// (outside this layer) fires at the client's deadline with CANCELLED; giving up a little
/// earlier lets the client see DEADLINE_EXCEEDED with its details instead.
const DEADLINE_MARGIN: Duration = Duration::from_millis(2);

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
    /// How the body of a one-message call is read before the call takes a permit.
    pub reading: Arc<BodyReading>,
    /// The text bytes calls may work on at once.
    pub texts: TextBudget,
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

/// Adds to one of the call layer's gauges (calls in flight, bodies being read, text bytes in
/// work) and takes it back when dropped, however the call ends.
struct Gauged {
    metrics: Arc<Metrics>,
    add: fn(&Metrics, i64),
    amount: i64,
}

impl Gauged {
    fn new(metrics: &Arc<Metrics>, add: fn(&Metrics, i64), amount: usize) -> Gauged {
        let amount = i64::try_from(amount).unwrap_or(i64::MAX);
        add(metrics, amount);
        Gauged {
            metrics: Arc::clone(metrics),
            add,
            amount,
        }
    }
}

impl Drop for Gauged {
    fn drop(&mut self) {
        (self.add)(&self.metrics, -self.amount);
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
        let adapted = request.extensions().get::<Arrival>().is_some();
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
        let reading = self
            .settings
            .methods
            .takes_one_message(path)
            .then(|| Arc::clone(&self.settings.reading));
        let texts = (reading.is_some() && crate::call::takes_text(path)).then(|| self.settings.texts.clone());
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
                // A one-message call's body is read whole before it takes a permit, so a client
                // that trickles its body holds no slot other calls need.
                let read = match reading {
                    None => Ok(ReadBody {
                        request,
                        length: 0,
                        slot: None,
                    }),
                    Some(reading) => {
                        let _reading = Gauged::new(&metrics, Metrics::add_bodies_reading, 1);
                        reading.read_whole(request).await
                    }
                };
                let ReadBody {
                    request,
                    length: text_bytes,
                    slot: _large,
                } = match read {
                    Ok(read) => read,
                    Err(Unread::Gone) => {
                        return Ok(record.finish(Status::cancelled("the request body broke off").into_http()));
                    }
                    Err(Unread::Refused(error)) => {
                        if matches!(error, Error::ResourceExhausted { .. }) {
                            metrics.record_shed();
                        } else {
                            record.refused_by_adapter = true;
                        }
                        // Counted with the code it is answered with, even when the body broke.
                        let mut response = status_response(error);
                        response.extensions_mut().insert(MalformedBody);
                        return Ok(record.finish(response));
                    }
                };
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
                let _in_flight = Gauged::new(&metrics, Metrics::add_in_flight, 1);
                let budget = client_deadline.map_or(max_call_duration, |deadline| {
                    deadline.saturating_sub(DEADLINE_MARGIN).min(max_call_duration)
                });
                let deadline = tokio::time::Instant::now() + budget;
                // The text's bytes are held from here to the answer; a text that does not fit
                // waits for the ones in work, within the call's deadline.
                let _text = match texts {
                    None => None,
                    Some(texts) => match texts.hold(text_bytes, budget).await {
                        Ok(held) => {
                            let bytes = held.num_permits();
                            Some((held, Gauged::new(&metrics, Metrics::add_text_bytes_in_work, bytes)))
                        }
                        Err(error) => {
                            metrics.record_shed();
                            return Ok(record.finish(status_response(error)));
                        }
                    },
                };
                let call = AssertUnwindSafe(inner.call(request)).catch_unwind();
                let response = match tokio::time::timeout_at(deadline, call).await {
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
                if adapted {
                    return Ok(record.defer(response));
                }
                Ok(record.finish(response))
            }
            .instrument(span),
        )
    }
}
