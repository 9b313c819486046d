//! Unknown names, the second stage: the capitalised segments of the text (see [`super::phrases`])
//! set against the model's matches. Out-of-scope segments hide the matches inside them, longer
//! names around a known one replace it, and segments no match touches become unlinked mentions
//! when they are clearly names, typed by titles, head nouns and shape. It decides nothing about
//! the matches it keeps: which one wins and which entity it is are the later stages' work.

use super::candidates::Candidate;
use super::phrases::{self, Segment, SegmentClass, Token};
use super::{
    lexicon, Extractor, GivenNames, MentionKind, Sighting, CONFIDENCE_UNLINKED_GUESSED, CONFIDENCE_UNLINKED_POSSESSIVE,
    CONFIDENCE_UNLINKED_TYPED,
};
use crate::model::EntityType;
use crate::text::{is_combining_mark, is_word_char, sentence_index_from};

/// The capitalised segments of the text (see [`phrases::segments`]). A segment opens its
/// sentence when only function words ("The", "In the") or a label ("READ:") stand before it.
pub(super) fn segments(text: &str, tokens: &[Token], sentences: &[usize]) -> Vec<Segment> {
    let segment_sentence = std::cell::Cell::new(0);
    phrases::segments(text, tokens, |byte| {
        let mut cursor = segment_sentence.get();
        let sentence = sentence_index_from(sentences, byte, &mut cursor);
        segment_sentence.set(cursor);
        let opening = sentences[sentence];
        let before = &text[opening..byte];
        before.len() < 48
            && before
                .split(|c: char| !is_word_char(c))
                .all(|word| word.is_empty() || lexicon::FUNCTION_WORDS.contains(word))
    })
}

impl Extractor {
    /// Merges the model's matches with the capitalised segments: out-of-scope segments hide the
    /// matches inside them; segments that are longer names than the matches inside them replace
    /// them; segments no match touches become unlinked mentions when they are clearly names.
    pub(super) fn combine(
        &self,
        text: &str,
        tokens: &[Token],
        segments: &[Segment],
        candidates: Vec<Candidate>,
    ) -> Vec<Sighting> {
        let mut hidden = vec![false; candidates.len()];
        let mut found = Vec::with_capacity(candidates.len() + segments.len());
        let mut line_kinds = LineKinds::default();
        let mut surnames = Surnames::default();
        // furthest_end[i]: the furthest end of candidates[..i], to find in O(log n) whether a
        // candidate that starts before a segment reaches into it.
        let mut furthest_end = Vec::with_capacity(candidates.len() + 1);
        furthest_end.push(0);
        for candidate in &candidates {
            let last = furthest_end.last().copied().unwrap_or(0);
            furthest_end.push(last.max(candidate.end));
        }
        let mut first_inside = 0;
        // Reused from segment to segment: most segments are a word or two.
        let mut inside = Vec::new();
        let mut covered_flags = Vec::new();
        for segment in segments {
            let start = tokens[segment.first].start;
            let end = tokens[segment.end - 1].end;
            // Segments come in text order, so the first candidate at or after each one only moves on.
            while first_inside < candidates.len() && candidates[first_inside].start < start {
                first_inside += 1;
            }
            let starting_inside = candidates[first_inside..].iter().take_while(|c| c.start < end);
            inside.clear();
            let mut overlapping_outside = furthest_end[first_inside] > start;
            for (offset, candidate) in starting_inside.enumerate() {
                crate::work::step(1);
                if candidate.end <= end {
                    inside.push(first_inside + offset);
                } else {
                    overlapping_outside = true;
                }
            }
            if overlapping_outside {
                continue;
            }
            let segment_tokens = &tokens[segment.first..segment.end];
            covered_tokens(
                segment_tokens,
                inside.iter().map(|&i| &candidates[i]),
                &mut covered_flags,
            );
            let covered = |index: usize| covered_flags[index];
            let uncovered = covered_flags.iter().filter(|&&c| !c).count();
            if segment.class == SegmentClass::OutOfScope {
                for &i in &inside {
                    hidden[i] = true;
                }
                continue;
            }
            if uncovered == 0 {
                continue;
            }
            let words = segment.end - segment.first;
            if segment.class == SegmentClass::Actor(EntityType::Person) && segment.after_title {
                if let Some(person_first) = self.titled_person(text, segment_tokens, &inside, &candidates) {
                    let person_start = segment_tokens[person_first].start;
                    // The name after a title: "President Vladimir Putin", "Advisor Akiba Takeo"
                    // (a city's name among a person's is the person's), or the title's country
                    // first ("President of Azerbaijan Ilham Aliyev").
                    for &i in &inside {
                        hidden[i] = candidates[i].start >= person_start;
                    }
                    found.push(Sighting::Unlinked {
                        start: person_start,
                        end,
                        entity_type: Some(EntityType::Person),
                        kind: MentionKind::Name,
                        confidence: CONFIDENCE_UNLINKED_TYPED,
                    });
                    surnames.remember_person(text, &segment_tokens[person_first..]);
                    continue;
                }
            }
            if !inside.is_empty() {
                // A longer name around a known one: an organisation head ("European Union"), or
                // given names before a person's surname ("Saif al-Islam Gaddafi").
                // Not on a title-case line, where a headline's words are capitalised anyway:
                // "France Sends Forces" is France and a verb, not an organisation.
                let head_covered = covered(words - 1);
                let organisation_around = matches!(segment.class, SegmentClass::Actor(_))
                    && (!head_covered || segment.opened_by_category)
                    && words >= 2
                    && !line_kinds.of(text, start).title_case;
                let person_around = inside.iter().any(|&i| {
                    let candidate = &candidates[i];
                    candidate.end == end
                        && candidate.start > start
                        && candidate.names(&self.names).all(|n| n.is_person_short_form)
                        && inside.len() == 1
                });
                // A known person's one-word short form before more name-shaped words is a longer
                // name, maybe another person's ("Abiy Ahmed", "Lee Teng-hui" beside a "Lee").
                let short_form_first = inside.len() == 1
                    && matches!(
                        segment.class,
                        SegmentClass::Unknown | SegmentClass::Actor(EntityType::Person)
                    )
                    && (2..=3).contains(&words)
                    && !line_kinds.of(text, start).title_case
                    && {
                        let candidate = &candidates[inside[0]];
                        candidate.start == start
                            && candidate.end == segment_tokens[0].end
                            && candidate.names(&self.names).all(|n| n.is_person_short_form)
                            && segment_tokens.iter().all(|t| is_name_word(text, t))
                    };
                let person_around = person_around || short_form_first;
                // A known given name first, and a lower-case word right after: a person's name
                // even opening a sentence or on a short line whose words are all capitalised
                // ("Lloyd Austin met Tokayev."), but not in a headline's run of capitals.
                let given_name_then_lower = self
                    .given_names
                    .contains(&text[segment_tokens[0].start..segment_tokens[0].end])
                    && followed_by_lowercase(text, end);
                // Given names before a place's name: "Anatole France", "Michael Jordan".
                let person_around = person_around
                    || (segment.class == SegmentClass::Unknown
                        && (2..=3).contains(&words)
                        && inside.len() == 1
                        && ((!segment.sentence_initial && !line_kinds.of(text, start).title_case)
                            || given_name_then_lower)
                        && self.is_place_after_given_names(text, &candidates[inside[0]], segment_tokens, end))
                    // A place named like a given name, before a surname: "Chad Smith", "Jordan
                    // Peterson" (only places marked as common words).
                    || (segment.class == SegmentClass::Unknown
                        && (2..=3).contains(&words)
                        && inside.len() == 1
                        && (!line_kinds.of(text, start).title_case || given_name_then_lower)
                        && self.is_given_name_place(text, &candidates[inside[0]], segment_tokens, start));
                if !(organisation_around || person_around) {
                    // The capitalised runs no known name covers stand on their own: "NATO" in
                    // "Turkiye NATO".
                    let mut run_start = None;
                    for index in 0..=words {
                        let open = index < words && !covered(index);
                        match (open, run_start) {
                            (true, None) => run_start = Some(index),
                            (false, Some(first)) => {
                                let piece = Segment {
                                    first: segment.first + first,
                                    end: segment.first + index,
                                    class: SegmentClass::Unknown,
                                    after_title: segment.after_title && first == 0,
                                    sentence_initial: segment.sentence_initial && first == 0,
                                    opened_by_category: false,
                                };
                                let piece_tokens = &segment_tokens[first..index];
                                let capitalised_ends = piece_tokens.first().is_some_and(|t| t.capitalised)
                                    && piece_tokens.last().is_some_and(|t| t.capitalised);
                                // A headline capitalises every word: the words beside a known
                                // name there are not a name by their capitals alone (a single
                                // word is still judged: an acronym, a title before it).
                                let single = index - first == 1;
                                if capitalised_ends && (single || !line_kinds.of(text, start).title_case) {
                                    found.extend(classify_unlinked(
                                        text,
                                        &piece,
                                        piece_tokens,
                                        &mut line_kinds,
                                        &mut surnames,
                                        &self.given_names,
                                    ));
                                }
                                run_start = None;
                            }
                            _ => {}
                        }
                    }
                }
                if organisation_around || person_around {
                    for &i in &inside {
                        hidden[i] = true;
                    }
                    let entity_type = match segment.class {
                        SegmentClass::Actor(t) => Some(t),
                        _ => Some(EntityType::Person),
                    };
                    found.push(Sighting::Unlinked {
                        start,
                        end,
                        entity_type,
                        kind: MentionKind::Name,
                        confidence: CONFIDENCE_UNLINKED_TYPED,
                    });
                }
                continue;
            }
            if let Some(unlinked) = classify_unlinked(
                text,
                segment,
                segment_tokens,
                &mut line_kinds,
                &mut surnames,
                &self.given_names,
            ) {
                found.push(unlinked);
            }
        }
        found.extend(
            candidates
                .into_iter()
                .zip(hidden)
                .filter(|(_, hidden)| !hidden)
                .map(|(candidate, _)| Sighting::Known(candidate)),
        );
        found.sort_by(|a, b| {
            let (a_start, a_end) = a.range();
            let (b_start, b_end) = b.range();
            a_start.cmp(&b_start).then(b_end.cmp(&a_end))
        });
        found
    }
}

/// Sets `covered` to, for each token of a segment, whether one of the candidates inside the
/// segment (in order of their starts) spans it: one sweep, since the candidates that start at or before a token are
/// a prefix of the list and only the furthest end among them matters.
fn covered_tokens<'c>(tokens: &[Token], inside: impl Iterator<Item = &'c Candidate>, covered: &mut Vec<bool>) {
    let mut inside = inside.peekable();
    let mut reach = 0;
    covered.clear();
    covered.extend(tokens.iter().map(|token| {
        while let Some(candidate) = inside.next_if(|c| c.start <= token.start) {
            reach = reach.max(candidate.end);
        }
        crate::work::step(1);
        reach >= token.end
    }));
}

/// How a line is written, which decides how much its capitals say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineKind {
    /// Mostly capitals ("LIBYA AND TURKEY SIGN DEAL"): capitals say nothing there.
    shouting: bool,
    /// Most longer words capitalised ("Talks Continue In Tripoli"): only names with a title or
    /// head noun are trusted there.
    title_case: bool,
}

/// The kinds of the text's lines, worked out when first asked. Questions come in text order, so
/// the line of each is found by walking forward from the last one: O(text) in all, however long
/// the lines are.
#[derive(Default)]
struct LineKinds {
    /// Where the current line starts and ends (end exclusive, before its `\n`), and its kind.
    current: Option<(usize, usize, LineKind)>,
}

impl LineKinds {
    fn of(&mut self, text: &str, byte: usize) -> LineKind {
        if let Some((start, end, kind)) = self.current {
            if (start..=end).contains(&byte) {
                return kind;
            }
        }
        // A question behind the current line (never asked in text order) looks back to its start.
        let start = match self.current {
            Some((_, end, _)) if byte > end => end + 1,
            _ => 0,
        };
        let start = start + text[start..byte].rfind('\n').map_or(0, |i| i + 1);
        let end = text[byte..].find('\n').map_or(text.len(), |i| byte + i);
        crate::work::step(end - start);
        let kind = LineKind::of(&text[start..end]);
        self.current = Some((start, end, kind));
        kind
    }
}

impl LineKind {
    fn of(line: &str) -> LineKind {
        let upper = line.chars().filter(|c| c.is_uppercase()).count();
        let lower = line.chars().filter(|c| c.is_lowercase()).count();
        let mut long_words = 0;
        let mut capitalised = 0;
        for word in line
            .split(|c: char| !(c.is_alphabetic() || is_combining_mark(c)))
            .filter(|w| letter_count(w) > 3)
        {
            long_words += 1;
            capitalised += usize::from(word.chars().next().is_some_and(char::is_uppercase));
        }
        LineKind {
            shouting: upper > 12 && upper > lower * 2,
            title_case: (long_words >= 3 && capitalised == long_words)
                || (long_words >= 6 && capitalised * 10 >= long_words * 9),
        }
    }
}

/// Decides whether a segment no model name touches is an unlinked name, and of what type.
/// The last words of the people's names found so far in the text, so that a surname alone later
/// ("Tillerson" after "Rex Tillerson") is known for a person.
#[derive(Default)]
/// A `std` set, keyed randomly per process: its words come from the request, and an unkeyed hash
/// could be flooded with colliding names.
struct Surnames(std::collections::HashSet<String>);

impl Surnames {
    /// Remembers the surname of a person's name of two words or more.
    /// A name that ends with a hyphenated given name ("Lee Teng-hui") is written family name
    /// first, and the family name is the one used alone ("Lee").
    fn remember_person(&mut self, text: &str, tokens: &[Token]) {
        if let [first, .., last] = tokens {
            let surname = if text[last.start..last.end].contains('-') {
                first
            } else {
                last
            };
            self.0.insert(text[surname.start..surname.end].to_lowercase());
        }
    }

    fn remember(&mut self, text: &str, tokens: &[Token], found: &Option<Sighting>) {
        if let Some(Sighting::Unlinked {
            entity_type: Some(EntityType::Person),
            ..
        }) = found
        {
            self.remember_person(text, tokens);
        }
    }

    fn contains(&self, word: &str) -> bool {
        !self.0.is_empty() && self.0.contains(&word.to_lowercase())
    }
}

/// Decides whether a segment no model name touches is an unlinked name, and of what type;
/// remembers the surnames of the people it finds.
fn classify_unlinked(
    text: &str,
    segment: &Segment,
    segment_tokens: &[Token],
    line_kinds: &mut LineKinds,
    surnames: &mut Surnames,
    given_names: &GivenNames,
) -> Option<Sighting> {
    let found = classify_segment(text, segment, segment_tokens, line_kinds, surnames, given_names);
    surnames.remember(text, segment_tokens, &found);
    found
}

impl Extractor {
    /// Which token of a segment after a title that known names touch starts the person's name,
    /// when it is one: every word is shaped like a name, though a city may share one ("Vladimir",
    /// "Takeo"); or a country, region or organisation opens the segment and name-shaped words
    /// follow it ("Azerbaijan Ilham Aliyev" after "President of"). `None` leaves the segment to
    /// the general rules.
    fn titled_person(&self, text: &str, tokens: &[Token], inside: &[usize], candidates: &[Candidate]) -> Option<usize> {
        let start = tokens.first()?.start;
        let first = inside.first().map(|&i| &candidates[i]);
        // Only a title with "of" takes a complement: "President of Azerbaijan Ilham Aliyev", but
        // "Minister Israel Katz" is one name.
        let before = super::linking::previous_word(text, start);
        let after_of = match before {
            Some(the) if the.eq_ignore_ascii_case("the") => {
                super::linking::previous_word(text, start - the.len() - 1) == Some("of")
            }
            word => word == Some("of"),
        };
        if let Some(first) = first.filter(|c| c.start == start && after_of) {
            let complement = [EntityType::Country, EntityType::Region, EntityType::Organization];
            if self.named_as(first, &complement) {
                let rest = tokens.iter().position(|t| t.start >= first.end)?;
                let names = &tokens[rest..];
                return ((1..=4).contains(&names.len()) && names.iter().all(|t| is_name_word(text, t))).then_some(rest);
            }
        }
        // Places among the names are the person's when they are cities, or given names
        // ("Minister Israel Katz").
        let places_named = inside.iter().all(|&i| {
            let candidate = &candidates[i];
            self.named_as(candidate, &[EntityType::City])
                || (self.named_as(candidate, &[EntityType::Country, EntityType::Region])
                    && self.given_names.contains(&text[candidate.start..candidate.end]))
        });
        (places_named && (2..=4).contains(&tokens.len()) && tokens.iter().all(|t| is_name_word(text, t))).then_some(0)
    }

    /// Whether every entity `candidate` may name is of one of `types`.
    fn named_as(&self, candidate: &Candidate, types: &[EntityType]) -> bool {
        candidate
            .names(&self.names)
            .all(|n| types.contains(&self.entities[n.entity.get()].entity_type))
    }

    /// Whether `candidate`, a country or city at the end of the segment, follows words shaped
    /// like given names (not adjectives, directions or category words: "Ancient Egypt",
    /// "Eastern Libya" stay places).
    fn is_place_after_given_names(&self, text: &str, candidate: &Candidate, tokens: &[Token], end: usize) -> bool {
        let Some((_, given)) = tokens.split_last() else {
            return false;
        };
        candidate.end == end
            && candidate.start == tokens[tokens.len() - 1].start
            && self.named_as(candidate, &[EntityType::Country, EntityType::City])
            && given.iter().all(|token| is_name_word(text, token))
    }

    /// Whether `candidate`, a place marked as a common word, opens the segment and is followed
    /// only by words shaped like names: a given name and a surname.
    fn is_given_name_place(&self, text: &str, candidate: &Candidate, tokens: &[Token], start: usize) -> bool {
        let Some((_, surname)) = tokens.split_first() else {
            return false;
        };
        // Or a place whose name is a known given name: "Vladimir Putin", "Victoria Nuland".
        let given_name_place = || {
            self.given_names.contains(&text[tokens[0].start..tokens[0].end])
                && self.named_as(candidate, &[EntityType::City, EntityType::Country, EntityType::Region])
        };
        candidate.start == start
            && candidate.end == tokens[0].end
            && (candidate
                .names(&self.names)
                .all(|n| self.entities[n.entity.get()].common_word)
                || given_name_place())
            && surname.iter().all(|token| is_name_word(text, token))
    }
}

/// A capitalised word shaped like a person's name: not an adjective, a direction or period, a
/// title, a calendar word, a category noun or a demonym.
fn is_name_word(text: &str, token: &Token) -> bool {
    let word = &text[token.start..token.end];
    token.capitalised
        && is_ruler_name(word, token)
        && !token.is(&lexicon::NOT_GIVEN_NAMES)
        && !token.is(&lexicon::PERSON_TITLES)
        && !token.is(&lexicon::CALENDAR_WORDS)
        && !token.is(&lexicon::ORGANIZATION_HEADS)
        && !token.is(&lexicon::REGION_HEADS)
        && !token.is(&lexicon::COUNTRY_HEADS)
        && !phrases::looks_like_demonym(word)
}

/// A person's name by its place before a ruler noun: "the Assad regime", "the Nasser era", "the
/// Trump Administration" give Assad, Nasser and Trump. `word` is the one capitalised word before
/// the noun; words shaped like adjectives ("Communist", "Soviet", "Military") are not names.
fn is_ruler_name(word: &str, token: &Token) -> bool {
    const ADJECTIVE_ENDINGS: [&str; 12] = [
        "ist", "ism", "ian", "ese", "ean", "al", "ic", "ary", "ive", "ish", "ite", "ern",
    ];
    let lower = word.to_lowercase();
    !token.all_capitals
        && letter_count(word) >= 3
        && has_only_name_letters(word)
        && !ADJECTIVE_ENDINGS.iter().any(|ending| lower.ends_with(ending))
        && !token.is(&lexicon::FUNCTION_WORDS)
        && !token.is(&lexicon::NOT_RULER_NAMES)
}

fn classify_segment(
    text: &str,
    segment: &Segment,
    segment_tokens: &[Token],
    line_kinds: &mut LineKinds,
    surnames: &mut Surnames,
    given_names: &GivenNames,
) -> Option<Sighting> {
    let start = segment_tokens.first()?.start;
    let end = segment_tokens.last()?.end;
    let line = line_kinds.of(text, start);
    crate::work::step(end - start);
    if line.shouting {
        return None;
    }
    let words = segment_tokens.len();
    let word_text = |t: &Token| &text[t.start..t.end];
    let person = |start: usize, end: usize| {
        Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::Person),
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        })
    };
    if let [name, noun] = segment_tokens {
        // Opening a sentence only after "the": "The Trump Administration", not "Unity Government".
        let after_the =
            || super::linking::previous_word(text, name.start).is_some_and(|w| w.eq_ignore_ascii_case("the"));
        if noun.is(&lexicon::RULER_NOUNS)
            && (!segment.sentence_initial || after_the())
            && is_ruler_name(word_text(name), name)
        {
            return person(name.start, name.end);
        }
    }
    if words >= 2 {
        let lowercase_words = || {
            text[start..end]
                .split([' ', '-'])
                .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        };
        // "of", "for", "the" join the words of an organisation's name; "al", "bin", "van" those
        // of a person's.
        let has_connector =
            lowercase_words().any(|w| lexicon::NAME_CONNECTORS.contains(w) && !lexicon::NAME_PARTICLES.contains(w));
        let only_name_particles = lowercase_words().all(|w| lexicon::NAME_PARTICLES.contains(w));
        // A person's name is two to four words of two letters or more, joined by spaces (or by a
        // particle's hyphen, "al-Sarraj"): "D-Conn" is no one's name.
        let person_shaped = words <= 4
            && only_name_particles
            && segment_tokens.iter().all(|t| {
                let word = word_text(t);
                !t.all_capitals && letter_count(word) >= 2 && has_only_name_letters(word)
            })
            && segment_tokens.windows(2).all(|pair| {
                let separator = &text[pair[0].end..pair[1].start];
                separator == " " || (separator == "-" && lexicon::NAME_PARTICLES.contains(word_text(&pair[0])))
            });
        let any_organisation_word = segment_tokens.iter().any(|t| t.is(&lexicon::ORGANIZATION_HEADS));
        let known_given_name =
            is_name_word(text, &segment_tokens[0]) && given_names.contains(word_text(&segment_tokens[0]));
        let (entity_type, confidence) = match segment.class {
            SegmentClass::Actor(t) => (t, CONFIDENCE_UNLINKED_TYPED),
            _ if any_organisation_word || has_connector => (EntityType::Organization, CONFIDENCE_UNLINKED_GUESSED),
            // On a line whose words are all capitalised, a name only when a known given name
            // opens it and a lower-case word ends it ("Jake Sullivan met Wang Yi."), not a
            // headline's run of capitals ("Kim Meets Trump").
            _ if line.title_case && !(person_shaped && known_given_name && followed_by_lowercase(text, end)) => {
                return None
            }
            _ if person_shaped => (EntityType::Person, CONFIDENCE_UNLINKED_GUESSED),
            _ => return None,
        };
        // A known given name before a surname is a person wherever it stands ("Joe Biden
        // visited Kyiv").
        let given_name_first = entity_type == EntityType::Person && known_given_name;
        if segment.sentence_initial
            && !matches!(segment.class, SegmentClass::Actor(_))
            && words == 2
            && !given_name_first
        {
            // "Eastern Libya" or "Terrorist Groups" opening a sentence: too often not a name.
            return None;
        }
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(entity_type),
            kind: MentionKind::Name,
            confidence,
        });
    }
    let token = segment_tokens[0];
    let word = word_text(&token);
    if segment.after_title {
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::Person),
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_TYPED,
        });
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if token.all_capitals && (2..=6).contains(&letters) {
        let dotted_pair = word.contains('.') && letters == 2;
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(if dotted_pair {
                EntityType::Country
            } else {
                EntityType::Organization
            }),
            kind: MentionKind::Acronym,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        });
    }
    if !segment.sentence_initial && !line.title_case && phrases::looks_like_demonym(word) {
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::Country),
            kind: MentionKind::Demonym,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        });
    }
    let after = &text[end..];
    if !segment.sentence_initial && !line.title_case {
        let next_word = after
            .strip_prefix(' ')
            .map(|rest| rest.split(|c: char| !c.is_alphabetic()).next().unwrap_or(""));
        if next_word.is_some_and(|next| lexicon::RULER_NOUNS.contains(next)) && is_ruler_name(word, &token) {
            return person(start, end);
        }
    }
    // A surname alone, after the full name earlier in the text, wherever it stands.
    if !token.all_capitals && surnames.contains(word) {
        return person(start, end);
    }
    // An unknown place after "in", "near", "outside" or "around" ("fighting near Tarhuna"):
    // a name-shaped word there is a place, guessed a city.
    if !segment.sentence_initial
        && !line.title_case
        && is_name_word(text, &token)
        && super::linking::previous_word(text, start)
            .is_some_and(|before| lexicon::PLACE_PREPOSITIONS.contains(&before))
    {
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: Some(EntityType::City),
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_GUESSED,
        });
    }
    // A capitalised word that owns something mid-sentence ("Russia's Wagner Group") is a name,
    // though nothing tells what kind.
    let possessive = ["'s", "\u{2019}s"].iter().any(|suffix| {
        after
            .strip_prefix(suffix)
            .is_some_and(|rest| !rest.starts_with(is_word_char))
    });
    if possessive && !segment.sentence_initial && !line.title_case && !token.all_capitals && letters >= 3 {
        return Some(Sighting::Unlinked {
            start,
            end,
            entity_type: None,
            kind: MentionKind::Name,
            confidence: CONFIDENCE_UNLINKED_POSSESSIVE,
        });
    }
    None
}

/// Whether the next word after byte `end` (past spaces) starts with a lower-case letter.
fn followed_by_lowercase(text: &str, end: usize) -> bool {
    text[end..]
        .trim_start_matches(' ')
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

/// Whether a word is letters only, with their marks, or a hyphenated given name ("Teng-hui":
/// the only hyphen a token keeps, see [`phrases::tokens`]).
fn has_only_name_letters(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_alphabetic() || is_combining_mark(c) || c == '-')
}

/// The characters of a word that are not combining marks: "Mu\u{308}ller" has six, as "Müller".
fn letter_count(word: &str) -> usize {
    crate::work::step(word.len());
    word.chars().filter(|&c| !is_combining_mark(c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::shipped;
    use crate::text::sentence_starts;

    /// What the stage decided about one stretch of the text: a known name left to the later
    /// stages (no type yet), or an unlinked name with its guessed type.
    #[derive(Debug, PartialEq)]
    enum Seen<'t> {
        Known(&'t str),
        Unlinked(&'t str, Option<EntityType>),
    }

    fn seen<'t>(text: &'t str, found: &Sighting) -> Seen<'t> {
        let (start, end) = found.range();
        match found {
            Sighting::Known(_) => Seen::Known(&text[start..end]),
            Sighting::Unlinked { entity_type, .. } => Seen::Unlinked(&text[start..end], *entity_type),
        }
    }

    /// `classify_unlinked` on every segment of `text`, as if no model name touched any.
    fn classified(text: &str) -> Vec<Seen<'_>> {
        let tokens = phrases::tokens(text);
        let mut line_kinds = LineKinds::default();
        let mut surnames = Surnames::default();
        segments(text, &tokens, &sentence_starts(text))
            .iter()
            .filter_map(|segment| {
                let segment_tokens = &tokens[segment.first..segment.end];
                classify_unlinked(
                    text,
                    segment,
                    segment_tokens,
                    &mut line_kinds,
                    &mut surnames,
                    &GivenNames::default(),
                )
            })
            .map(|found| seen(text, &found))
            .collect()
    }

    /// The stage's output for `text`, from the shipped model's candidates.
    fn combined(text: &str) -> Vec<Seen<'_>> {
        let extractor = &shipped().extractor;
        let candidates = extractor.candidates(text, &|| false).expect("not stopped");
        let tokens = phrases::tokens(text);
        let segments = segments(text, &tokens, &sentence_starts(text));
        extractor
            .combine(text, &tokens, &segments, candidates)
            .iter()
            .map(|found| seen(text, found))
            .collect()
    }

    #[test]
    fn classify_unlinked_types_a_bureau_of_as_an_organisation() {
        assert_eq!(
            classified("A statement from the Bureau of Near Eastern Affairs followed."),
            vec![Seen::Unlinked(
                "Bureau of Near Eastern Affairs",
                Some(EntityType::Organization)
            )]
        );
    }

    #[test]
    fn classify_unlinked_guesses_a_person_from_the_shape_of_a_name() {
        assert_eq!(
            classified("The talks with Xavier Quenneville ended late."),
            vec![Seen::Unlinked("Xavier Quenneville", Some(EntityType::Person))]
        );
    }

    #[test]
    fn capitals_say_nothing_on_a_shouting_line_and_little_on_a_title_case_line() {
        assert_eq!(
            LineKind::of("XAVIER QUENNEVILLE AND THE BUREAU OF AFFAIRS SIGN DEAL"),
            LineKind {
                shouting: true,
                title_case: true
            }
        );
        assert_eq!(
            LineKind::of("Talks With Xavier Quenneville Continue"),
            LineKind {
                shouting: false,
                title_case: true
            }
        );
        assert_eq!(
            LineKind::of("Talks with Xavier Quenneville continue"),
            LineKind {
                shouting: false,
                title_case: false
            }
        );
        assert_eq!(
            classified("XAVIER QUENNEVILLE AND THE BUREAU OF AFFAIRS SIGN DEAL"),
            vec![]
        );
        assert_eq!(classified("Talks With Xavier Quenneville Continue"), vec![]);
    }

    #[test]
    fn an_out_of_scope_name_hides_the_known_names_inside_it() {
        assert_eq!(combined("the Libyan forces"), vec![Seen::Known("Libyan")]);
        assert_eq!(combined("during the Second Libyan Civil War"), vec![]);
    }

    #[test]
    fn a_longer_organisation_name_replaces_the_known_name_inside_it() {
        assert_eq!(
            combined("said the Syrian Observatory for Human Rights"),
            vec![Seen::Unlinked(
                "Syrian Observatory for Human Rights",
                Some(EntityType::Organization)
            )]
        );
    }

    #[test]
    fn the_name_after_a_title_and_its_country_is_the_person() {
        assert_eq!(
            combined("signed by the President of Libya Ilkin Qarayev and others"),
            vec![
                Seen::Known("Libya"),
                Seen::Unlinked("Ilkin Qarayev", Some(EntityType::Person))
            ]
        );
        // A city's name among a person's names after a title is the person's.
        assert_eq!(
            combined("said Security Advisor Hana Takeo on Monday"),
            vec![Seen::Unlinked("Hana Takeo", Some(EntityType::Person))]
        );
    }

    #[test]
    fn words_of_a_title_are_never_a_name_singular_or_plural() {
        assert_eq!(combined("The National Security Advisors condemned the attack."), vec![]);
        assert_eq!(
            combined("Egypt National Security Advisor Shin Wonbae spoke."),
            vec![
                Seen::Known("Egypt"),
                Seen::Unlinked("Shin Wonbae", Some(EntityType::Person))
            ]
        );
        assert_eq!(
            combined("said the General Secretary of the Chinese Communist Party Wen Lixin today"),
            vec![
                Seen::Unlinked("Chinese Communist Party", Some(EntityType::Organization)),
                Seen::Unlinked("Wen Lixin", Some(EntityType::Person))
            ]
        );
    }

    #[test]
    fn a_family_name_first_is_the_short_form_of_a_hyphenated_given_name() {
        assert_eq!(
            combined("Former President Wang Teng-hui spoke. Wang later left."),
            vec![
                Seen::Unlinked("Wang Teng-hui", Some(EntityType::Person)),
                Seen::Unlinked("Wang", Some(EntityType::Person))
            ]
        );
    }

    #[test]
    fn a_name_before_a_capitalised_ruler_noun_after_the_is_a_person() {
        assert_eq!(
            combined("The Kowalski Administration imposed sanctions."),
            vec![Seen::Unlinked("Kowalski", Some(EntityType::Person))]
        );
    }

    #[test]
    fn places_named_with_a_class_word_are_regions_and_dams_are_not_actors() {
        assert_eq!(
            combined("boats near Second Halloran Shoal"),
            vec![Seen::Unlinked("Second Halloran Shoal", Some(EntityType::Region))]
        );
        assert_eq!(combined("filling the Grand Ethiopian Renaissance Dam"), vec![]);
    }

    #[test]
    fn capitalised_words_no_known_name_covers_stand_on_their_own() {
        assert_eq!(
            combined("the Turkiye NATO talks"),
            vec![
                Seen::Known("Turkiye"),
                Seen::Unlinked("NATO", Some(EntityType::Organization))
            ]
        );
    }
}
