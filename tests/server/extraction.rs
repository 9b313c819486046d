//! ExtractionService through the generated client: options, limits, and the stream.

use crate::common;

use actorgraph::pb;
use common::{error_details, TestServer};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;

fn request(text: &str) -> pb::ExtractEntitiesRequest {
    pb::ExtractEntitiesRequest {
        text: text.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn extract_entities_links_mentions_with_offsets_in_three_units() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let text = "🇹🇷 Türkiye’s İbrahim Kalın met Haftar. Ankara’s approach worried Cairo.";
    let answer = client
        .extract_entities(request(text))
        .await
        .expect("an answer")
        .into_inner();
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<(&str, &str)> = answer
        .mentions
        .iter()
        .map(|m| (m.text.as_str(), m.entity_id.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("Türkiye", "turkiye"),
            ("İbrahim Kalın", "ibrahim-kalin"),
            ("Haftar", "khalifa-haftar"),
            ("Ankara", "ankara"),
            // A capital of the world layer.
            ("Cairo", "cairo")
        ]
    );
    for mention in &answer.mentions {
        let span = mention.span.expect("a span");
        assert_eq!(&text[span.byte_start as usize..span.byte_end as usize], mention.text);
        let by_chars: String = chars[span.char_start as usize..span.char_end as usize].iter().collect();
        assert_eq!(by_chars, mention.text);
        let by_utf16 = String::from_utf16(&utf16[span.utf16_start as usize..span.utf16_end as usize]).expect("utf-16");
        assert_eq!(by_utf16, mention.text);
    }
    let ankara = &answer.mentions[3];
    assert_eq!(ankara.metonym_for.as_ref().map(|m| m.id.as_str()), Some("turkiye"));
    assert_eq!(ankara.sentence_index, 1);
    assert_eq!(answer.sentence_count, 2);
    let summary_ids: Vec<&str> = answer
        .entities
        .iter()
        .filter_map(|s| s.entity.as_ref().map(|e| e.id.as_str()))
        .collect();
    assert_eq!(summary_ids.len(), 5);
    assert!(answer.entities.iter().all(|s| s.mention_count == 1 && s.salience > 0.0));
}

#[tokio::test]
async fn empty_text_is_a_valid_empty_answer() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let answer = client
        .extract_entities(request(""))
        .await
        .expect("an answer")
        .into_inner();
    assert!(answer.mentions.is_empty());
    assert!(!answer.model_version.is_empty());
}

#[tokio::test]
async fn options_are_honoured_over_the_wire() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let text = "The Libyan National Army and NATO met in Tripoli.";
    let nested = client
        .extract_entities(pb::ExtractEntitiesRequest {
            text: text.into(),
            include_nested: true,
            exclude_unlinked: true,
            entity_types: vec![pb::EntityType::Organization as i32, pb::EntityType::Country as i32],
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    let found: Vec<(&str, bool)> = nested.mentions.iter().map(|m| (m.text.as_str(), m.nested)).collect();
    // NATO is an organisation of the world layer, so it is linked and kept.
    assert_eq!(
        found,
        vec![("Libyan National Army", false), ("Libyan", true), ("NATO", false)]
    );
}

#[tokio::test]
async fn text_over_the_limit_is_refused_naming_the_limit() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let too_long = "Libya ".repeat(1024 * 1024 / 6 + 1);
    let status = client
        .extract_entities(request(&too_long))
        .await
        .expect_err("over the limit");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("1048576"), "{}", status.message());
    let (reason, _, fields) = error_details(&status);
    assert_eq!(reason, "TEXT_TOO_LARGE");
    assert_eq!(fields, vec!["text".to_owned()]);
}

#[tokio::test]
async fn a_full_mebibyte_is_extracted() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let article = common::article();
    let mut text = String::new();
    while text.len() + article.len() < 1024 * 1024 {
        text.push_str(&article);
        text.push('\n');
    }
    let copies = text.len() / (article.len() + 1);
    let answer = client
        .extract_entities(request(&text))
        .await
        .expect("an answer")
        .into_inner();
    assert_eq!(answer.mentions.len(), copies * 73);
}

#[tokio::test]
async fn bad_options_are_invalid_arguments_with_the_field() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let confidence = client
        .extract_entities(pb::ExtractEntitiesRequest {
            text: "Libya".into(),
            min_confidence: 1.5,
            ..Default::default()
        })
        .await
        .expect_err("confidence out of range");
    assert_eq!(error_details(&confidence).2, vec!["min_confidence".to_owned()]);
    let entity_type = client
        .extract_entities(pb::ExtractEntitiesRequest {
            text: "Libya".into(),
            entity_types: vec![42],
            ..Default::default()
        })
        .await
        .expect_err("an unknown type");
    assert_eq!(entity_type.code(), Code::InvalidArgument);
    assert_eq!(error_details(&entity_type).0, "INVALID_ENTITY_TYPE");
}

fn item(id: String, text: &str) -> pb::StreamExtractEntitiesRequest {
    pb::StreamExtractEntitiesRequest {
        request_id: id,
        request: Some(request(text)),
    }
}

#[tokio::test]
async fn the_stream_answers_each_item_in_order_and_survives_a_bad_one() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let mut items = Vec::new();
    for index in 0..100 {
        let text = if index % 2 == 0 {
            "Egypt backs Haftar."
        } else {
            "Turkiye backs the GNU."
        };
        items.push(item(format!("item-{index}"), text));
    }
    // A bad item in the middle: an error result for it, and the stream goes on.
    items[50] = pb::StreamExtractEntitiesRequest {
        request_id: "bad".into(),
        request: None,
    };
    items[51].request.as_mut().expect("a request").min_confidence = -1.0;
    let mut answers = client
        .stream_extract_entities(tokio_stream::iter(items.clone()))
        .await
        .expect("the stream opens")
        .into_inner();
    let mut received = Vec::new();
    while let Some(answer) = answers.message().await.expect("no stream error") {
        received.push(answer);
    }
    assert_eq!(received.len(), 100);
    for (sent, answer) in items.iter().zip(&received) {
        assert_eq!(sent.request_id, answer.request_id);
    }
    use pb::stream_extract_entities_response::Result as Item;
    match &received[50].result {
        Some(Item::Error(error)) => assert_eq!(
            (error.code, error.reason.as_str()),
            (Code::InvalidArgument as i32, "MISSING_REQUEST")
        ),
        other => panic!("expected an error for the bad item, got {other:?}"),
    }
    assert!(matches!(&received[51].result, Some(Item::Error(e)) if e.reason == "OUT_OF_RANGE"));
    match &received[52].result {
        Some(Item::Response(response)) => {
            let ids: Vec<&str> = response.mentions.iter().map(|m| m.entity_id.as_str()).collect();
            assert_eq!(ids, vec!["egypt", "khalifa-haftar"]);
        }
        other => panic!("expected an answer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_reader_still_gets_every_answer_in_order() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    let mut answers = client
        .stream_extract_entities(ReceiverStream::new(receiver))
        .await
        .expect("the stream opens")
        .into_inner();
    let article = common::article();
    // Send far more than the server buffers before reading anything: the server stops reading
    // when its buffer is full, and resumes as answers are taken.
    let writer = tokio::spawn(async move {
        for index in 0..200 {
            if sender.send(item(index.to_string(), &article)).await.is_err() {
                break;
            }
        }
    });
    let mut next = 0;
    while let Some(answer) = answers.message().await.expect("no stream error") {
        assert_eq!(answer.request_id, next.to_string());
        next += 1;
    }
    writer.await.expect("the writer finishes");
    assert_eq!(next, 200);
}
