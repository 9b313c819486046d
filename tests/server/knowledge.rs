//! KnowledgeService through the generated client, on the shipped model of the article.

use crate::common;

use std::collections::BTreeSet;

use actorgraph::pb;
use common::{error_details, TestServer};
use tonic::Code;

fn ids(refs: &[pb::EntityRef]) -> BTreeSet<String> {
    refs.iter().map(|r| r.id.clone()).collect()
}

async fn relations(server: &TestServer, request: pb::ListRelationsRequest) -> Vec<pb::Relation> {
    let mut client = server.knowledge().await;
    client
        .list_relations(request)
        .await
        .expect("relations answer")
        .into_inner()
        .relations
}

#[tokio::test]
async fn get_entity_returns_names_codes_and_metonym_target() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let turkiye = client
        .get_entity(pb::GetEntityRequest { id: "turkiye".into() })
        .await
        .expect("turkiye exists")
        .into_inner()
        .entity
        .expect("an entity");
    assert_eq!(turkiye.name, "Türkiye");
    assert_eq!(turkiye.r#type, pb::EntityType::Country as i32);
    assert!(turkiye.aliases.contains(&"Turkey".to_owned()));
    assert!(turkiye.demonyms.contains(&"Turkish".to_owned()));
    let codes = turkiye.codes.expect("codes");
    assert_eq!((codes.iso3166_alpha3.as_str(), codes.cameo.as_str()), ("TUR", "TUR"));

    let ankara = client
        .get_entity(pb::GetEntityRequest { id: "ankara".into() })
        .await
        .expect("ankara exists")
        .into_inner()
        .entity
        .expect("an entity");
    assert_eq!(ankara.stands_for.expect("a capital stands for its state").id, "turkiye");
}

#[tokio::test]
async fn get_entity_errors_name_the_id_and_carry_details() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let missing = client
        .get_entity(pb::GetEntityRequest { id: "atlantis".into() })
        .await
        .expect_err("unknown id");
    assert_eq!(missing.code(), Code::NotFound);
    assert!(missing.message().contains("atlantis"), "{}", missing.message());
    let (reason, domain, _) = error_details(&missing);
    assert_eq!((reason.as_str(), domain.as_str()), ("ENTITY_NOT_FOUND", "actorgraph"));

    let empty = client
        .get_entity(pb::GetEntityRequest { id: String::new() })
        .await
        .expect_err("empty id");
    assert_eq!(empty.code(), Code::InvalidArgument);
    let (reason, _, fields) = error_details(&empty);
    assert_eq!(reason, "EMPTY_ID");
    assert_eq!(fields, vec!["id".to_owned()]);

    let malformed = client
        .get_entity(pb::GetEntityRequest { id: "Turkey!".into() })
        .await
        .expect_err("malformed id");
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(error_details(&malformed).0, "MALFORMED_ID");
}

#[tokio::test]
async fn an_id_the_data_could_not_define_is_malformed_not_unknown() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    for id in ["-turkiye", "turkiye-", "turkiye--libya"] {
        let refused = client
            .get_entity(pb::GetEntityRequest { id: id.into() })
            .await
            .expect_err("not an id");
        assert_eq!(refused.code(), Code::InvalidArgument, "{id:?}: {refused:?}");
        assert_eq!(error_details(&refused).0, "MALFORMED_ID", "{id:?}");
        assert!(refused.message().contains("single hyphens"), "{}", refused.message());
    }
}

#[tokio::test]
async fn list_entities_pages_of_one_give_the_same_set_as_one_big_page() {
    let server = TestServer::start_article_only().await;
    let mut client = server.knowledge().await;
    let all = client
        .list_entities(pb::ListEntitiesRequest {
            page_size: 500,
            ..Default::default()
        })
        .await
        .expect("a list")
        .into_inner();
    assert!(all.next_page_token.is_empty(), "everything fits in one page");
    assert_eq!(all.entities.len(), 23);
    assert_eq!(all.total_size, 23);

    let mut walked = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_entities(pb::ListEntitiesRequest {
                page_size: 1,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .expect("a page")
            .into_inner();
        assert_eq!(page.entities.len(), 1);
        walked.extend(page.entities.into_iter().map(|e| e.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let big: Vec<String> = all.entities.into_iter().map(|e| e.id).collect();
    assert_eq!(walked, big, "same entities, same stable order");
}

#[tokio::test]
async fn list_entities_filters_by_type_and_rejects_foreign_tokens() {
    let server = TestServer::start_article_only().await;
    let mut client = server.knowledge().await;
    let countries = client
        .list_entities(pb::ListEntitiesRequest {
            r#type: pb::EntityType::Country as i32,
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("a page")
        .into_inner();
    assert_eq!(countries.total_size, 7);
    assert!(countries
        .entities
        .iter()
        .all(|e| e.r#type == pb::EntityType::Country as i32));

    let reused = client
        .list_entities(pb::ListEntitiesRequest {
            r#type: pb::EntityType::Person as i32,
            page_size: 2,
            page_token: countries.next_page_token.clone(),
        })
        .await
        .expect_err("a token of another filter");
    assert_eq!(reused.code(), Code::InvalidArgument);
    assert_eq!(error_details(&reused).0, "INVALID_PAGE_TOKEN");

    let mut tampered = countries.next_page_token.clone();
    tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
    let refused = client
        .list_entities(pb::ListEntitiesRequest {
            r#type: pb::EntityType::Country as i32,
            page_size: 2,
            page_token: tampered,
        })
        .await
        .expect_err("a tampered token");
    assert_eq!(refused.code(), Code::InvalidArgument);

    let negative = client
        .list_entities(pb::ListEntitiesRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .expect_err("a negative page size");
    assert_eq!(error_details(&negative).2, vec!["page_size".to_owned()]);
}

#[tokio::test]
async fn search_resolves_case_accent_and_typo_variants() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    for (query, expected, reason) in [
        ("turkey", "turkiye", pb::MatchReason::Folded),
        ("Kalin", "ibrahim-kalin", pb::MatchReason::Folded),
        ("Hafter", "khalifa-haftar", pb::MatchReason::Fuzzy),
        ("GNU", "government-of-national-unity", pb::MatchReason::Exact),
        ("Tripolli", "tripoli", pb::MatchReason::Fuzzy),
    ] {
        let hits = client
            .search_entities(pb::SearchEntitiesRequest {
                query: query.into(),
                ..Default::default()
            })
            .await
            .expect("search answers")
            .into_inner()
            .hits;
        let best = hits.first().unwrap_or_else(|| panic!("no hit for {query:?}"));
        assert_eq!(
            best.entity.as_ref().map(|e| e.id.as_str()),
            Some(expected),
            "query {query:?}"
        );
        assert_eq!(best.reason, reason as i32, "query {query:?}: {}", best.explanation);
        assert!(!best.explanation.is_empty());
    }
    let nothing = client
        .search_entities(pb::SearchEntitiesRequest {
            query: "zzzzqqq".into(),
            ..Default::default()
        })
        .await
        .expect("search answers")
        .into_inner();
    assert!(nothing.hits.is_empty());
    let empty = client
        .search_entities(pb::SearchEntitiesRequest {
            query: " ".into(),
            ..Default::default()
        })
        .await
        .expect_err("an empty query");
    assert_eq!(empty.code(), Code::InvalidArgument);
}

/// Each query with the entity it must find first and how, or `None` when nothing must be found.
const SEARCH_CASES: &[(&str, Option<(&str, pb::MatchReason)>)] = &[
    ("United States", Some(("united-states", pb::MatchReason::Exact))),
    ("United Kingdom", Some(("united-kingdom", pb::MatchReason::Exact))),
    ("Turkmenistan", Some(("turkmenistan", pb::MatchReason::Exact))),
    ("Government of National Stability", None),
    ("Libyan Arab Jamahiriya", None),
    // The one entity with the word "Franco" in its name, not France.
    ("Franco", Some(("franco-da-rocha", pb::MatchReason::Partial))),
    ("Egyptair", None),
    ("Eastern Libya", Some(("libya", pb::MatchReason::Partial))),
    // "National Army" alone names several armies since the world layer has armed groups (the
    // ELN, the Syrian National Army): the country's adjective makes it one.
    (
        "Libyan National",
        Some(("libyan-national-army", pb::MatchReason::Partial)),
    ),
    ("the Emirates", Some(("united-arab-emirates", pb::MatchReason::Words))),
    ("Trablus", Some(("tripoli", pb::MatchReason::Fuzzy))),
    (
        "National Unity Government",
        Some(("government-of-national-unity", pb::MatchReason::Words)),
    ),
    ("IS", Some(("daesh", pb::MatchReason::Initials))),
];

#[tokio::test]
async fn search_is_not_confidently_wrong() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    for &(query, expected) in SEARCH_CASES {
        let hits = client
            .search_entities(pb::SearchEntitiesRequest {
                query: query.into(),
                ..Default::default()
            })
            .await
            .expect("search answers")
            .into_inner()
            .hits;
        let found: Vec<(&str, f64)> = hits
            .iter()
            .map(|h| (h.entity.as_ref().map_or("", |e| e.id.as_str()), h.score))
            .collect();
        match expected {
            None => assert!(hits.is_empty(), "{query:?} must find nothing, found {found:?}"),
            Some((id, reason)) => {
                let best = hits.first().unwrap_or_else(|| panic!("no hit for {query:?}"));
                assert_eq!(found[0].0, id, "{query:?}: {found:?}");
                assert_eq!(best.reason, reason as i32, "{query:?}: {}", best.explanation);
                assert!(
                    hits.iter().skip(1).all(|h| h.score < best.score),
                    "{query:?}: no tie for the first place: {found:?}"
                );
                assert!(
                    best.explanation.ends_with(&format!("{:.2}", best.score)),
                    "the explanation ends with the score: {}",
                    best.explanation
                );
            }
        }
        assert!(
            hits.iter().all(|h| h.score >= 0.6),
            "{query:?}: the floor holds: {found:?}"
        );
    }
    // The wrong answers of a whole-string similarity are gone.
    for (query, wrong) in [
        ("United Kingdom", "united-nations"),
        ("Turkmenistan", "turkiye"),
        ("National Army", "government-of-national-unity"),
        ("Eastern Libya", "eastern-black-sea-region"),
    ] {
        let hits = client
            .search_entities(pb::SearchEntitiesRequest {
                query: query.into(),
                ..Default::default()
            })
            .await
            .expect("search answers")
            .into_inner()
            .hits;
        assert!(
            hits.iter().all(|h| h.entity.as_ref().is_none_or(|e| e.id != wrong)),
            "{query:?} must not find {wrong}"
        );
    }
}

#[tokio::test]
async fn search_honours_the_limit_and_ranks_best_first() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let hits = client
        .search_entities(pb::SearchEntitiesRequest {
            query: "Libyan".into(),
            limit: 2,
            ..Default::default()
        })
        .await
        .expect("search answers")
        .into_inner()
        .hits;
    assert_eq!(hits.len(), 2);
    assert!(hits[0].score >= hits[1].score);
    assert_eq!(hits[0].entity.as_ref().map(|e| e.id.as_str()), Some("libya"));
}

#[tokio::test]
async fn who_backs_the_gnu() {
    let server = TestServer::start().await;
    let found = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "government-of-national-unity".into(),
            predicate: "backed_by".into(),
            ..Default::default()
        },
    )
    .await;
    let backers: BTreeSet<String> = found
        .iter()
        .filter_map(|r| r.subject.as_ref().map(|s| s.id.clone()))
        .collect();
    assert_eq!(
        backers,
        BTreeSet::from(["turkiye".to_owned(), "united-nations".to_owned()])
    );
    for relation in &found {
        assert_eq!(relation.direction, pb::RelationDirection::Incoming as i32);
        assert_eq!(relation.inverse_predicate, "backed_by");
        assert!(relation.statement.starts_with("Government of National Unity backed_by"));
        let evidence = relation.evidence.first().expect("evidence");
        assert_eq!(evidence.document_id, "kalin-visits-libya");
    }
}

#[tokio::test]
async fn who_backs_haftars_forces() {
    let server = TestServer::start().await;
    let found = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "libyan-national-army".into(),
            predicate: "backs".into(),
            direction: pb::RelationDirection::Incoming as i32,
            ..Default::default()
        },
    )
    .await;
    let backers: BTreeSet<String> = found
        .iter()
        .filter_map(|r| r.subject.as_ref().map(|s| s.id.clone()))
        .collect();
    let expected: BTreeSet<String> = ["egypt", "united-arab-emirates", "france"].map(String::from).into();
    assert_eq!(backers, expected);
}

#[tokio::test]
async fn evidence_offsets_resolve_in_the_document_in_every_unit() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let document = client
        .get_document(pb::GetDocumentRequest {
            id: "kalin-visits-libya".into(),
        })
        .await
        .expect("the article")
        .into_inner()
        .document
        .expect("a document");
    let found = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "turkiye".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(found.len() >= 10, "Türkiye has many relations in the article");
    let text = &document.text;
    let chars: Vec<char> = text.chars().collect();
    let utf16: Vec<u16> = text.encode_utf16().collect();
    for relation in &found {
        for evidence in relation.evidence.iter().filter(|e| e.citation.is_none()) {
            let span = evidence.span.expect("a span");
            assert_eq!(&text[span.byte_start as usize..span.byte_end as usize], evidence.quote);
            let by_chars: String = chars[span.char_start as usize..span.char_end as usize].iter().collect();
            assert_eq!(by_chars, evidence.quote);
            let by_utf16 =
                String::from_utf16(&utf16[span.utf16_start as usize..span.utf16_end as usize]).expect("utf-16");
            assert_eq!(by_utf16, evidence.quote);
        }
    }
}

#[tokio::test]
async fn relations_filter_by_counterpart_and_direction() {
    let server = TestServer::start().await;
    let with_egypt = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "turkiye".into(),
            counterpart_id: "egypt".into(),
            ..Default::default()
        },
    )
    .await;
    let predicates: BTreeSet<String> = with_egypt.iter().map(|r| r.predicate.clone()).collect();
    assert_eq!(
        predicates,
        BTreeSet::from(["rivals".to_owned(), "sees_threat_in".to_owned()])
    );

    let outgoing = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "khalifa-haftar".into(),
            direction: pb::RelationDirection::Outgoing as i32,
            ..Default::default()
        },
    )
    .await;
    assert!(outgoing
        .iter()
        .all(|r| r.subject.as_ref().is_some_and(|s| s.id == "khalifa-haftar")));
    assert!(!outgoing.is_empty());

    let mut client = server.knowledge().await;
    let unknown = client
        .list_relations(pb::ListRelationsRequest {
            entity_id: "turkiye".into(),
            predicate: "loves".into(),
            ..Default::default()
        })
        .await
        .expect_err("an unknown predicate");
    assert_eq!(error_details(&unknown).0, "UNKNOWN_PREDICATE");
}

#[tokio::test]
async fn relations_paginate_like_one_big_page() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let request = |page_size, page_token| pb::ListRelationsRequest {
        entity_id: "turkiye".into(),
        page_size,
        page_token,
        ..Default::default()
    };
    let all = client
        .list_relations(request(500, String::new()))
        .await
        .expect("all")
        .into_inner();
    let mut walked = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_relations(request(3, token))
            .await
            .expect("a page")
            .into_inner();
        walked.extend(page.relations.into_iter().map(|r| r.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let expected: Vec<String> = all.relations.into_iter().map(|r| r.id).collect();
    assert_eq!(walked, expected);
}

#[tokio::test]
async fn the_path_from_egypt_to_turkiye_is_explained_hop_by_hop() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let answer = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "turkiye".into(),
            max_hops: 2,
            max_paths: 10,
            ..Default::default()
        })
        .await
        .expect("paths")
        .into_inner();
    assert!(!answer.paths.is_empty(), "{}", answer.summary);
    let lengths: Vec<usize> = answer.paths.iter().map(|p| p.hops.len()).collect();
    assert!(
        lengths.windows(2).all(|w| w[0] <= w[1]),
        "fewest hops first: {lengths:?}"
    );
    assert!(lengths.iter().all(|&l| l <= 2));
    for path in &answer.paths {
        assert_eq!(path.hops[0].from.as_ref().map(|e| e.id.as_str()), Some("egypt"));
        assert_eq!(
            path.hops.last().and_then(|h| h.to.as_ref()).map(|e| e.id.as_str()),
            Some("turkiye")
        );
        for pair in path.hops.windows(2) {
            assert_eq!(pair[0].to, pair[1].from, "hops chain");
        }
        assert!(path
            .hops
            .iter()
            .all(|h| h.relation.as_ref().is_some_and(|r| !r.evidence.is_empty())));
    }
    // Egypt backs the LNA, which Türkiye opposes: a two-hop path through Haftar's forces.
    assert!(answer.paths.iter().any(|p| {
        p.hops.len() == 2
            && p.hops[0].predicate == "backs"
            && p.hops[0].to.as_ref().is_some_and(|e| e.id == "libyan-national-army")
            && p.hops[1].predicate == "opposed_by"
    }));

    let again = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "turkiye".into(),
            max_hops: 2,
            max_paths: 10,
            ..Default::default()
        })
        .await
        .expect("paths")
        .into_inner();
    assert_eq!(again.paths, answer.paths, "deterministic order");
}

#[tokio::test]
async fn list_relations_needs_no_entity_and_refuses_contradictory_filters() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let all_backs = client
        .list_relations(pb::ListRelationsRequest {
            predicate: "backs".into(),
            page_size: 500,
            ..Default::default()
        })
        .await
        .expect("all backs")
        .into_inner();
    let model = actorgraph::model::load_layers(&common::shipped_layers()).expect("the shipped model");
    let expected = model
        .relations
        .iter()
        .filter(|r| model.predicates[r.predicate].id == "backs")
        .count();
    assert!(expected > 1);
    assert_eq!(all_backs.total_size as usize, expected);
    assert!(all_backs.relations.iter().all(|r| r.predicate == "backs"));
    let everything = client
        .list_relations(pb::ListRelationsRequest {
            page_size: 500,
            ..Default::default()
        })
        .await
        .expect("every relation")
        .into_inner();
    assert_eq!(everything.total_size as usize, model.relations.len());

    let contradictory = client
        .list_relations(pb::ListRelationsRequest {
            entity_id: "government-of-national-unity".into(),
            predicate: "backed_by".into(),
            direction: pb::RelationDirection::Outgoing as i32,
            ..Default::default()
        })
        .await
        .expect_err("backed_by has no outgoing side");
    assert_eq!(contradictory.code(), Code::InvalidArgument);
    assert_eq!(error_details(&contradictory).0, "CONTRADICTORY_FILTERS");
    assert!(
        contradictory.message().contains("\"backs\" with direction OUTGOING"),
        "{contradictory:?}"
    );
    let no_entity = client
        .list_relations(pb::ListRelationsRequest {
            direction: pb::RelationDirection::Incoming as i32,
            ..Default::default()
        })
        .await
        .expect_err("a direction needs an entity");
    assert_eq!(error_details(&no_entity).0, "MISSING_ENTITY");
}

#[tokio::test]
async fn who_backs_haftar_is_answered_through_the_army_he_leads() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let ask = |include_derived: bool| pb::ListRelationsRequest {
        entity_id: "khalifa-haftar".into(),
        predicate: "backed_by".into(),
        include_derived,
        ..Default::default()
    };
    let stated = client.list_relations(ask(false)).await.expect("an answer").into_inner();
    assert!(
        stated.relations.is_empty(),
        "the data states backing of the LNA, not of Haftar"
    );
    let derived = client.list_relations(ask(true)).await.expect("an answer").into_inner();
    let mut backers: Vec<&str> = derived
        .relations
        .iter()
        .filter_map(|r| r.subject.as_ref().map(|s| s.id.as_str()))
        .collect();
    backers.sort_unstable();
    assert_eq!(backers, vec!["egypt", "france", "united-arab-emirates"]);
    for relation in &derived.relations {
        assert_eq!(relation.object.as_ref().map(|o| o.id.as_str()), Some("khalifa-haftar"));
        assert_eq!(relation.derived_via.len(), 2, "{relation:?}");
        assert_eq!(relation.derived_via[1], "khalifa-haftar.leads.libyan-national-army");
        assert!(relation.evidence.len() >= 2, "both relations' evidence");
    }
    // Turkiye opposes the LNA: with no predicate, the derived answers include it, as opposition.
    let all = client
        .list_relations(pb::ListRelationsRequest {
            entity_id: "khalifa-haftar".into(),
            include_derived: true,
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert!(all
        .relations
        .iter()
        .any(|r| r.predicate == "opposes" && r.subject.as_ref().is_some_and(|s| s.id == "turkiye")));
}

#[tokio::test]
async fn agreements_are_filtered_by_who_disputes_them() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let disputed = client
        .list_agreements(pb::ListAgreementsRequest {
            disputed_by_id: "greece".into(),
            ..Default::default()
        })
        .await
        .expect("what Greece disputes")
        .into_inner();
    let ids: Vec<&str> = disputed.agreements.iter().map(|a| a.id.as_str()).collect();
    let model = actorgraph::model::load_layers(&common::shipped_layers()).expect("the shipped model");
    let greece = model.entity_index("greece").expect("greece");
    let expected: Vec<&str> = model
        .agreements
        .iter()
        .filter(|a| a.is_disputed_by(greece))
        .map(|a| a.id.as_str())
        .collect();
    assert!(ids.contains(&"turkiye-libya-maritime-agreement"), "{ids:?}");
    assert_eq!(ids, expected);
    assert!(disputed
        .agreements
        .iter()
        .all(|a| a.disputed_by.iter().any(|d| d.id == "greece")));
    let none = client
        .list_agreements(pb::ListAgreementsRequest {
            disputed_by_id: "france".into(),
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert!(none.agreements.is_empty() && none.total_size == 0);
    let unknown = client
        .list_agreements(pb::ListAgreementsRequest {
            disputed_by_id: "atlantis".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown entity");
    assert_eq!(unknown.code(), Code::NotFound);
}

#[tokio::test]
async fn find_paths_refuses_more_hops_than_it_searches() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let status = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "turkiye".into(),
            max_hops: 7,
            ..Default::default()
        })
        .await
        .expect_err("over the hop limit");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(error_details(&status).0, "OUT_OF_RANGE");
    assert!(status.message().contains("at most 6"), "{status:?}");
    let answer = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "turkiye".into(),
            max_hops: 6,
            ..Default::default()
        })
        .await
        .expect("six hops are searched")
        .into_inner();
    assert!(!answer.truncated, "the article's graph is searched whole");
}

#[tokio::test]
async fn list_predicates_shows_the_vocabulary_with_counts() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let answer = client
        .list_predicates(pb::ListPredicatesRequest::default())
        .await
        .expect("the vocabulary")
        .into_inner();
    let layers = common::shipped_layers();
    let model = actorgraph::model::load_layers(&layers).expect("the shipped model");
    assert_eq!(answer.total_size as usize, model.predicates.len());
    let backs = answer.predicates.iter().find(|p| p.id == "backs").expect("backs");
    assert_eq!(backs.inverse, "backed_by");
    assert!(!backs.symmetric && !backs.definition.is_empty() && backs.relation_count > 0);
    let counted: i32 = answer.predicates.iter().map(|p| p.relation_count).sum();
    assert_eq!(counted as usize, model.relations.len(), "every relation counted once");
    assert!(answer
        .predicates
        .iter()
        .filter(|p| p.symmetric)
        .all(|p| p.inverse == p.id));
}

#[tokio::test]
async fn find_paths_says_clearly_when_there_is_none() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let answer = client
        .find_paths(pb::FindPathsRequest {
            source_id: "europe".into(),
            target_id: "turkiye".into(),
            ..Default::default()
        })
        .await
        .expect("an answer")
        .into_inner();
    assert!(answer.paths.is_empty());
    assert!(
        answer.summary.starts_with("no path of at most 3 hops"),
        "{}",
        answer.summary
    );

    let same = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "egypt".into(),
            ..Default::default()
        })
        .await
        .expect_err("same endpoints");
    assert_eq!(same.code(), Code::InvalidArgument);
    let unknown = client
        .find_paths(pb::FindPathsRequest {
            source_id: "egypt".into(),
            target_id: "mars".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown target");
    assert_eq!(unknown.code(), Code::NotFound);
}

#[tokio::test]
async fn turkiye_and_libya_agreements_and_who_disputes_them() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let turkiye = client
        .list_agreements(pb::ListAgreementsRequest {
            party_id: "turkiye".into(),
            ..Default::default()
        })
        .await
        .expect("agreements")
        .into_inner();
    let titles: BTreeSet<String> = turkiye.agreements.iter().map(|a| a.id.clone()).collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    let maritime = client
        .get_agreement(pb::GetAgreementRequest {
            id: "turkiye-libya-maritime-agreement".into(),
        })
        .await
        .expect("the maritime agreement")
        .into_inner()
        .agreement
        .expect("an agreement");
    assert_eq!(
        ids(&maritime.disputed_by),
        BTreeSet::from(["cyprus".to_owned(), "egypt".to_owned(), "greece".to_owned()])
    );
    assert!(ids(&maritime.parties).contains("turkiye"));
    assert!(maritime.provisions.iter().any(|p| p.contains("oil and gas")));
    assert!(!maritime.evidence.is_empty());

    let libya = client
        .list_agreements(pb::ListAgreementsRequest {
            party_id: "libya".into(),
            ..Default::default()
        })
        .await
        .expect("agreements")
        .into_inner();
    assert!(libya
        .agreements
        .iter()
        .any(|a| a.id == "vocational-technical-education-mou" && a.status == pb::AgreementStatus::Signed as i32));

    let missing = client
        .get_agreement(pb::GetAgreementRequest {
            id: "treaty-of-sevres".into(),
        })
        .await
        .expect_err("unknown agreement");
    assert_eq!(error_details(&missing).0, "AGREEMENT_NOT_FOUND");
}

#[tokio::test]
async fn documents_are_listed_and_returned_with_their_text() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let list = client
        .list_documents(pb::ListDocumentsRequest::default())
        .await
        .expect("documents")
        .into_inner();
    assert_eq!(list.documents.len(), 1);
    assert_eq!(list.documents[0].text, common::article());
    let missing = client
        .get_document(pb::GetDocumentRequest { id: "nope".into() })
        .await
        .expect_err("unknown document");
    assert_eq!(missing.code(), Code::NotFound);
}

#[tokio::test]
async fn an_agreements_lifecycle_and_who_disputes_it_are_apart() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let maritime = client
        .get_agreement(pb::GetAgreementRequest {
            id: "turkiye-libya-maritime-agreement".into(),
        })
        .await
        .expect("the maritime agreement")
        .into_inner()
        .agreement
        .expect("an agreement");
    assert_eq!(
        maritime.status,
        pb::AgreementStatus::Signed as i32,
        "signed, and contested"
    );
    let disputers: Vec<&str> = maritime
        .disputes
        .iter()
        .filter_map(|d| d.by.as_ref().map(|e| e.id.as_str()))
        .collect();
    assert_eq!(disputers, vec!["greece", "cyprus", "egypt"]);
    for dispute in &maritime.disputes {
        assert!(
            !dispute.evidence.is_empty(),
            "every dispute has its evidence: {dispute:?}"
        );
    }
    let greece = &maritime.disputes[0].evidence[0];
    let citation = greece
        .citation
        .as_ref()
        .expect("Greece's protest is cited from outside the article");
    assert_eq!(
        (citation.publisher.as_str(), citation.date.as_str()),
        ("Euronews", "2019-12-06")
    );
    assert!(greece.document_id.is_empty() && greece.span.is_none() && greece.quote.is_empty());
    assert_eq!(
        ids(&maritime.disputed_by),
        disputers.iter().map(|&d| d.to_owned()).collect()
    );

    let all = client
        .list_agreements(pb::ListAgreementsRequest::default())
        .await
        .expect("every agreement")
        .into_inner();
    // 4 is the deprecated AGREEMENT_STATUS_DISPUTED: no agreement has it any more.
    assert!(all.agreements.iter().all(|a| a.status != 4));
}

#[tokio::test]
async fn the_government_that_signed_in_2019_is_not_the_one_that_replaced_it_in_2021() {
    let server = TestServer::start().await;
    let gna = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "government-of-national-accord".into(),
            ..Default::default()
        },
    )
    .await;
    let find = |subject: &str, predicate: &str, object: &str| {
        gna.iter()
            .find(|r| {
                r.subject.as_ref().is_some_and(|s| s.id == subject)
                    && r.predicate == predicate
                    && r.object.as_ref().is_some_and(|o| o.id == object)
            })
            .unwrap_or_else(|| panic!("{subject} {predicate} {object} is in the model"))
    };
    let offensive = find("libyan-national-army", "opposes", "government-of-national-accord");
    assert_eq!(
        offensive.qualifiers.as_ref().map(|q| q.period.as_str()),
        Some("2019–2020")
    );
    let succession = find(
        "government-of-national-unity",
        "succeeded",
        "government-of-national-accord",
    );
    assert_eq!(
        succession.qualifiers.as_ref().map(|q| q.period.as_str()),
        Some("2021-03")
    );
    let cited = succession.evidence[0]
        .citation
        .as_ref()
        .expect("the succession is cited from outside the article");
    assert!(
        cited.url.starts_with("https://") && cited.date == "2021-03-16",
        "{cited:?}"
    );
    find("turkiye", "signed_agreement_with", "government-of-national-accord");

    let gnu = relations(
        &server,
        pb::ListRelationsRequest {
            entity_id: "government-of-national-unity".into(),
            counterpart_id: "libyan-national-army".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(gnu.is_empty(), "the 2019–2020 war was the GNA's: {gnu:?}");

    let mut client = server.knowledge().await;
    let maritime = client
        .get_agreement(pb::GetAgreementRequest {
            id: "turkiye-libya-maritime-agreement".into(),
        })
        .await
        .expect("the maritime agreement")
        .into_inner()
        .agreement
        .expect("an agreement");
    assert_eq!(maritime.date, "2019-11-27");
    assert_eq!(
        ids(&maritime.parties),
        BTreeSet::from(["government-of-national-accord".to_owned(), "turkiye".to_owned()])
    );
}

#[tokio::test]
async fn libya_is_party_to_the_deal_its_government_signed() {
    let server = TestServer::start().await;
    let mut client = server.knowledge().await;
    let libya = client
        .list_agreements(pb::ListAgreementsRequest {
            party_id: "libya".into(),
            ..Default::default()
        })
        .await
        .expect("Libya's agreements")
        .into_inner();
    let maritime = libya
        .agreements
        .iter()
        .find(|a| a.id == "turkiye-libya-maritime-agreement")
        .expect("the memorandum its government signed");
    assert!(
        !ids(&maritime.parties).contains("libya"),
        "the data names the government"
    );
    assert_eq!(
        maritime.derived_via,
        vec!["government-of-national-accord.government_of.libya".to_owned()]
    );
    assert!(libya
        .agreements
        .iter()
        .filter(|a| a.id != maritime.id)
        .all(|a| a.derived_via.is_empty() && ids(&a.parties).contains("libya")));
    assert_eq!(libya.total_size as usize, libya.agreements.len());
}
