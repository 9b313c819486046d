//! Property tests of the extraction engine on arbitrary Unicode: offsets in the three units
//! agree with each other and with the text, slicing gives the mention, mentions are ordered and
//! do not overlap, and nothing panics — also once the text's accented letters are decomposed
//! (NFD), combining marks added and letters written full width, in any mix. A text of the model's
//! names links the same entities, in the same order, in NFC, NFD or a mix of both.

use crate::common;

use actorgraph::extract::{ExtractOptions, MentionKind};
use actorgraph::model::{EntityIndex, EntityType};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Text pieces that exercise the rules: names with accents, possessives, compounds, acronyms,
/// emoji and combining marks, mixed with arbitrary Unicode.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,12}",
        Just("Türkiye’s".to_owned()),
        Just("İbrahim Kalın".to_owned()),
        Just("UN-backed Government of National Unity (GNU)".to_owned()),
        Just("Libyan National Army".to_owned()),
        Just("Tripoli-based".to_owned()),
        Just("for both Tripoli and Ankara".to_owned()),
        Just("😀🇹🇷".to_owned()),
        Just("Ka\u{0301}lin Straße ß ı İ".to_owned()),
        Just("Tu\u{308}rkiye I\u{307}brahim Kalın".to_owned()),
        Just("ＴＵＲＫＩＹＥ Ｔｕｒｋｉｙｅ ＵＮ Gaddaﬁ ﬃ　".to_owned()),
        Just("Senator Chris Murphy".to_owned()),
        Just("U.S.-Libya".to_owned()),
        Just(" ".to_owned()),
        Just(".\n".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat())
}

/// Canonical decompositions (NFD) of accented Latin letters: one mark, or two for the Vietnamese
/// letters.
#[rustfmt::skip]
const DECOMPOSITIONS: &[(char, &str)] = &[
    ('À', "A\u{300}"), ('Á', "A\u{301}"), ('Â', "A\u{302}"), ('Ã', "A\u{303}"), ('Ä', "A\u{308}"), ('Å', "A\u{30A}"),
    ('Ç', "C\u{327}"), ('È', "E\u{300}"), ('É', "E\u{301}"), ('Ê', "E\u{302}"), ('Ë', "E\u{308}"), ('Ì', "I\u{300}"),
    ('Í', "I\u{301}"), ('Î', "I\u{302}"), ('Ï', "I\u{308}"), ('Ñ', "N\u{303}"), ('Ò', "O\u{300}"), ('Ó', "O\u{301}"),
    ('Ô', "O\u{302}"), ('Õ', "O\u{303}"), ('Ö', "O\u{308}"), ('Ù', "U\u{300}"), ('Ú', "U\u{301}"), ('Û', "U\u{302}"),
    ('Ü', "U\u{308}"), ('Ý', "Y\u{301}"), ('à', "a\u{300}"), ('á', "a\u{301}"), ('â', "a\u{302}"), ('ã', "a\u{303}"),
    ('ä', "a\u{308}"), ('å', "a\u{30A}"), ('ç', "c\u{327}"), ('è', "e\u{300}"), ('é', "e\u{301}"), ('ê', "e\u{302}"),
    ('ë', "e\u{308}"), ('ì', "i\u{300}"), ('í', "i\u{301}"), ('î', "i\u{302}"), ('ï', "i\u{308}"), ('ñ', "n\u{303}"),
    ('ò', "o\u{300}"), ('ó', "o\u{301}"), ('ô', "o\u{302}"), ('õ', "o\u{303}"), ('ö', "o\u{308}"), ('ù', "u\u{300}"),
    ('ú', "u\u{301}"), ('û', "u\u{302}"), ('ü', "u\u{308}"), ('ý', "y\u{301}"), ('ÿ', "y\u{308}"), ('Ā', "A\u{304}"),
    ('ā', "a\u{304}"), ('Ă', "A\u{306}"), ('ă', "a\u{306}"), ('Ć', "C\u{301}"), ('ć', "c\u{301}"), ('Č', "C\u{30C}"),
    ('č', "c\u{30C}"), ('Ē', "E\u{304}"), ('ē', "e\u{304}"), ('Ğ', "G\u{306}"), ('ğ', "g\u{306}"), ('Ī', "I\u{304}"),
    ('ī', "i\u{304}"), ('İ', "I\u{307}"), ('Ń', "N\u{301}"), ('ń', "n\u{301}"), ('Ō', "O\u{304}"), ('ō', "o\u{304}"),
    ('Ř', "R\u{30C}"), ('ř', "r\u{30C}"), ('Ś', "S\u{301}"), ('ś', "s\u{301}"), ('Ş', "S\u{327}"), ('ş', "s\u{327}"),
    ('Š', "S\u{30C}"), ('š', "s\u{30C}"), ('Ū', "U\u{304}"), ('ū', "u\u{304}"), ('Ž', "Z\u{30C}"), ('ž', "z\u{30C}"),
    ('Ơ', "O\u{31B}"), ('ơ', "o\u{31B}"), ('Ư', "U\u{31B}"), ('ư', "u\u{31B}"), ('ậ', "a\u{323}\u{302}"),
    ('ộ', "o\u{323}\u{302}"), ('ế', "e\u{302}\u{301}"), ('ữ', "u\u{31B}\u{303}"),
];

fn decomposition(c: char) -> Option<&'static str> {
    DECOMPOSITIONS
        .iter()
        .find(|(composed, _)| *composed == c)
        .map(|(_, decomposed)| *decomposed)
}

/// `text` with the letters whose flag is set decomposed (see [`DECOMPOSITIONS`]), the others as
/// they are: all flags set gives the NFD of an NFC text of these letters, some set a mix.
fn decompose(text: &str, flags: impl Iterator<Item = bool>) -> String {
    text.chars()
        .zip(flags.chain(std::iter::repeat(false)))
        .map(|(c, decompose)| match decomposition(c) {
            Some(decomposed) if decompose => decomposed.to_owned(),
            _ => c.to_string(),
        })
        .collect()
}

/// Combining marks of several blocks: diacritics, the extended and supplement blocks, marks for
/// symbols (an enclosing circle), a variation selector, a Hebrew point.
const MARKS: &[char] = &[
    '\u{301}', '\u{308}', '\u{307}', '\u{323}', '\u{327}', '\u{1AB0}', '\u{1DC4}', '\u{20DD}', '\u{FE0F}', '\u{5B4}',
];

/// A text and a mix of forms of it: per character, decomposed when it can be, followed by one or
/// two combining marks, written full width when it is printable ASCII, or kept.
fn mixed_forms(text: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    text.prop_flat_map(|text| {
        let count = text.chars().count();
        (Just(text), prop::collection::vec((0u8..8, 0..MARKS.len()), count))
    })
    .prop_map(|(text, choices)| {
        let mut mixed = String::with_capacity(text.len() * 2);
        for (c, (choice, mark)) in text.chars().zip(choices) {
            match (choice, decomposition(c)) {
                (0 | 1, Some(decomposed)) => mixed.push_str(decomposed),
                (2, _) => mixed.extend([c, MARKS[mark]]),
                (3, _) => mixed.extend([c, MARKS[mark], MARKS[(mark + 1) % MARKS.len()]]),
                (4, _) if c.is_ascii_graphic() => mixed.extend(char::from_u32(c as u32 + 0xFEE0)),
                _ => mixed.push(c),
            }
        }
        mixed
    })
}

/// The model's names, and words with accents to put around them.
fn words() -> Vec<String> {
    let model = &common::article_snapshot().model;
    let mut words: Vec<String> = model
        .entities
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.aliases).chain(&e.demonyms))
        .cloned()
        .collect();
    words.extend(
        [
            "Jürgen Müller",
            "Senator Ünal Şahin",
            "café",
            "São Paulo",
            "Éric",
            "É.",
            "Gen.",
            "officials",
            "the",
            "Ministry of Défense",
            "Çalışkan",
            "ÉGYPTE",
            "the Côte",
            "Nguyễn Văn",
            "Ōsaka",
            "Ankara’s",
        ]
        .map(str::to_owned),
    );
    words
}

/// Texts made of the model's names and accented words, joined as news joins them.
fn names_text() -> impl Strategy<Value = String> {
    const SEPARATORS: &[&str] = &[
        " ",
        ", ",
        " and ",
        " met ",
        ". ",
        "’s ",
        " in ",
        "-",
        "\n",
        " said ",
        " for both ",
        "; ",
        " (",
        ") ",
    ];
    prop::collection::vec((prop::sample::select(words()), prop::sample::select(SEPARATORS)), 0..10).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(word, separator)| [word, separator.to_owned()])
            .collect()
    })
}

/// Spans agree with each other and with the text; mentions are ordered and nested ones inside.
fn check_offsets(text: &str, nested: bool) -> Result<(), TestCaseError> {
    let options = ExtractOptions {
        include_nested: nested,
        ..ExtractOptions::default()
    };
    let extraction = common::article_snapshot().extractor.extract(text, &options);
    let chars: Vec<char> = text.chars().collect();
    let utf16: Vec<u16> = text.encode_utf16().collect();
    for mention in &extraction.mentions {
        let span = mention.span;
        prop_assert!(span.byte_start < span.byte_end && span.byte_end <= text.len());
        prop_assert!(text.is_char_boundary(span.byte_start) && text.is_char_boundary(span.byte_end));
        let by_bytes = &text[span.byte_start..span.byte_end];
        let by_chars: String = chars[span.char_start..span.char_end].iter().collect();
        let by_utf16 = String::from_utf16(&utf16[span.utf16_start..span.utf16_end]).ok();
        prop_assert_eq!(by_bytes, by_chars.as_str());
        prop_assert_eq!(Some(by_bytes.to_owned()), by_utf16);
        prop_assert_eq!(span.char_start, text[..span.byte_start].chars().count());
        prop_assert!(mention.confidence > 0.0 && mention.confidence <= 1.0);
        // A mention neither starts with a combining mark nor ends before one: the marks belong
        // to the letter they are written on.
        let first = by_bytes.chars().next();
        prop_assert!(
            !first.is_some_and(actorgraph::text::is_combining_mark),
            "{:?}",
            by_bytes
        );
        let next = text[span.byte_end..].chars().next();
        prop_assert!(
            !next.is_some_and(actorgraph::text::is_combining_mark),
            "{:?} before {:?}",
            by_bytes,
            next
        );
    }
    let top: Vec<_> = extraction.mentions.iter().filter(|m| !m.nested).collect();
    for pair in top.windows(2) {
        prop_assert!(
            pair[0].span.byte_end <= pair[1].span.byte_start,
            "ordered, no overlap: {:?}",
            pair
        );
    }
    for mention in extraction.mentions.iter().filter(|m| m.nested) {
        prop_assert!(top
            .iter()
            .any(|outer| outer.span.byte_start <= mention.span.byte_start
                && mention.span.byte_end <= outer.span.byte_end));
    }
    Ok(())
}

/// What the mentions of a text say: entity (linked or not), type, kind, metonym, and the surface
/// fully decomposed (so that the surfaces of a text in two forms compare equal).
type Said = (
    Option<EntityIndex>,
    Option<EntityType>,
    MentionKind,
    Option<EntityIndex>,
    bool,
    String,
);

fn mentions(text: &str, nested: bool) -> Vec<Said> {
    let options = ExtractOptions {
        include_nested: nested,
        ..ExtractOptions::default()
    };
    common::article_snapshot()
        .extractor
        .extract(text, &options)
        .mentions
        .into_iter()
        .map(|m| {
            let surface = decompose(&text[m.span.byte_start..m.span.byte_end], std::iter::repeat(true));
            (m.entity, m.entity_type, m.kind, m.metonym_for, m.nested, surface)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn offsets_agree_and_slice_the_mention(text in text(), nested in any::<bool>()) {
        check_offsets(&text, nested)?;
    }

    #[test]
    fn offsets_agree_in_decomposed_and_mixed_forms(text in mixed_forms(text()), nested in any::<bool>()) {
        check_offsets(&text, nested)?;
    }

    #[test]
    fn offsets_agree_in_mixed_forms_of_the_model_s_names(text in mixed_forms(names_text()), nested in any::<bool>()) {
        check_offsets(&text, nested)?;
    }

    /// The same linked entities in the same order, and the same unlinked names too.
    #[test]
    fn decomposed_and_mixed_forms_find_the_mentions_of_the_composed_text(
        text in names_text(),
        flags in prop::collection::vec(any::<bool>(), 0..256),
        nested in any::<bool>(),
    ) {
        let composed = mentions(&text, nested);
        prop_assert_eq!(&mentions(&decompose(&text, std::iter::repeat(true)), nested), &composed, "NFD");
        prop_assert_eq!(&mentions(&decompose(&text, flags.into_iter()), nested), &composed, "mixed");
    }
}
