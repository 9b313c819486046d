//! `actorgraph.v1.KnowledgeService`: entities, search, relations, paths, agreements, documents.
//!
//! Each handler reads its arguments (checked in `arguments`), asks the core (`graph`, `search`,
//! the model's indexes) and converts the answer (`convert`); list handlers page through
//! [`Pager`] with a [`ListingKey`] of their filters.

use tonic::{Request, Response, Status};

use super::arguments;
use super::convert;
use super::SharedSnapshot;
use crate::error::Error;
use crate::graph::{self, PartyAgreement, RelationFilter};
use crate::model::{AgreementIndex, EntityIndex};
use crate::pagination::{ListingKey, Pager};
use crate::pb;
use crate::pb::knowledge_service_server::KnowledgeService;

/// The handlers of `KnowledgeService`.
pub struct KnowledgeApi {
    snapshot: SharedSnapshot,
}

impl KnowledgeApi {
    pub fn new(snapshot: SharedSnapshot) -> Self {
        KnowledgeApi { snapshot }
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
        let index = arguments::entity(model, "id", &request.get_ref().id)?;
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
        let key = ListingKey::Entities {
            entity_type: request.r#type,
        };
        let pager = Pager::read(request.page_size, &request.page_token, &key, &model.version)?;
        let matching: Vec<EntityIndex> = model
            .entity_indexes()
            .filter(|&i| entity_type.is_none_or(|t| model.entities[i].entity_type == t))
            .collect();
        let page = pager.page(&matching);
        Ok(Response::new(pb::ListEntitiesResponse {
            entities: page.items.iter().map(|&i| convert::entity_to_proto(model, i)).collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
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
        let query = arguments::search_query(&request.query)?;
        let entity_type = convert::entity_type_from_proto("type", request.r#type)?;
        let limit = arguments::bounded(
            "limit",
            request.limit,
            arguments::DEFAULT_SEARCH_LIMIT,
            arguments::MAX_SEARCH_LIMIT,
        )?;
        let hits = snapshot.search.search(model, query, entity_type, limit);
        Ok(Response::new(pb::SearchEntitiesResponse {
            hits: hits
                .into_iter()
                .map(|hit| convert::search_hit_to_proto(model, hit))
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
        let entity = arguments::optional_entity(model, "entity_id", &request.entity_id)?;
        let filter = RelationFilter {
            predicate: arguments::optional_predicate(&request.predicate),
            direction: convert::direction_from_proto(request.direction)?,
            counterpart: arguments::optional_entity(model, "counterpart_id", &request.counterpart_id)?,
            include_derived: request.include_derived,
        };
        let key = ListingKey::Relations {
            entity_id: request.entity_id,
            predicate: request.predicate,
            direction: request.direction,
            counterpart_id: request.counterpart_id,
            include_derived: request.include_derived,
        };
        let pager = Pager::read(request.page_size, &request.page_token, &key, &model.version)?;
        let views = graph::relations_of(model, entity, &filter)?;
        let page = pager.page(&views);
        Ok(Response::new(pb::ListRelationsResponse {
            relations: page
                .items
                .iter()
                .map(|&v| convert::relation_to_proto(model, v))
                .collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
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
        let source = arguments::entity(model, "source_id", &request.source_id)?;
        let target = arguments::entity(model, "target_id", &request.target_id)?;
        if source == target {
            return Err(Error::invalid(
                "target_id",
                "SAME_ENDPOINTS",
                "source_id and target_id name the same entity",
            )
            .into());
        }
        let query = arguments::path_query(model, request.max_hops, request.max_paths, &request.predicates)?;
        let search = graph::find_paths(model, source, target, &query);
        Ok(Response::new(pb::FindPathsResponse {
            summary: convert::path_summary(model, source, target, query.max_hops, &search),
            paths: search.paths.iter().map(|p| convert::path_to_proto(model, p)).collect(),
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
        arguments::id("id", id)?;
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
        let party = arguments::optional_entity(model, "party_id", &request.party_id)?;
        let disputer = arguments::optional_entity(model, "disputed_by_id", &request.disputed_by_id)?;
        let key = ListingKey::Agreements {
            party_id: request.party_id,
            disputed_by_id: request.disputed_by_id,
        };
        let pager = Pager::read(request.page_size, &request.page_token, &key, &model.version)?;
        let mut matching: Vec<PartyAgreement> = match party {
            Some(party) => graph::agreements_with_party(model, party),
            None => AgreementIndex::all(model.agreements.len())
                .map(|agreement| PartyAgreement { agreement, via: None })
                .collect(),
        };
        if let Some(disputer) = disputer {
            matching.retain(|found| model.agreements[found.agreement].is_disputed_by(disputer));
        }
        let page = pager.page(&matching);
        Ok(Response::new(pb::ListAgreementsResponse {
            agreements: page
                .items
                .iter()
                .map(|&found| convert::party_agreement_to_proto(model, found))
                .collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
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
        arguments::id("id", id)?;
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
        let pager = Pager::read(
            request.page_size,
            &request.page_token,
            &ListingKey::Documents,
            &model.version,
        )?;
        let page = pager.page(&model.documents);
        Ok(Response::new(pb::ListDocumentsResponse {
            documents: page.items.iter().map(convert::document_to_proto).collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
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
        let pager = Pager::read(
            request.page_size,
            &request.page_token,
            &ListingKey::Predicates,
            &model.version,
        )?;
        let counts = graph::relation_counts(model);
        let page = pager.page(&model.predicates);
        let first = pager.offset();
        Ok(Response::new(pb::ListPredicatesResponse {
            predicates: page
                .items
                .iter()
                .enumerate()
                .map(|(offset, predicate)| {
                    convert::predicate_to_proto(predicate, counts.get(first + offset).copied().unwrap_or(0))
                })
                .collect(),
            next_page_token: page.next_page_token,
            total_size: page.total_size,
            model_version: model.version.clone(),
        }))
    }
}
