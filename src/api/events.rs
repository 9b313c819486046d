//! `ExtractEvents` and `StreamExtractEvents` of `actorgraph.v1.ExtractionService`: validation,
//! the call into `crate::events`, and the answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::convert;
use super::extraction::{bounded, CancelOnDrop, INLINE_EXTRACTION_BYTES};
use crate::error::Error;
use crate::events::{self, EventOptions};
use crate::metrics::Metrics;
use crate::pb;
use crate::snapshot::Snapshot;

/// Validates a request and reads its options.
pub(super) fn read_request(request: &pb::ExtractEventsRequest, max_text_bytes: usize) -> Result<EventOptions, Error> {
    super::extraction::check_text(&request.text, max_text_bytes)?;
    super::extraction::check_confidence(request.min_confidence)?;
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
    let valid = root.len() == 2
        && root.bytes().all(|b| b.is_ascii_digit())
        && root.parse::<u8>().is_ok_and(|r| (1..=20).contains(&r));
    if valid {
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
pub(super) async fn extract(
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
    let answer = move |snapshot: &Snapshot, found: &events::EventExtraction, request: &pb::ExtractEventsRequest| {
        let response = to_response(snapshot, &request.text, found, request.include_mentions);
        let items = response.events.len() + response.mentions.len();
        bounded(
            response,
            max_response_bytes,
            items,
            "events and mentions",
            "code_roots, min_confidence, include_mentions",
        )
    };
    if request.text.len() <= INLINE_EXTRACTION_BYTES {
        let found = events::extract(&snapshot.model, &snapshot.extractor, &request.text, &options, &|| false)
            .unwrap_or_default();
        return answer(&snapshot, &found, &request);
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancelled));
    let metrics = Arc::clone(metrics);
    tokio::task::spawn_blocking(move || {
        let stop = || cancelled.load(Ordering::Relaxed);
        match events::extract(&snapshot.model, &snapshot.extractor, &request.text, &options, &stop) {
            Some(found) => answer(&snapshot, &found, &request),
            None => {
                metrics.record_abandoned();
                Err(Error::DeadlineExceeded(
                    "the call was cancelled; its event extraction was abandoned".into(),
                ))
            }
        }
    })
    .await
    .map_err(|error| Error::Internal(format!("event extraction task failed: {error}")))?
}
