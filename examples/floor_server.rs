//! The framework's floor for the load benchmark (`benches/load.sh`): a bare tonic server with
//! actorgraph's HTTP/2 settings and its `ExtractionService`, whose unary calls decode the same
//! request messages and answer an empty message. No layers, no model, no work: what a call costs
//! in tonic, hyper and the kernel alone, measured in the same run as actorgraph so that every
//! row of the load report has a ratio to it.
//!
//! Usage: `floor_server ADDRESS`; it serves until it is stopped (SIGTERM or Ctrl-C).

use std::pin::Pin;
use std::time::Duration;

use actorgraph::config::ServerConfig;
use actorgraph::pb;
use actorgraph::pb::extraction_service_server::{ExtractionService, ExtractionServiceServer};
use tokio_stream::Stream;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic::{Request, Response, Status, Streaming};

struct Floor;

type Answers<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl ExtractionService for Floor {
    async fn extract_entities(
        &self,
        _request: Request<pb::ExtractEntitiesRequest>,
    ) -> Result<Response<pb::ExtractEntitiesResponse>, Status> {
        Ok(Response::new(pb::ExtractEntitiesResponse::default()))
    }

    type StreamExtractEntitiesStream = Answers<pb::StreamExtractEntitiesResponse>;

    async fn stream_extract_entities(
        &self,
        _request: Request<Streaming<pb::StreamExtractEntitiesRequest>>,
    ) -> Result<Response<Self::StreamExtractEntitiesStream>, Status> {
        Err(Status::unimplemented("the floor server answers unary calls only"))
    }

    async fn extract_events(
        &self,
        _request: Request<pb::ExtractEventsRequest>,
    ) -> Result<Response<pb::ExtractEventsResponse>, Status> {
        Ok(Response::new(pb::ExtractEventsResponse::default()))
    }

    type StreamExtractEventsStream = Answers<pb::StreamExtractEventsResponse>;

    async fn stream_extract_events(
        &self,
        _request: Request<Streaming<pb::StreamExtractEventsRequest>>,
    ) -> Result<Response<Self::StreamExtractEventsStream>, Status> {
        Err(Status::unimplemented("the floor server answers unary calls only"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address = std::env::args().nth(1).ok_or("usage: floor_server ADDRESS")?;
    let listener = tokio::net::TcpListener::bind(&address).await?;
    // actorgraph's defaults, so that the two servers differ only in what actorgraph adds.
    let config = ServerConfig::with_data("unused");
    let keepalive = Duration::from_secs(config.keepalive_seconds.max(1));
    let incoming = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(keepalive));
    let service = ExtractionServiceServer::new(Floor)
        .max_decoding_message_size(config.max_decoding_message_bytes())
        .max_encoding_message_size(usize::MAX);
    let stop = async {
        #[cfg(unix)]
        if let Ok(mut terminate) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    };
    Server::builder()
        .accept_http1(true)
        .max_concurrent_streams(Some(config.max_concurrent_streams))
        .http2_max_local_error_reset_streams(Some(1024))
        .http2_keepalive_interval(Some(keepalive))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)))
        .add_service(service)
        .serve_with_incoming_shutdown(incoming, stop)
        .await?;
    Ok(())
}
