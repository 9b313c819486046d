//! HTTP beside gRPC on the same port, called with a plain HTTP/1.1 client as curl or a browser
//! would: Connect JSON calls and their errors, gRPC-Web, and the page's files.

use crate::common;

use actorgraph::config::ServerConfig;
use base64::Engine as _;
use bytes::{Buf as _, Bytes};
use common::TestServer;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tonic::codegen::http;

const LIST_RELATIONS: &str = "/actorgraph.v1.KnowledgeService/ListRelations";
const EXTRACT: &str = "/actorgraph.v1.ExtractionService/ExtractEntities";

/// What an HTTP exchange got back.
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// The Connect error's code and its ErrorInfo reason, checking that the detail's base64
    /// value and its debug JSON agree.
    fn connect_error(&self) -> (String, String) {
        let error = self.json();
        let info = error["details"]
            .as_array()
            .and_then(|details| details.iter().find(|d| d["type"] == "google.rpc.ErrorInfo"))
            .unwrap_or_else(|| panic!("every error carries an ErrorInfo: {error}"));
        let value = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(info["value"].as_str().expect("a base64 value"))
            .expect("valid base64");
        let decoded = <tonic_types::pb::ErrorInfo as prost::Message>::decode(value.as_slice()).expect("an ErrorInfo");
        assert_eq!(
            decoded.reason,
            info["debug"]["reason"].as_str().expect("a debug reason")
        );
        assert_eq!(decoded.domain, "actorgraph");
        (error["code"].as_str().expect("a code").to_owned(), decoded.reason)
    }
}

/// One request over a fresh HTTP/1.1 connection.
async fn send(server: &TestServer, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let tcp = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", server.address.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body))).expect("a request");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("the body").to_bytes();
    Answer { status, headers, body }
}

async fn post_json(server: &TestServer, path: &str, json: &str) -> Answer {
    send(
        server,
        "POST",
        path,
        &[("content-type", "application/json")],
        json.as_bytes().to_vec(),
    )
    .await
}

#[tokio::test]
async fn list_relations_answers_proto3_json_over_http() {
    let server = TestServer::start().await;
    let answer = post_json(
        &server,
        LIST_RELATIONS,
        r#"{"entity_id": "government-of-national-unity", "predicate": "backed_by"}"#,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "application/json");
    let relations = answer.json()["relations"].as_array().expect("relations").clone();
    let backers: Vec<&str> = relations.iter().map(|r| r["subject"]["id"].as_str().unwrap()).collect();
    assert_eq!(backers, ["turkiye", "united-nations"]);
    assert_eq!(
        relations[0]["direction"], "RELATION_DIRECTION_INCOMING",
        "enums by name"
    );
}

#[tokio::test]
async fn extraction_over_json_gives_the_offsets_grpc_gives() {
    let server = TestServer::start().await;
    let text = "Ankara’s envoy met Haftar in Benghazi.";
    let answer = post_json(&server, EXTRACT, &serde_json::json!({ "text": text }).to_string()).await;
    assert_eq!(answer.status, 200);
    let json = answer.json();
    let mut client = server.extraction().await;
    let grpc = client
        .extract_entities(actorgraph::pb::ExtractEntitiesRequest {
            text: text.into(),
            ..Default::default()
        })
        .await
        .expect("the gRPC call")
        .into_inner();
    let mentions = json["mentions"].as_array().expect("mentions");
    assert_eq!(mentions.len(), grpc.mentions.len());
    for (json, grpc) in mentions.iter().zip(&grpc.mentions) {
        let span = grpc.span.as_ref().expect("a span");
        assert_eq!(json["entityId"], grpc.entity_id.as_str());
        // Proto3 JSON leaves zero values out.
        assert_eq!(
            json["span"]["utf16Start"].as_u64().unwrap_or(0),
            u64::from(span.utf16_start)
        );
        assert_eq!(
            json["span"]["utf16End"].as_u64().unwrap_or(0),
            u64::from(span.utf16_end)
        );
    }
}

#[tokio::test]
async fn an_unknown_entity_is_not_found_with_the_same_details_as_grpc() {
    let server = TestServer::start().await;
    let answer = post_json(
        &server,
        "/actorgraph.v1.KnowledgeService/GetEntity",
        r#"{"id": "atlantis"}"#,
    )
    .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.connect_error(), ("not_found".into(), "ENTITY_NOT_FOUND".into()));
    assert_eq!(answer.json()["message"], r#"entity "atlantis" not found"#);
    let info = &answer.json()["details"][0]["debug"];
    assert_eq!(info["metadata"]["id"], "atlantis");
}

#[tokio::test]
async fn json_that_is_not_the_methods_message_is_malformed_request() {
    let server = TestServer::start().await;
    for body in [
        r#"{"page_size": "#,
        r#"{"no_such_field": 1}"#,
        r#"{"page_size": "many"}"#,
        "[]",
    ] {
        let answer = post_json(&server, "/actorgraph.v1.KnowledgeService/ListEntities", body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(
            answer.connect_error(),
            ("invalid_argument".into(), "MALFORMED_REQUEST".into()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_unknown_method_is_unimplemented_and_names_the_services() {
    let server = TestServer::start().await;
    let answer = post_json(&server, "/actorgraph.v1.KnowledgeService/Nope", "{}").await;
    assert_eq!(answer.status, 501);
    assert_eq!(
        answer.connect_error(),
        ("unimplemented".into(), "UNKNOWN_METHOD".into())
    );
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains("actorgraph.v1.KnowledgeService"));
}

#[tokio::test]
async fn a_text_over_the_limit_is_refused_as_over_grpc() {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_text_bytes = 100;
    let server = TestServer::start_with(config).await;
    let text = "Egypt ".repeat(30);
    let answer = post_json(&server, EXTRACT, &serde_json::json!({ "text": text }).to_string()).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.connect_error(),
        ("invalid_argument".into(), "TEXT_TOO_LARGE".into())
    );
    // A body over the method's decode limit (twice the text limit plus 64 KiB) is not read.
    let huge = "Egypt ".repeat(20_000);
    let answer = post_json(&server, EXTRACT, &serde_json::json!({ "text": huge }).to_string()).await;
    assert_eq!(answer.status, 429);
    assert_eq!(
        answer.connect_error(),
        ("resource_exhausted".into(), "MESSAGE_TOO_LARGE".into())
    );
}

#[tokio::test]
async fn a_compressed_json_body_is_unimplemented_not_malformed() {
    let server = TestServer::start().await;
    let answer = send(
        &server,
        "POST",
        LIST_RELATIONS,
        &[("content-type", "application/json"), ("content-encoding", "gzip")],
        vec![0x1f, 0x8b, 0x08, 0x00],
    )
    .await;
    assert_eq!(answer.status, 501);
    assert_eq!(
        answer.connect_error(),
        ("unimplemented".into(), "UNSUPPORTED_ENCODING".into())
    );
}

#[tokio::test]
async fn a_content_type_nobody_speaks_is_415_with_a_connect_error() {
    let server = TestServer::start().await;
    let answer = send(
        &server,
        "POST",
        LIST_RELATIONS,
        &[("content-type", "text/plain")],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(answer.status, 415);
    assert_eq!(
        answer.connect_error(),
        ("invalid_argument".into(), "UNSUPPORTED_CONTENT_TYPE".into())
    );
}

#[tokio::test]
async fn a_stream_asked_for_over_json_is_415_and_says_how_to_call_it() {
    let server = TestServer::start().await;
    for path in [
        "/actorgraph.v1.ExtractionService/StreamExtractEntities",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ] {
        let answer = post_json(&server, path, "{}").await;
        assert_eq!(answer.status, 415, "{path}");
        assert_eq!(
            answer.connect_error(),
            ("invalid_argument".into(), "UNSUPPORTED_CONTENT_TYPE".into())
        );
        assert!(answer.json()["message"].as_str().unwrap().contains("gRPC-Web"));
    }
}

#[tokio::test]
async fn a_connect_timeout_is_the_calls_deadline() {
    let server = TestServer::start().await;
    // A long text is extracted off the async worker, so the call is still running when its
    // 1 ms deadline passes.
    let text = common::article().repeat(200);
    let answer = send(
        &server,
        "POST",
        EXTRACT,
        &[("content-type", "application/json"), ("connect-timeout-ms", "1")],
        serde_json::json!({ "text": text }).to_string().into_bytes(),
    )
    .await;
    assert_eq!(answer.status, 504);
    assert_eq!(
        answer.connect_error(),
        ("deadline_exceeded".into(), "DEADLINE_EXCEEDED".into())
    );
}

#[tokio::test]
async fn json_calls_share_request_ids_and_metrics_with_grpc() {
    let server = TestServer::start().await;
    let answer = send(
        &server,
        "POST",
        "/actorgraph.v1.KnowledgeService/GetEntity",
        &[("content-type", "application/json"), ("x-request-id", "json-call-1")],
        br#"{"id": "ankara"}"#.to_vec(),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["x-request-id"], "json-call-1");
    let _ = post_json(&server, "/actorgraph.v1.KnowledgeService/ListEntities", "{").await;
    let metrics = server.metrics.as_ref().expect("metrics").encode();
    for line in [
        r#"actorgraph_calls_total{rpc="/actorgraph.v1.KnowledgeService/GetEntity",code="Ok"} 1"#,
        r#"actorgraph_calls_total{rpc="/actorgraph.v1.KnowledgeService/ListEntities",code="InvalidArgument"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
}

#[tokio::test]
async fn large_json_bodies_being_read_count_against_the_large_request_limit() {
    use tokio::io::AsyncWriteExt as _;
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_large_requests = 1;
    let server = TestServer::start_with(config).await;
    // A client that announces a large body and sends 70 KB of it holds the one read slot.
    let mut slow = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let head = format!(
        "POST {EXTRACT} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 200000\r\n\r\n{{\"text\": \"",
        server.address
    );
    slow.write_all(head.as_bytes()).await.expect("send the start");
    slow.write_all(&vec![b'a'; 70_000])
        .await
        .expect("send most of a large body");
    let metrics = server.metrics.clone().expect("metrics");
    let large = format!(r#"{{"text": "{}"}}"#, "Egypt ".repeat(20_000));
    let mut shed = None;
    for _ in 0..200 {
        let answer = post_json(&server, EXTRACT, &large).await;
        if answer.status == 429 {
            shed = Some(answer);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let shed = shed.expect("a large body beyond the limit is shed while the slow one is read");
    assert_eq!(shed.connect_error(), ("resource_exhausted".into(), "OVERLOADED".into()));
    // The refusal names the flag that sets the limit, as over gRPC.
    let said = String::from_utf8_lossy(&shed.body);
    assert!(said.contains("--max-large-requests"), "{said}");
    assert_eq!(metrics.shed_count(), 1);
    drop(slow);
}

/// The HTTP/1.1 answer on a raw connection (head and a JSON body), or `None` when none comes
/// within 20 s.
async fn http1_reply(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt as _;
    let mut reply = Vec::new();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    reply.extend_from_slice(&buffer[..n]);
                    if reply.windows(4).any(|w| w == b"\r\n\r\n") && reply.ends_with(b"}") {
                        break;
                    }
                }
            }
        }
    })
    .await
    .ok()?;
    Some(String::from_utf8_lossy(&reply).into_owned())
}

#[tokio::test]
async fn small_bodies_that_trickle_in_take_no_call_slot_and_time_out_on_their_own() {
    use tokio::io::AsyncWriteExt as _;
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_concurrent_calls = 2;
    config.body_read_timeout_ms = 300;
    let server = TestServer::start_with(config).await;
    // Four clients send headers and the start of a body, then nothing.
    let mut slow = Vec::new();
    for _ in 0..4 {
        let mut stream = tokio::net::TcpStream::connect(server.address).await.expect("connect");
        let head = format!(
            "POST /actorgraph.v1.KnowledgeService/GetEntity HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"te",
            server.address
        );
        stream.write_all(head.as_bytes()).await.expect("send the start");
        slow.push(stream);
    }
    // Before the fix every real call was shed (429) until the slow bodies timed out.
    let answer = post_json(
        &server,
        "/actorgraph.v1.KnowledgeService/GetEntity",
        r#"{"id": "egypt"}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{:?}", String::from_utf8_lossy(&answer.body));
    // A slow body ends with its own, short timeout.
    let mut stalled = slow.pop().expect("a slow client");
    let reply = http1_reply(&mut stalled)
        .await
        .expect("the stalled body is answered, not held for ever");
    assert!(reply.starts_with("HTTP/1.1 504"), "{reply}");
    assert!(reply.contains("did not arrive within 300 ms"), "{reply}");
    // Its latency counts from its arrival, not from when its body was given up on.
    let metrics = server.metrics.clone().expect("metrics").encode();
    let waited: f64 = metrics
        .lines()
        .find(|line| {
            line.starts_with(r#"actorgraph_call_duration_seconds_sum{rpc="/actorgraph.v1.KnowledgeService/GetEntity"}"#)
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .expect("a latency sum for GetEntity");
    assert!(
        waited >= 0.29,
        "the stalled calls waited 0.3 s each, counted {waited} s in all"
    );
}

#[tokio::test]
async fn grpc_web_is_served_over_http1() {
    let server = TestServer::start().await;
    let message = prost::Message::encode_to_vec(&actorgraph::pb::ExtractEntitiesRequest {
        text: "Egypt backs Haftar.".into(),
        ..Default::default()
    });
    let mut framed = vec![0];
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(&message);
    let answer = send(
        &server,
        "POST",
        EXTRACT,
        &[("content-type", "application/grpc-web+proto"), ("x-grpc-web", "1")],
        framed,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/grpc-web"));
    let mut body = answer.body.clone();
    assert_eq!(body.get_u8(), 0, "a message frame first");
    let length = body.get_u32() as usize;
    let response: actorgraph::pb::ExtractEntitiesResponse =
        prost::Message::decode(&body[..length]).expect("the answer decodes");
    let ids: Vec<&str> = response.mentions.iter().map(|m| m.entity_id.as_str()).collect();
    assert_eq!(ids, ["egypt", "khalifa-haftar"]);
    body.advance(length);
    assert_eq!(body.get_u8(), 0x80, "then the trailers frame");
    let trailers = String::from_utf8_lossy(&body[4..]).to_lowercase();
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
}

#[tokio::test]
async fn the_page_is_served_with_a_strict_content_security_policy() {
    let server = TestServer::start().await;
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "text/css; charset=utf-8"),
    ] {
        let answer = send(&server, "GET", path, &[], Vec::new()).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(answer.headers["content-type"], content_type);
        let policy = answer.headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"));
        assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    }
    let page = send(&server, "GET", "/", &[], Vec::new()).await;
    assert!(String::from_utf8_lossy(&page.body).contains("<script src=\"app.js\""));
    assert_eq!(send(&server, "GET", "/nope", &[], Vec::new()).await.status, 404);
    assert_eq!(send(&server, "DELETE", "/", &[], Vec::new()).await.status, 405);
}

#[tokio::test]
async fn an_empty_json_body_is_a_missing_message_as_over_grpc() {
    let server = TestServer::start().await;
    let answer = post_json(&server, "/actorgraph.v1.KnowledgeService/GetEntity", "").await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.connect_error(),
        ("invalid_argument".into(), "MISSING_MESSAGE".into())
    );
}

#[tokio::test]
async fn a_field_given_twice_is_refused_in_either_spelling() {
    let server = TestServer::start().await;
    for json in [
        r#"{"id": "egypt", "id": "libya"}"#,
        r#"{"entity_id": "egypt", "page_size": 1, "pageSize": 2}"#,
    ] {
        let path = if json.contains("entity_id") {
            LIST_RELATIONS
        } else {
            "/actorgraph.v1.KnowledgeService/GetEntity"
        };
        let answer = post_json(&server, path, json).await;
        assert_eq!(answer.status, 400, "{json}");
        assert_eq!(
            answer.connect_error(),
            ("invalid_argument".into(), "DUPLICATE_FIELD".into()),
            "{json}"
        );
    }
}

#[tokio::test]
async fn a_connect_timeout_that_is_not_one_is_refused_not_ignored() {
    let server = TestServer::start().await;
    for value in ["0", "-1", "abc", "1.5", "12345678901"] {
        let answer = send(
            &server,
            "POST",
            "/actorgraph.v1.KnowledgeService/GetEntity",
            &[("content-type", "application/json"), ("connect-timeout-ms", value)],
            br#"{"id": "egypt"}"#.to_vec(),
        )
        .await;
        assert_eq!(answer.status, 400, "Connect-Timeout-Ms {value}");
        assert_eq!(
            answer.connect_error(),
            ("invalid_argument".into(), "INVALID_TIMEOUT".into())
        );
    }
}

#[tokio::test]
async fn grpc_web_text_that_is_not_base64_is_an_invalid_argument_in_plain_words() {
    let server = TestServer::start().await;
    for body in ["AAAA!!!!", "AAAAAAU", "AAAAAAV-_w"] {
        let answer = send(
            &server,
            "POST",
            "/actorgraph.v1.KnowledgeService/GetEntity",
            &[("content-type", "application/grpc-web-text"), ("x-grpc-web", "1")],
            body.as_bytes().to_vec(),
        )
        .await;
        let status = tonic::Status::from_header_map(&answer.headers).expect("a status in the headers");
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{body}: {status:?}");
        assert_eq!(common::error_details(&status).0, "MALFORMED_BASE64", "{body}");
        assert!(
            !status.message().contains("Error("),
            "plain words: {}",
            status.message()
        );
    }
    let metrics = server.metrics.clone().expect("metrics").encode();
    assert!(
        metrics.contains(
            r#"actorgraph_calls_total{rpc="/actorgraph.v1.KnowledgeService/GetEntity",code="InvalidArgument"} 3"#
        ),
        "counted as the client's error, not as cancelled: {metrics}"
    );
}

#[tokio::test]
async fn a_json_answer_is_bounded_in_json_bytes() {
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.max_response_bytes = 3000;
    let server = TestServer::start_with(config).await;
    // Before the fix an answer past the limit as JSON came back whole with 200.
    let answer = post_json(
        &server,
        "/actorgraph.v1.KnowledgeService/ListEntities",
        r#"{"page_size": 100}"#,
    )
    .await;
    assert_eq!(answer.status, 429, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(
        answer.connect_error(),
        ("resource_exhausted".into(), "RESPONSE_TOO_LARGE".into())
    );
    // Counted as the client saw it (before, it was counted Ok and never logged).
    let metrics = server.metrics.clone().expect("metrics").encode();
    let listed = |code: &str| {
        format!(r#"actorgraph_calls_total{{rpc="/actorgraph.v1.KnowledgeService/ListEntities",code="{code}"}} 1"#)
    };
    assert!(metrics.contains(&listed("ResourceExhausted")), "{metrics}");
    assert!(!metrics.contains(&listed("Ok")), "{metrics}");
    let small = post_json(
        &server,
        "/actorgraph.v1.KnowledgeService/GetEntity",
        r#"{"id": "egypt"}"#,
    )
    .await;
    assert_eq!(small.status, 200);
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_refused_from_its_header() {
    use tokio::io::AsyncWriteExt as _;
    let mut config = ServerConfig::with_data(common::shipped_data());
    config.body_read_timeout_ms = 60_000;
    let server = TestServer::start_with(config).await;
    let mut stream = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let head = format!(
        "POST {EXTRACT} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 50000000\r\n\r\n{{\"text\": \"",
        server.address
    );
    stream.write_all(head.as_bytes()).await.expect("send the head");
    // Before, the server waited for the 50 MB (here up to the 60 s body timeout) to refuse it.
    let reply = http1_reply(&mut stream)
        .await
        .expect("the refusal comes without the body");
    assert!(reply.starts_with("HTTP/1.1 429"), "{reply}");
    assert!(
        reply.contains("MESSAGE_TOO_LARGE") || reply.contains("over the server's limit"),
        "{reply}"
    );
}
