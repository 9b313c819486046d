//! Capitalised phrases: the scanner behind unknown-name detection and the out-of-scope rule.
//!
//! The text is cut into word tokens; runs of capitalised tokens (with lowercase connectors such
//! as "of" between them) form phrases; titles, function words and calendar words split phrases.
//! Each resulting segment is classified by its head noun. The engine combines these segments
//! with the model's name matches: a segment naming an event or treaty hides the names inside it,
//! a segment with an organisation head wins over a shorter name inside it ("European Union"),
//! and a segment no name covers becomes an unlinked mention when it is clearly a name.

use super::lexicon;
use crate::model::EntityType;
use crate::text::{base_before, find_byte, is_capital, is_combining_mark, is_letter, is_letter_or_digit, is_word_char};

/// A word of the text: letters and digits, with the dots of abbreviations ("U.S.") and the
/// apostrophes inside names ("O'Brien"), and the combining marks written on its letters
/// ("Tu\u{308}rkiye" is one word, as "Türkiye" is; see [`crate::text::is_combining_mark`]). A
/// mark is neither a letter nor a capital: it changes no count of the word's letters.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub capitalised: bool,
    pub all_capitals: bool,
    /// The word lists the word is in (see [`lexicon::classes`]), looked up once.
    pub classes: u32,
}

impl Token {
    /// Whether the word is in `list`.
    pub fn is(&self, list: &lexicon::WordList) -> bool {
        list.has(self.classes)
    }
}

/// The word tokens of a text that phrases can be made of: each run that starts at a capitalised
/// word and goes on through the capitalised words and connectors after it, plus the word that
/// ends the run. Lowercase prose between runs is skipped without being tokenised, which is most
/// of a text, so the cost is one byte scan plus work in proportion to the capitalised words.
pub fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    // About one capitalised word in 40 bytes of news.
    let mut tokens = Vec::with_capacity(text.len() / 40);
    let mut position = 0;
    while let Some(start) = next_capitalised_word(text, position) {
        let mut token = token_at(text, start);
        tokens.push(token);
        // Go on while the next word joins on a space or hyphen and may continue a name.
        while let Some(&separator) = bytes.get(token.end) {
            if separator != b' ' && separator != b'-' {
                break;
            }
            let next_start = token.end + 1;
            if !text[next_start..].chars().next().is_some_and(is_letter_or_digit) {
                break;
            }
            let next = token_at(text, next_start);
            if separator == b'-' && is_given_name_syllables(text, &token, &next) {
                // "Teng-hui", "Jong-un": one given name of two romanised syllables.
                token.end = next.end;
                token.classes = 0;
                if let Some(last) = tokens.last_mut() {
                    *last = token;
                }
                continue;
            }
            token = next;
            tokens.push(token);
            if !(token.capitalised || token.is(&lexicon::NAME_CONNECTORS)) {
                break;
            }
        }
        position = token.end;
    }
    tokens
}

/// Whether `first`, capitalised, and `second`, in lowercase after a hyphen, are the two
/// romanised syllables of one East Asian given name ("Teng-hui", "Jong-un", "Jae-in",
/// "Yat-sen"): each is an optional initial, one to three vowels and an optional final. English
/// compounds fail the test on one side or the other ("Saudi-led", "Soviet-era", "Iranian-run").
fn is_given_name_syllables(text: &str, first: &Token, second: &Token) -> bool {
    first.capitalised
        && !first.all_capitals
        && !second.capitalised
        && is_romanised_syllable(&text[first.start..first.end])
        && is_romanised_syllable(&text[second.start..second.end])
}

/// One syllable of Pinyin, Wade–Giles or Revised Romanisation shape, any case.
pub fn is_romanised_syllable(word: &str) -> bool {
    const INITIALS: [&str; 30] = [
        "zh", "ch", "sh", "ts", "hs", "ph", "th", "kh", "jj", "ss", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k",
        "h", "j", "q", "x", "r", "z", "c", "s", "y", "w",
    ];
    const FINALS: [&str; 8] = ["ng", "n", "m", "k", "p", "l", "r", "t"];
    if word.len() > 6 || !word.is_ascii() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    let rest = INITIALS
        .iter()
        .find_map(|initial| lower.strip_prefix(initial))
        .unwrap_or(&lower);
    let vowels = rest.bytes().take_while(|b| b"aeiou".contains(b)).count();
    let rest = &rest[vowels..];
    (1..=3).contains(&vowels) && (rest.is_empty() || FINALS.contains(&rest))
}

/// The start of the next word at or after `from` whose first letter is a capital.
fn next_capitalised_word(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut index = from;
    while index < bytes.len() {
        // ASCII capitals and the first bytes of multi-byte characters; the scan skips the rest,
        // most of a text being lowercase prose, a block at a time.
        let found = find_byte(bytes, index, |b| (b.wrapping_sub(b'A') < 26) | (b >= 0xC0));
        crate::work::step(found.unwrap_or(bytes.len()) - index + 1);
        index = found?;
        let byte = bytes[index];
        if byte.is_ascii() {
            if byte.is_ascii_uppercase() && is_word_start(text, index) {
                return Some(index);
            }
            index += 1;
        } else if byte >= 0xC0 {
            // The first byte of a multi-byte character: check the character itself.
            let c = text[index..].chars().next()?;
            if is_capital(c) && is_word_start(text, index) {
                return Some(index);
            }
            index += c.len_utf8();
        } else {
            index += 1;
        }
    }
    None
}

/// Whether no letter or digit comes before `index`, past the combining marks written on it.
fn is_word_start(text: &str, index: usize) -> bool {
    !base_before(text, index).is_some_and(is_letter_or_digit)
}

/// The token that starts at `start` (a letter or digit).
fn token_at(text: &str, start: usize) -> Token {
    let Some(first) = text[start..].chars().next() else {
        return Token {
            start,
            end: start,
            capitalised: false,
            all_capitals: false,
            classes: 0,
        };
    };
    let mut end = start + first.len_utf8();
    let mut letters = usize::from(is_letter(first));
    let mut uppercase = usize::from(is_capital(first));
    let mut previous = first;
    // Whether the token so far is single characters joined by dots ("U", "U.S"), kept as the
    // token grows so that a dotted run costs O(1) a character ("A.A.A.A…" included).
    let mut single_characters = true;
    // The ASCII letters and digits after the first character, most of a word, a byte at a time;
    // the rules below go on from the first other character.
    let ascii_run = text.as_bytes()[end..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .inspect(|b| {
            letters += usize::from(b.is_ascii_alphabetic());
            uppercase += usize::from(b.is_ascii_uppercase());
        })
        .count();
    if ascii_run > 0 {
        end += ascii_run;
        previous = char::from(text.as_bytes()[end - 1]);
        single_characters = false;
    }
    let rest_start = end;
    let mut chars = text[rest_start..]
        .char_indices()
        .map(|(offset, c)| (rest_start + offset, c))
        .peekable();
    while let Some(&(offset, next)) = chars.peek() {
        if is_combining_mark(next) {
            // Written on the character before it, which stays the one the rules look back at.
            end = offset + next.len_utf8();
            chars.next();
            continue;
        }
        if is_letter_or_digit(next) {
            letters += usize::from(is_letter(next));
            uppercase += usize::from(is_capital(next));
            single_characters &= previous == '.';
        } else if next == '.' && is_capital(previous) && single_characters {
            // Dotted abbreviations: "U.S.", "U.N."
        } else if (next == '\'' || next == '\u{2019}') && is_letter(previous) {
            // An apostrophe inside a name, but not a possessive "'s" at the end of a word.
            let after = &text[offset + next.len_utf8()..];
            let mut rest = after.chars();
            let following = rest.next();
            let possessive = matches!(following, Some('s' | 'S')) && !rest.next().is_some_and(is_word_char);
            if !following.is_some_and(is_letter) || possessive {
                break;
            }
            single_characters = false;
        } else {
            break;
        }
        end = offset + next.len_utf8();
        previous = next;
        chars.next();
    }
    crate::work::step(end - start);
    Token {
        start,
        end,
        capitalised: is_capital(first),
        all_capitals: letters >= 2 && uppercase == letters,
        classes: lexicon::classes_in(text, start, end),
    }
}

/// What a segment names, judged by its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentClass {
    /// An event, treaty, law, facility or dynasty: not an actor; hides names inside it.
    OutOfScope,
    /// An actor of this type by its head noun, or a person by a title before it.
    Actor(EntityType),
    /// A capitalised run with no signal of what it is.
    Unknown,
}

/// A run of capitalised tokens that may be a name.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Indexes into the token list, inclusive start, exclusive end.
    pub first: usize,
    pub end: usize,
    pub class: SegmentClass,
    /// A person title stood right before the segment.
    pub after_title: bool,
    /// The segment's first token opens a sentence or a headline.
    pub sentence_initial: bool,
    /// The class comes from an opening category noun with a connector ("Union for the
    /// Mediterranean", "Bureau of Near Eastern Affairs"): the whole phrase is one name, whatever
    /// its last word.
    pub opened_by_category: bool,
}

/// Finds the segments of a text. `is_sentence_start` tells whether a token at a byte offset
/// opens a sentence.
pub fn segments(text: &str, tokens: &[Token], is_sentence_start: impl Fn(usize) -> bool) -> Vec<Segment> {
    let mut segments = Vec::with_capacity(tokens.len() / 2);
    let mut index = 0;
    while index < tokens.len() {
        if !tokens[index].capitalised {
            index += 1;
            continue;
        }
        let last = extend_phrase(text, tokens, index);
        split_phrase(text, tokens, index, last + 1, &is_sentence_start, &mut segments);
        index = last + 1;
    }
    segments
}

fn word<'t>(text: &'t str, token: &Token) -> &'t str {
    &text[token.start..token.end]
}

/// The index of the last token of the phrase that starts at `first`.
fn extend_phrase(text: &str, tokens: &[Token], first: usize) -> usize {
    let mut last = first;
    let mut next = first + 1;
    while next < tokens.len() {
        crate::work::step(1);
        let separator = &text[tokens[next - 1].end..tokens[next].start];
        let joins = separator == " "
            || (separator == "-" && (tokens[next - 1].capitalised || tokens[next - 1].is(&lexicon::NAME_CONNECTORS)));
        if !joins {
            break;
        }
        if tokens[next].capitalised {
            last = next;
            next += 1;
            continue;
        }
        // Lowercase connectors may stand between two capitalised words only.
        let mut probe = next;
        while probe < tokens.len()
            && !tokens[probe].capitalised
            && tokens[probe].is(&lexicon::NAME_CONNECTORS)
            && matches!(&text[tokens[probe - 1].end..tokens[probe].start], " " | "-")
        {
            probe += 1;
        }
        if probe < tokens.len()
            && probe > next
            && tokens[probe].capitalised
            && matches!(&text[tokens[probe - 1].end..tokens[probe].start], " " | "-")
        {
            last = probe;
            next = probe + 1;
        } else {
            break;
        }
    }
    last
}

fn head_class(text: &str, head: &Token) -> Option<SegmentClass> {
    if head.is(&lexicon::OUT_OF_SCOPE_HEADS) {
        Some(SegmentClass::OutOfScope)
    } else if head.is(&lexicon::ORGANIZATION_HEADS) {
        Some(SegmentClass::Actor(EntityType::Organization))
    } else if head.is(&lexicon::REGION_HEADS) {
        Some(SegmentClass::Actor(EntityType::Region))
    } else if head.is(&lexicon::COUNTRY_HEADS) {
        Some(SegmentClass::Actor(EntityType::Country))
    } else if word(text, head) == "City" {
        Some(SegmentClass::Actor(EntityType::City))
    } else {
        None
    }
}

/// Splits a phrase at titles, function words and calendar words, and classifies the pieces.
fn split_phrase(
    text: &str,
    tokens: &[Token],
    first: usize,
    end: usize,
    is_sentence_start: &impl Fn(usize) -> bool,
    out: &mut Vec<Segment>,
) {
    // A phrase whose head is a category noun is one name, titles included ("General Assembly",
    // "Second Libyan Civil War").
    let leading = phrase_opening_class(text, tokens, first, end);
    // An opening noun with "of" decides over the last word: "Government of National Stability" is
    // an organisation, "Department of State" is not a region. Not when a title inside the
    // phrase introduces a name after it ("Republic of Korea National Security Advisor Shin
    // Wonsik", "Bank of England Governor Andrew Bailey"): that is a name, a title and a name.
    let head = head_class(text, &tokens[end - 1]);
    let titled_name_inside = head.is_none() && titled_name_after(tokens, first + 1, end);
    if let Some(class) = leading.filter(|_| !titled_name_inside).or(head) {
        let mut start = first;
        while start < end - 1 && is_stop(&tokens[start]) {
            start += 1;
        }
        // A title with "of" ("Secretary of State", "Minister of Defence") is a title and its
        // portfolio, not a name: the pieces are read as after any title.
        let titled = tokens[start].is(&lexicon::PERSON_TITLES)
            && tokens
                .get(start + 1)
                .is_some_and(|t| !t.capitalised && t.is(&lexicon::NAME_CONNECTORS));
        if end - start >= 2 && !titled {
            out.push(Segment {
                first: start,
                end,
                class,
                after_title: false,
                sentence_initial: is_sentence_start(tokens[start].start),
                opened_by_category: leading.is_some(),
            });
            return;
        }
    }
    crate::work::step(2 * (end - first));
    let mut piece_start = first;
    let mut after_title = false;
    for index in first..=end {
        let boundary = index == end || {
            let token = &tokens[index];
            token.capitalised && (token.is(&lexicon::PERSON_TITLES) || is_stop(token))
        };
        if !boundary {
            continue;
        }
        // Connectors never open or close a segment.
        let mut start = piece_start;
        let mut stop = index;
        // "Secretary of State Rex Tillerson", "Minister of Foreign Affairs Mevlut Cavusoglu": a
        // title with "of" takes its portfolio with it, and the name starts after it.
        let title_complement = after_title && start < stop && tokens[start].is(&lexicon::NAME_CONNECTORS);
        while start < stop && !tokens[start].capitalised {
            start += 1;
        }
        if title_complement {
            while start < stop && (tokens[start].is(&lexicon::PORTFOLIO_WORDS) || !tokens[start].capitalised) {
                start += 1;
            }
        }
        // The words before a title that belong to it: "Foreign Minister", "National Security
        // Advisor".
        if index < end && tokens[index].is(&lexicon::PERSON_TITLES) {
            while stop > start && tokens[stop - 1].capitalised && tokens[stop - 1].is(&lexicon::TITLE_MODIFIERS) {
                stop -= 1;
            }
        }
        while stop > start && !tokens[stop - 1].capitalised {
            stop -= 1;
        }
        if stop > start && after_title && title_complement {
            // "President of Azerbaijan Ilham Aliyev", "General Secretary of the Chinese Communist
            // Party Xi Jinping": the title's complement ends at its head noun, and the name after
            // it is the person.
            if let Some(head) = (start..stop - 1).rev().find(|&i| {
                head_class(text, &tokens[i]).is_some_and(|c| matches!(c, SegmentClass::Actor(_)))
                    && tokens[i + 1].capitalised
            }) {
                out.push(Segment {
                    first: start,
                    end: head + 1,
                    class: phrase_opening_class(text, tokens, start, head + 1)
                        .or_else(|| head_class(text, &tokens[head]))
                        .unwrap_or(SegmentClass::Unknown),
                    after_title: false,
                    sentence_initial: is_sentence_start(tokens[start].start),
                    opened_by_category: false,
                });
                start = head + 1;
            }
        }
        if stop > start {
            let opening = phrase_opening_class(text, tokens, start, stop);
            let class = if after_title {
                SegmentClass::Actor(EntityType::Person)
            } else {
                opening
                    .or_else(|| head_class(text, &tokens[stop - 1]))
                    .unwrap_or(SegmentClass::Unknown)
            };
            out.push(Segment {
                first: start,
                end: stop,
                class,
                after_title,
                sentence_initial: is_sentence_start(tokens[start].start),
                opened_by_category: !after_title && opening.is_some(),
            });
        }
        if index < end {
            after_title = tokens[index].is(&lexicon::PERSON_TITLES);
            piece_start = index + 1;
        }
    }
}

/// Whether a capitalised title stands in `tokens[from..end]` with a capitalised word after it
/// that is not a title itself: a name introduced by the title.
fn titled_name_after(tokens: &[Token], from: usize, end: usize) -> bool {
    (from..end.saturating_sub(1)).any(|i| {
        tokens[i].capitalised
            && tokens[i].is(&lexicon::PERSON_TITLES)
            && tokens[i + 1..end]
                .iter()
                .any(|t| t.capitalised && !t.is(&lexicon::PERSON_TITLES) && !t.is(&lexicon::TITLE_MODIFIERS))
    })
}

/// The class of a phrase that opens with a category noun and a connector: "Port of Misrata",
/// "Ministry of Defence", "Gulf of Sirte".
fn phrase_opening_class(text: &str, tokens: &[Token], first: usize, end: usize) -> Option<SegmentClass> {
    // The first capitalised word followed by a connector names the kind of thing: "Port of
    // Misrata", "U.S. Department of State", "Government of National Stability".
    (first..end.saturating_sub(2)).find_map(|index| {
        let word = &tokens[index];
        let next = &tokens[index + 1];
        if !word.capitalised || is_stop(word) || next.capitalised || !next.is(&lexicon::NAME_CONNECTORS) {
            return None;
        }
        if word.is(&lexicon::OUT_OF_SCOPE_HEADS) || word.is(&lexicon::OUT_OF_SCOPE_OPENERS) {
            Some(SegmentClass::OutOfScope)
        } else {
            head_class(text, word)
        }
    })
}

fn is_stop(token: &Token) -> bool {
    token.is(&lexicon::FUNCTION_WORDS) || token.is(&lexicon::CALENDAR_WORDS)
}

/// Whether a capitalised word looks like a demonym of a place the model does not know
/// ("Russian", "Sudanese").
pub fn looks_like_demonym(word: &str) -> bool {
    let lower = word.to_lowercase();
    let stem = lower.strip_suffix('s').unwrap_or(&lower);
    (stem.ends_with("ian") || stem.ends_with("ese") || stem.ends_with("ean"))
        && stem.chars().filter(|&c| !is_combining_mark(c)).count() >= 5
        && !lexicon::NOT_DEMONYMS.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment_texts(text: &str) -> Vec<(String, SegmentClass)> {
        let tokens = tokens(text);
        segments(text, &tokens, |_| false)
            .into_iter()
            .map(|s| (text[tokens[s.first].start..tokens[s.end - 1].end].to_owned(), s.class))
            .collect()
    }

    #[test]
    fn abbreviations_and_inner_apostrophes_stay_in_one_token() {
        let text = "U.S. officials met O'Brien's team";
        let words: Vec<&str> = tokens(text).iter().map(|t| &text[t.start..t.end]).collect();
        // Runs start at capitals and end at the first word that cannot continue a name.
        assert_eq!(words, vec!["U.S.", "officials", "O'Brien"]);
    }

    #[test]
    fn two_romanised_syllables_joined_by_a_hyphen_are_one_given_name() {
        let text = "Lee Teng-hui met Kim Jong-un and Sun Yat-sen after Saudi-led and Soviet-era talks";
        let words: Vec<&str> = tokens(text).iter().map(|t| &text[t.start..t.end]).collect();
        assert!(words.contains(&"Teng-hui") && words.contains(&"Jong-un") && words.contains(&"Yat-sen"));
        assert!(words.contains(&"Saudi") && words.contains(&"led"));
        assert!(words.contains(&"Soviet") && words.contains(&"era"));
        assert!(!is_romanised_syllable("Iranian") && !is_romanised_syllable("led"));
    }

    #[test]
    fn titles_split_phrases_and_mark_people() {
        let found = segment_texts("said Senator Chris Murphy today");
        assert_eq!(
            found,
            vec![("Chris Murphy".into(), SegmentClass::Actor(EntityType::Person))]
        );
    }

    #[test]
    fn category_heads_classify_whole_phrases() {
        let found = segment_texts("during the Second Libyan Civil War and the Syrian Observatory for Human Rights");
        assert_eq!(
            found,
            vec![
                ("Second Libyan Civil War".into(), SegmentClass::OutOfScope),
                (
                    "Syrian Observatory for Human Rights".into(),
                    SegmentClass::Actor(EntityType::Organization)
                ),
            ]
        );
    }
}
