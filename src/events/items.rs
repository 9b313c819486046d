//! A sentence as the event patterns read it: a row of items (words, punctuation and actor
//! mentions), and the closed word lists of English grammar that the patterns consult.

use std::borrow::Cow;

use crate::extract::{Mention, PERSON_TITLES, PORTFOLIO_WORDS};
use crate::model::{EntityIndex, EntityType};

/// One item of a sentence.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub kind: ItemKind<'a>,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum ItemKind<'a> {
    /// A word, lower-cased; `capital` when it starts with a capital letter.
    Word {
        lower: Cow<'a, str>,
        capital: bool,
    },
    Punct(char),
    /// A mention (index into the extraction's mentions). `actor`: it can be the source or target
    /// of an event (see [`actor_mask`]). `modifier`: it only modifies the noun after it
    /// ("Tripoli-based", "GNA-held").
    Mention {
        index: usize,
        actor: bool,
        modifier: bool,
    },
}

impl Item<'_> {
    pub fn word(&self) -> Option<&str> {
        match &self.kind {
            ItemKind::Word { lower, .. } => Some(lower),
            _ => None,
        }
    }

    pub fn is_word(&self, word: &str) -> bool {
        self.word() == Some(word)
    }

    pub fn is_word_in(&self, words: &[&str]) -> bool {
        self.word().is_some_and(|w| words.contains(&w))
    }

    pub fn punct(&self) -> Option<char> {
        match self.kind {
            ItemKind::Punct(c) => Some(c),
            _ => None,
        }
    }

    /// The mention, when the item is an actor that is not a mere modifier.
    pub fn actor(&self) -> Option<usize> {
        match self.kind {
            ItemKind::Mention {
                index,
                actor: true,
                modifier: false,
            } => Some(index),
            _ => None,
        }
    }

    pub fn is_mention(&self) -> bool {
        matches!(self.kind, ItemKind::Mention { .. })
    }
}

pub(crate) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2013}')
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

/// Splits `text[start..end]` into items; `mentions` are the extraction's top-level mentions of
/// this sentence, in text order, as (index, mention).
pub(crate) fn items<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    mentions: &[(usize, &Mention)],
    actor: &[bool],
    items: &mut Vec<Item<'a>>,
) {
    items.clear();
    let mut next_mention = 0;
    let mut position = start;
    let bytes_end = end.min(text.len());
    while position < bytes_end {
        if let Some(&(index, mention)) = mentions.get(next_mention) {
            if mention.span.byte_start <= position {
                if mention.span.byte_end > position {
                    items.push(Item {
                        kind: ItemKind::Mention {
                            index,
                            actor: actor.get(index).copied().unwrap_or(false),
                            modifier: false,
                        },
                        start: mention.span.byte_start,
                        end: mention.span.byte_end,
                    });
                    position = mention.span.byte_end;
                }
                next_mention += 1;
                continue;
            }
        }
        let limit = mentions
            .get(next_mention)
            .map_or(bytes_end, |(_, m)| m.span.byte_start.min(bytes_end));
        let Some(c) = text.get(position..limit).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if crate::text::is_letter_or_digit(c) {
            // ASCII letters and digits a byte at a time, then the characters after them.
            let ascii_end = position
                + text.as_bytes()[position..limit]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
            let word_end = text[ascii_end..limit]
                .char_indices()
                .find(|&(_, c)| !crate::text::is_word_char(c))
                .map_or(limit, |(i, _)| ascii_end + i);
            let word = &text[position..word_end];
            items.push(Item {
                kind: ItemKind::Word {
                    // Borrowed when already lower-case ASCII, as most words are.
                    lower: if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                        Cow::Borrowed(word)
                    } else if word.is_ascii() {
                        Cow::Owned(word.to_ascii_lowercase())
                    } else {
                        Cow::Owned(crate::text::fold_for_compare(word).to_lowercase())
                    },
                    capital: c.is_uppercase(),
                },
                start: position,
                end: word_end,
            });
            position = word_end;
        } else {
            if !c.is_whitespace() {
                items.push(Item {
                    kind: ItemKind::Punct(c),
                    start: position,
                    end: position + c.len_utf8(),
                });
            }
            position += c.len_utf8();
        }
    }
    mark_modifiers(items);
}

/// A mention followed by a hyphen and a lower-case word ("Tripoli-based", "GNA-held",
/// "UN-backed") modifies the noun after it: it is not that clause's subject or object.
fn mark_modifiers(items: &mut [Item]) {
    for i in 0..items.len() {
        let hyphen = items.get(i + 1).and_then(Item::punct).is_some_and(is_hyphen);
        let lower_word = matches!(
            items.get(i + 2).map(|x| &x.kind),
            Some(ItemKind::Word { capital: false, .. })
        );
        let adjacent = items.get(i + 1).is_some_and(|h| h.start == items[i].end)
            && items
                .get(i + 2)
                .is_some_and(|w| items.get(i + 1).is_some_and(|h| w.start == h.end));
        if hyphen && lower_word && adjacent {
            if let ItemKind::Mention { modifier, .. } = &mut items[i].kind {
                *modifier = true;
            }
        }
    }
}

/// Which mentions can be actors of an event: people, organisations, countries and cities (and
/// the governments that metonyms stand for), and unknown names not guessed to be regions. A
/// region names a place, not an actor. A name right before a title and a person's name
/// ("Turkish President Recep Tayyip Erdogan", "U.S. Secretary of State Rex Tillerson") is not an
/// actor of its own: the person is.
pub(crate) fn actor_mask(
    text: &str,
    mentions: &[Mention],
    type_of: &dyn Fn(EntityIndex) -> Option<EntityType>,
) -> Vec<bool> {
    let mut mask: Vec<bool> = mentions
        .iter()
        .map(|m| {
            if m.nested {
                return false;
            }
            let entity_type = match m.metonym_for.or(m.entity) {
                Some(entity) => type_of(entity),
                None => m.entity_type,
            };
            !matches!(entity_type, Some(EntityType::Region))
        })
        .collect();
    for (i, m) in mentions.iter().enumerate() {
        let own_type = match m.entity {
            Some(entity) => type_of(entity),
            None => m.entity_type,
        };
        if own_type == Some(EntityType::Person) || m.nested {
            continue;
        }
        let Some((j, next)) = mentions.iter().enumerate().skip(i + 1).find(|(_, n)| !n.nested) else {
            continue;
        };
        let person = match next.entity {
            Some(entity) => type_of(entity) == Some(EntityType::Person),
            None => next.entity_type == Some(EntityType::Person),
        };
        let between = text.get(m.span.byte_end..next.span.byte_start).unwrap_or("");
        if !person || between.len() > 80 {
            continue;
        }
        let mut words = 0;
        // Only titles between them: capitalised words, title and portfolio words.
        let plain = between
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .inspect(|_| words += 1)
            .all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    || PERSON_TITLES.contains(w)
                    || PORTFOLIO_WORDS.contains(w)
                    || ["of", "the", "prime", "deputy", "foreign", "former", "then"].contains(&w)
            });
        if plain && (1..=4).contains(&words) && j > i {
            mask[i] = false;
        }
        // "the President of Azerbaijan Ilham Aliyev": the title's country, right before the
        // person, is the title's, not an actor of its own.
        if words == 0 && j > i && after_title_of(text, m.span.byte_start) {
            mask[i] = false;
        }
    }
    mask
}

/// Whether the text before `start` ends with a title and "of" ("President of", "Prime
/// Minister of the").
fn after_title_of(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut words = text.get(from..start).unwrap_or("").split_whitespace().rev();
    let mut word = words.next();
    if word.is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        word = words.next();
    }
    word == Some("of")
        && words.next().is_some_and(|w| {
            w.starts_with(char::is_uppercase) && (PERSON_TITLES.contains(w) || PORTFOLIO_WORDS.contains(w))
        })
}

/// Words that start a noun phrase.
pub(crate) const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my", "your", "both",
    "all", "some", "any", "each", "every", "several", "no",
];

pub(crate) const POSSESSIVE_PRONOUNS: &[&str] = &["his", "her", "its", "their", "our", "my", "your"];

/// Pronouns that stand as a subject: an act whose subject is a pronoun has no named source.
pub(crate) const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "it", "they", "we", "i", "you"];

/// Prepositions: a name after one is not the subject of the clause.
pub(crate) const PREPOSITIONS: &[&str] = &[
    "in",
    "to",
    "from",
    "of",
    "at",
    "on",
    "with",
    "by",
    "for",
    "into",
    "across",
    "against",
    "between",
    "near",
    "over",
    "under",
    "around",
    "within",
    "toward",
    "towards",
    "about",
    "like",
    "than",
    "including",
    "among",
    "amid",
    "through",
    "throughout",
    "inside",
    "outside",
    "via",
    "beyond",
    "upon",
    "onto",
    "after",
    "before",
    "during",
    "since",
    "despite",
];

/// Prepositions of place and time: a name after one is where or when, not whom.
pub(crate) const LOCATION_PREPOSITIONS: &[&str] = &[
    "in",
    "at",
    "near",
    "across",
    "inside",
    "within",
    "throughout",
    "around",
    "outside",
    "from",
    "during",
    "since",
    "beyond",
    "amid",
    "among",
];

/// Prepositions that introduce the target of a nominal trigger ("talks with", "support for").
pub(crate) const NOUN_PREPOSITIONS: &[&str] = &[
    "of", "to", "with", "on", "against", "for", "from", "over", "toward", "towards", "into", "upon",
];

pub(crate) const BE_FORMS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "get", "got", "gets",
];

/// Prepositions that are also conjunctions: a name right after one, with no comma before the
/// verb, is the verb's subject ("After the Saudis and their neighbors instituted …").
pub(crate) const CONJUNCTION_PREPOSITIONS: &[&str] = &["after", "before", "since", "until", "once"];

/// Words that open a new clause: the subject of a verb after one is found after it.
pub(crate) const CLAUSE_OPENERS: &[&str] = &[
    "but", "while", "although", "though", "whereas", "because", "unless", "if", "whether",
];

/// Words that end the object of a verb.
pub(crate) const OBJECT_ENDS: &[&str] = &[
    "who", "which", "where", "whose", "while", "but", "although", "because", "whereas", "when", "as", "if", "unless",
    "though", "after", "before",
];

pub(crate) const RELATIVE_PRONOUNS: &[&str] = &["who", "whom", "which"];

/// After a comma, these words carry the object on ("…, including Sabha", "…, particularly from").
pub(crate) const CONTINUERS: &[&str] = &[
    "including",
    "particularly",
    "especially",
    "notably",
    "mainly",
    "chiefly",
    "such",
    "namely",
];

/// Quantifiers between a relative pronoun and its antecedent ("Egypt, the UAE and France, all
/// of whom").
pub(crate) const QUANTIFIERS: &[&str] = &["all", "both", "each", "most", "some", "many", "none", "several", "of"];

/// Adverbs of time and manner that stand between a subject and its verb without a -ly ending.
pub(crate) const PLAIN_ADVERBS: &[&str] = &[
    "also",
    "then",
    "later",
    "recently",
    "again",
    "already",
    "still",
    "once",
    "soon",
    "now",
    "reportedly",
    "even",
    "jointly",
    "just",
    "never",
    "not",
];

/// Modal verbs: what follows is intended or expected, not done.
pub(crate) const MODALS: &[&str] = &[
    "would", "will", "could", "might", "may", "shall", "should", "intends", "plans",
];

pub(crate) const NEGATORS: &[&str] = &["not", "never", "no", "neither", "nor"];

/// Verbs after which an act is ended, not done ("to stop threatening", "ceased attacking").
pub(crate) const STOPS: &[&str] = &[
    "stop",
    "stops",
    "stopped",
    "stopping",
    "cease",
    "ceases",
    "ceased",
    "ceasing",
    "halt",
    "halts",
    "halted",
    "halting",
    "end",
    "ends",
    "ended",
    "ending",
    "quit",
    "quits",
    "refrain",
    "refrains",
    "refrained",
];

/// "not only", "not just", "not without": not a negation of what follows.
pub(crate) const NOT_NEGATED_AFTER_NOT: &[&str] = &["only", "just", "without", "merely", "least"];

/// Verbs of refusal: "refused to meet" is a negated meeting.
pub(crate) const REFUSALS: &[&str] = &[
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "decline",
    "declines",
    "declined",
    "declining",
    "fail",
    "fails",
    "failed",
    "failing",
];

/// Words before "to" that make the verb after it only an attempt, plan or expectation: no act
/// took place ("to try to help broker a deal").
pub(crate) const ATTEMPTS: &[&str] = &[
    "try",
    "tries",
    "tried",
    "trying",
    "attempt",
    "attempts",
    "attempted",
    "attempting",
    "seek",
    "seeks",
    "sought",
    "seeking",
    "effort",
    "order",
    "aim",
    "aims",
    "aimed",
    "aiming",
    "hope",
    "hopes",
    "hoped",
    "hoping",
    "plan",
    "plans",
    "planned",
    "planning",
    "expected",
    "likely",
    "want",
    "wants",
    "wanted",
    "intend",
    "intends",
    "intended",
    "set",
    "due",
    "able",
    "unable",
    // An obligation is no act done: "is obligated to cooperate".
    "obligated",
    "obliged",
    "required",
    "bound",
    "supposed",
];

/// Words after a mention group that stand for "each other".
pub(crate) fn is_reciprocal(items: &[Item<'_>], at: usize) -> bool {
    let pair = |a: &str, b: &str| {
        items.get(at).is_some_and(|x| x.is_word(a)) && items.get(at + 1).is_some_and(|x| x.is_word(b))
    };
    pair("each", "other") || pair("one", "another")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_punctuation_are_items() {
        let text = "Kalın’s talks, in 2020.";
        let mut found = Vec::new();
        items(text, 0, text.len(), &[], &[], &mut found);
        let items = found;
        let shown: Vec<String> = items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Word { lower, .. } => lower.to_string(),
                ItemKind::Punct(c) => c.to_string(),
                ItemKind::Mention { .. } => "M".into(),
            })
            .collect();
        assert_eq!(shown, ["kalin", "’", "s", "talks", ",", "in", "2020", "."]);
    }
}
