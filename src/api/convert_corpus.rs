//! Corpus ⇄ proto conversions: ingest requests in; corpus relations, events and documents out.

use super::convert::{entity_ref, span_to_proto};
use crate::corpus::{CorpusIndex, EventGroup, IngestOutcome, ListedRelation, NewDocument, StoredActor, StoredDocument};
use crate::error::Error;
use crate::model::{Model, Side};
use crate::pb;

/// The most evidence entries a corpus relation carries in an answer: its newest reports. The
/// counts say how many there are in all; ListEvents pages through every one.
pub const MAX_RELATION_EVIDENCE: usize = 20;

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
        error: None,
    }
}

/// A corpus relation read from the queried entity's side, with its newest reports as evidence.
pub fn corpus_relation_to_proto(model: &Model, index: &CorpusIndex, listed: &ListedRelation<'_>) -> pb::Relation {
    let predicate = &model.predicates[listed.predicate];
    let name = |e: crate::model::EntityIndex| model.entities[e].name.as_str();
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
    let mut newest: Vec<_> = listed.reports.clone();
    newest.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.document.cmp(&b.document)));
    let evidence = newest
        .iter()
        .take(MAX_RELATION_EVIDENCE)
        .filter_map(|report| {
            let event = index.event(report)?;
            Some(pb::Evidence {
                document_id: report.document.to_string(),
                span: Some(span_to_proto(event.span)),
                quote: event.quote.clone(),
                citation: None,
            })
        })
        .collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
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

fn corpus_actor(model: &Model, actor: &StoredActor) -> pb::CorpusActor {
    pb::CorpusActor {
        entity: actor
            .id
            .as_deref()
            .and_then(|id| model.entity_index(id))
            .map(|e| entity_ref(model, e)),
        name: actor.name.clone(),
    }
}

/// One corpus event with its reports.
pub fn corpus_event_to_proto(model: &Model, index: &CorpusIndex, group: &EventGroup<'_>) -> pb::CorpusEvent {
    let mut reports = Vec::with_capacity(group.reports.len());
    let mut actors = None;
    for report in group.reports {
        let Some(event) = index.event(report) else {
            continue;
        };
        if actors.is_none() {
            // The grouped order: a mutual act's actors in key order, whichever the text named first.
            let swapped = *group.key.source != *event.source.key();
            actors = Some(if swapped {
                (corpus_actor(model, &event.target), corpus_actor(model, &event.source))
            } else {
                (corpus_actor(model, &event.source), corpus_actor(model, &event.target))
            });
        }
        reports.push(pb::EventReport {
            document_id: report.document.to_string(),
            code: event.code.clone(),
            trigger_text: event.trigger.clone(),
            negated: event.negated,
            confidence: event.confidence,
            span: Some(span_to_proto(event.span)),
            quote: event.quote.clone(),
        });
    }
    let mut documents: Vec<&str> = group.reports.iter().map(|r| &*r.document).collect();
    documents.sort_unstable();
    documents.dedup();
    let (source, target) = actors.unzip();
    pb::CorpusEvent {
        id: group.key.id(),
        date: group.key.date.to_string(),
        source,
        target,
        code_root: group.key.root.to_string(),
        reports,
        document_count: u32::try_from(documents.len()).unwrap_or(u32::MAX),
    }
}

/// An ingested document with its text.
pub fn stored_document_to_proto(document: &StoredDocument, text: String) -> pb::Document {
    let source = [document.publisher.as_str(), document.url.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    pb::Document {
        id: document.id.clone(),
        title: document.title.clone(),
        source,
        text,
        origin: pb::Origin::Corpus as i32,
        url: document.url.clone(),
        publisher: document.publisher.clone(),
        published_date: document.published_date.clone(),
        content_sha256: document.content_sha256.clone(),
    }
}
