//! A unary call's body, read whole before the call takes a slot: under the body-read timeout, a
//! large one with a read slot of its own, checked to hold one message; and the text bytes it
//! brings, held against the server's text budget while the call works.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, Full};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::body::Body;
use tonic::codegen::http;

use crate::call::{large_request_slot, takes_text, SMALL_BODY_BYTES};
use crate::error::Error;

/// The bytes of a gRPC message frame's header: a compression flag and a big-endian length.
const FRAME_HEADER_BYTES: usize = 5;

/// How request bodies are read before a call is admitted.
#[derive(Debug, Clone)]
pub struct BodyReading {
    /// The longest a body may take to arrive.
    pub timeout: Duration,
    /// One permit per request over [`SMALL_BODY_BYTES`] held, from its reading to its answer
    /// (`--max-large-requests`, shared with the JSON adapter, which takes it for the bodies it
    /// reads itself).
    pub large: Arc<Semaphore>,
    /// The largest message of a call that takes a text (extraction, ingestion), and of any
    /// other call: what tonic accepts. A body is read up to a little past this, so tonic still
    /// refuses an oversized message with its own status.
    pub text_message_bytes: usize,
    pub other_message_bytes: usize,
}

/// Why a body was not read whole.
pub enum Unread {
    /// The client's fault (too slow, more than one message): answered with this error.
    Refused(Error),
    /// The body broke off: the client went away.
    Gone,
}

impl BodyReading {
    /// Reads the body of a call that takes one message, and hands the request on with the
    /// bytes read, their count, and the large-request slot to hold until the answer. A body
    /// whose first frame declares more than the limit is read no further: tonic refuses it
    /// from the frame's header as it always did. A body the JSON adapter read holds its slot
    /// there.
    pub async fn read_whole(&self, request: http::Request<Body>) -> Result<ReadBody, Unread> {
        let adapted = request.extensions().get::<crate::call::Arrival>().is_some();
        let limit = if takes_text(request.uri().path()) {
            self.text_message_bytes
        } else {
            self.other_message_bytes
        };
        let (parts, body) = request.into_parts();
        let (bytes, slot) = match tokio::time::timeout(self.timeout, self.collect(body, limit, adapted)).await {
            Err(_) => {
                return Err(Unread::Refused(Error::DeadlineExceeded(format!(
                    "the request body did not arrive within {} ms (--body-read-timeout-ms)",
                    self.timeout.as_millis()
                ))))
            }
            Ok(read) => read?,
        };
        let messages = message_count(&bytes);
        if messages > 1 {
            return Err(Unread::Refused(Error::invalid(
                "request",
                "TOO_MANY_MESSAGES",
                format!(
                    "{} takes one request message; this request sent {messages}",
                    parts.uri.path()
                ),
            )));
        }
        let length = bytes.len();
        Ok(ReadBody {
            request: http::Request::from_parts(parts, Body::new(Full::new(bytes))),
            length,
            slot,
        })
    }

    async fn collect(
        &self,
        mut body: Body,
        limit: usize,
        slot_held: bool,
    ) -> Result<(Bytes, Option<OwnedSemaphorePermit>), Unread> {
        let mut bytes = BytesMut::new();
        let mut slot = None;
        // Past one whole message of the largest size and the header of a second, nothing read
        // changes the answer.
        let enough = limit.saturating_add(2 * FRAME_HEADER_BYTES);
        while let Some(frame) = body.frame().await {
            let frame = match frame {
                Ok(frame) => frame,
                // What a protocol adapter found wrong in a body that arrived (gRPC-Web-text
                // that is not base64) is the client's error; anything else is the body
                // breaking off.
                Err(status) => return Err(Error::from_framework(&status).map_or(Unread::Gone, Unread::Refused)),
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            bytes.extend_from_slice(&data);
            if bytes.len() >= enough || first_frame_over(&bytes, limit) {
                break;
            }
            if slot.is_none() && !slot_held && bytes.len() > SMALL_BODY_BYTES {
                slot = Some(large_request_slot(&self.large).map_err(Unread::Refused)?);
            }
        }
        Ok((bytes.freeze(), slot))
    }
}

/// A body read whole.
pub struct ReadBody {
    /// The request, with the bytes read as its body.
    pub request: http::Request<Body>,
    /// The body's length in bytes.
    pub length: usize,
    /// The large-request slot, for a body over [`SMALL_BODY_BYTES`]: held until the answer.
    pub slot: Option<OwnedSemaphorePermit>,
}

/// Whether the first gRPC frame of `bytes` declares a message longer than `limit`.
fn first_frame_over(bytes: &[u8], limit: usize) -> bool {
    frame_length(bytes).is_some_and(|length| length > limit)
}

/// The message length the frame header at the start of `bytes` declares, when it is whole.
fn frame_length(bytes: &[u8]) -> Option<usize> {
    let header: [u8; 4] = bytes.get(1..FRAME_HEADER_BYTES)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(header)).ok()
}

/// How many gRPC messages `bytes` holds or starts: a second frame's first byte counts, whole
/// or not (tonic judges a broken single frame itself).
fn message_count(bytes: &[u8]) -> usize {
    let mut at = 0;
    let mut count = 0;
    while at < bytes.len() {
        count += 1;
        let Some(length) = bytes.get(at..).and_then(frame_length) else {
            break;
        };
        at = at.saturating_add(FRAME_HEADER_BYTES).saturating_add(length);
    }
    count
}

/// The text bytes calls may work on at once. A call that brings a text holds its size (at most
/// the whole budget, so the largest text can still run alone) from admission to its answer; a
/// call that does not fit waits for the ones in work, up to its deadline.
#[derive(Debug, Clone)]
pub struct TextBudget {
    bytes: Arc<Semaphore>,
    total: usize,
}

impl TextBudget {
    pub fn new(total: usize) -> TextBudget {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        TextBudget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    /// Holds `bytes` of the budget, waiting at most `wait` for the calls in work to give them
    /// back; RESOURCE_EXHAUSTED when they do not.
    pub async fn hold(&self, bytes: usize, wait: Duration) -> Result<OwnedSemaphorePermit, Error> {
        let wanted = u32::try_from(bytes.clamp(1, self.total)).unwrap_or(u32::MAX);
        match tokio::time::timeout(wait, Arc::clone(&self.bytes).acquire_many_owned(wanted)).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; a closed one refuses as a full one would.
            Ok(Err(_)) | Err(_) => Err(Error::ResourceExhausted {
                reason: "TEXT_BUDGET",
                message: format!(
                    "the server is working on its limit of {} text bytes at once (--max-text-bytes-in-work) and this \
                     text of {bytes} bytes waited {} ms for room; retry with backoff, or send smaller texts",
                    self.total,
                    wait.as_millis()
                ),
            }),
        }
    }

    /// The bytes free now.
    pub fn available(&self) -> usize {
        self.bytes.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(message: &[u8]) -> Vec<u8> {
        let mut framed = vec![0];
        framed.extend_from_slice(&u32::try_from(message.len()).unwrap_or(u32::MAX).to_be_bytes());
        framed.extend_from_slice(message);
        framed
    }

    #[test]
    fn messages_are_counted_by_their_frames() {
        assert_eq!(message_count(&[]), 0);
        assert_eq!(message_count(&frame(b"abc")), 1);
        assert_eq!(message_count(&frame(b"")), 1);
        let two = [frame(b"abc"), frame(b"de")].concat();
        assert_eq!(message_count(&two), 2);
        // A cut-off second frame still counts; a cut-off single one is tonic's to judge.
        assert_eq!(message_count(&two[..two.len() - 1]), 2);
        assert_eq!(message_count(&frame(b"abc")[..6]), 1);
        assert_eq!(message_count(&[frame(b"a"), vec![0]].concat()), 2);
    }

    #[tokio::test]
    async fn a_text_waits_for_room_and_is_refused_when_none_comes() {
        let budget = TextBudget::new(1000);
        let first = budget
            .hold(600, Duration::from_secs(1))
            .await
            .expect("room for the first");
        assert_eq!(budget.available(), 400);
        let refused = budget.hold(600, Duration::from_millis(50)).await;
        assert!(matches!(
            refused,
            Err(Error::ResourceExhausted {
                reason: "TEXT_BUDGET",
                ..
            })
        ));
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move {
                budget
                    .hold(600, Duration::from_secs(5))
                    .await
                    .map(|permit| permit.num_permits())
            }
        });
        tokio::task::yield_now().await;
        drop(first);
        assert_eq!(
            waiting
                .await
                .expect("the waiter ends")
                .expect("room once the first is done"),
            600
        );
    }

    #[tokio::test]
    async fn a_text_larger_than_the_budget_runs_alone() {
        let budget = TextBudget::new(1000);
        let held = budget
            .hold(5000, Duration::from_millis(10))
            .await
            .expect("the whole budget");
        assert_eq!(held.num_permits(), 1000);
        assert_eq!(budget.available(), 0);
    }
}
