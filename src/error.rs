//! The service's one error type and its mapping to gRPC statuses (AIP-193): a canonical code,
//! an `ErrorInfo` with an UPPER_SNAKE_CASE reason in the `actorgraph` domain on every error, and
//! `BadRequest` field violations for invalid arguments.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The `ErrorInfo` domain of every error this service returns.
pub const ERROR_DOMAIN: &str = "actorgraph";

/// Everything a request can fail with. Each variant maps to exactly one gRPC code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A field of the request is missing or malformed.
    #[error("{message}")]
    InvalidArgument {
        field: String,
        /// UPPER_SNAKE_CASE, e.g. `TEXT_TOO_LARGE`.
        reason: &'static str,
        message: String,
    },
    /// An id names nothing in the model.
    #[error("{kind} {id:?} not found")]
    NotFound { kind: &'static str, id: String },
    /// The call ran past its deadline; its work was abandoned.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// The server is at capacity (the call was shed and may be retried later), or a message
    /// is over a size limit.
    #[error("{message}")]
    ResourceExhausted {
        /// UPPER_SNAKE_CASE, e.g. `OVERLOADED`, `MESSAGE_TOO_LARGE`.
        reason: &'static str,
        message: String,
    },
    /// The method is not one this server serves.
    #[error("unknown method {method}; this server serves {services}")]
    Unimplemented {
        method: String,
        /// The services served, comma-separated.
        services: String,
    },
    /// The request is compressed in a way the server does not read (`grpc-encoding: gzip`,
    /// `Content-Encoding: gzip`); the value is the encoding.
    #[error("the request is compressed with {0:?}, which this server does not read; send it uncompressed")]
    UnsupportedEncoding(String),
    /// The request is valid but the served model cannot answer it (it has no event lexicon).
    #[error("{message}")]
    FailedPrecondition {
        /// UPPER_SNAKE_CASE, e.g. `NO_EVENT_LEXICON`.
        reason: &'static str,
        message: String,
    },
    /// A part the call needs is failing for now (the corpus store cannot write); the call may
    /// be retried.
    #[error("{message}")]
    Unavailable {
        /// UPPER_SNAKE_CASE, e.g. `STORE_FAILED`.
        reason: &'static str,
        message: String,
    },
    /// A bug: the call failed for a reason that is not the caller's.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An invalid argument with a reason and a message naming the offending value.
    pub fn invalid(field: impl Into<String>, reason: &'static str, message: impl Into<String>) -> Error {
        Error::InvalidArgument {
            field: field.into(),
            reason,
            message: message.into(),
        }
    }

    /// A NOT_FOUND error for an id of some kind of resource ("entity", "agreement").
    pub fn not_found(kind: &'static str, id: impl Into<String>) -> Error {
        Error::NotFound { kind, id: id.into() }
    }

    /// The UPPER_SNAKE_CASE reason of the error's `ErrorInfo`.
    pub fn reason(&self) -> String {
        match self {
            Error::InvalidArgument { reason, .. } => (*reason).to_owned(),
            Error::NotFound { kind, .. } => format!("{}_NOT_FOUND", kind.to_uppercase()),
            Error::DeadlineExceeded(_) => "DEADLINE_EXCEEDED".to_owned(),
            Error::ResourceExhausted { reason, .. }
            | Error::FailedPrecondition { reason, .. }
            | Error::Unavailable { reason, .. } => (*reason).to_owned(),
            Error::Unimplemented { .. } => "UNKNOWN_METHOD".to_owned(),
            Error::UnsupportedEncoding(_) => "UNSUPPORTED_ENCODING".to_owned(),
            Error::Internal(_) => "INTERNAL".to_owned(),
        }
    }

    /// The gRPC code of the error.
    pub fn code(&self) -> Code {
        match self {
            Error::InvalidArgument { .. } => Code::InvalidArgument,
            Error::NotFound { .. } => Code::NotFound,
            Error::DeadlineExceeded(_) => Code::DeadlineExceeded,
            Error::ResourceExhausted { .. } => Code::ResourceExhausted,
            Error::FailedPrecondition { .. } => Code::FailedPrecondition,
            Error::Unavailable { .. } => Code::Unavailable,
            Error::Unimplemented { .. } | Error::UnsupportedEncoding(_) => Code::Unimplemented,
            Error::Internal(_) => Code::Internal,
        }
    }
}

impl Error {
    /// The framework's own failures to read a request (statuses tonic makes, with no details)
    /// as this service's errors: a message that is not valid protobuf, a bad or truncated gRPC
    /// frame, or a missing message is the caller's INVALID_ARGUMENT; a message over the size
    /// limit is RESOURCE_EXHAUSTED, as gRPC specifies. `None` for anything else.
    pub fn from_framework(status: &Status) -> Option<Error> {
        let message = status.message();
        let invalid =
            |reason: &'static str, what: &str| Some(Error::invalid("request", reason, format!("{what}: {message}")));
        match status.code() {
            Code::Internal if message.starts_with("failed to decode") => {
                invalid("MALFORMED_REQUEST", "the request is not a valid message of this method")
            }
            Code::Internal if message.contains("compression flag") || message.contains("compressed-flag") => {
                invalid("MALFORMED_FRAME", "the request's gRPC frame is malformed")
            }
            Code::Internal if message.contains("Unexpected EOF") => {
                invalid("TRUNCATED_MESSAGE", "the request ended inside a gRPC frame")
            }
            Code::Internal if message.contains("Missing request message") => {
                invalid("MISSING_MESSAGE", "the request carried no message")
            }
            // tonic-web decoding an `application/grpc-web-text` body that is not base64.
            Code::Internal if message.starts_with("tonic-web:") => Some(Error::invalid(
                "request",
                "MALFORMED_BASE64",
                "the gRPC-Web-text body is not valid base64 (the standard alphabet, with padding)",
            )),
            Code::OutOfRange if message.contains("message length too large") => Some(Error::ResourceExhausted {
                reason: "MESSAGE_TOO_LARGE",
                message: format!("the request message is over the server's limit: {message}"),
            }),
            _ => None,
        }
    }
}

impl From<Error> for Status {
    fn from(error: Error) -> Status {
        let mut metadata = HashMap::new();
        let mut details = ErrorDetails::new();
        match &error {
            Error::InvalidArgument { field, message, .. } => {
                metadata.insert("field".to_owned(), field.clone());
                details.add_bad_request_violation(field.clone(), message.clone());
            }
            Error::NotFound { kind, id } => {
                metadata.insert("resource".to_owned(), (*kind).to_owned());
                metadata.insert("id".to_owned(), id.clone());
            }
            Error::Unimplemented { method, services } => {
                metadata.insert("method".to_owned(), method.clone());
                metadata.insert("services".to_owned(), services.clone());
            }
            _ => {}
        }
        details.set_error_info(error.reason(), ERROR_DOMAIN, metadata);
        Status::with_error_details(error.code(), error.to_string(), details)
    }
}
