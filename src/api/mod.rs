//! The gRPC layer: one handler type per service. Handlers validate the request, call the
//! domain core on the current model snapshot, and convert the answer; nothing else.

mod arguments;
pub mod convert;
mod convert_corpus;
mod corpus;
mod entities;
mod events;
mod extraction;
mod knowledge;
mod offload;
mod relations;
mod streams;

pub use corpus::CorpusApi;
pub use extraction::{ExtractionApi, ExtractionLimits};
pub use knowledge::KnowledgeApi;

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::snapshot::Snapshot;

/// The current model snapshot, replaced whole on reload. Each call loads it once, so a call
/// finishes on the snapshot it started with.
pub type SharedSnapshot = Arc<ArcSwap<Snapshot>>;
