//! Property tests of the extraction engine on arbitrary Unicode: offsets in the three units
//! agree with each other and with the text, slicing gives the mention, mentions are ordered and
//! do not overlap, and nothing panics.

mod common;

use std::sync::OnceLock;

use actorgraph::extract::ExtractOptions;
use actorgraph::snapshot::Snapshot;
use proptest::prelude::*;

fn shipped() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| Snapshot::load(&common::shipped_data()).expect("the shipped model loads"))
}

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
        Just("Senator Chris Murphy".to_owned()),
        Just("U.S.-Libya".to_owned()),
        Just(" ".to_owned()),
        Just(".\n".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn offsets_agree_and_slice_the_mention(text in text(), nested in any::<bool>()) {
        let options = ExtractOptions { include_nested: nested, ..ExtractOptions::default() };
        let extraction = shipped().extractor.extract(&text, &options);
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
        }
        let top: Vec<_> = extraction.mentions.iter().filter(|m| !m.nested).collect();
        for pair in top.windows(2) {
            prop_assert!(pair[0].span.byte_end <= pair[1].span.byte_start, "ordered, no overlap: {:?}", pair);
        }
        for mention in extraction.mentions.iter().filter(|m| m.nested) {
            prop_assert!(top.iter().any(|outer| outer.span.byte_start <= mention.span.byte_start
                && mention.span.byte_end <= outer.span.byte_end));
        }
    }
}
