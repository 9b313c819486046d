//! Hostile clients and careless operators: every edge a probe found, pinned.

use crate::common;

use std::time::Duration;

use actorgraph::config::ServerConfig;
use actorgraph::pb;
use bytes::Bytes;
use common::{error_details, TestServer};
use tonic::codegen::http;
use tonic::Code;

/// What a raw HTTP/2 exchange got back: the HTTP status, the headers and the trailers.
struct RawAnswer {
    http_status: u16,
    headers: http::HeaderMap,
    trailers: Option<http::HeaderMap>,
}

impl RawAnswer {
    /// The gRPC status as a client reads it (headers of a trailers-only answer, or trailers).
    fn status(&self) -> tonic::Status {
        self.trailers
            .as_ref()
            .and_then(tonic::Status::from_header_map)
            .or_else(|| tonic::Status::from_header_map(&self.headers))
            .expect("a grpc-status")
    }
}

/// Opens a call over a fresh HTTP/2 connection with exactly these headers, and sends `body`,
/// ending the request with it when `end` (else the client may send more, or stall).
async fn open_call(
    server: &TestServer,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    end: bool,
) -> (h2::client::ResponseFuture, h2::SendStream<Bytes>) {
    let tcp = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let (client, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    tokio::spawn(connection);
    let mut client = client.ready().await.expect("ready");
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{}{path}", server.address))
        .header("content-type", content_type)
        .header("te", "trailers")
        .body(())
        .expect("a request");
    let (response, mut send) = client.send_request(request, false).expect("send headers");
    send.send_data(Bytes::from(body), end).expect("send body");
    (response, send)
}

/// Sends one request over a fresh HTTP/2 connection with exactly these headers and body bytes.
async fn raw_call(server: &TestServer, path: &str, content_type: &str, body: Vec<u8>) -> RawAnswer {
    let (response, _send) = open_call(server, path, content_type, body, true).await;
    let response = response.await.expect("a response");
    let http_status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = response.into_body();
    // Each chunk read gives its window back, so a large answer is not held up.
    while let Some(chunk) = body.data().await {
        if let Ok(chunk) = chunk {
            let _ = body.flow_control().release_capacity(chunk.len());
        }
    }
    let trailers = body.trailers().await.ok().flatten();
    RawAnswer {
        http_status,
        headers,
        trailers,
    }
}

fn frame(flag: u8, declared_length: u32, payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![flag];
    bytes.extend_from_slice(&declared_length.to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

const EXTRACT: &str = "/actorgraph.v1.ExtractionService/ExtractEntities";

/// A valid ExtractEntities request message, unframed.
fn extract_message(text: &str) -> Vec<u8> {
    prost::Message::encode_to_vec(&pb::ExtractEntitiesRequest {
        text: text.to_owned(),
        ..Default::default()
    })
}

/// Asserts a client error with an ErrorInfo of this reason, and that the server still answers.
async fn assert_client_error(server: &TestServer, answer: &RawAnswer, code: Code, reason: &str) {
    let status = answer.status();
    assert_eq!(status.code(), code, "{status:?}");
    let (found_reason, domain, _) = error_details(&status);
    assert_eq!(found_reason, reason, "{status:?}");
    assert_eq!(domain, "actorgraph");
    let healthy = raw_call(server, EXTRACT, "application/grpc", frame(0, 0, &[])).await;
    assert_eq!(healthy.status().code(), Code::Ok, "the server still answers");
}

#[tokio::test]
async fn an_invalid_compression_flag_is_an_invalid_argument_with_error_info() {
    let server = TestServer::start().await;
    let answer = raw_call(&server, EXTRACT, "application/grpc", frame(2, 0, &[])).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "MALFORMED_FRAME").await;
}

#[tokio::test]
async fn a_compressed_frame_without_an_encoding_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let message = extract_message("Egypt");
    let answer = raw_call(
        &server,
        EXTRACT,
        "application/grpc",
        frame(1, message.len() as u32, &message),
    )
    .await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "MALFORMED_FRAME").await;
}

#[tokio::test]
async fn a_truncated_frame_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let message = extract_message("Egypt and Libya");
    let answer = raw_call(&server, EXTRACT, "application/grpc", frame(0, 100, &message[..4])).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "TRUNCATED_MESSAGE").await;
    let short_header = raw_call(&server, EXTRACT, "application/grpc", vec![0, 0]).await;
    assert_client_error(&server, &short_header, Code::InvalidArgument, "TRUNCATED_MESSAGE").await;
}

#[tokio::test]
async fn a_request_without_a_message_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let answer = raw_call(&server, EXTRACT, "application/grpc", Vec::new()).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "MISSING_MESSAGE").await;
}

#[tokio::test]
async fn a_wrong_content_type_is_http_415_with_a_grpc_status() {
    let server = TestServer::start().await;
    let message = extract_message("Egypt");
    let answer = raw_call(&server, EXTRACT, "text/plain", frame(0, message.len() as u32, &message)).await;
    assert_eq!(answer.http_status, 415);
    assert_client_error(&server, &answer, Code::InvalidArgument, "UNSUPPORTED_CONTENT_TYPE").await;
}

#[tokio::test]
async fn an_unknown_method_names_itself_and_the_services() {
    let server = TestServer::start().await;
    for path in ["/nope.Service/Method", "/actorgraph.v1.ExtractionService/Nope"] {
        let answer = raw_call(&server, path, "application/grpc", frame(0, 0, &[])).await;
        let status = answer.status();
        assert_eq!(status.code(), Code::Unimplemented);
        assert!(status.message().contains(path), "{status:?}");
        assert!(
            status.message().contains("actorgraph.v1.ExtractionService"),
            "{status:?}"
        );
        assert!(status.message().contains("grpc.health.v1.Health"), "{status:?}");
        assert_eq!(error_details(&status).0, "UNKNOWN_METHOD");
    }
}

#[tokio::test]
async fn unknown_paths_share_one_metric_label() {
    let server = TestServer::start().await;
    let metrics = server.metrics.clone().expect("metrics");
    let before = metrics.encode().len();
    for index in 0..50 {
        let path = format!("/{}{index}.S/M", "x".repeat(2000));
        raw_call(&server, &path, "application/grpc", frame(0, 0, &[])).await;
    }
    let text = metrics.encode();
    assert!(!text.contains("xxxx"), "no client path becomes a label");
    assert!(
        text.contains(r#"actorgraph_calls_total{rpc="unknown",code="Unimplemented"} 50"#),
        "{text}"
    );
    // 50 unknown paths add one counter series and one histogram, not fifty.
    assert!(
        text.len() < before + 4096,
        "metrics grew from {before} to {} bytes",
        text.len()
    );
}

/// Waits (bounded) until the metrics text satisfies `ready`.
async fn metrics_until(server: &TestServer, ready: impl Fn(&str) -> bool) -> String {
    let metrics = server.metrics.clone().expect("metrics");
    let started = std::time::Instant::now();
    loop {
        let text = metrics.encode();
        if ready(&text) || started.elapsed() > Duration::from_secs(10) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Sends the head of a call and `body`, waits until the server works on the call, then resets
/// the stream, as a client that gives up does.
async fn cancel_midway(server: &TestServer, body: Vec<u8>, end_of_body: bool) {
    let (_response, mut send) = open_call(server, EXTRACT, "application/grpc", body, end_of_body).await;
    // A body still arriving is read before its call is admitted; a whole one is then worked on.
    let working = if end_of_body {
        "actorgraph_calls_in_flight 1"
    } else {
        "actorgraph_request_bodies_reading 1"
    };
    metrics_until(server, |text| text.contains(working)).await;
    send.send_reset(h2::Reason::CANCEL);
}

#[tokio::test]
async fn a_cancelled_call_is_counted_as_cancelled_not_as_a_failure() {
    let server = TestServer::start().await;
    let cancelled = |count: usize| format!(r#"actorgraph_calls_total{{rpc="{EXTRACT}",code="Cancelled"}} {count}"#);
    // Cancelled while the body is still arriving.
    cancel_midway(&server, frame(0, 1000, b"\x0a\x10partial"), false).await;
    let text = metrics_until(&server, |text| text.contains(&cancelled(1))).await;
    assert!(text.contains(&cancelled(1)), "{text}");
    // Cancelled while a large text is being extracted.
    let message = extract_message(&"Egypt and Libya met in Tripoli. ".repeat(30_000));
    cancel_midway(&server, frame(0, message.len() as u32, &message), true).await;
    let text = metrics_until(&server, |text| text.contains(&cancelled(2))).await;
    assert!(text.contains(&cancelled(2)), "{text}");
    assert!(!text.contains(r#"code="Internal""#), "{text}");
    assert!(!text.contains(r#"code="Unknown""#), "{text}");
}

#[tokio::test]
async fn unsafe_request_ids_are_replaced_and_safe_ones_echoed() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let call = |id: &'static str| {
        let mut request = tonic::Request::new(pb::ExtractEntitiesRequest {
            text: "Egypt".into(),
            ..Default::default()
        });
        request
            .metadata_mut()
            .insert("x-request-id", id.parse().expect("ascii metadata"));
        request
    };
    let echoed = |response: &tonic::Response<pb::ExtractEntitiesResponse>| {
        response
            .metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("a request id")
    };
    let safe = client.extract_entities(call("job-42.retry:1_a")).await.expect("ok");
    assert_eq!(echoed(&safe), "job-42.retry:1_a");
    for forged in [r#"a"b} injected=1"#, "with space", "semi;colon"] {
        let response = client.extract_entities(call(forged)).await.expect("ok");
        let id = echoed(&response);
        assert_ne!(id, forged);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{id}");
    }
    let long: &'static str = Box::leak("a".repeat(129).into_boxed_str());
    let response = client.extract_entities(call(long)).await.expect("ok");
    assert_ne!(echoed(&response), long);
}

fn extract_request(text: &str) -> pb::ExtractEntitiesRequest {
    pb::ExtractEntitiesRequest {
        text: text.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_stream_item_over_the_text_limit_fails_alone_and_the_stream_goes_on() {
    let mut config = actorgraph::config::ServerConfig::with_data(common::shipped_data());
    config.max_text_bytes = 1000;
    let server = TestServer::start_with(config).await;
    let mut client = server.extraction().await;
    let texts = [
        "Egypt backs Haftar.",
        &"Libya ".repeat(300),
        &"Libya ".repeat(10_000),
        "Türkiye and Libya.",
    ];
    let items: Vec<pb::StreamExtractEntitiesRequest> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| pb::StreamExtractEntitiesRequest {
            request_id: index.to_string(),
            request: Some(extract_request(text)),
        })
        .collect();
    let mut answers = client
        .stream_extract_entities(tokio_stream::iter(items))
        .await
        .expect("the stream opens")
        .into_inner();
    let mut results = Vec::new();
    while let Some(answer) = answers.message().await.expect("no stream error") {
        results.push(answer);
    }
    assert_eq!(results.len(), 4, "every item is answered");
    for (index, answer) in results.iter().enumerate() {
        assert_eq!(answer.request_id, index.to_string());
        let is_error = matches!(
            answer.result,
            Some(pb::stream_extract_entities_response::Result::Error(_))
        );
        assert_eq!(is_error, index == 1 || index == 2, "item {index}: {answer:?}");
        if let Some(pb::stream_extract_entities_response::Result::Error(error)) = &answer.result {
            assert_eq!(error.reason, "TEXT_TOO_LARGE");
        }
    }
}

#[tokio::test]
async fn an_answer_over_the_response_limit_is_refused_with_what_to_do() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    // A text within the 1 MiB limit whose every word is a name: about 175,000 mentions.
    let status = client
        .extract_entities(extract_request(&"Egypt ".repeat(170_000)))
        .await
        .expect_err("the answer is over 4 MiB");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(error_details(&status).0, "RESPONSE_TOO_LARGE");
    assert!(status.message().contains("send the text in parts"), "{status:?}");
    // 1 MiB of news is answered: the limit only bites on texts made of names.
    let article = common::article();
    let news = article.repeat((1 << 20) / article.len());
    let response = client.extract_entities(extract_request(&news)).await.expect("answered");
    let size = prost::Message::encoded_len(response.get_ref());
    assert!(size <= 4 * 1024 * 1024, "{size} bytes");
    // A client with gRPC's default 4 MiB limit reads it.
    let mut default_client = pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    default_client
        .extract_entities(extract_request(&news))
        .await
        .expect("within a default client's limit");
}

/// Lays out `folder` as the kubelet lays out a mounted ConfigMap: the file is a symlink through
/// `..data`, itself a symlink to a timestamped folder. Returns the path of the data file.
#[cfg(unix)]
fn kubelet_layout(folder: &std::path::Path, generation: &str, name: &str) {
    let timestamped = folder.join(format!("..{generation}"));
    std::fs::create_dir(&timestamped).expect("a timestamped folder");
    common::write_model(&timestamped, name);
    let staging = folder.join("..data_tmp");
    std::os::unix::fs::symlink(format!("..{generation}"), &staging).expect("a ..data_tmp symlink");
    // The atomic step: rename the new symlink over the old one.
    std::fs::rename(&staging, folder.join("..data")).expect("swap ..data");
    let link = folder.join("model.toml");
    if std::fs::symlink_metadata(&link).is_err() {
        std::os::unix::fs::symlink("..data/model.toml", &link).expect("the file symlink");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_kubelet_style_symlink_swap_reloads_the_model() {
    let folder = tempfile::tempdir().expect("temp dir");
    kubelet_layout(folder.path(), "2026_11_27_10_00_00.1", "Alpha");
    let server = TestServer::start_with(actorgraph::config::ServerConfig::with_data(folder.path())).await;
    let mut client = server.knowledge().await;
    assert_eq!(common::subject_name(&mut client).await, "Alpha");
    kubelet_layout(folder.path(), "2026_11_27_10_01_00.2", "Beta");
    let started = std::time::Instant::now();
    let mut name = common::subject_name(&mut client).await;
    while name != "Beta" && started.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        name = common::subject_name(&mut client).await;
    }
    assert_eq!(name, "Beta", "the swap was seen and the new model served");
}

/// A data folder holding a model of `count` entities.
fn write_entities(folder: &std::path::Path, count: usize) {
    let mut data = String::new();
    for index in 0..count {
        data.push_str(&format!(
            "[[entities]]\nid = \"e{index}\"\nname = \"Entity {index}\"\ntype = \"country\"\n\n"
        ));
    }
    std::fs::write(folder.join("model.toml"), data).expect("write the model");
}

/// A server on a folder model of ten entities, reloaded only when a test asks.
async fn serve_ten_entities_without_watching(folder: &std::path::Path) -> (TestServer, actorgraph::server::Reloader) {
    write_entities(folder, 10);
    let mut config = actorgraph::config::ServerConfig::with_data(folder);
    config.watch = false;
    let server = TestServer::start_with(config).await;
    let reloader = server.reloader.clone().expect("a reloader");
    (server, reloader)
}

#[tokio::test]
async fn an_emptied_data_file_is_invalid_and_the_old_model_keeps_serving() {
    let folder = tempfile::tempdir().expect("temp dir");
    let (server, reloader) = serve_ten_entities_without_watching(folder.path()).await;
    std::fs::write(folder.path().join("model.toml"), "").expect("truncate");
    let error = reloader
        .reload_on_change()
        .await
        .expect_err("an empty model is invalid");
    assert!(error.to_string().contains("this layer defines nothing"), "{error}");
    // Even an explicit reload refuses it: an empty model is never valid.
    assert!(reloader.reload("SIGHUP").await.is_err());
    let mut client = server.knowledge().await;
    let entity = client
        .get_entity(pb::GetEntityRequest { id: "e3".into() })
        .await
        .expect("the old model still answers");
    assert_eq!(entity.into_inner().entity.expect("an entity").name, "Entity 3");
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_dropped_in_the_data_folder_fails_the_reload_at_once_and_the_next_reload_works() {
    let folder = tempfile::tempdir().expect("temp dir");
    let (server, reloader) = serve_ten_entities_without_watching(folder.path()).await;
    let fifo = folder.path().join("p.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Before the fix the reload opened the FIFO and waited for a writer for ever.
    let error = reloader.reload("SIGHUP").await.expect_err("a FIFO is refused");
    assert!(
        error.to_string().contains("p.toml") && error.to_string().contains("a FIFO"),
        "{error}"
    );
    std::fs::remove_file(&fifo).expect("remove the FIFO");
    write_entities(folder.path(), 11);
    assert!(reloader.reload("SIGHUP").await.expect("the next reload works").changed);
    let mut client = server.knowledge().await;
    assert!(client
        .get_entity(pb::GetEntityRequest { id: "e10".into() })
        .await
        .is_ok());
}

#[tokio::test]
async fn an_automatic_reload_that_drops_most_of_the_model_is_refused_unless_asked() {
    let folder = tempfile::tempdir().expect("temp dir");
    let (server, reloader) = serve_ten_entities_without_watching(folder.path()).await;
    let metrics = server.metrics.clone().expect("metrics");
    let refused = actorgraph::metrics::ReloadResult::Refused;
    assert!(metrics
        .encode()
        .contains(r#"actorgraph_model_reloads_total{result="refused"} 0"#));
    // A half-copied model: 4 of 10 entities.
    write_entities(folder.path(), 4);
    let error = reloader.reload_on_change().await.expect_err("refused");
    assert!(error.to_string().contains("reload refused"), "{error}");
    assert_eq!(metrics.reload_count(refused), 1);
    let mut client = server.knowledge().await;
    assert!(client
        .get_entity(pb::GetEntityRequest { id: "e9".into() })
        .await
        .is_ok());
    // Keeping at least half is an ordinary change.
    write_entities(folder.path(), 6);
    assert!(reloader.reload_on_change().await.expect("accepted").changed);
    // The operator's explicit reload (SIGHUP) loads a much smaller model.
    write_entities(folder.path(), 1);
    assert!(reloader.reload("SIGHUP").await.expect("accepted").changed);
    assert!(client
        .get_entity(pb::GetEntityRequest { id: "e5".into() })
        .await
        .is_err());
}

#[tokio::test]
async fn a_truncated_frame_in_a_stream_is_an_invalid_argument_with_error_info() {
    let server = TestServer::start().await;
    let path = "/actorgraph.v1.ExtractionService/StreamExtractEntities";
    let answer = raw_call(&server, path, "application/grpc", frame(0, 100, &[0x0a, 0x01])).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "TRUNCATED_MESSAGE").await;
    let answer = raw_call(&server, path, "application/grpc", frame(2, 0, &[])).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "MALFORMED_FRAME").await;
}

#[tokio::test]
async fn grpc_web_is_served_and_other_grpc_content_types_are_refused() {
    let server = TestServer::start().await;
    let message = extract_message("Egypt");
    let web = raw_call(
        &server,
        EXTRACT,
        "application/grpc-web+proto",
        frame(0, message.len() as u32, &message),
    )
    .await;
    assert_eq!(web.http_status, 200, "gRPC-Web is translated to gRPC");
    let json = raw_call(
        &server,
        EXTRACT,
        "application/grpc+json",
        frame(0, message.len() as u32, &message),
    )
    .await;
    assert_eq!(json.http_status, 415, "the messages here are protobuf");
    assert_client_error(&server, &json, Code::InvalidArgument, "UNSUPPORTED_CONTENT_TYPE").await;
    let proto = raw_call(
        &server,
        EXTRACT,
        "application/grpc+proto",
        frame(0, message.len() as u32, &message),
    )
    .await;
    assert_eq!(proto.status().code(), Code::Ok);
}

#[tokio::test]
async fn the_reload_guard_watches_each_layer_not_the_sum() {
    let base = tempfile::tempdir().expect("temp dir");
    let top = tempfile::tempdir().expect("temp dir");
    write_entities(base.path(), 40);
    let top_model = |count: usize| {
        let mut data = String::new();
        for index in 0..count {
            data.push_str(&format!(
                "[[entities]]\nid = \"t{index}\"\nname = \"Top {index}\"\ntype = \"person\"\n\n"
            ));
        }
        std::fs::write(top.path().join("model.toml"), data).expect("write the top layer");
    };
    top_model(6);
    let mut config = actorgraph::config::ServerConfig::with_data(base.path());
    config.data.push(top.path().to_path_buf());
    config.watch = false;
    let server = TestServer::start_with(config).await;
    let reloader = server.reloader.clone().expect("a reloader");
    // The top layer emptied: 40 of 46 entities remain, but the layer defines nothing.
    std::fs::write(top.path().join("model.toml"), "").expect("truncate");
    let error = reloader
        .reload_on_change()
        .await
        .expect_err("an empty layer is invalid");
    assert!(error.to_string().contains("this layer defines nothing"), "{error}");
    // The top layer cut to 2 of its 6 records: 42 of 46 entities remain, but the layer lost
    // two thirds.
    top_model(2);
    let error = reloader.reload_on_change().await.expect_err("refused");
    assert!(error.to_string().contains("reload refused"), "{error}");
    assert!(error.to_string().contains(&top.path().display().to_string()), "{error}");
    let mut client = server.knowledge().await;
    assert!(client
        .get_entity(pb::GetEntityRequest { id: "t5".into() })
        .await
        .is_ok());
}

#[tokio::test]
async fn a_health_check_of_an_unknown_service_carries_an_error_info() {
    let server = TestServer::start().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "no.such.Service".into(),
        })
        .await
        .expect_err("unknown service");
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(error_details(&status).0, "NOT_FOUND");
}

#[tokio::test]
async fn a_unary_call_with_two_messages_is_an_invalid_argument() {
    let server = TestServer::start().await;
    let first = extract_message("Egypt backs Haftar.");
    let second = extract_message("France backs Haftar.");
    let body = [
        frame(0, first.len() as u32, &first),
        frame(0, second.len() as u32, &second),
    ]
    .concat();
    // Before, the second message was dropped without a word and the first answered.
    let answer = raw_call(&server, EXTRACT, "application/grpc", body).await;
    assert_client_error(&server, &answer, Code::InvalidArgument, "TOO_MANY_MESSAGES").await;
    assert!(answer.status().message().contains("sent 2"), "{:?}", answer.status());
}

#[tokio::test]
async fn grpc_bodies_that_trickle_in_take_no_call_slot_and_time_out_on_their_own() {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_concurrent_calls = 2;
    config.body_read_timeout_ms = 300;
    let server = TestServer::start_with(config).await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        // The headers and the first bytes of a 1,000-byte frame, then nothing.
        stalled.push(open_call(&server, EXTRACT, "application/grpc", frame(0, 1000, b"\x0a"), false).await);
    }
    metrics_until(&server, |text| text.contains("actorgraph_request_bodies_reading 4")).await;
    // Before, the four held both call slots and a real call was shed with OVERLOADED.
    let message = extract_message("Egypt backs Haftar.");
    let answer = raw_call(
        &server,
        EXTRACT,
        "application/grpc",
        frame(0, message.len() as u32, &message),
    )
    .await;
    assert_eq!(answer.status().code(), Code::Ok, "{:?}", answer.status());
    // A stalled body ends with its own, short timeout, as the client's fault.
    let (response, _send) = stalled.pop().expect("a stalled call");
    let response = tokio::time::timeout(Duration::from_secs(20), response)
        .await
        .expect("the stalled call is answered, not held for ever")
        .expect("a response");
    let status = tonic::Status::from_header_map(response.headers()).expect("a trailers-only status");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("did not arrive within 300 ms"), "{status:?}");
}

#[tokio::test]
async fn a_text_larger_than_the_text_budget_is_answered_alone_and_gives_its_bytes_back() {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_text_bytes_in_work = 1000;
    let server = TestServer::start_with(config).await;
    let message = extract_message(&"Egypt backs Haftar. ".repeat(300));
    let answer = raw_call(
        &server,
        EXTRACT,
        "application/grpc",
        frame(0, message.len() as u32, &message),
    )
    .await;
    assert_eq!(answer.status().code(), Code::Ok, "{:?}", answer.status());
    let text = metrics_until(&server, |text| text.contains("actorgraph_text_bytes_in_work 0")).await;
    assert!(text.contains("actorgraph_request_bodies_reading 0"), "{text}");
}

#[tokio::test]
async fn large_grpc_requests_are_held_to_their_limit_from_reading_to_answer() {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_large_requests = 1;
    let server = TestServer::start_with(config).await;
    // One client holds the large-request slot with a body it is still sending.
    let most_of_a_large_body = frame(0, 200_000, &vec![b'a'; 70_000]);
    let (_response, mut send) = open_call(&server, EXTRACT, "application/grpc", most_of_a_large_body, false).await;
    metrics_until(&server, |text| text.contains("actorgraph_request_bodies_reading 1")).await;
    let large = extract_message(&"Egypt backs Haftar. ".repeat(5_000));
    let large = frame(0, large.len() as u32, &large);
    // A second large request is shed at once; a small one is answered.
    let shed = raw_call(&server, EXTRACT, "application/grpc", large.clone()).await;
    assert_eq!(shed.status().code(), Code::ResourceExhausted, "{:?}", shed.status());
    assert!(
        shed.status().message().contains("--max-large-requests"),
        "{:?}",
        shed.status()
    );
    let small = extract_message("Egypt backs Haftar.");
    let answer = raw_call(
        &server,
        EXTRACT,
        "application/grpc",
        frame(0, small.len() as u32, &small),
    )
    .await;
    assert_eq!(answer.status().code(), Code::Ok, "{:?}", answer.status());
    // Once the first client gives up, the slot is free again.
    send.send_reset(h2::Reason::CANCEL);
    metrics_until(&server, |text| text.contains("actorgraph_request_bodies_reading 0")).await;
    let answer = raw_call(&server, EXTRACT, "application/grpc", large).await;
    assert_eq!(answer.status().code(), Code::Ok, "{:?}", answer.status());
}
