//! Corpus ⇄ proto conversions: ingest requests in; corpus relations, events and documents out.

use std::collections::{HashMap, HashSet};

use super::convert::{entity_ref, span_to_proto};
use crate::corpus::{
    linked, CorpusIndex, DocumentEntry, EventGroup, IngestOutcome, ListedRelation, NewDocument, Report,
};
use crate::error::Error;
use crate::model::{EntityIndex, Model, Side};
use crate::pb;
use crate::text::OffsetConverter;

/// The most evidence entries a corpus relation carries in an answer: its newest reports. The
/// counts say how many there are in all; ListEvents lists every event.
pub const MAX_RELATION_EVIDENCE: usize = 10;
/// The most reports a corpus event carries in an answer: its first; `report_count` says how
/// many there are.
pub const MAX_EVENT_REPORTS: usize = 20;

/// Reads an origin filter: `None` for UNSPECIFIED (both).
///
/// # Errors
/// `InvalidArgument` for a number that is not a value of the enum.
pub fn origin_from_proto(field: &str, value: i32) -> Result<Option<pb::Origin>, Error> {
    match pb::Origin::try_from(value) {
        Ok(pb::Origin::Unspecified) => Ok(None),
        Ok(origin) => Ok(Some(origin)),
        Err(_) => Err(Error::invalid(
            field,
            "INVALID_ENUM_VALUE",
            format!("{field} {value} is not an Origin: use 1 (ORIGIN_CURATED), 2 (ORIGIN_CORPUS) or 0 for both"),
        )),
    }
}

/// An ingest request as the corpus takes it.
pub fn new_document(request: pb::IngestDocumentRequest) -> NewDocument {
    NewDocument {
        id: request.id,
        text: request.text,
        title: request.title,
        url: request.url,
        publisher: request.publisher,
        published_date: request.published_date,
    }
}

pub fn ingest_outcome_to_proto(outcome: IngestOutcome) -> pb::IngestDocumentResponse {
    pb::IngestDocumentResponse {
        document_id: outcome.document_id,
        content_sha256: outcome.content_sha256,
        unchanged: outcome.unchanged,
        mention_count: outcome.mention_count,
        event_count: outcome.event_count,
    }
}

/// The texts of the documents an answer quotes, by id.
pub type Texts = HashMap<String, String>;

/// A byte range of a stored text; empty when the text or the range is not there.
fn slice(texts: &Texts, document: &str, (start, end): (u32, u32)) -> String {
    let range = usize::try_from(start).unwrap_or(usize::MAX)..usize::try_from(end).unwrap_or(usize::MAX);
    texts
        .get(document)
        .and_then(|text| text.get(range))
        .unwrap_or("")
        .to_owned()
}

/// The reports a corpus relation shows as evidence: its newest.
pub fn relation_evidence<'a>(listed: &ListedRelation<'a>) -> impl Iterator<Item = &'a Report> {
    listed.reports.iter().rev().take(MAX_RELATION_EVIDENCE)
}

/// The reports a corpus event shows: its first.
pub fn event_reports<'a>(group: &EventGroup<'a>) -> impl Iterator<Item = &'a Report> {
    group.reports.iter().take(MAX_EVENT_REPORTS)
}

/// A corpus relation read from the queried entity's side, with its newest reports as evidence
/// (quoted from `texts`, which holds their documents).
pub fn corpus_relation_to_proto(
    model: &Model,
    index: &CorpusIndex,
    listed: &ListedRelation<'_>,
    texts: &Texts,
) -> pb::Relation {
    let predicate = &model.predicates[listed.predicate];
    let name = |e: EntityIndex| model.entities[e].name.as_str();
    let (direction, statement) = match listed.side {
        Side::Subject => (
            pb::RelationDirection::Outgoing,
            format!("{} {} {}", name(listed.subject), predicate.id, name(listed.object)),
        ),
        Side::Object => (
            pb::RelationDirection::Incoming,
            format!("{} {} {}", name(listed.object), predicate.inverse, name(listed.subject)),
        ),
    };
    let evidence = relation_evidence(listed)
        .filter_map(|report| {
            let event = index.event(report)?;
            Some(pb::Evidence {
                document_id: report.document.to_string(),
                span: Some(text_span(texts, &report.document, event.sentence)),
                quote: slice(texts, &report.document, event.sentence),
                citation: None,
            })
        })
        .collect();
    pb::Relation {
        id: listed.key.id(),
        subject: Some(entity_ref(model, listed.subject)),
        predicate: predicate.id.clone(),
        object: Some(entity_ref(model, listed.object)),
        inverse_predicate: predicate.inverse.clone(),
        symmetric: predicate.symmetric,
        direction: direction as i32,
        statement,
        qualifiers: None,
        evidence,
        derived_via: Vec::new(),
        origin: pb::Origin::Corpus as i32,
        document_count: count(listed.summary.documents),
        event_count: count(listed.summary.reports),
        first_seen: listed.summary.first_seen.to_string(),
        last_seen: listed.summary.last_seen.to_string(),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A byte range of a stored text in all three encodings, counted from the text; the bytes
/// alone when the text is no longer there.
fn text_span(texts: &Texts, document: &str, (start, end): (u32, u32)) -> pb::TextSpan {
    let (from, to) = (
        usize::try_from(start).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(usize::MAX),
    );
    match texts.get(document).filter(|text| text.get(from..to).is_some()) {
        Some(text) => span_to_proto(OffsetConverter::new(text).span(from, to)),
        None => pb::TextSpan {
            byte_start: start,
            byte_end: end,
            ..pb::TextSpan::default()
        },
    }
}

fn corpus_actor(model: &Model, key: &str, written: String) -> pb::CorpusActor {
    pb::CorpusActor {
        entity: linked(key)
            .and_then(|id| model.entity_index(id))
            .map(|e| entity_ref(model, e)),
        name: written,
    }
}

/// One corpus event with its first reports (quoted from `texts`).
pub fn corpus_event_to_proto(
    model: &Model,
    index: &CorpusIndex,
    group: &EventGroup<'_>,
    texts: &Texts,
) -> pb::CorpusEvent {
    let mut reports = Vec::new();
    let mut actors = None;
    for report in event_reports(group) {
        let Some(event) = index.event(report) else {
            continue;
        };
        if actors.is_none() {
            let source = slice(texts, &report.document, event.source_span);
            let target = slice(texts, &report.document, event.target_span);
            // The grouped order: a mutual act's actors in key order, whichever the text named first.
            actors = Some(if group.key.source == event.source {
                (
                    corpus_actor(model, &event.source, source),
                    corpus_actor(model, &event.target, target),
                )
            } else {
                (
                    corpus_actor(model, &event.target, target),
                    corpus_actor(model, &event.source, source),
                )
            });
        }
        reports.push(pb::EventReport {
            document_id: report.document.to_string(),
            code: event.code.to_string(),
            trigger_text: slice(texts, &report.document, event.trigger),
            negated: event.negated,
            confidence: event.confidence,
            span: Some(text_span(texts, &report.document, event.sentence)),
            quote: slice(texts, &report.document, event.sentence),
        });
    }
    let documents: HashSet<&str> = group.reports.iter().map(|r| &*r.document).collect();
    let (source, target) = actors.unzip();
    pb::CorpusEvent {
        id: group.key.id(),
        date: group.key.date.to_string(),
        source,
        target,
        code_root: group.key.root.to_string(),
        reports,
        document_count: count(documents.len()),
        report_count: count(group.reports.len()),
    }
}

/// An ingested document with its text.
pub fn stored_document_to_proto(document: &DocumentEntry, text: String) -> pb::Document {
    let source = [document.publisher.as_str(), document.url.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    pb::Document {
        id: document.id.to_string(),
        title: document.title.clone(),
        source,
        text,
        origin: pb::Origin::Corpus as i32,
        url: document.url.clone(),
        publisher: document.publisher.clone(),
        published_date: document.published_date.to_string(),
        content_sha256: document.content_sha256.clone(),
    }
}
