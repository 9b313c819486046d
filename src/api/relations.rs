//! `ListRelations` and `FindPaths` over the curated model and the corpus together. Listing:
//! the filters both share (entity, predicate, direction, counterpart) and the corpus's (origin,
//! minimum documents, date range); curated relations first, then the corpus's, on one page.
//! Paths: the corpus's relations are more edges of the same graph.

use std::cell::RefCell;
use std::collections::HashMap;

use super::arguments;
use super::convert;
use super::convert_corpus::{corpus_relation_to_proto, origin_from_proto, relation_evidence, Texts};
use crate::corpus::{corpus_relations, Corpus, DateRange, ListedRelation, RelationKey};
use crate::error::Error;
use crate::graph::{self, Edge, Hop, RelationFilter, RelationView};
use crate::model::{self, Side};
use crate::pagination::{ListingKey, Pager};
use crate::pb;
use crate::snapshot::Snapshot;

/// One relation of a listing: curated, or stated by the corpus.
enum Listed<'a> {
    Curated(RelationView),
    Corpus(ListedRelation<'a>),
}

/// ListRelations: the curated relations that pass the request's filters, then the corpus's.
pub(super) fn list(
    snapshot: &Snapshot,
    corpus: Option<&Corpus>,
    request: pb::ListRelationsRequest,
) -> Result<pb::ListRelationsResponse, Error> {
    let model = &snapshot.model;
    let entity = arguments::optional_entity(model, "entity_id", &request.entity_id)?;
    let filter = RelationFilter {
        predicate: arguments::optional_predicate(&request.predicate),
        direction: convert::direction_from_proto(request.direction)?,
        counterpart: arguments::optional_entity(model, "counterpart_id", &request.counterpart_id)?,
        include_derived: request.include_derived,
    };
    let origin = origin_from_proto("origin", request.origin)?;
    if request.min_documents < 0 {
        return Err(Error::invalid(
            "min_documents",
            "NEGATIVE_MIN_DOCUMENTS",
            format!("min_documents is {}; give 0 or more", request.min_documents),
        ));
    }
    let min_documents = usize::try_from(request.min_documents).unwrap_or(0);
    let range = DateRange {
        since: arguments::optional_date("since", &request.since)?,
        until: arguments::optional_date("until", &request.until)?,
    };
    let key = ListingKey::Relations {
        entity_id: request.entity_id,
        predicate: request.predicate,
        direction: request.direction,
        counterpart_id: request.counterpart_id,
        include_derived: request.include_derived,
        origin: request.origin,
        min_documents: request.min_documents,
        since: request.since,
        until: request.until,
    };
    let pager = Pager::read(request.page_size, &request.page_token, &key, &model.version)?;
    let mut listed: Vec<Listed<'_>> = Vec::new();
    // Checked first even when only corpus relations are wanted: it validates the filters.
    let curated = graph::relations_of(model, entity, &filter)?;
    if origin != Some(pb::Origin::Corpus) {
        listed.extend(
            curated
                .into_iter()
                .filter(|view| {
                    let relation = &model.relations[view.relation];
                    let sources = usize::try_from(convert::evidence_sources(&relation.evidence)).unwrap_or(0);
                    sources >= min_documents
                        && relation.period.as_deref().is_none_or(|period| {
                            model::period_reaches(period, range.since.as_deref(), range.until.as_deref())
                        })
                })
                .map(Listed::Curated),
        );
    }
    let index = corpus.filter(|_| origin != Some(pb::Origin::Curated)).map(Corpus::read);
    if let Some(index) = &index {
        listed.extend(
            crate::corpus::corpus_relations(model, index, entity, &filter, &range, min_documents)
                .into_iter()
                .map(Listed::Corpus),
        );
    }
    let page = pager.page(&listed);
    let quoted = page.items.iter().flat_map(|item| match item {
        Listed::Corpus(relation) => relation_evidence(relation).map(|r| &*r.document).collect(),
        Listed::Curated(_) => Vec::new(),
    });
    let texts = match corpus {
        Some(corpus) if index.is_some() => corpus.texts(quoted).map_err(super::corpus::store_error)?,
        _ => Texts::new(),
    };
    Ok(pb::ListRelationsResponse {
        relations: page
            .items
            .iter()
            .filter_map(|item| match item {
                Listed::Curated(view) => Some(convert::relation_to_proto(model, *view)),
                Listed::Corpus(relation) => index
                    .as_ref()
                    .map(|index| corpus_relation_to_proto(model, index, relation, &texts)),
            })
            .collect(),
        next_page_token: page.next_page_token,
        total_size: page.total_size,
        model_version: model.version.clone(),
    })
}

/// FindPaths through the curated relations and, with a corpus, the corpus's.
pub(super) fn paths(
    snapshot: &Snapshot,
    corpus: Option<&Corpus>,
    request: &pb::FindPathsRequest,
) -> Result<pb::FindPathsResponse, Error> {
    let model = &snapshot.model;
    let source = arguments::entity(model, "source_id", &request.source_id)?;
    let target = arguments::entity(model, "target_id", &request.target_id)?;
    if source == target {
        return Err(Error::invalid(
            "target_id",
            "SAME_ENDPOINTS",
            "source_id and target_id name the same entity",
        ));
    }
    let query = arguments::path_query(model, request.max_hops, request.max_paths, &request.predicates)?;
    let index = corpus.map(Corpus::read);
    // The corpus relations the search has met, each once, in the order met: hops name them by
    // position.
    let table: RefCell<Vec<ListedRelation<'_>>> = RefCell::new(Vec::new());
    let positions: RefCell<HashMap<RelationKey, usize>> = RefCell::new(HashMap::new());
    let added = |entity, hops: &mut Vec<Hop>| {
        let Some(index) = &index else {
            return;
        };
        let everything = RelationFilter::default();
        for listed in corpus_relations(model, index, Some(entity), &everything, &DateRange::default(), 0) {
            if !query.predicates.is_empty() && !query.predicates.contains(&listed.predicate) {
                continue;
            }
            let (to, forward) = if listed.side == Side::Subject {
                (listed.object, true)
            } else {
                (listed.subject, false)
            };
            let mut positions = positions.borrow_mut();
            let position = *positions.entry(listed.key.clone()).or_insert_with(|| {
                let mut table = table.borrow_mut();
                table.push(listed.clone());
                table.len() - 1
            });
            hops.push(Hop {
                edge: Edge::Added(position),
                from: entity,
                to,
                forward,
            });
        }
    };
    let search = graph::find_paths(model, source, target, &query, &added);
    let table = table.into_inner();
    let used: Vec<usize> = search
        .paths
        .iter()
        .flatten()
        .filter_map(|hop| match hop.edge {
            Edge::Added(position) => Some(position),
            Edge::Curated(_) => None,
        })
        .collect();
    let texts = match (corpus, used.is_empty()) {
        (Some(corpus), false) => corpus
            .texts(
                used.iter()
                    .filter_map(|&p| table.get(p))
                    .flat_map(|listed| relation_evidence(listed).map(|r| &*r.document)),
            )
            .map_err(super::corpus::store_error)?,
        _ => Texts::new(),
    };
    let added_relation = |position: usize, side: Side| {
        let (index, listed) = (index.as_ref()?, table.get(position)?);
        let seen = ListedRelation { side, ..listed.clone() };
        Some(corpus_relation_to_proto(model, index, &seen, &texts))
    };
    Ok(pb::FindPathsResponse {
        summary: convert::path_summary(model, source, target, query.max_hops, &search),
        paths: search
            .paths
            .iter()
            .map(|p| convert::path_to_proto(model, p, &added_relation))
            .collect(),
        model_version: model.version.clone(),
        truncated: search.truncated,
    })
}
