//! Command-line flags, each with an environment-variable fallback. One struct per command;
//! `--help` documents every field.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

/// actorgraph: finds the actors of geopolitical news in text and answers questions about how
/// they are related, over gRPC.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Serving settings (the default command).
    #[command(flatten)]
    pub serve: ServerConfig,
}

/// What to do; serving is the default.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gRPC API (the default when no command is given).
    Serve(ServerConfig),
    /// Validate a data file or folder; print every problem with its file and line, and exit
    /// non-zero if there is any.
    Check {
        /// The data file, or a folder of *.toml data files.
        data: PathBuf,
    },
    /// Extract the mentions of a text offline: JSON lines on stdout, one mention per line.
    Extract {
        /// The text file; standard input when absent.
        file: Option<PathBuf>,
        /// The data file or folder of the model.
        #[arg(long, env = "ACTORGRAPH_DATA", default_value = "data")]
        data: PathBuf,
        /// Also print mentions nested inside longer ones.
        #[arg(long)]
        nested: bool,
        /// Leave out names no entity claims.
        #[arg(long)]
        exclude_unlinked: bool,
    },
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything `serve` needs.
#[derive(Debug, Clone, Parser)]
pub struct ServerConfig {
    /// Address to listen on.
    #[arg(long, env = "ACTORGRAPH_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// The data file, or a folder of *.toml data files, of the model to serve.
    #[arg(long, env = "ACTORGRAPH_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Log format.
    #[arg(long, env = "ACTORGRAPH_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Largest text ExtractEntities accepts, in bytes; the gRPC decode limit is set to match.
    #[arg(long, env = "ACTORGRAPH_MAX_TEXT_BYTES", default_value_t = 1024 * 1024)]
    pub max_text_bytes: usize,
    /// Seconds that in-flight calls get to finish after SIGINT or SIGTERM.
    #[arg(long, env = "ACTORGRAPH_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,
    /// HTTP/2 streams (concurrent calls) allowed per connection.
    #[arg(long, env = "ACTORGRAPH_MAX_CONCURRENT_STREAMS", default_value_t = 128)]
    pub max_concurrent_streams: u32,
    /// Seconds between HTTP/2 keepalive pings on idle connections.
    #[arg(long, env = "ACTORGRAPH_KEEPALIVE_SECONDS", default_value_t = 30)]
    pub keepalive_seconds: u64,
    /// Calls answered at once (health and reflection excepted); further calls are refused at
    /// once with RESOURCE_EXHAUSTED rather than queued.
    #[arg(long, env = "ACTORGRAPH_MAX_CONCURRENT_CALLS", default_value_t = 256)]
    pub max_concurrent_calls: usize,
    /// The longest a call may run, in milliseconds; a shorter client deadline (grpc-timeout)
    /// wins. A call past it is answered DEADLINE_EXCEEDED and its work abandoned.
    #[arg(long, env = "ACTORGRAPH_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Address for Prometheus metrics at /metrics (plain HTTP); off when not set.
    #[arg(long, env = "ACTORGRAPH_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Reload the model when a file in its folder changes (SIGHUP always reloads).
    #[arg(long, env = "ACTORGRAPH_WATCH", default_value_t = true, action = clap::ArgAction::Set)]
    pub watch: bool,
    /// PEM certificate chain of the server; serves TLS when given (with --tls-key).
    #[arg(long, env = "ACTORGRAPH_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the server certificate.
    #[arg(long, env = "ACTORGRAPH_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM certificate authority for client certificates; when given, every client must present
    /// a certificate it signed (mutual TLS).
    #[arg(long, env = "ACTORGRAPH_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
}

impl ServerConfig {
    /// The defaults, serving the model at `data`: what tests and embedders start from.
    pub fn with_data(data: impl Into<PathBuf>) -> ServerConfig {
        let mut config = ServerConfig::parse_from(["actorgraph"]);
        config.data = data.into();
        config
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_seconds)
    }

    /// The gRPC decode limit: the text limit plus room for the other request fields.
    pub fn max_decoding_message_bytes(&self) -> usize {
        self.max_text_bytes.saturating_add(64 * 1024)
    }
}
