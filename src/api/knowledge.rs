//! `actorgraph.v1.KnowledgeService`: entities, search, relations, paths, agreements, documents.

use tonic::{Request, Response, Status};

use super::convert;
use super::SharedSnapshot;
use crate::error::Error;
use crate::graph::{self, PartyAgreement, PathQuery, RelationFilter};
use crate::model::{self, EntityIndex, IdProblem, Model};
use crate::pagination::{next_page_token, read_page, slice};
use crate::pb;
use crate::pb::knowledge_service_server::KnowledgeService;

/// The longest search query accepted.
const MAX_QUERY_LENGTH: usize = 256;
const DEFAULT_SEARCH_LIMIT: usize = 10;
const MAX_SEARCH_LIMIT: usize = 100;
const DEFAULT_MAX_HOPS: usize = 3;
/// Paths longer than this say little and cost much; larger requests are lowered to it.
const MAX_HOPS_LIMIT: usize = 6;
const DEFAULT_MAX_PATHS: usize = 5;
const MAX_PATHS_LIMIT: usize = 50;

/// The handlers of `KnowledgeService`.
pub struct KnowledgeApi {
    snapshot: SharedSnapshot,
}

impl KnowledgeApi {
    pub fn new(snapshot: SharedSnapshot) -> Self {
        KnowledgeApi { snapshot }
    }
}

/// Checks that an id is present and well formed, by the rule the loader applies to the ids
/// the data defines ([`model::id_problem`]).
fn check_id(field: &str, id: &str) -> Result<(), Error> {
    match model::id_problem(id) {
        None => Ok(()),
        Some(IdProblem::Empty) => Err(Error::invalid(field, "EMPTY_ID", format!("{field} must not be empty"))),
        Some(problem) => {
            let shown: String = id.chars().take(40).collect();
            Err(Error::invalid(
                field,
                "MALFORMED_ID",
                format!("{field} {shown:?} is not an id: {}", problem.rule()),
            ))
        }
    }
}

fn entity_index(model: &Model, field: &str, id: &str) -> Result<EntityIndex, Error> {
    check_id(field, id)?;
    model.entity_index(id).ok_or_else(|| Error::not_found("entity", id))
}

/// Reads a bounded count: 0 gives the default, a negative number is refused, a large one is
/// lowered to the maximum.
fn bounded(field: &str, value: i32, default: usize, max: usize) -> Result<usize, Error> {
    match value {
        v if v < 0 => Err(Error::invalid(
            field,
            "OUT_OF_RANGE",
            format!("{field} must not be negative, got {v}"),
        )),
        0 => Ok(default),
        v => Ok((v as usize).min(max)),
    }
}

#[tonic::async_trait]
impl KnowledgeService for KnowledgeApi {
    async fn get_entity(
        &self,
        request: Request<pb::GetEntityRequest>,
    ) -> Result<Response<pb::GetEntityResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let index = entity_index(model, "id", &request.get_ref().id)?;
        Ok(Response::new(pb::GetEntityResponse {
            entity: Some(convert::entity_to_proto(model, index)),
            model_version: model.version.clone(),
        }))
    }

    async fn list_entities(
        &self,
        request: Request<pb::ListEntitiesRequest>,
    ) -> Result<Response<pb::ListEntitiesResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let entity_type = convert::entity_type_from_proto("type", request.r#type)?;
        let filters = format!("entities;type={}", request.r#type);
        let page = read_page(request.page_size, &request.page_token, &filters, &model.version)?;
        let matching: Vec<EntityIndex> = (0..model.entities.len())
            .filter(|&i| entity_type.is_none_or(|t| model.entities[i].entity_type == t))
            .collect();
        Ok(Response::new(pb::ListEntitiesResponse {
            entities: slice(&matching, page)
                .iter()
                .map(|&i| convert::entity_to_proto(model, i))
                .collect(),
            next_page_token: next_page_token(page, matching.len(), &filters, &model.version),
            total_size: i32::try_from(matching.len()).unwrap_or(i32::MAX),
            model_version: model.version.clone(),
        }))
    }

    async fn search_entities(
        &self,
        request: Request<pb::SearchEntitiesRequest>,
    ) -> Result<Response<pb::SearchEntitiesResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        if request.query.trim().is_empty() {
            return Err(Error::invalid("query", "EMPTY_QUERY", "query must not be empty").into());
        }
        if request.query.len() > MAX_QUERY_LENGTH {
            return Err(Error::invalid(
                "query",
                "QUERY_TOO_LONG",
                format!(
                    "query is {} bytes; the limit is {MAX_QUERY_LENGTH}",
                    request.query.len()
                ),
            )
            .into());
        }
        let entity_type = convert::entity_type_from_proto("type", request.r#type)?;
        let limit = bounded("limit", request.limit, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT)?;
        let hits = snapshot.search.search(model, &request.query, entity_type, limit);
        Ok(Response::new(pb::SearchEntitiesResponse {
            hits: hits
                .into_iter()
                .map(|hit| pb::SearchHit {
                    entity: Some(convert::entity_to_proto(model, hit.entity)),
                    score: hit.score,
                    matched_name: hit.matched_name,
                    reason: match hit.reason {
                        crate::search::MatchReason::Exact => pb::MatchReason::Exact,
                        crate::search::MatchReason::Folded => pb::MatchReason::Folded,
                        crate::search::MatchReason::Partial => pb::MatchReason::Partial,
                        crate::search::MatchReason::Fuzzy => pb::MatchReason::Fuzzy,
                        crate::search::MatchReason::Words => pb::MatchReason::Words,
                        crate::search::MatchReason::Initials => pb::MatchReason::Initials,
                    } as i32,
                    explanation: hit.explanation,
                })
                .collect(),
            model_version: model.version.clone(),
        }))
    }

    async fn list_relations(
        &self,
        request: Request<pb::ListRelationsRequest>,
    ) -> Result<Response<pb::ListRelationsResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let entity = if request.entity_id.is_empty() {
            None
        } else {
            Some(entity_index(model, "entity_id", &request.entity_id)?)
        };
        let counterpart = if request.counterpart_id.is_empty() {
            None
        } else {
            Some(entity_index(model, "counterpart_id", &request.counterpart_id)?)
        };
        let filter = RelationFilter {
            predicate: (!request.predicate.is_empty()).then(|| request.predicate.clone()),
            direction: convert::direction_from_proto(request.direction)?,
            counterpart,
            include_derived: request.include_derived,
        };
        let filters = format!(
            "relations;{};{};{:?};{};{}",
            request.entity_id, request.predicate, filter.direction, request.counterpart_id, request.include_derived
        );
        let page = read_page(request.page_size, &request.page_token, &filters, &model.version)?;
        let views = graph::relations_of(model, entity, &filter)?;
        Ok(Response::new(pb::ListRelationsResponse {
            relations: slice(&views, page)
                .iter()
                .map(|&v| convert::relation_to_proto(model, v))
                .collect(),
            next_page_token: next_page_token(page, views.len(), &filters, &model.version),
            total_size: i32::try_from(views.len()).unwrap_or(i32::MAX),
            model_version: model.version.clone(),
        }))
    }

    async fn find_paths(
        &self,
        request: Request<pb::FindPathsRequest>,
    ) -> Result<Response<pb::FindPathsResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let source = entity_index(model, "source_id", &request.source_id)?;
        let target = entity_index(model, "target_id", &request.target_id)?;
        if source == target {
            return Err(Error::invalid(
                "target_id",
                "SAME_ENDPOINTS",
                "source_id and target_id name the same entity",
            )
            .into());
        }
        if request.max_hops > MAX_HOPS_LIMIT as i32 {
            return Err(Error::invalid(
                "max_hops",
                "OUT_OF_RANGE",
                format!(
                    "max_hops is at most {MAX_HOPS_LIMIT}, got {}: longer chains relate almost everything",
                    request.max_hops
                ),
            )
            .into());
        }
        let max_hops = bounded("max_hops", request.max_hops, DEFAULT_MAX_HOPS, MAX_HOPS_LIMIT)?;
        let max_paths = bounded("max_paths", request.max_paths, DEFAULT_MAX_PATHS, MAX_PATHS_LIMIT)?;
        let mut predicates = Vec::new();
        for name in &request.predicates {
            let index = model
                .predicates
                .iter()
                .position(|p| &p.id == name || &p.inverse == name);
            predicates.push(index.ok_or_else(|| {
                Error::invalid("predicates", "UNKNOWN_PREDICATE", format!("unknown predicate {name:?}"))
            })?);
        }
        let search = graph::find_paths(
            model,
            source,
            target,
            &PathQuery {
                max_hops,
                max_paths,
                predicates,
                budget: graph::PATH_EXPANSION_BUDGET,
            },
        );
        let paths = search.paths;
        let summary = match paths.first() {
            None if search.truncated => format!(
                "no path of at most {max_hops} hops between {} and {} found before the search budget ran out; \
                 ask for fewer hops or fewer predicates",
                request.source_id, request.target_id
            ),
            None => format!(
                "no path of at most {max_hops} hops between {} and {}",
                request.source_id, request.target_id
            ),
            Some(shortest) => format!(
                "{} path(s) between {} and {}; the shortest has {} hop(s)",
                paths.len(),
                request.source_id,
                request.target_id,
                shortest.len()
            ),
        };
        Ok(Response::new(pb::FindPathsResponse {
            paths: paths.iter().map(|p| convert::path_to_proto(model, p)).collect(),
            summary,
            model_version: model.version.clone(),
            truncated: search.truncated,
        }))
    }

    async fn get_agreement(
        &self,
        request: Request<pb::GetAgreementRequest>,
    ) -> Result<Response<pb::GetAgreementResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let id = &request.get_ref().id;
        check_id("id", id)?;
        let agreement = model.agreement(id).ok_or_else(|| Error::not_found("agreement", id))?;
        Ok(Response::new(pb::GetAgreementResponse {
            agreement: Some(convert::agreement_to_proto(model, agreement)),
            model_version: model.version.clone(),
        }))
    }

    async fn list_agreements(
        &self,
        request: Request<pb::ListAgreementsRequest>,
    ) -> Result<Response<pb::ListAgreementsResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let mut matching: Vec<PartyAgreement> = if request.party_id.is_empty() {
            (0..model.agreements.len())
                .map(|agreement| PartyAgreement { agreement, via: None })
                .collect()
        } else {
            graph::agreements_with_party(model, entity_index(model, "party_id", &request.party_id)?)
        };
        if !request.disputed_by_id.is_empty() {
            let disputer = entity_index(model, "disputed_by_id", &request.disputed_by_id)?;
            matching.retain(|found| model.agreements[found.agreement].is_disputed_by(disputer));
        }
        let filters = format!("agreements;{};{}", request.party_id, request.disputed_by_id);
        let page = read_page(request.page_size, &request.page_token, &filters, &model.version)?;
        Ok(Response::new(pb::ListAgreementsResponse {
            agreements: slice(&matching, page)
                .iter()
                .map(|found| convert::party_agreement_to_proto(model, *found))
                .collect(),
            next_page_token: next_page_token(page, matching.len(), &filters, &model.version),
            total_size: i32::try_from(matching.len()).unwrap_or(i32::MAX),
            model_version: model.version.clone(),
        }))
    }

    async fn get_document(
        &self,
        request: Request<pb::GetDocumentRequest>,
    ) -> Result<Response<pb::GetDocumentResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let id = &request.get_ref().id;
        check_id("id", id)?;
        let document = model.document(id).ok_or_else(|| Error::not_found("document", id))?;
        Ok(Response::new(pb::GetDocumentResponse {
            document: Some(convert::document_to_proto(document)),
            model_version: model.version.clone(),
        }))
    }

    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Result<Response<pb::ListDocumentsResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let filters = "documents";
        let page = read_page(request.page_size, &request.page_token, filters, &model.version)?;
        Ok(Response::new(pb::ListDocumentsResponse {
            documents: slice(&model.documents, page)
                .iter()
                .map(convert::document_to_proto)
                .collect(),
            next_page_token: next_page_token(page, model.documents.len(), filters, &model.version),
            total_size: i32::try_from(model.documents.len()).unwrap_or(i32::MAX),
            model_version: model.version.clone(),
        }))
    }

    async fn list_predicates(
        &self,
        request: Request<pb::ListPredicatesRequest>,
    ) -> Result<Response<pb::ListPredicatesResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        let filters = "predicates";
        let page = read_page(request.page_size, &request.page_token, filters, &model.version)?;
        let mut counts = vec![0usize; model.predicates.len()];
        for relation in &model.relations {
            counts[relation.predicate] += 1;
        }
        let first = page.offset;
        Ok(Response::new(pb::ListPredicatesResponse {
            predicates: slice(&model.predicates, page)
                .iter()
                .enumerate()
                .map(|(offset, predicate)| convert::predicate_to_proto(predicate, counts[first + offset]))
                .collect(),
            next_page_token: next_page_token(page, model.predicates.len(), filters, &model.version),
            total_size: i32::try_from(model.predicates.len()).unwrap_or(i32::MAX),
            model_version: model.version.clone(),
        }))
    }
}
