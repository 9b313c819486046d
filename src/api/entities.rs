//! `ExtractEntities` and `StreamExtractEntities` of `actorgraph.v1.ExtractionService`:
//! validation, the call into `crate::extract`, and the answer.

use std::sync::Arc;

use super::convert;
use super::offload::{self, check_confidence, check_text};
use crate::error::Error;
use crate::extract::ExtractOptions;
use crate::metrics::Metrics;
use crate::pb;
use crate::snapshot::Snapshot;

/// Validates a request and reads its options.
pub(super) fn read_request(
    request: &pb::ExtractEntitiesRequest,
    max_text_bytes: usize,
) -> Result<ExtractOptions, Error> {
    check_text(&request.text, max_text_bytes)?;
    check_confidence(request.min_confidence)?;
    let mut types = Vec::new();
    for &value in &request.entity_types {
        if let Some(entity_type) = convert::entity_type_from_proto("entity_types", value)? {
            types.push(entity_type);
        }
    }
    Ok(ExtractOptions {
        types,
        exclude_unlinked: request.exclude_unlinked,
        min_confidence: request.min_confidence,
        include_nested: request.include_nested,
    })
}

fn to_response(
    snapshot: &Snapshot,
    text: &str,
    extraction: &crate::extract::Extraction,
) -> pb::ExtractEntitiesResponse {
    let model = &snapshot.model;
    pb::ExtractEntitiesResponse {
        mentions: extraction
            .mentions
            .iter()
            .map(|m| convert::mention_to_proto(model, text, m))
            .collect(),
        entities: extraction
            .entities
            .iter()
            .map(|s| convert::salience_to_proto(model, s))
            .collect(),
        sentence_count: u32::try_from(extraction.sentence_count).unwrap_or(u32::MAX),
        model_version: model.version.clone(),
    }
}

/// How ExtractEntities' answer is bounded.
fn bounded_mentions(
    response: pb::ExtractEntitiesResponse,
    max_response_bytes: usize,
) -> Result<pb::ExtractEntitiesResponse, Error> {
    let items = response.mentions.len();
    offload::bounded(
        response,
        max_response_bytes,
        items,
        "mentions",
        "entity_types, exclude_unlinked, min_confidence",
    )
}

/// Extracts one validated request, off the async workers when the text is large; the work
/// stops early when the call is dropped.
pub(super) async fn answer(
    snapshot: Arc<Snapshot>,
    request: pb::ExtractEntitiesRequest,
    options: ExtractOptions,
    max_response_bytes: usize,
    metrics: &Arc<Metrics>,
) -> Result<pb::ExtractEntitiesResponse, Error> {
    offload::run(request.text.len(), "extraction", metrics, move |stop| {
        let extraction = snapshot.extractor.extract_until(&request.text, &options, stop)?;
        Some(bounded_mentions(
            to_response(&snapshot, &request.text, &extraction),
            max_response_bytes,
        ))
    })
    .await
}
