//! The corpus: documents users feed the service, kept durably in a [`Store`], and the events
//! read from them, which become relations with evidence ("who backs Haftar, according to which
//! articles, since when").
//!
//! Ingesting a document reads its mentions and events once, with the model served at the time,
//! and stores the document with what was read; the in-memory [`CorpusIndex`] is rebuilt from
//! the store on start and kept in step with every write. Entities are kept by id, not by index,
//! so the corpus outlives a reload of the curated model: an id the new model no longer has is
//! skipped when answering. This module knows nothing of gRPC.

pub mod files;
mod index;
mod query;
mod store;

use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use index::{
    linked, CorpusIndex, CorpusRelation, DateRange, DocumentEntry, EventFilter, EventGroup, EventKey, IndexedEvent,
    RelationKey, Report, ReportSummary,
};
pub use query::{corpus_relations, ListedRelation};
pub use store::{Change, RedbStore, Store, StoreError};

use crate::events::{self, EventOptions};
use crate::snapshot::Snapshot;

/// A document as a user sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewDocument {
    /// The caller's id for it: a slug, unique in the corpus.
    pub id: String,
    pub text: String,
    pub title: String,
    pub url: String,
    pub publisher: String,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub published_date: String,
}

/// One side of a stored event: an entity by id, or a name the model did not know. What the text
/// writes is not kept twice: it is the document's text at `span`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredActor {
    /// The entity's id; `None` for a name no entity claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For a name no entity claims: the name, which tells such actors apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The mention's byte range in the document's text.
    pub span: (u32, u32),
}

impl StoredActor {
    /// The key that tells actors apart: the entity id, or `~` and the name for unknown names.
    pub fn key(&self) -> String {
        match (&self.id, &self.name) {
            (Some(id), _) => id.clone(),
            (None, Some(name)) => format!("~{name}"),
            (None, None) => "~".to_owned(),
        }
    }
}

/// An event read from a stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub source: StoredActor,
    pub target: StoredActor,
    /// The CAMEO code ("042").
    pub code: String,
    /// The trigger's byte range in the document's text ("visited").
    pub trigger: (u32, u32),
    /// The act is denied ("did not meet"): no relation follows from it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub negated: bool,
    /// The act is the same seen from either side (meet, negotiate, sign): its reports are
    /// grouped whichever actor the sentence names first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mutual: bool,
    pub confidence: f32,
    /// The relation the event states: the first predicate its code `corroborates`, when the
    /// model declares it; `None` when the code states none.
    pub predicate: Option<String>,
    /// The predicate reads the same from either side: the relation's ends are kept in id order.
    #[serde(default, skip_serializing_if = "is_false")]
    pub symmetric: bool,
    /// The byte range of the sentence that states the event, in the document's text (the
    /// quote of its evidence; code-point and UTF-16 offsets are counted from the text when an
    /// answer needs them).
    pub sentence: (u32, u32),
}

impl StoredEvent {
    /// The CAMEO root ("04").
    pub fn root(&self) -> &str {
        self.code.get(..2).unwrap_or("")
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A document as stored, with what was read from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDocument {
    pub id: String,
    pub title: String,
    pub url: String,
    pub publisher: String,
    /// `YYYY-MM-DD`, or empty.
    pub published_date: String,
    /// Lowercase hex SHA-256 of the text's UTF-8 bytes.
    pub content_sha256: String,
    /// The text's length in bytes.
    #[serde(default)]
    pub text_bytes: usize,
    pub mention_count: u32,
    pub events: Vec<StoredEvent>,
    /// The model version that read it.
    pub model_version: String,
}

/// What ingesting one document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    pub document_id: String,
    pub content_sha256: String,
    /// The same id with the same text was already stored: nothing was written.
    pub unchanged: bool,
    pub mention_count: u32,
    pub event_count: u32,
}

/// The corpus: a store and the index of what it holds.
pub struct Corpus {
    store: Box<dyn Store>,
    index: RwLock<CorpusIndex>,
    /// Held from "is this document new?" to the index update, so two writers of one id cannot
    /// interleave; extraction runs outside it.
    writer: Mutex<()>,
}

/// Lowercase hex SHA-256 of a text.
pub fn content_sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Corpus {
    /// Opens a corpus over `store` and builds its index from what the store holds.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn open(store: Box<dyn Store>) -> Result<Corpus, StoreError> {
        let mut index = CorpusIndex::default();
        store.for_each_document(&mut |document| index.add_while_loading(document))?;
        index.put_reports_in_order();
        Ok(Corpus {
            store,
            index: RwLock::new(index),
            writer: Mutex::new(()),
        })
    }

    /// The index, for reading. Readers never wait for extraction, only for an index update.
    pub fn read(&self) -> RwLockReadGuard<'_, CorpusIndex> {
        self.index.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The texts of documents, by id, read from the store together (a document deleted since
    /// it was asked for is left out).
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn texts<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut ids: Vec<&str> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let texts = self.store.texts(&ids)?;
        Ok(ids
            .into_iter()
            .zip(texts)
            .filter_map(|(id, text)| Some((id.to_owned(), text?)))
            .collect())
    }

    /// The store's size on disk, in bytes.
    pub fn store_bytes(&self) -> u64 {
        self.store.size_bytes()
    }

    /// Ingests a batch of validated documents with one durable commit: when this returns `Ok`,
    /// every document of the batch survives a crash. A document already stored with the same
    /// text is left alone (`unchanged`); one stored with another text is replaced, with
    /// everything read from it. `stop` abandons the reading (`Ok(None)`), before anything is
    /// written.
    ///
    /// # Errors
    /// When the store cannot write; then nothing of the batch was written.
    pub fn ingest(
        &self,
        snapshot: &Snapshot,
        documents: Vec<NewDocument>,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<IngestOutcome>>, StoreError> {
        let mut outcomes = Vec::with_capacity(documents.len());
        let mut reads: Vec<Option<(StoredDocument, String)>> = Vec::with_capacity(documents.len());
        for document in documents {
            let sha = content_sha256(&document.text);
            let same = self
                .read()
                .document(&document.id)
                .filter(|d| {
                    // Unchanged only when nothing sent differs: a corrected date or title is a
                    // new version of the document.
                    d.content_sha256 == sha
                        && d.title == document.title
                        && d.url == document.url
                        && d.publisher == document.publisher
                        && *d.published_date == *document.published_date
                })
                .map(|d| IngestOutcome {
                    document_id: d.id.to_string(),
                    content_sha256: sha.clone(),
                    unchanged: true,
                    mention_count: d.mention_count,
                    event_count: u32::try_from(d.events.len()).unwrap_or(u32::MAX),
                });
            if let Some(outcome) = same {
                outcomes.push(outcome);
                reads.push(None);
                continue;
            }
            let Some(stored) = read_document(snapshot, &document, sha, stop) else {
                return Ok(None);
            };
            outcomes.push(IngestOutcome {
                document_id: stored.id.clone(),
                content_sha256: stored.content_sha256.clone(),
                unchanged: false,
                mention_count: stored.mention_count,
                event_count: u32::try_from(stored.events.len()).unwrap_or(u32::MAX),
            });
            reads.push(Some((stored, document.text)));
        }
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        // A document of this batch twice: the last one wins, as if sent one after the other.
        let mut changes: Vec<Change> = Vec::new();
        for (stored, text) in reads.into_iter().flatten() {
            changes.retain(|c| !matches!(c, Change::Put { document, .. } if document.id == stored.id));
            changes.push(Change::Put {
                document: Box::new(stored),
                text,
            });
        }
        if changes.is_empty() {
            return Ok(Some(outcomes));
        }
        self.store.apply(&changes)?;
        let mut index = self.index.write().unwrap_or_else(PoisonError::into_inner);
        for change in changes {
            if let Change::Put { document, .. } = change {
                index.remove(&document.id);
                index.insert(*document);
            }
        }
        Ok(Some(outcomes))
    }

    /// Deletes a document and everything read from it. Returns whether it was stored.
    ///
    /// # Errors
    /// When the store cannot write; then nothing changed.
    pub fn delete(&self, id: &str) -> Result<bool, StoreError> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if self.read().document(id).is_none() {
            return Ok(false);
        }
        self.store.apply(&[Change::Delete(id.to_owned())])?;
        self.index.write().unwrap_or_else(PoisonError::into_inner).remove(id);
        Ok(true)
    }
}

/// Reads a document's mentions and events with the served model. `None` when `stop` says so.
pub fn read_document(
    snapshot: &Snapshot,
    document: &NewDocument,
    content_sha256: String,
    stop: &dyn Fn() -> bool,
) -> Option<StoredDocument> {
    let model = &snapshot.model;
    let text = document.text.as_str();
    let found = events::extract_events(model, &snapshot.extractor, text, &EventOptions::default(), stop)?;
    let mentions = &found.extraction.mentions;
    let offset = |byte: usize| u32::try_from(byte).unwrap_or(u32::MAX);
    let actor = |index: usize| {
        let mention = &mentions[index];
        let id = events::entity_of(mention).map(|e| model.entities[e].id.clone());
        let name = id.is_none().then(|| {
            text.get(mention.span.byte_start..mention.span.byte_end)
                .unwrap_or("")
                .to_owned()
        });
        StoredActor {
            id,
            name,
            span: (offset(mention.span.byte_start), offset(mention.span.byte_end)),
        }
    };
    let stored_events = found
        .events
        .iter()
        .map(|event| {
            let code = &model.event_lexicon.codes[event.code];
            let predicate = code
                .corroborates
                .first()
                .and_then(|name| model.predicate_by_name(name).filter(|p| p.id == *name));
            let (start, end) = quote_window(
                text,
                event.sentence,
                [
                    (
                        mentions[event.source].span.byte_start,
                        mentions[event.source].span.byte_end,
                    ),
                    (
                        mentions[event.target].span.byte_start,
                        mentions[event.target].span.byte_end,
                    ),
                    event.trigger,
                ],
            );
            StoredEvent {
                source: actor(event.source),
                target: actor(event.target),
                code: code.code.clone(),
                trigger: (offset(event.trigger.0), offset(event.trigger.1)),
                negated: event.negated,
                mutual: code.symmetric(),
                confidence: event.confidence,
                predicate: predicate.map(|p| p.id.clone()),
                symmetric: predicate.is_some_and(|p| p.symmetric),
                sentence: (offset(start), offset(end)),
            }
        })
        .collect();
    Some(StoredDocument {
        id: document.id.clone(),
        title: document.title.clone(),
        url: document.url.clone(),
        publisher: document.publisher.clone(),
        published_date: document.published_date.clone(),
        content_sha256,
        text_bytes: text.len(),
        mention_count: u32::try_from(mentions.iter().filter(|m| !m.nested).count()).unwrap_or(u32::MAX),
        events: stored_events,
        model_version: model.version.clone(),
    })
}

/// The longest quote an event keeps as its evidence, in bytes: a sentence longer than this is
/// cut to a window around the event's actors and trigger, so that no answer quoting it grows
/// with what a client chose to send as one sentence.
pub const MAX_QUOTE_BYTES: usize = 1024;

/// The part of `sentence` an event quotes: the whole sentence when it is at most
/// [`MAX_QUOTE_BYTES`]; else the stretch from the first to the last of `parts` (the actors and
/// the trigger), widened to the limit or cut to it, at character boundaries.
fn quote_window(text: &str, sentence: (usize, usize), parts: [(usize, usize); 3]) -> (usize, usize) {
    let (start, end) = sentence;
    if end.saturating_sub(start) <= MAX_QUOTE_BYTES {
        return sentence;
    }
    let first = parts.iter().map(|p| p.0).min().unwrap_or(start).max(start);
    let last = parts.iter().map(|p| p.1).max().unwrap_or(end).min(end);
    let room = MAX_QUOTE_BYTES.saturating_sub(last.saturating_sub(first)) / 2;
    let mut from = first.saturating_sub(room).max(start);
    let mut to = (from + MAX_QUOTE_BYTES).min(end);
    while from > start && !text.is_char_boundary(from) {
        from -= 1;
    }
    while to > from && !text.is_char_boundary(to) {
        to -= 1;
    }
    if to.saturating_sub(from) > MAX_QUOTE_BYTES {
        to = from + MAX_QUOTE_BYTES;
        while to > from && !text.is_char_boundary(to) {
            to -= 1;
        }
    }
    (from, to)
}

/// Whether `date` is a real calendar date written `YYYY-MM-DD`.
pub fn is_calendar_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return false;
    }
    let number = |range: std::ops::Range<usize>| date.get(range).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_are_checked_day_by_day() {
        assert!(is_calendar_date("2024-02-29"));
        assert!(!is_calendar_date("2023-02-29"));
        assert!(!is_calendar_date("2024-13-01"));
        assert!(!is_calendar_date("2024-1-01"));
        assert!(!is_calendar_date("2024-04-31"));
        assert!(!is_calendar_date("２０２４-01-01"));
        assert!(is_calendar_date("1900-12-31"));
    }

    #[test]
    fn a_long_sentence_is_quoted_around_its_event_within_the_limit() {
        let padding = "é".repeat(2000);
        let text = format!("{padding} Russia condemned Ukraine {padding}.");
        let source = text.find("Russia").unwrap_or(0);
        let target = text.find("Ukraine").unwrap_or(0);
        let (from, to) = quote_window(
            &text,
            (0, text.len()),
            [(source, source + 6), (target, target + 7), (source + 7, source + 16)],
        );
        assert!(to - from <= MAX_QUOTE_BYTES);
        let quote = text.get(from..to).unwrap_or("");
        assert!(quote.contains("Russia condemned Ukraine"), "{quote}");
        let short = "Russia condemned Ukraine.";
        assert_eq!(
            quote_window(short, (0, short.len()), [(0, 6), (17, 24), (7, 16)]),
            (0, short.len())
        );
    }

    #[test]
    fn content_hash_is_the_hex_sha256_of_the_text() {
        assert_eq!(
            content_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
