//! `actorgraph.v1.KnowledgeService`: entities, search, relations, paths, agreements, documents.
//!
//! Each handler reads its arguments (checked in `arguments`), asks the core (`graph`, `search`,
//! the model's indexes) and converts the answer (`convert`); list handlers page through
//! [`Pager`] with a [`ListingKey`] of their filters.

use tonic::{Request, Response, Status};

use std::sync::Arc;

use super::arguments;
use super::convert;
use super::convert_corpus::{origin_from_proto, stored_document_to_proto as corpus_document_to_proto};
use super::relations;
use super::SharedSnapshot;
use crate::corpus::Corpus;
use crate::error::Error;
use crate::graph::{self, PartyAgreement};
use crate::model::{AgreementIndex, EntityIndex};
use crate::pagination::{ListingKey, Pager};
use crate::pb;
use crate::pb::knowledge_service_server::KnowledgeService;

/// The most text one ListDocuments page carries (beyond one document): under the 4 MiB gRPC
/// clients accept by default.
const DOCUMENTS_PAGE_TEXT_BYTES: usize = 3 * 1024 * 1024;

/// The handlers of `KnowledgeService`.
pub struct KnowledgeApi {
    snapshot: SharedSnapshot,
    /// The corpus, whose relations and documents are answered beside the curated ones; `None`
    /// when the server runs without a store.
    corpus: Option<Arc<Corpus>>,
}

impl KnowledgeApi {
    pub fn new(snapshot: SharedSnapshot, corpus: Option<Arc<Corpus>>) -> Self {
        KnowledgeApi { snapshot, corpus }
    }
}

impl KnowledgeApi {
    /// Ingested documents with their texts, in the order asked: the texts read from the store
    /// in one read, off the async workers. A document deleted meanwhile is left out.
    async fn corpus_documents(&self, ids: Vec<String>) -> Result<Vec<pb::Document>, Error> {
        let Some(corpus) = self.corpus.clone() else {
            return Ok(Vec::new());
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        tokio::task::spawn_blocking(move || {
            let mut texts = corpus.texts(ids.iter().map(String::as_str))?;
            let index = corpus.read();
            Ok(ids
                .iter()
                .filter_map(|id| Some(corpus_document_to_proto(index.document(id)?, texts.remove(id)?)))
                .collect())
        })
        .await
        .map_err(|error| Error::Internal(format!("document read failed: {error}")))?
        .map_err(super::corpus::store_error)
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
        let request = request.into_inner();
        let corpus = self
            .corpus
            .clone()
            .filter(|_| request.origin != pb::Origin::Curated as i32);
        let Some(corpus) = corpus else {
            return Ok(Response::new(relations::list(&snapshot, None, request)?));
        };
        // The corpus's answer reads its quotes from the store: off the async workers.
        let answer = tokio::task::spawn_blocking(move || relations::list(&snapshot, Some(&corpus), request))
            .await
            .map_err(|error| Error::Internal(format!("relation listing failed: {error}")))??;
        Ok(Response::new(answer))
    }

    async fn find_paths(
        &self,
        request: Request<pb::FindPathsRequest>,
    ) -> Result<Response<pb::FindPathsResponse>, Status> {
        let snapshot = self.snapshot.load_full();
        let request = request.into_inner();
        let Some(corpus) = self.corpus.clone() else {
            return Ok(Response::new(relations::paths(&snapshot, None, &request)?));
        };
        // Paths through the corpus read its index and quote from its store: off the async workers.
        let answer = tokio::task::spawn_blocking(move || relations::paths(&snapshot, Some(&corpus), &request))
            .await
            .map_err(|error| Error::Internal(format!("path search failed: {error}")))??;
        Ok(Response::new(answer))
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
        let document = match model.document(id) {
            Some(document) => convert::document_to_proto(document),
            None => self
                .corpus_documents(vec![id.clone()])
                .await?
                .pop()
                .ok_or_else(|| Error::not_found("document", id))?,
        };
        Ok(Response::new(pb::GetDocumentResponse {
            document: Some(document),
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
        let origin = origin_from_proto("origin", request.origin)?;
        let pager = Pager::read(
            request.page_size,
            &request.page_token,
            &ListingKey::Documents { origin: request.origin },
            &model.version,
        )?;
        // Curated documents first, then the corpus's, each in id order; an ingested document
        // whose id a curated one has since taken is the curated one's (GetDocument answers so).
        let mut ids: Vec<(bool, String, usize)> = Vec::new();
        if origin != Some(pb::Origin::Corpus) {
            ids.extend(model.documents.iter().map(|d| (true, d.id.clone(), d.text.len())));
        }
        if let Some(corpus) = self.corpus.as_ref().filter(|_| origin != Some(pb::Origin::Curated)) {
            ids.extend(
                corpus
                    .read()
                    .documents()
                    .filter(|d| model.document(&d.id).is_none())
                    .map(|d| (false, d.id.to_string(), d.text_bytes)),
            );
        }
        // Texts make documents large: a page ends early rather than pass what clients take.
        let page = pager.page_within(&ids, DOCUMENTS_PAGE_TEXT_BYTES, |(_, _, bytes)| *bytes);
        // Curated ones come first on a page; the corpus's texts are read together after them.
        let mut documents: Vec<pb::Document> = page
            .items
            .iter()
            .filter(|(curated, _, _)| *curated)
            .filter_map(|(_, id, _)| model.document(id).map(convert::document_to_proto))
            .collect();
        let ingested = page
            .items
            .iter()
            .filter(|(curated, _, _)| !curated)
            .map(|(_, id, _)| id.clone());
        documents.extend(self.corpus_documents(ingested.collect()).await?);
        Ok(Response::new(pb::ListDocumentsResponse {
            documents,
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
