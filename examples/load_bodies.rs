//! Prepares the load benchmark (`benches/load.sh`): checks one answer of each benchmarked call
//! against the running server with the generated client, and writes each request as a
//! pre-encoded gRPC body for h2load, with the size of the expected response. It also writes the
//! cases of the floor server (`examples/floor_server.rs`): the same paths and bodies, answered
//! with an empty message.
//!
//! Usage: `load_bodies ADDRESS OUT_DIR` → prints one case a line:
//! `server<TAB>name<TAB>path<TAB>body file<TAB>response bytes<TAB>floor case`, where server is
//! `floor` or `actorgraph` and the floor case is the floor row the case's ratio is taken to (the
//! floor case with the same request body, or the smallest body for calls that are not
//! extraction).

use std::path::{Path, PathBuf};
use std::time::Duration;

use actorgraph::pb;
use prost::Message;

/// A gRPC message frame: no compression, big-endian length, the message.
fn frame(message: &impl Message) -> Vec<u8> {
    let body = message.encode_to_vec();
    let mut framed = Vec::with_capacity(body.len() + 5);
    framed.push(0);
    framed.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
    framed.extend_from_slice(&body);
    framed
}

/// The floor cases: ExtractEntities with an empty text, the 300 characters and the article.
const FLOOR_EMPTY: &str = "floor-empty";
const FLOOR_300: &str = "floor-300";
const FLOOR_ARTICLE: &str = "floor-article";

fn write_case(
    out: &Path,
    server: &str,
    (name, floor): (&str, &str),
    path: &str,
    request: &impl Message,
    response: &impl Message,
) -> std::io::Result<()> {
    let file = out.join(format!("{name}.bin"));
    std::fs::write(&file, frame(request))?;
    println!(
        "{server}\t{name}\t{path}\t{}\t{}\t{floor}",
        file.display(),
        frame(response).len()
    );
    Ok(())
}

fn check(condition: bool, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    if condition {
        Ok(())
    } else {
        Err(format!("unexpected answer: {what}").into())
    }
}

/// Events the shipped model finds in the seed article.
const EVENTS_IN_ARTICLE: usize = 15;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let address = args.next().ok_or("usage: load_bodies ADDRESS OUT_DIR")?;
    let out = PathBuf::from(args.next().ok_or("usage: load_bodies ADDRESS OUT_DIR")?);
    std::fs::create_dir_all(&out)?;
    let endpoint = tonic::transport::Channel::from_shared(format!("http://{address}"))?;
    let mut channel = None;
    for _ in 0..200 {
        if let Ok(connected) = endpoint.connect().await {
            channel = Some(connected);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let channel = channel.ok_or("the server did not come up")?;
    let article = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/article.txt"))?;

    let excerpt: String = article.chars().take(300).collect();
    for (name, text) in [
        (FLOOR_EMPTY, String::new()),
        (FLOOR_300, excerpt.clone()),
        (FLOOR_ARTICLE, article.clone()),
    ] {
        let request = pb::ExtractEntitiesRequest {
            text,
            ..Default::default()
        };
        write_case(
            &out,
            "floor",
            (name, name),
            "/actorgraph.v1.ExtractionService/ExtractEntities",
            &request,
            &pb::ExtractEntitiesResponse::default(),
        )?;
    }

    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let request = tonic_health::pb::HealthCheckRequest { service: String::new() };
    let response = health.check(request.clone()).await?.into_inner();
    check(response.status == 1, "health is SERVING")?;
    write_case(
        &out,
        "actorgraph",
        ("a-health", FLOOR_EMPTY),
        "/grpc.health.v1.Health/Check",
        &request,
        &response,
    )?;

    let mut extraction = pb::extraction_service_client::ExtractionServiceClient::new(channel.clone());
    for (name, text, expected, floor) in [
        ("b-extract-300", excerpt.clone(), 5, FLOOR_300),
        ("c-extract-article", article.clone(), 73, FLOOR_ARTICLE),
    ] {
        let request = pb::ExtractEntitiesRequest {
            text,
            ..Default::default()
        };
        let response = extraction.extract_entities(request.clone()).await?.into_inner();
        check(
            response.mentions.len() == expected,
            &format!("{name}: {} mentions", response.mentions.len()),
        )?;
        write_case(
            &out,
            "actorgraph",
            (name, floor),
            "/actorgraph.v1.ExtractionService/ExtractEntities",
            &request,
            &response,
        )?;
    }

    // The article has events (visits, talks, agreements); its first 300 characters have one
    // visit. The answer is checked by its event count, as the mentions are above.
    for (name, text, expected, floor) in [
        ("f-events-300", excerpt, 1, FLOOR_300),
        ("g-events-article", article.clone(), EVENTS_IN_ARTICLE, FLOOR_ARTICLE),
    ] {
        let request = pb::ExtractEventsRequest {
            text,
            ..Default::default()
        };
        let response = extraction.extract_events(request.clone()).await?.into_inner();
        check(
            response.events.len() == expected,
            &format!("{name}: {} events", response.events.len()),
        )?;
        write_case(
            &out,
            "actorgraph",
            (name, floor),
            "/actorgraph.v1.ExtractionService/ExtractEvents",
            &request,
            &response,
        )?;
    }

    let mut knowledge = pb::knowledge_service_client::KnowledgeServiceClient::new(channel);
    let request = pb::ListRelationsRequest {
        entity_id: "turkiye".into(),
        ..Default::default()
    };
    let response = knowledge.list_relations(request.clone()).await?.into_inner();
    check(response.relations.len() >= 10, "Türkiye's relations")?;
    write_case(
        &out,
        "actorgraph",
        ("d-relations-turkiye", FLOOR_EMPTY),
        "/actorgraph.v1.KnowledgeService/ListRelations",
        &request,
        &response,
    )?;

    let request = pb::FindPathsRequest {
        source_id: "egypt".into(),
        target_id: "turkiye".into(),
        ..Default::default()
    };
    let response = knowledge.find_paths(request.clone()).await?.into_inner();
    check(!response.paths.is_empty(), "paths from Egypt to Türkiye")?;
    write_case(
        &out,
        "actorgraph",
        ("e-paths-egypt-turkiye", FLOOR_EMPTY),
        "/actorgraph.v1.KnowledgeService/FindPaths",
        &request,
        &response,
    )?;
    Ok(())
}
