//! The statuses the call layer answers itself: refusals, tonic's own failures given details a
//! client can act on, non-gRPC content types, and panics.

use tonic::body::Body;
use tonic::codegen::http;
use tonic::{Code, Status};

use crate::error::{Error, ERROR_DOMAIN};

/// Marks an answer to a body that was read whole but is not a message: counted with the code
/// it was answered with, not as the client leaving.
#[derive(Debug, Clone, Copy)]
pub(super) struct MalformedBody;

pub(super) fn status_response(error: Error) -> http::Response<Body> {
    Status::from(error).into_http()
}

/// Gives tonic's own failures (which carry no details) a status a client can act on, with an
/// `ErrorInfo`: a message that is not valid protobuf, a bad or truncated gRPC frame, or a missing
/// message is the caller's INVALID_ARGUMENT, not an INTERNAL error; a message over the size limit
/// is RESOURCE_EXHAUSTED, as gRPC specifies; an unsupported compression stays UNIMPLEMENTED.
/// Anything else without details keeps its code and gets an `ErrorInfo` naming it unclassified.
pub(super) fn clarify_transport_errors(response: http::Response<Body>) -> http::Response<Body> {
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
pub(super) fn unsupported_content_type(content_type: Option<&http::HeaderValue>) -> http::Response<Body> {
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
pub(super) fn truncate(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}
