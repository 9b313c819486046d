//! Events between actors: who did what to whom in a text, CAMEO-coded, with the spans of the
//! source, the target and the trigger.
//!
//! # How an event is found
//! The entity extractor finds the sentences and the mentions. Within one sentence, the words of
//! the event lexicon (a data file, see [`crate::model::event_lexicon`]) are the *triggers*; for each trigger the
//! patterns below find its *source* and *target* among the sentence's actor mentions. There is
//! no parser: each pattern is a rule over a window of the sentence's items (words, punctuation
//! and mentions), stated here and tested on its own sentence in `tests/engine/events.rs`.
//!
//! **Actors.** People, organisations, countries and cities, the governments that metonyms stand
//! for ("Ankara"), and unknown names not taken for regions. Regions are places, not actors. A
//! demonym right before a title and a person ("Turkish President Erdogan") is not an actor of its
//! own. A name followed by a hyphen and a lower-case word ("Tripoli-based", "GNA-held") only
//! modifies a noun: it is neither subject nor object. Pronouns and descriptions never are actors.
//!
//! **Groups.** Names joined by commas, "and", "or", hyphens or slashes form one group ("Egypt,
//! the UAE and France", "Turkiye-Libya"); each member acts on each member of the other side: one
//! event per pair. When the only actors of an act are one group ("Greece and Turkey signed",
//! "talks between A and B", "the Turkiye-Libya deal", "A and B support each other", "it was
//! signed by A, B and C"), the act is mutual: one event for each pair of members, the
//! first-named of the pair its source — for a symmetric code
//! (04x, 057, 06x) or a trigger marked `mutual` ("dispute", "clash"), never for others ("France
//! and Germany condemned the attack" is no event). A group holds at most 24 names. A name that
//! is already the object of an earlier act in the sentence is not the subject of a later one
//! ("Russia attacked Ukraine and NATO condemned Russia").
//!
//! **Verbs** (precedence in this order):
//! 1. *Hyphenated participle*: "UN-backed Government": the name before the hyphen is the source,
//!    the name after the participle the target; with none there, the name an appositive
//!    describes ("the Houthis, an Iran-backed force").
//! 2. *Passive*: a form of "be" before a participle and "by" within four items after it: the
//!    agent after "by" is the source, the subject the target. A passive without "by" gives none.
//! 3. *Shared subject*: after ", and" (past adverbs and one comma-enclosed phrase without names)
//!    a verb shares the subject of the trigger before it in the sentence.
//! 4. *Subject*: walking back at most 40 items, the nearest group that is not after a
//!    preposition (past determiners, titles and one adjective); a bracketed aside is skipped; a
//!    pronoun means the source is unnamed (no event); a relative pronoun ("who", "whom",
//!    "which", past "all of") leads to the group right before it; "but", "while", "although",
//!    a semicolon or a colon end the search.
//! 5. *Object*: walking forward at most 14 items, the first group not after a preposition of
//!    place or time ("in", "at", "from"), stopping at a barrier: a semicolon, colon, bracket,
//!    quote or dash, "who", "which", "where", "while", "but", "as", "when", or a comma not
//!    followed by "including", "particularly" and the like. With no object, a verb in a
//!    participle clause (", providing …") takes the main clause's object (the nearest group
//!    between its subject and the comma). An object group followed by a verb is cut at its
//!    first comma, or else its first "and": the rest is the next clause's subject ("a blockade of
//!    Qatar, Iran and Turkey promised"). A name after "by" is another participle's agent, not the
//!    verb's object. "of" between capitalised words is part of a title ("Secretary of State"),
//!    and a clause word ("as", "while") ends a prepositional phrase; a comma after a sentence's
//!    opening phrase ("In Paris, France and Germany") ends it. "and" before a verb of the
//!    lexicon ends it too: "rejected the report and said Armenia …" takes no object across the
//!    second verb. For an attack (roots 18 to 20) "at" names the target ("fired rockets at
//!    Israel"), not a place. A verb marked `direct` takes only a name right after it, past
//!    determiners and titles ("received Erdoğan", not "received a reply from Hamas").
//! 6. A verb after "to" that follows "try", "seek", "plan", "expected", "preparing" and the like
//!    was only attempted or planned; a verb after a modal ("could", "will", "would") may only
//!    happen; a verb after "stop", "cease", "halt" ends; a verb in a clause opened by "if",
//!    "unless", "whether" is a condition: no event. A trigger inside the span of an event already found (from
//!    its trigger to its target: "promised to help the Qataris", "signed a deal with Libya") is
//!    part of that event, not one of its own.
//!
//! 7. A verb of disapproval (root 11) whose object is an act with its agent ("condemned the
//!    recent attacks by M23") targets the agent.
//! 8. A gerund right after "while", "after", "before", "when", "upon", "by", "since" or a comma
//!    is an adjunct: it shares the subject of the verb read before it ("condemned the bombing
//!    while rejecting India's claims"), or finds its own when there is none.
//! 9. A demand (root 10) followed by "that" and a name targets that name ("demanded that
//!    Ethiopia withdraw"). An obligation ("is obligated to cooperate") is no act done.
//! 10. "A urged B to hold C accountable": a disapproval or rejection (roots 11, 12) right after
//!     "to" and the addressee of a request (root 02) is the requester's: A 02 B and A 11 C.
//! 11. A name that owns a person's role named right after it between commas stands for the
//!     role's holder ("met Qatar's ruling emir, Sheikh Tamim": the emir is the object). A
//!     group passes a bracketed short form ("the Houthis (Ansar Allah) and Hezbollah") and a
//!     title with its demonym ("… and Kosovar Prime Minister Albin Kurti"); a noun passes a
//!     day before its preposition ("held talks Tuesday with").
//!
//! A mediation's participle after its noun ("a dialogue facilitated by the EU", "the truce
//! between A and B, mediated by Egypt"): the agent after "by" mediates with the "between" group
//! before it, else with the clause's subject when that is two actors or more; else no event.
//!
//! **Nouns** ("talks", "visit", "support", "offensive"):
//! 1. "between A and B" right after the noun: mutual, even inside an earlier verb's object
//!    ("mediated talks between A and B": the mediator's act, and A and B's talks).
//! 2. A possessor before the noun ("Kalın’s talks with …"): the source; the target follows a
//!    preposition right after the noun. A possessive pronoun ("his trip") gives no event.
//! 3. A hyphenated group before the noun ("the Egypt-Turkey deal"): mutual.
//! 4. "from" before the object ("controversy from Egypt"): the group after it is the source,
//!    the subject of the clause the target; "by" right after the object ("attacks on Ukraine by
//!    Russia", with no governing verb): the group after "by" is the source.
//! 5. A light verb governing the noun within eight items ("imposed … embargoes on",
//!    "launched an offensive against", "in support of"): the verb's subject is the source, the
//!    object after the noun's preposition the target, and the trigger span runs from the verb.
//!    A noun with none of these ("the visit marks …") gives no event.
//!
//! **Agent nouns** ("backer of", "ally") read like verbs, with a nominal object.
//!
//! **Speech** ("said", "stated"): the speaker is the source; the target is the first actor of
//! what is said (after the verb, or in the quotation right before the speaker). A content word in
//! what is said ("provoking", "funder of terrorism") makes the statement an act of its code
//! (accusation); so does a hostile act (roots 13 to 20) within six items after the first actor,
//! in the same clause ("Kyiv said Russia had shelled a hospital"); else it is a statement (010). When what is said opens with a pronoun ("Cairo
//! said it would back Haftar"), the speaker reports its own act: the act's trigger and code,
//! and with a modal ("would", "will") its intent: 030 for a cooperative act, 130 (threaten) for
//! one of conflict. Its own attack may name its target after "at" ("said it had fired rockets
//! at Israel"); no other act of its own does.
//!
//! **Negation**: "not", "never", "no" or "n't" within three items before the trigger (not "not
//! only", "not without"), or a verb of refusal before "to" ("refused to meet").
//!
//! **Codes**: a trigger's code, refined when a word of a named class stands within six items
//! before the trigger or between it and the target (military words make support 072). One event
//! per (source, code root, target, negation) in a sentence: the first found.
//!
//! **Corroboration**: an event whose two actors are linked, and that a relation of the model
//! states (a predicate the code lists in `corroborates`, in the event's direction, either way for
//! a symmetric act or predicate) names that relation; a code with `agreements = true` names the
//! agreements both actors are party to.
//!
//! # What it costs
//! The entity extraction, then one pass over each sentence that holds two actors or more; each
//! trigger looks at a bounded window (at most 40 items back, 30 forward), so the work is linear
//! in the text.

mod items;
mod patterns;

use std::cell::OnceCell;
use std::collections::HashSet;

use crate::extract::{ExtractOptions, Extraction, Extractor, Mention};
use crate::model::event_lexicon::{CodeIndex, Lexicon, Pos, Role, VerbForm};
use crate::model::{AgreementIndex, EntityIndex, Model, RelationIndex};
use items::{Item, ItemKind};
use patterns::{Object, Subject, TriggerAt};

pub use crate::model::event_lexicon::{Code, Quad};

/// Which rule found an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    ActiveVerb,
    PassiveVerb,
    HyphenParticiple,
    SharedSubject,
    RelativeClause,
    Mutual,
    ParticipleClause,
    NounPossessive,
    NounBetween,
    NounCompound,
    NounFrom,
    NounGoverned,
    NounBy,
    AgentNoun,
    Speech,
    ReportedOwnAct,
}

impl Rule {
    /// A short explanation of the rule, for the answer.
    pub fn explain(self) -> &'static str {
        match self {
            Rule::ActiveVerb => "verb: its subject is the source, its object the target",
            Rule::PassiveVerb => "passive verb: the agent after \"by\" is the source, the subject the target",
            Rule::HyphenParticiple => "hyphenated participle (\"X-backed Y\"): X is the source, Y the target",
            Rule::SharedSubject => "verb after \", and\": it shares the subject of the verb before it",
            Rule::RelativeClause => "relative clause: the antecedent of \"who\"/\"which\" is the source",
            Rule::Mutual => "the actors of one group act together: the first named is the source",
            Rule::ParticipleClause => "participle clause: the main clause's subject and object",
            Rule::NounPossessive => "noun with a possessor: the possessor is the source, the noun's object the target",
            Rule::NounBetween => "noun with \"between A and B\": a mutual act, A the source",
            Rule::NounCompound => "noun after hyphenated names (\"A-B deal\"): a mutual act, A the source",
            Rule::NounFrom => "noun with \"from X\": X is the source, the clause's subject the target",
            Rule::NounGoverned => {
                "noun governed by a verb (\"imposed sanctions on\"): the verb's subject is the source"
            }
            Rule::NounBy => "noun with \"by X\" after its object (\"attacks on Ukraine by Russia\"): X is the source",
            Rule::AgentNoun => "agent noun (\"a backer of\"): the subject is the source, the noun's object the target",
            Rule::Speech => "speech: the speaker is the source, the actor named in what is said the target",
            Rule::ReportedOwnAct => {
                "reported speech about the speaker's own act (\"said it would back\"): the speaker is the source; with a modal, its intent"
            }
        }
    }

    fn confidence(self) -> f32 {
        match self {
            Rule::ActiveVerb | Rule::PassiveVerb => 0.85,
            Rule::HyphenParticiple | Rule::NounPossessive | Rule::NounBetween | Rule::AgentNoun => 0.8,
            Rule::RelativeClause | Rule::Mutual | Rule::NounCompound | Rule::NounGoverned => 0.75,
            Rule::SharedSubject | Rule::NounFrom | Rule::NounBy => 0.7,
            Rule::Speech | Rule::ParticipleClause | Rule::ReportedOwnAct => 0.65,
        }
    }
}

/// One event found in a text. Offsets are bytes of the text; mentions are indexes into
/// [`EventExtraction::extraction`]'s mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub source: usize,
    pub target: usize,
    /// The trigger's byte range.
    pub trigger: (usize, usize),
    pub code: CodeIndex,
    pub negated: bool,
    /// The sentence's byte range and index.
    pub sentence: (usize, usize),
    pub sentence_index: usize,
    pub confidence: f32,
    pub rule: Rule,
    /// Relations of the model the event corroborates.
    pub relations: Vec<RelationIndex>,
    /// Agreements of the model the event corroborates.
    pub agreements: Vec<AgreementIndex>,
}

/// What the caller wants back.
#[derive(Debug, Clone, Default)]
pub struct EventOptions {
    /// Only events with at least this confidence.
    pub min_confidence: f32,
    /// Only events whose code has one of these two-digit roots; empty means all.
    pub roots: Vec<String>,
}

/// The events of a text, with the extraction they were read from.
#[derive(Debug, Clone, Default)]
pub struct EventExtraction {
    pub extraction: Extraction,
    pub events: Vec<Event>,
}

/// Finds the events of `text`, giving up (`None`) when `stop` returns true.
pub fn extract_events(
    model: &Model,
    extractor: &Extractor,
    text: &str,
    options: &EventOptions,
    stop: &dyn Fn() -> bool,
) -> Option<EventExtraction> {
    let extraction = extractor.extract_until(text, &ExtractOptions::default(), stop)?;
    let lexicon = &model.event_lexicon;
    let mentions = &extraction.mentions;
    let mask = items::actor_mask(text, mentions, &|e| model.entities.get(e.get()).map(|x| x.entity_type));
    // The extractor's sentences: the ones its mentions' sentence indexes count.
    let starts = &extraction.sentence_starts;
    let mut events = Vec::new();
    let mut cursor = 0;
    // One buffer for every sentence's items.
    let mut items = Vec::new();
    for (sentence_index, &start) in starts.iter().enumerate() {
        let end = starts.get(sentence_index + 1).copied().unwrap_or(text.len());
        let first = cursor;
        while cursor < mentions.len() && mentions[cursor].span.byte_start < end {
            cursor += 1;
        }
        let in_sentence: Vec<(usize, &Mention)> = (first..cursor)
            .map(|i| (i, &mentions[i]))
            .filter(|(_, m)| !m.nested)
            .collect();
        // Two different actors at least, or no event can be stated.
        let mut actors = in_sentence
            .iter()
            .filter(|(i, _)| mask[*i])
            .map(|(_, m)| actor_of(text, m));
        let first_actor = actors.next();
        if lexicon.is_empty() || !actors.any(|a| Some(&a) != first_actor.as_ref()) {
            continue;
        }
        if sentence_index % 64 == 0 && stop() {
            return None;
        }
        let trimmed_end = start + text[start..end].trim_end().len();
        items::items(text, start, trimmed_end, &in_sentence, &mask, &mut items);
        let sentence = Sentence {
            text,
            lexicon,
            items: &items,
            mentions,
            range: (start, trimmed_end),
            index: sentence_index,
            headline: OnceCell::new(),
        };
        sentence.events(&mut events);
    }
    for event in &mut events {
        corroborate(model, mentions, event);
    }
    events.retain(|e| {
        e.confidence >= options.min_confidence
            && (options.roots.is_empty() || options.roots.iter().any(|r| lexicon.codes[e.code].root() == r))
    });
    Some(EventExtraction { extraction, events })
}

/// Who a mention names, for telling actors apart: its entity (or the government a metonym
/// stands for), or an unknown name's local id, or its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Actor {
    Entity(EntityIndex),
    Local(u32),
    Text(String),
}

fn actor_of(text: &str, mention: &Mention) -> Actor {
    match (mention.metonym_for.or(mention.entity), mention.local_id) {
        (Some(entity), _) => Actor::Entity(entity),
        (None, Some(local)) => Actor::Local(local),
        (None, None) => Actor::Text(
            text.get(mention.span.byte_start..mention.span.byte_end)
                .unwrap_or("")
                .to_lowercase(),
        ),
    }
}

/// The entity an event actor stands for.
pub fn entity_of(mention: &Mention) -> Option<EntityIndex> {
    mention.metonym_for.or(mention.entity)
}

/// What one trigger's patterns found.
struct TriggerMatch {
    sources: Vec<usize>,
    targets: Vec<usize>,
    /// One group acting together: `sources` holds it, `targets` is empty.
    mutual: bool,
    rule: Rule,
    /// The first item of the trigger span (a light verb's, for a governed noun).
    trigger_first: usize,
    /// The trigger span's end, when it is not the matched trigger's (a speaker's own act).
    trigger_end: Option<usize>,
    code: Option<CodeIndex>,
}

struct Sentence<'a> {
    text: &'a str,
    lexicon: &'a Lexicon,
    items: &'a [Item<'a>],
    mentions: &'a [Mention],
    range: (usize, usize),
    index: usize,
    /// Most of its words are capitalised: a headline (worked out when first needed).
    headline: OnceCell<bool>,
}

impl Sentence<'_> {
    fn events(&self, out: &mut Vec<Event>) {
        let items = self.items;
        let mut claimed_until = 0;
        // The items that were objects of earlier acts: a set, since a long sentence gathers many
        // and every later act asks about its subjects.
        let mut objects: rustc_hash::FxHashSet<usize> = rustc_hash::FxHashSet::default();
        let mut last_subject: Option<Vec<usize>> = None;
        // The last request's source and the last item of its addressee ("urged the EU").
        let mut last_request: Option<(Vec<usize>, usize)> = None;
        let mut seen: HashSet<(Actor, String, Actor, bool)> = HashSet::new();
        let mut i = 0;
        while i < items.len() {
            crate::work::step(1);
            let Some(trigger) = patterns::trigger_at(self.lexicon, items, i, Role::Act) else {
                i += 1;
                continue;
            };
            i = trigger.end;
            if trigger.first < claimed_until {
                // "hosted talks between A and B": a noun inside an earlier act's object that
                // names its own parties is their mutual act too.
                let form = self.lexicon.form(trigger.form);
                if form.pos == Pos::Noun && form.role == Role::Act {
                    if let Some(members) = patterns::between(items, trigger.end) {
                        let found = TriggerMatch {
                            sources: members,
                            targets: Vec::new(),
                            mutual: true,
                            rule: Rule::NounBetween,
                            trigger_first: trigger.first,
                            trigger_end: None,
                            code: None,
                        };
                        self.emit(&found, trigger, out, &mut seen);
                    }
                }
                continue;
            }
            // "refused to meet": the refusal negates the verb after it, it is no act of its own.
            if items[trigger.first].is_word_in(items::REFUSALS)
                && items.get(trigger.end).is_some_and(|x| x.is_word("to"))
            {
                continue;
            }
            // A capitalised trigger inside running text is part of a title or name ("see
            // "U.S./NATO Cooperation with Turkey""); in a headline every word is capitalised.
            let capital = matches!(items[trigger.first].kind, ItemKind::Word { capital: true, .. });
            if capital && trigger.first > 0 && !*self.headline.get_or_init(|| headline(items)) {
                continue;
            }
            let form = self.lexicon.form(trigger.form);
            let found = match (form.role, form.pos) {
                (Role::Speech, _) => self.speech(trigger, form.verb_form, &last_subject),
                (_, Pos::Verb) => self.verb(trigger, form.verb_form, &last_subject),
                (_, Pos::Noun) => self.noun(trigger, &last_subject),
                (_, Pos::Agent) => self.agent(trigger),
            };
            // A name that is already the object of an earlier act of the sentence is not the
            // subject of a later one ("Russia attacked Ukraine and NATO condemned Russia").
            let found = found.and_then(|mut found| {
                if !found.mutual && found.rule != Rule::SharedSubject {
                    found.sources.retain(|s| {
                        crate::work::step(1);
                        !objects.contains(s)
                    });
                    // "A urged B to hold C accountable": B, the one asked, is no doer; the
                    // disapproval or rejection of C is A's.
                    let code = found.code.unwrap_or(trigger.code);
                    if found.sources.is_empty() && matches!(self.lexicon.codes[code].root(), "11" | "12") {
                        if let Some((requester, addressee_end)) = &last_request {
                            let to = trigger.first.checked_sub(1);
                            if to.is_some_and(|to| items[to].is_word("to") && *addressee_end + 1 == to) {
                                found.sources = requester.clone();
                            }
                        }
                    }
                }
                (!found.sources.is_empty()).then_some(found)
            });
            let Some(found) = found else {
                if form.pos == Pos::Verb {
                    if let Subject::Group(g) | Subject::Antecedent(g) = patterns::subject(items, trigger.first) {
                        last_subject = Some(g);
                    }
                }
                continue;
            };
            if !found.mutual && form.role != Role::Speech {
                // The grammatical subject: a passive's subject and a "from" noun's clause subject
                // are the targets, not the doers.
                last_subject = Some(match found.rule {
                    Rule::PassiveVerb | Rule::NounFrom => found.targets.clone(),
                    _ => found.sources.clone(),
                });
            }
            // A hyphenated participle only describes its noun ("Hezbollah, the Iran-backed
            // group, fired …"): that noun may still act.
            if found.rule != Rule::HyphenParticiple {
                objects.extend(found.targets.iter().copied());
            }
            if let Some(&last) = found.targets.iter().max() {
                if last > trigger.first {
                    claimed_until = claimed_until.max(last + 1);
                }
            }
            let code = found.code.unwrap_or(trigger.code);
            if self.lexicon.codes[code].root() == "02" {
                if let Some(&end) = found.targets.iter().max() {
                    last_request = Some((found.sources.clone(), end));
                }
            }
            self.emit(&found, trigger, out, &mut seen);
        }
    }

    fn sources_for(&self, at: usize, last_subject: &Option<Vec<usize>>, gerund: bool) -> Option<(Vec<usize>, Rule)> {
        if patterns::shares_subject(self.items, at) {
            return last_subject.clone().map(|g| (g, Rule::SharedSubject));
        }
        // An adjunct gerund ("while rejecting", ", noting") shares the subject of the verb
        // before it when that verb was read; else its subject is sought as any verb's.
        if gerund && patterns::adjunct_gerund(self.items, at) {
            if let Some(g) = last_subject {
                return Some((g.clone(), Rule::SharedSubject));
            }
        }
        if patterns::hypothetical(self.items, at) {
            return None;
        }
        match patterns::subject_of(self.items, at, gerund) {
            Subject::Group(g) => Some((g, Rule::ActiveVerb)),
            Subject::Antecedent(g) => Some((g, Rule::RelativeClause)),
            Subject::Pronoun | Subject::None => None,
        }
    }

    fn verb(&self, trigger: TriggerAt, verb_form: VerbForm, last_subject: &Option<Vec<usize>>) -> Option<TriggerMatch> {
        let items = self.items;
        if patterns::only_attempted(items, trigger.first) || patterns::after_modal(items, trigger.first) {
            return None;
        }
        let found = |sources, targets, mutual, rule| TriggerMatch {
            sources,
            targets,
            mutual,
            rule,
            trigger_first: trigger.first,
            trigger_end: None,
            code: None,
        };
        if verb_form == VerbForm::Past {
            if let Some((source, targets)) = patterns::hyphen_compound(self.lexicon, items, trigger.first) {
                return Some(found(vec![source], targets, false, Rule::HyphenParticiple));
            }
            if patterns::passive(items, trigger.first) {
                let agent = patterns::by_agent(items, trigger.end)?;
                return match patterns::subject(items, trigger.first) {
                    Subject::Group(g) | Subject::Antecedent(g) => Some(found(agent, g, false, Rule::PassiveVerb)),
                    // "It was signed by A, B and C": with no named subject, a mutual act is
                    // between its agents.
                    _ if agent.len() >= 2 && trigger.mutual => Some(found(agent, Vec::new(), true, Rule::Mutual)),
                    _ => None,
                };
            }
            // "a dialogue mediated by the EU": a mediation's participle after its noun names
            // the mediator after "by"; the parties are the "between" group before it, or the
            // clause's subject when that is two actors or more ("Kosovo and Serbia agreed to a
            // dialogue facilitated by the EU"). With neither, no event.
            if self.lexicon.codes[trigger.code].code == "045" {
                if let Some(agent) = patterns::by_agent(items, trigger.end) {
                    let parties = patterns::between_before(items, trigger.first).or_else(|| {
                        self.sources_for(trigger.first, last_subject, false)
                            .map(|(group, _)| group)
                            .filter(|group| group.len() >= 2)
                    });
                    return parties.map(|targets| found(agent, targets, false, Rule::PassiveVerb));
                }
            }
        }
        let (sources, rule) = self.sources_for(trigger.first, last_subject, verb_form == VerbForm::Gerund)?;
        // Disapproving of an act whose agent is named targets the agent: "condemned the attacks
        // by M23".
        if self.lexicon.codes[trigger.code].root() == "11" {
            if let Some(agents) = patterns::act_agent(self.lexicon, items, trigger.end) {
                return Some(found(sources, agents, false, Rule::ActiveVerb));
            }
        }
        // "demanded that Ethiopia withdraw": a demand's target is the subject of what it asks.
        if self.lexicon.codes[trigger.code].root() == "10" {
            if let Some(targets) = patterns::that_clause_subject(items, trigger.end) {
                return Some(found(sources, targets, false, rule));
            }
        }
        match patterns::object(
            self.lexicon,
            items,
            trigger.end,
            false,
            self.aimed(trigger),
            patterns::OBJECT_WINDOW,
        ) {
            // A verb that takes its object right after it has none further on.
            Object::Group { members, .. }
                if self.lexicon.form(trigger.form).direct
                    && !members
                        .first()
                        .is_some_and(|&m| patterns::follows_directly(items, trigger.end, m)) =>
            {
                None
            }
            Object::Group { members, .. } => Some(found(sources, members, false, rule)),
            Object::Reciprocal => Some(found(sources, Vec::new(), true, Rule::Mutual)),
            Object::None if sources.len() >= 2 && trigger.mutual => {
                Some(found(sources, Vec::new(), true, Rule::Mutual))
            }
            Object::None => {
                let comma = patterns::participle_comma(items, trigger.first, None)?;
                if verb_form != VerbForm::Gerund {
                    return None;
                }
                let targets = self.main_object(&sources, comma)?;
                Some(found(sources, targets, false, Rule::ParticipleClause))
            }
        }
    }

    /// Whether the trigger's act is aimed at its target (material conflict, roots 18 to 20):
    /// "at" then names the target, not a place.
    fn aimed(&self, trigger: TriggerAt) -> bool {
        self.lexicon.codes[trigger.code].aimed()
    }

    /// The object of the main clause, for a participle clause that opens at `comma`: the
    /// nearest group between the subject and the comma.
    fn main_object(&self, sources: &[usize], comma: usize) -> Option<Vec<usize>> {
        let after = sources.iter().max().copied()?;
        // Within the subject window: a subject shared from far back does not widen the search.
        let from = (after + 1).max(comma.saturating_sub(patterns::SUBJECT_WINDOW));
        (from..comma)
            .rev()
            .inspect(|_| crate::work::step(1))
            .find(|&j| self.items[j].actor().is_some())
            .map(|j| patterns::group(self.items, j))
    }

    fn noun(&self, trigger: TriggerAt, last_subject: &Option<Vec<usize>>) -> Option<TriggerMatch> {
        let items = self.items;
        let found = |sources, targets, mutual, rule, trigger_first| TriggerMatch {
            sources,
            targets,
            mutual,
            rule,
            trigger_first,
            trigger_end: None,
            code: None,
        };
        if let Some(members) = patterns::between(items, trigger.end) {
            return Some(found(members, Vec::new(), true, Rule::NounBetween, trigger.first));
        }
        match patterns::possessor(items, trigger.first) {
            Some(Err(())) => return None,
            Some(Ok(source)) => {
                return match patterns::object(
                    self.lexicon,
                    items,
                    trigger.end,
                    true,
                    self.aimed(trigger),
                    patterns::OBJECT_WINDOW,
                ) {
                    Object::Group { members, .. } => {
                        Some(found(vec![source], members, false, Rule::NounPossessive, trigger.first))
                    }
                    _ => None,
                };
            }
            None => {}
        }
        if let Some(members) = patterns::compound_before(items, trigger.first) {
            return Some(found(members, Vec::new(), true, Rule::NounCompound, trigger.first));
        }
        let governor = patterns::governor(self.lexicon, items, trigger.first);
        // "Attacks on Ukraine by Russia": "by" after the noun's object names the doer.
        if governor.is_none() {
            if let Object::Group { members, from: false } = patterns::object(
                self.lexicon,
                items,
                trigger.end,
                true,
                self.aimed(trigger),
                patterns::OBJECT_WINDOW,
            ) {
                if let Some(doers) = members.last().and_then(|&last| patterns::by_agent(items, last + 1)) {
                    return Some(found(doers, members, false, Rule::NounBy, trigger.first));
                }
            }
        }
        let object = patterns::object(
            self.lexicon,
            items,
            trigger.end,
            true,
            self.aimed(trigger),
            patterns::OBJECT_WINDOW,
        );
        if let Object::Group { members, from: true } = &object {
            return match patterns::subject(items, governor.unwrap_or(trigger.first)) {
                Subject::Group(g) | Subject::Antecedent(g) => {
                    Some(found(members.clone(), g, false, Rule::NounFrom, trigger.first))
                }
                _ => None,
            };
        }
        let governor = governor?;
        if patterns::only_attempted(items, governor) || patterns::after_modal(items, governor) {
            return None;
        }
        let (sources, rule) = self.sources_for(governor, last_subject, false)?;
        let rule = if rule == Rule::ActiveVerb {
            Rule::NounGoverned
        } else {
            rule
        };
        match object {
            Object::Group { members, .. } => Some(found(sources, members, false, rule, governor)),
            Object::Reciprocal => Some(found(sources, Vec::new(), true, Rule::Mutual, governor)),
            Object::None if sources.len() >= 2 && trigger.mutual => {
                Some(found(sources, Vec::new(), true, Rule::Mutual, governor))
            }
            Object::None => {
                let comma = patterns::participle_comma(items, trigger.first, Some(governor))?;
                let targets = self.main_object(&sources, comma)?;
                Some(found(sources, targets, false, Rule::ParticipleClause, governor))
            }
        }
    }

    fn agent(&self, trigger: TriggerAt) -> Option<TriggerMatch> {
        let items = self.items;
        let sources = match patterns::subject(items, trigger.first) {
            Subject::Group(g) | Subject::Antecedent(g) => g,
            _ => return None,
        };
        let found = |targets, mutual| TriggerMatch {
            sources: sources.clone(),
            targets,
            mutual,
            rule: if mutual { Rule::Mutual } else { Rule::AgentNoun },
            trigger_first: trigger.first,
            trigger_end: None,
            code: None,
        };
        match patterns::object(
            self.lexicon,
            items,
            trigger.end,
            true,
            self.aimed(trigger),
            patterns::OBJECT_WINDOW,
        ) {
            Object::Group { members, .. } => Some(found(members, false)),
            Object::Reciprocal => Some(found(Vec::new(), true)),
            Object::None if sources.len() >= 2 && trigger.mutual => Some(found(Vec::new(), true)),
            Object::None => None,
        }
    }

    fn speech(
        &self,
        trigger: TriggerAt,
        verb_form: VerbForm,
        last_subject: &Option<Vec<usize>>,
    ) -> Option<TriggerMatch> {
        let items = self.items;
        // ", noting that …": an adjunct gerund of saying shares the subject before it.
        let (sources, _) = self.sources_for(trigger.first, last_subject, verb_form == VerbForm::Gerund)?;
        let mut start = trigger.end;
        if items.get(start).is_some_and(|i| i.is_word("that")) {
            start += 1;
        }
        // "Cairo said it would back Haftar": the speaker reports its own act; with a modal, its
        // intent (03 to cooperate, 13 to act in conflict: a threat). Its own attack may be aimed
        // "at" the target ("said it had fired rockets at Israel").
        let own = items
            .get(start)
            .is_some_and(|i| i.is_word_in(items::SUBJECT_PRONOUNS) && !i.is_word_in(&["i", "you"]));
        let plain = patterns::object(self.lexicon, items, start, false, false, patterns::SPEECH_WINDOW);
        let aimed = own && plain == Object::None;
        let object = if aimed {
            patterns::object(self.lexicon, items, start, false, true, patterns::SPEECH_WINDOW)
        } else {
            plain
        };
        let (targets, said) = match object {
            Object::Group { members, .. } => {
                let end = (start + patterns::SPEECH_WINDOW).min(items.len());
                (members, (start, end))
            }
            _ => {
                let quote = self.quote_before(sources[0])?;
                let first = (quote.0..quote.1).find(|&j| items[j].actor().is_some())?;
                (patterns::group(items, first), quote)
            }
        };
        if own {
            let before_target = targets.first().copied().unwrap_or(start).max(start);
            let inner = (start + 1..before_target).find_map(|j| {
                patterns::trigger_at(self.lexicon, items, j, Role::Act).filter(|t| {
                    self.lexicon.form(t.form).role == Role::Act && self.lexicon.form(t.form).pos == Pos::Verb
                })
            });
            if let Some(inner) = inner {
                let acted = inner.code;
                // A target reached through "at" is only an attack's.
                if aimed && !self.lexicon.codes[acted].aimed() {
                    return None;
                }
                let modal = (start + 1..inner.first).any(|j| items[j].is_word_in(items::MODALS));
                let code = if modal {
                    let intent = match self.lexicon.codes[acted].quad {
                        Quad::VerbalCooperation | Quad::MaterialCooperation => "030",
                        Quad::VerbalConflict | Quad::MaterialConflict => "130",
                    };
                    self.lexicon.code(intent).unwrap_or(acted)
                } else {
                    acted
                };
                return Some(TriggerMatch {
                    sources,
                    targets,
                    mutual: false,
                    rule: Rule::ReportedOwnAct,
                    trigger_first: inner.first,
                    trigger_end: Some(inner.end),
                    code: Some(code),
                });
            }
        }
        // A name reached through "at" with no attack of the speaker's is a place.
        if aimed {
            return None;
        }
        let code = (said.0..said.1)
            .find_map(|j| patterns::trigger_at(self.lexicon, items, j, Role::Content).map(|t| t.code))
            .or_else(|| self.reported_hostile_act(&targets));
        Some(TriggerMatch {
            sources,
            targets,
            mutual: false,
            rule: Rule::Speech,
            trigger_first: trigger.first,
            trigger_end: None,
            code,
        })
    }

    /// "Kyiv said Russia had shelled a hospital": what is said charges its first actor with a
    /// hostile act (a verb of roots 13 to 20 within a few items after it, in the same clause),
    /// so the statement is an accusation (112).
    fn reported_hostile_act(&self, targets: &[usize]) -> Option<CodeIndex> {
        let items = self.items;
        let after = targets.iter().max()? + 1;
        let end = (after + patterns::REPORTED_ACT_REACH).min(items.len());
        let mut j = after;
        while j < end {
            crate::work::step(1);
            if items[j].punct().is_some_and(|c| matches!(c, ';' | ':' | '.' | ',')) || items[j].is_mention() {
                return None;
            }
            if let Some(t) = patterns::trigger_at(self.lexicon, items, j, Role::Act) {
                let form = self.lexicon.form(t.form);
                let root: u8 = self.lexicon.codes[t.code].root().parse().unwrap_or(0);
                if form.pos == Pos::Verb && form.role == Role::Act && (13..=20).contains(&root) {
                    return self.lexicon.code("112");
                }
                j = t.end;
                continue;
            }
            j += 1;
        }
        None
    }

    /// The items of a quotation that closes right before item `at` (past a comma): (first,
    /// end), inside the quotation marks.
    fn quote_before(&self, at: usize) -> Option<(usize, usize)> {
        let items = self.items;
        let mut j = at;
        while j > 0 && at - j < 2 && items[j - 1].punct() == Some(',') {
            crate::work::step(1);
            j -= 1;
        }
        let close = j.checked_sub(1)?;
        let closing = items[close].punct()?;
        if closing != '\u{201D}' && closing != '"' {
            // The comma may stand inside the quotation: `…level,” Trump said`.
            return None;
        }
        let mut k = close;
        while k > 0 && close - k < 2 * patterns::SPEECH_WINDOW {
            k -= 1;
            crate::work::step(1);
            if matches!(items[k].punct(), Some('\u{201C}' | '"')) {
                return Some((k + 1, close));
            }
        }
        None
    }

    fn emit(
        &self,
        found: &TriggerMatch,
        trigger: TriggerAt,
        out: &mut Vec<Event>,
        seen: &mut HashSet<(Actor, String, Actor, bool)>,
    ) {
        let items = self.items;
        let form = self.lexicon.form(trigger.form);
        let mut code = found.code.unwrap_or(trigger.code);
        if found.code.is_none() {
            let nearest_source = found.sources.iter().copied().filter(|&s| s < found.trigger_first).max();
            let from = found
                .trigger_first
                .saturating_sub(6)
                .max(nearest_source.map_or(0, |s| s + 1));
            // What the source is ("Russian military bases", "Wagner PMCs"): three items after it.
            let source_phrase = nearest_source.map_or(0..0, |s| s + 1..(s + 4).min(found.trigger_first));
            let to = found
                .targets
                .iter()
                .copied()
                .filter(|&t| t >= trigger.end)
                .min()
                // With no object after it, what follows the trigger says what the act is
                // ("collaborate to boost trade").
                .unwrap_or(trigger.end + 4)
                .min(items.len());
            for &(class, refined) in &form.refine {
                let in_class = |j: usize| items[j].word().is_some_and(|w| self.lexicon.in_class(class, w));
                if (from..to).any(in_class) || source_phrase.clone().any(in_class) {
                    code = refined;
                    break;
                }
            }
        }
        let negated = patterns::negated(items, found.trigger_first) || patterns::negated(items, trigger.first);
        let pairs: Vec<(usize, usize)> = if found.mutual {
            // Every pair of the group, the first-named of the pair the source: three signatories
            // signed with each other.
            let members = &found.sources;
            (0..members.len())
                .flat_map(|i| (i + 1..members.len()).map(move |j| (members[i], members[j])))
                .collect()
        } else {
            found
                .sources
                .iter()
                .flat_map(|&s| found.targets.iter().map(move |&t| (s, t)))
                .collect()
        };
        let trigger_end = found.trigger_end.unwrap_or(trigger.end);
        let trigger_span = (items[found.trigger_first].start, items[trigger_end - 1].end);
        let root = self.lexicon.codes[code].root().to_owned();
        let symmetric = self.lexicon.codes[code].symmetric();
        for (source_item, target_item) in pairs {
            crate::work::step(1);
            let (Some(source), Some(target)) = (mention_of(items, source_item), mention_of(items, target_item)) else {
                continue;
            };
            let source_actor = actor_of(self.text, &self.mentions[source]);
            let target_actor = actor_of(self.text, &self.mentions[target]);
            if source_actor == target_actor {
                continue;
            }
            let key = (source_actor.clone(), root.clone(), target_actor.clone(), negated);
            if seen.contains(&key) || (symmetric && seen.contains(&(target_actor, root.clone(), source_actor, negated)))
            {
                continue;
            }
            seen.insert(key);
            let distance = found.trigger_first.abs_diff(source_item) + trigger.end.abs_diff(target_item);
            let penalty = (distance.saturating_sub(8) as f32 * 0.01).min(0.2);
            let weakest = self.mentions[source].confidence.min(self.mentions[target].confidence);
            let confidence = (found.rule.confidence() - penalty) * (0.6 + 0.4 * weakest);
            out.push(Event {
                source,
                target,
                trigger: trigger_span,
                code,
                negated,
                sentence: self.range,
                sentence_index: self.index,
                confidence: (confidence * 1000.0).round() / 1000.0,
                rule: found.rule,
                relations: Vec::new(),
                agreements: Vec::new(),
            });
        }
    }
}

/// Whether most words of more than three letters are capitalised (names count as capitalised).
fn headline(items: &[Item<'_>]) -> bool {
    let mut capital = 0;
    let mut total = 0;
    for item in items {
        match &item.kind {
            ItemKind::Word { lower, capital: c } if lower.chars().count() > 3 => {
                total += 1;
                capital += usize::from(*c);
            }
            ItemKind::Mention { .. } => {
                total += 1;
                capital += 1;
            }
            _ => {}
        }
    }
    total > 0 && capital * 10 >= total * 6
}

fn mention_of(items: &[Item<'_>], at: usize) -> Option<usize> {
    match items.get(at)?.kind {
        ItemKind::Mention { index, .. } => Some(index),
        _ => None,
    }
}

/// Names the relations and agreements of the model that the event corroborates.
fn corroborate(model: &Model, mentions: &[Mention], event: &mut Event) {
    let (Some(source), Some(target)) = (entity_of(&mentions[event.source]), entity_of(&mentions[event.target])) else {
        return;
    };
    let code = &model.event_lexicon.codes[event.code];
    let states = |relation: &crate::model::Relation, from: EntityIndex, to: EntityIndex| {
        let predicate = &model.predicates[relation.predicate];
        if !code.corroborates.contains(&predicate.id) {
            return false;
        }
        let forward = relation.subject == from && relation.object == to;
        let backward = relation.subject == to && relation.object == from;
        forward || (backward && (predicate.symmetric || code.symmetric()))
    };
    for &(relation, _) in model.relations_of(source) {
        if states(&model.relations[relation], source, target) {
            event.relations.push(relation);
        }
    }
    if event.relations.is_empty() {
        // Through what the target leads (a predicate that transfers support, as ListRelations'
        // derived answers): "Egypt backs Haftar" corroborates "Egypt backs the LNA" with "Haftar
        // leads the LNA". Both relations are named, the stated one first.
        for &(link, side) in model.relations_of(target) {
            let link_relation = &model.relations[link];
            if side != crate::model::Side::Subject || !model.predicates[link_relation.predicate].transfers_support {
                continue;
            }
            let led = link_relation.object;
            for &(relation, _) in model.relations_of(source) {
                let stated = &model.relations[relation];
                if !model.predicates[stated.predicate].transfers_support && states(stated, source, led) {
                    event.relations.push(relation);
                    event.relations.push(link);
                }
            }
        }
    }
    if code.agreements {
        // Either actor may be party through one that signs for it (a state through its
        // government at the agreement's date).
        let of_target: Vec<AgreementIndex> = crate::graph::agreements_with_party(model, target)
            .iter()
            .map(|a| a.agreement)
            .collect();
        // Only an agreement that was signed: not one proposed, under discussion, or a track of
        // cooperation without a signed text.
        for party in crate::graph::agreements_with_party(model, source) {
            let signed = matches!(
                model.agreements[party.agreement].status,
                crate::model::AgreementStatus::Signed
                    | crate::model::AgreementStatus::InForce
                    | crate::model::AgreementStatus::Ended
            );
            if signed && of_target.contains(&party.agreement) {
                event.agreements.push(party.agreement);
            }
        }
    }
}

/// The events as JSON objects in the form of the gold event files (`docs/annotation.md`):
/// code-point offsets, actors by canonical name (or the text of an unknown name), with the
/// engine's extras (ids, code name, confidence, rule, corroborated relations and agreements).
pub fn json_lines(model: &Model, text: &str, found: &EventExtraction) -> Vec<serde_json::Value> {
    let mut converter = crate::text::OffsetConverter::new(text);
    let mentions = &found.extraction.mentions;
    let actor = |index: usize| {
        let mention = &mentions[index];
        match entity_of(mention) {
            Some(entity) => (
                model.entities[entity].name.clone(),
                Some(model.entities[entity].id.clone()),
            ),
            None => (
                text.get(mention.span.byte_start..mention.span.byte_end)
                    .unwrap_or("")
                    .to_owned(),
                None,
            ),
        }
    };
    found
        .events
        .iter()
        .map(|event| {
            let code = &model.event_lexicon.codes[event.code];
            let sentence = converter.span(event.sentence.0, event.sentence.1);
            let trigger = converter.span(event.trigger.0, event.trigger.1);
            let source = &mentions[event.source];
            let target = &mentions[event.target];
            let (source_name, source_id) = actor(event.source);
            let (target_name, target_id) = actor(event.target);
            let mut line = serde_json::json!({
                "sentence": [sentence.char_start, sentence.char_end],
                "source": source_name,
                "target": target_name,
                "source_span": [source.span.char_start, source.span.char_end],
                "target_span": [target.span.char_start, target.span.char_end],
                "trigger": [trigger.char_start, trigger.char_end],
                "code": code.code,
                "quad": code.quad.as_str(),
                "text": text.get(event.sentence.0..event.sentence.1).unwrap_or(""),
                "source_id": source_id,
                "target_id": target_id,
                "code_name": code.name,
                "trigger_text": text.get(event.trigger.0..event.trigger.1).unwrap_or(""),
                "confidence": crate::text::shortest_decimal(event.confidence),
                "rule": event.rule.explain(),
                "relations": event.relations.iter().map(|&r| model.relations[r].id.as_str()).collect::<Vec<_>>(),
                "agreements": event.agreements.iter().map(|&a| model.agreements[a].id.as_str()).collect::<Vec<_>>(),
            });
            if event.negated {
                line["negated"] = serde_json::Value::Bool(true);
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::snapshot::Snapshot;

    fn shipped() -> &'static Snapshot {
        static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
        SNAPSHOT.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            match Snapshot::load_layers(&[root.join("data/world"), root.join("data")]) {
                Ok(snapshot) => snapshot,
                Err(error) => panic!("the shipped layers load: {error}"),
            }
        })
    }

    /// Shapes that stress the event patterns: long groups, many triggers per group, relative
    /// pronouns, quotations without an opening mark, hyphenated participles, long sentences; and
    /// a long head before a long tail (commas before a speaker whose "said" repeats, a subject
    /// shared by many participle clauses). Each is (head unit, middle, tail unit): the text is
    /// half head units, the middle, half tail units.
    const SHAPES: &[(&str, &str, &str, &str)] = &[
        (
            "list-then-triggers",
            "Egypt, Libya, Chad and Sudan backs Niger backs Mali ",
            "",
            "",
        ),
        ("one-long-list", "Egypt, Libya, ", "", ""),
        ("relative-pronouns", "Egypt, all of whom, which backs Libya ", "", ""),
        ("closing-quotes", "\u{201D}, Egypt said, \u{201D}, Libya said, ", "", ""),
        ("hyphenated-participles", "UN-backed Libya ", "", ""),
        ("possessive-nouns", "Egypt's talks with Libya ", "", ""),
        ("between", "talks between Egypt and Libya and ", "", ""),
        ("adverbs", "Egypt quickly really truly backs Libya ", "", ""),
        ("sentences", "Egypt and Libya signed a deal with Chad. ", "", ""),
        ("brackets", "Egypt ) ) ( backs Libya ", "", ""),
        ("commas-before-a-speaker", ", ", " Egypt backs", " and said"),
        ("shared-subject-gerunds", "Egypt backs ", "", " and , supporting"),
        ("clauses-joined-by-and", "Egypt attacked Israel and ", "", ""),
        // Verbs with many object phrases (a dictionary block's verbs under each of its codes),
        // each before words that start phrases but do not finish them.
        (
            "object-phrases",
            "Egypt set on set up sets imposed new sanctions recalled its ambassador from Libya and ",
            "",
            "",
        ),
        // An object phrase searched past names and determiners, which do not count as words.
        (
            "phrase-past-determiners",
            "Egypt summoned the the the Libya 's the ",
            "",
            "",
        ),
        // "and" before a verb ends an object search, which must not walk on.
        (
            "and-before-verbs",
            "Egypt rejected the and said and backed and ",
            "",
            "",
        ),
        // Verbs that take only a name right after them, and attacks aimed "at".
        (
            "direct-and-aimed",
            "Egypt received the President the at fired rockets at ",
            "",
            "",
        ),
        // Reported acts after a speaker's target, demands with a "that" clause, adjunct gerunds.
        ("reported-acts", "Egypt said Libya had shelled and attacked ", "", ""),
        ("demands-that", "Egypt demanded that Libya and Chad ", "", ""),
        (
            "adjunct-gerunds",
            "Egypt condemned Chad while rejecting , praising ",
            "",
            "",
        ),
        // Groups past brackets and titles, role holders after a possessive, days before "with".
        ("brackets-in-groups", "Egypt ( Chad ) and ( Chad ) and ", "", ""),
        ("role-holders", "Egypt met Libya 's ruling emir , President ", "", ""),
        ("day-words", "Egypt held talks Tuesday Tuesday with ", "", ""),
        // Requests followed by "to" and a disapproval; appositives with hyphenated participles.
        (
            "requests-then-acts",
            "Egypt urged Libya to condemn Chad to reject ",
            "",
            "",
        ),
        (
            "appositive-participles",
            "Egypt , the UN-backed , an Iran-backed ",
            "",
            "",
        ),
        // Plain verb forms after a determiner and a word: the noun test on each.
        (
            "noun-compounds",
            "Egypt and Libya their border dispute the trade deal ",
            "",
            "",
        ),
    ];

    fn shape(head: &str, middle: &str, tail: &str, bytes: usize) -> String {
        use crate::extract::adversarial::repeated;
        let half = if tail.is_empty() { bytes } else { bytes / 2 };
        let mut text = repeated(head, half);
        text.push_str(middle);
        if !tail.is_empty() {
            text.push_str(&repeated(tail, bytes / 2));
        }
        text.push_str(" Libya.");
        text
    }

    #[test]
    fn every_event_pattern_is_linear_on_adversarial_input() {
        let snapshot = shipped();
        let options = EventOptions::default();
        let steps = |text: &str| {
            crate::work::measure(|| extract_events(&snapshot.model, &snapshot.extractor, text, &options, &|| false)).1
        };
        for (name, head, middle, tail) in SHAPES {
            let small = steps(&shape(head, middle, tail, 24 * 1024));
            let large = steps(&shape(head, middle, tail, 48 * 1024));
            assert!(
                large * 100 <= small * 225,
                "{name}: {small} steps for 24 KiB but {large} for 48 KiB: the work grows faster than the text"
            );
        }
    }
}
