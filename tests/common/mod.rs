//! Starts the real server on 127.0.0.1:0 and connects the generated clients to it.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use actorgraph::config::ServerConfig;
use actorgraph::pb::extraction_service_client::ExtractionServiceClient;
use actorgraph::pb::knowledge_service_client::KnowledgeServiceClient;
use actorgraph::snapshot::Snapshot;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// The shipped model.
pub fn shipped_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The shipped model's layers: the world layer, then the article's model.
pub fn shipped_layers() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    actorgraph::config::DEFAULT_DATA
        .iter()
        .map(|path| root.join(path))
        .collect()
}

/// The article's model alone (`data/`, no world layer), loaded once per test binary.
pub fn article_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| Snapshot::load(&shipped_data()).expect("the shipped model loads"))
}

/// The shipped layers (the world, then the article's model), loaded once per test binary.
pub fn world_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| Snapshot::load_layers(&shipped_layers()).expect("the shipped layers load"))
}

/// The seed article the shipped model was built from.
pub fn article() -> String {
    std::fs::read_to_string(shipped_data().join("article.txt")).expect("the shipped article is readable")
}

/// A server running in this test process.
pub struct TestServer {
    pub address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    pub handle: JoinHandle<anyhow::Result<()>>,
    /// Reloads the served model, as SIGHUP does.
    pub reloader: Option<actorgraph::server::Reloader>,
    pub metrics: Option<std::sync::Arc<actorgraph::metrics::Metrics>>,
    /// Where Prometheus metrics are served, when the config asks for them.
    pub metrics_address: Option<SocketAddr>,
}

impl TestServer {
    /// Starts a server on the shipped model (world layer and article).
    pub async fn start() -> TestServer {
        let mut config = ServerConfig::with_data(shipped_data());
        config.data = shipped_layers();
        TestServer::start_with(config).await
    }

    /// Starts a server on the seed article's model alone (23 entities), for tests of the
    /// mechanics (paging, filters) that count what they get.
    pub async fn start_article_only() -> TestServer {
        TestServer::start_with(ServerConfig::with_data(shipped_data())).await
    }

    /// Starts a server with `config`, on an ephemeral loopback port. A model that does not load
    /// leaves the error in `handle`.
    pub async fn start_with(config: ServerConfig) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an ephemeral port");
        let address = listener.local_addr().expect("local address");
        let (shutdown, signal) = oneshot::channel::<()>();
        let signal = async {
            let _ = signal.await;
        };
        let loaded = tokio::task::spawn_blocking(move || actorgraph::server::App::load(config))
            .await
            .expect("the load task");
        let mut app = match loaded {
            Ok(app) => app,
            Err(error) => {
                return TestServer {
                    address,
                    shutdown: Some(shutdown),
                    handle: tokio::spawn(async move { Err(error) }),
                    reloader: None,
                    metrics: None,
                    metrics_address: None,
                }
            }
        };
        let metrics_address = app.bind_metrics().await.expect("bind the metrics address");
        let reloader = Some(app.reloader());
        let metrics = Some(app.metrics());
        let handle = tokio::spawn(app.serve(listener, signal));
        TestServer {
            address,
            shutdown: Some(shutdown),
            handle,
            reloader,
            metrics,
            metrics_address,
        }
    }

    /// A new connection to the server.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.address))
            .expect("a valid URI")
            .connect()
            .await
            .expect("connect to the test server")
    }

    pub async fn knowledge(&self) -> KnowledgeServiceClient<Channel> {
        KnowledgeServiceClient::new(self.channel().await)
    }

    pub async fn corpus(&self) -> actorgraph::pb::corpus_service_client::CorpusServiceClient<Channel> {
        actorgraph::pb::corpus_service_client::CorpusServiceClient::new(self.channel().await)
    }

    pub async fn extraction(&self) -> ExtractionServiceClient<Channel> {
        ExtractionServiceClient::new(self.channel().await).max_decoding_message_size(64 * 1024 * 1024)
    }

    /// Starts the graceful shutdown, as SIGTERM does.
    pub fn begin_shutdown(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The `ErrorInfo` reason and the `BadRequest` fields of an error status.
pub fn error_details(status: &tonic::Status) -> (String, String, Vec<String>) {
    use tonic_types::StatusExt;
    let details = status.get_error_details();
    let info = details.error_info().expect("every error carries an ErrorInfo");
    let fields = details
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default();
    (info.reason.clone(), info.domain.clone(), fields)
}

/// Writes a data folder whose model has one entity whose name can be changed, to tell models apart.
pub fn write_model(folder: &std::path::Path, name: &str) {
    let data = format!(
        "[[documents]]\nid = \"d\"\ntitle = \"t\"\ntext = \"{name} exists.\"\n\n[[entities]]\nid = \"subject\"\nname = \"{name}\"\ntype = \"country\"\n"
    );
    let file = folder.join("model.toml");
    // Write then rename, as editors do, so a reader never sees half a file.
    let partial = folder.join(".model.toml.partial");
    std::fs::write(&partial, data).expect("write the model");
    std::fs::rename(&partial, &file).expect("replace the model");
}

/// The name of that one entity, as the server answers it now.
pub async fn subject_name(client: &mut KnowledgeServiceClient<Channel>) -> String {
    client
        .get_entity(actorgraph::pb::GetEntityRequest { id: "subject".into() })
        .await
        .expect("no failed call")
        .into_inner()
        .entity
        .expect("an entity")
        .name
}

/// The team scorers' form of a name (`score.py`, `score_events.py`): compatibility-decomposed,
/// marks removed, dotless i as i, dashes and apostrophes as spaces, case-folded, spaces collapsed.
pub fn scorer_norm(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let decomposed: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'ı' => 'i',
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\'' | '\u{2019}' | '\u{2018}'
            | '`' | '\u{b4}' => ' ',
            c => c,
        })
        .collect();
    decomposed
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The dev set: six real texts near the seed's region (`tests/fixtures/dev`).
pub const DEV_TEXTS: [&str; 6] = [
    "01_voa_france_greece_turkey_2020",
    "02_voa_tillerson_qatar_kuwait_2017",
    "03_wikipedia_wagner_group_libya",
    "04_crs_turkey_background_2018",
    "05_state_russia_middle_east_briefing_2020",
    "06_wikipedia_egypt_turkey_relations",
];

/// The second dev set: eight situations far from the seed's. Text 06 is © United Nations and is
/// read from `../shared/dev2/` beside the checkout, never copied; the others are in
/// `tests/fixtures/dev2/` with their `SOURCES.md`.
pub const DEV2_TEXTS: [&str; 8] = [
    "01_wikipedia_ohrid_agreement_kosovo_serbia",
    "02_fcdo_e3_statement_iaea_iran_2024",
    "03_crs_india_pakistan_pulwama_2019",
    "04_wikipedia_nagorno_karabakh_ceasefire_2020",
    "05_wikipedia_third_taiwan_strait_crisis",
    "06_un_sc_press_statement_drc_m23_2023",
    "07_crs_houthi_attacks_red_sea_2024",
    "08_voa_blinken_gaza_ceasefire_talks_2024",
];

/// The test fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Where a text of a dev set (`dev`, `dev2`) and its gold are: the set's fixtures, or else the
/// team's shared set beside the checkout (dev2's text 06). `None` when neither has it (a clone
/// without `../shared/`).
pub fn set_file(set: &str, name: &str, suffix: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [fixtures().join(set), root.join("../shared").join(set)]
        .into_iter()
        .map(|folder| folder.join(format!("{name}{suffix}")))
        .find(|path| path.is_file())
}
