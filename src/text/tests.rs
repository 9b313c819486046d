//! The text utilities' own tests.

use super::fold::fold_char;
use super::scan::SCAN_BLOCK;
use super::sentences::{is_abbreviation_before, ABBREVIATIONS, LONGEST_ABBREVIATION};
use super::span::count_characters;
use super::*;

#[test]
fn a_confidence_is_printed_as_written() {
    assert_eq!(serde_json::json!(shortest_decimal(0.843)).to_string(), "0.843");
    assert_eq!(serde_json::json!(shortest_decimal(0.98)).to_string(), "0.98");
    assert_eq!(serde_json::json!(shortest_decimal(1.0)).to_string(), "1.0");
}

#[test]
fn combining_marks_are_those_of_the_unicode_tables() {
    for c in (0..0x3_0000).filter_map(char::from_u32) {
        assert_eq!(
            is_combining_mark(c),
            unicode_normalization::char::is_combining_mark(c),
            "{c:?}"
        );
    }
}

#[test]
fn letters_and_digits_are_those_of_the_standard_library() {
    for c in (0..0x3_0000).filter_map(char::from_u32) {
        assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        assert_eq!(is_capital(c), c.is_uppercase(), "{c:?}");
        assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
    }
}

#[test]
fn the_block_scan_finds_the_first_wanted_byte_in_every_position() {
    // Around, inside and after a block, and in the remainder.
    for length in [0, 1, SCAN_BLOCK - 1, SCAN_BLOCK, SCAN_BLOCK + 1, 3 * SCAN_BLOCK + 5] {
        for at in 0..length {
            let mut bytes = vec![b'a'; length];
            bytes[at] = b'.';
            for from in 0..length {
                let expected = (from <= at).then_some(at);
                assert_eq!(find_byte(&bytes, from, |b| b == b'.'), expected, "{length} {at} {from}");
            }
        }
        assert_eq!(find_byte(&vec![b'a'; length], 0, |b| b == b'.'), None);
    }
    assert_eq!(find_byte(b"abc", 7, |b| b == b'a'), None);
}

#[test]
fn folding_removes_accents_and_keeps_case() {
    let folded = FoldedText::new("İbrahim Kalın’s Türkiye");
    assert_eq!(folded.folded, "Ibrahim Kalin's Turkiye");
}

#[test]
fn folded_offsets_map_back_to_the_original() {
    let text = "Kalın’s visit";
    let folded = FoldedText::new(text);
    let start = folded.folded.find("visit").unwrap();
    let original = folded.original_offset(start).unwrap();
    assert_eq!(&text[original..], "visit");
    assert_eq!(folded.original_offset(folded.folded.len()), Some(text.len()));
}

#[test]
fn offsets_inside_an_expanded_character_are_not_boundaries() {
    let folded = FoldedText::new("Straße");
    assert_eq!(folded.folded, "Strasse");
    assert_eq!(folded.original_offset(5), None);
}

#[test]
fn decomposed_accents_fold_like_precomposed_ones() {
    let precomposed = FoldedText::new("Türkiye İbrahim");
    let decomposed = FoldedText::new("Tu\u{308}rkiye I\u{307}brahim");
    assert_eq!(decomposed.folded, precomposed.folded);
    assert_eq!(decomposed.folded, "Turkiye Ibrahim");
}

#[test]
fn a_dropped_mark_belongs_to_the_letter_before_it() {
    let text = "Tu\u{308}\u{301}rkiye";
    let folded = FoldedText::new(text);
    assert_eq!(folded.folded, "Turkiye");
    // After "Tu": after its two marks (two bytes each), never between "u" and a mark.
    assert_eq!(folded.original_offset(2), Some(6));
    assert_eq!(folded.original_offset(1), Some(1));
    assert_eq!(&text[folded.original_offset(2).unwrap()..], "rkiye");
    // Marks at the end of the text, and after a folded letter.
    let text = "Kalı\u{307}n é\u{301}";
    let folded = FoldedText::new(text);
    assert_eq!(folded.folded, "Kalin e");
    assert_eq!(folded.original_offset(4), Some(text.find('n').unwrap()));
    assert_eq!(folded.original_offset(folded.folded.len()), Some(text.len()));
}

#[test]
fn marks_after_other_scripts_are_kept_as_the_letters_are() {
    let text = "и\u{306}а\u{301}";
    assert_eq!(FoldedText::new(text).folded, text);
}

#[test]
fn compatibility_forms_fold_to_the_ascii_they_stand_for() {
    let text = "ＴＵＲＫＩＹＥ　Ｇａｄｄａﬁ（０）";
    let folded = FoldedText::new(text);
    assert_eq!(folded.folded, "TURKIYE Gaddafi(0)");
    // Inside the ligature is no boundary; after it is.
    let ligature = "Gaddafi".len() + "TURKIYE ".len();
    assert_eq!(folded.original_offset(ligature - 1), None);
    assert_eq!(&text[folded.original_offset(ligature).unwrap()..], "（０）");
    assert_eq!(fold_char('！'), Some("!"));
    assert_eq!(fold_char('～'), Some("~"));
    assert_eq!(fold_char('\u{FF5F}'), None);
}

#[test]
fn combining_marks_are_found_in_every_block() {
    for mark in [
        '\u{300}',
        '\u{308}',
        '\u{36F}',
        '\u{64E}',
        '\u{94D}',
        '\u{20DD}',
        '\u{FE0F}',
        '\u{E0100}',
    ] {
        assert!(is_combining_mark(mark), "{mark:?}");
    }
    for other in ['a', 'ü', '\u{2FF}', '\u{370}', 'ı', '\u{200D}', '😀', 'Ｔ'] {
        assert!(!is_combining_mark(other), "{other:?}");
    }
}

#[test]
fn the_base_before_an_offset_skips_its_marks() {
    let text = "u\u{308}\u{301}x \u{301}y";
    assert_eq!(base_before(text, text.find('x').unwrap()), Some('u'));
    assert_eq!(base_before(text, text.find('y').unwrap()), Some(' '));
    assert_eq!(base_before("\u{301}y", 2), None);
    assert_eq!(base_before("y", 0), None);
}

#[test]
fn converter_counts_code_points_and_utf16_units() {
    let text = "a😀é b";
    let mut converter = OffsetConverter::new(text);
    let span = converter.span(text.find('b').unwrap(), text.len());
    assert_eq!((span.char_start, span.char_end), (4, 5));
    assert_eq!((span.utf16_start, span.utf16_end), (5, 6));
}

#[test]
fn characters_are_counted_across_blocks() {
    let text = "Türkiye’s 😀 drones, ".repeat(9);
    for end in (0..=text.len()).filter(|&end| text.is_char_boundary(end)) {
        let part = &text[..end];
        let astral = part.chars().filter(|c| c.len_utf16() == 2).count();
        assert_eq!(
            count_characters(part.as_bytes()),
            (part.chars().count(), astral),
            "{end}"
        );
    }
}

#[test]
fn converter_walks_back_for_an_earlier_offset() {
    let text = "Tü😀rkiye é";
    let mut forward = OffsetConverter::new(text);
    let end = forward.at(text.len());
    let earlier = forward.at(text.find('r').unwrap());
    let mut fresh = OffsetConverter::new(text);
    assert_eq!(earlier, fresh.at(text.find('r').unwrap()));
    assert_eq!(earlier, (3, 4));
    assert_eq!(end, (10, 11));
}

#[test]
fn abbreviations_are_found_in_any_case_and_nothing_else_is() {
    for word in ABBREVIATIONS {
        for written in [
            word.to_string(),
            word.to_uppercase(),
            format!("{}{}", &word[..1].to_uppercase(), &word[1..]),
        ] {
            let text = format!("the {written}. Smith");
            assert!(is_abbreviation_before(&text, 4 + written.len()), "{written}");
        }
    }
    for word in ["Libya", "gens", "ge", "Tripoli", "Ünal"] {
        let text = format!("in {word}. Then");
        assert!(!is_abbreviation_before(&text, 3 + word.len()), "{word}");
    }
}

#[test]
fn no_abbreviation_is_longer_than_the_scan_back() {
    assert!(ABBREVIATIONS.iter().all(|a| a.chars().count() <= LONGEST_ABBREVIATION));
    assert!(is_abbreviation_before("met approx.", 10));
    assert!(is_abbreviation_before("the U.S.", 7));
    assert!(!is_abbreviation_before("the USA.", 7));
    assert!(!is_abbreviation_before("reproach.", 8));
    // An initial with an accent, precomposed or not.
    assert!(is_abbreviation_before("by É.", 5));
    assert!(is_abbreviation_before("by E\u{301}.", 6));
    // The scan back stays short: a letter under thirty marks is not an initial.
    let buried = format!("by E{}.", "\u{301}".repeat(30));
    assert!(!is_abbreviation_before(&buried, buried.len() - 1));
}

#[test]
fn sentences_split_on_periods_but_not_abbreviations() {
    let text = "Gen. Haftar met U.S. officials. They left.\nREAD: next";
    let starts = sentence_starts(text);
    let sentences: Vec<&str> = starts
        .iter()
        .zip(starts.iter().skip(1).chain(std::iter::once(&text.len())))
        .map(|(&a, &b)| text[a..b].trim())
        .collect();
    assert_eq!(
        sentences,
        vec!["Gen. Haftar met U.S. officials.", "They left.", "READ: next"]
    );
}
