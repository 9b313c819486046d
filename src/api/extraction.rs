//! `actorgraph.v1.ExtractionService`: unary and streaming extraction of entities
//! ([`super::entities`]) and events ([`super::events`]), wired to the shared stream loop.

use std::pin::Pin;
use std::sync::Arc;

use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

use super::streams::{answer_item, item_error, serve_stream};
use super::{entities, events, SharedSnapshot};
use crate::metrics::Metrics;
use crate::pb;
use crate::pb::extraction_service_server::ExtractionService;

/// The handlers of `ExtractionService`.
pub struct ExtractionApi {
    snapshot: SharedSnapshot,
    limits: ExtractionLimits,
    metrics: Arc<Metrics>,
}

/// The size limits of extraction calls.
#[derive(Debug, Clone, Copy)]
pub struct ExtractionLimits {
    /// The largest text accepted, in bytes.
    pub max_text_bytes: usize,
    /// The largest answer sent, encoded, in bytes: gRPC clients refuse messages over 4 MiB by
    /// default, and a text full of names can give an answer several times its size.
    pub max_response_bytes: usize,
}

impl ExtractionApi {
    pub fn new(snapshot: SharedSnapshot, limits: ExtractionLimits, metrics: Arc<Metrics>) -> Self {
        ExtractionApi {
            snapshot,
            limits,
            metrics,
        }
    }
}

type ResponseStream = Pin<Box<dyn Stream<Item = Result<pb::StreamExtractEntitiesResponse, Status>> + Send>>;

#[tonic::async_trait]
impl ExtractionService for ExtractionApi {
    async fn extract_entities(
        &self,
        request: Request<pb::ExtractEntitiesRequest>,
    ) -> Result<Response<pb::ExtractEntitiesResponse>, Status> {
        let request = request.into_inner();
        let options = entities::read_request(&request, self.limits.max_text_bytes)?;
        let snapshot = self.snapshot.load_full();
        Ok(Response::new(
            entities::answer(
                snapshot,
                request,
                options,
                self.limits.max_response_bytes,
                &self.metrics,
            )
            .await?,
        ))
    }

    type StreamExtractEntitiesStream = ResponseStream;

    async fn stream_extract_entities(
        &self,
        request: Request<Streaming<pb::StreamExtractEntitiesRequest>>,
    ) -> Result<Response<ResponseStream>, Status> {
        // A stream is one call: every item is answered by the model it started with, as unary
        // calls in flight are, however many reloads happen while it is open.
        let snapshot = self.snapshot.load_full();
        let limits = self.limits;
        let metrics = Arc::clone(&self.metrics);
        let answers = serve_stream(request.into_inner(), move |item: pb::StreamExtractEntitiesRequest| {
            let snapshot = Arc::clone(&snapshot);
            let metrics = Arc::clone(&metrics);
            async move {
                let result = answer_item(
                    item.request,
                    |request| entities::read_request(request, limits.max_text_bytes),
                    |request, options| {
                        entities::answer(snapshot, request, options, limits.max_response_bytes, &metrics)
                    },
                )
                .await;
                pb::StreamExtractEntitiesResponse {
                    request_id: item.request_id,
                    result: Some(match result {
                        Ok(response) => pb::stream_extract_entities_response::Result::Response(response),
                        Err(error) => pb::stream_extract_entities_response::Result::Error(item_error(&error)),
                    }),
                }
            }
        });
        Ok(Response::new(Box::pin(answers)))
    }

    async fn extract_events(
        &self,
        request: Request<pb::ExtractEventsRequest>,
    ) -> Result<Response<pb::ExtractEventsResponse>, Status> {
        let request = request.into_inner();
        let options = events::read_request(&request, self.limits.max_text_bytes)?;
        let snapshot = self.snapshot.load_full();
        Ok(Response::new(
            events::answer(
                snapshot,
                request,
                options,
                self.limits.max_response_bytes,
                &self.metrics,
            )
            .await?,
        ))
    }

    type StreamExtractEventsStream = EventsResponseStream;

    async fn stream_extract_events(
        &self,
        request: Request<Streaming<pb::StreamExtractEventsRequest>>,
    ) -> Result<Response<EventsResponseStream>, Status> {
        let snapshot = self.snapshot.load_full();
        let limits = self.limits;
        let metrics = Arc::clone(&self.metrics);
        let answers = serve_stream(request.into_inner(), move |item: pb::StreamExtractEventsRequest| {
            let snapshot = Arc::clone(&snapshot);
            let metrics = Arc::clone(&metrics);
            async move {
                let result = answer_item(
                    item.request,
                    |request| events::read_request(request, limits.max_text_bytes),
                    |request, options| events::answer(snapshot, request, options, limits.max_response_bytes, &metrics),
                )
                .await;
                pb::StreamExtractEventsResponse {
                    request_id: item.request_id,
                    result: Some(match result {
                        Ok(response) => pb::stream_extract_events_response::Result::Response(response),
                        Err(error) => pb::stream_extract_events_response::Result::Error(item_error(&error)),
                    }),
                }
            }
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

type EventsResponseStream = Pin<Box<dyn Stream<Item = Result<pb::StreamExtractEventsResponse, Status>> + Send>>;
