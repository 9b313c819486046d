//! The event patterns of `src/events/`, each on its own sentence, through the real engine and
//! the shipped layers (the rules are stated in `src/events/mod.rs`); and the event lexicon's
//! validation.

use crate::common;

use actorgraph::events::{self, EventOptions};
use actorgraph::snapshot::Snapshot;

/// Each event of `text` as "source CODE target", with " (negated)" when negated.
fn events_of(text: &str) -> Vec<String> {
    lines_of(text)
        .iter()
        .map(|e| {
            format!(
                "{} {} {}{}",
                e["source"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or(""),
                e["target"].as_str().unwrap_or(""),
                if e["negated"].as_bool() == Some(true) {
                    " (negated)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

fn lines_of(text: &str) -> Vec<serde_json::Value> {
    let snapshot = common::world_snapshot();
    let found = events::extract_events(
        &snapshot.model,
        &snapshot.extractor,
        text,
        &EventOptions::default(),
        &|| false,
    )
    .expect("not stopped");
    events::json_lines(&snapshot.model, text, &found)
}

#[test]
fn an_active_verb_takes_its_subject_and_object() {
    assert_eq!(
        events_of("Egypt criticised Ethiopia over the dam."),
        ["Egypt 111 Ethiopia"]
    );
}

#[test]
fn a_passive_verb_takes_the_agent_after_by_as_source() {
    assert_eq!(
        events_of("Qatar was criticised by Saudi Arabia."),
        ["Saudi Arabia 111 Qatar"]
    );
    // No agent, no source: no event.
    assert!(events_of("Qatar was criticised on Monday by its neighbours, Oman said nothing.").is_empty());
}

#[test]
fn coordinated_subjects_and_objects_give_one_event_per_pair() {
    assert_eq!(
        events_of("Japan, South Korea and Australia condemned North Korea."),
        [
            "Japan 111 North Korea",
            "South Korea 111 North Korea",
            "Australia 111 North Korea"
        ]
    );
    assert_eq!(
        events_of("Brazil criticised Argentina and Chile."),
        ["Brazil 111 Argentina", "Brazil 111 Chile"]
    );
}

#[test]
fn a_verb_before_a_particle_of_motion_is_another_verb() {
    assert_eq!(
        events_of("Egypt, the UAE and France back Haftar."),
        [
            "Egypt 051 Khalifa Haftar",
            "United Arab Emirates 051 Khalifa Haftar",
            "France 051 Khalifa Haftar"
        ]
    );
    assert!(events_of("Egypt went back to Libya.").is_empty());
    // An infinitive is no particle.
    assert_eq!(
        events_of("Egypt and Libya collaborate to boost trade."),
        ["Egypt 061 Libya"]
    );
}

#[test]
fn one_group_acting_together_is_one_mutual_event() {
    assert_eq!(
        events_of("India and Pakistan signed an agreement on Monday."),
        ["India 057 Pakistan"]
    );
    assert_eq!(
        events_of("Peru and Bolivia accused each other of lying."),
        ["Peru 112 Bolivia"]
    );
    assert_eq!(
        events_of("Talks between Serbia and Kosovo resumed."),
        ["Serbia 040 Kosovo"]
    );
    assert_eq!(events_of("The Japan-India deal was welcomed."), ["Japan 057 India"]);
}

#[test]
fn a_relative_pronoun_leads_to_its_antecedent_and_its_clause_is_skipped() {
    assert_eq!(
        events_of("Spain and Portugal, both of which have criticised Morocco, met in Madrid."),
        ["Spain 111 Morocco", "Portugal 111 Morocco"]
    );
    assert_eq!(
        events_of("Kenya, which backs Somalia, met Ethiopia."),
        ["Kenya 051 Somalia", "Kenya 040 Ethiopia"]
    );
}

#[test]
fn a_who_clause_acts_for_its_antecedent_and_the_main_verb_skips_it() {
    assert_eq!(
        events_of("Haftar, who met Kalın, visited Egypt."),
        ["Khalifa Haftar 040 İbrahim Kalın", "Khalifa Haftar 042 Egypt"]
    );
}

#[test]
fn a_speaker_reporting_its_own_act_is_its_source_and_a_modal_makes_it_intent() {
    assert_eq!(
        events_of("Cairo said it would back Haftar."),
        ["Egypt 030 Khalifa Haftar"]
    );
    assert_eq!(
        events_of("Ankara said it would attack the LNA."),
        ["Türkiye 130 Libyan National Army"]
    );
    assert_eq!(
        events_of("Russia said it had attacked Ukraine."),
        ["Russia 190 Ukraine"]
    );
    // What the speaker says another did is a statement about that other.
    assert_eq!(
        events_of("Kenya said Uganda would host the summit."),
        ["Kenya 010 Uganda"]
    );
}

#[test]
fn nominal_triggers_take_a_possessor_or_a_governing_verb() {
    assert_eq!(
        events_of("Germany's support for Ukraine has grown."),
        ["Germany 051 Ukraine"]
    );
    assert_eq!(events_of("Canada imposed sanctions on Iran."), ["Canada 163 Iran"]);
    assert_eq!(
        events_of("Russia launched an offensive against Ukraine."),
        ["Russia 190 Ukraine"]
    );
    // "by" after the noun's object names the doer.
    assert_eq!(
        events_of("Attacks on Ukraine by Russia continued."),
        ["Russia 190 Ukraine"]
    );
    assert_eq!(
        events_of("Sanctions on Iran by Canada were lifted."),
        ["Canada 163 Iran"]
    );
    // "from" names the doer; the clause's subject is the target.
    assert_eq!(
        events_of("Norway's whaling drew criticism from Australia."),
        ["Australia 111 Norway"]
    );
    // A noun with no possessor and no governing verb states no act.
    assert!(events_of("The visit of Egypt surprised Libya.").is_empty());
    // A possessive pronoun owns the act: its source is unnamed.
    assert!(events_of("After his trip to Egypt, Libya was calm.").is_empty());
}

#[test]
fn a_hyphenated_participle_links_the_name_before_to_the_noun_after() {
    let found = events_of("The UN-backed Government of National Unity signed a deal with Italy.");
    assert!(
        found.contains(&"United Nations 051 Government of National Unity".to_owned()),
        "{found:?}"
    );
    // A verb after the modified noun is not its object: Iran backs Hezbollah, it attacks no one.
    let found = events_of("The Iran-backed Hezbollah attacked Israel.");
    assert!(found.contains(&"Iran 051 Hezbollah".to_owned()), "{found:?}");
    assert!(!found.iter().any(|e| e.starts_with("Iran 19")), "{found:?}");
}

#[test]
fn a_verb_after_and_shares_the_subject_of_the_verb_before() {
    assert_eq!(
        events_of("Chile condemned Peru, and later signed an agreement with Bolivia."),
        ["Chile 111 Peru", "Chile 057 Bolivia"]
    );
}

#[test]
fn a_participle_clause_takes_the_main_clause_object() {
    assert_eq!(
        events_of("Germany is a close ally of Poland, providing military aid."),
        ["Germany 051 Poland", "Germany 072 Poland"]
    );
}

#[test]
fn military_words_make_support_military_aid() {
    assert_eq!(
        events_of("Rwanda deployed troops in support of Mozambique."),
        ["Rwanda 072 Mozambique"]
    );
    assert_eq!(
        events_of("Rwanda voiced support for Mozambique."),
        ["Rwanda 051 Mozambique"]
    );
}

#[test]
fn speech_names_its_target_in_what_is_said_and_content_words_code_it() {
    assert_eq!(
        events_of("Brazil said Venezuela was violating the accord."),
        ["Brazil 112 Venezuela"]
    );
    assert_eq!(
        events_of("Kenya said Uganda would host the summit."),
        ["Kenya 010 Uganda"]
    );
    assert_eq!(
        events_of("\u{201C}Venezuela is a threat,\u{201D} Colombia said."),
        ["Colombia 010 Venezuela"]
    );
}

#[test]
fn negation_and_refusal_are_marked_but_not_only_is_not() {
    assert_eq!(
        events_of("Serbia did not recognise Kosovo."),
        ["Serbia 054 Kosovo (negated)"]
    );
    assert_eq!(events_of("Japan refused to meet China."), ["Japan 040 China (negated)"]);
    assert_eq!(
        events_of("Turkey not only criticised Greece but also threatened it."),
        ["Türkiye 111 Greece"]
    );
}

#[test]
fn attempts_intentions_and_pronoun_subjects_give_no_act() {
    assert!(events_of("Qatar tried to help Sudan.").is_empty());
    assert!(events_of("He visited Libya and Egypt.").is_empty());
    // An intent absorbs the act it announces.
    assert_eq!(events_of("China promised to help Pakistan."), ["China 033 Pakistan"]);
}

#[test]
fn places_modifiers_and_titles_are_not_actors() {
    assert!(events_of("Europe criticised Russia.").is_empty(), "a region is a place");
    assert!(
        events_of("The Paris-based group criticised Italy.").is_empty(),
        "a modifier"
    );
    assert_eq!(
        events_of("Turkish President Recep Tayyip Erdogan visited Qatar."),
        ["Recep Tayyip Erdoğan 042 Qatar"]
    );
}

#[test]
fn a_capital_stands_for_its_government() {
    assert_eq!(events_of("Ankara criticised Athens."), ["Türkiye 111 Greece"]);
}

#[test]
fn a_capitalised_trigger_in_running_text_is_part_of_a_title() {
    assert!(events_of("The report (see \"Japan/India Cooperation with Nepal\") was long.").is_empty());
    // In a headline every word is capitalised and the verb counts.
    assert_eq!(events_of("Greece, Turkey Dispute Territory"), ["Greece 120 Türkiye"]);
}

#[test]
fn an_event_names_the_relation_of_the_model_it_corroborates() {
    let model = &common::world_snapshot().model;
    let relation = model
        .relations
        .iter()
        .find(|r| model.predicates[r.predicate].id == "backs")
        .expect("the shipped model has a backs relation");
    let text = format!(
        "{} backs {}.",
        model.entities[relation.subject].name, model.entities[relation.object].name
    );
    let lines = lines_of(&text);
    assert_eq!(lines.len(), 1, "{text}: {lines:?}");
    assert_eq!(lines[0]["relations"], serde_json::json!([relation.id]), "{text}");
    // The reverse act is no corroboration of a directed relation.
    let text = format!(
        "{} backs {}.",
        model.entities[relation.object].name, model.entities[relation.subject].name
    );
    assert_eq!(lines_of(&text)[0]["relations"], serde_json::json!([]), "{text}");
}

#[test]
fn an_event_at_a_leader_names_the_relation_at_what_he_leads() {
    // Egypt backs the LNA and Haftar leads it (a predicate that transfers support).
    let lines = lines_of("Egypt backs Haftar.");
    assert_eq!(
        lines[0]["relations"],
        serde_json::json!([
            "egypt.backs.libyan-national-army",
            "khalifa-haftar.leads.libyan-national-army"
        ])
    );
}

#[test]
fn a_signing_names_the_signed_agreements_of_both_parties_through_their_governments() {
    // Libya is party to the maritime memorandum through the government that signed it in 2019,
    // and to the education MoU; the cooperation tracks with no signed text are not signings.
    let lines = lines_of("Turkiye and Libya signed a maritime deal.");
    assert_eq!(
        lines[0]["agreements"],
        serde_json::json!(["turkiye-libya-maritime-agreement", "vocational-technical-education-mou"])
    );
}

#[test]
fn every_event_carries_exact_spans_and_its_rule() {
    let text = "Türkiye’s intelligence chief İbrahim Kalın visited Libya.";
    let lines = lines_of(text);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let chars: Vec<char> = text.chars().collect();
    let cut = |span: &serde_json::Value| -> String {
        let at = |i: usize| span[i].as_u64().expect("offset") as usize;
        chars[at(0)..at(1)].iter().collect()
    };
    assert_eq!(cut(&lines[0]["source_span"]), "İbrahim Kalın");
    assert_eq!(cut(&lines[0]["target_span"]), "Libya");
    assert_eq!(cut(&lines[0]["trigger"]), "visited");
    assert_eq!(cut(&lines[0]["sentence"]), text);
    assert_eq!(lines[0]["quad"], "verbal_coop");
    assert_eq!(lines[0]["code_name"], "Make a visit");
    assert!(lines[0]["rule"].as_str().is_some_and(|r| r.contains("subject")));
}

#[test]
fn a_bad_lexicon_record_is_reported_with_its_file_and_line() {
    let data = r#"
[[entities]]
id = "egypt"
name = "Egypt"
type = "COUNTRY"

[[event_codes]]
code = "042"
name = "Make a visit"

[[event_codes]]
code = "420"
name = "Not a code"

[[event_triggers]]
code = "051"
verbs = ["back"]

[[event_triggers]]
code = "042"
verbs = ["Visit"]
"#;
    let error = actorgraph::model::load_from_str("lexicon.toml", data, std::path::Path::new("."))
        .expect_err("the lexicon is invalid");
    let lines: Vec<(usize, &str)> = error.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert!(
        lines
            .iter()
            .any(|(line, m)| *line == 12 && m.contains("not a CAMEO code")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(line, m)| *line == 16 && m.contains("\"051\" is not defined")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(line, m)| *line == 21 && m.contains("lower-case words")),
        "{lines:?}"
    );
}

#[test]
fn the_world_layer_alone_finds_events_and_warns_of_predicates_it_lacks() {
    let world = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/world");
    let snapshot = Snapshot::load_layers(&[world]).expect("the world layer loads on its own");
    assert!(
        snapshot
            .model
            .warnings
            .iter()
            .any(|w| w.message.contains("corroborates \"backs\", which no layer")),
        "{:?}",
        snapshot.model.warnings.first()
    );
    let text = "Egypt criticised Ethiopia.";
    let found = events::extract_events(
        &snapshot.model,
        &snapshot.extractor,
        text,
        &EventOptions::default(),
        &|| false,
    )
    .expect("not stopped");
    let lines = events::json_lines(&snapshot.model, text, &found);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["relations"], serde_json::json!([]));
}

#[test]
fn two_clauses_joined_by_and_keep_their_own_subjects_and_objects() {
    assert_eq!(
        events_of("Russia attacked Ukraine and NATO condemned Russia."),
        ["Russia 190 Ukraine", "North Atlantic Treaty Organization 111 Russia"]
    );
    assert_eq!(
        events_of("Egypt backs Libya and Qatar backs Chad."),
        ["Egypt 051 Libya", "Qatar 051 Chad"]
    );
    assert_eq!(events_of("Turkey backs Libya, Egypt claimed."), ["Türkiye 051 Libya"]);
    assert_eq!(
        events_of("After the Saudis imposed a blockade of Qatar, Iran and Turkey promised to help Qatar."),
        ["Saudi Arabia 163 Qatar", "Iran 033 Qatar", "Türkiye 033 Qatar"]
    );
}

#[test]
fn a_group_with_no_object_is_mutual_only_for_acts_done_together() {
    assert!(events_of("France and Germany condemned the attack.").is_empty());
    assert!(events_of("Iran, Iraq and Syria attacked rebels on Monday.").is_empty());
    assert_eq!(
        events_of("India and Pakistan clashed on Monday."),
        ["India 190 Pakistan"]
    );
    assert_eq!(
        events_of("In Paris, France and Germany signed a treaty."),
        ["France 057 Germany"]
    );
}

#[test]
fn what_may_happen_or_stops_is_no_act() {
    assert!(events_of("If Russia attacks NATO, the alliance will respond.").is_empty());
    assert!(events_of("Egypt will meet Libya next week.").is_empty());
    assert!(events_of("Russia could attack Poland, NATO warned.").is_empty());
    assert_eq!(
        events_of("The United States urged China to stop threatening Taiwan."),
        ["United States 020 China"]
    );
    assert_eq!(
        events_of("Iran has not yet attacked Israel."),
        ["Iran 190 Israel (negated)"]
    );
}

#[test]
fn word_senses_follow_their_context() {
    assert_eq!(events_of("Russia struck a deal with Ukraine."), ["Russia 057 Ukraine"]);
    assert_eq!(
        events_of("The United States lifted sanctions on Iran."),
        ["United States 085 Iran"]
    );
    assert!(events_of("The EU discussed sanctions on Russia.").is_empty());
    assert!(events_of("Russia has evaded sanctions imposed by the EU.").is_empty());
    assert!(events_of("Egypt pushed back against Turkey's claims.").is_empty());
    assert!(events_of("Iran denied supplying drones to Russia.")
        .iter()
        .all(|e| e.ends_with("(negated)")));
    assert_eq!(
        events_of("The UN welcomed Ethiopia's decision."),
        ["United Nations 051 Ethiopia"]
    );
    // Praise is verbal: military words nearby do not make it military aid.
    assert_eq!(
        events_of("Egypt's military government praised Libya."),
        ["Egypt 051 Libya"]
    );
}

#[test]
fn a_shared_subject_is_the_grammatical_subject_and_titles_are_not_prepositions() {
    assert_eq!(
        events_of("Libya was backed by Egypt, and later attacked Chad."),
        ["Egypt 051 Libya", "Libya 190 Chad"]
    );
    assert_eq!(events_of("Egypt, however, backs Libya."), ["Egypt 051 Libya"]);
    let found = events_of("U.S. Secretary of State Rex Tillerson travels to Kuwait on Monday.");
    assert_eq!(found, ["Rex Tillerson 042 Kuwait"]);
}

#[test]
fn no_object_is_taken_across_that_opening_a_clause() {
    assert_eq!(
        events_of("Erdogan warned that Turkey will respond to any attack."),
        Vec::<String>::new()
    );
    assert_eq!(
        events_of("Poland warned that the Russian army is massing troops."),
        Vec::<String>::new()
    );
}

#[test]
fn a_passive_symmetric_act_by_several_titled_agents_is_between_each_pair() {
    assert_eq!(
        events_of(
            "It was signed on 9 May by the President of Kenya Daniel Omondi, the Prime Minister of Ethiopia \
             Abebe Tesfaye and the President of Somalia Farah Warsame."
        ),
        [
            "Daniel Omondi 057 Abebe Tesfaye",
            "Daniel Omondi 057 Farah Warsame",
            "Abebe Tesfaye 057 Farah Warsame"
        ]
    );
    // An act that is not symmetric needs a named subject.
    assert!(events_of("It was criticised by Kenya and Ethiopia.").is_empty());
}

#[test]
fn disapproving_of_an_act_by_a_named_agent_targets_the_agent() {
    assert_eq!(
        events_of("Kenya condemned the recent attacks by the Wagner Group against civilians."),
        ["Kenya 111 Wagner Group"]
    );
    // "by" after a word that names no act is no agent of it.
    assert!(events_of("Kenya condemned the decision taken by Uganda.").is_empty());
}

#[test]
fn the_members_of_a_body_speak_for_it() {
    assert_eq!(
        events_of("The members of the Security Council condemned the attacks by M23."),
        ["United Nations Security Council 111 M23"]
    );
}

#[test]
fn calls_and_visits_with_a_light_verb_or_a_phrase() {
    assert_eq!(
        events_of("Kenya had a telephone conversation with Uganda."),
        ["Kenya 041 Uganda"]
    );
    assert_eq!(events_of("Ghana spoke by phone with Togo."), ["Ghana 041 Togo"]);
    assert_eq!(events_of("Chile paid a state visit to Peru."), ["Chile 042 Peru"]);
    assert_eq!(events_of("Chile spoke with Peru on Monday."), ["Chile 040 Peru"]);
    // "had" as an auxiliary governs no noun of its own.
    assert_eq!(events_of("Chile had visited Peru."), ["Chile 042 Peru"]);
}

#[test]
fn a_direct_verb_takes_only_a_name_right_after_it() {
    assert_eq!(
        events_of("Paul Kagame received Yoweri Museveni in Kigali."),
        ["Paul Kagame 043 Yoweri Kaguta Museveni"]
    );
    // A title or a demonym before the person is no gap.
    assert_eq!(
        events_of("Recep Tayyip Erdogan received Hungarian Prime Minister Viktor Orbán."),
        ["Recep Tayyip Erdoğan 043 Viktor Orban"]
    );
    // Further on, the name is no object of "received".
    assert!(events_of("Qatar received a reply from Hamas on Monday.").is_empty());
    // "armed forces" is no act of arming.
    assert!(events_of("Sudan's armed forces rejected the talks in Kenya.")
        .iter()
        .all(|e| !e.contains(" 072 ")));
    assert_eq!(
        events_of("Turkey armed Azerbaijan with drones."),
        ["Türkiye 072 Azerbaijan"]
    );
}

#[test]
fn an_object_phrase_may_follow_a_name_or_a_possessive() {
    assert_eq!(events_of("Sweden summoned Iran's envoy."), ["Sweden 114 Iran"]);
    assert_eq!(
        events_of("Mali ordered the French ambassador to leave the country."),
        ["Mali 166 France"]
    );
    // Without the phrase, the verb is no act: "summoned" reporters, an order to a name.
    assert!(events_of("Sweden summoned reporters to hear Iran's answer.").is_empty());
}

#[test]
fn an_attack_is_aimed_at_the_name_after_at() {
    assert_eq!(
        events_of("Hezbollah fired rockets at Israel."),
        ["Hezbollah 190 Israel"]
    );
    assert_eq!(
        events_of("North Korea fired two ballistic missiles toward Japan."),
        ["North Korea 190 Japan"]
    );
    // For other acts "at" is still a place.
    assert!(events_of("Egypt praised the talks at Qatar's request.")
        .iter()
        .all(|e| !e.contains("Qatar")));
}

#[test]
fn no_object_is_taken_across_a_coordinated_second_verb() {
    assert_eq!(
        events_of("Ilham Aliyev rejected the report and said Armenia was to blame."),
        ["Ilham Aliyev 010 Armenia"]
    );
    assert!(
        !events_of("Viktor Orbán defended the veto and said Ukraine was not ready.")
            .iter()
            .any(|e| e.contains(" 12"))
    );
}

#[test]
fn an_adjunct_gerund_shares_the_subject_of_the_verb_before_it() {
    assert_eq!(
        events_of("Pakistan condemned the bombing while rejecting India's claims."),
        ["Pakistan 120 India"]
    );
    assert_eq!(
        events_of("Egypt signed the deal, praising Sudan for its role."),
        ["Egypt 051 Sudan"]
    );
}

#[test]
fn a_statement_charging_its_first_actor_with_a_hostile_act_is_an_accusation() {
    assert_eq!(
        events_of("Kyiv said Russia had shelled a hospital in Kharkiv."),
        ["Ukraine 112 Russia"]
    );
    // A cooperative act reported is a statement.
    assert_eq!(
        events_of("Qatar said Israel had agreed to a truce."),
        ["Qatar 010 Israel"]
    );
}

#[test]
fn a_demand_targets_the_subject_of_what_it_asks_and_an_obligation_is_no_act() {
    assert_eq!(
        events_of("Somalia demanded that Ethiopia withdraw its troops."),
        ["Somalia 100 Ethiopia"]
    );
    assert!(events_of("Iran is obligated to cooperate with the IAEA.").is_empty());
}

#[test]
fn everyday_verbs_of_each_kind_give_their_codes() {
    for (text, event) in [
        (
            "The Houthis fired an anti-ship missile at a US destroyer.",
            "Houthis 190 United States",
        ),
        (
            "Saudi Arabia broke off relations with Iran in 2016.",
            "Saudi Arabia 161 Iran",
        ),
        (
            "Colombia suspended talks with the ELN.",
            "Colombia 164 National Liberation Army",
        ),
        (
            "Israel assassinated Ismail Haniyeh in Tehran.",
            "Israel 186 Ismail Haniyeh",
        ),
        ("Kosovo declared independence from Serbia.", "Kosovo 128 Serbia"),
        (
            "The Netherlands held Russia responsible for the downing.",
            "Netherlands 112 Russia",
        ),
        ("Iraq used chemical weapons against Iran in 1988.", "Iraq 204 Iran"),
        (
            "Alexei Navalny organised rallies against Vladimir Putin.",
            "Alexei Navalny 141 Vladimir Putin",
        ),
        (
            "Albin Kurti and Aleksandar Vučić accepted the roadmap.",
            "Albin Kurti 030 Aleksandar Vucic",
        ),
    ] {
        assert_eq!(events_of(text), [event], "{text}");
    }
}

#[test]
fn a_group_passes_bracketed_short_forms_and_titles_with_their_demonym() {
    assert_eq!(
        events_of("Egypt condemned the attacks by the Houthis (Ansar Allah) and Hezbollah."),
        ["Egypt 111 Houthis", "Egypt 111 Hezbollah"]
    );
    assert_eq!(
        events_of("Serbian President Aleksandar Vučić and Kosovar Prime Minister Albin Kurti met in Brussels."),
        ["Aleksandar Vucic 040 Albin Kurti"]
    );
}

#[test]
fn a_role_owned_by_a_name_and_held_by_a_person_targets_the_person() {
    assert_eq!(
        events_of("Egypt met Qatar's foreign minister, Mohammed Al-Khulaifi."),
        ["Egypt 040 Mohammed Al-Khulaifi"]
    );
    // A day between talks and "with" is no gap.
    assert_eq!(
        events_of(
            "In Doha, Antony Blinken held talks Tuesday with Qatar's ruling emir, Sheikh Tamim bin Hamad Al Thani."
        ),
        ["Antony Blinken 040 Tamim bin Hamad Al Thani"]
    );
    // Not a person's role: the owner stays the object.
    assert_eq!(
        events_of("Egypt praised Qatar's mediation, Turkey said."),
        ["Egypt 051 Qatar"]
    );
    // Agreeing to talks, a year between.
    assert_eq!(
        events_of("Kosovo and Serbia agreed in 2013 to a dialogue."),
        ["Kosovo 036 Serbia"]
    );
}

#[test]
fn a_verb_form_inside_a_noun_phrase_is_a_noun_and_signing_stays_signing() {
    // "their border dispute": no act of disputing.
    assert_eq!(
        events_of("India and China held talks on their border dispute."),
        ["India 040 China"]
    );
    // A subject and its verb after "the": still an act.
    assert_eq!(
        events_of("The two countries oppose Israel's plan."),
        Vec::<String>::new(),
        "no named subject"
    );
    // Signing a military pact is signing; a deal named as a noun takes its kind.
    assert_eq!(
        events_of("Russia and North Korea signed a mutual defence treaty."),
        ["Russia 057 North Korea"]
    );
    // A capital stands for its government.
    assert_eq!(
        events_of("The RSF retook Khartoum."),
        ["Rapid Support Forces 192 Sudan"]
    );
}

#[test]
fn a_hyphenated_participle_in_an_appositive_describes_the_name_before_it() {
    assert_eq!(
        events_of("Hezbollah, the Iran-backed group, fired rockets at Israel."),
        ["Iran 051 Hezbollah", "Hezbollah 190 Israel"]
    );
}

#[test]
fn a_gerund_of_saying_after_a_comma_is_the_main_subject_s() {
    assert_eq!(
        events_of("Pakistan condemned the bombing, noting that JeM is banned in Pakistan."),
        ["Pakistan 010 Jaish-e-Mohammed"]
    );
}

#[test]
fn a_disapproval_asked_of_an_addressee_is_the_requester_s() {
    assert_eq!(
        events_of("Ukraine urged the ICC to hold Vladimir Putin accountable."),
        ["Ukraine 020 International Criminal Court", "Ukraine 112 Vladimir Putin"]
    );
    // Other acts asked for stay the addressee's to do: no event of the requester.
    assert_eq!(
        events_of("Egypt urged Israel to withdraw from Rafah."),
        ["Egypt 020 Israel"]
    );
}

#[test]
fn a_speaker_s_own_attack_is_aimed_at_its_target() {
    assert_eq!(
        events_of("Hezbollah said it had fired rockets at Israel."),
        ["Hezbollah 190 Israel"]
    );
    // Other acts of its own, or none: "at" is a place or a circumstance.
    assert!(events_of("Egypt said it would host talks at Qatar's request.").is_empty());
    assert!(events_of("Egypt said it was at Qatar's side.").is_empty());
}

#[test]
fn a_mediator_mediates_between_both_parties_and_their_talks_are_theirs() {
    let found = events_of("Qatar mediated talks between Israel and Hamas.");
    assert!(found.contains(&"Qatar 045 Israel".to_owned()), "{found:?}");
    assert!(found.contains(&"Qatar 045 Hamas".to_owned()), "{found:?}");
    // The talks named inside the mediator's object are the parties' own act.
    assert!(found.contains(&"Israel 040 Hamas".to_owned()), "{found:?}");
    let hosted = events_of("Turkey hosted talks between Russia and Ukraine.");
    assert!(hosted.contains(&"Russia 040 Ukraine".to_owned()), "{hosted:?}");
    // No parties, no event.
    assert!(events_of("Turkey mediated the grain deal.").is_empty());
}

#[test]
fn a_mediation_participle_names_the_mediator_after_by_and_the_parties_before_it() {
    // The parties are the "between" group before the participle …
    let found = events_of("The ceasefire between Israel and Hamas, mediated by Egypt, took effect.");
    assert_eq!(found, ["Egypt 045 Israel", "Egypt 045 Hamas"]);
    // … or the clause's subject when it is two actors or more.
    let found = events_of("Israel and Hamas accepted talks facilitated by Qatar.");
    assert!(found.contains(&"Qatar 045 Israel".to_owned()), "{found:?}");
    assert!(found.contains(&"Qatar 045 Hamas".to_owned()), "{found:?}");
    // One actor is no pair of parties, and no actor is none: no mediation.
    assert!(events_of("The UN praised the deal brokered by Turkey.")
        .iter()
        .all(|e| !e.contains("045")));
    assert!(events_of("The truce, mediated by Qatar, held.").is_empty());
}
