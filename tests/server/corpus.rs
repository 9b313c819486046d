//! The corpus through the real server: ingest, idempotence, replacement, deletion, events
//! grouped across documents, corpus relations beside the curated ones, restarts, and an
//! acknowledged document surviving `kill -9`.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use actorgraph::config::{ServerConfig, StoreSetting};
use actorgraph::corpus::{Corpus, RedbStore};
use actorgraph::pb;
use actorgraph::pb::corpus_service_client::CorpusServiceClient;
use common::{error_details, shipped_layers, TestServer};
use tonic::transport::Channel;

async fn start(store: &Path) -> TestServer {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.data = shipped_layers();
    config.store = StoreSetting::Folder(store.to_path_buf());
    TestServer::start_with(config).await
}

fn document(id: &str, date: &str, text: &str) -> pb::IngestDocumentRequest {
    pb::IngestDocumentRequest {
        id: id.to_owned(),
        text: text.to_owned(),
        title: format!("Title of {id}"),
        url: format!("https://news.example/{id}"),
        publisher: "Example News".into(),
        published_date: date.to_owned(),
    }
}

const CONDEMN: &str = "Russia condemned Ukraine on Monday.";
const SANCTIONS: &str = "China imposed sanctions on Taiwan.";

async fn ingest(
    client: &mut CorpusServiceClient<Channel>,
    request: pb::IngestDocumentRequest,
) -> pb::IngestDocumentResponse {
    client
        .ingest_document(request)
        .await
        .expect("the document is ingested")
        .into_inner()
}

async fn relations(server: &TestServer, request: pb::ListRelationsRequest) -> Vec<pb::Relation> {
    let mut knowledge = server.knowledge().await;
    knowledge
        .list_relations(request)
        .await
        .expect("relations are listed")
        .into_inner()
        .relations
}

fn corpus_only(entity: &str) -> pb::ListRelationsRequest {
    pb::ListRelationsRequest {
        entity_id: entity.into(),
        origin: pb::Origin::Corpus as i32,
        ..pb::ListRelationsRequest::default()
    }
}

#[tokio::test]
async fn an_ingested_event_becomes_a_relation_with_evidence_in_the_stored_text() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    let answer = ingest(&mut corpus, document("tass-1", "2026-03-02", CONDEMN)).await;
    assert!(!answer.unchanged);
    assert_eq!(answer.event_count, 1);
    assert_eq!(answer.content_sha256, actorgraph::corpus::content_sha256(CONDEMN));

    let found = relations(&server, corpus_only("russia")).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let relation = &found[0];
    assert_eq!(relation.predicate, "opposes");
    assert_eq!(relation.object.as_ref().map(|o| o.id.as_str()), Some("ukraine"));
    assert_eq!(relation.origin, pb::Origin::Corpus as i32);
    assert_eq!((relation.document_count, relation.event_count), (1, 1));
    assert_eq!(
        (relation.first_seen.as_str(), relation.last_seen.as_str()),
        ("2026-03-02", "2026-03-02")
    );
    let evidence = &relation.evidence[0];
    assert_eq!(evidence.document_id, "tass-1");
    let span = evidence.span.expect("a span");
    let mut knowledge = server.knowledge().await;
    let stored = knowledge
        .get_document(pb::GetDocumentRequest { id: "tass-1".into() })
        .await
        .expect("the ingested document is served")
        .into_inner()
        .document
        .expect("a document");
    assert_eq!(stored.origin, pb::Origin::Corpus as i32);
    assert_eq!(stored.published_date, "2026-03-02");
    assert_eq!(
        stored.text.get(span.byte_start as usize..span.byte_end as usize),
        Some(evidence.quote.as_str()),
        "the span slices the quote out of the stored text"
    );

    // The curated relations are still answered, and origin filters them apart.
    let curated = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "turkiye".into(),
            origin: pb::Origin::Curated as i32,
            ..pb::ListRelationsRequest::default()
        },
    )
    .await;
    assert!(!curated.is_empty());
    assert!(curated
        .iter()
        .all(|r| r.origin == pb::Origin::Curated as i32 && r.document_count >= 1));
}

#[tokio::test]
async fn the_same_text_again_is_a_no_op_and_a_changed_text_replaces_what_was_read() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    ingest(&mut corpus, document("wire-1", "2026-03-02", CONDEMN)).await;
    let again = ingest(&mut corpus, document("wire-1", "2026-03-02", CONDEMN)).await;
    assert!(again.unchanged);
    assert_eq!(again.event_count, 1);

    let replaced = ingest(&mut corpus, document("wire-1", "2026-03-03", SANCTIONS)).await;
    assert!(!replaced.unchanged);
    assert!(
        relations(&server, corpus_only("russia")).await.is_empty(),
        "the old text's relation is gone"
    );
    let china = relations(&server, corpus_only("china")).await;
    assert_eq!(china.len(), 1);
    assert_eq!(china[0].first_seen, "2026-03-03");
}

#[tokio::test]
async fn reports_of_one_event_in_several_documents_are_grouped_and_delete_retracts_them() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    ingest(&mut corpus, document("a-1", "2026-03-02", CONDEMN)).await;
    ingest(
        &mut corpus,
        document("b-1", "2026-03-02", "Moscow: Russia condemned Ukraine."),
    )
    .await;
    ingest(&mut corpus, document("c-1", "2026-03-09", CONDEMN)).await;

    let events = corpus
        .list_events(pb::ListEventsRequest {
            actor_id: "ukraine".into(),
            ..pb::ListEventsRequest::default()
        })
        .await
        .expect("events are listed")
        .into_inner();
    assert_eq!(events.total_size, 2, "two days: two events");
    let first = &events.events[0];
    assert_eq!((first.date.as_str(), first.code_root.as_str()), ("2026-03-02", "11"));
    assert_eq!(first.document_count, 2);
    assert_eq!(
        first
            .source
            .as_ref()
            .and_then(|s| s.entity.as_ref())
            .map(|e| e.id.as_str()),
        Some("russia")
    );

    let relation = relations(&server, corpus_only("ukraine")).await;
    assert_eq!(
        (relation[0].document_count, relation[0].last_seen.as_str()),
        (3, "2026-03-09")
    );
    let since = relations(
        &server,
        pb::ListRelationsRequest {
            since: "2026-03-05".into(),
            ..corpus_only("ukraine")
        },
    )
    .await;
    assert_eq!(since[0].document_count, 1, "only the report within the range counts");
    let two_or_more = relations(
        &server,
        pb::ListRelationsRequest {
            min_documents: 4,
            ..corpus_only("ukraine")
        },
    )
    .await;
    assert!(two_or_more.is_empty());

    let deleted = corpus
        .delete_document(pb::DeleteDocumentRequest { id: "c-1".into() })
        .await
        .expect("the document is deleted")
        .into_inner();
    assert_eq!(deleted.retracted_event_count, 1);
    let relation = relations(&server, corpus_only("ukraine")).await;
    assert_eq!(
        (relation[0].document_count, relation[0].last_seen.as_str()),
        (2, "2026-03-02")
    );
    let mut knowledge = server.knowledge().await;
    let gone = knowledge
        .get_document(pb::GetDocumentRequest { id: "c-1".into() })
        .await
        .expect_err("a deleted document is not served");
    assert_eq!(gone.code(), tonic::Code::NotFound);
    let again = corpus
        .delete_document(pb::DeleteDocumentRequest { id: "c-1".into() })
        .await
        .expect_err("a document is deleted once");
    assert_eq!(again.code(), tonic::Code::NotFound);
    let curated = corpus
        .delete_document(pb::DeleteDocumentRequest {
            id: "kalin-visits-libya".into(),
        })
        .await
        .expect_err("a curated document is not the corpus's to delete");
    assert_eq!(
        (curated.code(), error_details(&curated).0.as_str()),
        (tonic::Code::FailedPrecondition, "CURATED_DOCUMENT")
    );
}

#[tokio::test]
async fn a_stream_answers_every_document_in_order_and_a_bad_one_does_not_stop_it() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    let documents = vec![
        document("s-1", "2026-01-01", CONDEMN),
        document("s-2", "2026-02-30", CONDEMN),
        document("S 3", "2026-01-01", CONDEMN),
        document("s-4", "", SANCTIONS),
    ];
    let items = documents
        .into_iter()
        .enumerate()
        .map(|(n, request)| pb::StreamIngestDocumentsRequest {
            request_id: format!("r{n}"),
            request: Some(request),
        });
    let items = items.chain([
        pb::StreamIngestDocumentsRequest {
            request_id: "empty".into(),
            request: None,
        },
        pb::StreamIngestDocumentsRequest {
            request_id: "x".repeat(300),
            request: Some(document("s-5", "", CONDEMN)),
        },
    ]);
    let answers: Vec<pb::StreamIngestDocumentsResponse> = {
        use tokio_stream::StreamExt as _;
        let mut stream = corpus
            .stream_ingest_documents(tokio_stream::iter(items))
            .await
            .expect("the stream opens")
            .into_inner();
        let mut answers = Vec::new();
        while let Some(answer) = stream.next().await {
            answers.push(answer.expect("an answer"));
        }
        answers
    };
    use pb::stream_ingest_documents_response::Result as Answer;
    let ids: Vec<&str> = answers.iter().map(|a| a.request_id.as_str()).collect();
    assert_eq!(
        ids,
        ["r0", "r1", "r2", "r3", "empty", ""],
        "an over-long request id is not echoed"
    );
    let results: Vec<String> = answers
        .iter()
        .map(|a| match &a.result {
            Some(Answer::Response(response)) => response.document_id.clone(),
            Some(Answer::Error(error)) => error.reason.clone(),
            None => "nothing".into(),
        })
        .collect();
    assert_eq!(
        results,
        [
            "s-1",
            "INVALID_DATE",
            "MALFORMED_ID",
            "s-4",
            "MISSING_REQUEST",
            "REQUEST_ID_TOO_LONG"
        ]
    );
    let listed = server
        .knowledge()
        .await
        .list_documents(pb::ListDocumentsRequest {
            origin: pb::Origin::Corpus as i32,
            ..pb::ListDocumentsRequest::default()
        })
        .await
        .expect("documents are listed")
        .into_inner();
    let stored: Vec<&str> = listed.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(stored, ["s-1", "s-4"]);
}

#[tokio::test]
async fn bad_documents_are_refused_with_the_field_that_is_wrong() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    for (request, reason, field) in [
        (document("x", "07/12/2026", CONDEMN), "INVALID_DATE", "published_date"),
        (document("kalin-visits-libya", "", CONDEMN), "DOCUMENT_ID_TAKEN", "id"),
        (document("", "", CONDEMN), "EMPTY_ID", "id"),
        (document("blank", "", " \n "), "EMPTY_TEXT", "text"),
        (
            pb::IngestDocumentRequest {
                title: "t".repeat(5000),
                ..document("y", "", CONDEMN)
            },
            "FIELD_TOO_LONG",
            "title",
        ),
    ] {
        let status = corpus.ingest_document(request).await.expect_err("refused");
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        let (got_reason, _, fields) = error_details(&status);
        assert_eq!((got_reason.as_str(), fields), (reason, vec![field.to_owned()]));
    }
}

#[tokio::test]
async fn without_a_store_the_corpus_says_so() {
    let server = TestServer::start().await;
    let mut corpus = server.corpus().await;
    let status = corpus
        .ingest_document(document("a", "", CONDEMN))
        .await
        .expect_err("no store, no corpus");
    assert_eq!(status.code(), tonic::Code::FailedPrecondition);
    assert_eq!(error_details(&status).0, "NO_CORPUS_STORE");
}

#[tokio::test]
async fn a_restarted_server_answers_the_same_from_its_store() {
    let store = tempfile::tempdir().expect("a store folder");
    let request = pb::ListRelationsRequest {
        origin: pb::Origin::Corpus as i32,
        ..pb::ListRelationsRequest::default()
    };
    let before = {
        let mut server = start(store.path()).await;
        let mut corpus = server.corpus().await;
        ingest(&mut corpus, document("r-2", "2026-03-04", SANCTIONS)).await;
        ingest(&mut corpus, document("r-1", "2026-03-02", CONDEMN)).await;
        // Two reports of one event, sent in reverse id order.
        ingest(&mut corpus, document("r-0", "2026-03-02", CONDEMN)).await;
        let before = (relations(&server, request.clone()).await, events(&mut corpus).await);
        drop(corpus);
        server.begin_shutdown();
        let handle = std::mem::replace(&mut server.handle, tokio::spawn(async { Ok(()) }));
        handle.await.expect("the server task").expect("a clean stop");
        before
    };
    assert_eq!(before.0.len(), 2);
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    assert_eq!((relations(&server, request).await, events(&mut corpus).await), before);
}

async fn events(corpus: &mut CorpusServiceClient<Channel>) -> Vec<pb::CorpusEvent> {
    corpus
        .list_events(pb::ListEventsRequest::default())
        .await
        .expect("events are listed")
        .into_inner()
        .events
}

/// A server process on a free port, killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn an_acknowledged_document_survives_kill_9() {
    let store = tempfile::tempdir().expect("a store folder");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        probe.local_addr().expect("address").port()
    };
    let layers = shipped_layers()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_actorgraph"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--watch",
                "false",
                "--data",
                &layers,
                "--store",
            ])
            .arg(store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let channel = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Ok(channel) = Channel::from_shared(format!("http://127.0.0.1:{port}"))
                .expect("a valid URI")
                .connect()
                .await
            {
                return channel;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the server comes up");
    let mut corpus = CorpusServiceClient::new(channel);
    // An endless stream of documents; the server is killed while it is being answered.
    let documents = tokio_stream::iter((0..100_000).map(|n| pb::StreamIngestDocumentsRequest {
        request_id: n.to_string(),
        request: Some(document(&format!("k-{n}"), "2026-05-01", CONDEMN)),
    }));
    let mut answers = corpus
        .stream_ingest_documents(documents)
        .await
        .expect("the stream opens")
        .into_inner();
    let mut acknowledged = Vec::new();
    while acknowledged.len() < 300 {
        let answer = answers.message().await.expect("an answer").expect("the stream goes on");
        match answer.result {
            Some(pb::stream_ingest_documents_response::Result::Response(response)) => {
                acknowledged.push(response.document_id);
            }
            other => panic!("every document is acknowledged: {other:?}"),
        }
    }
    child.0.kill().expect("SIGKILL");
    child.0.wait().expect("the server is gone");
    // Answers already sent before the kill count too.
    while let Ok(Some(answer)) = answers.message().await {
        if let Some(pb::stream_ingest_documents_response::Result::Response(response)) = answer.result {
            acknowledged.push(response.document_id);
        }
    }
    let reopened = Corpus::open(Box::new(RedbStore::open(store.path()).expect("the store reopens"))).expect("it reads");
    let index = reopened.read();
    let missing: Vec<&String> = acknowledged.iter().filter(|id| index.document(id).is_none()).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
}

#[tokio::test]
async fn paths_run_through_corpus_relations_too() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut knowledge = server.knowledge().await;
    let request = pb::FindPathsRequest {
        source_id: "ukraine".into(),
        target_id: "russia".into(),
        max_hops: 1,
        ..pb::FindPathsRequest::default()
    };
    let before = knowledge.find_paths(request.clone()).await.expect("paths").into_inner();
    assert!(before.paths.is_empty(), "{before:?}");
    let mut corpus = server.corpus().await;
    ingest(&mut corpus, document("p-1", "2026-03-02", CONDEMN)).await;
    let after = knowledge.find_paths(request).await.expect("paths").into_inner();
    assert_eq!(after.paths.len(), 1, "{after:?}");
    let hop = &after.paths[0].hops[0];
    assert_eq!(hop.predicate, "opposed_by", "read from Ukraine's side");
    let relation = hop.relation.as_ref().expect("the hop's relation");
    assert_eq!(relation.origin, pb::Origin::Corpus as i32);
    assert_eq!(relation.evidence[0].quote, CONDEMN);
}

#[tokio::test]
async fn a_corrected_date_is_a_new_version_not_unchanged() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    ingest(&mut corpus, document("fix-1", "2026-12-31", CONDEMN)).await;
    let corrected = ingest(&mut corpus, document("fix-1", "2026-03-02", CONDEMN)).await;
    assert!(
        !corrected.unchanged,
        "before the fix the new date was dropped as unchanged"
    );
    let found = relations(&server, corpus_only("russia")).await;
    assert_eq!(found[0].first_seen, "2026-03-02");
}

#[tokio::test]
async fn a_sentence_of_any_length_is_quoted_within_a_kilobyte_around_its_event() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    let text = format!("Russia condemned Ukraine {}.", "and the talks went on ".repeat(3000));
    ingest(&mut corpus, document("long-1", "2026-03-02", &text)).await;
    let found = relations(&server, corpus_only("russia")).await;
    let evidence = &found[0].evidence[0];
    assert!(evidence.quote.len() <= 1024, "{} bytes", evidence.quote.len());
    assert!(
        evidence.quote.contains("Russia condemned Ukraine"),
        "{}",
        evidence.quote
    );
    let span = evidence.span.expect("a span");
    assert_eq!(
        text.get(span.byte_start as usize..span.byte_end as usize),
        Some(evidence.quote.as_str())
    );
}

#[tokio::test]
async fn a_page_of_documents_stops_before_its_texts_pass_what_clients_accept() {
    let store = tempfile::tempdir().expect("a store folder");
    let server = start(store.path()).await;
    let mut corpus = server.corpus().await;
    for n in 0..5 {
        let text = format!("{n} {}", "lorem ipsum ".repeat(70_000));
        ingest(&mut corpus, document(&format!("big-{n}"), "", &text)).await;
    }
    let mut knowledge = server.knowledge().await;
    let request = pb::ListDocumentsRequest {
        origin: pb::Origin::Corpus as i32,
        ..pb::ListDocumentsRequest::default()
    };
    let first = knowledge
        .list_documents(request.clone())
        .await
        .expect("a page within the client's 4 MiB")
        .into_inner();
    assert!(
        first.documents.len() < 5 && !first.next_page_token.is_empty(),
        "{}",
        first.documents.len()
    );
    let rest = knowledge
        .list_documents(pb::ListDocumentsRequest {
            page_token: first.next_page_token.clone(),
            ..request
        })
        .await
        .expect("the next page")
        .into_inner();
    let ids: Vec<&str> = first
        .documents
        .iter()
        .chain(&rest.documents)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(ids, ["big-0", "big-1", "big-2", "big-3", "big-4"]);
}

#[test]
fn the_ingest_command_refuses_what_the_server_would_refuse() {
    let folder = tempfile::tempdir().expect("a folder");
    let texts = folder.path().join("texts");
    std::fs::create_dir(&texts).expect("the texts folder");
    std::fs::write(texts.join("a b.txt"), "A\nRussia condemned Ukraine.\n").expect("write");
    std::fs::write(texts.join("a-b.txt"), "B\nChina condemned Japan.\n").expect("write");
    std::fs::write(texts.join("kalin-visits-libya.txt"), "K\nEgypt backs Haftar.\n").expect("write");
    let layers = shipped_layers()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let run = |store: &str| {
        Command::new(env!("CARGO_BIN_EXE_actorgraph"))
            .args(["ingest", "--data", &layers, "--store", store])
            .arg(&texts)
            .current_dir(folder.path())
            .output()
            .expect("run actorgraph ingest")
    };
    let off = run("off");
    assert!(!off.status.success());
    assert!(!folder.path().join("off").exists(), "`off` is no folder to create");
    let store = folder.path().join("store");
    let output = run(&store.display().to_string());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the bad files fail the command");
    assert!(stderr.contains("is also the id of"), "{stderr}");
    assert!(stderr.contains("is a document of the curated model"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "only the first a-b is ingested: {stdout}");
}
