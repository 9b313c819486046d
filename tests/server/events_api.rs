//! ExtractEvents and StreamExtractEvents through the generated client, on a real server.

use crate::common;

use actorgraph::pb;
use common::{error_details, TestServer};
use tonic::Code;

fn request(text: &str) -> pb::ExtractEventsRequest {
    pb::ExtractEventsRequest {
        text: text.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn extract_events_returns_linked_actors_spans_codes_and_corroboration() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let text = "🇹🇷 Türkiye backs the GNU. Egypt did not recognise Qatar.";
    let answer = client
        .extract_events(request(text))
        .await
        .expect("an answer")
        .into_inner();
    assert_eq!(answer.events.len(), 2, "{:?}", answer.events);
    assert!(answer.mentions.is_empty(), "mentions only on request");
    assert_eq!(answer.sentence_count, 2);
    assert!(!answer.model_version.is_empty());

    let backs = &answer.events[0];
    let source = backs.source.as_ref().expect("a source");
    let target = backs.target.as_ref().expect("a target");
    assert_eq!(
        (source.entity_id.as_str(), target.entity_id.as_str()),
        ("turkiye", "government-of-national-unity")
    );
    assert_eq!(
        (backs.code.as_str(), backs.root.as_str(), backs.code_name.as_str()),
        ("051", "05", "Praise or endorse")
    );
    assert_eq!(backs.quad_class, pb::QuadClass::VerbalCooperation as i32);
    assert!(!backs.negated);
    assert_eq!(
        backs.corroborated_relation_ids,
        ["turkiye.backs.government-of-national-unity"]
    );
    assert!(!backs.explanation.is_empty());
    assert!(backs.confidence > 0.0 && backs.confidence <= 1.0);
    // Every span in bytes, code points and UTF-16 units points at its text.
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let chars: Vec<char> = text.chars().collect();
    let trigger = backs.trigger.expect("a trigger span");
    for (span, expected) in [
        (trigger, backs.trigger_text.as_str()),
        (source.span.expect("span"), "Türkiye"),
        (target.span.expect("span"), "GNU"),
        (backs.sentence.expect("sentence"), "🇹🇷 Türkiye backs the GNU."),
    ] {
        assert_eq!(&text[span.byte_start as usize..span.byte_end as usize], expected);
        let by_chars: String = chars[span.char_start as usize..span.char_end as usize].iter().collect();
        assert_eq!(by_chars, expected);
        let by_utf16 = String::from_utf16(&utf16[span.utf16_start as usize..span.utf16_end as usize]).expect("utf-16");
        assert_eq!(by_utf16, expected);
    }
    assert_eq!(backs.trigger_text, "backs");

    let refused = &answer.events[1];
    assert_eq!(refused.code, "054");
    assert!(refused.negated);
    assert_eq!(refused.sentence_index, 1);
}

#[tokio::test]
async fn extract_events_filters_by_root_and_confidence_and_returns_mentions_on_request() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let text = "Egypt criticised Ethiopia. Japan visited India.";
    let only_visits = client
        .extract_events(pb::ExtractEventsRequest {
            text: text.into(),
            code_roots: vec!["04".into()],
            include_mentions: true,
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    let codes: Vec<&str> = only_visits.events.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["042"]);
    let mentions: Vec<&str> = only_visits.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(mentions, ["Egypt", "Ethiopia", "Japan", "India"]);
    let none = client
        .extract_events(pb::ExtractEventsRequest {
            text: text.into(),
            min_confidence: 1.0,
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert!(none.events.is_empty());
}

#[tokio::test]
async fn bad_event_requests_are_invalid_argument_with_error_info() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    for (bad, field, reason) in [
        (
            pb::ExtractEventsRequest {
                text: "Egypt criticised Ethiopia.".into(),
                code_roots: vec!["4".into()],
                ..Default::default()
            },
            "code_roots",
            "INVALID_CODE_ROOT",
        ),
        (
            pb::ExtractEventsRequest {
                text: "Egypt criticised Ethiopia.".into(),
                code_roots: vec!["21".into()],
                ..Default::default()
            },
            "code_roots",
            "INVALID_CODE_ROOT",
        ),
        (
            pb::ExtractEventsRequest {
                text: "x".into(),
                min_confidence: 1.5,
                ..Default::default()
            },
            "min_confidence",
            "OUT_OF_RANGE",
        ),
        (request(&"Egypt ".repeat(200_000)), "text", "TEXT_TOO_LARGE"),
    ] {
        let status = client.extract_events(bad).await.expect_err("refused");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        let (got_reason, _, fields) = error_details(&status);
        assert_eq!(got_reason, reason);
        assert!(fields.iter().any(|f| f == field), "{fields:?}");
    }
}

#[tokio::test]
async fn the_event_stream_answers_each_item_in_order_and_survives_a_bad_one() {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    let items = vec![
        pb::StreamExtractEventsRequest {
            request_id: "a".into(),
            request: Some(request("Egypt criticised Ethiopia.")),
        },
        pb::StreamExtractEventsRequest {
            request_id: "b".into(),
            request: Some(pb::ExtractEventsRequest {
                text: "x".into(),
                code_roots: vec!["xx".into()],
                ..Default::default()
            }),
        },
        pb::StreamExtractEventsRequest {
            request_id: "c".into(),
            request: Some(request("Japan visited India.")),
        },
    ];
    let mut answers = client
        .stream_extract_events(tokio_stream::iter(items))
        .await
        .expect("the stream opens")
        .into_inner();
    let mut seen = Vec::new();
    while let Some(answer) = answers.message().await.expect("no stream error") {
        use pb::stream_extract_events_response::Result as Item;
        let summary = match answer.result {
            Some(Item::Response(response)) => response
                .events
                .iter()
                .map(|e| e.code.clone())
                .collect::<Vec<_>>()
                .join(","),
            Some(Item::Error(error)) => format!("error {}", error.reason),
            None => "nothing".into(),
        };
        seen.push((answer.request_id, summary));
    }
    assert_eq!(
        seen,
        [
            ("a".to_owned(), "111".to_owned()),
            ("b".to_owned(), "error INVALID_CODE_ROOT".to_owned()),
            ("c".to_owned(), "042".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_model_without_an_event_lexicon_says_so() {
    // The article's layer alone has entities and relations but no triggers.
    let server = TestServer::start_article_only().await;
    let mut client = server.extraction().await;
    let status = client
        .extract_events(request("Egypt criticised Ethiopia."))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    let (reason, _, _) = error_details(&status);
    assert_eq!(reason, "NO_EVENT_LEXICON");
}
