//! `ExtractEvents` and `StreamExtractEvents` of `actorgraph.v1.ExtractionService`: validation,
//! the call into `crate::events`, and the answer.

use std::sync::Arc;

use super::convert;
use super::offload::{self, check_confidence, check_text};
use crate::error::Error;
use crate::events::{self, EventOptions};
use crate::metrics::Metrics;
use crate::pb;
use crate::snapshot::Snapshot;

/// Validates a request and reads its options.
pub(super) fn read_request(request: &pb::ExtractEventsRequest, max_text_bytes: usize) -> Result<EventOptions, Error> {
    check_text(&request.text, max_text_bytes)?;
    check_confidence(request.min_confidence)?;
    for root in &request.code_roots {
        check_root("code_roots", root)?;
    }
    Ok(EventOptions {
        min_confidence: request.min_confidence,
        roots: request.code_roots.clone(),
    })
}

/// A CAMEO root is two digits from 01 to 20.
pub(super) fn check_root(field: &str, root: &str) -> Result<(), Error> {
    if crate::model::event_lexicon::is_root(root) {
        return Ok(());
    }
    Err(Error::invalid(
        field,
        "INVALID_CODE_ROOT",
        format!("{field} holds {root:?}; a CAMEO root is two digits from \"01\" to \"20\", e.g. \"04\" (consult) or \"19\" (fight)"),
    ))
}

fn to_response(
    snapshot: &Snapshot,
    text: &str,
    found: &events::EventExtraction,
    include_mentions: bool,
) -> pb::ExtractEventsResponse {
    let model = &snapshot.model;
    let mentions = &found.extraction.mentions;
    let mut spans = crate::text::OffsetConverter::new(text);
    pb::ExtractEventsResponse {
        events: found
            .events
            .iter()
            .map(|event| convert::event_to_proto(model, text, mentions, event, &mut spans))
            .collect(),
        mentions: if include_mentions {
            mentions
                .iter()
                .map(|m| convert::mention_to_proto(model, text, m))
                .collect()
        } else {
            Vec::new()
        },
        sentence_count: u32::try_from(found.extraction.sentence_count).unwrap_or(u32::MAX),
        model_version: model.version.clone(),
    }
}

/// Finds the events of one validated request, off the async workers when the text is large;
/// the work stops early when the call is dropped.
pub(super) async fn answer(
    snapshot: Arc<Snapshot>,
    request: pb::ExtractEventsRequest,
    options: EventOptions,
    max_response_bytes: usize,
    metrics: &Arc<Metrics>,
) -> Result<pb::ExtractEventsResponse, Error> {
    if snapshot.model.event_lexicon.is_empty() {
        return Err(Error::FailedPrecondition {
            reason: "NO_EVENT_LEXICON",
            message: "the served model has no event lexicon, so it cannot find events: serve a layer with \
                      [[event_triggers]] records (the shipped data/world has one)"
                .into(),
        });
    }
    let respond = move |snapshot: &Snapshot, found: &events::EventExtraction, request: &pb::ExtractEventsRequest| {
        let response = to_response(snapshot, &request.text, found, request.include_mentions);
        let items = response.events.len() + response.mentions.len();
        offload::bounded(
            response,
            max_response_bytes,
            items,
            "events and mentions",
            "code_roots, min_confidence, include_mentions",
        )
    };
    offload::run(request.text.len(), "event extraction", metrics, move |stop| {
        let found = events::extract_events(&snapshot.model, &snapshot.extractor, &request.text, &options, stop)?;
        Some(respond(&snapshot, &found, &request))
    })
    .await
}
