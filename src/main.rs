//! The `actorgraph` binary: parses the configuration and hands over to the library.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Parser;

use actorgraph::config::{Cli, Command, HealthCheck, ServerConfig};
use actorgraph::extract::ExtractOptions;
use actorgraph::snapshot::Snapshot;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(config)) => serve(config),
        Some(Command::Check { data, strict }) => check(&data, strict),
        Some(Command::Extract {
            file,
            data,
            nested,
            exclude_unlinked,
        }) => extract_command(file.as_deref(), &data, nested, exclude_unlinked),
        Some(Command::Events {
            file,
            data,
            min_confidence,
            roots,
        }) => events_command(file.as_deref(), &data, min_confidence, roots),
        Some(Command::Ingest {
            paths,
            store,
            data,
            published_date,
            max_text_bytes,
        }) => ingest(&paths, &store, &data, &published_date, max_text_bytes),
        Some(Command::Health(check)) => health(&check),
    }
}

/// Ingests text files into the corpus store; one JSON line per document on stdout.
fn ingest(
    paths: &[std::path::PathBuf],
    store: &std::path::Path,
    data: &[std::path::PathBuf],
    published_date: &str,
    max_text_bytes: u64,
) -> ExitCode {
    if store.as_os_str() == "off" || store.as_os_str().is_empty() {
        eprintln!("error: --store {store:?} names no store to ingest into: give the store's folder");
        return ExitCode::FAILURE;
    }
    if !published_date.is_empty() && !actorgraph::corpus::is_calendar_date(published_date) {
        eprintln!("error: --published-date {published_date:?} is not a date: write YYYY-MM-DD");
        return ExitCode::FAILURE;
    }
    let snapshot = match Snapshot::load_layers(data) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let corpus = match actorgraph::corpus::RedbStore::open(store)
        .and_then(|store| actorgraph::corpus::Corpus::open(Box::new(store)))
    {
        Ok(corpus) => corpus,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut documents, mut problems) = actorgraph::corpus::files::read_files(paths, published_date, max_text_bytes);
    // The server refuses these ids (DOCUMENT_ID_TAKEN); so does the command.
    documents.retain(|document| {
        let taken = snapshot.model.document(&document.id).is_some();
        if taken {
            problems.push(format!(
                "{:?} is a document of the curated model: rename the file",
                document.id
            ));
        }
        !taken
    });
    let mut failed = !problems.is_empty();
    for problem in problems {
        eprintln!("error: {problem}");
    }
    let mut out = std::io::stdout().lock();
    for batch in documents.chunks(64) {
        match corpus.ingest(&snapshot, batch.to_vec(), &|| false) {
            Ok(Some(outcomes)) => {
                for outcome in outcomes {
                    let line = serde_json::json!({
                        "document_id": outcome.document_id,
                        "content_sha256": outcome.content_sha256,
                        "unchanged": outcome.unchanged,
                        "mention_count": outcome.mention_count,
                        "event_count": outcome.event_count,
                    });
                    if writeln!(out, "{line}").is_err() {
                        return ExitCode::FAILURE;
                    }
                }
            }
            Ok(None) => failed = true,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Calls grpc.health.v1 Check on a running server; prints its status.
fn health(check: &HealthCheck) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(actorgraph::server::check_health(check)) {
        Ok(status) if status == "SERVING" => {
            println!("{status}");
            ExitCode::SUCCESS
        }
        Ok(status) => {
            println!("{status}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: ServerConfig) -> ExitCode {
    actorgraph::server::allocator::return_freed_memory();
    actorgraph::server::init_tracing(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let listener = bind(&config.listen).await?;
        actorgraph::server::run(listener, config, actorgraph::server::shutdown_signal()).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Once, through the log (stderr, in the configured format).
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Binds the first address `listen` resolves to that can be bound.
async fn bind(listen: &str) -> anyhow::Result<tokio::net::TcpListener> {
    let addresses = tokio::net::lookup_host(listen)
        .await
        .map_err(|error| anyhow::anyhow!("cannot resolve the listen address {listen}: {error}"))?;
    let mut last_error = None;
    for address in addresses {
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => return Ok(listener),
            // The address itself when the name resolved to something else ("localhost").
            Err(error) if address.to_string() == listen => last_error = Some(error.to_string()),
            Err(error) => last_error = Some(format!("{address}: {error}")),
        }
    }
    Err(anyhow::anyhow!(
        "cannot listen on {listen}: {}",
        last_error.unwrap_or_else(|| "it resolves to no address".to_owned())
    ))
}

fn check(data: &[std::path::PathBuf], strict: bool) -> ExitCode {
    match Snapshot::load_layers(data) {
        Ok(snapshot) => {
            let model = &snapshot.model;
            for warning in &model.warnings {
                eprintln!(
                    "{}:{}: warning: {}",
                    warning.file.display(),
                    warning.line,
                    warning.message
                );
            }
            if strict && !model.warnings.is_empty() {
                eprintln!("{} warning(s) found; --strict refuses them", model.warnings.len());
                return ExitCode::FAILURE;
            }
            println!(
                "{}: ok: {} entities, {} predicates, {} relations, {} agreements, {} documents; version {}",
                actorgraph::config::display_paths(data),
                model.entities.len(),
                model.predicates.len(),
                model.relations.len(),
                model.agreements.len(),
                model.documents.len(),
                model.version
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            for problem in &error.problems {
                eprintln!("{problem}");
            }
            eprintln!("{} problem(s) found", error.problems.len());
            ExitCode::FAILURE
        }
    }
}

/// Reads the text of `file`, or standard input.
fn read_text(file: Option<&std::path::Path>) -> Result<String, std::io::Error> {
    let mut text = String::new();
    match file {
        Some(path) => text = std::fs::read_to_string(path)?,
        None => {
            std::io::stdin().read_to_string(&mut text)?;
        }
    }
    Ok(text)
}

fn events_command(
    file: Option<&std::path::Path>,
    data: &[std::path::PathBuf],
    min_confidence: f32,
    roots: Vec<String>,
) -> ExitCode {
    let snapshot = match Snapshot::load_layers(data) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(bad) = roots.iter().find(|r| !actorgraph::model::event_lexicon::is_root(r)) {
        eprintln!("error: --roots takes CAMEO roots, two digits from 01 to 20 such as 04 or 19, got {bad:?}");
        return ExitCode::FAILURE;
    }
    let text = match read_text(file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("error: cannot read the text: {error}");
            return ExitCode::FAILURE;
        }
    };
    let options = actorgraph::events::EventOptions { min_confidence, roots };
    let Some(found) =
        actorgraph::events::extract_events(&snapshot.model, &snapshot.extractor, &text, &options, &|| false)
    else {
        return ExitCode::FAILURE;
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in actorgraph::events::json_lines(&snapshot.model, &text, &found) {
        if writeln!(out, "{line}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn extract_command(
    file: Option<&std::path::Path>,
    data: &[std::path::PathBuf],
    nested: bool,
    exclude_unlinked: bool,
) -> ExitCode {
    let snapshot = match Snapshot::load_layers(data) {
        Ok(snapshot) => snapshot,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut text = String::new();
    let read = match file {
        Some(path) => std::fs::read_to_string(path).map(|t| text = t),
        None => std::io::stdin().read_to_string(&mut text).map(|_| ()),
    };
    if let Err(error) = read {
        eprintln!("error: cannot read the text: {error}");
        return ExitCode::FAILURE;
    }
    let options = ExtractOptions {
        include_nested: nested,
        exclude_unlinked,
        ..ExtractOptions::default()
    };
    let extraction = snapshot.extractor.extract(&text, &options);
    let model = &snapshot.model;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for mention in &extraction.mentions {
        let entity = mention.entity.map(|e| &model.entities[e]);
        let line = serde_json::json!({
            "text": &text[mention.span.byte_start..mention.span.byte_end],
            "start": mention.span.char_start,
            "end": mention.span.char_end,
            "byte_start": mention.span.byte_start,
            "byte_end": mention.span.byte_end,
            "utf16_start": mention.span.utf16_start,
            "utf16_end": mention.span.utf16_end,
            "entity": entity.map(|e| e.id.as_str()),
            "canonical_name": entity.map(|e| e.name.as_str()),
            "type": mention.entity_type.map(|t| t.as_str().to_uppercase()),
            "kind": format!("{:?}", mention.kind).to_uppercase(),
            "metonym_for": mention.metonym_for.map(|e| model.entities[e].id.as_str()),
            "matched_alias": &*mention.matched_alias,
            "confidence": actorgraph::text::shortest_decimal(mention.confidence),
            "sentence": mention.sentence_index,
            "nested": mention.nested,
        });
        if writeln!(out, "{line}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
