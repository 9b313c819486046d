//! The serde shape of the data file (TOML), kept apart from the domain types: the loader maps
//! one to the other and is the only place that knows both. See `docs/data-format.md`.

use serde::Deserialize;
use toml::Spanned;

/// One data file. A layer is one file or a folder of them, merged; a model is one or more layers.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    #[serde(default)]
    pub documents: Vec<Spanned<DocumentRecord>>,
    #[serde(default)]
    pub predicates: Vec<Spanned<PredicateRecord>>,
    #[serde(default)]
    pub entities: Vec<Spanned<EntityRecord>>,
    #[serde(default)]
    pub ambiguous_names: Vec<Spanned<AmbiguousNameRecord>>,
    #[serde(default)]
    pub relations: Vec<Spanned<RelationRecord>>,
    #[serde(default)]
    pub agreements: Vec<Spanned<AgreementRecord>>,
    #[serde(default)]
    pub event_codes: Vec<Spanned<EventCodeRecord>>,
    #[serde(default)]
    pub event_triggers: Vec<Spanned<EventTriggerRecord>>,
    #[serde(default)]
    pub event_word_classes: Vec<Spanned<EventWordClassRecord>>,
    #[serde(default)]
    pub given_names: Vec<Spanned<GivenNamesRecord>>,
}

impl DataFile {
    /// How many records the file holds, of every kind.
    pub fn records(&self) -> usize {
        self.documents.len()
            + self.predicates.len()
            + self.entities.len()
            + self.ambiguous_names.len()
            + self.relations.len()
            + self.agreements.len()
            + self.event_codes.len()
            + self.event_triggers.len()
            + self.event_word_classes.len()
            + self.given_names.len()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRecord {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub source: String,
    /// The text inline; exactly one of `text` and `path` is given.
    pub text: Option<String>,
    /// A UTF-8 text file, relative to the data file's folder.
    pub path: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredicateRecord {
    pub id: Spanned<String>,
    /// Required unless `symmetric`.
    pub inverse: Option<Spanned<String>>,
    #[serde(default)]
    pub symmetric: bool,
    pub definition: String,
    /// Support for or opposition to the object reaches the subject ("leads": backing the LNA
    /// backs Haftar, who leads it).
    #[serde(default)]
    pub transfers_support: bool,
    /// The subject signs agreements for the object (a government for its state): the object is
    /// a party, derived, to the agreements the subject is party to.
    #[serde(default)]
    pub signs_for: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRecord {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub entity_type: Spanned<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub demonyms: Vec<Spanned<String>>,
    #[serde(default)]
    pub description: String,
    pub iso3166_alpha3: Option<Spanned<String>>,
    pub iso3166_alpha2: Option<Spanned<String>>,
    pub iso3166_numeric: Option<Spanned<String>>,
    pub cameo: Option<Spanned<String>>,
    pub stands_for: Option<Spanned<String>>,
    /// For a city: the id of its country.
    pub country: Option<Spanned<String>>,
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub population: Option<u64>,
    /// The name is also a common word ("Nice", "Mobile"): match it only with support.
    #[serde(default)]
    pub common_word: bool,
    /// Where the record's facts come from, for hand-written records.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmbiguousNameRecord {
    pub name: String,
    pub entities: Vec<Spanned<String>>,
}

/// A piece of evidence: a bare quote (in the model's only document), a quote with its document,
/// or a cited outside source for a fact the documents do not state.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum EvidenceRecord {
    Quote(String),
    Located(LocatedQuoteRecord),
    Cited(CitationRecord),
}

/// A quote in a named document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocatedQuoteRecord {
    pub document: String,
    pub quote: String,
}

/// An outside source: a publication that states the fact.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitationRecord {
    pub title: String,
    pub publisher: String,
    /// ISO 8601, as agreement dates; absent for an undated reference work.
    pub date: Option<String>,
    /// Only where the address is known; a citation without one is found by title and date.
    pub url: Option<String>,
    /// What the source says that states the fact, in the data author's words (not a quote).
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationRecord {
    pub subject: Spanned<String>,
    pub predicate: Spanned<String>,
    pub object: Spanned<String>,
    #[serde(default)]
    pub period: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Spanned<EvidenceRecord>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementRecord {
    pub id: Spanned<String>,
    pub title: String,
    pub parties: Vec<Spanned<String>>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub provisions: Vec<String>,
    pub status: Spanned<String>,
    pub date: Option<Spanned<String>>,
    pub period: Option<Spanned<String>>,
    /// Who contests it, each with the evidence that they do: apart from `status`, which is
    /// the agreement's lifecycle only.
    #[serde(default)]
    pub disputes: Vec<Spanned<DisputeRecord>>,
    #[serde(default)]
    pub evidence: Vec<Spanned<EvidenceRecord>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeRecord {
    /// The entity that contests the agreement.
    pub by: Spanned<String>,
    #[serde(default)]
    pub evidence: Vec<Spanned<EvidenceRecord>>,
}

/// A CAMEO code of the event lexicon.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCodeRecord {
    pub code: Spanned<String>,
    pub name: String,
    /// Predicates whose relations an event of the code corroborates.
    #[serde(default)]
    pub corroborates: Vec<Spanned<String>>,
    /// The event corroborates the agreements both actors are party to.
    #[serde(default)]
    pub agreements: bool,
}

/// The words that trigger one code (see `docs/data-format.md`, "Event lexicon").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTriggerRecord {
    pub code: Spanned<String>,
    pub role: Option<Spanned<String>>,
    #[serde(default)]
    pub verbs: Vec<Spanned<String>>,
    #[serde(default)]
    pub forms: Vec<Spanned<String>>,
    #[serde(default)]
    pub nouns: Vec<Spanned<String>>,
    #[serde(default)]
    pub agents: Vec<Spanned<String>>,
    #[serde(default)]
    pub refine: Vec<RefineRecord>,
    /// Object phrases: the verbs give this code only when one of them follows ("impose" +
    /// "sanctions" is 163).
    #[serde(default)]
    pub objects: Vec<Spanned<String>>,
    /// A group of actors with no object acts with each other ("Greece and Turkey dispute …").
    #[serde(default)]
    pub mutual: bool,
    /// The verbs take an object only right after them, past determiners and titles ("received
    /// Erdoğan", not "received a reply from Hamas").
    #[serde(default)]
    pub direct: bool,
}

/// A word class near the trigger gives the event another code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefineRecord {
    pub near: Spanned<String>,
    pub code: Spanned<String>,
}

/// A list of given names (first names): not entities, but words that make a capitalised given
/// name and surname a person wherever they stand.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenNamesRecord {
    /// Where the names come from (dataset, version, licence).
    pub source: String,
    pub names: Vec<Spanned<String>>,
}

/// A named list of words the triggers refer to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventWordClassRecord {
    pub name: Spanned<String>,
    #[serde(default)]
    pub words: Vec<Spanned<String>>,
    #[serde(default)]
    pub verbs: Vec<Spanned<String>>,
}
