//! Word lists the extraction rules consult: titles, function words, category head nouns and
//! place prepositions. Kept in one place so the rules read as rules, and so a reviewer can see
//! every word that steers a decision.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Titles and roles before a person's name ("General Khalifa Haftar"). They are never part of
/// the name, and a name after one is a person.
pub static PERSON_TITLES: WordList = WordList::new(
    1 << 0,
    &[
        "general",
        "gen",
        "president",
        "minister",
        "senator",
        "sen",
        "king",
        "queen",
        "prince",
        "princess",
        "sheikh",
        "sultan",
        "emir",
        "mr",
        "mrs",
        "ms",
        "dr",
        "marshal",
        "colonel",
        "col",
        "lieutenant",
        "lt",
        "commander",
        "chief",
        "ambassador",
        "secretary",
        "secretary-general",
        "pope",
        "speaker",
        "governor",
        "mayor",
        "rep",
        "representative",
        "chancellor",
        "premier",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "captain",
        "capt",
        "major",
        "maj",
        "admiral",
        "adm",
        "brigadier",
        "sergeant",
        "judge",
        "justice",
        "imam",
        "ayatollah",
        "crown",
        "deputy",
        "assistant",
        "vice",
        "acting",
        "undersecretary",
        "under-secretary",
        "advisor",
        "adviser",
        "director",
        "chairman",
        "chairwoman",
        "chairperson",
        "commissioner",
        "coordinator",
        "negotiator",
        "consul",
        "leader",
        "patriarch",
        "archbishop",
        "bishop",
        "cardinal",
        "shah",
        "tsar",
        "czar",
        "president-elect",
        // Plural titles: never a name, and no name of their own ("The National Security
        // Advisors met").
        "presidents",
        "ministers",
        "generals",
        "senators",
        "ambassadors",
        "envoys",
        "secretaries",
        "advisors",
        "advisers",
        "commanders",
        "chiefs",
        "leaders",
        "governors",
        "directors",
        "spokesmen",
        "spokespeople",
        "kings",
        "princes",
    ],
);

/// Capitalised words right before a title that belong to it ("Foreign Minister", "National
/// Security Advisor", "Supreme Leader", "Prime Minister"): never the end of a name before it.
pub static TITLE_MODIFIERS: WordList = WordList::new(
    1 << 16,
    &[
        "prime",
        "foreign",
        "defence",
        "defense",
        "interior",
        "finance",
        "security",
        "national",
        "homeland",
        "intelligence",
        "supreme",
        "grand",
        "high",
        "special",
        "executive",
        "attorney",
        "inspector",
        "opposition",
        "majority",
        "minority",
        "former",
        "late",
        "first",
        "trade",
        "justice",
        "energy",
        "health",
        "economy",
        "economic",
        "external",
        "home",
        "press",
        "military",
        "top",
        "senior",
    ],
);

/// The portfolios of titles with "of" ("Secretary of State", "Minister of Foreign Affairs"):
/// after such a title they belong to it, not to the name that follows.
pub static PORTFOLIO_WORDS: WordList = WordList::new(
    1 << 12,
    &[
        "state",
        "defense",
        "defence",
        "foreign",
        "affairs",
        "interior",
        "justice",
        "treasury",
        "finance",
        "energy",
        "health",
        "education",
        "commerce",
        "trade",
        "agriculture",
        "labor",
        "labour",
        "transport",
        "transportation",
        "homeland",
        "security",
        "economy",
        "culture",
        "tourism",
        "the",
        "and",
        "national",
        "public",
        "home",
        "war",
        "internal",
        "external",
        "information",
        "communications",
        "environment",
        "development",
        "industry",
    ],
);

/// Nouns for a ruler's government or time ("the Assad regime", "the Nasser era", "the Trump
/// Administration"): the one capitalised word before them is a person's name.
pub static RULER_NOUNS: WordList = WordList::new(
    1 << 13,
    &[
        "regime",
        "era",
        "administration",
        "presidency",
        "government",
        "dynasty",
        "junta",
        "reign",
    ],
);

/// Capitalised words that open sentences or headlines but are not names.
pub static FUNCTION_WORDS: WordList = WordList::new(
    1 << 1,
    &[
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "to",
        "of",
        "with",
        "without",
        "as",
        "and",
        "or",
        "but",
        "if",
        "when",
        "while",
        "after",
        "before",
        "since",
        "during",
        "however",
        "meanwhile",
        "moreover",
        "although",
        "though",
        "yet",
        "so",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "there",
        "here",
        "what",
        "who",
        "whom",
        "which",
        "why",
        "how",
        "where",
        "one",
        "two",
        "three",
        "all",
        "both",
        "some",
        "many",
        "most",
        "several",
        "other",
        "such",
        "no",
        "not",
        "also",
        "according",
        "despite",
        "amid",
        "among",
        "under",
        "over",
        "between",
        "into",
        "about",
        "against",
        "with",
        "last",
        "next",
        "new",
        "read",
        "watch",
        "update",
        "updated",
        "breaking",
        "exclusive",
        "photo",
        "video",
        "opinion",
        "analysis",
        "live",
        "editor",
        "note",
        "terrorist",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "be",
        "been",
        "as",
        "like",
        "unlike",
        "just",
        "only",
        "even",
        "still",
        "then",
        "now",
        "today",
        "yesterday",
        "tomorrow",
        "mou",
        "ceo",
        "gdp",
        "ok",
        "tv",
        "am",
        "pm",
        "ad",
        "bc",
    ],
);

/// Month and weekday names: capitalised, never actors.
pub static CALENDAR_WORDS: WordList = WordList::new(
    1 << 2,
    &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "ramadan",
        "eid",
    ],
);

/// Lowercase words that may stand inside a multi-word name ("Government of National Unity").
pub static NAME_CONNECTORS: WordList = WordList::new(
    1 << 3,
    &[
        "of", "for", "the", "de", "del", "la", "le", "du", "al", "el", "bin", "ibn", "bint", "von", "van", "der", "on",
    ],
);

/// Particles inside personal names ("Fayez al-Sarraj", "Mohammed bin Salman").
pub static NAME_PARTICLES: WordList = WordList::new(
    1 << 11,
    &[
        "al", "el", "bin", "ibn", "bint", "abu", "van", "von", "der", "de", "du", "da",
    ],
);

/// Head nouns of names that are not actors (GOLD rule 3: events, treaties, laws, facilities,
/// dynasties). A name with one is skipped whole, and nothing inside it is marked.
pub static OUT_OF_SCOPE_HEADS: WordList = WordList::new(
    1 << 4,
    &[
        "war",
        "wars",
        "agreement",
        "agreements",
        "accord",
        "accords",
        "treaty",
        "convention",
        "protocol",
        "act",
        "law",
        "charter",
        "declaration",
        "resolution",
        "base",
        "airbase",
        "port",
        "airport",
        "dynasty",
        "revolution",
        "conference",
        "summit",
        "games",
        "cup",
        "prize",
        "award",
        "street",
        "square",
        "road",
        "bridge",
        "hotel",
        "stadium",
        "palace",
        "mosque",
        "church",
        "oilfield",
        "pipeline",
        "dam",
        "reactor",
        "refinery",
        "operation",
        "plan",
        "initiative",
        "process",
        "doctrine",
        "day",
        "crisis",
        "uprising",
        "spring",
        "memorandum",
        "strategy",
        "program",
        "programme",
        "project",
    ],
);

/// Head nouns of organisation names ("Defence Ministry", "Presidential Council").
pub static ORGANIZATION_HEADS: WordList = WordList::new(
    1 << 5,
    &[
        "army",
        "ministry",
        "council",
        "organisation",
        "organization",
        "party",
        "forces",
        "force",
        "front",
        "brigade",
        "brigades",
        "movement",
        "agency",
        "committee",
        "commission",
        "union",
        "bank",
        "company",
        "corporation",
        "association",
        "office",
        "department",
        "parliament",
        "assembly",
        "house",
        "senate",
        "congress",
        "court",
        "government",
        "authority",
        "institute",
        "university",
        "group",
        "coalition",
        "alliance",
        "network",
        "service",
        "services",
        "guard",
        "police",
        "mission",
        "observatory",
        "fund",
        "federation",
        "league",
        "corps",
        "cabinet",
        "presidency",
        "navy",
        "directorate",
        "foundation",
        "center",
        "centre",
        "board",
        "command",
        "battalion",
        "militia",
        "administration",
        "airlines",
        "press",
        "news",
        "times",
        "post",
        "television",
        "secretariat",
        "nations",
        "organisations",
        "organizations",
        "institution",
    ],
);

/// Head nouns of region names ("Red Sea", "Horn of Africa").
pub static REGION_HEADS: WordList = WordList::new(
    1 << 6,
    &[
        "sea",
        "ocean",
        "gulf",
        "region",
        "peninsula",
        "desert",
        "valley",
        "mountains",
        "basin",
        "coast",
        "strait",
        "straits",
        "island",
        "islands",
        "bay",
        "river",
        "delta",
        "plateau",
        "horn",
        "province",
        "shoal",
        "shoals",
        "reef",
        "reefs",
        "atoll",
        "archipelago",
        "corridor",
        "canal",
        "pass",
        "isthmus",
        "state",
        "county",
        "district",
        "governorate",
    ],
);

/// Head nouns of country names ("Czech Republic", "United Kingdom").
pub static COUNTRY_HEADS: WordList = WordList::new(1 << 7, &["republic", "kingdom", "states", "emirate", "emirates"]);

/// Words before a city that make it a place, not its government (GOLD rule 12):
/// "the government in Tripoli", "embassy in Ankara", "visited Ankara".
pub static PLACE_WORDS_BEFORE: WordList = WordList::new(
    1 << 8,
    &[
        "in",
        "at",
        "from",
        "to",
        "into",
        "near",
        "outside",
        "inside",
        "via",
        "toward",
        "towards",
        "around",
        "across",
        "through",
        "of",
        "over",
        "visited",
        "visit",
        "visiting",
        "visits",
        "reached",
        "entered",
        "left",
        "leaving",
        "leave",
        "arrived",
        "arriving",
        "outskirts",
        "within",
    ],
);

/// Capitalised words ending like demonyms ("-ian", "-ese") that are not demonyms.
pub static NOT_DEMONYMS: WordList = WordList::new(
    1 << 9,
    &[
        "christian",
        "christians",
        "brian",
        "julian",
        "adrian",
        "ian",
        "sebastian",
        "damian",
        "vivian",
        "marian",
        "fabian",
        "librarian",
        "civilian",
        "civilians",
        "barbarian",
        "vegetarian",
        "parliamentarian",
        "these",
        "those",
        "guardian",
        "median",
        "lilian",
        "gillian",
        "dorian",
        "cassian",
        "keynesian",
        "hessian",
    ],
);

/// Words that open out-of-scope names with "of": "Battle of Tripoli", "Siege of Misrata".
pub static OUT_OF_SCOPE_OPENERS: WordList =
    WordList::new(1 << 10, &["battle", "siege", "massacre", "fall", "treaty", "port"]);

/// Capitalised words before a ruler noun that name a period or a kind of rule, not a person:
/// "the Ottoman era", "the Soviet regime", "the Baath regime".
pub static NOT_RULER_NAMES: WordList = WordList::new(
    1 << 14,
    &[
        "ottoman",
        "soviet",
        "byzantine",
        "roman",
        "mughal",
        "tsarist",
        "czarist",
        "victorian",
        "meiji",
        "qing",
        "ming",
        "mamluk",
        "abbasid",
        "umayyad",
        "fatimid",
        "safavid",
        "baath",
        "ba'ath",
        "nazi",
        "fascist",
        "taliban",
        "junta",
        "military",
        "interim",
        "transitional",
        "unity",
        "coalition",
        "federal",
        "state",
        "city",
        "local",
        "provisional",
        "labour",
        "labor",
        "tory",
        "green",
        "republican",
        "workers",
        "people",
        "peoples",
        "popular",
        "revolutionary",
        "caretaker",
        "puppet",
        "colonial",
        "mandate",
        "cold",
        "post-war",
        "postwar",
        "new",
        "old",
    ],
);

/// The words of [`NOT_GIVEN_NAMES`], the [`DIRECTIONS`] first.
static NOT_GIVEN_NAME_WORDS: [&str; 61] = [
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
    "greater",
    "ancient",
    "modern",
    "imperial",
    "mainland",
    "free",
    "red",
    "saint",
    "san",
    "santa",
    "port",
    "lake",
    "mount",
    "cape",
    "fort",
    "upstate",
    "downtown",
    "rural",
    "occupied",
    "independent",
    "arab",
    "greek",
    "turkish",
    "global",
    "pre-war",
    "postwar",
    "post-war",
    "today",
    "tomorrow",
    "yesterday",
    "all",
    "only",
    "even",
    "both",
    "whole",
    "entire",
    "little",
    "big",
    "great",
    "united",
    "neighbouring",
    "neighboring",
];

/// Words of direction and position that qualify a place ("Eastern Mediterranean", "northern
/// Syria", "Upper Egypt"): not given names before a place's name, words the name matcher lets
/// open a name in lowercase, and in a search query a question about part of a place.
pub(crate) const DIRECTIONS: &[&str] = NOT_GIVEN_NAME_WORDS.split_at(19).0;

/// Capitalised words before a place's name that are not given names: the [`DIRECTIONS`],
/// periods and kinds of state ("Northern Cyprus", "Ancient Egypt", "Mainland China", "Free
/// France").
pub static NOT_GIVEN_NAMES: WordList = WordList::new(1 << 15, &NOT_GIVEN_NAME_WORDS);

/// Prepositions after which a single unknown name-shaped word is a place ("near Tarhuna"). Not
/// "from" or "to", which as often come before people and organisations ("a call from Reuters").
pub static PLACE_PREPOSITIONS: [&str; 4] = ["in", "near", "outside", "around"];

/// A lowercase word list: one bit of a word's [`classes`].
pub struct WordList {
    class: u32,
    words: &'static [&'static str],
}

impl WordList {
    pub const fn new(class: u32, words: &'static [&'static str]) -> WordList {
        WordList { class, words }
    }

    /// Whether `word` (any case, a trailing period ignored) is in the list.
    pub fn contains(&self, word: &str) -> bool {
        classes(word) & self.class != 0
    }

    /// Whether a word with these [`classes`] is in the list.
    pub fn has(&self, classes: u32) -> bool {
        classes & self.class != 0
    }
}

/// Every list, for the combined index.
static ALL_LISTS: [&WordList; 17] = [
    &PERSON_TITLES,
    &FUNCTION_WORDS,
    &CALENDAR_WORDS,
    &NAME_CONNECTORS,
    &OUT_OF_SCOPE_HEADS,
    &ORGANIZATION_HEADS,
    &REGION_HEADS,
    &COUNTRY_HEADS,
    &PLACE_WORDS_BEFORE,
    &NOT_DEMONYMS,
    &OUT_OF_SCOPE_OPENERS,
    &NAME_PARTICLES,
    &PORTFOLIO_WORDS,
    &RULER_NOUNS,
    &NOT_RULER_NAMES,
    &NOT_GIVEN_NAMES,
    &TITLE_MODIFIERS,
];

/// The lists' words, by [`short_key`] when they have one.
#[derive(Default)]
struct ClassIndex {
    short: FxHashMap<u128, u32>,
    long: FxHashMap<&'static [u8], u32>,
    longest: usize,
}

/// The lists `word` (any case, a trailing period ignored) belongs to, as bits.
///
/// One hash lookup answers for every list, and it never allocates for ASCII words: the rules
/// ask about most capitalised words of a text, so tokens keep the answer.
pub fn classes(word: &str) -> u32 {
    let index = class_index();
    let word = word.strip_suffix('.').unwrap_or(word);
    let lookup = |lower: &[u8]| match short_key(lower.iter().copied()) {
        Some(key) => index.short.get(&key).copied().unwrap_or(0),
        None => index.long.get(lower).copied().unwrap_or(0),
    };
    if word.is_ascii() {
        if word.len() > index.longest {
            return 0;
        }
        // Lowercased on the way into the key: no copy for the usual short word.
        if let Some(key) = short_key(word.bytes().map(|b| b.to_ascii_lowercase())) {
            return index.short.get(&key).copied().unwrap_or(0);
        }
        let mut buffer = [0u8; 64];
        let Some(lower) = buffer.get_mut(..word.len()) else {
            return 0;
        };
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        return lookup(lower);
    }
    if word.len() > index.longest * 2 {
        return 0;
    }
    lookup(word.to_lowercase().as_bytes())
}

/// [`classes`] of the word `text[start..end]`, faster for the usual short ASCII word when at
/// least 16 bytes of text follow its start: its bytes are read as one number, lowercased all at
/// once, and looked up as the key [`short_key`] would build.
pub fn classes_in(text: &str, start: usize, end: usize) -> u32 {
    const HIGH_BITS: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
    let bytes = text.as_bytes();
    let length = end - start - usize::from(end > start && bytes.get(end - 1) == Some(&b'.'));
    let window = bytes
        .get(start..start + 16)
        .and_then(|window| <[u8; 16]>::try_from(window).ok());
    let (Some(window), true) = (window, length < 16) else {
        return text.get(start..end).map_or(0, classes);
    };
    let word = u128::from_le_bytes(window) & ((1u128 << (8 * length)) - 1);
    if word & HIGH_BITS != 0 {
        return text.get(start..end).map_or(0, classes);
    }
    // Each byte is below 0x80, so adding to it never carries into the next: bit 7 of a byte of
    // `word + 0x3F…` is set from 'A' up, of `word + 0x25…` from past 'Z' up.
    let at_least_a = (word + 0x3F * ONES) & HIGH_BITS;
    let past_z = (word + 0x25 * ONES) & HIGH_BITS;
    let lower = word | ((at_least_a & !past_z) >> 2);
    let key = lower | (length as u128) << 120;
    class_index().short.get(&key).copied().unwrap_or(0)
}

/// The lists' words, indexed once.
fn class_index() -> &'static ClassIndex {
    static INDEX: OnceLock<ClassIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = ClassIndex::default();
        for list in ALL_LISTS {
            for word in list.words {
                let bytes = word.as_bytes();
                let entry = match short_key(bytes.iter().copied()) {
                    Some(key) => index.short.entry(key).or_insert(0),
                    None => index.long.entry(bytes).or_insert(0),
                };
                *entry |= list.class;
                index.longest = index.longest.max(bytes.len());
            }
        }
        index
    })
}

/// A word of at most 15 bytes as one number (its bytes, and its length in the top byte): most
/// words are that short, and a number hashes and compares in one step where a string takes a
/// loop.
fn short_key(word: impl ExactSizeIterator<Item = u8>) -> Option<u128> {
    let length = word.len();
    if length >= 16 {
        return None;
    }
    let bytes = word
        .enumerate()
        .fold(0u128, |key, (index, byte)| key | u128::from(byte) << (8 * index));
    Some(bytes | (length as u128) << 120)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directions_are_the_first_words_of_the_not_given_names() {
        assert_eq!(DIRECTIONS.first(), Some(&"north"));
        assert_eq!(DIRECTIONS.last(), Some(&"lower"));
        assert!(DIRECTIONS.iter().all(|word| NOT_GIVEN_NAMES.contains(word)));
        assert!(!DIRECTIONS.contains(&"greater"));
    }

    #[test]
    fn classes_in_a_text_are_the_classes_of_the_word() {
        let mut words: Vec<String> = ALL_LISTS
            .iter()
            .flat_map(|list| list.words.iter())
            .map(|w| w.to_string())
            .collect();
        words.extend(
            [
                "Libya",
                "U.S.",
                "Minister.",
                "",
                ".",
                "Türkiye",
                "Şehir",
                "internationalisation",
            ]
            .map(String::from),
        );
        for word in words {
            for written in [word.clone(), word.to_uppercase(), format!("{word}.")] {
                // With a long text after the word, and with the word at the very end.
                for text in [format!("{written} and the rest of the sentence"), written.clone()] {
                    assert_eq!(
                        classes_in(&text, 0, written.len()),
                        classes(&written),
                        "{written:?} in {text:?}"
                    );
                }
            }
        }
        // Letters either side of 'A' to 'Z' are not folded.
        let text = "@[`{ and more text after";
        assert_eq!(classes_in(text, 0, 4), classes("@[`{"));
    }
}
