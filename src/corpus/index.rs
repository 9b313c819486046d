//! The in-memory index of the corpus: its documents (without their texts), the events read
//! from them grouped into one event per happening, and the relations those events state, each
//! with its reports. Built from the store on start and updated with every write; it never
//! touches the store itself.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{StoredDocument, StoredEvent};

/// One report of an event or relation: an event of a stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub document: Arc<str>,
    /// The event's index in the document's events.
    pub event: u32,
    /// The document's publication date, `YYYY-MM-DD` or empty.
    pub date: Arc<str>,
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

/// A relation of the corpus with the reports that state it, oldest first.
#[derive(Debug, Clone, Copy)]
pub struct CorpusRelation<'a> {
    pub key: &'a RelationKey,
    pub reports: &'a [Report],
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
    /// Sums up reports.
    pub fn of<'a>(reports: impl IntoIterator<Item = &'a Report>) -> ReportSummary {
        let mut documents: BTreeSet<&str> = BTreeSet::new();
        let mut summary = ReportSummary::default();
        for report in reports {
            documents.insert(&report.document);
            summary.reports += 1;
            if report.date.is_empty() {
                continue;
            }
            if summary.first_seen.is_empty() || report.date < summary.first_seen {
                summary.first_seen = Arc::clone(&report.date);
            }
            if report.date > summary.last_seen {
                summary.last_seen = Arc::clone(&report.date);
            }
        }
        summary.documents = documents.len();
        summary
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

/// One event of the corpus and its reports, in document order.
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
    /// Inclusive `YYYY-MM-DD` bounds on the event's day; an undated event passes no bound.
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The type of the documents the index keeps.
pub type DocumentEntry = StoredDocument;

/// The corpus in memory.
#[derive(Debug, Default)]
pub struct CorpusIndex {
    documents: BTreeMap<Arc<str>, StoredDocument>,
    relations: BTreeMap<RelationKey, Vec<Report>>,
    relations_by_entity: HashMap<Arc<str>, BTreeSet<RelationKey>>,
    events: BTreeMap<EventKey, Vec<Report>>,
    event_count: usize,
}

/// The relation an event states, when it states one: both actors known entities, the act not
/// denied, a predicate the code corroborates, and two different ends.
fn relation_key(event: &StoredEvent) -> Option<RelationKey> {
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
        subject: Arc::from(subject.as_str()),
        predicate: Arc::from(predicate.as_str()),
        object: Arc::from(object.as_str()),
    })
}

fn event_key(document: &StoredDocument, date: &Arc<str>, event: &StoredEvent) -> EventKey {
    let (mut source, mut target) = (event.source.key(), event.target.key());
    if event.mutual && target < source {
        std::mem::swap(&mut source, &mut target);
    }
    EventKey {
        date: Arc::clone(date),
        source: Arc::from(source),
        target: Arc::from(target),
        root: Arc::from(event.root()),
        undated_document: date.is_empty().then(|| Arc::from(document.id.as_str())),
    }
}

impl CorpusIndex {
    /// Adds a document that is not in the index.
    pub fn insert(&mut self, document: StoredDocument) {
        let id: Arc<str> = Arc::from(document.id.as_str());
        let date: Arc<str> = Arc::from(document.published_date.as_str());
        for (number, event) in document.events.iter().enumerate() {
            let report = Report {
                document: Arc::clone(&id),
                event: u32::try_from(number).unwrap_or(u32::MAX),
                date: Arc::clone(&date),
            };
            self.events
                .entry(event_key(&document, &date, event))
                .or_default()
                .push(report.clone());
            if let Some(key) = relation_key(event) {
                for end in [&key.subject, &key.object] {
                    self.relations_by_entity
                        .entry(Arc::clone(end))
                        .or_default()
                        .insert(key.clone());
                }
                self.relations.entry(key).or_default().push(report);
            }
        }
        self.event_count += document.events.len();
        self.documents.insert(id, document);
    }

    /// Removes a document and everything read from it; nothing when it is not there.
    pub fn remove(&mut self, id: &str) {
        let Some(document) = self.documents.remove(id) else {
            return;
        };
        self.event_count -= document.events.len();
        let date: Arc<str> = Arc::from(document.published_date.as_str());
        for event in &document.events {
            let key = event_key(&document, &date, event);
            if let Some(reports) = self.events.get_mut(&key) {
                reports.retain(|r| &*r.document != id);
                if reports.is_empty() {
                    self.events.remove(&key);
                }
            }
            let Some(key) = relation_key(event) else {
                continue;
            };
            let Some(reports) = self.relations.get_mut(&key) else {
                continue;
            };
            reports.retain(|r| &*r.document != id);
            if reports.is_empty() {
                self.relations.remove(&key);
                for end in [&key.subject, &key.object] {
                    if let Some(keys) = self.relations_by_entity.get_mut(end) {
                        keys.remove(&key);
                        if keys.is_empty() {
                            self.relations_by_entity.remove(end);
                        }
                    }
                }
            }
        }
    }

    /// A stored document, without its text.
    pub fn document(&self, id: &str) -> Option<&StoredDocument> {
        self.documents.get(id)
    }

    /// Every document, in id order.
    pub fn documents(&self) -> impl Iterator<Item = &StoredDocument> {
        self.documents.values()
    }

    /// How many documents, events (reports) and relations the corpus holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.documents.len(), self.event_count, self.relations.len())
    }

    /// The event a report points to.
    pub fn event(&self, report: &Report) -> Option<&StoredEvent> {
        self.documents
            .get(&report.document)?
            .events
            .get(usize::try_from(report.event).ok()?)
    }

    /// The relations with `entity` at one end, in key order; every relation when `None`.
    pub fn relations_of(&self, entity: Option<&str>) -> Vec<CorpusRelation<'_>> {
        fn view<'a>((key, reports): (&'a RelationKey, &'a Vec<Report>)) -> CorpusRelation<'a> {
            CorpusRelation {
                key,
                reports: reports.as_slice(),
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
                let dated = !key.date.is_empty();
                filter
                    .actor
                    .as_deref()
                    .is_none_or(|a| &*key.source == a || &*key.target == a)
                    && filter.root.as_deref().is_none_or(|r| &*key.root == r)
                    && filter
                        .document
                        .as_deref()
                        .is_none_or(|d| reports.iter().any(|r| &*r.document == d))
                    && filter.since.as_deref().is_none_or(|s| dated && &*key.date >= s)
                    && filter.until.as_deref().is_none_or(|u| dated && &*key.date <= u)
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
    use crate::text::Span;

    fn actor(id: &str) -> StoredActor {
        StoredActor {
            id: Some(id.to_owned()),
            name: id.to_owned(),
        }
    }

    fn event(source: &str, target: &str, code: &str, predicate: &str) -> StoredEvent {
        StoredEvent {
            source: actor(source),
            target: actor(target),
            code: code.to_owned(),
            trigger: "backs".into(),
            negated: false,
            mutual: code.starts_with("04"),
            confidence: 0.9,
            predicate: Some(predicate.to_owned()),
            symmetric: predicate == "cooperates_with",
            span: Span::default(),
            quote: String::new(),
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
            mention_count: 0,
            events,
            model_version: String::new(),
        }
    }

    #[test]
    fn reports_of_one_act_on_one_day_are_one_event_and_one_relation() {
        let mut index = CorpusIndex::default();
        index.insert(document("a", "2026-01-02", vec![event("egypt", "lna", "071", "backs")]));
        index.insert(document("b", "2026-01-02", vec![event("egypt", "lna", "070", "backs")]));
        index.insert(document("c", "2026-01-05", vec![event("egypt", "lna", "071", "backs")]));
        let events = index.events(&EventFilter::default());
        assert_eq!(events.len(), 2, "two days, one root: two events");
        assert_eq!(events[0].reports.len(), 2);
        let relations = index.relations_of(Some("lna"));
        assert_eq!(relations.len(), 1);
        let summary = ReportSummary::of(relations[0].reports);
        assert_eq!((summary.documents, summary.reports), (3, 3));
        assert_eq!(&*summary.first_seen, "2026-01-02");
        assert_eq!(&*summary.last_seen, "2026-01-05");
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
        index.insert(document("a", "", vec![denied, unknown]));
        assert!(index.relations_of(None).is_empty());
        assert_eq!(index.events(&EventFilter::default()).len(), 2);
    }
}
