//! `actorgraph.v1.CorpusService`: ingest, delete and list the events of the corpus. Handlers
//! validate the request, call [`Corpus`] on the blocking pool (reading a text and syncing the
//! store are both too slow for the async workers), and convert the answer.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures_util::{FutureExt as _, Stream};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::convert_corpus as convert;
use super::offload::{check_text, CancelOnDrop};
use super::streams::{inbound_status, item_error, STREAM_BUFFER};
use super::{arguments, SharedSnapshot};
use crate::corpus::{Corpus, DateRange, EventFilter, IngestOutcome, NewDocument, StoreError};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::pagination::{ListingKey, Pager};
use crate::pb;
use crate::pb::corpus_service_server::CorpusService;
use crate::snapshot::Snapshot;

/// The longest stream `request_id` echoed back, in bytes; a longer one is the item's error.
const MAX_REQUEST_ID_BYTES: usize = 256;
/// The longest title, URL or publisher accepted, in bytes.
pub const MAX_FIELD_BYTES: usize = 4096;
/// The most documents of a stream committed together, and the most text bytes.
const MAX_BATCH_DOCUMENTS: usize = 256;
const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// The handlers of `CorpusService`.
pub struct CorpusApi {
    snapshot: SharedSnapshot,
    /// `None` when the server runs without a store (`--store off`).
    corpus: Option<Arc<Corpus>>,
    max_text_bytes: usize,
    metrics: Arc<Metrics>,
}

impl CorpusApi {
    pub fn new(
        snapshot: SharedSnapshot,
        corpus: Option<Arc<Corpus>>,
        max_text_bytes: usize,
        metrics: Arc<Metrics>,
    ) -> Self {
        CorpusApi {
            snapshot,
            corpus,
            max_text_bytes,
            metrics,
        }
    }

    fn corpus(&self) -> Result<Arc<Corpus>, Error> {
        self.corpus.clone().ok_or_else(no_store)
    }
}

fn no_store() -> Error {
    Error::FailedPrecondition {
        reason: "NO_CORPUS_STORE",
        message: "this server runs without a corpus store (--store off); start it with --store DIR to ingest documents"
            .into(),
    }
}

/// A store failure as the caller sees it: retry later, the operator has the log.
pub fn store_error(error: StoreError) -> Error {
    tracing::error!(%error, "the corpus store failed");
    match error {
        StoreError::Corrupt { .. } => Error::Internal(error.to_string()),
        _ => Error::Unavailable {
            reason: "STORE_FAILED",
            message: "the corpus store cannot write now; nothing was stored, retry later".into(),
        },
    }
}

/// Validates one document to ingest.
fn check_document(model: &Model, request: &pb::IngestDocumentRequest, max_text_bytes: usize) -> Result<(), Error> {
    arguments::id("id", &request.id)?;
    if model.document(&request.id).is_some() {
        return Err(Error::invalid(
            "id",
            "DOCUMENT_ID_TAKEN",
            format!(
                "{:?} is a document of the curated model; give the ingested document another id",
                request.id
            ),
        ));
    }
    check_text(&request.text, max_text_bytes)?;
    if request.text.trim().is_empty() {
        return Err(Error::invalid(
            "text",
            "EMPTY_TEXT",
            "text is empty: a document to ingest needs its text",
        ));
    }
    for (field, value) in [
        ("title", &request.title),
        ("url", &request.url),
        ("publisher", &request.publisher),
    ] {
        if value.len() > MAX_FIELD_BYTES {
            return Err(Error::invalid(
                field,
                "FIELD_TOO_LONG",
                format!("{field} is {} bytes; the limit is {MAX_FIELD_BYTES}", value.len()),
            ));
        }
    }
    arguments::optional_date("published_date", &request.published_date).map(|_| ())
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// Ingests validated documents on the blocking pool; abandoned (nothing written) when the call
/// is dropped while the texts are read.
async fn ingest(
    corpus: Arc<Corpus>,
    snapshot: Arc<Snapshot>,
    documents: Vec<NewDocument>,
    metrics: &Metrics,
) -> Result<Vec<IngestOutcome>, Error> {
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancelled));
    let started = Instant::now();
    let count = documents.len();
    let outcome = tokio::task::spawn_blocking(move || {
        let stop = || cancelled.load(Ordering::Relaxed);
        let outcome = corpus.ingest(&snapshot, documents, &stop);
        (outcome, corpus.read().counts(), corpus.store_bytes())
    })
    .await
    .map_err(|error| Error::Internal(format!("ingest task failed: {error}")))?;
    let (result, (documents, events, relations), store_bytes) = outcome;
    match result {
        Ok(Some(outcomes)) => {
            metrics.record_ingest(count, started.elapsed(), documents, events, relations, store_bytes);
            Ok(outcomes)
        }
        Ok(None) => Err(Error::DeadlineExceeded(
            "the call was cancelled; its documents were not stored".into(),
        )),
        Err(error) => Err(store_error(error)),
    }
}

type IngestStream = Pin<Box<dyn Stream<Item = Result<pb::StreamIngestDocumentsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl CorpusService for CorpusApi {
    async fn ingest_document(
        &self,
        request: Request<pb::IngestDocumentRequest>,
    ) -> Result<Response<pb::IngestDocumentResponse>, Status> {
        let corpus = self.corpus()?;
        let snapshot = self.snapshot.load_full();
        let request = request.into_inner();
        check_document(&snapshot.model, &request, self.max_text_bytes)?;
        let mut outcomes = ingest(corpus, snapshot, vec![convert::new_document(request)], &self.metrics).await?;
        let outcome = outcomes
            .pop()
            .ok_or_else(|| Error::Internal("the ingest gave no outcome".into()))?;
        Ok(Response::new(convert::ingest_outcome_to_proto(outcome)))
    }

    type StreamIngestDocumentsStream = IngestStream;

    async fn stream_ingest_documents(
        &self,
        request: Request<Streaming<pb::StreamIngestDocumentsRequest>>,
    ) -> Result<Response<IngestStream>, Status> {
        let corpus = self.corpus()?;
        let snapshot = self.snapshot.load_full();
        let max_text_bytes = self.max_text_bytes;
        let metrics = Arc::clone(&self.metrics);
        let mut inbound = request.into_inner();
        let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
        tokio::spawn(async move {
            let mut broken = None;
            loop {
                // The first document of a batch is awaited; the others are those already here.
                let first = match inbound.message().await {
                    Ok(Some(item)) => item,
                    Ok(None) => break,
                    Err(status) => {
                        broken = Some(status);
                        break;
                    }
                };
                let text_bytes =
                    |item: &pb::StreamIngestDocumentsRequest| item.request.as_ref().map_or(0, |r| r.text.len());
                let mut bytes = text_bytes(&first);
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH_DOCUMENTS && bytes < MAX_BATCH_BYTES {
                    match inbound.message().now_or_never() {
                        Some(Ok(Some(item))) => {
                            bytes += text_bytes(&item);
                            batch.push(item);
                        }
                        Some(Ok(None)) | None => break,
                        Some(Err(status)) => {
                            broken = Some(status);
                            break;
                        }
                    }
                }
                let answers = ingest_batch(&corpus, &snapshot, batch, max_text_bytes, &metrics).await;
                for answer in answers {
                    if sender.send(answer).await.is_err() {
                        return;
                    }
                }
                if broken.is_some() {
                    break;
                }
            }
            if let Some(status) = broken {
                let _ = sender.send(Err(inbound_status(status))).await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }

    async fn delete_document(
        &self,
        request: Request<pb::DeleteDocumentRequest>,
    ) -> Result<Response<pb::DeleteDocumentResponse>, Status> {
        let corpus = self.corpus()?;
        let id = request.into_inner().id;
        arguments::id("id", &id)?;
        if self.snapshot.load().model.document(&id).is_some() && corpus.read().document(&id).is_none() {
            return Err(Error::FailedPrecondition {
                reason: "CURATED_DOCUMENT",
                message: format!(
                    "{id:?} is a document of the curated model, not an ingested one: remove it from the data files"
                ),
            }
            .into());
        }
        let events = corpus.read().document(&id).map(|d| d.events.len());
        let Some(events) = events else {
            return Err(Error::not_found("document", id).into());
        };
        let deleted = {
            let corpus = Arc::clone(&corpus);
            let id = id.clone();
            tokio::task::spawn_blocking(move || corpus.delete(&id))
                .await
                .map_err(|error| Error::Internal(format!("delete task failed: {error}")))?
                .map_err(store_error)?
        };
        if !deleted {
            return Err(Error::not_found("document", id).into());
        }
        let (documents, all_events, relations) = corpus.read().counts();
        self.metrics
            .record_corpus(documents, all_events, relations, corpus.store_bytes());
        Ok(Response::new(pb::DeleteDocumentResponse {
            document_id: id,
            retracted_event_count: u32::try_from(events).unwrap_or(u32::MAX),
        }))
    }

    async fn list_events(
        &self,
        request: Request<pb::ListEventsRequest>,
    ) -> Result<Response<pb::ListEventsResponse>, Status> {
        let corpus = self.corpus()?;
        let snapshot = self.snapshot.load_full();
        let model = &snapshot.model;
        let request = request.into_inner();
        arguments::optional_entity(model, "actor_id", &request.actor_id)?;
        if !request.code_root.is_empty() {
            super::events::check_root("code_root", &request.code_root)?;
        }
        if !request.document_id.is_empty() {
            arguments::id("document_id", &request.document_id)?;
        }
        let range = DateRange {
            since: arguments::optional_date("since", &request.since)?,
            until: arguments::optional_date("until", &request.until)?,
        };
        let filter = EventFilter {
            actor: optional(&request.actor_id),
            root: optional(&request.code_root),
            document: optional(&request.document_id),
            range,
        };
        let key = ListingKey::Events {
            actor_id: request.actor_id,
            code_root: request.code_root,
            document_id: request.document_id,
            since: request.since,
            until: request.until,
        };
        let pager = Pager::read(request.page_size, &request.page_token, &key, &model.version)?;
        // Filtering reads the whole index and quoting reads the store: off the async workers.
        let snapshot = Arc::clone(&snapshot);
        let answer = tokio::task::spawn_blocking(move || {
            let model = &snapshot.model;
            let index = corpus.read();
            let events = index.events(&filter);
            let page = pager.page(&events);
            let quoted = page
                .items
                .iter()
                .flat_map(|group| convert::event_reports(group).map(|r| &*r.document));
            let texts = corpus.texts(quoted).map_err(store_error)?;
            Ok::<_, Error>(pb::ListEventsResponse {
                events: page
                    .items
                    .iter()
                    .map(|group| convert::corpus_event_to_proto(model, &index, group, &texts))
                    .collect(),
                next_page_token: page.next_page_token,
                total_size: page.total_size,
                model_version: model.version.clone(),
            })
        })
        .await
        .map_err(|error| Error::Internal(format!("event listing failed: {error}")))??;
        Ok(Response::new(answer))
    }
}

/// Answers one batch of a stream in order: refused documents get their error, the others are
/// ingested with one commit and answered once it is durable.
async fn ingest_batch(
    corpus: &Arc<Corpus>,
    snapshot: &Arc<Snapshot>,
    batch: Vec<pb::StreamIngestDocumentsRequest>,
    max_text_bytes: usize,
    metrics: &Metrics,
) -> Vec<Result<pb::StreamIngestDocumentsResponse, Status>> {
    use pb::stream_ingest_documents_response::Result as Answer;
    let mut answers: Vec<(String, Option<Error>)> = Vec::with_capacity(batch.len());
    let mut accepted = Vec::new();
    for item in batch {
        let checked = match &item.request {
            None => Err(Error::invalid(
                "request",
                "MISSING_REQUEST",
                "each stream item needs a request",
            )),
            Some(request) => check_document(&snapshot.model, request, max_text_bytes),
        };
        let checked = checked.and_then(|()| {
            if item.request_id.len() > MAX_REQUEST_ID_BYTES {
                return Err(Error::invalid(
                    "request_id",
                    "REQUEST_ID_TOO_LONG",
                    format!(
                        "request_id is {} bytes; the limit is {MAX_REQUEST_ID_BYTES}",
                        item.request_id.len()
                    ),
                ));
            }
            Ok(())
        });
        let request_id = if item.request_id.len() > MAX_REQUEST_ID_BYTES {
            String::new()
        } else {
            item.request_id
        };
        match (checked, item.request) {
            (Ok(()), Some(request)) => {
                answers.push((request_id, None));
                accepted.push(convert::new_document(request));
            }
            (Err(error), _) => answers.push((request_id, Some(error))),
            (Ok(()), None) => answers.push((
                request_id,
                Some(Error::Internal("a checked item has no request".into())),
            )),
        }
    }
    let mut outcomes = if accepted.is_empty() {
        Vec::new().into_iter()
    } else {
        let count = accepted.len();
        match ingest(Arc::clone(corpus), Arc::clone(snapshot), accepted, metrics).await {
            Ok(outcomes) => outcomes
                .into_iter()
                .map(|o| Ok(convert::ingest_outcome_to_proto(o)))
                .collect::<Vec<_>>(),
            Err(error) => (0..count).map(|_| Err(item_error(&error))).collect(),
        }
        .into_iter()
    };
    answers
        .into_iter()
        .map(|(request_id, refused)| {
            let result = match refused {
                Some(error) => Answer::Error(item_error(&error)),
                None => match outcomes.next() {
                    Some(Ok(response)) => Answer::Response(response),
                    Some(Err(error)) => Answer::Error(error),
                    None => {
                        return Err(Status::from(Error::Internal(
                            "an ingested document has no answer".into(),
                        )))
                    }
                },
            };
            Ok(pb::StreamIngestDocumentsResponse {
                request_id,
                result: Some(result),
            })
        })
        .collect()
}
