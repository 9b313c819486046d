//! `actorgraph.v1.KnowledgeService`: entities, search, relations, paths, agreements, documents.
//!
//! Each handler reads its arguments (checked in `arguments`), asks the core (`graph`, `search`,
//! the model's indexes) and converts the answer (`convert`); list handlers page through
//! [`Pager`] with a [`ListingKey`] of their filters.

use tonic::{Request, Response, Status};

use std::sync::Arc;

use super::arguments;
use super::convert;
use super::convert_corpus::{
    corpus_relation_to_proto, origin_from_proto, stored_document_to_proto as corpus_document_to_proto,
};
use super::SharedSnapshot;
use crate::corpus::{Corpus, DateRange, ListedRelation};
use crate::error::Error;
use crate::graph::{self, PartyAgreement, RelationFilter, RelationView};
use crate::model::{AgreementIndex, EntityIndex};
use crate::pagination::{ListingKey, Pager};
use crate::pb;
use crate::pb::knowledge_service_server::KnowledgeService;

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

/// One relation of a listing: curated, or stated by the corpus.
enum Listed<'a> {
    Curated(RelationView),
    Corpus(ListedRelation<'a>),
}

/// An optional `YYYY-MM-DD` bound of a request.
fn date_bound(field: &str, value: &str) -> Result<Option<String>, Error> {
    if value.is_empty() {
        return Ok(None);
    }
    if crate::corpus::is_calendar_date(value) {
        return Ok(Some(value.to_owned()));
    }
    let shown: String = value.chars().take(40).collect();
    Err(Error::invalid(
        field,
        "INVALID_DATE",
        format!("{field} {shown:?} is not a date: write YYYY-MM-DD, e.g. \"2026-12-07\""),
    ))
}

/// Whether a curated relation's period reaches a date range (a relation with no period does).
fn period_reaches(period: Option<&str>, range: &DateRange) -> bool {
    let Some(period) = period else {
        return true;
    };
    let (start, end) = crate::model::period_bounds(period);
    let prefix = |date: &str, bound: &str| {
        let length = date.len().min(bound.len());
        (
            date.get(..length).unwrap_or(date).to_owned(),
            bound.get(..length).unwrap_or(bound).to_owned(),
        )
    };
    let starts_before_until = match (start, range.until.as_deref()) {
        (Some(start), Some(until)) => {
            let (until, start) = prefix(until, start);
            start <= until
        }
        _ => true,
    };
    let ends_after_since = match (end, range.since.as_deref()) {
        (Some(end), Some(since)) => {
            let (since, end) = prefix(since, end);
            end >= since
        }
        _ => true,
    };
    starts_before_until && ends_after_since
}

impl KnowledgeApi {
    /// An ingested document with its text, read from the store off the async workers.
    async fn corpus_document(&self, id: &str) -> Result<Option<pb::Document>, Error> {
        let Some(corpus) = self.corpus.clone() else {
            return Ok(None);
        };
        let Some(document) = corpus.read().document(id).cloned() else {
            return Ok(None);
        };
        let text = tokio::task::spawn_blocking(move || corpus.text(&document.id).map(|text| (document, text)))
            .await
            .map_err(|error| Error::Internal(format!("document read failed: {error}")))?
            .map_err(super::corpus::store_error)?;
        Ok(match text {
            (document, Some(text)) => Some(corpus_document_to_proto(&document, text)),
            (_, None) => None,
        })
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
        let origin = origin_from_proto("origin", request.origin)?;
        if request.min_documents < 0 {
            return Err(Error::invalid(
                "min_documents",
                "NEGATIVE_MIN_DOCUMENTS",
                format!("min_documents is {}; give 0 or more", request.min_documents),
            )
            .into());
        }
        let min_documents = usize::try_from(request.min_documents).unwrap_or(0);
        let range = DateRange {
            since: date_bound("since", &request.since)?,
            until: date_bound("until", &request.until)?,
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
                            && (!range.is_bounded() || period_reaches(relation.period.as_deref(), &range))
                    })
                    .map(Listed::Curated),
            );
        }
        let index = self
            .corpus
            .as_ref()
            .filter(|_| origin != Some(pb::Origin::Curated))
            .map(|c| c.read());
        if let Some(index) = &index {
            listed.extend(
                crate::corpus::corpus_relations(model, index, entity, &filter, &range, min_documents)
                    .into_iter()
                    .map(Listed::Corpus),
            );
        }
        let page = pager.page(&listed);
        Ok(Response::new(pb::ListRelationsResponse {
            relations: page
                .items
                .iter()
                .filter_map(|item| match item {
                    Listed::Curated(view) => Some(convert::relation_to_proto(model, *view)),
                    Listed::Corpus(relation) => index
                        .as_ref()
                        .map(|index| corpus_relation_to_proto(model, index, relation)),
                })
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
        let document = match model.document(id) {
            Some(document) => convert::document_to_proto(document),
            None => self
                .corpus_document(id)
                .await?
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
        // Curated documents first, then the corpus's, each in id order.
        let mut ids: Vec<(bool, String)> = Vec::new();
        if origin != Some(pb::Origin::Corpus) {
            ids.extend(model.documents.iter().map(|d| (true, d.id.clone())));
        }
        if let Some(corpus) = self.corpus.as_ref().filter(|_| origin != Some(pb::Origin::Curated)) {
            ids.extend(corpus.read().documents().map(|d| (false, d.id.clone())));
        }
        let page = pager.page(&ids);
        let mut documents = Vec::with_capacity(page.items.len());
        for (curated, id) in page.items {
            let document = if *curated {
                model.document(id).map(convert::document_to_proto)
            } else {
                self.corpus_document(id).await?
            };
            // A corpus document deleted since the listing was read is left out of the page.
            documents.extend(document);
        }
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
