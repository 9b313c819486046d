//! The extraction rules, one behaviour per test, on texts written for them.

use crate::common;

use std::path::Path;

use actorgraph::extract::{ExtractOptions, MentionKind};
use actorgraph::model::EntityType;
use actorgraph::snapshot::Snapshot;

/// A mention as the tests read it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    text: String,
    entity: Option<String>,
    kind: MentionKind,
    metonym_for: Option<String>,
    nested: bool,
    entity_type: Option<EntityType>,
}

fn extract_with(snapshot: &Snapshot, text: &str, options: &ExtractOptions) -> Vec<Seen> {
    let model = &snapshot.model;
    snapshot
        .extractor
        .extract(text, options)
        .mentions
        .into_iter()
        .map(|m| Seen {
            text: text[m.span.byte_start..m.span.byte_end].to_owned(),
            entity: m.entity.map(|e| model.entities[e].id.clone()),
            kind: m.kind,
            metonym_for: m.metonym_for.map(|e| model.entities[e].id.clone()),
            nested: m.nested,
            entity_type: m.entity_type,
        })
        .collect()
}

fn extract(text: &str) -> Vec<Seen> {
    extract_with(common::article_snapshot(), text, &ExtractOptions::default())
}

/// (surface, linked id) of every mention.
fn linked(text: &str) -> Vec<(String, Option<String>)> {
    extract(text).into_iter().map(|m| (m.text, m.entity)).collect()
}

fn pairs(expected: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    expected
        .iter()
        .map(|(t, e)| (t.to_string(), e.map(str::to_owned)))
        .collect()
}

#[test]
fn names_match_whatever_their_accents() {
    assert_eq!(
        linked("Türkiye, Turkiye and Turkey; İbrahim Kalın met Ibrahim Kalin."),
        pairs(&[
            ("Türkiye", Some("turkiye")),
            ("Turkiye", Some("turkiye")),
            ("Turkey", Some("turkiye")),
            ("İbrahim Kalın", Some("ibrahim-kalin")),
            ("Ibrahim Kalin", Some("ibrahim-kalin")),
        ])
    );
}

#[test]
fn names_match_in_capitals_but_not_all_lowercase() {
    assert_eq!(
        linked("LIBYA AND EGYPT"),
        pairs(&[("LIBYA", Some("libya")), ("EGYPT", Some("egypt"))])
    );
    assert!(linked("we ate turkey in france").is_empty());
}

#[test]
fn acronyms_match_only_in_their_own_capitals() {
    assert_eq!(
        linked("The UN and the GNU."),
        pairs(&[
            ("UN", Some("united-nations")),
            ("GNU", Some("government-of-national-unity"))
        ])
    );
    assert!(linked("under the gnu, un fund Un").iter().all(|(_, e)| e.is_none()));
    assert_eq!(linked("the U.N. said"), pairs(&[("U.N.", Some("united-nations"))]));
}

#[test]
fn possessives_yield_the_name_alone() {
    assert_eq!(
        linked("Turkiye’s drones, Haftar's forces and Cyprus’ waters"),
        pairs(&[
            ("Turkiye", Some("turkiye")),
            ("Haftar", Some("khalifa-haftar")),
            ("Cyprus", Some("cyprus"))
        ])
    );
}

#[test]
fn word_boundaries_are_respected() {
    // "Libya" is not inside "Libyanness"; "Libyans" is a declared demonym.
    assert!(linked("a certain Libyanness").is_empty());
    assert_eq!(linked("Libyans voted"), pairs(&[("Libyans", Some("libya"))]));
    assert!(linked("Egyptology and Francewide").is_empty());
}

#[test]
fn a_short_name_is_not_found_inside_a_longer_word() {
    let data = r#"
[[documents]]
id = "d"
title = "t"
text = "Mali."

[[entities]]
id = "mali"
name = "Mali"
type = "country"
"#;
    let model = actorgraph::model::load_from_str("inline.toml", data, Path::new(".")).expect("valid");
    let snapshot = Snapshot::from_model(model, Path::new("inline.toml")).expect("indexes build");
    let seen = extract_with(&snapshot, "Somalia and Mali", &ExtractOptions::default());
    let linked: Vec<_> = seen
        .iter()
        .filter(|m| m.entity.is_some())
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(linked, vec!["Mali"]);
}

#[test]
fn the_longest_name_wins_and_nested_ones_come_on_request() {
    let text = "the Libyan National Army in the Eastern Mediterranean";
    assert_eq!(
        linked(text),
        pairs(&[
            ("Libyan National Army", Some("libyan-national-army")),
            ("Eastern Mediterranean", Some("eastern-mediterranean"))
        ])
    );
    let nested = extract_with(
        common::article_snapshot(),
        text,
        &ExtractOptions {
            include_nested: true,
            ..Default::default()
        },
    );
    let inner: Vec<(&str, Option<&str>, MentionKind)> = nested
        .iter()
        .filter(|m| m.nested)
        .map(|m| (m.text.as_str(), m.entity.as_deref(), m.kind))
        .collect();
    assert_eq!(
        inner,
        vec![
            ("Libyan", Some("libya"), MentionKind::Demonym),
            ("Mediterranean", Some("mediterranean"), MentionKind::Name)
        ]
    );
}

#[test]
fn adjacent_names_in_compounds_are_separate_mentions() {
    assert_eq!(
        linked(
            "a UN-backed Government of National Unity (GNU); Turkiye-Libya ties; LNA/LAAF; pro-Haftar, Tripoli-based"
        ),
        pairs(&[
            ("UN", Some("united-nations")),
            ("Government of National Unity", Some("government-of-national-unity")),
            ("GNU", Some("government-of-national-unity")),
            ("Turkiye", Some("turkiye")),
            ("Libya", Some("libya")),
            ("LNA", Some("libyan-national-army")),
            ("LAAF", Some("libyan-national-army")),
            ("Haftar", Some("khalifa-haftar")),
            ("Tripoli", Some("tripoli")),
        ])
    );
}

#[test]
fn demonyms_link_to_their_country_with_their_kind() {
    let seen = extract("Turkish drones and Greek Cypriots");
    let kinds: Vec<(&str, Option<&str>, MentionKind)> = seen
        .iter()
        .map(|m| (m.text.as_str(), m.entity.as_deref(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("Turkish", Some("turkiye"), MentionKind::Demonym),
            ("Greek Cypriots", Some("cyprus"), MentionKind::Demonym)
        ]
    );
}

#[test]
fn a_capital_for_its_government_is_a_metonym_and_a_place_use_is_not() {
    let metonyms = |text: &str| -> Vec<(String, Option<String>)> {
        extract(text)
            .into_iter()
            .filter(|m| m.entity_type == Some(EntityType::City))
            .map(|m| (m.text, m.metonym_for))
            .collect()
    };
    assert_eq!(
        metonyms("Ankara’s approach worried Cairo."),
        vec![("Ankara".into(), Some("turkiye".into()))]
    );
    assert_eq!(
        metonyms("crucial for both Tripoli and Ankara."),
        vec![
            ("Tripoli".into(), Some("government-of-national-unity".into())),
            ("Ankara".into(), Some("turkiye".into()))
        ]
    );
    assert_eq!(metonyms("the government in Tripoli"), vec![("Tripoli".into(), None)]);
    assert_eq!(metonyms("the Tripoli-based GNU"), vec![("Tripoli".into(), None)]);
    assert_eq!(
        metonyms("the embassy in Ankara and Tripoli"),
        vec![("Ankara".into(), None), ("Tripoli".into(), None)]
    );
    assert_eq!(
        metonyms("ANKARA, Nov 26 (Reuters) - Officials met."),
        vec![("ANKARA".into(), None)]
    );
}

#[test]
fn a_shared_name_is_resolved_by_the_other_entities_of_the_text() {
    let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/shared_name.toml"));
    let model = actorgraph::model::load_from_str("inline.toml", data, Path::new(".")).expect("valid");
    let snapshot = Snapshot::from_model(model, Path::new("inline.toml")).expect("indexes build");
    let georgia = |text: &str| {
        let extraction = snapshot.extractor.extract(text, &ExtractOptions::default());
        let mention = extraction
            .mentions
            .into_iter()
            .find(|m| &text[m.span.byte_start..m.span.byte_end] == "Georgia")
            .expect("Georgia is found");
        let candidates: Vec<String> = mention
            .candidates
            .iter()
            .map(|&c| snapshot.model.entities[c].id.clone())
            .collect();
        (
            mention.entity.map(|e| snapshot.model.entities[e].id.clone()),
            candidates,
        )
    };
    let (entity, candidates) = georgia("Protests in Tbilisi spread across Georgia.");
    assert_eq!(entity.as_deref(), Some("georgia-country"));
    assert_eq!(
        candidates,
        vec!["georgia-country".to_owned(), "georgia-state".to_owned()]
    );
    assert_eq!(
        georgia("Atlanta voters decided Georgia.").0.as_deref(),
        Some("georgia-state")
    );
}

#[test]
fn unknown_names_are_returned_unlinked_with_a_guessed_type() {
    let seen = extract("Senator Chris Murphy and NATO criticised the European Union, while Russian forces waited.");
    let unlinked: Vec<(&str, Option<EntityType>, MentionKind)> = seen
        .iter()
        .filter(|m| m.entity.is_none())
        .map(|m| (m.text.as_str(), m.entity_type, m.kind))
        .collect();
    assert_eq!(
        unlinked,
        vec![
            ("Chris Murphy", Some(EntityType::Person), MentionKind::Name),
            ("NATO", Some(EntityType::Organization), MentionKind::Acronym),
            ("European Union", Some(EntityType::Organization), MentionKind::Name),
            ("Russian", Some(EntityType::Country), MentionKind::Demonym),
        ]
    );
    // "European" inside "European Union" is not a mention of Europe.
    assert!(seen.iter().all(|m| m.entity.is_none()));
}

#[test]
fn a_surname_after_other_given_names_is_another_person() {
    let seen = extract("Saif al-Islam Gaddafi met Muammar Gaddafi's old allies.");
    let found: Vec<(&str, Option<&str>)> = seen.iter().map(|m| (m.text.as_str(), m.entity.as_deref())).collect();
    assert_eq!(
        found,
        vec![
            ("Saif al-Islam Gaddafi", None),
            ("Muammar Gaddafi", Some("muammar-gaddafi"))
        ]
    );
}

#[test]
fn out_of_scope_names_hide_the_names_inside_them() {
    let seen = extract("After the Second Libyan Civil War, ships left the Port of Misrata.");
    assert!(seen.is_empty(), "events and facilities are not actors: {seen:?}");
}

#[test]
fn sentence_openers_and_headline_labels_are_not_names() {
    let seen = extract("READ: However, In Libya officials met.\nThe Talks Continue In Tripoli");
    let texts: Vec<&str> = seen.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, vec!["Libya", "Tripoli"]);
}

#[test]
fn sentences_are_counted_past_abbreviations() {
    let text = "Gen. Haftar met U.S. envoys. Then Egypt spoke.";
    let extraction = common::article_snapshot()
        .extractor
        .extract(text, &ExtractOptions::default());
    let sentences: Vec<(String, usize)> = extraction
        .mentions
        .iter()
        .map(|m| (text[m.span.byte_start..m.span.byte_end].to_owned(), m.sentence_index))
        .collect();
    assert!(sentences.contains(&("Haftar".to_owned(), 0)));
    assert!(sentences.contains(&("Egypt".to_owned(), 1)));
    assert_eq!(extraction.sentence_count, 2);
}

#[test]
fn options_filter_types_unlinked_and_confidence() {
    let text = "Turkiye and NATO met Kalin in Tripoli.";
    let countries = extract_with(
        common::article_snapshot(),
        text,
        &ExtractOptions {
            types: vec![EntityType::Country],
            ..Default::default()
        },
    );
    assert_eq!(
        countries.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        vec!["Turkiye"]
    );
    let linked_only = extract_with(
        common::article_snapshot(),
        text,
        &ExtractOptions {
            exclude_unlinked: true,
            ..Default::default()
        },
    );
    assert!(linked_only.iter().all(|m| m.entity.is_some()));
    assert_eq!(linked_only.len(), 3);
    let confident = extract_with(
        common::article_snapshot(),
        text,
        &ExtractOptions {
            min_confidence: 0.9,
            ..Default::default()
        },
    );
    // "Kalin" matched only once accents were folded (0.85), NATO is unlinked.
    assert_eq!(
        confident.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        vec!["Turkiye", "Tripoli"]
    );
}

#[test]
fn confidence_ranks_canonical_over_alias_over_folded_over_unlinked() {
    let text = "Türkiye Turkey TURKEY NATO";
    let extraction = common::article_snapshot()
        .extractor
        .extract(text, &ExtractOptions::default());
    let confidence: Vec<f32> = extraction.mentions.iter().map(|m| m.confidence).collect();
    assert_eq!(confidence.len(), 4);
    assert!(confidence.windows(2).all(|w| w[0] > w[1]), "{confidence:?}");
}

#[test]
fn salience_puts_the_article_s_main_actors_first() {
    let extraction = common::article_snapshot()
        .extractor
        .extract(&common::article(), &ExtractOptions::default());
    let model = &common::article_snapshot().model;
    let top: Vec<&str> = extraction
        .entities
        .iter()
        .take(2)
        .map(|s| model.entities[s.entity].id.as_str())
        .collect();
    // Libya is named most often (19 times), Türkiye 15 times plus as "Ankara".
    assert_eq!(top, vec!["libya", "turkiye"]);
    assert!((extraction.entities[0].salience - 1.0).abs() < f32::EPSILON);
    assert!(extraction
        .entities
        .iter()
        .all(|s| s.salience > 0.0 && s.salience <= 1.0));
    let turkiye = &extraction.entities[1];
    assert_eq!(turkiye.mention_count, 15);
    assert_eq!(turkiye.first_mention.char_start, 21);
}

#[test]
fn empty_text_gives_an_empty_answer() {
    let extraction = common::article_snapshot()
        .extractor
        .extract("", &ExtractOptions::default());
    assert!(extraction.mentions.is_empty());
    assert!(extraction.entities.is_empty());
}

#[test]
fn a_noun_before_of_decides_what_an_unknown_name_is() {
    let seen = extract("The Government of National Stability and the U.S. Department of State met.");
    let unlinked: Vec<(&str, Option<EntityType>)> = seen.iter().map(|m| (m.text.as_str(), m.entity_type)).collect();
    assert_eq!(
        unlinked,
        vec![
            ("Government of National Stability", Some(EntityType::Organization)),
            ("U.S. Department of State", Some(EntityType::Organization)),
        ]
    );
}

#[test]
fn name_particles_make_people_and_single_letters_do_not() {
    let seen = extract("He met Fayez al-Sarraj and Sen. Chris Murphy (D-Conn.) later.");
    let found: Vec<(&str, Option<EntityType>)> = seen.iter().map(|m| (m.text.as_str(), m.entity_type)).collect();
    assert_eq!(
        found,
        vec![
            ("Fayez al-Sarraj", Some(EntityType::Person)),
            ("Chris Murphy", Some(EntityType::Person))
        ]
    );
}

#[test]
fn rule_over_a_capital_is_a_place_use() {
    let seen = extract("Ottoman rule over Tripoli ended in 1911.");
    let tripoli = seen.iter().find(|m| m.text == "Tripoli").expect("Tripoli is found");
    assert_eq!(tripoli.metonym_for, None);
}

#[test]
fn an_unknown_word_that_owns_something_is_an_untyped_name() {
    let seen = extract("Officials said Russia's Wagner Group and the company's staff left.");
    let found: Vec<(&str, Option<EntityType>)> = seen.iter().map(|m| (m.text.as_str(), m.entity_type)).collect();
    assert_eq!(
        found,
        vec![("Russia", None), ("Wagner Group", Some(EntityType::Organization))]
    );
}
