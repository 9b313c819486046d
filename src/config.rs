//! Command-line flags, each with an environment-variable fallback. One struct per command;
//! `--help` documents every field.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
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
        /// The model's layers in order: each a data file or a folder of *.toml data files.
        #[arg(required = true, num_args = 1..)]
        data: Vec<PathBuf>,
        /// Fail on warnings too (a quote that names neither end of its relation).
        #[arg(long)]
        strict: bool,
    },
    /// Extract the mentions of a text offline: JSON lines on stdout, one mention per line.
    Extract {
        /// The text file; standard input when absent.
        file: Option<PathBuf>,
        /// The model's layers in order (as for serving).
        #[arg(long, env = "ACTORGRAPH_DATA", value_delimiter = ',', default_values = DEFAULT_DATA)]
        data: Vec<PathBuf>,
        /// Also print mentions nested inside longer ones.
        #[arg(long)]
        nested: bool,
        /// Leave out names no entity claims.
        #[arg(long)]
        exclude_unlinked: bool,
    },
    /// Extract the events of a text offline (who did what to whom, CAMEO-coded): JSON lines on
    /// stdout, one event per line, in the form of the gold event files.
    Events {
        /// The text file; standard input when absent.
        file: Option<PathBuf>,
        /// The model's layers in order (as for serving).
        #[arg(long, env = "ACTORGRAPH_DATA", value_delimiter = ',', default_values = DEFAULT_DATA)]
        data: Vec<PathBuf>,
        /// Only events with at least this confidence, in [0, 1].
        #[arg(long, default_value_t = 0.0, value_parser = unit_interval)]
        min_confidence: f32,
        /// Only events of these two-digit CAMEO roots (comma-separated: 04,05); all when absent.
        #[arg(long, value_delimiter = ',')]
        roots: Vec<String>,
    },
    /// Ingest text files into the corpus store offline (no server may hold the store): each
    /// file is one document, its id the file name's slug, its title its first line. Prints one
    /// JSON line per document.
    Ingest {
        /// Text files, or folders whose `*.txt` files to ingest.
        #[arg(required = true, num_args = 1..)]
        paths: Vec<PathBuf>,
        /// The corpus store's folder (as for serving).
        #[arg(long, env = "ACTORGRAPH_STORE", default_value = "actorgraph-store")]
        store: PathBuf,
        /// The model's layers in order (as for serving): they read the documents' events.
        #[arg(long, env = "ACTORGRAPH_DATA", value_delimiter = ',', default_values = DEFAULT_DATA)]
        data: Vec<PathBuf>,
        /// The publication date of every document given, YYYY-MM-DD.
        #[arg(long, default_value = "")]
        published_date: String,
        /// The largest text file ingested, in bytes (the server's text limit by default).
        #[arg(long, env = "ACTORGRAPH_MAX_TEXT_BYTES", default_value_t = 1024 * 1024, value_parser = at_least_one::<u64>)]
        max_text_bytes: u64,
    },
    /// Ask a running server whether it is serving (grpc.health.v1 Check): exit 0 when it is,
    /// 1 when it is not or cannot be reached. For Docker HEALTHCHECK and exec probes.
    Health(HealthCheck),
}

/// Settings of the `health` command.
#[derive(Debug, Clone, Parser)]
pub struct HealthCheck {
    /// The server's address; an unspecified host (0.0.0.0, [::]) means this machine.
    #[arg(long, env = "ACTORGRAPH_LISTEN", default_value = "127.0.0.1:50051", value_parser = host_and_port)]
    pub address: String,
    /// The service to ask about; empty means the server as a whole.
    #[arg(long, default_value = "")]
    pub service: String,
    /// How long to wait for the answer, in milliseconds (at least 1).
    #[arg(long, default_value_t = 2000, value_parser = at_least_one::<u64>)]
    pub timeout_ms: u64,
    /// PEM certificate authority to trust: connect with TLS (for a server started with
    /// --tls-cert).
    #[arg(long)]
    pub tls_ca: Option<PathBuf>,
    /// The name the server's certificate is for, when it is not the address's host.
    #[arg(long, requires = "tls_ca")]
    pub tls_domain: Option<String>,
}

/// The shipped model: the world layer, then the seed article's model over it.
pub const DEFAULT_DATA: [&str; 2] = ["data/world", "data"];

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
    /// Address to listen on: `HOST:PORT`, where HOST is an IP address (`[::1]` for IPv6) or a
    /// host name (`localhost`), resolved at start; the first address that binds is used.
    #[arg(long, env = "ACTORGRAPH_LISTEN", default_value = "127.0.0.1:50051", value_parser = host_and_port)]
    pub listen: String,
    /// The model's layers, in order: each a data file or a folder of *.toml data files; a later
    /// layer extends the entities of an earlier one. Repeat the flag, or separate with commas.
    #[arg(long, env = "ACTORGRAPH_DATA", value_delimiter = ',', default_values = DEFAULT_DATA)]
    pub data: Vec<PathBuf>,
    /// Log format.
    #[arg(long, env = "ACTORGRAPH_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Largest text ExtractEntities accepts, in bytes (at least 1). A request message may be up
    /// to twice this: a larger text is answered TEXT_TOO_LARGE (a stream goes on to its next
    /// item), a larger message MESSAGE_TOO_LARGE.
    #[arg(long, env = "ACTORGRAPH_MAX_TEXT_BYTES", default_value_t = 1024 * 1024, value_parser = at_least_one::<usize>)]
    pub max_text_bytes: usize,
    /// Largest extraction answer, encoded, in bytes (at least 1): a larger one is refused with
    /// RESOURCE_EXHAUSTED RESPONSE_TOO_LARGE. gRPC clients refuse messages over 4 MiB unless
    /// told otherwise, hence the default.
    #[arg(long, env = "ACTORGRAPH_MAX_RESPONSE_BYTES", default_value_t = 4 * 1024 * 1024, value_parser = at_least_one::<usize>)]
    pub max_response_bytes: usize,
    /// Seconds that in-flight calls get to finish after SIGINT or SIGTERM; 0 abandons them at
    /// once. Keep it below the orchestrator's stop timeout (Docker: 10 s).
    #[arg(long, env = "ACTORGRAPH_SHUTDOWN_GRACE_SECONDS", default_value_t = 8)]
    pub shutdown_grace_seconds: u64,
    /// HTTP/2 streams (concurrent calls) allowed per connection (at least 1).
    #[arg(long, env = "ACTORGRAPH_MAX_CONCURRENT_STREAMS", default_value_t = 128, value_parser = at_least_one::<u32>)]
    pub max_concurrent_streams: u32,
    /// Seconds between HTTP/2 keepalive pings on idle connections (at least 1).
    #[arg(long, env = "ACTORGRAPH_KEEPALIVE_SECONDS", default_value_t = 30, value_parser = keepalive_seconds)]
    pub keepalive_seconds: u64,
    /// Calls answered at once, at least 1 (health and reflection excepted); further calls are
    /// refused at once with RESOURCE_EXHAUSTED rather than queued.
    #[arg(long, env = "ACTORGRAPH_MAX_CONCURRENT_CALLS", default_value_t = 256, value_parser = concurrent_calls)]
    pub max_concurrent_calls: usize,
    /// The longest a call may run, in milliseconds (at least 1); a shorter client deadline
    /// (grpc-timeout) wins. A call past it is answered DEADLINE_EXCEEDED and its work abandoned.
    #[arg(long, env = "ACTORGRAPH_REQUEST_TIMEOUT_MS", default_value_t = 30_000, value_parser = at_least_one::<u64>)]
    pub request_timeout_ms: u64,
    /// A reload on file change is refused when it would leave any layer with fewer than this
    /// percentage of the records (entities, relations, documents, …) it has now (an emptied or
    /// truncated file, a half-copied folder); the old model keeps serving. SIGHUP reloads any
    /// valid model. 0 turns the guard off.
    #[arg(long, env = "ACTORGRAPH_RELOAD_MIN_KEPT_PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub reload_min_kept_percent: u8,
    /// The longest a reload may take to read the data files, in seconds (at least 1): a slower
    /// one is abandoned with an error log line and `model_reloads_total{result="abandoned"}`,
    /// and the current model keeps serving.
    #[arg(long, env = "ACTORGRAPH_RELOAD_TIMEOUT_SECONDS", default_value_t = 60, value_parser = at_least_one::<u64>)]
    pub reload_timeout_seconds: u64,
    /// How long a call's request body may take to arrive, in milliseconds (at least 1; never
    /// more than --request-timeout-ms): a slower one is answered DEADLINE_EXCEEDED. The body of
    /// a one-message call (gRPC, gRPC-Web or JSON) is read before the call takes a slot of
    /// --max-concurrent-calls, so a slow client holds none; a body over 64 KiB needs one of as
    /// many read slots while it arrives.
    #[arg(long, env = "ACTORGRAPH_BODY_READ_TIMEOUT_MS", default_value_t = 5_000, value_parser = at_least_one::<u64>)]
    pub body_read_timeout_ms: u64,
    /// Text bytes the server works on at once, in bytes (at least 1): a unary extraction or
    /// ingestion call holds its request's size (at most all of it, so the largest text still
    /// runs alone) from admission to its answer, and a call that does not fit waits, within its
    /// deadline, then is refused with RESOURCE_EXHAUSTED TEXT_BUDGET. The engine's working
    /// memory is tens of times the text, so this bounds the peak: see docs/operations.md.
    #[arg(long, env = "ACTORGRAPH_MAX_TEXT_BYTES_IN_WORK", default_value_t = 2 * 1024 * 1024, value_parser = at_least_one::<usize>)]
    pub max_text_bytes_in_work: usize,
    /// Requests over 64 KiB the server holds at once, from reading their body to their answer
    /// (at least 1): a larger request beyond it is refused at once with RESOURCE_EXHAUSTED
    /// OVERLOADED. With --max-text-bytes-in-work it bounds the memory of request bodies: see
    /// docs/operations.md, "Memory".
    #[arg(long, env = "ACTORGRAPH_MAX_LARGE_REQUESTS", default_value_t = 16, value_parser = at_least_one::<usize>)]
    pub max_large_requests: usize,
    /// The largest data file (or document file of a layer) read, in bytes (at least 1): a
    /// larger one is refused with its path, and so is anything that is not a regular file (a
    /// FIFO, a device), at start and at every reload.
    #[arg(long, env = "ACTORGRAPH_MAX_DATA_FILE_BYTES", default_value_t = 64 * 1024 * 1024, value_parser = at_least_one::<u64>)]
    pub max_data_file_bytes: u64,
    /// Where the corpus (documents ingested through CorpusService, and the events read from
    /// them) is kept: a folder for the embedded store, created when missing, or `off` for no
    /// corpus (CorpusService then answers FAILED_PRECONDITION). One server at a time may hold a
    /// folder.
    #[arg(long, env = "ACTORGRAPH_STORE", default_value = "actorgraph-store", value_parser = store_setting)]
    pub store: StoreSetting,
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

/// Where the corpus is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSetting {
    /// No corpus.
    Off,
    /// The embedded store in this folder.
    Folder(PathBuf),
}

/// Reads `--store`: `off`, or a folder. A database URL is refused with the reason: this build
/// keeps the corpus in its embedded store only.
fn store_setting(value: &str) -> Result<StoreSetting, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("give a folder for the corpus store, or `off`".into());
    }
    if value == "off" {
        return Ok(StoreSetting::Off);
    }
    if value.contains("://") {
        return Err(format!(
            "{value:?} looks like a database URL; this build keeps the corpus in an embedded store: give a folder"
        ));
    }
    Ok(StoreSetting::Folder(PathBuf::from(value)))
}

impl ServerConfig {
    /// The defaults, serving the model at `data` with no corpus store: what tests and embedders
    /// start from (a test that wants a corpus gives it a folder of its own).
    pub fn with_data(data: impl Into<PathBuf>) -> ServerConfig {
        let mut config = ServerConfig::parse_from(["actorgraph"]);
        config.data = vec![data.into()];
        config.store = StoreSetting::Off;
        config
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_seconds)
    }

    /// The gRPC decode limit of extraction requests: twice the text limit plus room for the
    /// other fields, so that a text somewhat over its limit is read and refused by itself
    /// (TEXT_TOO_LARGE), which lets a stream go on with its next item.
    pub fn max_decoding_message_bytes(&self) -> usize {
        self.max_text_bytes.saturating_mul(2).saturating_add(64 * 1024)
    }
}

/// Paths as one line for messages: "data/world, data".
pub fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a number that must be at least 1: 0 would mean "nothing is ever allowed" (or, for
/// some settings, "unlimited" by accident), so it is refused with the reason.
fn at_least_one<T: FromStr + PartialOrd + From<u8>>(value: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    let number: T = value
        .trim()
        .parse()
        .map_err(|error| format!("{value:?} is not a whole number: {error}"))?;
    if number < T::from(1) {
        return Err(format!("{value} is not allowed here: the value must be at least 1"));
    }
    Ok(number)
}

/// Keepalive interval: 1 s to a day (a larger one would overflow the HTTP/2 timers).
fn keepalive_seconds(value: &str) -> Result<u64, String> {
    let seconds: u64 = at_least_one(value)?;
    if seconds > 86_400 {
        return Err(format!(
            "{seconds} is too large: the interval is at most 86400 seconds (a day)"
        ));
    }
    Ok(seconds)
}

/// Calls in progress: 1 to a million (each holds memory; more is never what is meant).
fn concurrent_calls(value: &str) -> Result<usize, String> {
    let calls: usize = at_least_one(value)?;
    if calls > 1_000_000 {
        return Err(format!("{calls} is too large: at most 1000000 calls in progress"));
    }
    Ok(calls)
}

/// Checks a listen address: `HOST:PORT`, with an IP address or a host name; IPv6 in brackets.
fn host_and_port(value: &str) -> Result<String, String> {
    if value.parse::<SocketAddr>().is_ok() {
        return Ok(value.to_owned());
    }
    let Some((host, port)) = value.rsplit_once(':') else {
        return Err(format!(
            "{value:?} has no port: write HOST:PORT, e.g. 127.0.0.1:50051 or localhost:50051"
        ));
    };
    port.parse::<u16>()
        .map_err(|_| format!("{port:?} in {value:?} is not a port number (0 to 65535)"))?;
    let name_like = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if !name_like {
        return Err(format!(
            "{host:?} in {value:?} is neither an IP address nor a host name (IPv6 goes in brackets: [::1]:50051)"
        ));
    }
    Ok(value.to_owned())
}

/// A number in [0, 1].
fn unit_interval(value: &str) -> Result<f32, String> {
    match value.parse::<f32>() {
        Ok(number) if (0.0..=1.0).contains(&number) => Ok(number),
        _ => Err(format!("{value:?} is not a number between 0 and 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("actorgraph").chain(arguments.iter().copied()))
    }

    #[test]
    fn zero_limits_are_refused_with_the_reason() {
        for flag in [
            "--max-concurrent-streams",
            "--max-concurrent-calls",
            "--request-timeout-ms",
            "--max-text-bytes",
            "--max-response-bytes",
            "--keepalive-seconds",
        ] {
            let error = parse(&[flag, "0"]).expect_err(flag).to_string();
            assert!(error.contains("at least 1"), "{flag}: {error}");
        }
        assert!(parse(&["--max-concurrent-calls", "1"]).is_ok());
        assert!(
            parse(&["--shutdown-grace-seconds", "0"]).is_ok(),
            "0 grace has a documented meaning"
        );
        assert!(parse(&["--reload-min-kept-percent", "101"]).is_err());
        assert!(parse(&["--keepalive-seconds", "18446744073709551615"]).is_err());
        assert!(parse(&["--max-concurrent-calls", "2305843009213693952"]).is_err());
    }

    #[test]
    fn listen_takes_host_names_and_addresses() {
        for good in [
            "localhost:50051",
            "127.0.0.1:0",
            "[::1]:50051",
            "actorgraph-0.actorgraph:50051",
        ] {
            assert!(parse(&["--listen", good]).is_ok(), "{good}");
        }
        for bad in ["localhost", "localhost:http", ":50051", "bad host:1", "::1:50051"] {
            assert!(parse(&["--listen", bad]).is_err(), "{bad}");
        }
    }
}
