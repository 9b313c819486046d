//! The knowledge model: actors, the predicate vocabulary, relations, agreements and source
//! documents, loaded from the data file into one immutable, validated snapshot with the indexes
//! that queries need. Nothing here knows about gRPC.

pub mod event_lexicon;
mod file_format;
mod id;
mod loader;
mod types;

pub use id::{id_problem, IdProblem, MAX_ID_LENGTH};
pub use loader::{
    load, load_from_str, load_layers, load_layers_within, read_regular_file, LoadError, Problem, DEFAULT_MAX_FILE_BYTES,
};
pub use types::*;
