//! Domain types of the model and the immutable [`Model`] snapshot with its indexes.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::text::Span;

/// Declares a typed position in one of the model's lists, so an entity's position cannot be
/// used for a relation: `model.entities[index]` takes an [`EntityIndex`] and nothing else.
macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(usize);

        impl $name {
            /// The item at `position` of its list.
            pub const fn new(position: usize) -> Self {
                $name(position)
            }

            /// Its position in its list, for lists kept alongside it.
            pub const fn get(self) -> usize {
                self.0
            }

            /// Every index of a list of `length` items, in order.
            pub fn all(length: usize) -> impl Iterator<Item = $name> {
                (0..length).map($name)
            }
        }

        impl std::ops::Index<$name> for [$item] {
            type Output = $item;
            fn index(&self, index: $name) -> &$item {
                &self[index.0]
            }
        }

        impl std::ops::Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, index: $name) -> &$item {
                &self[index.0]
            }
        }
    };
}

index_type!(
    /// Position of an entity in [`Model::entities`].
    EntityIndex => Entity
);
index_type!(
    /// Position of a relation in [`Model::relations`].
    RelationIndex => Relation
);
index_type!(
    /// Position of a predicate in [`Model::predicates`].
    PredicateIndex => Predicate
);
index_type!(
    /// Position of a document in [`Model::documents`].
    DocumentIndex => Document
);
index_type!(
    /// Position of an agreement in [`Model::agreements`].
    AgreementIndex => Agreement
);

/// The broad class of an actor; finer distinctions are free-form roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Person,
    Organization,
    Country,
    City,
    Region,
}

impl EntityType {
    /// Every type, in declaration order.
    pub const ALL: [EntityType; 5] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Country,
        EntityType::City,
        EntityType::Region,
    ];

    /// The name used in data files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Country => "country",
            EntityType::City => "city",
            EntityType::Region => "region",
        }
    }

    /// Parses a data-file type name, case-insensitively.
    pub fn parse(name: &str) -> Option<EntityType> {
        EntityType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// An actor of the model.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub entity_type: EntityType,
    pub roles: Vec<String>,
    pub aliases: Vec<String>,
    pub demonyms: Vec<String>,
    pub description: String,
    pub iso3166_alpha3: Option<String>,
    pub iso3166_alpha2: Option<String>,
    /// Three digits, zeros kept ("004").
    pub iso3166_numeric: Option<String>,
    pub cameo: Option<String>,
    /// For a capital used for its government: the entity it stands for.
    pub stands_for: Option<EntityIndex>,
    /// For a city: its country.
    pub country: Option<EntityIndex>,
    /// Continent-level region and subregion of a country ("Africa", "Northern Africa").
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub population: Option<u64>,
    /// The name is also a common word ("Nice", "Mobile"): the extractor wants support for it.
    pub common_word: bool,
    /// Where a hand-written record's facts come from.
    pub source: Option<String>,
}

/// A source document that evidence points into.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub source: String,
    pub text: String,
}

/// A predicate of the vocabulary the data file declares.
#[derive(Debug, Clone)]
pub struct Predicate {
    pub id: String,
    /// The predicate read from the object's side; equal to `id` when symmetric.
    pub inverse: String,
    pub symmetric: bool,
    pub definition: String,
    /// Relations aimed at the object reach the subject too (see `graph::relations_of`).
    pub transfers_support: bool,
    /// The subject signs agreements for the object (see `graph::agreements_with_party`).
    pub signs_for: bool,
}

/// The two ends of a period as written ("2019–2020", "2021–", "–2011", "2019-11-27"), either
/// open; a single date is both ends. Separators: en dash, `/` or `..`.
pub fn period_bounds(period: &str) -> (Option<&str>, Option<&str>) {
    let (start, end) = if let Some((start, end)) = period.split_once(['–', '/']) {
        (start.trim(), end.trim())
    } else if let Some((start, end)) = period.split_once("..") {
        (start.trim(), end.trim())
    } else {
        (period.trim(), period.trim())
    };
    fn given(bound: &str) -> Option<&str> {
        (!bound.is_empty()).then_some(bound)
    }
    (given(start), given(end))
}

/// Whether an ISO 8601 date falls within a period, each compared at the precision both give
/// ("2019-11-27" is within "2016–2021", and within "2019").
pub fn period_contains(period: &str, date: &str) -> bool {
    period_reaches(period, Some(date), Some(date))
}

/// Whether a period and the dates from `since` to `until` (either open) share a day, compared
/// at the precision both give ("2016–2021" reaches 2019-11-27 onwards; "2021–" reaches
/// nothing before 2021).
pub fn period_reaches(period: &str, since: Option<&str>, until: Option<&str>) -> bool {
    // Bytes, not characters: comparing prefixes of different precision never splits a character.
    fn common<'a>(date: &'a str, bound: &'a str) -> (&'a [u8], &'a [u8]) {
        let length = date.len().min(bound.len());
        (&date.as_bytes()[..length], &bound.as_bytes()[..length])
    }
    let (start, end) = period_bounds(period);
    let starts_by_until = match (start, until) {
        (Some(start), Some(until)) => {
            let (until, start) = common(until, start);
            start <= until
        }
        _ => true,
    };
    let ends_from_since = match (end, since) {
        (Some(end), Some(since)) => {
            let (since, end) = common(since, end);
            end >= since
        }
        _ => true,
    };
    starts_by_until && ends_from_since
}

/// What states a fact: a quote of one of the model's documents, or an outside source cited for
/// a fact the documents do not state.
#[derive(Debug, Clone)]
pub enum Evidence {
    Quote(Quote),
    Cited(Citation),
}

/// A quote located in a document.
#[derive(Debug, Clone)]
pub struct Quote {
    pub document: DocumentIndex,
    pub span: Span,
    pub quote: String,
}

/// An outside publication that states a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub title: String,
    pub publisher: String,
    /// ISO 8601 (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); `None` for an undated reference work.
    pub date: Option<String>,
    pub url: Option<String>,
    /// What the source says, in the data author's words.
    pub note: Option<String>,
}

/// "subject predicate object", with qualifiers and evidence.
#[derive(Debug, Clone)]
pub struct Relation {
    pub id: String,
    pub subject: EntityIndex,
    pub predicate: PredicateIndex,
    pub object: EntityIndex,
    /// When it held (see [`period_bounds`]); `None` when the data gives no period.
    pub period: Option<String>,
    /// Its state in free text ("ongoing", "past"); `None` when the data gives none.
    pub status: Option<String>,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// Where an agreement is in its life, from proposal to end. Whether anyone contests it is
/// apart from this: see [`Agreement::disputes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementStatus {
    Proposed,
    UnderDiscussion,
    Signed,
    /// Ratified or otherwise binding on its parties.
    InForce,
    /// Ongoing cooperation without a single signed text.
    Active,
    Ended,
}

impl AgreementStatus {
    const NAMES: [(&'static str, AgreementStatus); 6] = [
        ("proposed", AgreementStatus::Proposed),
        ("under_discussion", AgreementStatus::UnderDiscussion),
        ("signed", AgreementStatus::Signed),
        ("in_force", AgreementStatus::InForce),
        ("active", AgreementStatus::Active),
        ("ended", AgreementStatus::Ended),
    ];

    /// Parses a data-file status name.
    pub fn parse(name: &str) -> Option<AgreementStatus> {
        Self::NAMES.iter().find(|(n, _)| *n == name.trim()).map(|(_, s)| *s)
    }

    /// Every accepted data-file name, for error messages.
    pub fn names() -> Vec<&'static str> {
        Self::NAMES.iter().map(|(n, _)| *n).collect()
    }
}

/// An actor contesting an agreement, with the evidence that it does.
#[derive(Debug, Clone)]
pub struct Dispute {
    pub by: EntityIndex,
    pub evidence: Vec<Evidence>,
}

/// An agreement or cooperation track between actors.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub id: String,
    pub title: String,
    pub parties: Vec<EntityIndex>,
    pub subject: String,
    pub provisions: Vec<String>,
    /// Its lifecycle.
    pub status: AgreementStatus,
    /// ISO 8601; `None` when no source gives it.
    pub date: Option<String>,
    pub period: Option<String>,
    /// Who contests it, in data-file order.
    pub disputes: Vec<Dispute>,
    pub evidence: Vec<Evidence>,
}

impl Agreement {
    /// Whether `entity` contests the agreement.
    pub fn is_disputed_by(&self, entity: EntityIndex) -> bool {
        self.disputes.iter().any(|dispute| dispute.by == entity)
    }
}

/// Which end of a relation an entity is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Subject,
    Object,
}

/// A name that the data file declares as shared by several entities.
#[derive(Debug, Clone)]
pub struct AmbiguousName {
    pub name: String,
    pub entities: Vec<EntityIndex>,
}

/// One immutable, validated snapshot of the model, with its indexes.
///
/// Built only by the loader; shared by `Arc` and replaced whole on reload, so queries never see
/// a half-loaded model.
#[derive(Debug)]
pub struct Model {
    /// A content hash of the data files and documents: equal data gives an equal version.
    pub version: String,
    pub loaded_at: SystemTime,
    /// Sorted by id, so list order is stable.
    pub entities: Vec<Entity>,
    pub documents: Vec<Document>,
    pub predicates: Vec<Predicate>,
    /// In data-file order.
    pub relations: Vec<Relation>,
    /// Sorted by id.
    pub agreements: Vec<Agreement>,
    pub ambiguous_names: Vec<AmbiguousName>,
    /// How many records (documents, predicates, entities, shared names, relations, agreements)
    /// each layer's files hold, in layer order: what a reload compares layer by layer.
    pub layer_records: Vec<usize>,
    /// What the loader found doubtful but not wrong (a quote naming neither end of its
    /// relation), each with its file and line.
    pub warnings: Vec<crate::model::Problem>,
    pub(crate) entity_by_id: HashMap<String, EntityIndex>,
    pub(crate) document_by_id: HashMap<String, DocumentIndex>,
    pub(crate) predicate_by_name: HashMap<String, PredicateIndex>,
    pub(crate) agreement_by_id: HashMap<String, AgreementIndex>,
    /// For each entity (by [`EntityIndex::get`]), its relations in data-file order and the side
    /// it is on.
    pub(crate) adjacency: Vec<Vec<(RelationIndex, Side)>>,
    /// For each entity, the agreements it is a party to, in id order.
    pub(crate) agreements_by_party: Vec<Vec<AgreementIndex>>,
    /// The event lexicon: CAMEO codes and their trigger words (empty when no layer has one).
    pub event_lexicon: super::event_lexicon::Lexicon,
    /// The given names of every layer's `[[given_names]]`, folded as
    /// [`crate::text::fold_for_compare`] folds, sorted and without repeats.
    pub given_names: Vec<String>,
}

impl Model {
    /// The entity with this id.
    pub fn entity_index(&self, id: &str) -> Option<EntityIndex> {
        self.entity_by_id.get(id).copied()
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entity_index(id).map(|index| &self.entities[index])
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.document_by_id.get(id).map(|&index| &self.documents[index])
    }

    /// The agreement with this id.
    pub fn agreement(&self, id: &str) -> Option<&Agreement> {
        self.agreement_by_id.get(id).map(|&index| &self.agreements[index])
    }

    /// The predicate whose id or inverse name is `name`.
    pub fn predicate_by_name(&self, name: &str) -> Option<&Predicate> {
        self.predicate_by_name.get(name).map(|&index| &self.predicates[index])
    }

    /// The relations of an entity, with the side it is on, in data-file order.
    pub fn relations_of(&self, entity: EntityIndex) -> &[(RelationIndex, Side)] {
        self.adjacency.get(entity.get()).map_or(&[], Vec::as_slice)
    }

    /// The agreements an entity is a party to, in id order.
    pub fn agreements_of(&self, entity: EntityIndex) -> &[AgreementIndex] {
        self.agreements_by_party.get(entity.get()).map_or(&[], Vec::as_slice)
    }

    /// Every entity, in id order.
    pub fn entity_indexes(&self) -> impl Iterator<Item = EntityIndex> {
        EntityIndex::all(self.entities.len())
    }

    /// Every relation, in data-file order.
    pub fn relation_indexes(&self) -> impl Iterator<Item = RelationIndex> {
        RelationIndex::all(self.relations.len())
    }
}
