//! Operations: bad input, overload, deadlines, cancelled streams, hot reload, metrics.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actorgraph::config::ServerConfig;
use actorgraph::pb;
use common::{error_details, shipped_data, subject_name, write_model, TestServer};
use tonic::Code;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// An `ExtractEntitiesRequest` as raw protobuf, to send what the generated client cannot.
#[derive(Clone, PartialEq, prost::Message)]
struct RawExtractRequest {
    #[prost(bytes = "vec", tag = "1")]
    text: Vec<u8>,
}

/// An `ExtractEntitiesRequest` whose field 1 has the wrong wire type.
#[derive(Clone, PartialEq, prost::Message)]
struct WrongWireType {
    #[prost(uint64, tag = "1")]
    text: u64,
}

async fn raw_extract<M: prost::Message + Default + Send + Sync + 'static>(
    server: &TestServer,
    message: M,
) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(server.channel().await);
    grpc.ready().await.expect("ready");
    let codec = tonic_prost::ProstCodec::<M, pb::ExtractEntitiesResponse>::default();
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/actorgraph.v1.ExtractionService/ExtractEntities");
    grpc.unary(tonic::Request::new(message), path, codec)
        .await
        .expect_err("the request is refused")
}

async fn is_serving(server: &TestServer) -> bool {
    let mut health = HealthClient::new(server.channel().await);
    let response = health.check(HealthCheckRequest { service: String::new() }).await;
    response.is_ok_and(|r| r.into_inner().status == 1)
}

#[tokio::test]
async fn invalid_utf8_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let status = raw_extract(
        &server,
        RawExtractRequest {
            text: vec![b'L', 0xff, 0xfe, b'a'],
        },
    )
    .await;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(error_details(&status).0, "MALFORMED_REQUEST");
    assert!(is_serving(&server).await);
}

#[tokio::test]
async fn malformed_protobuf_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let status = raw_extract(&server, WrongWireType { text: 7 }).await;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(error_details(&status).0, "MALFORMED_REQUEST");
}

#[tokio::test]
async fn a_message_over_the_decode_limit_is_resource_exhausted() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let text = "x".repeat(3 * 1024 * 1024);
    let status = client
        .extract_entities(pb::ExtractEntitiesRequest {
            text,
            ..Default::default()
        })
        .await
        .expect_err("over the decode limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(error_details(&status).0, "MESSAGE_TOO_LARGE");
    assert!(is_serving(&server).await);
}

/// About `bytes` of news text: the article repeated.
fn news(bytes: usize) -> String {
    let article = common::article();
    let mut text = String::with_capacity(bytes + article.len());
    while text.len() + article.len() < bytes {
        text.push_str(&article);
        text.push('\n');
    }
    text
}

/// A text whose extraction takes far longer than 100 ms, in debug and release builds alike.
const LONG_WORK_BYTES: usize = 8 * 1024 * 1024;

/// Waits, at most 10 s, until the server has abandoned `count` extractions.
async fn abandoned(metrics: &actorgraph::metrics::Metrics, count: u64) -> bool {
    tokio::time::timeout(Duration::from_secs(10), async {
        while metrics.abandoned_count() < count {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_the_server_time_limit_is_deadline_exceeded_and_its_work_abandoned() {
    let mut config = ServerConfig::with_data(shipped_data());
    config.request_timeout_ms = 100;
    config.max_text_bytes = LONG_WORK_BYTES + 1024;
    let server = TestServer::start_with(config).await;
    let metrics = server.metrics.clone().expect("metrics");
    let mut client = server.extraction().await;
    let request = pb::ExtractEntitiesRequest {
        text: news(LONG_WORK_BYTES),
        ..Default::default()
    };
    let status = client
        .extract_entities(request)
        .await
        .expect_err("the work takes longer than the limit");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert_eq!(error_details(&status).0, "DEADLINE_EXCEEDED");
    // The extraction notices the dropped call and stops; it does not run on to the end.
    assert!(abandoned(&metrics, 1).await, "the extraction was not abandoned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_deadline_shorter_than_the_work_abandons_the_work() {
    let mut config = ServerConfig::with_data(shipped_data());
    config.max_text_bytes = LONG_WORK_BYTES + 1024;
    let server = TestServer::start_with(config).await;
    let metrics = server.metrics.clone().expect("metrics");
    let mut client = server.extraction().await;
    let mut request = tonic::Request::new(pb::ExtractEntitiesRequest {
        text: news(LONG_WORK_BYTES),
        ..Default::default()
    });
    request.set_timeout(Duration::from_millis(100));
    let status = client
        .extract_entities(request)
        .await
        .expect_err("the deadline is too short");
    // tonic clients enforce deadlines themselves and report CANCELLED; other clients see the
    // server's DEADLINE_EXCEEDED.
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    assert!(abandoned(&metrics, 1).await, "the extraction was not abandoned");
    // And the server answers the next call normally.
    let answer = client
        .extract_entities(pb::ExtractEntitiesRequest {
            text: "Libya".into(),
            ..Default::default()
        })
        .await
        .expect("an answer");
    assert_eq!(answer.into_inner().mentions.len(), 1);
}

#[tokio::test]
async fn a_cancelled_stream_leaves_the_server_serving() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let mut answers = client
        .stream_extract_entities(tokio_stream::wrappers::ReceiverStream::new(receiver))
        .await
        .expect("the stream opens")
        .into_inner();
    let item = pb::StreamExtractEntitiesRequest {
        request_id: "1".into(),
        request: Some(pb::ExtractEntitiesRequest {
            text: "Egypt".into(),
            ..Default::default()
        }),
    };
    sender.send(item.clone()).await.expect("send");
    assert!(answers.message().await.expect("no error").is_some());
    // The client walks away mid-stream.
    drop(answers);
    drop(sender);
    drop(client);
    let mut fresh = server.extraction().await;
    let answer = fresh
        .extract_entities(pb::ExtractEntitiesRequest {
            text: "Cyprus and Greece".into(),
            ..Default::default()
        })
        .await
        .expect("the server still answers");
    assert_eq!(answer.into_inner().mentions.len(), 2);
    assert!(is_serving(&server).await);
}

#[tokio::test]
async fn a_flood_beyond_the_limit_is_shed_fast_and_accepted_calls_are_answered_right() {
    let mut config = ServerConfig::with_data(shipped_data());
    config.max_concurrent_calls = 2;
    let server = TestServer::start_with(config).await;
    let text = Arc::new(news(256 * 1024));
    let expected_mentions = {
        let mut client = server.extraction().await;
        let answer = client
            .extract_entities(pb::ExtractEntitiesRequest {
                text: text.to_string(),
                ..Default::default()
            })
            .await
            .expect("an answer");
        answer.into_inner().mentions.len()
    };
    let accepted = Arc::new(AtomicUsize::new(0));
    let shed = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..24 {
        let channel = server.channel().await;
        let text = Arc::clone(&text);
        let accepted = Arc::clone(&accepted);
        let shed = Arc::clone(&shed);
        clients.push(tokio::spawn(async move {
            let mut client = pb::extraction_service_client::ExtractionServiceClient::new(channel)
                .max_decoding_message_size(64 * 1024 * 1024);
            let mut slowest_accepted = Duration::ZERO;
            let mut slowest_shed = Duration::ZERO;
            for _ in 0..4 {
                let started = Instant::now();
                let result = client
                    .extract_entities(pb::ExtractEntitiesRequest {
                        text: text.to_string(),
                        ..Default::default()
                    })
                    .await;
                let took = started.elapsed();
                match result {
                    Ok(answer) => {
                        assert_eq!(
                            answer.into_inner().mentions.len(),
                            expected_mentions,
                            "an accepted call is answered right"
                        );
                        accepted.fetch_add(1, Ordering::Relaxed);
                        slowest_accepted = slowest_accepted.max(took);
                    }
                    Err(status) => {
                        assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                        assert_eq!(error_details(&status).0, "OVERLOADED");
                        shed.fetch_add(1, Ordering::Relaxed);
                        slowest_shed = slowest_shed.max(took);
                    }
                }
            }
            (slowest_accepted, slowest_shed)
        }));
    }
    let mut slowest_accepted = Duration::ZERO;
    for client in clients {
        let (accepted_latency, _) = client.await.expect("a client task");
        slowest_accepted = slowest_accepted.max(accepted_latency);
    }
    let (accepted, shed) = (accepted.load(Ordering::Relaxed), shed.load(Ordering::Relaxed));
    assert_eq!(accepted + shed, 96);
    assert!(shed > 0, "some calls were shed");
    assert!(accepted > 0, "some calls were answered");
    // Two calls at a time at most: an accepted call never waits behind the whole flood.
    assert!(
        slowest_accepted < Duration::from_secs(5),
        "accepted latency stayed bounded: {slowest_accepted:?}"
    );
    assert_eq!(server.metrics.as_ref().map(|m| m.shed_count()), Some(shed as u64));
    assert!(is_serving(&server).await, "healthy after the flood");
}

#[tokio::test]
async fn reloads_under_load_fail_no_call_and_switch_the_answers() {
    let folder = tempfile::tempdir().expect("temp dir");
    write_model(folder.path(), "Alpha");
    let mut config = ServerConfig::with_data(folder.path());
    config.watch = false;
    let server = TestServer::start_with(config).await;
    let reloader = server.reloader.clone().expect("a reloader");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut callers = Vec::new();
    for _ in 0..4 {
        let mut client = server.knowledge().await;
        let mut stopped = stopped.clone();
        callers.push(tokio::spawn(async move {
            let mut seen = std::collections::BTreeSet::new();
            let mut calls = 0;
            while !*stopped.borrow_and_update() {
                seen.insert(subject_name(&mut client).await);
                calls += 1;
            }
            (seen, calls)
        }));
    }
    for round in 0..20 {
        let name = if round % 2 == 0 { "Beta" } else { "Alpha" };
        write_model(folder.path(), name);
        let outcome = reloader.reload("test").await.expect("a valid model reloads");
        assert!(outcome.changed);
        let mut client = server.knowledge().await;
        assert_eq!(subject_name(&mut client).await, name, "answers switch to the new model");
    }
    let _ = stop.send(true);
    let mut all_seen = std::collections::BTreeSet::new();
    for caller in callers {
        let (seen, calls) = caller.await.expect("a caller task ran with no failed call");
        assert!(calls > 0);
        all_seen.extend(seen);
    }
    assert_eq!(all_seen, ["Alpha".to_owned(), "Beta".to_owned()].into());
    assert_eq!(
        server
            .metrics
            .as_ref()
            .map(|m| m.reload_count(actorgraph::metrics::ReloadResult::Success)),
        Some(20)
    );
}

#[tokio::test]
async fn reload_keeps_old_model_on_invalid_file() {
    let folder = tempfile::tempdir().expect("temp dir");
    write_model(folder.path(), "Alpha");
    let mut config = ServerConfig::with_data(folder.path());
    config.watch = false;
    let server = TestServer::start_with(config).await;
    std::fs::write(
        folder.path().join("model.toml"),
        "[[entities]]\nid = \"subject\"\nname = \"Broken\"\ntype = \"planet\"\n",
    )
    .expect("write a broken model");
    let error = server
        .reloader
        .as_ref()
        .expect("a reloader")
        .reload("test")
        .await
        .expect_err("the broken model is refused");
    let message = error.to_string();
    assert!(
        message.contains("model.toml:4: entity \"subject\": unknown type \"planet\""),
        "{message}"
    );
    let mut client = server.knowledge().await;
    assert_eq!(subject_name(&mut client).await, "Alpha", "the old model keeps serving");
    assert_eq!(
        server
            .metrics
            .as_ref()
            .map(|m| m.reload_count(actorgraph::metrics::ReloadResult::Failure)),
        Some(1)
    );
    assert!(is_serving(&server).await, "health stays SERVING");
}

#[tokio::test]
async fn a_changed_data_file_is_reloaded_by_the_watcher() {
    let folder = tempfile::tempdir().expect("temp dir");
    write_model(folder.path(), "Alpha");
    let server = TestServer::start_with(ServerConfig::with_data(folder.path().join("model.toml"))).await;
    let mut client = server.knowledge().await;
    assert_eq!(subject_name(&mut client).await, "Alpha");
    write_model(folder.path(), "Gamma");
    let switched = tokio::time::timeout(Duration::from_secs(20), async {
        while subject_name(&mut client).await != "Gamma" {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(switched.is_ok(), "the watcher reloaded the changed file");
}

/// GET /metrics over plain HTTP/1.1.
async fn scrape(address: std::net::SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect to the metrics port");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read the response");
    response
}

#[tokio::test]
async fn metrics_are_scraped_over_http() {
    let mut config = ServerConfig::with_data(shipped_data());
    config.metrics_listen = Some("127.0.0.1:0".parse().expect("an address"));
    let server = TestServer::start_with(config).await;
    let mut client = server.knowledge().await;
    client
        .get_entity(pb::GetEntityRequest { id: "libya".into() })
        .await
        .expect("libya");
    let _ = client.get_entity(pb::GetEntityRequest { id: "atlantis".into() }).await;
    let text = scrape(server.metrics_address.expect("metrics are on")).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // The model's figures are the served model's, counted from its data.
    let model = actorgraph::model::load(&shipped_data()).expect("the article's model loads");
    let entities = format!("actorgraph_model_entities {}", model.entities.len());
    let relations = format!("actorgraph_model_relations {}", model.relations.len());
    for expected in [
        "actorgraph_calls_total{rpc=\"/actorgraph.v1.KnowledgeService/GetEntity\",code=\"Ok\"} 1",
        "actorgraph_calls_total{rpc=\"/actorgraph.v1.KnowledgeService/GetEntity\",code=\"NotFound\"} 1",
        "actorgraph_call_duration_seconds_count{rpc=\"/actorgraph.v1.KnowledgeService/GetEntity\"} 2",
        "actorgraph_calls_in_flight 0",
        "actorgraph_calls_shed_total 0",
        entities.as_str(),
        relations.as_str(),
        "actorgraph_model_info{version=\"",
        "actorgraph_model_loaded_timestamp_seconds",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[tokio::test]
async fn metrics_are_off_by_default() {
    let server = TestServer::start().await;
    assert!(server.metrics_address.is_none());
}
