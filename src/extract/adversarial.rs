//! Input shapes known to stress an extraction engine, shared by the engine's linearity test and
//! the adversarial benchmark (`cargo bench --bench extraction -- adversarial`). Each once made a
//! stage quadratic here, or is a close kin of one that did.

/// Named units that are repeated to make an adversarial text (see [`repeated`]).
pub const SHAPES: &[(&str, &str)] = &[
    ("one-name", "Egypt "),
    ("alternating-names", "Egypt Libya Turkiye Haftar Tripoli "),
    ("capitalised-unknown-words", "Xyz Qwe "),
    ("initials-without-spaces", "A."),
    ("initials-with-spaces", "A. "),
    (
        "one-long-sentence",
        "the Egypt and Tripoli met Ankara near the Libyan coast, ",
    ),
    ("no-spaces", "EgyptLibyaTurkiye"),
    ("only-punctuation", ".,;:!?-'\"()"),
    ("cities", "Tripoli "),
    ("possessives", "Russia's "),
    ("accented-names", "Türkiye İbrahim Kalın "),
    ("decomposed-accents", "Tu\u{308}rkiye I\u{307}brahim Kalın "),
    ("one-run-of-combining-marks", "\u{301}"),
    (
        "marks-on-every-letter",
        "E\u{301}g\u{301}y\u{301}p\u{301}t\u{301}\u{323} ",
    ),
    (
        "marks-after-spaces-and-periods",
        " \u{301}\u{302}Egypt A\u{301}\u{302}. ",
    ),
    ("full-width-and-ligatures", "Ｔｕｒｋｉｙｅ ＵＮ Gaddaﬁ "),
    ("hyphenated-names", "Egypt-"),
    ("connectors", "Port of "),
    ("titles-before-unknown-names", "Gen. Xyz "),
    ("lines-of-capitals", "A\n"),
];

/// `unit` repeated to at least `bytes` bytes.
pub fn repeated(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}
