//! The loop of a streaming text RPC, shared by every stream of the API: items answered in order
//! as their unary twins are, a bounded buffer of answers for back-pressure, each item guarded
//! against panics, and a broken inbound side ended with this service's error.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};

use crate::error::Error;
use crate::pb;

/// How many answers a stream may have waiting for a slow reader before it stops reading
/// requests: the back-pressure bound of `StreamExtractEntities`.
pub const STREAM_BUFFER: usize = 16;

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
pub(super) async fn answer_item<Req, Opts, Resp, Fut>(
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
pub(super) fn serve_stream<In, Out, F, Fut>(
    mut inbound: Streaming<In>,
    answer: F,
) -> ReceiverStream<Result<Out, Status>>
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
