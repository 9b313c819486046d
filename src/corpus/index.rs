//! The in-memory index of the corpus: its documents (without their texts), the events read
//! from them grouped into one event per happening, and the relations those events state, each
//! with its reports by date. Built from the store on start and updated with every write; it
//! never touches the store itself.
//!
//! Memory is what bounds the corpus, so the index keeps no text: a quote, a trigger or a name
//! is a span into the document's stored text, read when an answer needs it. Every repeated
//! string (entity ids, dates, codes, document ids) is one shared `Arc<str>`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{StoredDocument, StoredEvent};

/// Inclusive `YYYY-MM-DD` bounds on publication dates; an undated report passes no bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateRange {
    pub since: Option<String>,
    pub until: Option<String>,
}

impl DateRange {
    /// Whether a publication date is within the range.
    pub fn contains(&self, date: &str) -> bool {
        let dated = !date.is_empty();
        self.since.as_deref().is_none_or(|s| dated && date >= s)
            && self.until.as_deref().is_none_or(|u| dated && date <= u)
    }

    /// Whether a bound is set.
    pub fn is_bounded(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }
}

/// One report of an event or relation: an event of a stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub document: Arc<str>,
    /// The event's index in the document's events.
    pub event: u32,
    /// The document's publication date, `YYYY-MM-DD` or empty.
    pub date: Arc<str>,
}

impl Report {
    /// The order a relation keeps its reports in: by date (undated first), then document.
    fn order(&self) -> (&str, &str, u32) {
        (&self.date, &self.document, self.event)
    }
}

/// "subject predicate object" as the corpus states it, by entity id. For a symmetric predicate
/// the ends are in id order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelationKey {
    pub subject: Arc<str>,
    pub predicate: Arc<str>,
    pub object: Arc<str>,
}

impl RelationKey {
    /// The relation's stable id: the same three parts give the same id on every replica and
    /// after every restart.
    pub fn id(&self) -> String {
        format!("corpus:{}:{}:{}", self.subject, self.predicate, self.object)
    }
}

/// The reports of one relation, and how many each document gives.
#[derive(Debug, Default)]
struct RelationReports {
    /// By [`Report::order`].
    reports: Vec<Report>,
    documents: HashMap<Arc<str>, u32>,
}

/// A relation of the corpus with its reports.
#[derive(Debug, Clone, Copy)]
pub struct CorpusRelation<'a> {
    pub key: &'a RelationKey,
    /// By publication date, undated first.
    pub reports: &'a [Report],
    /// How many documents the reports come from.
    pub document_count: usize,
}

impl<'a> CorpusRelation<'a> {
    /// The reports within `range`, oldest first, and what they amount to.
    pub fn in_range(&self, range: &DateRange) -> (&'a [Report], ReportSummary) {
        if !range.is_bounded() {
            return (self.reports, ReportSummary::of(self.reports, Some(self.document_count)));
        }
        let reports = self.reports;
        let start = match &range.since {
            Some(since) => reports.partition_point(|r| *r.date < **since),
            None => reports.partition_point(|r| r.date.is_empty()),
        };
        let end = match &range.until {
            Some(until) => reports.partition_point(|r| *r.date <= **until),
            None => reports.len(),
        };
        let within = reports.get(start..end.max(start)).unwrap_or(&[]);
        (within, ReportSummary::of(within, None))
    }
}

/// What a set of reports amounts to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSummary {
    /// How many documents the reports come from.
    pub documents: usize,
    /// How many reports.
    pub reports: usize,
    /// The earliest and latest publication dates (empty when no report is dated).
    pub first_seen: Arc<str>,
    pub last_seen: Arc<str>,
}

impl ReportSummary {
    /// Sums up reports kept by date; `documents` when the caller already knows the count.
    fn of(reports: &[Report], documents: Option<usize>) -> ReportSummary {
        let documents = documents.unwrap_or_else(|| {
            let distinct: HashSet<&str> = reports.iter().map(|r| &*r.document).collect();
            distinct.len()
        });
        let dated = reports.partition_point(|r| r.date.is_empty());
        ReportSummary {
            documents,
            reports: reports.len(),
            first_seen: reports
                .get(dated)
                .map(|r| Arc::clone(&r.date))
                .unwrap_or_else(|| Arc::from("")),
            last_seen: reports
                .last()
                .map(|r| Arc::clone(&r.date))
                .unwrap_or_else(|| Arc::from("")),
        }
    }
}

/// What identifies one happening: the same actors and CAMEO root on the same day. Undated
/// reports are grouped only within their own document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    pub date: Arc<str>,
    /// The actor keys (entity id, or `~name`); for a mutual act in order.
    pub source: Arc<str>,
    pub target: Arc<str>,
    pub root: Arc<str>,
    /// For an undated report: its document.
    pub undated_document: Option<Arc<str>>,
}

impl EventKey {
    /// The event's stable id, from its key.
    pub fn id(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [&*self.date, &*self.source, &*self.target, &*self.root] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        if let Some(document) = &self.undated_document {
            hasher.update(document.as_bytes());
        }
        let hex: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("ev-{hex}")
    }
}

/// One event of the corpus and its reports, in document id order.
#[derive(Debug, Clone, Copy)]
pub struct EventGroup<'a> {
    pub key: &'a EventKey,
    pub reports: &'a [Report],
}

/// Filters of [`CorpusIndex::events`]; every one given must hold.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// An entity id on either side.
    pub actor: Option<String>,
    /// A two-digit CAMEO root.
    pub root: Option<String>,
    /// Only events one of whose reports is from this document.
    pub document: Option<String>,
    /// Bounds on the event's day; an undated event passes no bound.
    pub range: DateRange,
}

/// An event of a document as the index keeps it: ids and spans, no text.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedEvent {
    /// The actors' keys: an entity id, or `~` and the name the model does not know.
    pub source: Arc<str>,
    pub target: Arc<str>,
    /// The mentions' byte ranges in the document's text.
    pub source_span: (u32, u32),
    pub target_span: (u32, u32),
    /// The CAMEO code ("042").
    pub code: Arc<str>,
    /// The trigger's byte range.
    pub trigger: (u32, u32),
    pub negated: bool,
    /// The act is the same from either side: its event is grouped with the actors in order.
    pub mutual: bool,
    pub confidence: f32,
    /// The byte range of the sentence that states it.
    pub sentence: (u32, u32),
    /// The corpus relation the event states, if it states one.
    pub relation: Option<RelationKey>,
}

impl IndexedEvent {
    /// The CAMEO root ("04").
    pub fn root(&self) -> &str {
        self.code.get(..2).unwrap_or("")
    }
}

/// The entity id of an actor key; `None` for a name the model does not know.
pub fn linked(key: &str) -> Option<&str> {
    (!key.starts_with('~')).then_some(key)
}

/// A document as the index keeps it: what it is, and what was read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentEntry {
    pub id: Arc<str>,
    pub title: String,
    pub url: String,
    pub publisher: String,
    pub published_date: Arc<str>,
    pub content_sha256: String,
    /// The text's length in bytes.
    pub text_bytes: usize,
    pub mention_count: u32,
    pub events: Vec<IndexedEvent>,
}

/// The corpus in memory.
#[derive(Debug, Default)]
pub struct CorpusIndex {
    documents: BTreeMap<Arc<str>, DocumentEntry>,
    relations: BTreeMap<RelationKey, RelationReports>,
    relations_by_entity: HashMap<Arc<str>, BTreeSet<RelationKey>>,
    events: BTreeMap<EventKey, Vec<Report>>,
    event_count: usize,
    /// Every string the index shares (ids, dates, codes). Never shrinks: a deleted document's
    /// strings are few and most are shared with others.
    strings: HashSet<Arc<str>>,
}

/// The relation an event states, when it states one: both actors known entities, the act not
/// denied, a predicate the code corroborates, and two different ends.
fn relation_key(event: &StoredEvent, strings: &mut HashSet<Arc<str>>) -> Option<RelationKey> {
    let (Some(source), Some(target), Some(predicate)) = (&event.source.id, &event.target.id, &event.predicate) else {
        return None;
    };
    if event.negated || source == target {
        return None;
    }
    let (subject, object) = if event.symmetric && target < source {
        (target, source)
    } else {
        (source, target)
    };
    Some(RelationKey {
        subject: intern(strings, subject),
        predicate: intern(strings, predicate),
        object: intern(strings, object),
    })
}

fn intern(strings: &mut HashSet<Arc<str>>, text: &str) -> Arc<str> {
    if let Some(shared) = strings.get(text) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(text);
    strings.insert(Arc::clone(&shared));
    shared
}

fn event_key(id: &Arc<str>, date: &Arc<str>, event: &IndexedEvent, strings: &mut HashSet<Arc<str>>) -> EventKey {
    let (mut source, mut target) = (Arc::clone(&event.source), Arc::clone(&event.target));
    if event.mutual && target < source {
        std::mem::swap(&mut source, &mut target);
    }
    EventKey {
        date: Arc::clone(date),
        source,
        target,
        root: intern(strings, event.root()),
        undated_document: date.is_empty().then(|| Arc::clone(id)),
    }
}

impl CorpusIndex {
    /// Builds the index of many documents: as [`CorpusIndex::insert`] of each, with the
    /// relations' reports put in order once at the end rather than at every insert.
    pub fn load(documents: impl IntoIterator<Item = StoredDocument>) -> CorpusIndex {
        let mut index = CorpusIndex::default();
        for document in documents {
            index.add(document, false);
        }
        index.put_reports_in_order();
        index
    }

    /// Adds a document while loading: its reports go last in each relation, until
    /// [`CorpusIndex::put_reports_in_order`].
    pub fn add_while_loading(&mut self, document: StoredDocument) {
        self.add(document, false);
    }

    /// Sorts every relation's reports: the end of a load.
    pub fn put_reports_in_order(&mut self) {
        for relation in self.relations.values_mut() {
            relation.reports.sort_unstable_by(|a, b| a.order().cmp(&b.order()));
        }
    }

    /// Adds a document that is not in the index.
    pub fn insert(&mut self, document: StoredDocument) {
        self.add(document, true);
    }

    /// Adds a document; its reports go to their place in each relation's order when `in_order`,
    /// at the end otherwise (then the caller sorts).
    fn add(&mut self, document: StoredDocument, in_order: bool) {
        let strings = &mut self.strings;
        let id = intern(strings, &document.id);
        let date = intern(strings, &document.published_date);
        let mut events = Vec::with_capacity(document.events.len());
        for (number, stored) in document.events.iter().enumerate() {
            let event = IndexedEvent {
                source: intern(strings, &stored.source.key()),
                target: intern(strings, &stored.target.key()),
                source_span: stored.source.span,
                target_span: stored.target.span,
                code: intern(strings, &stored.code),
                trigger: stored.trigger,
                negated: stored.negated,
                mutual: stored.mutual,
                confidence: stored.confidence,
                sentence: stored.sentence,
                relation: relation_key(stored, strings),
            };
            let report = Report {
                document: Arc::clone(&id),
                event: u32::try_from(number).unwrap_or(u32::MAX),
                date: Arc::clone(&date),
            };
            let key = event_key(&id, &date, &event, strings);
            // In document order, however the documents came (ingest, or the store's order).
            let reports = self.events.entry(key).or_default();
            let at = reports.partition_point(|r| (&*r.document, r.event) <= (&*report.document, report.event));
            reports.insert(at, report.clone());
            if let Some(key) = &event.relation {
                for end in [&key.subject, &key.object] {
                    self.relations_by_entity
                        .entry(Arc::clone(end))
                        .or_default()
                        .insert(key.clone());
                }
                let relation = self.relations.entry(key.clone()).or_default();
                *relation.documents.entry(Arc::clone(&id)).or_default() += 1;
                // News arrives roughly in date order: the place is almost always the end.
                let at = if in_order {
                    relation.reports.partition_point(|r| r.order() <= report.order())
                } else {
                    relation.reports.len()
                };
                relation.reports.insert(at, report);
            }
            events.push(event);
        }
        self.event_count += events.len();
        let entry = DocumentEntry {
            id: Arc::clone(&id),
            title: document.title,
            url: document.url,
            publisher: document.publisher,
            published_date: date,
            content_sha256: document.content_sha256,
            text_bytes: document.text_bytes,
            mention_count: document.mention_count,
            events,
        };
        self.documents.insert(id, entry);
    }

    /// Removes a document and everything read from it; nothing when it is not there.
    pub fn remove(&mut self, id: &str) {
        let Some(document) = self.documents.remove(id) else {
            return;
        };
        self.event_count -= document.events.len();
        for event in &document.events {
            let key = event_key(&document.id, &document.published_date, event, &mut self.strings);
            if let Some(reports) = self.events.get_mut(&key) {
                reports.retain(|r| &*r.document != id);
                if reports.is_empty() {
                    self.events.remove(&key);
                }
            }
            let Some(key) = &event.relation else {
                continue;
            };
            let Some(relation) = self.relations.get_mut(key) else {
                continue;
            };
            if relation.documents.remove(id).is_none() {
                continue;
            }
            relation.reports.retain(|r| &*r.document != id);
            if !relation.reports.is_empty() {
                continue;
            }
            self.relations.remove(key);
            for end in [&key.subject, &key.object] {
                if let Some(keys) = self.relations_by_entity.get_mut(end) {
                    keys.remove(key);
                    if keys.is_empty() {
                        self.relations_by_entity.remove(end);
                    }
                }
            }
        }
    }

    /// A stored document, without its text.
    pub fn document(&self, id: &str) -> Option<&DocumentEntry> {
        self.documents.get(id)
    }

    /// Every document, in id order.
    pub fn documents(&self) -> impl Iterator<Item = &DocumentEntry> {
        self.documents.values()
    }

    /// How many documents, events (reports) and relations the corpus holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.documents.len(), self.event_count, self.relations.len())
    }

    /// The event a report points to.
    pub fn event(&self, report: &Report) -> Option<&IndexedEvent> {
        self.documents
            .get(&report.document)?
            .events
            .get(usize::try_from(report.event).ok()?)
    }

    /// The relations with `entity` at one end, in key order; every relation when `None`.
    pub fn relations_of(&self, entity: Option<&str>) -> Vec<CorpusRelation<'_>> {
        fn view<'a>((key, relation): (&'a RelationKey, &'a RelationReports)) -> CorpusRelation<'a> {
            CorpusRelation {
                key,
                reports: relation.reports.as_slice(),
                document_count: relation.documents.len(),
            }
        }
        match entity {
            None => self.relations.iter().map(view).collect(),
            Some(entity) => self
                .relations_by_entity
                .get(entity)
                .into_iter()
                .flatten()
                .filter_map(|key| self.relations.get_key_value(key))
                .map(view)
                .collect(),
        }
    }

    /// The events that pass `filter`, by day, then actors and root.
    pub fn events(&self, filter: &EventFilter) -> Vec<EventGroup<'_>> {
        self.events
            .iter()
            .filter(|(key, reports)| {
                filter
                    .actor
                    .as_deref()
                    .is_none_or(|a| &*key.source == a || &*key.target == a)
                    && filter.root.as_deref().is_none_or(|r| &*key.root == r)
                    && filter
                        .document
                        .as_deref()
                        .is_none_or(|d| reports.iter().any(|r| &*r.document == d))
                    && (!filter.range.is_bounded() || filter.range.contains(&key.date))
            })
            .map(|(key, reports)| EventGroup {
                key,
                reports: reports.as_slice(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::StoredActor;

    fn actor(id: &str) -> StoredActor {
        StoredActor {
            id: Some(id.to_owned()),
            name: None,
            span: (0, 1),
        }
    }

    fn event(source: &str, target: &str, code: &str, predicate: &str) -> StoredEvent {
        StoredEvent {
            source: actor(source),
            target: actor(target),
            code: code.to_owned(),
            trigger: (0, 1),
            negated: false,
            mutual: code.starts_with("04"),
            confidence: 0.9,
            predicate: Some(predicate.to_owned()),
            symmetric: predicate == "cooperates_with",
            sentence: (0, 1),
        }
    }

    fn document(id: &str, date: &str, events: Vec<StoredEvent>) -> StoredDocument {
        StoredDocument {
            id: id.to_owned(),
            title: String::new(),
            url: String::new(),
            publisher: String::new(),
            published_date: date.to_owned(),
            content_sha256: String::new(),
            text_bytes: 0,
            mention_count: 0,
            events,
            model_version: String::new(),
        }
    }

    fn range(since: Option<&str>, until: Option<&str>) -> DateRange {
        DateRange {
            since: since.map(str::to_owned),
            until: until.map(str::to_owned),
        }
    }

    #[test]
    fn reports_of_one_act_on_one_day_are_one_event_and_one_relation() {
        let mut index = CorpusIndex::default();
        index.insert(document("c", "2026-01-05", vec![event("egypt", "lna", "071", "backs")]));
        index.insert(document("a", "2026-01-02", vec![event("egypt", "lna", "071", "backs")]));
        index.insert(document("b", "2026-01-02", vec![event("egypt", "lna", "070", "backs")]));
        let events = index.events(&EventFilter::default());
        assert_eq!(events.len(), 2, "two days, one root: two events");
        assert_eq!(events[0].reports.len(), 2);
        let relations = index.relations_of(Some("lna"));
        assert_eq!(relations.len(), 1);
        let dates: Vec<&str> = relations[0].reports.iter().map(|r| &*r.date).collect();
        assert_eq!(
            dates,
            ["2026-01-02", "2026-01-02", "2026-01-05"],
            "reports are kept by date"
        );
        let (_, summary) = relations[0].in_range(&DateRange::default());
        assert_eq!((summary.documents, summary.reports), (3, 3));
        assert_eq!(
            (&*summary.first_seen, &*summary.last_seen),
            ("2026-01-02", "2026-01-05")
        );
    }

    #[test]
    fn loading_at_once_gives_the_index_of_inserting_one_by_one() {
        let documents = || {
            [("b", "2026-02-02"), ("a", "2026-03-02"), ("c", ""), ("d", "2026-01-02")]
                .map(|(id, date)| document(id, date, vec![event("egypt", "lna", "071", "backs")]))
        };
        let loaded = CorpusIndex::load(documents());
        let mut inserted = CorpusIndex::default();
        for document in documents() {
            inserted.insert(document);
        }
        let order = |index: &CorpusIndex| -> Vec<String> {
            index.relations_of(None)[0]
                .reports
                .iter()
                .map(|r| format!("{}/{}", r.date, r.document))
                .collect()
        };
        assert_eq!(order(&loaded), order(&inserted));
        assert_eq!(order(&loaded), ["/c", "2026-01-02/d", "2026-02-02/b", "2026-03-02/a"]);
    }

    #[test]
    fn a_date_range_keeps_the_reports_within_it() {
        let mut index = CorpusIndex::default();
        index.insert(document("u", "", vec![event("egypt", "lna", "071", "backs")]));
        for (id, date) in [("a", "2026-01-02"), ("b", "2026-02-02"), ("c", "2026-03-02")] {
            index.insert(document(id, date, vec![event("egypt", "lna", "071", "backs")]));
        }
        let relation = index.relations_of(Some("egypt"))[0];
        let (all, summary) = relation.in_range(&DateRange::default());
        assert_eq!(
            (all.len(), &*summary.first_seen),
            (4, "2026-01-02"),
            "undated first, not first seen"
        );
        let (within, summary) = relation.in_range(&range(Some("2026-01-15"), Some("2026-03-01")));
        assert_eq!(
            (within.len(), summary.documents, &*summary.last_seen),
            (1, 1, "2026-02-02")
        );
        let (until, _) = relation.in_range(&range(None, Some("2026-02-02")));
        assert_eq!(until.len(), 2, "an undated report passes no bound");
        assert!(relation.in_range(&range(Some("2027-01-01"), None)).0.is_empty());
    }

    #[test]
    fn a_symmetric_relation_is_one_relation_whichever_side_acts() {
        let mut index = CorpusIndex::default();
        index.insert(document(
            "a",
            "2026-01-02",
            vec![event("turkiye", "egypt", "040", "cooperates_with")],
        ));
        index.insert(document(
            "b",
            "2026-01-02",
            vec![event("egypt", "turkiye", "040", "cooperates_with")],
        ));
        assert_eq!(index.relations_of(None).len(), 1);
        assert_eq!(
            index.events(&EventFilter::default()).len(),
            1,
            "a mutual act is one event"
        );
    }

    #[test]
    fn removing_a_document_retracts_its_events_and_relations() {
        let mut index = CorpusIndex::default();
        index.insert(document("a", "2026-01-02", vec![event("egypt", "lna", "071", "backs")]));
        index.insert(document(
            "b",
            "2026-01-03",
            vec![event("russia", "lna", "071", "backs")],
        ));
        index.remove("a");
        assert_eq!(index.relations_of(Some("egypt")).len(), 0);
        assert_eq!(index.relations_of(Some("lna")).len(), 1);
        assert_eq!(index.counts(), (1, 1, 1));
        let filter = EventFilter {
            actor: Some("egypt".into()),
            ..EventFilter::default()
        };
        assert!(index.events(&filter).is_empty());
    }

    #[test]
    fn a_denied_act_or_an_unknown_actor_states_no_relation() {
        let mut index = CorpusIndex::default();
        let mut denied = event("egypt", "lna", "071", "backs");
        denied.negated = true;
        let mut unknown = event("egypt", "lna", "071", "backs");
        unknown.target.id = None;
        unknown.target.name = Some("Colonel Ahmed".into());
        index.insert(document("a", "", vec![denied, unknown]));
        assert!(index.relations_of(None).is_empty());
        let events = index.events(&EventFilter::default());
        assert_eq!(events.len(), 2);
        assert!(events
            .iter()
            .any(|e| &*e.key.target == "~Colonel Ahmed" && linked(&e.key.target).is_none()));
    }
}
