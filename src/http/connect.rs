//! The Connect protocol's unary JSON calls: `POST /actorgraph.v1.KnowledgeService/GetEntity`
//! with `Content-Type: application/json` and a proto3 JSON body. A call is transcoded into the
//! gRPC call it stands for (the JSON read with the method's descriptor, encoded as protobuf and
//! framed) and sent through the call layer to the same handlers; the gRPC answer is transcoded
//! back: the message as proto3 JSON, or a Connect error with the same code and details.
//!
//! So the JSON routes share everything with gRPC: admission, deadlines (`Connect-Timeout-Ms`
//! becomes `grpc-timeout`), request ids, metrics, logs, and the one error mapping of
//! `crate::error`. What this module finds wrong itself (a body that is not the method's JSON,
//! a body over the size limit, a streaming method) it hands to the call layer as an
//! [`AdapterRefusal`], so those calls are logged and counted too. It owns no domain logic.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::{Buf as _, BufMut as _, Bytes, BytesMut};
use http_body_util::{BodyExt as _, Full};
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor, SerializeOptions};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::body::Body;
use tonic::codegen::http;
use tonic::{Code, Status};
use tower::{Service, ServiceExt as _};

use crate::call::{
    large_request_slot, served_sets, takes_text, AdapterRefusal, Arrival, PendingRecord, REQUEST_ID_HEADER,
    SMALL_BODY_BYTES,
};
use crate::error::Error;

/// The request header a Connect client sets its deadline with, in milliseconds.
const CONNECT_TIMEOUT_HEADER: &str = "connect-timeout-ms";

/// What a JSON call's body may be. A JSON body is read whole before the call reaches the call
/// layer (it must be parsed to make the gRPC message), so its size, its time and the number read
/// at once are bounded here.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// The largest JSON body an extraction call may send: the gRPC decode limit of the
    /// extraction service, so a text over the text limit still reaches the handler's clear
    /// TEXT_TOO_LARGE.
    pub extraction_bytes: usize,
    /// The largest JSON body of any other call (the knowledge service's gRPC decode limit).
    pub other_bytes: usize,
    /// How long a client may take to send its body (`--body-read-timeout-ms`, and never more
    /// than a call may run; a shorter `Connect-Timeout-Ms` wins).
    pub timeout: Duration,
    /// The largest JSON answer, in bytes (`--max-response-bytes`): JSON is larger than the
    /// protobuf the gRPC limit counts, so it is bounded again as written.
    pub answer_bytes: usize,
}

/// The gRPC methods a JSON call can name, with what each may read.
pub struct Procedures {
    pool: DescriptorPool,
    methods: HashMap<String, MethodDescriptor>,
    limits: BodyLimits,
    /// One permit per request over [`SMALL_BODY_BYTES`] held, from its reading to its answer,
    /// shared with the call layer (`--max-large-requests`); beyond it a request is shed with
    /// RESOURCE_EXHAUSTED `OVERLOADED`, at once. A small body holds none while it trickles in,
    /// so slow clients cannot starve the others.
    large: Arc<Semaphore>,
}

impl Procedures {
    /// Every method of the descriptor sets this server registers, and the body limits.
    ///
    /// # Errors
    /// When a compiled-in descriptor set does not decode (a build bug).
    pub fn new(limits: BodyLimits, large: Arc<Semaphore>) -> Result<Procedures, prost_reflect::DescriptorError> {
        let mut pool = DescriptorPool::global();
        // Every service the call layer serves, so a JSON call to a stream (reflection, health's
        // Watch) is refused as one rather than sent on with an empty message.
        for set in served_sets() {
            pool.decode_file_descriptor_set(set)?;
        }
        let methods = pool
            .services()
            .flat_map(|service| service.methods().collect::<Vec<_>>())
            .map(|method| {
                (
                    format!("/{}/{}", method.parent_service().full_name(), method.name()),
                    method,
                )
            })
            .collect();
        Ok(Procedures {
            pool,
            methods,
            limits,
            large,
        })
    }

    fn body_limit(&self, method: &MethodDescriptor) -> usize {
        if takes_text(&format!("/{}/", method.parent_service().full_name())) {
            self.limits.extraction_bytes
        } else {
            self.limits.other_bytes
        }
    }
}

/// Whether a content type is JSON (`application/json`, with parameters or not).
pub fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

/// Answers one Connect unary JSON call through `inner` (the call layer and the gRPC services).
///
/// # Errors
/// Only what `inner` fails with (never, for tonic's services): every failure of the call is a
/// Connect error response.
pub async fn unary<S>(
    inner: S,
    procedures: &Procedures,
    request: http::Request<Body>,
) -> Result<http::Response<Body>, S::Error>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>>,
{
    let arrived = Instant::now();
    let (parts, body) = request.into_parts();
    let mut forward = http::Request::builder()
        .method(http::Method::POST)
        .uri(parts.uri.clone())
        .header(http::header::CONTENT_TYPE, "application/grpc")
        .header(http::header::TE, "trailers");
    if let Some(request_id) = parts.headers.get(REQUEST_ID_HEADER) {
        forward = forward.header(REQUEST_ID_HEADER, request_id);
    }
    let mut body_timeout = procedures.limits.timeout;
    let mut timeout_refusal = None;
    if let Some(value) = parts.headers.get(CONNECT_TIMEOUT_HEADER) {
        let text = value.to_str().unwrap_or("");
        match text.parse::<u64>().ok().filter(|&ms| ms > 0).zip(grpc_timeout(text)) {
            Some((milliseconds, timeout)) => {
                forward = forward.header("grpc-timeout", timeout);
                body_timeout = body_timeout.min(Duration::from_millis(milliseconds));
            }
            None => {
                let shown: String = String::from_utf8_lossy(value.as_bytes()).chars().take(20).collect();
                timeout_refusal = Some(Error::invalid(
                    "connect-timeout-ms",
                    "INVALID_TIMEOUT",
                    format!("Connect-Timeout-Ms {shown:?} is not a timeout: give whole milliseconds, 1 to 10 digits, more than 0"),
                ));
            }
        }
    }

    let method = procedures.methods.get(parts.uri.path());
    // Connect clients compress only when the server says it reads the encoding; this one says
    // none, so a compressed body is refused rather than read as broken JSON.
    let encoding = parts
        .headers
        .get(http::header::CONTENT_ENCODING)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_ascii_lowercase())
        .filter(|encoding| !encoding.is_empty() && encoding != "identity");
    // A large body's slot is held until the call is answered.
    let mut large_slot = None;
    let (payload, refusal) = match (method, encoding) {
        (Some(_), _) if timeout_refusal.is_some() => (Bytes::new(), timeout_refusal),
        (Some(_), Some(encoding)) => (
            Bytes::new(),
            Some(Error::UnsupportedEncoding(encoding.chars().take(32).collect())),
        ),
        // An unknown method: the call layer answers it as it answers gRPC (UNIMPLEMENTED, the
        // services listed, counted under one label).
        (None, _) => (Bytes::new(), None),
        (Some(method), None) if method.is_client_streaming() || method.is_server_streaming() => (
            Bytes::new(),
            Some(Error::invalid(
                "content-type",
                "UNSUPPORTED_CONTENT_TYPE",
                format!(
                    "{} is a stream: call it with gRPC or gRPC-Web (application/grpc, application/grpc-web); \
                     over JSON, call the unary method once per request",
                    method.full_name()
                ),
            )),
        ),
        // A body that says it is over the limit is refused from its header, not waited for.
        (Some(method), None)
            if declared_length(&parts.headers).is_some_and(|length| length > procedures.body_limit(method)) =>
        {
            (
                Bytes::new(),
                Some(Error::ResourceExhausted {
                    reason: "MESSAGE_TOO_LARGE",
                    message: format!(
                        "the request body is over the server's limit of {} bytes for this method (Content-Length {})",
                        procedures.body_limit(method),
                        declared_length(&parts.headers).unwrap_or_default()
                    ),
                }),
            )
        }
        (Some(method), None) => match read_message(body, method, procedures, body_timeout).await {
            Ok((message, slot)) => {
                large_slot = slot;
                (frame(&message), None)
            }
            Err(error) => (Bytes::new(), Some(error)),
        },
    };
    let mut forward = forward
        .body(Body::new(Full::new(payload)))
        .expect("a request built from valid parts");
    forward.extensions_mut().insert(Arrival(arrived));
    if let Some(error) = refusal {
        forward.extensions_mut().insert(AdapterRefusal(error));
    }
    let response = inner.oneshot(forward).await?;
    let pending = response.extensions().get::<PendingRecord>().cloned();
    let (answered, failed) = answer(response, method.map(MethodDescriptor::output), procedures).await;
    drop(large_slot);
    if let Some(pending) = pending {
        pending.finish(failed);
    }
    Ok(answered)
}

/// The body length a request's `Content-Length` declares, when it is a number.
fn declared_length(headers: &http::HeaderMap) -> Option<usize> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

/// Reads the body (bounded in size and time) as the method's input message, encoded.
async fn read_message(
    body: Body,
    method: &MethodDescriptor,
    procedures: &Procedures,
    timeout: Duration,
) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), Error> {
    let limit = procedures.body_limit(method);
    let reading = read_body(body, limit, &procedures.large);
    let bytes = match tokio::time::timeout(timeout, reading).await {
        Err(_) => {
            return Err(Error::DeadlineExceeded(format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            )))
        }
        Ok(read) => read?,
    };
    let (bytes, slot) = bytes;
    // Connect sends an empty message as `{}`; no body at all is no message, as over gRPC.
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid(
            "request",
            "MISSING_MESSAGE",
            "the request body is empty: send the request message as JSON (`{}` for an empty one)",
        ));
    }
    if let Some(key) = repeated_key(&bytes) {
        return Err(Error::invalid(
            "request",
            "DUPLICATE_FIELD",
            format!("the request names the field {key:?} twice (perhaps once as a proto name and once in camelCase): give each field once"),
        ));
    }
    let json: &[u8] = &bytes;
    let input = method.input();
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let message = DynamicMessage::deserialize(input.clone(), &mut deserializer)
        .and_then(|message| deserializer.end().map(|()| message))
        .map_err(|error| {
            Error::invalid(
                "request",
                "MALFORMED_REQUEST",
                format!("the request is not valid JSON of {}: {error}", input.full_name()),
            )
        })?;
    Ok((prost::Message::encode_to_vec(&message), slot))
}

/// The first key an object of `json` gives twice, counting a proto field name and its JSON
/// name as one (`page_size` and `pageSize`); `None` when there is none or the JSON is invalid
/// (the message reader then says why). proto3 JSON readers disagree on which of two keys wins,
/// so neither is taken.
fn repeated_key(json: &[u8]) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer as _, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Walk<'a>(&'a mut Option<String>);

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let folded: String = key.chars().filter(|&c| c != '_').flat_map(char::to_lowercase).collect();
                if !seen.insert(folded) && self.0.is_none() {
                    *self.0 = Some(key);
                }
                map.next_value_seed(Walk(&mut *self.0))?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Walk(&mut *self.0))?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }

    let mut found = None;
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let _ = (&mut deserializer).deserialize_any(Walk(&mut found));
    found
}

/// Reads a body whole, up to `limit` bytes; past [`SMALL_BODY_BYTES`] it needs a slot of
/// `large`, handed back with the bytes.
async fn read_body(
    mut body: Body,
    limit: usize,
    large: &Arc<Semaphore>,
) -> Result<(Bytes, Option<OwnedSemaphorePermit>), Error> {
    let mut bytes = BytesMut::new();
    let mut slot = None;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| {
            Error::invalid(
                "request",
                "MALFORMED_REQUEST",
                "the request body could not be read: the connection broke or the body was malformed",
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if bytes.len() + data.len() > limit {
            return Err(Error::ResourceExhausted {
                reason: "MESSAGE_TOO_LARGE",
                message: format!("the request body is over the server's limit of {limit} bytes for this method"),
            });
        }
        bytes.extend_from_slice(&data);
        if slot.is_none() && bytes.len() > SMALL_BODY_BYTES {
            slot = Some(large_request_slot(large)?);
        }
    }
    Ok((bytes.freeze(), slot))
}

/// One uncompressed gRPC frame holding `message`.
fn frame(message: &[u8]) -> Bytes {
    let mut framed = BytesMut::with_capacity(5 + message.len());
    framed.put_u8(0);
    framed.put_u32(u32::try_from(message.len()).unwrap_or(u32::MAX));
    framed.put_slice(message);
    framed.freeze()
}

/// `Connect-Timeout-Ms` (up to 10 digits) as a `grpc-timeout` value (at most 8 digits).
fn grpc_timeout(milliseconds: &str) -> Option<String> {
    if milliseconds.is_empty() || milliseconds.len() > 10 || !milliseconds.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let milliseconds: u64 = milliseconds.parse().ok()?;
    Some(if milliseconds < 100_000_000 {
        format!("{milliseconds}m")
    } else {
        format!("{}S", (milliseconds / 1000).min(99_999_999))
    })
}

/// The gRPC answer as a Connect answer: the message as proto3 JSON with HTTP 200, or a Connect
/// error; with the code of the error when writing the answer failed here (the call itself
/// succeeded).
async fn answer(
    response: http::Response<Body>,
    output: Option<MessageDescriptor>,
    procedures: &Procedures,
) -> (http::Response<Body>, Option<Code>) {
    let request_id = response.headers().get(REQUEST_ID_HEADER).cloned();
    let (mut answer, failed) = transcode_answer(response, output, procedures).await;
    if let Some(request_id) = request_id {
        answer.headers_mut().insert(REQUEST_ID_HEADER, request_id);
    }
    (answer, failed)
}

async fn transcode_answer(
    response: http::Response<Body>,
    output: Option<MessageDescriptor>,
    procedures: &Procedures,
) -> (http::Response<Body>, Option<Code>) {
    if let Some(status) = Status::from_header_map(response.headers()) {
        if status.code() != Code::Ok {
            return (error_response(&status, procedures), None);
        }
    }
    let collected = match response.into_body().collect().await {
        Ok(collected) => collected,
        Err(status) => return (error_response(&status, procedures), None),
    };
    if let Some(status) = collected.trailers().and_then(Status::from_header_map) {
        if status.code() != Code::Ok {
            return (error_response(&status, procedures), None);
        }
    }
    let mut bytes = collected.to_bytes();
    let decoded = output.and_then(|output| {
        if bytes.len() < 5 {
            return None;
        }
        let _compressed = bytes.get_u8();
        let length = bytes.get_u32() as usize;
        (bytes.len() == length).then(|| DynamicMessage::decode(output, bytes).ok())?
    });
    let Some(message) = decoded else {
        let error = Error::Internal("the answer could not be read as its message".into());
        let code = error.code();
        return (error_response(&Status::from(error), procedures), Some(code));
    };
    let limit = procedures.limits.answer_bytes;
    let mut json = BoundedWriter {
        bytes: Vec::new(),
        limit,
        exceeded: false,
    };
    let options = SerializeOptions::new();
    if let Err(error) = message.serialize_with_options(&mut serde_json::Serializer::new(&mut json), &options) {
        let error = if json.exceeded {
            Error::ResourceExhausted {
                reason: "RESPONSE_TOO_LARGE",
                message: format!(
                    "the answer is over {limit} bytes as JSON (--max-response-bytes): ask for less (a smaller page_size, \
                     narrower filters, a shorter text) or call over gRPC, whose protobuf is smaller"
                ),
            }
        } else {
            Error::Internal(format!("the answer could not be written as JSON: {error}"))
        };
        let code = error.code();
        return (error_response(&Status::from(error), procedures), Some(code));
    }
    (json_response(http::StatusCode::OK, json.bytes), None)
}

/// A writer that refuses to grow past `limit` bytes, so an answer too large for JSON is never
/// held whole.
struct BoundedWriter {
    bytes: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl std::io::Write for BoundedWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + data.len() > self.limit {
            self.exceeded = true;
            self.bytes = Vec::new();
            return Err(std::io::Error::other("the JSON answer is over its limit"));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A JSON response with `status`.
fn json_response(status: http::StatusCode, json: Vec<u8>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(Full::new(Bytes::from(json))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// The Connect error of a gRPC status: its code's name, its message, and each detail with its
/// type, its bytes in base64 and, for `debug`, its fields as JSON. The HTTP status is the
/// Connect protocol's for the code, except that a content-type refusal (a stream asked for over
/// JSON, a content type this server does not speak) is 415, as both Connect and gRPC answer it.
pub fn error_response(status: &Status, procedures: &Procedures) -> http::Response<Body> {
    let decoded = decode_details(status.details());
    let content_type_refused = decoded.iter().flat_map(|decoded| decoded.details.iter()).any(|any| {
        any.type_url.ends_with("google.rpc.ErrorInfo")
            && <tonic_types::pb::ErrorInfo as prost::Message>::decode(any.value.as_slice())
                .is_ok_and(|info| info.reason == "UNSUPPORTED_CONTENT_TYPE")
    });
    let details: Vec<ConnectDetail> = decoded
        .iter()
        .flat_map(|decoded| decoded.details.iter())
        .map(|any| {
            let type_name = any.type_url.rsplit('/').next().unwrap_or(&any.type_url).to_owned();
            let debug = procedures
                .pool
                .get_message_by_name(&type_name)
                .and_then(|descriptor| DynamicMessage::decode(descriptor, any.value.as_slice()).ok())
                .and_then(|message| serde_json::to_value(&message).ok());
            ConnectDetail {
                value: base64::engine::general_purpose::STANDARD_NO_PAD.encode(&any.value),
                type_name,
                debug,
            }
        })
        .collect();
    let body = ConnectError {
        code: code_name(status.code()),
        message: status.message(),
        details,
    };
    let http_status = if content_type_refused {
        http::StatusCode::UNSUPPORTED_MEDIA_TYPE
    } else {
        http_status_of(status.code())
    };
    json_response(http_status, serde_json::to_vec(&body).unwrap_or_default())
}

/// The Connect protocol's error body, its fields in the order the protocol shows them.
#[derive(serde::Serialize)]
struct ConnectError<'a> {
    code: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<ConnectDetail>,
}

/// One error detail: its type, its protobuf bytes in base64, and its fields for people.
#[derive(serde::Serialize)]
struct ConnectDetail {
    #[serde(rename = "type")]
    type_name: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    debug: Option<serde_json::Value>,
}

/// The `google.rpc.Status` a status carries its details in, when it has details.
fn decode_details(bytes: &[u8]) -> Option<tonic_types::pb::Status> {
    if bytes.is_empty() {
        return None;
    }
    <tonic_types::pb::Status as prost::Message>::decode(bytes).ok()
}

/// The Connect protocol's name of a code.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "canceled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

/// The HTTP status the Connect protocol gives a code.
pub fn http_status_of(code: Code) -> http::StatusCode {
    use http::StatusCode;
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::REQUEST_TIMEOUT),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_found_in_either_spelling_at_any_depth() {
        assert_eq!(repeated_key(br#"{"id": "a", "id": "b"}"#).as_deref(), Some("id"));
        assert_eq!(
            repeated_key(br#"{"page_size": 1, "pageSize": 2}"#).as_deref(),
            Some("pageSize")
        );
        assert_eq!(repeated_key(br#"{"a": [{"x": 1, "x": 2}]}"#).as_deref(), Some("x"));
        assert_eq!(repeated_key(br#"{"a": {"x": 1}, "b": {"x": 2}}"#), None);
        assert_eq!(repeated_key(br#"{"text": "\"id\": 1, \"id\": 2"}"#), None);
        assert_eq!(repeated_key(b"not json"), None);
    }

    #[test]
    fn connect_timeouts_become_grpc_timeouts() {
        assert_eq!(grpc_timeout("250").as_deref(), Some("250m"));
        assert_eq!(grpc_timeout("9999999999").as_deref(), Some("9999999S"));
        assert_eq!(grpc_timeout(""), None);
        assert_eq!(grpc_timeout("12a"), None);
        assert_eq!(grpc_timeout("12345678901"), None);
    }

    #[test]
    fn every_served_method_is_a_procedure() {
        let procedures = Procedures::new(
            BodyLimits {
                extraction_bytes: 1,
                other_bytes: 1,
                timeout: Duration::from_secs(1),
                answer_bytes: 1024,
            },
            Arc::new(Semaphore::new(1)),
        )
        .expect("the descriptor sets decode");
        for path in [
            "/actorgraph.v1.KnowledgeService/ListRelations",
            "/actorgraph.v1.ExtractionService/ExtractEntities",
            "/grpc.health.v1.Health/Check",
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        ] {
            assert!(procedures.methods.contains_key(path), "{path}");
        }
        assert!(procedures.pool.get_message_by_name("google.rpc.ErrorInfo").is_some());
    }

    #[test]
    fn json_content_types_are_recognised_with_parameters() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("application/grpc"));
        assert!(!is_json("application/connect+json"));
    }
}
