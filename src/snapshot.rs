//! A model snapshot with everything built from it (extraction engine, search index): the unit
//! that is shared by `Arc` and swapped whole on reload.

use std::path::{Path, PathBuf};

use crate::extract::Extractor;
use crate::model::{self, LoadError, Model, Problem};
use crate::search::SearchIndex;

/// One immutable model and its derived indexes.
pub struct Snapshot {
    pub model: Model,
    pub extractor: Extractor,
    pub search: SearchIndex,
}

impl Snapshot {
    /// Loads, validates and indexes the model at `path` (a file or a folder of `*.toml` files).
    ///
    /// # Errors
    /// Every problem of the data files, each with its file and line.
    pub fn load(path: &Path) -> Result<Snapshot, LoadError> {
        let model = model::load(path)?;
        Snapshot::from_model(model, path)
    }

    /// Loads, validates and indexes a model of layers (see [`model::load_layers`]).
    ///
    /// # Errors
    /// Every problem of the data files, each with its file and line.
    pub fn load_layers(paths: &[PathBuf]) -> Result<Snapshot, LoadError> {
        Snapshot::load_layers_within(paths, model::DEFAULT_MAX_FILE_BYTES)
    }

    /// As [`Snapshot::load_layers`], reading no file larger than `max_file_bytes` (see
    /// [`model::load_layers_within`]).
    ///
    /// # Errors
    /// Every problem of the data files, each with its file and line.
    pub fn load_layers_within(paths: &[PathBuf], max_file_bytes: u64) -> Result<Snapshot, LoadError> {
        let model = model::load_layers_within(paths, max_file_bytes)?;
        Snapshot::from_model(model, paths.last().map_or(Path::new("."), PathBuf::as_path))
    }

    /// Builds the derived indexes of a loaded model. `path` names the data for messages.
    ///
    /// # Errors
    /// When the extraction automaton cannot be built from the model's names.
    pub fn from_model(model: Model, path: &Path) -> Result<Snapshot, LoadError> {
        let extractor = Extractor::new(&model).map_err(|error| LoadError {
            problems: vec![Problem {
                file: path.to_path_buf(),
                line: 1,
                message: format!("cannot build the name automaton: {error}"),
            }],
        })?;
        let search = SearchIndex::new(&model);
        Ok(Snapshot {
            model,
            extractor,
            search,
        })
    }
}
