//! Extraction rules with the world layer under the article's model (the shipped model), one
//! behaviour per test, on sentences written for them: the world's actors, and the unknown ones.

use crate::common;

use actorgraph::extract::ExtractOptions;
use actorgraph::model::EntityType;

/// (surface, linked id or None, type) of every mention.
fn found(text: &str) -> Vec<(String, Option<String>, Option<EntityType>)> {
    let snapshot = common::world_snapshot();
    snapshot
        .extractor
        .extract(text, &ExtractOptions::default())
        .mentions
        .into_iter()
        .map(|m| {
            (
                text[m.span.byte_start..m.span.byte_end].to_owned(),
                m.entity.map(|e| snapshot.model.entities[e].id.clone()),
                m.entity_type,
            )
        })
        .collect()
}

fn texts(text: &str) -> Vec<String> {
    found(text).into_iter().map(|(surface, _, _)| surface).collect()
}

fn person(text: &str, name: &str) -> bool {
    found(text)
        .iter()
        .any(|(surface, entity, kind)| surface == name && entity.is_none() && *kind == Some(EntityType::Person))
}

#[test]
fn countries_capitals_and_organisations_of_the_world_are_known() {
    let seen = found("Russia, Germany and Malta asked the EU and NATO to act; Cairo would not allow it.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![
            Some("russia"),
            Some("germany"),
            Some("malta"),
            Some("european-union"),
            Some("nato"),
            Some("cairo")
        ]
    );
    let cairo = common::world_snapshot()
        .extractor
        .extract("Cairo would not allow it.", &ExtractOptions::default())
        .mentions[0]
        .metonym_for;
    assert_eq!(
        cairo,
        common::world_snapshot().model.entity_index("egypt"),
        "a capital stands for its government"
    );
}

#[test]
fn a_title_with_of_keeps_its_portfolio_out_of_the_name() {
    assert_eq!(texts("Secretary of State Mike Pompeo arrived."), vec!["Mike Pompeo"]);
    assert!(person("Secretary of State Mike Pompeo arrived.", "Mike Pompeo"));
    assert!(person(
        "Minister of Foreign Affairs Ayla Demirtas spoke.",
        "Ayla Demirtas"
    ));
    assert!(
        texts("The Secretary of State arrived.").is_empty(),
        "a title alone names no one"
    );
    assert!(texts("He met the Minister of Defence.").is_empty());
}

#[test]
fn compound_titles_are_titles_not_names() {
    assert_eq!(
        texts("We have Deputy Assistant Secretary Henry Wooster with us."),
        vec!["Henry Wooster"]
    );
}

#[test]
fn a_surname_alone_after_the_full_name_is_the_same_person() {
    let text = "Sen. Chris Murphy visited Ankara. Murphy said the talks went well, and Murphy left.";
    let people: Vec<String> = found(text)
        .into_iter()
        .filter(|(_, _, kind)| *kind == Some(EntityType::Person))
        .map(|(surface, _, _)| surface)
        .collect();
    assert_eq!(people, vec!["Chris Murphy", "Murphy", "Murphy"]);
    // Without the full name first, a lone capitalised word stays unknown.
    assert!(texts("Talks went well, and Murphy left.").is_empty());
}

#[test]
fn a_name_before_a_ruler_noun_is_a_person() {
    assert!(person("He criticised the Assad regime.", "Assad"));
    assert!(person("Relations cooled in the Nasser era.", "Nasser"));
    assert!(person(
        "He spoke for the Kowalski Administration at the talks.",
        "Kowalski"
    ));
    for period in [
        "Relations cooled in the Soviet era.",
        "He criticised the Communist regime.",
        "He criticised the Military Government.",
    ] {
        assert!(
            found(period)
                .iter()
                .all(|(_, _, kind)| *kind != Some(EntityType::Person)),
            "{period}"
        );
    }
}

#[test]
fn a_headline_in_title_case_does_not_make_an_organisation_of_its_verbs() {
    let seen = found("France Sends Forces to Greece\nThe ships left on Monday.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(ids, vec![Some("france"), Some("greece")]);
}

#[test]
fn an_opening_category_noun_with_a_connector_makes_one_name() {
    let seen = found("Egypt joined the Union for the Mediterranean in 2008.");
    assert_eq!(seen[1].0, "Union for the Mediterranean");
    assert_eq!(seen[1].2, Some(EntityType::Organization));
    assert_eq!(seen.len(), 2, "no Mediterranean inside: {seen:?}");
}

#[test]
fn a_place_named_like_a_common_word_needs_support() {
    assert!(texts("Nice weather helped the talks.").is_empty());
    assert!(texts("Reading the report, Split decisions followed.").is_empty());
    let seen = found("Protesters gathered in Nice on Sunday.");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1.as_deref(), Some("nice"), "a place word before it");
    let seen = found("Nice, France, hosted the summit.");
    assert_eq!(
        seen[0].1.as_deref(),
        Some("nice"),
        "its country named in the text: {seen:?}"
    );
}

#[test]
fn a_shared_city_name_goes_to_the_city_of_the_country_named() {
    let seen = found("Clashes broke out in Tripoli, Lebanon, overnight.");
    assert_eq!(seen[0].1.as_deref(), Some("tripoli-lebanon"), "{seen:?}");
    let seen = found("Clashes broke out in Tripoli, Libya, overnight.");
    assert_eq!(seen[0].1.as_deref(), Some("tripoli"), "{seen:?}");
}

#[test]
fn mentions_of_one_unknown_actor_share_a_local_id() {
    let text = "Sen. Chris Murphy met Secretary of State Mike Pompeo. Murphy said Pompeo agreed; \
                later CHRIS MURPHY left.";
    let snapshot = common::world_snapshot();
    let ids: Vec<(String, Option<u32>)> = snapshot
        .extractor
        .extract(text, &ExtractOptions::default())
        .mentions
        .into_iter()
        .map(|m| (text[m.span.byte_start..m.span.byte_end].to_owned(), m.local_id))
        .collect();
    let id_of = |surface: &str| {
        ids.iter()
            .filter(|(s, _)| s == surface)
            .map(|(_, id)| *id)
            .collect::<Vec<_>>()
    };
    assert_eq!(id_of("Chris Murphy"), vec![Some(1)], "{ids:?}");
    assert_eq!(id_of("Mike Pompeo"), vec![Some(2)], "{ids:?}");
    assert_eq!(
        id_of("Murphy"),
        vec![Some(1)],
        "the surname alone is the same person: {ids:?}"
    );
    assert_eq!(id_of("Pompeo"), vec![Some(2)], "{ids:?}");
    let linked = snapshot
        .extractor
        .extract("Egypt and Libya.", &ExtractOptions::default())
        .mentions;
    assert!(
        linked.iter().all(|m| m.local_id.is_none()),
        "linked mentions have no local id"
    );
}

#[test]
fn given_names_before_a_place_name_make_a_person() {
    assert!(person(
        "He admired Michael Jordan and the writer Anatole France.",
        "Michael Jordan"
    ));
    assert!(person(
        "He admired Michael Jordan and the writer Anatole France.",
        "Anatole France"
    ));
    for place in [
        "He studied Ancient Egypt for years.",
        "They met in Eastern Libya last week.",
        "Troops entered Northern Syria.",
        "He wrote about Free France.",
    ] {
        let seen = found(place);
        assert!(seen.iter().any(|(_, id, _)| id.is_some()), "{place}: {seen:?}");
        assert!(
            seen.iter().all(|(_, _, kind)| *kind != Some(EntityType::Person)),
            "{place}: {seen:?}"
        );
    }
}

#[test]
fn a_party_before_government_is_no_person() {
    for text in [
        "He criticised the Labour Government.",
        "He praised the Tory Government.",
    ] {
        assert!(
            found(text).iter().all(|(_, _, kind)| *kind != Some(EntityType::Person)),
            "{text}"
        );
    }
}

#[test]
fn a_country_named_like_a_word_stays_a_country_and_a_given_name_before_a_surname_is_a_person() {
    let seen = found("Jordan condemned the attack, and Chad agreed.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(ids, vec![Some("jordan"), Some("chad")]);
    let text = "Chad Smith visited Jordan; Jordan Peterson stayed home.";
    assert!(person(text, "Chad Smith"), "{:?}", found(text));
    assert!(person(text, "Jordan Peterson"), "{:?}", found(text));
    assert!(found(text)
        .iter()
        .any(|(surface, id, _)| surface == "Jordan" && id.as_deref() == Some("jordan")));
}

#[test]
fn an_unknown_name_after_in_or_near_is_a_place() {
    let seen = found("Fighting broke out near Brakfield overnight.");
    assert_eq!(seen, vec![("Brakfield".to_owned(), None, Some(EntityType::City))]);
    for text in [
        "He spoke in Arabic.",
        "A call came from Reuters.",
        "Talks resumed in Parliament.",
        "In Brakfield, talks resumed.",
    ] {
        assert!(
            found(text).iter().all(|(_, _, kind)| *kind != Some(EntityType::City)),
            "{text}: {:?}",
            found(text)
        );
    }
}

#[test]
fn an_acronym_in_a_slash_compound_with_an_unknown_word_is_not_the_actor() {
    assert!(found("They installed GNU/Linux on the servers.")
        .iter()
        .all(|(_, id, _)| id.is_none()));
    let seen = found("The LNA/LAAF forces advanced.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![Some("libyan-national-army"), Some("libyan-national-army")],
        "{seen:?}"
    );
}

#[test]
fn a_shared_name_after_a_place_and_a_comma_is_the_one_in_that_place_s_country() {
    let seen = found("Atlanta, Georgia, and Tbilisi, Georgia, are far apart.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![Some("atlanta"), Some("georgia-state"), Some("tbilisi"), Some("georgia")]
    );
    assert_eq!(
        found("Georgia voted.")[0].1.as_deref(),
        Some("georgia"),
        "alone, the country"
    );
}

#[test]
fn a_known_given_name_makes_a_person_at_the_start_of_a_sentence() {
    assert!(person("Marta Kowalczyk visited Kyiv.", "Marta Kowalczyk"));
    // Two capitalised words whose first is no given name still open sentences unread.
    assert_eq!(texts("Terrorist Groups gathered near Kyiv."), vec!["Kyiv".to_owned()]);
}

#[test]
fn a_given_name_that_is_also_a_place_before_a_surname_is_a_person() {
    assert!(person("Vladimir Sokolovsky met the envoy.", "Vladimir Sokolovsky"));
    assert!(person("Talks with Victoria Halloran ended.", "Victoria Halloran"));
}

#[test]
fn the_heads_of_state_and_government_are_known_by_name_and_surname() {
    let seen = found("Vladimir Putin met Xi Jinping. Putin and Xi spoke of Erdogan.");
    let ids: Vec<Option<&str>> = seen.iter().map(|(_, id, _)| id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![
            Some("vladimir-putin"),
            Some("xi-jinping"),
            Some("vladimir-putin"),
            Some("xi-jinping"),
            Some("recep-tayyip-erdogan")
        ]
    );
}

#[test]
fn the_title_and_country_before_a_name_stay_out_of_it() {
    let seen = found("signed by the President of Azerbaijan Ilkin Qarayev and Russia's President Vladimir Putin");
    let surfaces: Vec<&str> = seen.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(
        surfaces,
        vec!["Azerbaijan", "Ilkin Qarayev", "Russia", "Vladimir Putin"]
    );
}

#[test]
fn a_country_that_is_a_given_name_after_a_title_without_of_is_the_persons() {
    assert!(person(
        "Defence Minister Israel Kowalczyk threatened the group.",
        "Israel Kowalczyk"
    ));
    // With "of", the country is the title's.
    let seen = texts("said the President of Israel Dan Kowalczyk");
    assert_eq!(seen, vec!["Israel".to_owned(), "Dan Kowalczyk".to_owned()]);
}

#[test]
fn a_known_persons_short_form_before_more_name_words_is_a_longer_name() {
    // "Modi" is Narendra Modi's short form; "Modi Kowalczyk" is someone else.
    assert!(person("Talks with Modi Kowalczyk ended.", "Modi Kowalczyk"));
}

#[test]
fn a_known_given_name_opening_a_short_sentence_makes_a_person() {
    // Opening the sentence, before a city's name, on a line whose long words are capitalised.
    for (text, name) in [
        ("Lloyd Austin visited Manila.", "Lloyd Austin"),
        ("Lloyd Austin met Tokayev.", "Lloyd Austin"),
        ("Jake Sullivan met Wang Yi.", "Jake Sullivan"),
        ("Victoria Nuland met Kassym-Jomart Tokayev.", "Victoria Nuland"),
    ] {
        assert!(person(text, name), "{text}: {:?}", found(text));
    }
    // A headline's run of capitals is no name, nor is a place after a word that is no given
    // name.
    assert!(found("Joe Biden Visits Kyiv")
        .iter()
        .all(|(_, _, kind)| *kind != Some(EntityType::Person)));
    assert!(found("Northern Syria was quiet.")
        .iter()
        .all(|(_, _, kind)| *kind != Some(EntityType::Person)));
}
