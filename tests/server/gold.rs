//! Scores the extractor against the gold mentions of the seed article
//! (tests/fixtures/gold_mentions.jsonl, annotated by the rules in GOLD.md): span + link F1, and
//! every demonym and metonym exactly right. Runs through the real server and generated client.

use crate::common;

use std::collections::BTreeSet;

use actorgraph::pb;
use common::TestServer;

/// One mention as the scorer compares it: code-point span, and the linked entity id in the
/// gold's key form (`ibrahim_kalin`), or `None` when unlinked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Scored {
    start: u32,
    end: u32,
    entity: Option<String>,
}

#[derive(Debug)]
struct GoldMention {
    scored: Scored,
    text: String,
    kind: String,
    metonym_for: Option<String>,
}

fn gold() -> Vec<GoldMention> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gold_mentions.jsonl");
    std::fs::read_to_string(path)
        .expect("the gold file")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let text = |key: &str| value[key].as_str().map(str::to_owned);
            GoldMention {
                scored: Scored {
                    start: value["start"].as_u64().expect("start") as u32,
                    end: value["end"].as_u64().expect("end") as u32,
                    entity: text("entity"),
                },
                text: text("text").expect("text"),
                kind: text("kind").expect("kind"),
                metonym_for: text("metonym_for"),
            }
        })
        .collect()
}

/// Our ids are the gold keys with hyphens: `ibrahim-kalin` for `ibrahim_kalin`.
fn gold_key(id: &str) -> Option<String> {
    (!id.is_empty()).then(|| id.replace('-', "_"))
}

/// Precision, recall and F1 of `predicted` against `expected`.
fn f1(predicted: &BTreeSet<Scored>, expected: &BTreeSet<Scored>) -> (f64, f64, f64) {
    let correct = predicted.intersection(expected).count() as f64;
    let precision = if predicted.is_empty() {
        0.0
    } else {
        correct / predicted.len() as f64
    };
    let recall = if expected.is_empty() {
        0.0
    } else {
        correct / expected.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    (precision, recall, f1)
}

async fn extract_article() -> Vec<pb::Mention> {
    let server = TestServer::start().await;
    let mut client = server.extraction().await;
    client
        .extract_entities(pb::ExtractEntitiesRequest {
            text: common::article(),
            ..Default::default()
        })
        .await
        .expect("extraction answers")
        .into_inner()
        .mentions
}

#[test]
fn the_scorer_counts_what_it_should() {
    let a = Scored {
        start: 0,
        end: 5,
        entity: Some("libya".into()),
    };
    let b = Scored {
        start: 6,
        end: 9,
        entity: None,
    };
    let wrong_link = Scored {
        start: 0,
        end: 5,
        entity: Some("egypt".into()),
    };
    let expected = BTreeSet::from([a.clone(), b.clone()]);
    assert_eq!(f1(&expected, &expected), (1.0, 1.0, 1.0));
    let (precision, recall, _) = f1(&BTreeSet::from([a, wrong_link]), &expected);
    assert_eq!((precision, recall), (0.5, 0.5));
    assert_eq!(f1(&BTreeSet::new(), &expected).2, 0.0);
}

#[tokio::test]
async fn article_span_and_link_f1_is_at_least_097() {
    let mentions = extract_article().await;
    let predicted: BTreeSet<Scored> = mentions
        .iter()
        .map(|m| {
            let span = m.span.expect("a span");
            Scored {
                start: span.char_start,
                end: span.char_end,
                entity: gold_key(&m.entity_id),
            }
        })
        .collect();
    let expected: BTreeSet<Scored> = gold().into_iter().map(|g| g.scored).collect();
    let (precision, recall, f1) = f1(&predicted, &expected);
    let missed: Vec<_> = expected.difference(&predicted).collect();
    let spurious: Vec<_> = predicted.difference(&expected).collect();
    println!("gold: precision {precision:.4} recall {recall:.4} F1 {f1:.4}");
    assert!(f1 >= 0.97, "F1 {f1:.4}; missed {missed:?}; spurious {spurious:?}");
}

#[tokio::test]
async fn every_gold_demonym_and_metonym_is_right() {
    let mentions = extract_article().await;
    let text = common::article();
    let chars: Vec<char> = text.chars().collect();
    let special: Vec<GoldMention> = gold()
        .into_iter()
        .filter(|g| g.kind == "DEMONYM" || g.metonym_for.is_some())
        .collect();
    assert!(special.len() >= 8, "the article has demonyms and metonyms to check");
    for expected in special {
        let found = mentions
            .iter()
            .find(|m| {
                m.span
                    .is_some_and(|s| s.char_start == expected.scored.start && s.char_end == expected.scored.end)
            })
            .unwrap_or_else(|| panic!("missed {expected:?}"));
        let sliced: String = chars[expected.scored.start as usize..expected.scored.end as usize]
            .iter()
            .collect();
        assert_eq!(sliced, expected.text);
        assert_eq!(gold_key(&found.entity_id), expected.scored.entity, "{expected:?}");
        let kind = if expected.kind == "DEMONYM" {
            pb::MentionKind::Demonym
        } else {
            pb::MentionKind::Name
        };
        assert_eq!(found.kind, kind as i32, "{expected:?}");
        assert_eq!(
            found.metonym_for.as_ref().and_then(|m| gold_key(&m.id)),
            expected.metonym_for,
            "{expected:?}"
        );
    }
    // And no metonym where the gold has a place use ("the government in Tripoli").
    let gold_metonyms = gold().iter().filter(|g| g.metonym_for.is_some()).count();
    assert_eq!(
        mentions.iter().filter(|m| m.metonym_for.is_some()).count(),
        gold_metonyms
    );
}
