//! The service foundation: health, reflection, model version, graceful shutdown.

use crate::common;

use actorgraph::pb;
use common::TestServer;
use tokio_stream::StreamExt;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

async fn health_of(server: &TestServer, service: &str) -> ServingStatus {
    let mut health = HealthClient::new(server.channel().await);
    let response = health
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .expect("health check answers");
    ServingStatus::try_from(response.into_inner().status).expect("a known status")
}

#[tokio::test]
async fn health_reports_serving_for_the_server_and_each_service() {
    let server = TestServer::start().await;
    for service in ["", "actorgraph.v1.ExtractionService", "actorgraph.v1.KnowledgeService"] {
        assert_eq!(
            health_of(&server, service).await,
            ServingStatus::Serving,
            "service {service:?}"
        );
    }
}

#[tokio::test]
async fn reflection_v1alpha_lists_both_services_health_and_reflection() {
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;

    let server = TestServer::start().await;
    let mut client = ServerReflectionClient::new(server.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection answers")
        .into_inner();
    let response = responses.next().await.expect("one response").expect("no error");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("expected a service list, got {:?}", response.message_response);
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "actorgraph.v1.ExtractionService",
        "actorgraph.v1.KnowledgeService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

#[tokio::test]
async fn every_response_carries_the_model_version() {
    let server = TestServer::start().await;
    let mut knowledge = server.knowledge().await;
    let entity = knowledge
        .get_entity(pb::GetEntityRequest { id: "turkiye".into() })
        .await
        .expect("turkiye exists")
        .into_inner();
    let mut extraction = server.extraction().await;
    let extracted = extraction
        .extract_entities(pb::ExtractEntitiesRequest {
            text: "Turkiye".into(),
            ..Default::default()
        })
        .await
        .expect("extraction answers")
        .into_inner();
    assert_eq!(entity.model_version.len(), 16);
    assert_eq!(entity.model_version, extracted.model_version);
}

#[tokio::test]
async fn a_request_id_is_echoed_back() {
    let server = TestServer::start().await;
    let mut knowledge = server.knowledge().await;
    let mut request = tonic::Request::new(pb::GetEntityRequest { id: "libya".into() });
    request
        .metadata_mut()
        .insert("x-request-id", "trace-42".parse().expect("ascii"));
    let response = knowledge.get_entity(request).await.expect("libya exists");
    assert_eq!(
        response.metadata().get("x-request-id").and_then(|v| v.to_str().ok()),
        Some("trace-42")
    );
}

#[tokio::test]
async fn shutdown_turns_health_not_serving_and_lets_calls_in_flight_finish() {
    let mut server = TestServer::start().await;
    // A call in flight: a stream that has answered once and stays open.
    let mut extraction = server.extraction().await;
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let mut answers = extraction
        .stream_extract_entities(tokio_stream::wrappers::ReceiverStream::new(receiver))
        .await
        .expect("the stream opens")
        .into_inner();
    let item = |id: &str| pb::StreamExtractEntitiesRequest {
        request_id: id.into(),
        request: Some(pb::ExtractEntitiesRequest {
            text: "Egypt backs Haftar.".into(),
            ..Default::default()
        }),
    };
    sender.send(item("before")).await.expect("send");
    let first = answers.message().await.expect("no error").expect("an answer");
    assert_eq!(first.request_id, "before");

    // Watch health, then shut down.
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest { service: String::new() })
        .await
        .expect("watch opens")
        .into_inner();
    let serving = watch.message().await.expect("no error").expect("a status");
    assert_eq!(serving.status, ServingStatus::Serving as i32);
    server.begin_shutdown();
    let not_serving = watch.message().await.expect("no error").expect("a status");
    assert_eq!(not_serving.status, ServingStatus::NotServing as i32);
    drop(watch);

    // The call in flight still gets its answers.
    sender.send(item("during")).await.expect("send");
    let second = answers.message().await.expect("no error").expect("an answer");
    assert_eq!(second.request_id, "during");
    drop(sender);
    assert!(answers.message().await.expect("clean end").is_none());

    // Once it is done, the server stops, and new connections are refused.
    let result = server.handle.await.expect("the server task ends");
    assert!(result.is_ok(), "the server stopped cleanly: {result:?}");
    let refused = tonic::transport::Channel::from_shared(format!("http://{}", server.address))
        .expect("uri")
        .connect()
        .await;
    assert!(refused.is_err(), "a new connection after shutdown must be refused");
}

#[tokio::test]
async fn an_invalid_data_file_stops_the_server_from_starting() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = directory.path().join("bad.toml");
    std::fs::write(&file, "[[entities]]\nid = \"x\"\nname = \"X\"\ntype = \"planet\"\n").expect("write");
    let config = actorgraph::config::ServerConfig::with_data(&file);
    let server = TestServer::start_with(config).await;
    let result = server.handle.await.expect("the task ends");
    let message = format!("{:#}", result.expect_err("the server refuses to start"));
    assert!(message.contains("bad.toml:4"), "{message}");
    assert!(message.contains("unknown type \"planet\""), "{message}");
}
