//! Prometheus metrics of the service, and the HTTP endpoint that serves them. The gRPC layers
//! and the reloader record into one [`Metrics`]; nothing here knows about the domain.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, UNIX_EPOCH};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::model::Model;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    rpc: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RpcLabels {
    rpc: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabels {
    version: String,
}

type HistogramFamily = Family<RpcLabels, Histogram, fn() -> Histogram>;

/// How many gRPC status codes there are (0 OK to 16 UNAUTHENTICATED).
const STATUS_CODES: usize = 17;

/// One method's series, found once and kept: recording a call then allocates nothing, formats
/// nothing and hashes no labels. Each series is created in its family on its first use, so the
/// exported metrics hold only the series that were used, as before.
#[derive(Default)]
struct RpcSeries {
    latency: OnceLock<Histogram>,
    calls: [OnceLock<Counter>; STATUS_CODES],
}

fn latency_histogram() -> Histogram {
    // 50 µs to about 1.6 s: extraction of a short text sits at the bottom, a 1 MiB text near 10 ms.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

/// How a reload attempt ended: the values of the `result` label of `model_reloads_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReloadResult {
    /// The model was loaded (and swapped in if it changed).
    Success,
    /// The data had problems; the old model keeps serving.
    Failure,
    /// The data was valid but would have dropped most of the model on an automatic reload.
    Refused,
    /// The load took longer than `--reload-timeout-seconds` and was given up on.
    Abandoned,
}

impl ReloadResult {
    const ALL: [ReloadResult; 4] = [
        ReloadResult::Success,
        ReloadResult::Failure,
        ReloadResult::Refused,
        ReloadResult::Abandoned,
    ];

    fn label(self) -> &'static str {
        match self {
            ReloadResult::Success => "success",
            ReloadResult::Failure => "failure",
            ReloadResult::Refused => "refused",
            ReloadResult::Abandoned => "abandoned",
        }
    }
}

/// Every metric the service exports.
pub struct Metrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    latency: HistogramFamily,
    /// The series of each method label seen so far (a closed set: see `server::Methods`).
    series: RwLock<rustc_hash::FxHashMap<Arc<str>, RpcSeries>>,
    in_flight: Gauge,
    bodies_reading: Gauge,
    text_bytes_in_work: Gauge,
    shed: Counter,
    abandoned: Counter,
    reloads: Family<ReloadLabels, Counter>,
    model_entities: Gauge,
    model_relations: Gauge,
    model_agreements: Gauge,
    model_loaded_seconds: Gauge<f64, AtomicU64>,
    model_info: Family<VersionLabels, Gauge>,
    corpus: CorpusMetrics,
}

/// The corpus's size and the cost of ingesting into it.
struct CorpusMetrics {
    documents: Gauge,
    events: Gauge,
    relations: Gauge,
    store_bytes: Gauge,
    ingested: Counter,
    ingest_batch_seconds: Histogram,
}

impl CorpusMetrics {
    fn register(registry: &mut Registry) -> CorpusMetrics {
        let metrics = CorpusMetrics {
            documents: Gauge::default(),
            events: Gauge::default(),
            relations: Gauge::default(),
            store_bytes: Gauge::default(),
            ingested: Counter::default(),
            ingest_batch_seconds: latency_histogram(),
        };
        registry.register("corpus_documents", "Documents in the corpus", metrics.documents.clone());
        registry.register(
            "corpus_events",
            "Event reports read from the corpus's documents",
            metrics.events.clone(),
        );
        registry.register(
            "corpus_relations",
            "Relations the corpus states",
            metrics.relations.clone(),
        );
        registry.register(
            "corpus_store_bytes",
            "Size of the corpus store on disk",
            metrics.store_bytes.clone(),
        );
        registry.register(
            "corpus_ingested_documents",
            "Documents ingested (new, changed or unchanged)",
            metrics.ingested.clone(),
        );
        registry.register(
            "corpus_ingest_batch_seconds",
            "Time to read and durably commit one batch of ingested documents",
            metrics.ingest_batch_seconds.clone(),
        );
        metrics
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("actorgraph");
        let calls = Family::<CallLabels, Counter>::default();
        registry.register("calls", "gRPC calls by method and status code", calls.clone());
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        registry.register("call_duration_seconds", "gRPC call latency by method", latency.clone());
        let in_flight = Gauge::default();
        registry.register("calls_in_flight", "gRPC calls being answered now", in_flight.clone());
        let bodies_reading = Gauge::default();
        registry.register(
            "request_bodies_reading",
            "request bodies being read before their call is admitted",
            bodies_reading.clone(),
        );
        let text_bytes_in_work = Gauge::default();
        registry.register(
            "text_bytes_in_work",
            "request text bytes held against --max-text-bytes-in-work now",
            text_bytes_in_work.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "calls_shed",
            "gRPC calls refused because the server was at capacity",
            shed.clone(),
        );
        let abandoned = Counter::default();
        registry.register(
            "extractions_abandoned",
            "Extractions stopped early because their call was cancelled or ran out of time",
            abandoned.clone(),
        );
        let reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "model_reloads",
            "Model reloads by result (success, failure, refused)",
            reloads.clone(),
        );
        // Every series exists from the start at 0, so rates and alerts work before the first
        // reload.
        for result in ReloadResult::ALL {
            reloads
                .get_or_create(&ReloadLabels {
                    result: result.label().into(),
                })
                .get();
        }
        let model_entities = Gauge::default();
        registry.register("model_entities", "Entities in the served model", model_entities.clone());
        let model_relations = Gauge::default();
        registry.register(
            "model_relations",
            "Relations in the served model",
            model_relations.clone(),
        );
        let model_agreements = Gauge::default();
        registry.register(
            "model_agreements",
            "Agreements in the served model",
            model_agreements.clone(),
        );
        let model_loaded_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "model_loaded_timestamp_seconds",
            "When the served model was loaded, in Unix seconds",
            model_loaded_seconds.clone(),
        );
        let model_info = Family::<VersionLabels, Gauge>::default();
        registry.register(
            "model_info",
            "The version of the served model (value 1)",
            model_info.clone(),
        );
        let corpus = CorpusMetrics::register(&mut registry);
        Metrics {
            registry,
            calls,
            latency,
            series: RwLock::default(),
            in_flight,
            bodies_reading,
            text_bytes_in_work,
            shed,
            abandoned,
            reloads,
            model_entities,
            model_relations,
            model_agreements,
            model_loaded_seconds,
            model_info,
            corpus,
        }
    }

    /// Records one ingested batch and the corpus's size after it.
    pub fn record_ingest(
        &self,
        documents_in_batch: usize,
        took: Duration,
        documents: usize,
        events: usize,
        relations: usize,
        store_bytes: u64,
    ) {
        self.corpus
            .ingested
            .inc_by(u64::try_from(documents_in_batch).unwrap_or(u64::MAX));
        self.corpus.ingest_batch_seconds.observe(took.as_secs_f64());
        self.record_corpus(documents, events, relations, store_bytes);
    }

    /// Records the corpus's size.
    pub fn record_corpus(&self, documents: usize, events: usize, relations: usize, store_bytes: u64) {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.corpus.documents.set(count(documents));
        self.corpus.events.set(count(events));
        self.corpus.relations.set(count(relations));
        self.corpus
            .store_bytes
            .set(i64::try_from(store_bytes).unwrap_or(i64::MAX));
    }

    /// Records a finished call. `rpc` is a method label from the server's closed set of methods,
    /// never a path a client chose, so the series kept here stay as few as the methods.
    pub fn record_call(&self, rpc: &str, code: tonic::Code, latency: Duration) {
        if let Some(series) = self.series.read().unwrap_or_else(|e| e.into_inner()).get(rpc) {
            self.record_in(series, rpc, code, latency);
            return;
        }
        let mut table = self.series.write().unwrap_or_else(|e| e.into_inner());
        let series = table.entry(Arc::from(rpc)).or_default();
        self.record_in(series, rpc, code, latency);
    }

    fn record_in(&self, series: &RpcSeries, rpc: &str, code: tonic::Code, latency: Duration) {
        let code_index = (code as usize).min(STATUS_CODES - 1);
        series.calls[code_index]
            .get_or_init(|| {
                self.calls
                    .get_or_create(&CallLabels {
                        rpc: rpc.to_owned(),
                        code: format!("{code:?}"),
                    })
                    .clone()
            })
            .inc();
        series
            .latency
            .get_or_init(|| self.latency.get_or_create(&RpcLabels { rpc: rpc.to_owned() }).clone())
            .observe(latency.as_secs_f64());
    }

    /// A call started (`+1`) or ended (`-1`).
    pub fn add_bodies_reading(&self, delta: i64) {
        self.bodies_reading.inc_by(delta);
    }

    pub fn add_text_bytes_in_work(&self, delta: i64) {
        self.text_bytes_in_work.inc_by(delta);
    }

    pub fn add_in_flight(&self, delta: i64) {
        self.in_flight.inc_by(delta);
    }

    pub fn record_shed(&self) {
        self.shed.inc();
    }

    pub fn shed_count(&self) -> u64 {
        self.shed.get()
    }

    pub fn record_abandoned(&self) {
        self.abandoned.inc();
    }

    pub fn abandoned_count(&self) -> u64 {
        self.abandoned.get()
    }

    /// Records a reload attempt by its result.
    pub fn record_reload(&self, result: ReloadResult) {
        self.reloads
            .get_or_create(&ReloadLabels {
                result: result.label().into(),
            })
            .inc();
    }

    pub fn reload_count(&self, result: ReloadResult) -> u64 {
        self.reloads
            .get_or_create(&ReloadLabels {
                result: result.label().into(),
            })
            .get()
    }

    /// Describes the model now served.
    pub fn record_model(&self, model: &Model) {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.model_entities.set(count(model.entities.len()));
        self.model_relations.set(count(model.relations.len()));
        self.model_agreements.set(count(model.agreements.len()));
        let loaded = model.loaded_at.duration_since(UNIX_EPOCH).unwrap_or_default();
        self.model_loaded_seconds.set(loaded.as_secs_f64());
        self.model_info.clear();
        self.model_info
            .get_or_create(&VersionLabels {
                version: model.version.clone(),
            })
            .set(1);
    }

    /// The metrics in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` completes.
///
/// # Errors
/// When the address cannot be bound or the server fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::routing::get;
    let router = axum::Router::new().route(
        "/metrics",
        get(move || {
            let metrics = Arc::clone(&metrics);
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    metrics.encode(),
                )
            }
        }),
    );
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
