//! actorgraph: a gRPC service that finds the actors of geopolitical news in text and answers
//! questions about how they are related, each answer with its evidence in a source text.
//!
//! # Layout
//! Data flows one way: data file → validated [`model::Model`] snapshot (immutable, shared by
//! `Arc`, swapped whole on reload) → queries → gRPC layer.
//!
//! - [`model`]: domain types, the data-file loader and its validation, the indexes.
//! - [`text`]: spans in bytes, code points and UTF-16 units; accent folding; sentences.
//! - [`extract`]: the extraction engine (automaton, boundary, case, metonym and unknown-name rules).
//! - [`events`]: events between actors (who did what to whom, CAMEO-coded) from the extractor's
//!   mentions and the event lexicon.
//! - [`corpus`]: documents users feed the service, kept durably in a store, and the events read
//!   from them as relations with evidence.
//! - [`graph`]: relation queries and path finding.
//! - [`search`]: fuzzy name search.
//! - [`pagination`]: page sizes and tamper-proof page tokens.
//! - `work`: a step counter that lets the engine's tests prove linear cost without clocks.
//! - [`snapshot`]: a model with its derived engine and indexes, the unit of reload.
//! - [`call`]: what the HTTP adapters and the call layer agree on (descriptor sets, request id,
//!   arrival, adapter refusals), below both.
//! - [`error`]: the one error enum and its mapping to gRPC statuses.
//! - [`api`]: the thin gRPC handlers and the proto ⇄ domain conversions.
//! - [`http`]: HTTP beside gRPC on the same port: Connect JSON calls and gRPC-Web translated to
//!   gRPC in front of the call layer, and the page at `/`.
//! - [`server`]: server settings, health, reflection, the call layer (logging, metrics,
//!   admission, deadlines), TLS, hot reload, shutdown.
//! - [`metrics`]: Prometheus metrics and their HTTP endpoint.
//! - [`config`]: command-line flags and environment variables.
//! - [`pb`]: the generated protobuf types, clients and servers, for other Rust services.

pub mod api;
pub mod call;
pub mod config;
pub mod corpus;
pub mod error;
pub mod events;
pub mod extract;
pub mod graph;
pub mod http;
pub mod metrics;
pub mod model;
pub mod pagination;
pub mod search;
pub mod server;
pub mod snapshot;
pub mod text;
mod work;

/// The generated protobuf code of `actorgraph.v1`: messages, clients and servers.
pub mod pb {
    #![allow(missing_docs, clippy::all, clippy::pedantic)]
    tonic::include_proto!("actorgraph.v1");

    /// The encoded file descriptor set of `proto/`, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/actorgraph_descriptor.bin"));
}
