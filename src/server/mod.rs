//! Wires the service: loads the model, builds the gRPC server with its settings, health,
//! reflection, the call layer (logging, metrics, admission, deadlines), TLS, hot reload, the
//! metrics endpoint, and graceful shutdown.

pub mod allocator;
mod call_layer;
mod methods;
mod probe;
mod reload;
mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use arc_swap::ArcSwap;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;

pub use call_layer::{BodyReading, CallLayer, TextBudget};
pub use methods::{Methods, UNKNOWN_METHOD};
pub use probe::check_health;
pub use reload::{ReloadOutcome, Reloader};

use crate::api::{CorpusApi, ExtractionApi, ExtractionLimits, KnowledgeApi, SharedSnapshot};
use crate::config::{LogFormat, ServerConfig, StoreSetting};
use crate::corpus::{Corpus, RedbStore};
use crate::http::{BodyLimits, HttpLayer, Procedures};
use crate::metrics::Metrics;
use crate::pb::corpus_service_server::CorpusServiceServer;
use crate::pb::extraction_service_server::ExtractionServiceServer;
use crate::pb::knowledge_service_server::KnowledgeServiceServer;
use crate::snapshot::Snapshot;

/// The largest KnowledgeService request: ids, filters and a page token are small.
const KNOWLEDGE_DECODE_LIMIT: usize = 64 * 1024;

/// Sets up `tracing` output: human-readable or JSON lines, filtered by `RUST_LOG`
/// (default `info`), coloured only when stderr is a terminal.
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal: in a file or a log collector they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
}

/// Loads the model and serves it on `listener` until `shutdown` completes; then health turns
/// NOT_SERVING, new calls are refused, and calls in flight get the configured grace period.
///
/// # Errors
/// When the model cannot be loaded (the message lists every problem with file and line), a
/// TLS file or the metrics address is unusable, or the server fails.
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let app = tokio::task::spawn_blocking(move || App::load(config)).await??;
    app.serve(listener, shutdown).await
}

/// A loaded service, ready to serve: its model, metrics and reloader.
pub struct App {
    config: ServerConfig,
    shared: SharedSnapshot,
    metrics: Arc<Metrics>,
    reloader: Reloader,
    metrics_listener: Option<TcpListener>,
    /// The corpus, when `--store` names one.
    corpus: Option<Arc<Corpus>>,
}

impl App {
    /// Loads and validates the model of `config.data`, and opens the corpus store.
    ///
    /// # Errors
    /// Every problem of the data files, each with its file and line; a corpus store that
    /// cannot be opened (in use, another schema version, unreadable).
    pub fn load(config: ServerConfig) -> anyhow::Result<App> {
        let snapshot = Snapshot::load_layers_within(&config.data, config.max_data_file_bytes)?;
        // Warnings are doubts `check --strict` refuses, not faults of the served model: one
        // line says how many, each is at debug.
        for warning in &snapshot.model.warnings {
            tracing::debug!(file = %warning.file.display(), line = warning.line, "{}", warning.message);
        }
        if !snapshot.model.warnings.is_empty() {
            tracing::info!(
                warnings = snapshot.model.warnings.len(),
                "the data has warnings (quotes that name neither end of their relation); `actorgraph check --strict` lists them"
            );
        }
        tracing::info!(
            data = %crate::config::display_paths(&config.data),
            version = %snapshot.model.version,
            entities = snapshot.model.entities.len(),
            relations = snapshot.model.relations.len(),
            agreements = snapshot.model.agreements.len(),
            "model loaded"
        );
        let metrics = Arc::new(Metrics::new());
        metrics.record_model(&snapshot.model);
        let corpus = match &config.store {
            StoreSetting::Off => None,
            StoreSetting::Folder(folder) => {
                let store = RedbStore::open(folder)?;
                let corpus = Corpus::open(Box::new(store))?;
                let (documents, events, relations) = corpus.read().counts();
                metrics.record_corpus(documents, events, relations, corpus.store_bytes());
                tracing::info!(store = %folder.display(), documents, events, relations, "corpus opened");
                Some(Arc::new(corpus))
            }
        };
        let shared: SharedSnapshot = Arc::new(ArcSwap::from_pointee(snapshot));
        let reloader = Reloader::new(
            config.data.clone(),
            Arc::clone(&shared),
            Arc::clone(&metrics),
            config.reload_min_kept_percent,
            config.max_data_file_bytes,
            Duration::from_secs(config.reload_timeout_seconds.max(1)),
        );
        Ok(App {
            config,
            shared,
            metrics,
            reloader,
            metrics_listener: None,
            corpus,
        })
    }

    /// Reloads the model on demand, as SIGHUP does.
    pub fn reloader(&self) -> Reloader {
        self.reloader.clone()
    }

    /// The service's metrics.
    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.metrics)
    }

    /// The snapshot being served, swapped on reload.
    pub fn snapshot(&self) -> SharedSnapshot {
        Arc::clone(&self.shared)
    }

    /// Binds the metrics endpoint now (when configured), and returns its address.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn bind_metrics(&mut self) -> std::io::Result<Option<SocketAddr>> {
        if self.metrics_listener.is_none() {
            if let Some(address) = self.config.metrics_listen {
                self.metrics_listener = Some(TcpListener::bind(address).await?);
            }
        }
        self.metrics_listener.as_ref().map(TcpListener::local_addr).transpose()
    }

    fn tls_config(&self) -> anyhow::Result<Option<ServerTlsConfig>> {
        let (Some(cert), Some(key)) = (&self.config.tls_cert, &self.config.tls_key) else {
            return Ok(None);
        };
        let cert_pem = read_tls_file(cert, "certificate")?;
        let key_pem = read_tls_file(key, "key")?;
        tls::check_identity(cert, &cert_pem, key, &key_pem)?;
        let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(cert_pem, key_pem));
        if let Some(ca) = &self.config.tls_client_ca {
            let ca_pem = read_tls_file(ca, "client CA")?;
            tls::check_client_ca(ca, &ca_pem)?;
            tls = tls.client_ca_root(Certificate::from_pem(ca_pem));
        }
        Ok(Some(tls))
    }

    /// Serves until `shutdown` completes (see [`run`]).
    ///
    /// # Errors
    /// When a TLS file or the metrics address is unusable, or the server fails.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let config = self.config.clone();
        let (health_reporter, health_service) = tonic_health::server::health_reporter();
        health_reporter
            .set_serving::<ExtractionServiceServer<ExtractionApi>>()
            .await;
        health_reporter
            .set_serving::<KnowledgeServiceServer<KnowledgeApi>>()
            .await;
        health_reporter.set_serving::<CorpusServiceServer<CorpusApi>>().await;
        health_reporter.set_service_status("", ServingStatus::Serving).await;

        let descriptor_sets = crate::call::DESCRIBED_SETS;
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

        let extraction = ExtractionServiceServer::new(ExtractionApi::new(
            Arc::clone(&self.shared),
            ExtractionLimits {
                max_text_bytes: config.max_text_bytes,
                max_response_bytes: config.max_response_bytes,
            },
            Arc::clone(&self.metrics),
        ))
        .max_decoding_message_size(config.max_decoding_message_bytes())
        .max_encoding_message_size(usize::MAX);
        let knowledge = KnowledgeServiceServer::new(KnowledgeApi::new(Arc::clone(&self.shared), self.corpus.clone()))
            .max_decoding_message_size(KNOWLEDGE_DECODE_LIMIT)
            .max_encoding_message_size(usize::MAX);
        let corpus = CorpusServiceServer::new(CorpusApi::new(
            Arc::clone(&self.shared),
            self.corpus.clone(),
            config.max_text_bytes,
            Arc::clone(&self.metrics),
        ))
        .max_decoding_message_size(config.max_decoding_message_bytes())
        .max_encoding_message_size(usize::MAX);

        let mut background = Vec::new();
        let metrics_bound = self.bind_metrics().await.with_context(|| {
            let address = self.config.metrics_listen.map(|a| a.to_string()).unwrap_or_default();
            format!("cannot listen for metrics on {address} (--metrics-listen)")
        })?;
        if let Some(metrics_address) = metrics_bound {
            if let Some(metrics_listener) = self.metrics_listener.take() {
                let metrics = Arc::clone(&self.metrics);
                tracing::info!(address = %metrics_address, "serving Prometheus metrics at /metrics");
                background.push(tokio::spawn(async move {
                    if let Err(error) = crate::metrics::serve(metrics_listener, metrics, std::future::pending()).await {
                        tracing::error!(%error, "the metrics endpoint failed");
                    }
                }));
            }
        }
        background.push(self.reloader.spawn_on_sighup());
        if config.watch {
            match self.reloader.spawn_on_change() {
                Ok(task) => background.push(task),
                Err(error) => tracing::warn!(%error, "cannot watch the data files; reload with SIGHUP"),
            }
        }

        let keepalive = Duration::from_secs(config.keepalive_seconds.max(1));
        let local_address = listener.local_addr()?;
        let incoming = TcpIncoming::from(listener)
            .with_nodelay(Some(true))
            .with_keepalive(Some(keepalive));
        let max_call_duration = Duration::from_millis(config.request_timeout_ms.max(1));
        let large = Arc::new(Semaphore::new(config.max_large_requests.max(1)));
        let call_layer = CallLayer {
            metrics: Arc::clone(&self.metrics),
            permits: Arc::new(Semaphore::new(config.max_concurrent_calls.max(1))),
            max_call_duration,
            methods: Arc::new(Methods::served()),
            reading: Arc::new(BodyReading {
                timeout: max_call_duration.min(Duration::from_millis(config.body_read_timeout_ms.max(1))),
                large: Arc::clone(&large),
                text_message_bytes: config.max_decoding_message_bytes(),
                other_message_bytes: KNOWLEDGE_DECODE_LIMIT,
            }),
            texts: TextBudget::new(config.max_text_bytes_in_work),
        };
        // JSON bodies get the gRPC decode limits: a JSON message is larger than its protobuf,
        // so a request under these may still be refused by the handler's own limits.
        let http_layer = HttpLayer::new(Procedures::new(
            BodyLimits {
                extraction_bytes: config.max_decoding_message_bytes(),
                other_bytes: KNOWLEDGE_DECODE_LIMIT,
                timeout: max_call_duration.min(Duration::from_millis(config.body_read_timeout_ms.max(1))),
                answer_bytes: config.max_response_bytes,
            },
            large,
        )?);
        let tls = self.tls_config()?;
        let secure = tls.is_some();
        let mut builder = Server::builder();
        if let Some(tls) = tls {
            builder = builder.tls_config(tls)?;
        }
        let (stop_accepting, stop_signal) = tokio::sync::oneshot::channel::<()>();
        let server = builder
            // HTTP/1.1 too, for curl, browsers and gRPC-Web; gRPC itself stays HTTP/2.
            .accept_http1(true)
            .max_concurrent_streams(Some(config.max_concurrent_streams))
            .http2_max_local_error_reset_streams(Some(1024))
            .http2_keepalive_interval(Some(keepalive))
            .http2_keepalive_timeout(Some(Duration::from_secs(20)))
            .layer(http_layer)
            .layer(call_layer)
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(extraction)
            .add_service(knowledge)
            .add_service(corpus)
            .serve_with_incoming_shutdown(incoming, async {
                let _ = stop_signal.await;
            });
        tracing::info!(address = %local_address, tls = secure, "serving actorgraph.v1 (health, reflection v1 and v1alpha) over gRPC, gRPC-Web and Connect JSON; the page at /");
        tokio::pin!(server);
        let result = tokio::select! {
            result = &mut server => result.map_err(anyhow::Error::from),
            () = shutdown => {
                tracing::info!(grace_seconds = config.shutdown_grace_seconds, "shutting down: health NOT_SERVING, refusing new calls");
                health_reporter.set_service_status("", ServingStatus::NotServing).await;
                health_reporter.set_not_serving::<ExtractionServiceServer<ExtractionApi>>().await;
                health_reporter.set_not_serving::<KnowledgeServiceServer<KnowledgeApi>>().await;
                health_reporter.set_not_serving::<CorpusServiceServer<CorpusApi>>().await;
                let _ = stop_accepting.send(());
                match tokio::time::timeout(config.shutdown_grace(), &mut server).await {
                    Ok(result) => result.map_err(anyhow::Error::from),
                    Err(_) => {
                        tracing::warn!("grace period over: abandoning the calls still in flight");
                        Ok(())
                    }
                }
            }
        };
        for task in background {
            task.abort();
        }
        tracing::info!("stopped");
        result
    }
}

fn read_tls_file(path: &std::path::Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read the TLS {what} {}", path.display()))
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
