//! Loads and validates data files into a [`Model`] snapshot.
//!
//! Every problem is collected, not only the first, each with its file and line, so an editor of
//! the data can fix a file in one round. Evidence is written as quotes; the loader locates each
//! quote in its document (ignoring accents and typographic apostrophes) and stores the offsets.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::file_format::{CitationRecord, DataFile, EvidenceRecord};
use super::types::*;
use crate::text::{fold_for_compare, FoldedText, OffsetConverter};

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
    let mut sources = Vec::new();
    for (layer, path) in paths.iter().enumerate() {
        for file in layer_files(path)? {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| LoadError::at(&file, format!("cannot read the data file: {error}")))?;
            sources.push(SourceFile::new(file, text, layer));
        }
    }
    if sources.is_empty() {
        return Err(LoadError::at(Path::new("."), "no data path given".to_owned()));
    }
    Loader::default().load(sources)
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
    Loader::default().load(vec![SourceFile::new(base_dir.join(name), text.to_owned(), 0)])
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

/// An entity record once its own fields are checked, before references are resolved.
struct PendingEntity {
    entity: Entity,
    /// The references to resolve, each with the file it was written in (a later layer's record
    /// may set them on an earlier layer's entity).
    stands_for: Option<(usize, Spanned<String>)>,
    country: Option<(usize, Spanned<String>)>,
    names: Vec<(String, Location)>,
    location: Location,
    /// The layer of the record that last defined or extended the entity.
    layer: usize,
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
        let documents = self.build_documents(parsed);
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
            document_by_id: &document_by_id,
            entity_by_id: &entity_by_id,
        };
        let relations = self.build_relations(parsed, &references, &predicates, &predicate_by_name);
        let agreements = self.build_agreements(parsed, &references);
        self.warn_of_quotes_naming_neither_end(&entities, &predicates, &relations);

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
        }
    }

    /// A quote that names neither end of its relation is likely near its fact rather than
    /// stating it ("…from the capital" for Tripoli being Libya's capital). An end is named by
    /// one of its names, aliases or demonyms, by a city standing for it ("Ankara"), or by one
    /// who leads it (a `transfers_support` relation: "Haftar's forces" for the LNA).
    fn warn_of_quotes_naming_neither_end(
        &mut self,
        entities: &[Entity],
        predicates: &[Predicate],
        relations: &[Relation],
    ) {
        let names_of = |entity: EntityIndex| -> Vec<String> {
            let mut named = vec![entity];
            named.extend(EntityIndex::all(entities.len()).filter(|&other| entities[other].stands_for == Some(entity)));
            named.extend(
                relations
                    .iter()
                    .filter(|r| r.object == entity && predicates[r.predicate].transfers_support)
                    .map(|r| r.subject),
            );
            named
                .into_iter()
                .flat_map(|e| {
                    let e = &entities[e];
                    std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms)
                })
                .map(|name| fold_for_compare(name))
                .collect()
        };
        let mut warnings = Vec::new();
        for (index, relation) in relations.iter().enumerate() {
            let Some(&location) = self.relation_locations.get(index) else {
                continue;
            };
            let names: Vec<String> = names_of(relation.subject)
                .into_iter()
                .chain(names_of(relation.object))
                .collect();
            for evidence in &relation.evidence {
                let Evidence::Quote(quote) = evidence else {
                    continue;
                };
                if !names_any(&quote.quote, &names) {
                    warnings.push((
                        location,
                        format!(
                            "quote {:?} names neither {:?} nor {:?}: quote the words that state the fact, or cite a source that does",
                            quote.quote, entities[relation.subject].id, entities[relation.object].id
                        ),
                    ));
                }
            }
        }
        for (location, message) in warnings {
            let source = &self.sources[location.file];
            self.warnings.push(Problem {
                file: source.path.clone(),
                line: source.line_of(location.byte),
                message,
            });
        }
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

    fn build_documents(&mut self, parsed: &mut [(usize, DataFile)]) -> Vec<Document> {
        let mut documents: Vec<Document> = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.documents) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let id_location = Self::at(file, &record.id);
                self.check_slug(id_location, "document", &id);
                if seen.insert(id.clone(), ()).is_some() {
                    self.report(id_location, format!("duplicate document id {id:?}"));
                }
                let text = match (record.text, record.path) {
                    (Some(text), None) => text,
                    (None, Some(path)) => {
                        let full = self.sources[file].directory().join(path.get_ref());
                        match std::fs::read_to_string(&full) {
                            Ok(text) => text,
                            Err(error) => {
                                self.report(
                                    Self::at(file, &path),
                                    format!("document {id:?}: cannot read {:?}: {error}", path.get_ref()),
                                );
                                String::new()
                            }
                        }
                    }
                    _ => {
                        self.report(
                            location,
                            format!("document {id:?} needs exactly one of `text` and `path`"),
                        );
                        String::new()
                    }
                };
                documents.push(Document {
                    id,
                    title: record.title,
                    source: record.source,
                    text,
                });
            }
        }
        documents.sort_by(|a, b| a.id.cmp(&b.id));
        documents
    }

    fn build_predicates(
        &mut self,
        parsed: &mut [(usize, DataFile)],
    ) -> (Vec<Predicate>, HashMap<String, PredicateIndex>) {
        let mut predicates = Vec::new();
        let mut by_name: HashMap<String, PredicateIndex> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.predicates) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let valid_name =
                    |name: &str| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if !valid_name(&id) {
                    self.report(
                        Self::at(file, &record.id),
                        format!(
                            "predicate id {id:?} must be lowercase words joined by underscores, e.g. \"backed_by\""
                        ),
                    );
                }
                let inverse = match (&record.inverse, record.symmetric) {
                    (Some(inverse), _) => {
                        if !valid_name(inverse.get_ref()) {
                            self.report(
                                Self::at(file, inverse),
                                format!(
                                    "inverse name {:?} must be lowercase words joined by underscores",
                                    inverse.get_ref()
                                ),
                            );
                        }
                        if record.symmetric && inverse.get_ref() != &id {
                            self.report(
                                Self::at(file, inverse),
                                format!(
                                    "predicate {id:?} is symmetric, so its inverse must be itself, not {:?}",
                                    inverse.get_ref()
                                ),
                            );
                        }
                        inverse.get_ref().clone()
                    }
                    (None, true) => id.clone(),
                    (None, false) => {
                        self.report(
                            location,
                            format!("predicate {id:?} needs an `inverse` name (or `symmetric = true`)"),
                        );
                        id.clone()
                    }
                };
                let index = PredicateIndex::new(predicates.len());
                for name in [&id, &inverse] {
                    if let Some(&other) = by_name.get(name) {
                        if other != index {
                            self.report(
                                Self::at(file, &record.id),
                                format!("predicate name {name:?} is declared twice"),
                            );
                        }
                    }
                    by_name.insert(name.clone(), index);
                }
                predicates.push(Predicate {
                    id,
                    inverse,
                    symmetric: record.symmetric,
                    definition: record.definition,
                    transfers_support: record.transfers_support,
                    signs_for: record.signs_for,
                });
            }
        }
        (predicates, by_name)
    }

    fn build_entities(&mut self, parsed: &mut [(usize, DataFile)]) -> (Vec<Entity>, HashMap<String, EntityIndex>) {
        let mut pending: Vec<PendingEntity> = Vec::new();
        let mut pending_by_id: HashMap<String, usize> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.entities) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                let id_location = Self::at(file, &record.id);
                self.check_slug(id_location, "entity", &id);
                let layer = self.sources[file].layer;
                let earlier = pending_by_id.get(&id).copied();
                if earlier.is_some_and(|index| pending[index].layer == layer) {
                    self.report(id_location, format!("duplicate entity id {id:?}"));
                }
                let entity_type = EntityType::parse(record.entity_type.get_ref()).unwrap_or_else(|| {
                    let names: Vec<_> = EntityType::ALL.iter().map(|t| t.as_str()).collect();
                    self.report(
                        Self::at(file, &record.entity_type),
                        format!(
                            "entity {id:?}: unknown type {:?}; expected one of {}",
                            record.entity_type.get_ref(),
                            names.join(", ")
                        ),
                    );
                    EntityType::Organization
                });
                if record.name.trim().is_empty() {
                    self.report(location, format!("entity {id:?} has an empty name"));
                }
                let mut names = vec![(record.name.clone(), location)];
                for spanned in record.aliases.iter().chain(&record.demonyms) {
                    if spanned.get_ref().trim().is_empty() {
                        self.report(
                            Self::at(file, spanned),
                            format!("entity {id:?} has an empty alias or demonym"),
                        );
                    }
                    names.push((spanned.get_ref().clone(), Self::at(file, spanned)));
                }
                let iso3166_alpha3 =
                    self.check_code(file, &id, "iso3166_alpha3", record.iso3166_alpha3.as_ref(), |c| {
                        c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
                    });
                let cameo = self.check_code(file, &id, "cameo", record.cameo.as_ref(), |c| {
                    !c.is_empty() && c.len() % 3 == 0 && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                });
                let iso3166_alpha2 =
                    self.check_code(file, &id, "iso3166_alpha2", record.iso3166_alpha2.as_ref(), |c| {
                        c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())
                    });
                let iso3166_numeric =
                    self.check_code(file, &id, "iso3166_numeric", record.iso3166_numeric.as_ref(), |c| {
                        c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())
                    });
                let entry = PendingEntity {
                    entity: Entity {
                        id: id.clone(),
                        name: record.name,
                        entity_type,
                        roles: record.roles,
                        aliases: record.aliases.into_iter().map(Spanned::into_inner).collect(),
                        demonyms: record.demonyms.into_iter().map(Spanned::into_inner).collect(),
                        description: record.description,
                        iso3166_alpha3,
                        iso3166_alpha2,
                        iso3166_numeric,
                        cameo,
                        stands_for: None,
                        country: None,
                        region: record.region,
                        subregion: record.subregion,
                        population: record.population,
                        common_word: record.common_word,
                        source: record.source,
                    },
                    stands_for: record.stands_for.map(|target| (file, target)),
                    country: record.country.map(|target| (file, target)),
                    names,
                    location,
                    layer,
                };
                match earlier {
                    Some(index) if pending[index].layer < layer => self.extend_entity(&mut pending[index], entry),
                    _ => {
                        pending_by_id.insert(id, pending.len());
                        pending.push(entry);
                    }
                }
            }
        }
        pending.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        let by_id: HashMap<String, EntityIndex> = pending
            .iter()
            .enumerate()
            .map(|(i, p)| (p.entity.id.clone(), EntityIndex::new(i)))
            .collect();
        for (index, entry) in pending.iter_mut().enumerate() {
            let index = EntityIndex::new(index);
            if let Some((file, country)) = entry.country.take() {
                let location = Self::at(file, &country);
                match by_id.get(country.get_ref()) {
                    Some(&target) if target != index => entry.entity.country = Some(target),
                    _ => self.report(
                        location,
                        format!(
                            "entity {:?}: country names unknown entity {:?}",
                            entry.entity.id,
                            country.get_ref()
                        ),
                    ),
                }
            }
            let Some((file, target)) = entry.stands_for.take() else {
                continue;
            };
            let location = Self::at(file, &target);
            match by_id.get(target.get_ref()) {
                Some(&target_index) if target_index != index => entry.entity.stands_for = Some(target_index),
                Some(_) => self.report(location, "an entity cannot stand for itself"),
                None => self.report(
                    location,
                    format!(
                        "entity {:?}: stands_for names unknown entity {:?}",
                        entry.entity.id,
                        target.get_ref()
                    ),
                ),
            }
        }
        self.pending_names = pending
            .iter()
            .map(|p| p.names.iter().map(|(n, l)| (fold_for_compare(n), *l)).collect())
            .collect();
        (pending.into_iter().map(|p| p.entity).collect(), by_id)
    }

    /// Extends an entity of an earlier layer with a later layer's record of the same id: the
    /// later name, description, codes and references win where given; roles, aliases and
    /// demonyms are added (the earlier name stays as an alias); the type must agree.
    fn extend_entity(&mut self, earlier: &mut PendingEntity, later: PendingEntity) {
        let (entity, extension) = (&mut earlier.entity, later.entity);
        if entity.entity_type != extension.entity_type {
            let source = &self.sources[later.location.file];
            self.problems.push(Problem {
                file: source.path.clone(),
                line: source.line_of(later.location.byte),
                message: format!(
                    "entity {:?} is a {} in an earlier layer but a {} here: a later layer may extend an entity, not change its type",
                    entity.id,
                    entity.entity_type.as_str(),
                    extension.entity_type.as_str()
                ),
            });
        }
        fn add_new(list: &mut Vec<String>, more: Vec<String>) {
            for item in more {
                if !list.contains(&item) {
                    list.push(item);
                }
            }
        }
        if entity.name != extension.name {
            let earlier_name = std::mem::replace(&mut entity.name, extension.name);
            add_new(&mut entity.aliases, vec![earlier_name]);
            entity.aliases.retain(|alias| *alias != entity.name);
        }
        add_new(&mut entity.roles, extension.roles);
        add_new(&mut entity.aliases, extension.aliases);
        add_new(&mut entity.demonyms, extension.demonyms);
        if !extension.description.is_empty() {
            entity.description = extension.description;
        }
        macro_rules! later_wins {
            ($($field:ident),*) => {$(
                if extension.$field.is_some() {
                    entity.$field = extension.$field;
                }
            )*};
        }
        later_wins!(
            iso3166_alpha3,
            iso3166_alpha2,
            iso3166_numeric,
            cameo,
            region,
            subregion,
            population,
            source
        );
        entity.common_word |= extension.common_word;
        if later.stands_for.is_some() {
            earlier.stands_for = later.stands_for;
        }
        if later.country.is_some() {
            earlier.country = later.country;
        }
        earlier.names.extend(later.names);
        earlier.layer = later.layer;
    }

    fn check_code(
        &mut self,
        file: usize,
        id: &str,
        field: &str,
        code: Option<&Spanned<String>>,
        valid: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let code = code?;
        if !valid(code.get_ref()) {
            self.report(
                Self::at(file, code),
                format!("entity {id:?}: {field} {:?} is not a valid code", code.get_ref()),
            );
        }
        Some(code.get_ref().clone())
    }

    fn build_ambiguities(
        &mut self,
        parsed: &mut [(usize, DataFile)],
        entities: &[Entity],
        entity_by_id: &HashMap<String, EntityIndex>,
    ) -> Vec<AmbiguousName> {
        let mut declared: HashMap<String, Vec<EntityIndex>> = HashMap::new();
        let mut ambiguous_names = Vec::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.ambiguous_names) {
                let record = record.into_inner();
                let mut members = Vec::new();
                for id in &record.entities {
                    match entity_by_id.get(id.get_ref()) {
                        Some(&index) => members.push(index),
                        None => self.report(
                            Self::at(file, id),
                            format!("ambiguous name {:?}: unknown entity {:?}", record.name, id.get_ref()),
                        ),
                    }
                }
                members.sort_unstable();
                declared.insert(fold_for_compare(&record.name), members.clone());
                ambiguous_names.push(AmbiguousName {
                    name: record.name,
                    entities: members,
                });
            }
        }
        let mut claimed: HashMap<String, (EntityIndex, Location)> = HashMap::new();
        let names = std::mem::take(&mut self.pending_names);
        for (index, entity_names) in names.iter().enumerate() {
            let index = EntityIndex::new(index);
            let mut own = HashSet::new();
            for (name, location) in entity_names {
                if !own.insert(name.clone()) {
                    continue;
                }
                match claimed.get(name) {
                    Some(&(other, _)) => {
                        let allowed = declared
                            .get(name)
                            .is_some_and(|members| members.contains(&other) && members.contains(&index));
                        if !allowed {
                            self.report(
                                *location,
                                format!(
                                    "name {name:?} of entity {:?} is also a name of entity {:?}; declare it in [[ambiguous_names]] if both are meant",
                                    entities[index].id, entities[other].id
                                ),
                            );
                        }
                    }
                    None => {
                        claimed.insert(name.clone(), (index, *location));
                    }
                }
            }
        }
        ambiguous_names
    }

    fn build_relations(
        &mut self,
        parsed: &mut [(usize, DataFile)],
        references: &References<'_>,
        predicates: &[Predicate],
        predicate_by_name: &HashMap<String, PredicateIndex>,
    ) -> Vec<Relation> {
        let mut relations: Vec<Relation> = Vec::new();
        let mut seen: HashSet<(EntityIndex, PredicateIndex, EntityIndex, Option<String>)> = HashSet::new();
        let mut id_counts: HashMap<String, usize> = HashMap::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.relations) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let subject = self.resolve_entity(file, references, &record.subject, "subject");
                let object = self.resolve_entity(file, references, &record.object, "object");
                let predicate = match predicates.iter().position(|p| &p.id == record.predicate.get_ref()) {
                    Some(index) => Some(PredicateIndex::new(index)),
                    None => {
                        let hint = predicate_by_name
                            .get(record.predicate.get_ref())
                            .map(|&i| {
                                format!(
                                    " (it is the inverse of {:?}: swap subject and object)",
                                    predicates[i].id
                                )
                            })
                            .unwrap_or_default();
                        self.report(
                            Self::at(file, &record.predicate),
                            format!("unknown predicate {:?}{hint}", record.predicate.get_ref()),
                        );
                        None
                    }
                };
                let period = self.check_period(file, record.period.as_ref());
                let evidence = self.resolve_evidence(file, location, references, &record.evidence);
                let (Some(subject), Some(predicate), Some(object)) = (subject, predicate, object) else {
                    continue;
                };
                if !seen.insert((subject, predicate, object, period.clone())) {
                    self.report(
                        location,
                        "duplicate relation: the same subject, predicate, object and period appear above",
                    );
                }
                let base_id = format!(
                    "{}.{}.{}",
                    record.subject.get_ref(),
                    predicates[predicate].id,
                    record.object.get_ref()
                );
                let count = id_counts.entry(base_id.clone()).or_insert(0);
                *count += 1;
                let id = if *count == 1 {
                    base_id
                } else {
                    format!("{base_id}.{count}")
                };
                self.relation_locations.push(location);
                relations.push(Relation {
                    id,
                    subject,
                    predicate,
                    object,
                    period,
                    status: non_empty(record.status),
                    note: non_empty(record.note),
                    evidence,
                });
            }
        }
        relations
    }

    fn build_agreements(&mut self, parsed: &mut [(usize, DataFile)], references: &References<'_>) -> Vec<Agreement> {
        let mut agreements = Vec::new();
        let mut seen = HashSet::new();
        for (file, data) in parsed.iter_mut() {
            let file = *file;
            for record in std::mem::take(&mut data.agreements) {
                let location = Self::at(file, &record);
                let record = record.into_inner();
                let id = record.id.get_ref().clone();
                self.check_slug(Self::at(file, &record.id), "agreement", &id);
                if !seen.insert(id.clone()) {
                    self.report(Self::at(file, &record.id), format!("duplicate agreement id {id:?}"));
                }
                if record.parties.is_empty() {
                    self.report(location, format!("agreement {id:?} has no parties"));
                }
                let parties = record
                    .parties
                    .iter()
                    .filter_map(|p| self.resolve_entity(file, references, p, "party"))
                    .collect();
                let mut disputes: Vec<Dispute> = Vec::new();
                for dispute in &record.disputes {
                    let dispute_location = Self::at(file, dispute);
                    let dispute = dispute.get_ref();
                    let by = self.resolve_entity(file, references, &dispute.by, "disputes: by");
                    let evidence = self.resolve_evidence(file, dispute_location, references, &dispute.evidence);
                    let Some(by) = by else {
                        continue;
                    };
                    if disputes.iter().any(|d| d.by == by) {
                        self.report(
                            dispute_location,
                            format!("agreement {id:?}: {:?} disputes it twice", dispute.by.get_ref()),
                        );
                    }
                    disputes.push(Dispute { by, evidence });
                }
                let status = AgreementStatus::parse(record.status.get_ref()).unwrap_or_else(|| {
                    let hint = if record.status.get_ref().trim() == "disputed" {
                        ": a dispute is not a stage of an agreement's life; give the stage it is at and list who contests it under `disputes`"
                    } else {
                        ""
                    };
                    self.report(
                        Self::at(file, &record.status),
                        format!(
                            "agreement {id:?}: unknown status {:?}; expected one of {}{hint}",
                            record.status.get_ref(),
                            AgreementStatus::names().join(", ")
                        ),
                    );
                    AgreementStatus::Proposed
                });
                let date = record.date.as_ref().map(|date| {
                    if let Err(why) = check_date(date.get_ref()) {
                        self.report(
                            Self::at(file, date),
                            format!("agreement {id:?}: bad date {:?}: {why}", date.get_ref()),
                        );
                    }
                    date.get_ref().clone()
                });
                let period = self.check_period(file, record.period.as_ref());
                let evidence = self.resolve_evidence(file, location, references, &record.evidence);
                agreements.push(Agreement {
                    id,
                    title: record.title,
                    parties,
                    subject: record.subject,
                    provisions: record.provisions,
                    status,
                    date,
                    period,
                    disputes,
                    evidence,
                });
            }
        }
        agreements.sort_by(|a, b| a.id.cmp(&b.id));
        agreements
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

    fn resolve_evidence(
        &mut self,
        file: usize,
        owner: Location,
        references: &References<'_>,
        records: &[Spanned<EvidenceRecord>],
    ) -> Vec<Evidence> {
        if records.is_empty() {
            self.report(
                owner,
                "missing evidence: quote the sentence or clause that states it, or cite a source that does",
            );
            return Vec::new();
        }
        let mut evidence = Vec::new();
        for record in records {
            let location = Self::at(file, record);
            let (document, quote) = match record.get_ref() {
                EvidenceRecord::Quote(quote) => {
                    if references.documents.len() != 1 {
                        self.report(
                            location,
                            "evidence must name its `document` when the model has more than one document",
                        );
                        continue;
                    }
                    (DocumentIndex::new(0), quote)
                }
                EvidenceRecord::Located(located) => match references.document_by_id.get(&located.document) {
                    Some(&index) => (index, &located.quote),
                    None => {
                        self.report(
                            location,
                            format!("evidence names unknown document {:?}", located.document),
                        );
                        continue;
                    }
                },
                EvidenceRecord::Cited(citation) => {
                    if let Some(citation) = self.check_citation(location, citation) {
                        evidence.push(Evidence::Cited(citation));
                    }
                    continue;
                }
            };
            let text = &references.documents[document].text;
            match locate_quote(text, quote) {
                Some((start, end)) => {
                    let span = OffsetConverter::new(text).span(start, end);
                    evidence.push(Evidence::Quote(Quote {
                        document,
                        span,
                        quote: text[start..end].to_owned(),
                    }));
                }
                None => self.report(
                    location,
                    format!(
                        "evidence quote not found in document {:?}: {quote:?}",
                        references.documents[document].id
                    ),
                ),
            }
        }
        evidence
    }
}

impl Loader {
    /// A citation with a title, a publisher, a real date and, when given, a web address.
    fn check_citation(&mut self, location: Location, record: &CitationRecord) -> Option<Citation> {
        let mut valid = true;
        for (field, value) in [("title", &record.title), ("publisher", &record.publisher)] {
            if value.trim().is_empty() {
                self.report(location, format!("cited source: empty {field}"));
                valid = false;
            }
        }
        if let Some(date) = &record.date {
            if let Err(why) = check_date(date) {
                self.report(location, format!("cited source: bad date {date:?}: {why}"));
                valid = false;
            }
        }
        if let Some(url) = &record.url {
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || url.contains(char::is_whitespace) {
                self.report(
                    location,
                    format!("cited source: {url:?} is not a web address (http:// or https://, no spaces)"),
                );
                valid = false;
            }
        }
        valid.then(|| Citation {
            title: record.title.trim().to_owned(),
            publisher: record.publisher.trim().to_owned(),
            date: record.date.clone(),
            url: record.url.clone(),
            note: record.note.clone(),
        })
    }
}

/// Lookups shared by the reference-resolving steps.
struct References<'a> {
    documents: &'a [Document],
    document_by_id: &'a HashMap<String, DocumentIndex>,
    entity_by_id: &'a HashMap<String, EntityIndex>,
}

/// A free-text value, `None` when absent or blank.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Whether `text` contains one of the folded `names` as whole words (case and accents aside).
fn names_any(text: &str, names: &[String]) -> bool {
    let folded = fold_for_compare(text);
    names.iter().filter(|name| !name.is_empty()).any(|name| {
        folded.match_indices(name.as_str()).any(|(start, found)| {
            let before = folded[..start].chars().next_back();
            let after = folded[start + found.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Finds a quote in a text: exactly, or else ignoring accents and typographic punctuation.
fn locate_quote(text: &str, quote: &str) -> Option<(usize, usize)> {
    let quote = quote.trim();
    if quote.is_empty() {
        return None;
    }
    if let Some(start) = text.find(quote) {
        return Some((start, start + quote.len()));
    }
    let folded_text = FoldedText::new(text);
    let folded_quote = FoldedText::new(quote);
    let start = folded_text.folded.find(folded_quote.folded.as_ref())?;
    let end = start + folded_quote.folded.len();
    Some((folded_text.original_offset(start)?, folded_text.original_offset(end)?))
}

/// Checks an ISO 8601 calendar date of the forms YYYY, YYYY-MM or YYYY-MM-DD.
fn check_date(date: &str) -> Result<(), String> {
    let parts: Vec<&str> = date.split('-').collect();
    let number = |part: &str, digits: usize| -> Result<u32, String> {
        if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
        }
        part.parse::<u32>().map_err(|e| e.to_string())
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err("expected YYYY, YYYY-MM or YYYY-MM-DD".into());
    }
    let year = number(parts[0], 4)?;
    if let Some(month) = parts.get(1) {
        let month = number(month, 2)?;
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1 to 12"));
        }
        if let Some(day) = parts.get(2) {
            let day = number(day, 2)?;
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            if day == 0 || day > days {
                return Err(format!("day {day} does not exist in month {month}"));
            }
        }
    }
    Ok(())
}

/// Checks a period: a date, or a range "START–END" (en dash, hyphen-free `/` or `..` also
/// accepted) where either end may be open, and the start is not after the end.
fn check_period(period: &str) -> Result<(), String> {
    let separators = ['–', '/'];
    let (start, end) = if let Some((start, end)) = period.split_once(separators) {
        (start.trim(), Some(end.trim()))
    } else if let Some((start, end)) = period.split_once("..") {
        (start.trim(), Some(end.trim()))
    } else {
        (period.trim(), None)
    };
    if start.is_empty() && end.is_none_or(str::is_empty) {
        return Err("a period needs at least one date".into());
    }
    if !start.is_empty() {
        check_date(start)?;
    }
    if let Some(end) = end.filter(|e| !e.is_empty()) {
        check_date(end)?;
        if !start.is_empty() && start > end {
            return Err(format!("it starts ({start}) after it ends ({end})"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_form_and_calendar() {
        assert!(check_date("2019").is_ok());
        assert!(check_date("2019-11-27").is_ok());
        assert!(check_date("2020-02-29").is_ok());
        assert!(check_date("2019-02-29").is_err());
        assert!(check_date("2019-13").is_err());
        assert!(check_date("19-11-27").is_err());
    }

    #[test]
    fn periods_accept_open_ranges_and_reject_reversed_ones() {
        assert!(check_period("2019–2020").is_ok());
        assert!(check_period("2021–").is_ok());
        assert!(check_period("2011").is_ok());
        assert!(check_period("2021–2019").is_err());
        assert!(check_period("–").is_err());
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
    fn quotes_are_found_despite_typographic_apostrophes() {
        let text = "Turkiye’s role grows.";
        let (start, end) = locate_quote(text, "Turkiye's role").unwrap();
        assert_eq!(&text[start..end], "Turkiye’s role");
    }
}
