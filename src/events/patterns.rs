//! The patterns that find the source and target of a trigger within its sentence: the window,
//! barrier and precedence rules stated in `src/events/mod.rs`.

use super::items::*;
use crate::extract::{CALENDAR_WORDS, PERSON_TITLES, PORTFOLIO_WORDS, TITLE_MODIFIERS};
use crate::model::event_lexicon::{CodeIndex, Lexicon, ObjectPhrase, Pos, Role, VerbForm, OBJECT_PHRASE_GAP};

/// How far a subject is looked for before its trigger, in items.
pub(crate) const SUBJECT_WINDOW: usize = 40;
/// How far an object is looked for after its trigger, in items.
pub(crate) const OBJECT_WINDOW: usize = 14;
/// How far a light verb may stand before the noun it governs, in items.
pub(crate) const GOVERNOR_WINDOW: usize = 8;
/// How far what a speaker says is read for its target and content, in items.
pub(crate) const SPEECH_WINDOW: usize = 30;

/// Particles of motion after a verb ("back to", "back home").
const MOTION_PARTICLES: &[&str] = &["into", "away", "off", "out", "up", "down", "home", "again", "then"];

/// The most names one group holds: a longer list is cut, so one trigger's pairs stay bounded.
pub(crate) const MAX_GROUP: usize = 24;

/// A trigger found in a sentence: the items it covers and its lexicon form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TriggerAt {
    pub first: usize,
    /// Exclusive.
    pub end: usize,
    pub form: usize,
    /// The code it gives: the form's, or that of the object phrase after it.
    pub code: CodeIndex,
    /// A group of actors with no object acts with each other.
    pub mutual: bool,
}

/// The longest trigger form starting at item `at`, if any, choosing between a verb and a noun
/// of the same words by context; content forms are left out.
pub(crate) fn trigger_at(lexicon: &Lexicon, items: &[Item<'_>], at: usize, role: Role) -> Option<TriggerAt> {
    let word = items.get(at)?.word()?;
    let forms = lexicon.forms_starting(word);
    if forms.is_empty() {
        return None;
    }
    let mut best: Option<TriggerAt> = None;
    let noun_context = noun_context(lexicon, items, at);
    for &index in forms {
        crate::work::step(1);
        let form = lexicon.form(index);
        if (role == Role::Content) != (form.role == Role::Content) {
            continue;
        }
        let matches = form
            .words
            .iter()
            .enumerate()
            .all(|(k, w)| items.get(at + k).is_some_and(|item| item.is_word(w)));
        if !matches {
            continue;
        }
        // A form with object phrases takes its code from the phrase that follows.
        let (code, mutual) = if form.objects.is_empty() {
            (form.code, form.mutual)
        } else {
            match object_phrase_following(items, at + form.words.len(), &form.objects) {
                Some(phrase) => (phrase.code, phrase.mutual),
                None => continue,
            }
        };
        // A plain verb form before a particle of motion is another verb or an adverb ("went
        // back to", "back home"), unless the particle is part of the form.
        let after = at + form.words.len();
        let particle = items.get(after).is_some_and(|next| {
            next.is_word_in(MOTION_PARTICLES)
                // "to" is a direction before a name or a determiner, an infinitive before a verb.
                || (next.is_word("to")
                    && items.get(after + 1).is_some_and(|n| n.is_mention() || n.is_word_in(DETERMINERS)))
                // "pushed back against", "pulled back from": after another verb, the word is
                // that verb's particle.
                || (next.is_word_in(&["against", "from", "on"]) && after_a_verb(items, at))
        });
        if form.pos == Pos::Verb && form.verb_form == VerbForm::Plain && particle {
            continue;
        }
        // A plain verb form where a noun stands ("the attack") is a noun this lexicon lacks.
        if form.pos == Pos::Verb && form.verb_form == VerbForm::Plain && noun_context && role != Role::Content {
            continue;
        }
        let candidate = TriggerAt {
            first: at,
            end: at + form.words.len(),
            form: index,
            code,
            mutual,
        };
        let better = match best {
            None => true,
            Some(current) => {
                let current_form = lexicon.form(current.form);
                candidate.end > current.end
                    // A verb with the object phrase its code needs says more than the verb.
                    || (candidate.end == current.end && !form.objects.is_empty() && current_form.objects.is_empty())
                    || (candidate.end == current.end
                        && noun_context
                        && form.pos != Pos::Verb
                        && current_form.pos == Pos::Verb)
                    || (candidate.end == current.end
                        && !noun_context
                        && form.pos == Pos::Verb
                        && current_form.pos != Pos::Verb)
            }
        };
        if better {
            best = Some(candidate);
        }
    }
    best
}

/// The phrase of `phrases` that starts within [`OBJECT_PHRASE_GAP`] words after `at` ("imposed
/// new sanctions", "recalled its ambassador"), only words standing between; of several, the one
/// of the earliest record. The lexicon keeps a form's phrases sorted, so only those starting with
/// the word at hand are compared.
fn object_phrase_following<'a>(items: &[Item<'_>], at: usize, phrases: &'a [ObjectPhrase]) -> Option<&'a ObjectPhrase> {
    let mut found: Option<&ObjectPhrase> = None;
    // Words and names between count; determiners and a possessive's "'s" do not ("ordered the
    // French ambassador to leave", "summoned China's envoy").
    let mut between = 0;
    let mut start = at;
    // Determiners do not count, but each is passed by at most the few triggers whose counted
    // words before it are under the gap; the cap keeps one walk short all the same.
    while between <= OBJECT_PHRASE_GAP && start < at + 3 * (OBJECT_PHRASE_GAP + 1) {
        crate::work::step(1);
        let Some(item) = items.get(start) else {
            break;
        };
        start += 1;
        let Some(word) = item.word() else {
            // "an anti-ship missile": a hyphen joins words, it does not end the phrase.
            if item.punct().is_some_and(|c| is_apostrophe(c) || is_hyphen(c)) {
                continue;
            }
            if item.is_mention() {
                between += 1;
                continue;
            }
            break;
        };
        let start = start - 1;
        if item.is_word_in(DETERMINERS)
            || (word == "s" && start > 0 && items[start - 1].punct().is_some_and(is_apostrophe))
        {
            continue;
        }
        between += 1;
        let first = phrases.partition_point(|p| p.words.first().map_or("", String::as_str) < word);
        let starting = phrases[first..]
            .iter()
            .take_while(|p| p.words.first().is_some_and(|w| w == word));
        for phrase in starting {
            crate::work::step(1);
            let follows = phrase
                .words
                .iter()
                .enumerate()
                .all(|(k, w)| items.get(start + k).is_some_and(|item| item.is_word(w)));
            if follows && found.is_none_or(|f| phrase.rank < f.rank) {
                found = Some(phrase);
            }
        }
    }
    found
}

/// Whether a lower-case word that is neither an auxiliary, a modal, an adverb nor a function
/// word stands right before `at`: most likely a verb of which the word at `at` is a particle.
fn after_a_verb(items: &[Item<'_>], at: usize) -> bool {
    at.checked_sub(1).and_then(|p| items.get(p)).is_some_and(|previous| {
        matches!(previous.kind, ItemKind::Word { capital: false, .. })
            && !previous.is_word_in(AUXILIARIES)
            && !previous.is_word_in(MODALS)
            && !previous.is_word_in(DETERMINERS)
            && !previous.is_word_in(PREPOSITIONS)
            && !previous.is_word_in(&["and", "or", "not", "to", "also", "who", "which", "that"])
            && !is_adverb(previous)
    })
}

/// Whether the word at `at` stands where a noun does: after a determiner, a possessive or a
/// preposition, or as the object of a light verb.
fn noun_context(lexicon: &Lexicon, items: &[Item<'_>], at: usize) -> bool {
    // A sentence's first word is no finite verb in news: "Attacks on Ukraine by Russia …".
    let Some(previous) = at.checked_sub(1).and_then(|p| items.get(p)) else {
        return true;
    };
    // "to" before a verb marks the infinitive ("to assist Greece").
    let preposition = previous.is_word_in(PREPOSITIONS) && !previous.is_word("to");
    if previous.is_word_in(DETERMINERS) || preposition || previous.is_word("s") {
        return true;
    }
    // After a past verb or participle ("lifted sanctions", "discussed sanctions").
    if matches!(&previous.kind, ItemKind::Word { lower, capital: false } if lower.ends_with("ed") && lower.len() > 3)
        && !previous.is_word_in(&["need", "feed", "speed"])
    {
        return true;
    }
    if previous.punct().is_some_and(is_apostrophe) {
        return true;
    }
    // "their border dispute", "a trade deal": a determiner or possessive and one singular word
    // before it ("the two sides agree", "the rebels attack" are subjects and verbs).
    let compound = at >= 2
        && items[at - 2].is_word_in(DETERMINERS_AND_POSSESSIVES)
        && matches!(&previous.kind, ItemKind::Word { lower, capital: false } if !lower.ends_with('s'))
        && !previous.is_word_in(AUXILIARIES)
        && !previous.is_word_in(MODALS)
        && !previous.is_word_in(PREPOSITIONS)
        && !previous.is_word_in(NUMBER_WORDS)
        && !is_adverb(previous);
    if compound {
        return true;
    }
    governor(lexicon, items, at).is_some()
}

/// The light verb that governs a noun at `at` ("imposed … embargoes", "launched an offensive",
/// "in support of"): its first item. Between them only determiners, adjectives, commas and "and".
pub(crate) fn governor(lexicon: &Lexicon, items: &[Item<'_>], at: usize) -> Option<usize> {
    let mut j = at;
    let mut steps = 0;
    while j > 0 && steps < GOVERNOR_WINDOW {
        j -= 1;
        steps += 1;
        let item = &items[j];
        if let Some(word) = item.word() {
            for verb in lexicon.light_verbs_ending(word) {
                let n = verb.len();
                if j + 1 >= n {
                    let first = j + 1 - n;
                    if verb.iter().enumerate().all(|(k, w)| items[first + k].is_word(w)) {
                        return Some(first);
                    }
                }
            }
        }
        match &item.kind {
            ItemKind::Word { lower, capital: false } => {
                if PREPOSITIONS.contains(&lower.as_ref()) && lower != "and" {
                    return None;
                }
            }
            ItemKind::Punct(',') => {}
            ItemKind::Punct(c) if is_hyphen(*c) => {}
            _ => return None,
        }
    }
    None
}

/// The actor items of the coordination group that holds actor item `at`: names joined by
/// commas, "and", "or", hyphens and slashes ("Egypt, the UAE and France", "Turkiye-Libya").
/// A comma alone does not join a name after a preposition to the name after it ("In Libya,
/// Turkey …").
pub(crate) fn group(items: &[Item<'_>], at: usize) -> Vec<usize> {
    let mut members = vec![at];
    let mut last = at;
    let mut listed = false;
    while let Some((next, by_comma_only)) = joined_after(items, last).filter(|_| members.len() < MAX_GROUP) {
        crate::work::step(1);
        listed |= !by_comma_only;
        members.push(next);
        last = next;
    }
    let mut first = at;
    let mut left = Vec::new();
    while let Some((previous, by_comma_only)) = joined_before(items, first).filter(|_| left.len() < MAX_GROUP) {
        crate::work::step(1);
        left.push((previous, by_comma_only));
        first = previous;
    }
    listed |= left.iter().any(|&(_, comma_only)| !comma_only);
    // Without "and" or "or" anywhere in the group, a comma does not join a name after a
    // preposition to what follows it ("In Libya, Turkey …"); in a list ("like Egypt, the UAE
    // and France") it does.
    let mut joined_left = Vec::new();
    for (previous, by_comma_only) in left {
        // A comma after a sentence's opening phrase ("In Paris, France and Germany …") ends
        // it, list or not.
        if by_comma_only && (!listed || fronted(items, previous)) && is_prepositional(items, previous) {
            break;
        }
        joined_left.push(previous);
    }
    joined_left.reverse();
    joined_left.extend(members);
    joined_left
}

/// Whether item `j` is part of a title before a name: a capitalised title or portfolio word,
/// "of" beside one, or a name that is no actor after "of" (the country of "President of
/// Azerbaijan Ilham Aliyev").
fn is_title_word(items: &[Item<'_>], j: usize) -> bool {
    let title = |item: &Item<'_>| {
        matches!(&item.kind, ItemKind::Word { capital: true, lower }
            if PERSON_TITLES.contains(lower) || PORTFOLIO_WORDS.contains(lower) || TITLE_MODIFIERS.contains(lower))
    };
    let item = &items[j];
    if title(item) {
        return true;
    }
    let of_beside_title = |k: usize| items[k].is_word("of") && (k > 0 && title(&items[k - 1]));
    if of_beside_title(j) {
        return true;
    }
    item.is_mention()
        && item.actor().is_none()
        && ((j > 0 && of_beside_title(j - 1)) || items.get(j + 1).is_some_and(title))
}

/// "Qatar's ruling emir, Sheikh Tamim": a name that owns a person's role, named right after it
/// between commas, stands for the role's holder, who is the object. Between the possessive and
/// the comma at most three lower-case words, the last a title; before the person, titles.
fn role_holder(items: &[Item<'_>], members: &[usize]) -> Option<Vec<usize>> {
    let [owner] = members else {
        return None;
    };
    let mut j = owner + 1;
    if !items.get(j)?.punct().is_some_and(is_apostrophe) {
        return None;
    }
    j += 1;
    if items.get(j)?.is_word("s") {
        j += 1;
    }
    let role_start = j;
    while items
        .get(j)
        .is_some_and(|i| matches!(i.kind, ItemKind::Word { capital: false, .. }))
        && j < role_start + 3
    {
        j += 1;
    }
    // The role is a person's: its last word a title ("emir", "foreign minister").
    let role = items.get(j.checked_sub(1)?)?.word()?;
    if j == role_start || items.get(j)?.punct() != Some(',') || !PERSON_TITLES.contains(role) {
        return None;
    }
    let mut k = j + 1;
    while k < j + 6 && items.get(k).is_some_and(|i| i.actor().is_none()) {
        if !is_title_word(items, k) && !items[k].is_word_in(DETERMINERS) {
            return None;
        }
        k += 1;
    }
    items.get(k)?.actor()?;
    Some(group(items, k))
}

/// Words that open a noun phrase.
const DETERMINERS_AND_POSSESSIVES: &[&str] = &["the", "a", "an", "their", "its", "his", "her", "our", "this", "that"];

/// Number words: "the two sides agree" is a subject and its verb.
const NUMBER_WORDS: &[&str] = &["two", "three", "four", "five", "both", "other", "new"];

/// Words of time besides the calendar's that may stand between a noun and its preposition.
const TIME_WORDS: &[&str] = &["today", "yesterday", "again"];

/// The most items a bracketed short form between two names of a group holds.
const MAX_BRACKETED: usize = 3;

/// How far a joint reaches: a comma, "and" and "the" (four items), or a title with its country
/// before the next name ("and the Prime Minister of Armenia").
const JOIN_REACH: usize = 10;

/// The actor joined to actor item `at` from the left, and whether only a comma joins them.
fn joined_before(items: &[Item<'_>], at: usize) -> Option<(usize, bool)> {
    joined(items, (0..at).rev().take(JOIN_REACH))
}

/// The actor joined to actor item `at` from the right.
fn joined_after(items: &[Item<'_>], at: usize) -> Option<(usize, bool)> {
    let (next, comma_only) = joined(items, (at + 1..items.len()).take(JOIN_REACH))?;
    // "Sabha and Libya's largest oil field": an owner is not one of the objects.
    let owner = items.get(next + 1).and_then(Item::punct).is_some_and(is_apostrophe);
    (!owner).then_some((next, comma_only))
}

/// The first actor along `path` (item indexes walking away from a name) when only joints stand
/// before it — a comma, "and", "or", a hyphen, slash or ampersand, and "the" — at least one
/// of them not "the"; with whether commas alone join them.
fn joined(items: &[Item<'_>], path: impl Iterator<Item = usize>) -> Option<(usize, bool)> {
    let mut comma_only = true;
    let mut any = false;
    // Items passed inside a bracketed short form ("the Allied Democratic Forces (ADF) and …").
    let mut bracket: Option<usize> = None;
    for j in path {
        let item = &items[j];
        if let Some(inside) = bracket.as_mut() {
            if matches!(item.punct(), Some('(' | ')')) {
                bracket = None;
            } else {
                *inside += 1;
                if *inside > MAX_BRACKETED {
                    return None;
                }
            }
            continue;
        }
        if matches!(item.punct(), Some('(' | ')')) {
            bracket = Some(0);
            continue;
        }
        if item.actor().is_some() {
            return any.then_some((j, comma_only));
        }
        // A title before the next person's name ("…, the Prime Minister of Armenia Nikol
        // Pashinyan", "… and Kosovar Prime Minister Albin Kurti"): its words, "of", the country
        // it names and a demonym before it (no actors of their own). Names joined only by a
        // title are no group: a joiner must stand between.
        if is_title_word(items, j) {
            continue;
        }
        match &item.kind {
            ItemKind::Punct(',') => any = true,
            ItemKind::Punct(c) if is_hyphen(*c) || *c == '/' || *c == '&' => {
                any = true;
                comma_only = false;
            }
            ItemKind::Word { lower, .. } if lower == "and" || lower == "or" => {
                any = true;
                comma_only = false;
            }
            ItemKind::Word { lower, .. } if lower == "the" => {}
            _ => return None,
        }
    }
    None
}

/// Whether the name at `at` is the object of a preposition: before it, past determiners,
/// capitalised words (titles), hyphenated modifiers, possessives and at most one other word,
/// stands a preposition.
pub(crate) fn is_prepositional(items: &[Item<'_>], at: usize) -> bool {
    preposition_before(items, at).is_some()
}

/// The preposition that governs the name at `at`, if any (see [`is_prepositional`]).
pub(crate) fn preposition_before<'a>(items: &'a [Item<'_>], at: usize) -> Option<&'a str> {
    preposition_after(items, 0, at)
}

/// Whether the preposition that governs the name at `at` opens the sentence (capitalised:
/// "In Paris, …", "After the summit, …").
fn fronted(items: &[Item<'_>], at: usize) -> bool {
    preposition_index(items, 0, at).is_some_and(|p| matches!(items[p].kind, ItemKind::Word { capital: true, .. }))
}

/// The preposition that governs the name at `at`, looking no further back than `floor`.
pub(crate) fn preposition_after<'a>(items: &'a [Item<'_>], floor: usize, at: usize) -> Option<&'a str> {
    preposition_index(items, floor, at).and_then(|p| items[p].word())
}

/// The item index of the preposition that governs the name at `at`, looking no further back
/// than `floor`.
fn preposition_index(items: &[Item<'_>], floor: usize, at: usize) -> Option<usize> {
    let mut j = at;
    let mut free_words = 0;
    let mut steps = 0;
    while j > floor && steps < 6 {
        j -= 1;
        steps += 1;
        let item = &items[j];
        match &item.kind {
            ItemKind::Word { lower, capital } => {
                // "of" between capitalised words is part of a title ("Secretary of State Rex
                // Tillerson"), not a preposition governing the name.
                let in_title = lower == "of"
                    && j > 0
                    && matches!(items[j - 1].kind, ItemKind::Word { capital: true, .. })
                    && matches!(
                        items.get(j + 1).map(|i| &i.kind),
                        Some(ItemKind::Word { capital: true, .. })
                    );
                if PREPOSITIONS.contains(&lower.as_ref()) && !in_title {
                    return Some(j);
                }
                // A clause word ends the phrase: "to Mediterranean as Greece": "to" is not
                // Greece's.
                if OBJECT_ENDS.contains(&lower.as_ref()) || CLAUSE_OPENERS.contains(&lower.as_ref()) {
                    return None;
                }
                if DETERMINERS.contains(&lower.as_ref()) || *capital || lower == "s" || in_title {
                    continue;
                }
                let before_hyphen = items.get(j + 1).and_then(Item::punct).is_some_and(is_hyphen);
                let after_hyphen = j > 0 && items[j - 1].punct().is_some_and(is_hyphen);
                if before_hyphen || after_hyphen {
                    continue;
                }
                free_words += 1;
                if free_words > 1 {
                    return None;
                }
            }
            ItemKind::Punct(c) if is_hyphen(*c) || is_apostrophe(*c) => {}
            ItemKind::Mention { .. } => {}
            _ => return None,
        }
    }
    None
}

/// What the search for a subject found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Subject {
    Group(Vec<usize>),
    /// Through a relative pronoun ("Egypt, the UAE and France, all of whom have supported").
    Antecedent(Vec<usize>),
    /// A pronoun is the subject: the act has no named source.
    Pronoun,
    None,
}

/// The subject of a verb at item `at`: walking back within the clause, the nearest group of
/// names that is not the object of a preposition nor a modifier. A pronoun ends the search
/// without a subject; a relative pronoun leads to its antecedent; a clause opener ("but",
/// "while") or a semicolon or colon ends it.
pub(crate) fn subject(items: &[Item<'_>], at: usize) -> Subject {
    subject_of(items, at, false)
}

/// As [`subject`]; `gerund`: the verb is an -ing form, whose subject may follow a preposition
/// ("witnesses to Russia cynically helping Assad").
pub(crate) fn subject_of(items: &[Item<'_>], at: usize, gerund: bool) -> Subject {
    let mut j = at;
    let mut steps = 0;
    let mut comma = false;
    while j > 0 && steps < SUBJECT_WINDOW {
        j -= 1;
        steps += 1;
        crate::work::step(1);
        let item = &items[j];
        match &item.kind {
            ItemKind::Punct(')' | ']') => {
                // Skip a bracketed aside.
                let mut depth = 1;
                while j > 0 && depth > 0 && steps < SUBJECT_WINDOW {
                    j -= 1;
                    steps += 1;
                    match items[j].punct() {
                        Some(')' | ']') => depth += 1,
                        Some('(' | '[') => depth -= 1,
                        _ => {}
                    }
                }
            }
            ItemKind::Punct(';' | ':') => return Subject::None,
            ItemKind::Punct(',') => {
                comma = true;
                // "Kenya, which backs Somalia, met Ethiopia": the relative clause between the
                // commas is skipped; its names are not the subject.
                if let Some(open) = relative_clause_before(items, j) {
                    steps += j - open;
                    j = open;
                }
            }
            ItemKind::Word { lower, .. } => {
                let word = lower.as_ref();
                if CLAUSE_OPENERS.contains(&word) {
                    return Subject::None;
                }
                if SUBJECT_PRONOUNS.contains(&word) {
                    return Subject::Pronoun;
                }
                if RELATIVE_PRONOUNS.contains(&word) {
                    return antecedent(items, j);
                }
            }
            ItemKind::Mention { .. } => {
                if item.actor().is_none() {
                    continue;
                }
                let members = group(items, j);
                let first = members[0];
                let last = *members.last().unwrap_or(&j);
                let subject = match preposition_before(items, first) {
                    None => true,
                    // "After the Saudis … instituted": a conjunction, not a preposition.
                    Some(p) if CONJUNCTION_PREPOSITIONS.contains(&p) => !comma,
                    // "The members of the Security Council condemned": the body its members
                    // speak for.
                    Some("of") if members_of(items, first) => true,
                    // "witnesses to Russia cynically helping": the subject of the -ing verb.
                    Some(p) => {
                        gerund && !LOCATION_PREPOSITIONS.contains(&p) && (last + 1..at).all(|k| is_adverb(&items[k]))
                    }
                };
                if subject {
                    return Subject::Group(members);
                }
                // "a blockade of Qatar, Iran and Turkey promised": the list after the first comma
                // is the verb's subject when nothing but adverbs stands between it and the verb.
                let comma = members
                    .windows(2)
                    .position(|w| (w[0] + 1..w[1]).any(|k| items[k].punct() == Some(',')));
                if let Some(cut) = comma {
                    if (last + 1..at).all(|k| is_adverb(&items[k])) {
                        return Subject::Group(members[cut + 1..].to_vec());
                    }
                }
                steps += j - first;
                j = first;
            }
            ItemKind::Punct(_) => {}
        }
    }
    Subject::None
}

/// Whether the name at `first` follows "of" after a plural noun for the people who speak for
/// a body ("the members of", "representatives of", "the leaders of the").
fn members_of(items: &[Item<'_>], first: usize) -> bool {
    const SPEAKERS: &[&str] = &[
        "members",
        "leaders",
        "representatives",
        "officials",
        "delegates",
        "delegation",
        "envoys",
        "ministers",
        "diplomats",
        "leadership",
    ];
    let mut k = first;
    while k > 0 && items[k - 1].is_word("the") {
        k -= 1;
    }
    k >= 2 && items[k - 1].is_word("of") && items[k - 2].is_word_in(SPEAKERS)
}

/// The comma that opens a relative clause (", which …,") closed by the comma at `close`.
fn relative_clause_before(items: &[Item<'_>], close: usize) -> Option<usize> {
    let mut k = close;
    while k > 0 && close - k < 16 {
        k -= 1;
        if items[k].punct() == Some(',') {
            return items
                .get(k + 1)
                .is_some_and(|i| i.is_word_in(RELATIVE_PRONOUNS))
                .then_some(k);
        }
    }
    None
}

fn is_adverb(item: &Item<'_>) -> bool {
    item.word()
        .is_some_and(|w| w.ends_with("ly") || PLAIN_ADVERBS.contains(&w))
}

/// The antecedent of the relative pronoun at `at`: the group of names right before it.
fn antecedent(items: &[Item<'_>], at: usize) -> Subject {
    let mut j = at;
    while j > 0 && at - j < 6 {
        j -= 1;
        let item = &items[j];
        if item.punct() == Some(',') || item.is_word_in(QUANTIFIERS) {
            continue;
        }
        return match item.actor() {
            Some(_) => Subject::Antecedent(group(items, j)),
            None => Subject::None,
        };
    }
    Subject::None
}

/// Whether the verb at `at` shares the subject of the verb before it ("Turkey disputes …, and in
/// pursuit of that, recently signed …"): before it, past adverbs and one comma-enclosed
/// phrase without names, stands "and".
/// How far after the accused a reported act may stand ("said Russia had deliberately shelled").
pub(crate) const REPORTED_ACT_REACH: usize = 6;

/// Conjunctions after which a gerund is an adjunct of the clause before it: its subject is that
/// clause's ("condemned the bombing while rejecting India's narrative").
const ADJUNCT_CONJUNCTIONS: &[&str] = &["while", "after", "before", "when", "upon", "by", "since"];

/// Whether the gerund at `at` opens an adjunct of the clause before it: right after one of
/// [`ADJUNCT_CONJUNCTIONS`] or after a comma ("…, rejecting the plan").
pub(crate) fn adjunct_gerund(items: &[Item<'_>], at: usize) -> bool {
    at.checked_sub(1)
        .and_then(|p| items.get(p))
        .is_some_and(|previous| previous.is_word_in(ADJUNCT_CONJUNCTIONS) || previous.punct() == Some(','))
}

/// The subject of a "that" clause right after a verb ("demanded that Ethiopia withdraw"): the
/// group right after "that" (past a determiner), when a word follows it.
pub(crate) fn that_clause_subject(items: &[Item<'_>], end: usize) -> Option<Vec<usize>> {
    if !items.get(end)?.is_word("that") {
        return None;
    }
    let first = if items.get(end + 1)?.is_word_in(DETERMINERS) {
        end + 2
    } else {
        end + 1
    };
    items.get(first)?.actor()?;
    let members = group(items, first);
    let last = *members.last()?;
    items.get(last + 1)?.word()?;
    Some(members)
}

pub(crate) fn shares_subject(items: &[Item<'_>], at: usize) -> bool {
    let mut j = at;
    let skip_adverbs = |j: &mut usize| {
        let from = *j;
        while *j > 0 && from - *j < 4 {
            let item = &items[*j - 1];
            let adverb = item
                .word()
                .is_some_and(|w| w.ends_with("ly") || PLAIN_ADVERBS.contains(&w));
            if adverb {
                *j -= 1;
            } else {
                break;
            }
        }
    };
    skip_adverbs(&mut j);
    if j > 0 && items[j - 1].is_word("and") {
        return true;
    }
    if j > 0 && items[j - 1].punct() == Some(',') {
        j -= 1;
        let mut steps = 0;
        while j > 0 && steps < 7 {
            j -= 1;
            steps += 1;
            let item = &items[j];
            if item.is_mention() {
                return false;
            }
            if item.is_word("and") {
                return true;
            }
            if item.punct() == Some(',') {
                return j > 0 && items[j - 1].is_word("and");
            }
        }
    }
    false
}

/// Whether the verb at `at` stands after a modal ("could attack", "will visit", "would not
/// sign"): a report of what may happen, not of an act.
pub(crate) fn after_modal(items: &[Item<'_>], at: usize) -> bool {
    let mut j = at;
    while j > 0 && at - j < 3 {
        j -= 1;
        let item = &items[j];
        if item.is_word_in(MODALS) {
            return true;
        }
        if !(is_adverb(item) || item.is_word_in(&["not", "also", "be", "have"])) {
            return false;
        }
    }
    false
}

/// Whether the verb at `at` is in a clause opened by "if", "unless" or "whether" before its
/// subject: a condition, not an act.
pub(crate) fn hypothetical(items: &[Item<'_>], at: usize) -> bool {
    let mut j = at;
    while j > 0 && at - j < 12 {
        j -= 1;
        let item = &items[j];
        if item.is_word_in(&["if", "unless", "whether"]) {
            return true;
        }
        if item.punct().is_some_and(|c| matches!(c, ',' | ';' | ':')) {
            return false;
        }
    }
    false
}

/// Whether the verb at `at` is only attempted, planned or expected ("to try to help").
pub(crate) fn only_attempted(items: &[Item<'_>], at: usize) -> bool {
    // "to stop threatening", "ceased attacking": an act that ends is not one that happens.
    let stopped = at >= 1 && items[at - 1].is_word_in(STOPS);
    stopped || (at >= 2 && items[at - 1].is_word("to") && items[at - 2].is_word_in(ATTEMPTS))
}

/// Whether the trigger at `at` is negated: "not", "never", "no" or "n't" within the three items
/// before it (not "not only", "not without"), or a verb of refusal before "to".
pub(crate) fn negated(items: &[Item<'_>], at: usize) -> bool {
    if at >= 2 && items[at - 1].is_word("to") && items[at - 2].is_word_in(REFUSALS) {
        return true;
    }
    // "denied supplying drones": a denial of the act that follows it as a gerund.
    if at >= 1 && items[at - 1].is_word_in(DENIALS) && items[at].word().is_some_and(|w| w.ends_with("ing")) {
        return true;
    }
    let mut j = at;
    let mut steps = 0;
    while j > 0 && steps < 3 {
        j -= 1;
        steps += 1;
        let item = &items[j];
        if item.is_mention() || item.punct().is_some_and(|c| c == ',' || c == ';') {
            return false;
        }
        let contracted = item.is_word("t")
            && j >= 2
            && items[j - 1].punct().is_some_and(is_apostrophe)
            && items[j - 2].word().is_some_and(|w| w.ends_with('n'));
        if item.is_word_in(NEGATORS) || contracted {
            let next = items.get(j + 1);
            return !next.is_some_and(|n| n.is_word_in(NOT_NEGATED_AFTER_NOT));
        }
    }
    false
}

/// What the search for an object found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Object {
    /// The group, and whether "from" introduced it ("criticism from Egypt": the doer).
    Group {
        members: Vec<usize>,
        from: bool,
    },
    /// "each other", "one another".
    Reciprocal,
    None,
}

/// The object of a trigger ending at item `end` (exclusive): walking forward, the first group
/// of names that is not a modifier nor after a preposition of place or time, before a barrier
/// (a clause break, a semicolon or colon, a bracket or quote, or a comma not followed by
/// "including", "particularly" and the like). A nominal trigger needs a preposition right
/// after it ("talks with", "support for"). For an `aimed` act (an attack), "at" names the
/// target, not a place ("fired rockets at Israel"). A coordinated second verb ends the search
/// ("rejected the report and said Armenia …": Armenia is no object of "rejected").
pub(crate) fn object(
    lexicon: &Lexicon,
    items: &[Item<'_>],
    end: usize,
    nominal: bool,
    aimed: bool,
    window: usize,
) -> Object {
    let mut j = end;
    let mut from = false;
    if nominal {
        // Past ", particularly" to the preposition.
        while j < end + 4
            && items.get(j).is_some_and(|i| i.punct() == Some(','))
            && items.get(j + 1).is_some_and(|i| i.is_word_in(CONTINUERS))
        {
            j += 2;
        }
        // Past a day ("held talks Tuesday with").
        if items
            .get(j)
            .and_then(Item::word)
            .is_some_and(|w| CALENDAR_WORDS.contains(w) || TIME_WORDS.contains(&w))
        {
            j += 1;
        }
        let introduced = j > 0 && items.get(j - 1).is_some_and(|i| i.is_word_in(NOUN_PREPOSITIONS));
        if !introduced && !items.get(j).is_some_and(|i| i.is_word_in(NOUN_PREPOSITIONS)) {
            return Object::None;
        }
    }
    let mut steps = 0;
    while j < items.len() && steps < window {
        crate::work::step(1);
        let item = &items[j];
        match &item.kind {
            ItemKind::Punct(',') => {
                if items.get(j + 1).is_some_and(|i| i.is_word_in(CONTINUERS)) {
                    j += 1;
                } else {
                    return Object::None;
                }
            }
            ItemKind::Punct(';' | ':' | '(' | '[' | '"' | '\u{201C}' | '\u{201D}' | '\u{2014}' | '.' | '?' | '!') => {
                return Object::None;
            }
            ItemKind::Punct('\u{2013}') if items.get(j + 1).is_some_and(|i| !i.is_mention()) => return Object::None,
            ItemKind::Word { lower, .. } => {
                if OBJECT_ENDS.contains(&lower.as_ref()) {
                    return Object::None;
                }
                // "warned that Turkey will respond": "that" before a name or a determiner opens
                // a clause, whose subject is no object of the verb.
                if lower == "that"
                    && items
                        .get(j + 1)
                        .is_some_and(|next| next.is_mention() || next.is_word_in(DETERMINERS))
                {
                    return Object::None;
                }
                if is_reciprocal(items, j) {
                    return Object::Reciprocal;
                }
                if lower == "and" && verb_follows(lexicon, items, j + 1) {
                    return Object::None;
                }
                if lower == "from" {
                    from = true;
                }
            }
            ItemKind::Mention { .. } => {
                if item.actor().is_some() {
                    let members = group(items, j);
                    // Not a place or time, nor (for a verb) the agent of another participle
                    // ("evaded sanctions imposed by the EU").
                    let place = preposition_after(items, end, j).is_some_and(|p| {
                        (LOCATION_PREPOSITIONS.contains(&p) && p != "from" && !(aimed && p == "at"))
                            || (!nominal && p == "by")
                    });
                    if !place {
                        return Object::Group {
                            members: role_holder(items, &members)
                                .unwrap_or_else(|| cut_before_next_subject(lexicon, items, members)),
                            from,
                        };
                    }
                    j = *members.last().unwrap_or(&j);
                }
            }
            ItemKind::Punct(_) => {}
        }
        j += 1;
        steps += 1;
    }
    Object::None
}

/// Whether the name at `first` follows the verb ending at `end` right away: only determiners,
/// capitalised words (titles) and names that are no actors ("Turkish" before "President")
/// stand between, at most four items.
pub(crate) fn follows_directly(items: &[Item<'_>], end: usize, first: usize) -> bool {
    first >= end
        && first - end <= 4
        && items[end..first].iter().all(|item| {
            item.is_word_in(DETERMINERS)
                || matches!(item.kind, ItemKind::Word { capital: true, .. })
                || (item.is_mention() && item.actor().is_none())
        })
}

/// Whether a verb of the lexicon (an act or a verb of saying) starts at `at`, past one adverb:
/// after "and", it opens a second predicate ("and said", "and later called").
fn verb_follows(lexicon: &Lexicon, items: &[Item<'_>], at: usize) -> bool {
    let at = if items.get(at).is_some_and(is_adverb) {
        at + 1
    } else {
        at
    };
    trigger_at(lexicon, items, at, Role::Act).is_some_and(|t| lexicon.form(t.form).pos == Pos::Verb)
}

/// Verbs that deny the act of a gerund after them ("denied supplying").
const DENIALS: &[&str] = &["deny", "denies", "denied", "denying", "rejected", "rejects"];

/// Auxiliaries that follow a subject.
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "will", "would", "is", "are", "was", "were", "can", "could", "may", "might", "must", "should",
];

/// "a blockade of Qatar, Iran and Turkey promised …": when a verb follows the group, the names
/// after its first comma are the next clause's subject, not objects.
fn cut_before_next_subject(lexicon: &Lexicon, items: &[Item<'_>], mut members: Vec<usize>) -> Vec<usize> {
    let Some(&last) = members.last() else {
        return members;
    };
    let verb_follows = items.get(last + 1).is_some_and(|next| {
        next.is_word_in(AUXILIARIES)
            || next.is_word_in(MODALS)
            || trigger_at(lexicon, items, last + 1, Role::Act).is_some_and(|t| lexicon.form(t.form).pos == Pos::Verb)
    });
    if verb_follows {
        // At the first comma if the group has one ("Qatar, Iran and Turkey promised"), else at
        // the first "and" ("Ukraine and NATO condemned").
        let joined_by = |w: &[usize], test: &dyn Fn(&Item<'_>) -> bool| (w[0] + 1..w[1]).any(|k| test(&items[k]));
        let comma = members
            .windows(2)
            .position(|w| joined_by(w, &|i| i.punct() == Some(',')));
        let and = members
            .windows(2)
            .position(|w| joined_by(w, &|i| i.is_word_in(&["and", "or"])));
        if let Some(cut) = comma.or(and) {
            members.truncate(cut + 1);
        }
    }
    members
}

/// The possessor of a noun at `at` ("Kalın’s talks", "Turkey's military support": at most one
/// word between them): the actor item, or `Err(())` when a possessive pronoun owns it ("his trip": a source, unnamed).
pub(crate) fn possessor(items: &[Item<'_>], at: usize) -> Option<Result<usize, ()>> {
    let mut j = at;
    let mut adjectives = 0;
    while j > 0 {
        let item = &items[j - 1];
        if item.is_word_in(POSSESSIVE_PRONOUNS) {
            return Some(Err(()));
        }
        if item.is_word("s") && j >= 3 && items[j - 2].punct().is_some_and(is_apostrophe) {
            return items[j - 3].actor().map(|_| Ok(j - 3));
        }
        if item.punct().is_some_and(is_apostrophe) && j >= 2 {
            return items[j - 2].actor().map(|_| Ok(j - 2));
        }
        let adjective = matches!(&item.kind, ItemKind::Word { lower, capital: false } if !DETERMINERS.contains(&lower.as_ref()) && !PREPOSITIONS.contains(&lower.as_ref()));
        if adjective && adjectives < 1 {
            adjectives += 1;
            j -= 1;
            continue;
        }
        return None;
    }
    None
}

/// The names joined right before a noun at `at` ("the Turkiye-Libya deal"): two or more.
pub(crate) fn compound_before(items: &[Item<'_>], at: usize) -> Option<Vec<usize>> {
    let mut j = at;
    let mut adjectives = 0;
    while j > 0 {
        let item = &items[j - 1];
        if item.actor().is_some() {
            let members = group(items, j - 1);
            let hyphenated = members.len() >= 2
                && members
                    .windows(2)
                    .all(|w| w[1] == w[0] + 2 && items[w[0] + 1].punct().is_some_and(|c| is_hyphen(c) || c == '/'));
            return hyphenated.then_some(members);
        }
        let adjective = matches!(&item.kind, ItemKind::Word { capital: false, .. });
        if adjective && adjectives < 2 {
            adjectives += 1;
            j -= 1;
            continue;
        }
        return None;
    }
    None
}

/// "between A and B" right after a noun at `end` (exclusive): the group, if it has two names.
/// How far back from a participle [`between_before`] looks for "between".
const BETWEEN_BEFORE_REACH: usize = 10;

/// The "between A and B" group that ends before `at` ("the ceasefire between Israel and Hamas,
/// mediated by …"), within a few items and not across a sentence's verb.
pub(crate) fn between_before(items: &[Item<'_>], at: usize) -> Option<Vec<usize>> {
    let start = at.saturating_sub(BETWEEN_BEFORE_REACH);
    (start..at).rev().find_map(|j| {
        crate::work::step(1);
        between(items, j).filter(|members| members.iter().all(|&m| m < at))
    })
}

pub(crate) fn between(items: &[Item<'_>], end: usize) -> Option<Vec<usize>> {
    let opener = items.get(end)?;
    if !opener.is_word_in(&["between", "among"]) {
        return None;
    }
    let mut j = end + 1;
    while j < items.len() && j < end + 4 {
        if items[j].actor().is_some() {
            let members = group(items, j);
            return (members.len() >= 2).then_some(members);
        }
        if items[j].is_mention() {
            return None;
        }
        j += 1;
    }
    None
}

/// Whether the verb at `at` is passive: a form of "be" before it, past adverbs.
pub(crate) fn passive(items: &[Item<'_>], at: usize) -> bool {
    let mut j = at;
    while j > 0 && at - j < 4 {
        let item = &items[j - 1];
        if item.is_word_in(BE_FORMS) {
            return true;
        }
        if item
            .word()
            .is_some_and(|w| w.ends_with("ly") || PLAIN_ADVERBS.contains(&w))
        {
            j -= 1;
            continue;
        }
        return false;
    }
    false
}

/// The agent of an act named after a verb ending at `end`: within ten items and before any
/// barrier, an act noun of the lexicon right before "by" and a group of names ("the recent
/// series of attacks by the 23 March Movement").
pub(crate) fn act_agent(lexicon: &Lexicon, items: &[Item<'_>], end: usize) -> Option<Vec<usize>> {
    let mut j = end;
    while j < items.len() && j < end + 10 {
        crate::work::step(1);
        let item = &items[j];
        if item.punct().is_some() || item.actor().is_some() || item.is_word_in(OBJECT_ENDS) {
            return None;
        }
        if item.is_word("by") {
            // Any noun reading of the word: after an adjective ("recent attacks") the verb
            // reading would win a context test, but no verb stands before "by".
            let act_noun = j > end
                && items[j - 1].word().is_some_and(|word| {
                    lexicon.forms_starting(word).iter().any(|&f| {
                        let form = lexicon.form(f);
                        form.pos == Pos::Noun && form.role == Role::Act && form.words.len() == 1
                    })
                });
            return if act_noun { by_agent(items, j) } else { None };
        }
        j += 1;
    }
    None
}

/// The agent of a passive verb ending at `end`: "by" and a group of names within four items.
pub(crate) fn by_agent(items: &[Item<'_>], end: usize) -> Option<Vec<usize>> {
    let mut j = end;
    while j < items.len() && j < end + 4 {
        if items[j].is_word("by") {
            let mut k = j + 1;
            // Past a determiner and a title with its country ("by the President of Azerbaijan
            // Ilham Aliyev").
            while k < items.len() && k < j + 8 {
                if items[k].actor().is_some() {
                    return Some(group(items, k));
                }
                if is_title_word(items, k) {
                    k += 1;
                    continue;
                }
                if items[k].is_mention() || items[k].punct().is_some() {
                    return None;
                }
                k += 1;
            }
            return None;
        }
        j += 1;
    }
    None
}

/// "UN-backed Government": a name, a hyphen, then the participle at `at`; the noun after it
/// is the target. Returns (source item, target group).
pub(crate) fn hyphen_compound(lexicon: &Lexicon, items: &[Item<'_>], at: usize) -> Option<(usize, Vec<usize>)> {
    if at < 2 || !items[at - 1].punct().is_some_and(is_hyphen) {
        return None;
    }
    let source = &items[at - 2];
    let ItemKind::Mention { actor: true, .. } = source.kind else {
        return None;
    };
    let mut j = at + 1;
    while j < items.len() && j < at + 4 {
        let item = &items[j];
        if item.actor().is_some() {
            return Some((at - 2, group(items, j)));
        }
        // The noun phrase it modifies: names and adjectives, not a verb ("the Iran-backed
        // Hezbollah attacked Israel": Israel is not what Iran backs).
        let plain_word = item
            .word()
            .is_some_and(|w| !PREPOSITIONS.contains(&w) && !BE_FORMS.contains(&w) && !w.ends_with("ed"))
            && trigger_at(lexicon, items, j, Role::Act).is_none();
        if !plain_word {
            break;
        }
        j += 1;
    }
    // An appositive: "The Houthis, an Iran-backed force, …": the name the phrase describes.
    let appositive = at >= 5
        && items[at - 3].is_word_in(&["a", "an", "the"])
        && items[at - 4].punct() == Some(',')
        && items[at - 5].actor().is_some();
    appositive.then(|| (at - 2, group(items, at - 5)))
}

/// The item index where a comma opens the participle clause of the verb at `at` (", providing
/// …", ", capturing …"), if it is one.
pub(crate) fn participle_comma(items: &[Item<'_>], at: usize, governor: Option<usize>) -> Option<usize> {
    let verb = governor.unwrap_or(at);
    let previous = verb.checked_sub(1)?;
    (items[previous].punct() == Some(',')).then_some(previous)
}
