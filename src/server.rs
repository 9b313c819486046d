//! Wires the service: loads the model, builds the gRPC server with its settings, health and
//! reflection, logs every call, and shuts down gracefully.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use tokio::net::TcpListener;
use tonic::codegen::http;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::ServingStatus;
use tower::{Layer, Service};
use tracing::Instrument;

use crate::api::{ExtractionApi, KnowledgeApi, SharedSnapshot};
use crate::config::{LogFormat, ServerConfig};
use crate::pb::extraction_service_server::ExtractionServiceServer;
use crate::pb::knowledge_service_server::KnowledgeServiceServer;
use crate::snapshot::Snapshot;

/// Sets up `tracing` output: human-readable or JSON lines, filtered by `RUST_LOG`
/// (default `info`).
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
}

/// Loads the model and serves it on `listener` until `shutdown` completes; then health turns
/// NOT_SERVING, new calls are refused, and calls in flight get the configured grace period.
///
/// # Errors
/// When the model cannot be loaded (the message lists every problem with file and line) or the
/// server fails.
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let data = config.data.clone();
    let snapshot = tokio::task::spawn_blocking(move || Snapshot::load(&data)).await??;
    tracing::info!(
        data = %config.data.display(),
        version = %snapshot.model.version,
        entities = snapshot.model.entities.len(),
        relations = snapshot.model.relations.len(),
        agreements = snapshot.model.agreements.len(),
        "model loaded"
    );
    let shared: SharedSnapshot = Arc::new(ArcSwap::from_pointee(snapshot));
    serve(listener, config, shared, shutdown).await
}

/// Serves an already loaded snapshot (see [`run`]).
///
/// # Errors
/// When the server fails.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    shared: SharedSnapshot,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<ExtractionServiceServer<ExtractionApi>>()
        .await;
    health_reporter
        .set_serving::<KnowledgeServiceServer<KnowledgeApi>>()
        .await;
    health_reporter.set_service_status("", ServingStatus::Serving).await;

    // The error-detail types are registered too, so grpcurl can show an error's ErrorInfo and
    // BadRequest instead of raw bytes.
    let descriptor_sets = [
        crate::pb::FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
        tonic_types::pb::FILE_DESCRIPTOR_SET,
    ];
    let reflection_v1 = descriptor_sets
        .iter()
        .fold(tonic_reflection::server::Builder::configure(), |builder, set| {
            builder.register_encoded_file_descriptor_set(set)
        })
        .build_v1()?;
    let reflection_v1alpha = descriptor_sets
        .iter()
        .fold(tonic_reflection::server::Builder::configure(), |builder, set| {
            builder.register_encoded_file_descriptor_set(set)
        })
        .build_v1alpha()?;

    let decode_limit = config.max_decoding_message_bytes();
    let extraction = ExtractionServiceServer::new(ExtractionApi::new(Arc::clone(&shared), config.max_text_bytes))
        .max_decoding_message_size(decode_limit)
        .max_encoding_message_size(usize::MAX);
    let knowledge = KnowledgeServiceServer::new(KnowledgeApi::new(Arc::clone(&shared)))
        .max_decoding_message_size(64 * 1024)
        .max_encoding_message_size(usize::MAX);

    let keepalive = Duration::from_secs(config.keepalive_seconds.max(1));
    let local_address = listener.local_addr()?;
    let incoming = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(keepalive));

    let (stop_accepting, stop_signal) = tokio::sync::oneshot::channel::<()>();
    let server = Server::builder()
        .max_concurrent_streams(Some(config.max_concurrent_streams))
        .http2_max_local_error_reset_streams(Some(1024))
        .http2_keepalive_interval(Some(keepalive))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)))
        .layer(RequestLogLayer)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(extraction)
        .add_service(knowledge)
        .serve_with_incoming_shutdown(incoming, async {
            let _ = stop_signal.await;
        });
    tracing::info!(address = %local_address, "serving actorgraph.v1 (health, reflection v1 and v1alpha)");
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = shutdown => {}
    }
    tracing::info!(
        grace_seconds = config.shutdown_grace_seconds,
        "shutting down: health NOT_SERVING, refusing new calls"
    );
    health_reporter.set_service_status("", ServingStatus::NotServing).await;
    health_reporter
        .set_not_serving::<ExtractionServiceServer<ExtractionApi>>()
        .await;
    health_reporter
        .set_not_serving::<KnowledgeServiceServer<KnowledgeApi>>()
        .await;
    let _ = stop_accepting.send(());
    match tokio::time::timeout(config.shutdown_grace(), server).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!("grace period over: abandoning the calls still in flight"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// A future that completes on SIGINT or SIGTERM (Ctrl-C only, off Unix).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Logs every call in a span with its RPC and request id, and its status and latency when it
/// ends; echoes the request id (from `x-request-id`, or generated) in the response headers.
#[derive(Debug, Clone, Copy)]
pub struct RequestLogLayer;

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLog { inner }
    }
}

/// The service of [`RequestLogLayer`].
#[derive(Debug, Clone)]
pub struct RequestLog<S> {
    inner: S,
}

/// The metadata key of the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

fn generate_request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        hasher.finish() as u32
    });
    format!("{prefix:08x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl<S, RequestBody, ResponseBody> Service<http::Request<RequestBody>> for RequestLog<S>
where
    S: Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    RequestBody: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        let rpc = request.uri().path().to_owned();
        let request_id = request
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && value.len() <= 128)
            .map_or_else(generate_request_id, str::to_owned);
        // The service that was polled ready is the one to call; leave a fresh clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let span = tracing::info_span!("rpc", rpc = %rpc, request_id = %request_id);
        Box::pin(
            async move {
                let started = Instant::now();
                let mut result = inner.call(request).await;
                let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
                if let Ok(response) = &mut result {
                    if let Ok(value) = http::HeaderValue::from_str(&request_id) {
                        response.headers_mut().insert(REQUEST_ID_HEADER, value);
                    }
                    // Errors come as trailers-only responses with the status in the headers; a
                    // response without it carries its status in the trailers (OK for unary calls).
                    let code = response
                        .headers()
                        .get("grpc-status")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<i32>().ok())
                        .map_or(tonic::Code::Ok, tonic::Code::from_i32);
                    log_call(code, latency_ms);
                }
                result
            }
            .instrument(span),
        )
    }
}

/// Logs at a level chosen by the status: success quietly, client errors at info, server
/// errors at warn or error.
fn log_call(code: tonic::Code, latency_ms: f64) {
    use tonic::Code;
    let status = format!("{code:?}");
    match code {
        Code::Ok => tracing::debug!(%status, latency_ms, "call finished"),
        Code::Internal | Code::Unknown | Code::DataLoss => tracing::error!(%status, latency_ms, "call failed"),
        Code::Unavailable | Code::ResourceExhausted | Code::DeadlineExceeded => {
            tracing::warn!(%status, latency_ms, "call failed")
        }
        _ => tracing::info!(%status, latency_ms, "call failed"),
    }
}
