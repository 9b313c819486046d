//! Unicode normalisation forms: a name is found whether its accents are precomposed (NFC) or
//! written as combining marks after the letter (NFD), and in compatibility forms (full-width
//! letters, ligatures), with offsets into the text as the caller wrote it. One behaviour per test.

use crate::common;

use actorgraph::extract::{ExtractOptions, MentionKind};
use actorgraph::model::EntityType;

/// A mention as these tests read it: the text its byte span slices, the linked id, and the span
/// in (byte, code point, UTF-16) pairs.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    text: String,
    entity: Option<String>,
    bytes: (usize, usize),
    chars: (usize, usize),
    utf16: (usize, usize),
}

fn extract(text: &str) -> Vec<Seen> {
    let model = &common::article_snapshot().model;
    common::article_snapshot()
        .extractor
        .extract(text, &ExtractOptions::default())
        .mentions
        .into_iter()
        .map(|m| Seen {
            text: text[m.span.byte_start..m.span.byte_end].to_owned(),
            entity: m.entity.map(|e| model.entities[e].id.clone()),
            bytes: (m.span.byte_start, m.span.byte_end),
            chars: (m.span.char_start, m.span.char_end),
            utf16: (m.span.utf16_start, m.span.utf16_end),
        })
        .collect()
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

/// What the linked mentions of a text say, in text order, without their surfaces.
fn linked_entities(text: &str) -> Vec<(String, MentionKind, Option<String>)> {
    let model = &common::article_snapshot().model;
    common::article_snapshot()
        .extractor
        .extract(text, &ExtractOptions::default())
        .mentions
        .into_iter()
        .filter_map(|m| {
            let id = |e: actorgraph::model::EntityIndex| model.entities[e].id.clone();
            Some((id(m.entity?), m.kind, m.metonym_for.map(id)))
        })
        .collect()
}

/// Every span slices the same text in all three units.
fn assert_spans_agree(text: &str, seen: &[Seen]) {
    let chars: Vec<char> = text.chars().collect();
    let utf16: Vec<u16> = text.encode_utf16().collect();
    for mention in seen {
        let by_chars: String = chars[mention.chars.0..mention.chars.1].iter().collect();
        let by_utf16 = String::from_utf16(&utf16[mention.utf16.0..mention.utf16.1]).expect("whole UTF-16 units");
        assert_eq!(by_chars, mention.text, "{mention:?}");
        assert_eq!(by_utf16, mention.text, "{mention:?}");
    }
}

#[test]
fn a_decomposed_name_links_and_its_span_covers_the_marks() {
    // The emoji makes the three units differ: 4 bytes, 1 code point, 2 UTF-16 units.
    let text = "😀 Tu\u{308}rkiye signed.";
    let seen = extract(text);
    assert_eq!(
        seen,
        vec![Seen {
            text: "Tu\u{308}rkiye".into(),
            entity: Some("turkiye".into()),
            bytes: (5, 14),
            chars: (2, 10),
            utf16: (3, 11),
        }]
    );
    assert_spans_agree(text, &seen);
}

#[test]
fn a_dotted_capital_i_written_with_a_combining_dot_keeps_the_full_name() {
    for name in [
        "I\u{307}brahim Kal\u{131}n",
        "I\u{307}brahim Kalin",
        "Ibrahim Kal\u{131}\u{307}n",
        "I\u{307}brahim Kali\u{301}n",
    ] {
        let text = format!("Then {name} left.");
        let seen = extract(&text);
        assert_eq!(linked(&text), pairs(&[(name, Some("ibrahim-kalin"))]), "{name:?}");
        assert_eq!(seen[0].bytes, (5, 5 + name.len()));
        assert_spans_agree(&text, &seen);
    }
}

#[test]
fn full_width_letters_and_ligatures_link() {
    let text = "ＴＵＲＫＩＹＥ, Ｔｕｒｋｉｙｅ, the ＵＮ and Gaddaﬁ";
    let seen = extract(text);
    assert_eq!(
        linked(text),
        pairs(&[
            ("ＴＵＲＫＩＹＥ", Some("turkiye")),
            ("Ｔｕｒｋｉｙｅ", Some("turkiye")),
            ("ＵＮ", Some("united-nations")),
            ("Gaddaﬁ", Some("muammar-gaddafi")),
        ])
    );
    assert_spans_agree(text, &seen);
    // An acronym still needs its own capitals, full width or not.
    assert!(linked("the ｕｎ said").iter().all(|(_, e)| e.is_none()));
}

#[test]
fn mixed_normalisation_forms_give_the_entities_of_the_composed_text() {
    let composed = "Türkiye’s İbrahim Kalın met envoys of the Republic of Türkiye in Ankara. Kalın said \
                    Türkiye Cumhuriyeti, Libya and Egypt agreed; Jürgen Müller saw Haftar in Tripoli.";
    let mixed = "Tu\u{308}rkiye’s I\u{307}brahim Kalın met envoys of the Republic of Türkiye in Ankara. Kalın said \
                 Tu\u{308}rkiye Cumhuriyeti, Libya and Egypt agreed; Jürgen Mu\u{308}ller saw Haftar in Tripoli.";
    let decomposed = "Tu\u{308}rkiye’s I\u{307}brahim Kal\u{131}n met envoys of the Republic of Tu\u{308}rkiye in \
                      Ankara. Kal\u{131}n said Tu\u{308}rkiye Cumhuriyeti, Libya and Egypt agreed; Ju\u{308}rgen \
                      Mu\u{308}ller saw Haftar in Tripoli.";
    let expected = linked_entities(composed);
    assert!(expected.len() >= 9, "the composed text names its actors: {expected:?}");
    assert_eq!(linked_entities(mixed), expected);
    assert_eq!(linked_entities(decomposed), expected);
    assert_spans_agree(decomposed, &extract(decomposed));
}

#[test]
fn a_mark_after_a_name_belongs_to_its_last_letter() {
    // The mark does not end the word: "Egypt́x" is not "Egypt".
    assert!(linked("Egypt\u{301}x and tu\u{308}Libya").is_empty());
    // After the name's last letter, the mark is part of the mention.
    let text = "Egypt\u{301}, Libya\u{301}\u{323}.";
    let seen = extract(text);
    assert_eq!(
        linked(text),
        pairs(&[("Egypt\u{301}", Some("egypt")), ("Libya\u{301}\u{323}", Some("libya"))])
    );
    assert_spans_agree(text, &seen);
}

#[test]
fn a_decomposed_unknown_name_is_one_word_per_name() {
    let seen = |text: &str| -> Vec<(String, Option<EntityType>)> {
        common::article_snapshot()
            .extractor
            .extract(text, &ExtractOptions::default())
            .mentions
            .into_iter()
            .map(|m| (text[m.span.byte_start..m.span.byte_end].to_owned(), m.entity_type))
            .collect()
    };
    assert_eq!(
        seen("He met Senator Jürgen Müller."),
        vec![("Jürgen Müller".to_owned(), Some(EntityType::Person))]
    );
    assert_eq!(
        seen("He met Senator Ju\u{308}rgen Mu\u{308}ller."),
        vec![("Ju\u{308}rgen Mu\u{308}ller".to_owned(), Some(EntityType::Person))]
    );
}

#[test]
fn a_decomposed_name_is_the_name_as_written() {
    let confidence = |text: &str| {
        let mentions = common::article_snapshot()
            .extractor
            .extract(text, &ExtractOptions::default())
            .mentions;
        assert_eq!(mentions.len(), 1, "{text}");
        mentions[0].confidence
    };
    assert_eq!(confidence("Tu\u{308}rkiye said."), confidence("Türkiye said."));
    assert!(
        confidence("TÜRKIYE said.") < confidence("Türkiye said."),
        "folding case still costs confidence"
    );
}
