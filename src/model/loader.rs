//! Loads and validates data files into a [`Model`] snapshot.
//!
//! Every problem is collected, not only the first, each with its file and line, so an editor of
//! the data can fix a file in one round. Evidence is written as quotes; the loader locates each
//! quote in its document (ignoring accents and typographic apostrophes) and stores the offsets.
//!
//! This file holds the loader's frame: reading the layers, collecting problems and warnings,
//! building the model's indexes. Each record kind is read in its own file under `loader/`
//! (`documents`, `predicates`, `entities`, `ambiguous_names`, `relations`, `agreements`), with
//! the evidence they share in `evidence` and the pure checks in `checks`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use toml::Spanned;

mod agreements;
mod ambiguous_names;
mod checks;
mod documents;
mod entities;
mod event_lexicon;
mod evidence;
mod predicates;
mod relations;

use super::file_format::{CitationRecord, DataFile, EvidenceRecord};
use super::types::*;
use crate::text::{fold_for_compare, OffsetConverter};
use checks::{check_date, check_period, locate_quote, names_any, non_empty};

/// One problem found in a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Why a model could not be loaded: every problem found, in file and line order.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl LoadError {
    /// One problem at line 1 of `file`: for a file or folder that cannot be read at all.
    pub fn at(file: &Path, message: String) -> LoadError {
        LoadError {
            problems: vec![Problem {
                file: file.to_path_buf(),
                line: 1,
                message,
            }],
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) in the data:", self.problems.len())?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Loads a model from a data file, or from every `*.toml` file of a folder (in name order).
///
/// # Errors
/// A [`LoadError`] listing every problem: unreadable or malformed files, unknown or duplicate
/// ids, undeclared shared names, evidence quotes not found in their document, bad dates.
pub fn load(path: &Path) -> Result<Model, LoadError> {
    load_layers(&[path.to_path_buf()])
}

/// Loads a model made of layers, in order: each path is a data file or a folder of `*.toml`
/// files (as for [`load`]). An entity of a later layer with the id of an earlier layer's entity
/// extends it instead of duplicating it (see `docs/data-format.md`, "Layers").
///
/// # Errors
/// Every problem found, each with its file and line.
pub fn load_layers(paths: &[PathBuf]) -> Result<Model, LoadError> {
    load_layers_within(paths, DEFAULT_MAX_FILE_BYTES)
}

/// The largest data or document file read, in bytes, unless the caller says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// As [`load_layers`], reading no data or document file larger than `max_file_bytes`.
///
/// # Errors
/// As [`load_layers`]; a file over the limit, or one that is not a regular file (a FIFO, a
/// device, a socket, or a link to one), is refused with its path and the reason.
pub fn load_layers_within(paths: &[PathBuf], max_file_bytes: u64) -> Result<Model, LoadError> {
    let mut sources = Vec::new();
    for (layer, path) in paths.iter().enumerate() {
        for file in layer_files(path)? {
            let text = read_regular_file(&file, max_file_bytes, DATA_FILE_LIMIT_FLAG)
                .map_err(|problem| LoadError::at(&file, problem))?;
            sources.push(SourceFile::new(file, text, layer));
        }
    }
    if sources.is_empty() {
        return Err(LoadError::at(Path::new("."), "no data path given".to_owned()));
    }
    Loader {
        max_file_bytes,
        ..Loader::default()
    }
    .load(sources)
}

/// The flag that sets the limit of data files, for messages.
const DATA_FILE_LIMIT_FLAG: &str = "--max-data-file-bytes";

/// Reads a text file, refusing what is not a regular file (reading a FIFO waits for a writer
/// forever, a device never ends) and what is over `max_file_bytes`, without reading more than
/// the limit whatever the file claims. `limit_flag` names the flag that sets the limit.
pub fn read_regular_file(path: &Path, max_file_bytes: u64, limit_flag: &str) -> Result<String, String> {
    use std::io::Read as _;
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read it: {error}"))?;
    if !metadata.is_file() {
        return Err(format!(
            "it is not a regular file ({}); only regular files (or links to them) are read",
            file_kind(&metadata)
        ));
    }
    let too_large =
        |size: u64| format!("it is {size} bytes or more, over the limit of {max_file_bytes} bytes ({limit_flag})");
    if metadata.len() > max_file_bytes {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read it: {error}"))?;
    let mut bytes = Vec::new();
    file.take(max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read it: {error}"))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_file_bytes {
        return Err(too_large(max_file_bytes.saturating_add(1)));
    }
    String::from_utf8(bytes).map_err(|error| format!("it is not UTF-8 text: {error}"))
}

/// What kind of thing a path that is not a regular file is, for messages.
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// The data files of one layer: the file itself, or the `*.toml` files of the folder in name
/// order.
fn layer_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if std::fs::metadata(path).is_err() {
        let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        return Err(LoadError::at(
            path,
            format!(
                "no data file or folder here (looked for {}); point --data, or ACTORGRAPH_DATA, at the model's .toml file or folder",
                shown.display()
            ),
        ));
    }
    let files = if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|error| LoadError::at(path, format!("cannot read the folder: {error}")))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(LoadError::at(path, "the folder holds no .toml file".into()));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    Ok(files)
}

/// Loads a model from the text of one data file; document paths resolve against `base_dir`.
///
/// # Errors
/// As [`load`].
pub fn load_from_str(name: &str, text: &str, base_dir: &Path) -> Result<Model, LoadError> {
    Loader {
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..Loader::default()
    }
    .load(vec![SourceFile::new(base_dir.join(name), text.to_owned(), 0)])
}

struct SourceFile {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
    /// The position of the file's layer in the model, 0 first.
    layer: usize,
}

impl SourceFile {
    fn new(path: PathBuf, text: String, layer: usize) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
            layer,
        }
    }

    fn line_of(&self, byte: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= byte).max(1)
    }

    fn directory(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Where a record came from, for messages.
#[derive(Clone, Copy)]
struct Location {
    file: usize,
    byte: usize,
}

#[derive(Default)]
struct Loader {
    /// The largest document file read (`[[documents]] path`); 0 until `load_layers_within`.
    max_file_bytes: u64,
    sources: Vec<SourceFile>,
    problems: Vec<Problem>,
    /// What the data may mean otherwise but does not make wrong: printed by `check` (refused
    /// by `check --strict`), logged by the server.
    warnings: Vec<Problem>,
    /// Where each relation was written, in the order of `Model::relations`.
    relation_locations: Vec<Location>,
    /// Each entity's names, folded, with where they were written: kept between building the
    /// entities and checking which names they share.
    pending_names: Vec<Vec<(String, Location)>>,
}

impl Loader {
    fn report(&mut self, location: Location, message: impl Into<String>) {
        let source = &self.sources[location.file];
        self.problems.push(Problem {
            file: source.path.clone(),
            line: source.line_of(location.byte),
            message: message.into(),
        });
    }

    fn at<T>(file: usize, spanned: &Spanned<T>) -> Location {
        Location {
            file,
            byte: spanned.span().start,
        }
    }

    fn load(mut self, sources: Vec<SourceFile>) -> Result<Model, LoadError> {
        self.sources = sources;
        let mut parsed = Vec::new();
        let layers = self.sources.iter().map(|s| s.layer + 1).max().unwrap_or(0);
        let mut layer_records = vec![0; layers];
        for file in 0..self.sources.len() {
            match toml::from_str::<DataFile>(&self.sources[file].text) {
                Ok(data) => {
                    layer_records[self.sources[file].layer] += data.records();
                    parsed.push((file, data));
                }
                Err(error) => {
                    let byte = error.span().map_or(0, |span: Range<usize>| span.start);
                    let message = error.message().to_owned();
                    self.report(Location { file, byte }, message);
                }
            }
        }
        let mut model = self.build(&mut parsed);
        if self.problems.is_empty() {
            // A layer that defines nothing is an emptied or truncated file, whatever the other
            // layers hold.
            for (layer, &records) in layer_records.iter().enumerate() {
                if records == 0 {
                    if let Some(file) = self.sources.iter().position(|s| s.layer == layer) {
                        self.report(
                            Location { file, byte: 0 },
                            "this layer defines nothing: is the data file empty or truncated? A layer needs at least one record",
                        );
                    }
                }
            }
        }
        model.layer_records = layer_records;
        if self.problems.is_empty() && model.entities.is_empty() && !self.sources.is_empty() {
            // An empty or truncated file (`> data.toml`, an editor that truncates before it
            // writes) parses as a valid empty model: serving it would answer NOT_FOUND to
            // everything while health says SERVING.
            self.report(
                Location { file: 0, byte: 0 },
                "the model defines no entities: is the data file empty or truncated? A model needs at least one [[entities]] record",
            );
        }
        if self.problems.is_empty() {
            let mut warnings = self.warnings;
            warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            model.warnings = warnings;
            Ok(model)
        } else {
            let mut problems = self.problems;
            problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            Err(LoadError { problems })
        }
    }

    fn check_slug(&mut self, location: Location, what: &str, id: &str) {
        if let Some(problem) = super::id_problem(id) {
            let shown: String = id.chars().take(40).collect();
            self.report(
                location,
                format!("{what} id {shown:?} is not valid: {}", problem.rule()),
            );
        }
    }

    fn build(&mut self, parsed: &mut [(usize, DataFile)]) -> Model {
        let (documents, document_layers) = self.build_documents(parsed);
        let document_by_id: HashMap<String, DocumentIndex> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), DocumentIndex::new(i)))
            .collect();
        let (predicates, predicate_by_name) = self.build_predicates(parsed);
        let (entities, entity_by_id) = self.build_entities(parsed);
        let ambiguous_names = self.build_ambiguities(parsed, &entities, &entity_by_id);
        let references = References {
            documents: &documents,
            document_layers: &document_layers,
            document_by_id: &document_by_id,
            entity_by_id: &entity_by_id,
        };
        let relations = self.build_relations(parsed, &references, &predicates, &predicate_by_name);
        let agreements = self.build_agreements(parsed, &references);
        self.warn_of_quotes_naming_neither_end(&entities, &predicates, &relations);
        let event_lexicon = self.build_event_lexicon(parsed, &predicate_by_name);
        let given_names = self.build_given_names(parsed);

        let mut adjacency = vec![Vec::new(); entities.len()];
        for (index, relation) in relations.iter().enumerate() {
            let index = RelationIndex::new(index);
            adjacency[relation.subject.get()].push((index, Side::Subject));
            if relation.object != relation.subject {
                adjacency[relation.object.get()].push((index, Side::Object));
            }
        }
        let mut agreements_by_party = vec![Vec::new(); entities.len()];
        for (index, agreement) in agreements.iter().enumerate() {
            for &party in &agreement.parties {
                agreements_by_party[party.get()].push(AgreementIndex::new(index));
            }
        }
        let agreement_by_id = agreements
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), AgreementIndex::new(i)))
            .collect();
        Model {
            version: self.content_version(&documents),
            loaded_at: SystemTime::now(),
            entities,
            documents,
            predicates,
            relations,
            agreements,
            ambiguous_names,
            entity_by_id,
            document_by_id,
            predicate_by_name,
            agreement_by_id,
            adjacency,
            agreements_by_party,
            layer_records: Vec::new(),
            warnings: Vec::new(),
            event_lexicon,
            given_names,
        }
    }

    /// `[[given_names]]`: one word each (letters, with hyphens or apostrophes inside), folded.
    fn build_given_names(&mut self, parsed: &[(usize, DataFile)]) -> Vec<String> {
        let mut names = Vec::new();
        for (file, data) in parsed {
            for record in &data.given_names {
                if record.get_ref().source.trim().is_empty() {
                    self.report(
                        Self::at(*file, record),
                        "a [[given_names]] list must say where its names come from (`source`)",
                    );
                }
                for name in &record.get_ref().names {
                    let written = name.get_ref();
                    let letters = written.chars().filter(|c| c.is_alphabetic()).count();
                    let shaped = written.chars().next().is_some_and(char::is_alphabetic)
                        && written.chars().last().is_some_and(char::is_alphabetic)
                        && written.chars().all(|c| {
                            c.is_alphabetic() || "-'\u{2019}".contains(c) || crate::text::is_combining_mark(c)
                        });
                    if !shaped || !(2..=40).contains(&letters) {
                        self.report(
                            Self::at(*file, name),
                            format!("given name {written:?} must be one word of 2 to 40 letters (hyphens and apostrophes inside)"),
                        );
                        continue;
                    }
                    names.push(crate::text::fold_for_compare(written));
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    fn content_version(&self, documents: &[Document]) -> String {
        let mut hasher = Sha256::new();
        for source in &self.sources {
            hasher.update(source.text.as_bytes());
            hasher.update([0]);
        }
        for document in documents {
            hasher.update(document.text.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher.finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    fn resolve_entity(
        &mut self,
        file: usize,
        references: &References<'_>,
        id: &Spanned<String>,
        role: &str,
    ) -> Option<EntityIndex> {
        let found = references.entity_by_id.get(id.get_ref()).copied();
        if found.is_none() {
            self.report(Self::at(file, id), format!("{role}: unknown entity {:?}", id.get_ref()));
        }
        found
    }

    fn check_period(&mut self, file: usize, period: Option<&Spanned<String>>) -> Option<String> {
        let period = period?;
        if let Err(why) = check_period(period.get_ref()) {
            self.report(
                Self::at(file, period),
                format!("bad period {:?}: {why}", period.get_ref()),
            );
        }
        Some(period.get_ref().clone())
    }
}

/// Lookups shared by the reference-resolving steps.
struct References<'a> {
    documents: &'a [Document],
    /// The layer of each document.
    document_layers: &'a [usize],
    document_by_id: &'a HashMap<String, DocumentIndex>,
    entity_by_id: &'a HashMap<String, EntityIndex>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_to_a_device_in_a_data_folder_is_refused_not_read() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let fifo = folder.path().join("p.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Reading the FIFO would wait for a writer forever; this returns at once.
        let error = load(folder.path()).expect_err("a FIFO is not a data file");
        assert!(
            error.to_string().contains("p.toml") && error.to_string().contains("a FIFO"),
            "{error}"
        );
        std::fs::remove_file(&fifo).expect("remove the FIFO");
        std::os::unix::fs::symlink("/dev/zero", folder.path().join("z.toml")).expect("a link to /dev/zero");
        let error = load(folder.path()).expect_err("a device is not a data file");
        assert!(
            error.to_string().contains("z.toml") && error.to_string().contains("a device"),
            "{error}"
        );
    }

    #[test]
    fn a_data_file_over_the_limit_is_refused_with_its_size_and_the_flag() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let file = folder.path().join("big.toml");
        std::fs::write(&file, "# a comment\n".repeat(100)).expect("write the file");
        let error = load_layers_within(std::slice::from_ref(&file), 1000).expect_err("over the limit");
        assert!(
            error
                .to_string()
                .contains("over the limit of 1000 bytes (--max-data-file-bytes)"),
            "{error}"
        );
        let error = load_layers_within(&[file], 2000).expect_err("within the limit, but defines nothing");
        assert!(!error.to_string().contains("over the limit"), "{error}");
    }

    #[test]
    fn a_quote_without_a_document_is_from_the_one_document_of_its_own_layer() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let layer = |name: &str, text: &str, backer: &str| {
            let path = folder.path().join(name);
            let data = format!(
                "[[documents]]\nid = \"{name}-note\"\ntitle = \"A note\"\ntext = \"{text}\"\n\n\
                 [[entities]]\nid = \"{backer}\"\nname = \"{backer}\"\ntype = \"country\"\n\n\
                 [[relations]]\nsubject = \"{backer}\"\npredicate = \"backs\"\nobject = \"haftar\"\n\
                 evidence = [\"{text}\"]\n"
            );
            std::fs::write(&path, data).expect("write a layer");
            path
        };
        let base = folder.path().join("base.toml");
        std::fs::write(
            &base,
            "[[predicates]]\nid = \"backs\"\ninverse = \"backed_by\"\ndefinition = \"Supports.\"\n\n\
             [[entities]]\nid = \"haftar\"\nname = \"Haftar\"\ntype = \"person\"\n",
        )
        .expect("write the base layer");
        let first = layer("first", "Egypt backs Haftar.", "egypt");
        let second = layer("second", "Russia backs Haftar too.", "russia");
        let model = match load_layers(&[base, first, second]) {
            Ok(model) => model,
            Err(error) => panic!("two layers with a document each load: {error}"),
        };
        let quoted: Vec<&str> = model
            .relations
            .iter()
            .map(|relation| match &relation.evidence[0] {
                Evidence::Quote(quote) => model.documents[quote.document].id.as_str(),
                Evidence::Cited(_) => "a citation",
            })
            .collect();
        assert_eq!(quoted, ["first-note", "second-note"]);
    }

    #[test]
    fn absent_or_blank_qualifiers_are_none() {
        let data = r#"
[[documents]]
id = "note"
title = "A note"
text = "Egypt backs Haftar. They signed a pact."

[[predicates]]
id = "backs"
inverse = "backed_by"
definition = "Supports."

[[entities]]
id = "egypt"
name = "Egypt"
type = "country"

[[entities]]
id = "khalifa-haftar"
name = "Khalifa Haftar"
type = "person"

[[relations]]
subject = "egypt"
predicate = "backs"
object = "khalifa-haftar"
note = " "
evidence = ["Egypt backs Haftar"]

[[agreements]]
id = "pact"
title = "A pact"
parties = ["egypt", "khalifa-haftar"]
status = "signed"
evidence = ["They signed a pact"]
"#;
        let model = match load_from_str("note.toml", data, Path::new(".")) {
            Ok(model) => model,
            Err(error) => panic!("the note loads: {error}"),
        };
        let relation = &model.relations[0];
        assert_eq!(
            (&relation.period, &relation.status, &relation.note),
            (&None, &None, &None)
        );
        let agreement = &model.agreements[0];
        assert_eq!((&agreement.date, &agreement.period), (&None, &None));
    }

    #[test]
    fn given_names_are_folded_and_a_bad_one_is_refused_with_its_line() {
        let entity = "[[entities]]\nid = \"egypt\"\nname = \"Egypt\"\ntype = \"country\"\n\n";
        let data = format!("{entity}[[given_names]]\nsource = \"ours\"\nnames = [\"Zoë\", \"Jean-Luc\", \"ZOE\"]\n");
        let model = match load_from_str("names.toml", &data, Path::new(".")) {
            Ok(model) => model,
            Err(error) => panic!("the names load: {error}"),
        };
        assert_eq!(model.given_names, vec!["jean-luc".to_owned(), "zoe".to_owned()]);
        let bad = format!("{entity}[[given_names]]\nsource = \"ours\"\nnames = [\n  \"Ann\",\n  \"Two Words\",\n]\n");
        let error = match load_from_str("names.toml", &bad, Path::new(".")) {
            Ok(_) => panic!("a name of two words is refused"),
            Err(error) => error.to_string(),
        };
        assert!(
            error.contains("names.toml") && error.contains(":10") && error.contains("Two Words"),
            "{error}"
        );
    }
}
