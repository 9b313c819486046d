//! The event lexicon: CAMEO codes and the words that trigger them, built and validated from the
//! data files' `[[event_codes]]`, `[[event_triggers]]` and `[[event_word_classes]]` records
//! (format: `docs/data-format.md`, "Event lexicon").

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

/// The CAMEO quad class of a code's root: who is cooperating or in conflict, and in words or in
/// deeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quad {
    VerbalCooperation,
    MaterialCooperation,
    VerbalConflict,
    MaterialConflict,
}

impl Quad {
    /// The quad class of a CAMEO root (1 to 20): 01–05 verbal cooperation, 06–08 material
    /// cooperation, 09–13 verbal conflict, 14–20 material conflict.
    pub fn of_root(root: u8) -> Option<Quad> {
        match root {
            1..=5 => Some(Quad::VerbalCooperation),
            6..=8 => Some(Quad::MaterialCooperation),
            9..=13 => Some(Quad::VerbalConflict),
            14..=20 => Some(Quad::MaterialConflict),
            _ => None,
        }
    }

    /// The name the gold files and the JSON output use.
    pub fn as_str(self) -> &'static str {
        match self {
            Quad::VerbalCooperation => "verbal_coop",
            Quad::MaterialCooperation => "material_coop",
            Quad::VerbalConflict => "verbal_conflict",
            Quad::MaterialConflict => "material_conflict",
        }
    }
}

/// Whether `root` is a CAMEO root: two digits from "01" to "20".
pub fn is_root(root: &str) -> bool {
    root.len() == 2
        && root.bytes().all(|b| b.is_ascii_digit())
        && root.parse::<u8>().is_ok_and(|r| Quad::of_root(r).is_some())
}

/// One CAMEO code of the lexicon.
#[derive(Debug, Clone)]
pub struct Code {
    /// Three digits ("042").
    pub code: String,
    /// The codebook's name ("Make a visit").
    pub name: String,
    pub quad: Quad,
    /// Predicates whose relations an event of this code corroborates.
    pub corroborates: Vec<String>,
    /// An event of this code corroborates an agreement both actors are party to.
    pub agreements: bool,
}

impl Code {
    /// The two-digit root ("04").
    pub fn root(&self) -> &str {
        self.code.get(..2).unwrap_or("")
    }

    /// Whether the act is the same seen from either side (consult, meet, negotiate, sign,
    /// cooperate materially): then the order of its actors carries no meaning.
    pub fn symmetric(&self) -> bool {
        matches!(self.root(), "04" | "06") || self.code == "057"
    }

    /// Whether the act is aimed at its target (material conflict, roots 18 to 20): "at" then
    /// names the target, not a place ("fired rockets at Israel").
    pub fn aimed(&self) -> bool {
        matches!(self.root(), "18" | "19" | "20")
    }
}

/// Index of a code in [`Lexicon::codes`].
pub type CodeIndex = usize;

/// What a trigger does in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// An act of one actor towards another.
    Act,
    /// A verb of saying: the target is named in what is said.
    Speech,
    /// Words that make what a speaker says an act of their code; no event alone.
    Content,
}

/// The part of speech of a trigger form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pos {
    Verb,
    Noun,
    /// A noun for the doer, read like a verb ("a backer of").
    Agent,
}

/// The grammatical form of a verb trigger, as far as the patterns need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerbForm {
    /// The base or -s form ("visit", "visits"), or a noun.
    Plain,
    /// A past or passive participle ("visited", "met").
    Past,
    /// The -ing form ("visiting").
    Gerund,
}

/// One written form of a trigger.
#[derive(Debug, Clone)]
pub struct Form {
    /// Lower-case words.
    pub words: Vec<String>,
    pub pos: Pos,
    pub role: Role,
    pub verb_form: VerbForm,
    pub code: CodeIndex,
    /// (word class, code): a word of the class in the event's extent gives it that code.
    pub refine: Vec<(usize, CodeIndex)>,
    /// A group of actors with no object acts with each other (always so for a symmetric code).
    pub mutual: bool,
    /// The object must follow the verb right away, past determiners and capitalised words
    /// (titles): "received Erdoğan", not "received a reply from Hamas".
    pub direct: bool,
    /// Object phrases, sorted by their words: when not empty, the form is a trigger only when
    /// one of them follows it within [`OBJECT_PHRASE_GAP`] words ("imposed new sanctions"), and
    /// the phrase gives the code. The forms of one verb shared by many records (a dictionary
    /// block's verbs under each of its codes) are one form whose phrases carry their codes, so a
    /// verb is matched once, not once per code.
    pub objects: Arc<[ObjectPhrase]>,
}

/// An object phrase of a form and what it gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectPhrase {
    /// Lower-case words.
    pub words: Vec<String>,
    pub code: CodeIndex,
    pub mutual: bool,
    /// The order of the record that wrote it: when two phrases follow, the earlier record's
    /// wins, as the first of two forms of the same words does.
    pub rank: usize,
}

/// How many words may stand between a verb and the object phrase its form needs ("imposed
/// new sweeping sanctions").
pub const OBJECT_PHRASE_GAP: usize = 3;

/// The validated lexicon: what [`crate::events`] matches.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub codes: Vec<Code>,
    code_by_str: HashMap<String, CodeIndex>,
    forms: Vec<Form>,
    /// Looked up for every word of a sentence: a fast hash, not a DoS-resistant one (the keys
    /// are the lexicon's, the queries only read).
    by_first_word: FxHashMap<String, Vec<usize>>,
    /// Word classes by index; `class_by_name` names them.
    classes: Vec<FxHashSet<String>>,
    class_by_name: HashMap<String, usize>,
    /// Light verbs, each as its words (multi-word ones included).
    light_verbs: Vec<Vec<String>>,
    /// Light verbs by their last word.
    light_verbs_by_last: FxHashMap<String, Vec<usize>>,
}

/// The name of the word class whose words govern noun triggers.
pub const LIGHT_VERBS: &str = "light_verbs";

/// A code record as the loader hands it over: where it stands, and its fields.
pub struct CodeInput<'a> {
    pub at: (usize, usize),
    pub code: (&'a str, usize),
    pub name: &'a str,
    pub corroborates: Vec<(&'a str, usize)>,
    pub agreements: bool,
}

/// A trigger record as the loader hands it over. Every string comes with its byte offset.
pub struct TriggerInput<'a> {
    pub at: (usize, usize),
    pub code: (&'a str, usize),
    pub role: Option<(&'a str, usize)>,
    pub verbs: Vec<(&'a str, usize)>,
    pub forms: Vec<(&'a str, usize)>,
    pub nouns: Vec<(&'a str, usize)>,
    pub agents: Vec<(&'a str, usize)>,
    /// (class name, code), each with its offset.
    pub refine: Vec<(Located<'a>, Located<'a>)>,
    /// A group with no object acts with each other.
    pub mutual: bool,
    /// The verbs take only an object right after them.
    pub direct: bool,
    /// Object phrases the verbs need to give this code.
    pub objects: Vec<Located<'a>>,
}

/// A word class record as the loader hands it over.
pub struct ClassInput<'a> {
    pub at: (usize, usize),
    pub name: (&'a str, usize),
    pub words: Vec<(&'a str, usize)>,
    pub verbs: Vec<(&'a str, usize)>,
}

/// A string of a record with its byte offset.
pub type Located<'a> = (&'a str, usize);

/// Expands a written trigger into its forms.
type Expand = dyn Fn(&[String]) -> Vec<(Vec<String>, VerbForm)>;

/// A lexicon and what was doubtful in its records.
pub struct Built {
    pub lexicon: Lexicon,
    /// Problems that do not stop the load, each as a [`LexiconProblem`].
    pub warnings: Vec<LexiconProblem>,
}

/// A form's words and its list of object phrases (by [`Pending::objects`]): what one code per
/// role is asked of.
type FormKey<'a> = (&'a [String], usize);

/// A form read from a trigger record, before the forms later files define again are left out.
struct Pending {
    form: Form,
    /// Its record's object phrases as a number (an index of the build's lists), equal for equal
    /// lists: the keys below compare lists without hashing a whole list for each of the tens of
    /// thousands of forms.
    objects: usize,
    /// The index of its record, for [`ObjectPhrase::rank`].
    record: usize,
    file: usize,
    at: usize,
}

/// A problem of a lexicon record: (file, byte offset, message).
pub type LexiconProblem = (usize, usize, String);

impl Lexicon {
    /// Builds the lexicon. `file` of each position is the loader's file index; `predicates`
    /// answers whether a predicate id exists.
    ///
    /// # Errors
    /// Every problem found, each at its file and byte.
    pub fn build(
        codes: &[CodeInput<'_>],
        triggers: &[TriggerInput<'_>],
        classes: &[ClassInput<'_>],
        predicates: &dyn Fn(&str) -> bool,
    ) -> Result<Built, Vec<LexiconProblem>> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut lexicon = Lexicon::default();
        let mut defined_at: HashMap<String, (usize, usize)> = HashMap::new();
        for input in codes {
            let (code, byte) = input.code;
            let file = input.at.0;
            let Some(root) = parse_code(code) else {
                problems.push((
                    file,
                    byte,
                    format!("event code {code:?} is not a CAMEO code: write three digits whose first two are a root from 01 to 20, e.g. \"042\""),
                ));
                continue;
            };
            if input.name.trim().is_empty() {
                problems.push((file, input.at.1, format!("event code {code:?} needs a name")));
            }
            // A lexicon is shared by models that may not define every predicate (the world
            // layer alone defines none): such a code corroborates nothing, which is worth a
            // warning (`check --strict` fails on it), not a refusal.
            for &(predicate, at) in &input.corroborates {
                if !predicates(predicate) {
                    warnings.push((
                        file,
                        at,
                        format!("event code {code:?} corroborates {predicate:?}, which no layer of this model defines: it corroborates nothing"),
                    ));
                }
            }
            let defined = Code {
                code: code.to_owned(),
                name: input.name.trim().to_owned(),
                quad: Quad::of_root(root).unwrap_or(Quad::VerbalCooperation),
                corroborates: input.corroborates.iter().map(|&(p, _)| p.to_owned()).collect(),
                agreements: input.agreements,
            };
            // A later file refines a code (the hand-written lexicon names what the generated
            // dictionary's codes corroborate); one file defines each code once.
            if let Some(&(earlier_file, _)) = defined_at.get(code) {
                if earlier_file == file {
                    problems.push((
                        file,
                        byte,
                        format!("event code {code:?} is defined twice in this file; define each code once"),
                    ));
                    continue;
                }
                if let Some(&index) = lexicon.code_by_str.get(code) {
                    lexicon.codes[index] = defined;
                }
                defined_at.insert(code.to_owned(), (file, byte));
                continue;
            }
            defined_at.insert(code.to_owned(), (file, byte));
            lexicon.code_by_str.insert(code.to_owned(), lexicon.codes.len());
            lexicon.codes.push(defined);
        }
        for input in classes {
            let (name, byte) = input.name;
            let file = input.at.0;
            if !is_word_class_name(name) {
                problems.push((
                    file,
                    byte,
                    format!("word class name {name:?}: use lowercase letters and underscores"),
                ));
                continue;
            }
            let index = match lexicon.class_by_name.get(name) {
                Some(&index) => index,
                None => {
                    lexicon.class_by_name.insert(name.to_owned(), lexicon.classes.len());
                    lexicon.classes.push(FxHashSet::default());
                    lexicon.classes.len() - 1
                }
            };
            let light = name == LIGHT_VERBS;
            for &(word, at) in &input.words {
                match words_of(word) {
                    Ok(words) => {
                        if light {
                            lexicon.light_verbs.push(words);
                        } else if words.len() == 1 {
                            lexicon.classes[index].insert(words.concat());
                        } else {
                            problems.push((
                                file,
                                at,
                                format!(
                                    "{word:?}: the words of a class are single words (phrases only among light verbs)"
                                ),
                            ));
                        }
                    }
                    Err(message) => problems.push((file, at, message)),
                }
            }
            for &(verb, at) in &input.verbs {
                match words_of(verb) {
                    Ok(words) => {
                        for (inflected, _) in inflect_verb(&words) {
                            if light {
                                lexicon.light_verbs.push(inflected);
                            } else if inflected.len() == 1 {
                                lexicon.classes[index].insert(inflected.concat());
                            }
                        }
                    }
                    Err(message) => problems.push((file, at, message)),
                }
            }
        }
        // Every form of every trigger first, so that a form a later file defines again (in any
        // role) can be left to that file: the hand-written layer overrides the generated one.
        let mut pending: Vec<Pending> = Vec::new();
        let mut object_lists: FxHashMap<Arc<[Vec<String>]>, usize> = FxHashMap::default();
        // The empty list (a form with no object phrases) is list 0.
        let no_objects = 0;
        object_lists.insert(Arc::new([]), no_objects);
        for (record, input) in triggers.iter().enumerate() {
            let file = input.at.0;
            let (code, byte) = input.code;
            let Some(&code_index) = lexicon.code_by_str.get(code) else {
                problems.push((
                    file,
                    byte,
                    format!("trigger code {code:?} is not defined: add an [[event_codes]] record for it"),
                ));
                continue;
            };
            let role = match input.role {
                None | Some(("act", _)) => Role::Act,
                Some(("speech", _)) => Role::Speech,
                Some(("content", _)) => Role::Content,
                Some((other, at)) => {
                    problems.push((
                        file,
                        at,
                        format!("trigger role {other:?} is unknown: use \"act\", \"speech\" or \"content\""),
                    ));
                    continue;
                }
            };
            let mut refine = Vec::new();
            for &((class, class_at), (refined, code_at)) in &input.refine {
                let class_index = lexicon
                    .class_by_name
                    .get(class)
                    .copied()
                    .filter(|_| class != LIGHT_VERBS);
                match (class_index, lexicon.code_by_str.get(refined)) {
                    (None, _) => problems.push((
                        file,
                        class_at,
                        format!("refine names the word class {class:?}, which no [[event_word_classes]] record defines (light_verbs cannot refine)"),
                    )),
                    (Some(_), None) => {
                        problems.push((file, code_at, format!("refine gives the code {refined:?}, which is not defined")));
                    }
                    (Some(class_index), Some(&refined_index)) => refine.push((class_index, refined_index)),
                }
            }
            if input.verbs.is_empty() && input.forms.is_empty() && input.nouns.is_empty() && input.agents.is_empty() {
                problems.push((
                    file,
                    input.at.1,
                    format!("trigger of code {code:?} has no words: give verbs, forms, nouns or agents"),
                ));
            }
            let mut objects = Vec::new();
            for &(phrase, at) in &input.objects {
                match words_of(phrase) {
                    Ok(words) => objects.push(words),
                    Err(message) => problems.push((file, at, message)),
                }
            }
            if !objects.is_empty() && (!input.nouns.is_empty() || !input.agents.is_empty() || role != Role::Act) {
                problems.push((
                    file,
                    input.at.1,
                    format!("trigger of code {code:?}: objects go with the verbs and forms of an act, not with nouns, agents, speech or content"),
                ));
            }
            objects.sort();
            let objects: Arc<[Vec<String>]> = objects.into();
            let next = object_lists.len();
            let objects_id = *object_lists.entry(Arc::clone(&objects)).or_insert(next);
            let mut add =
                |value: &str, at: usize, expand: &Expand, pos: Pos, problems: &mut Vec<LexiconProblem>| match words_of(
                    value,
                ) {
                    Ok(words) => {
                        for (form, verb_form) in expand(&words) {
                            pending.push(Pending {
                                form: Form {
                                    words: form,
                                    pos,
                                    role,
                                    verb_form,
                                    code: code_index,
                                    refine: refine.clone(),
                                    mutual: input.mutual || lexicon.codes[code_index].symmetric(),
                                    direct: input.direct,
                                    objects: Arc::new([]),
                                },
                                objects: objects_id,
                                record,
                                file,
                                at,
                            });
                        }
                    }
                    Err(message) => problems.push((file, at, message)),
                };
            for &(verb, at) in &input.verbs {
                add(verb, at, &|w| inflect_verb(w), Pos::Verb, &mut problems);
            }
            for &(form, at) in &input.forms {
                add(
                    form,
                    at,
                    &|w| vec![(w.to_vec(), verb_form_of(w))],
                    Pos::Verb,
                    &mut problems,
                );
            }
            for &(noun, at) in &input.nouns {
                add(
                    noun,
                    at,
                    &|w| pluralise(w).into_iter().map(|f| (f, VerbForm::Plain)).collect(),
                    Pos::Noun,
                    &mut problems,
                );
            }
            for &(agent, at) in &input.agents {
                add(
                    agent,
                    at,
                    &|w| pluralise(w).into_iter().map(|f| (f, VerbForm::Plain)).collect(),
                    Pos::Agent,
                    &mut problems,
                );
            }
        }
        // The words alone decide: a later file that writes a form takes every reading of it, with
        // or without object phrases (the hand-written "promise" keeps its 033 and its refinements
        // against the dictionary's "promise" + "to cooperate").
        let mut keep = vec![false; pending.len()];
        {
            let mut last_file: FxHashMap<&[String], usize> = FxHashMap::default();
            for p in &pending {
                let latest = last_file.entry(&p.form.words).or_insert(p.file);
                *latest = (*latest).max(p.file);
            }
            let mut owner: FxHashMap<(FormKey<'_>, Role), CodeIndex> = FxHashMap::default();
            let mut kept: FxHashSet<(FormKey<'_>, Pos, Role)> = FxHashSet::default();
            for (p, keep) in pending.iter().zip(keep.iter_mut()) {
                let key = (p.form.words.as_slice(), p.objects);
                if last_file.get(key.0).is_some_and(|&latest| latest > p.file) {
                    continue;
                }
                match owner.get(&(key, p.form.role)) {
                    Some(&other) if other != p.form.code => {
                        problems.push((
                            p.file,
                            p.at,
                            format!(
                                "{:?} is already a trigger of code {:?}; one form has one code per role",
                                p.form.words.join(" "),
                                lexicon.codes[other].code
                            ),
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        owner.insert((key, p.form.role), p.form.code);
                    }
                }
                // The same words may be both a verb and a noun of one code ("support").
                *keep = kept.insert((key, p.form.pos, p.form.role));
            }
        }
        // A noun the lexicon knows as a trigger is read by the noun rules ("provided military
        // aid": a light verb and the noun, refined by its word classes), not as an object phrase.
        let nouns: FxHashSet<&[String]> = pending
            .iter()
            .zip(&keep)
            .filter(|(p, keep)| **keep && p.form.pos == Pos::Noun)
            .map(|(p, _)| p.form.words.as_slice())
            .collect();
        // Each list of phrases once (the forms of one record share it), without those nouns.
        let mut by_id: Vec<(Arc<[Vec<String>]>, usize)> = object_lists.into_iter().collect();
        by_id.sort_by_key(|&(_, id)| id);
        let lists: Vec<Arc<[Vec<String>]>> = by_id
            .into_iter()
            .map(|(list, _)| {
                if list.iter().any(|o| nouns.contains(o.as_slice())) {
                    list.iter().filter(|o| !nouns.contains(o.as_slice())).cloned().collect()
                } else {
                    list
                }
            })
            .collect();
        drop(nouns);
        // The forms with object phrases, merged by their words and reading: each merged form
        // gathers (record, list, code, mutual) of its parts, and forms whose parts are the same
        // (the verbs of one dictionary block) share one list of phrases.
        type Reading = (Vec<String>, Pos, Role, VerbForm, Vec<(usize, CodeIndex)>, bool);
        type Part = (usize, usize, CodeIndex, bool);
        let mut merged: FxHashMap<Reading, usize> = FxHashMap::default();
        let mut parts: Vec<(usize, Vec<Part>)> = Vec::new();
        for (p, keep) in pending.into_iter().zip(keep) {
            if !keep {
                continue;
            }
            let index = lexicon.forms.len();
            if p.objects != no_objects {
                if lists[p.objects].is_empty() {
                    continue;
                }
                let reading = (
                    p.form.words.clone(),
                    p.form.pos,
                    p.form.role,
                    p.form.verb_form,
                    p.form.refine.clone(),
                    p.form.direct,
                );
                let part = (p.record, p.objects, p.form.code, p.form.mutual);
                if let Some(&group) = merged.get(&reading) {
                    parts[group].1.push(part);
                    continue;
                }
                merged.insert(reading, parts.len());
                parts.push((index, vec![part]));
            }
            lexicon
                .by_first_word
                .entry(p.form.words[0].clone())
                .or_default()
                .push(index);
            lexicon.forms.push(p.form);
        }
        let mut shared: FxHashMap<Vec<Part>, Arc<[ObjectPhrase]>> = FxHashMap::default();
        for (form, parts) in parts {
            let phrases = shared.entry(parts).or_insert_with_key(|parts| {
                let mut phrases: Vec<ObjectPhrase> = parts
                    .iter()
                    .flat_map(|&(rank, list, code, mutual)| {
                        lists[list].iter().map(move |words| ObjectPhrase {
                            words: words.clone(),
                            code,
                            mutual,
                            rank,
                        })
                    })
                    .collect();
                phrases.sort_by(|a, b| (&a.words, a.rank).cmp(&(&b.words, b.rank)));
                // The parts come from one file (a later file takes the words whole): one phrase
                // of a verb has one code there, as one form has one code per role.
                for pair in phrases.windows(2) {
                    if pair[0].words == pair[1].words && pair[0].code != pair[1].code {
                        let (file, byte) = triggers[pair[1].rank].at;
                        problems.push((
                            file,
                            byte,
                            format!(
                                "the object {:?} already gives this verb the code {:?}; one object phrase of a verb has one code",
                                pair[1].words.join(" "),
                                lexicon.codes[pair[0].code].code
                            ),
                        ));
                    }
                }
                phrases.into()
            });
            lexicon.forms[form].objects = Arc::clone(phrases);
        }
        for (index, verb) in lexicon.light_verbs.iter().enumerate() {
            if let Some(last) = verb.last() {
                lexicon.light_verbs_by_last.entry(last.clone()).or_default().push(index);
            }
        }
        if problems.is_empty() {
            Ok(Built { lexicon, warnings })
        } else {
            Err(problems)
        }
    }

    /// Whether the lexicon defines any trigger.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// The code with this number.
    pub fn code(&self, code: &str) -> Option<CodeIndex> {
        self.code_by_str.get(code).copied()
    }

    pub(crate) fn form(&self, index: usize) -> &Form {
        &self.forms[index]
    }

    /// The forms whose first word is `word` (lower case).
    pub(crate) fn forms_starting(&self, word: &str) -> &[usize] {
        self.by_first_word.get(word).map_or(&[], Vec::as_slice)
    }

    /// Whether `word` (lower case) belongs to the class.
    pub(crate) fn in_class(&self, class: usize, word: &str) -> bool {
        self.classes.get(class).is_some_and(|c| c.contains(word))
    }

    /// The light verbs whose last word is `word`.
    pub(crate) fn light_verbs_ending<'a>(&'a self, word: &str) -> impl Iterator<Item = &'a [String]> + 'a {
        self.light_verbs_by_last
            .get(word)
            .into_iter()
            .flatten()
            .map(|&index| self.light_verbs[index].as_slice())
    }
}

/// The root (1 to 20) of a three-digit CAMEO code, if it is one.
fn parse_code(code: &str) -> Option<u8> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let root: u8 = code.get(..2)?.parse().ok()?;
    (1..=20).contains(&root).then_some(root)
}

fn is_word_class_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The words of a trigger as written: lower case letters, with hyphens and apostrophes inside
/// words, separated by single spaces.
fn words_of(value: &str) -> Result<Vec<String>, String> {
    let words: Vec<String> = value.split(' ').map(str::to_owned).collect();
    let valid = words.iter().all(|w| {
        !w.is_empty()
            && w.chars().all(|c| c.is_lowercase() || c == '-' || c == '\'')
            && w.chars().next().is_some_and(char::is_lowercase)
    });
    if valid {
        Ok(words)
    } else {
        Err(format!(
            "{value:?}: a trigger is lower-case words separated by single spaces (\"travel to\")"
        ))
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The regular forms of a verb, inflecting its first word: base, -s, -ed, -ing ("visit to":
/// "visits to", "visited to", "visiting to"). Irregular forms are written out in `forms`.
pub fn inflect_verb(words: &[String]) -> Vec<(Vec<String>, VerbForm)> {
    let Some((first, rest)) = words.split_first() else {
        return Vec::new();
    };
    let with = |head: String| {
        let mut all = vec![head];
        all.extend(rest.iter().cloned());
        all
    };
    let stem_y = first
        .strip_suffix('y')
        .filter(|s| s.chars().last().is_some_and(|c| !is_vowel(c)));
    let third = if let Some(stem) = stem_y {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|e| first.ends_with(e)) {
        format!("{first}es")
    } else {
        format!("{first}s")
    };
    let past = if let Some(stem) = stem_y {
        format!("{stem}ied")
    } else if first.ends_with('e') {
        format!("{first}d")
    } else {
        format!("{first}ed")
    };
    let gerund = if let Some(stem) = first.strip_suffix("ie") {
        format!("{stem}ying")
    } else if first.ends_with('e') && !first.ends_with("ee") && first.len() > 2 {
        format!("{}ing", &first[..first.len() - 1])
    } else {
        format!("{first}ing")
    };
    vec![
        (with(first.clone()), VerbForm::Plain),
        (with(third), VerbForm::Plain),
        (with(past), VerbForm::Past),
        (with(gerund), VerbForm::Gerund),
    ]
}

/// Irregular participles the patterns must know as such ("was met by").
const IRREGULAR_PAST: [&str; 14] = [
    "met", "fought", "struck", "held", "sent", "given", "taken", "seen", "won", "led", "made", "told", "stood", "hit",
];

/// The verb form of a form written out: by its first word's ending.
fn verb_form_of(words: &[String]) -> VerbForm {
    let first = words.first().map_or("", String::as_str);
    if first.ends_with("ed") || IRREGULAR_PAST.contains(&first) {
        VerbForm::Past
    } else if first.ends_with("ing") && first.len() > 4 {
        VerbForm::Gerund
    } else {
        VerbForm::Plain
    }
}

/// A noun and, for a single word not already ending in s, its regular plural. Phrases are kept
/// as written: which of their words is the head is for the writer to say.
fn pluralise(words: &[String]) -> Vec<Vec<String>> {
    let mut all = vec![words.to_vec()];
    if let [word] = words {
        if !word.ends_with('s') {
            let plural = match word.strip_suffix('y') {
                Some(stem) if stem.chars().last().is_some_and(|c| !is_vowel(c)) => format!("{stem}ies"),
                _ if ["x", "z", "ch", "sh"].iter().any(|e| word.ends_with(e)) => format!("{word}es"),
                _ => format!("{word}s"),
            };
            all.push(vec![plural]);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn verbs_are_inflected_on_their_first_word() {
        let forms: Vec<String> = inflect_verb(&words("travel to"))
            .into_iter()
            .map(|(w, _)| w.join(" "))
            .collect();
        assert_eq!(forms, ["travel to", "travels to", "traveled to", "traveling to"]);
        let forms: Vec<String> = inflect_verb(&words("rally"))
            .into_iter()
            .map(|(w, _)| w.join(" "))
            .collect();
        assert_eq!(forms, ["rally", "rallies", "rallied", "rallying"]);
        let forms: Vec<String> = inflect_verb(&words("wage war on"))
            .into_iter()
            .map(|(w, _)| w.join(" "))
            .collect();
        assert_eq!(forms, ["wage war on", "wages war on", "waged war on", "waging war on"]);
        let forms: Vec<String> = inflect_verb(&words("impose"))
            .into_iter()
            .map(|(w, _)| w.join(" "))
            .collect();
        assert_eq!(forms, ["impose", "imposes", "imposed", "imposing"]);
    }

    #[test]
    fn codes_are_three_digits_of_a_root() {
        assert_eq!(parse_code("042"), Some(4));
        assert_eq!(parse_code("200"), Some(20));
        assert_eq!(parse_code("210"), None);
        assert_eq!(parse_code("42"), None);
        assert_eq!(parse_code("00a"), None);
        assert_eq!(Quad::of_root(4), Some(Quad::VerbalCooperation));
        assert_eq!(Quad::of_root(19), Some(Quad::MaterialConflict));
    }

    #[test]
    fn a_form_with_two_codes_is_refused() {
        let codes = [
            CodeInput {
                at: (0, 0),
                code: ("042", 1),
                name: "Make a visit",
                corroborates: vec![],
                agreements: false,
            },
            CodeInput {
                at: (0, 5),
                code: ("051", 6),
                name: "Praise or endorse",
                corroborates: vec![],
                agreements: false,
            },
        ];
        let trigger = |code, at| TriggerInput {
            at: (0, at),
            code: (code, at),
            role: None,
            verbs: vec![("visit", at)],
            forms: vec![],
            nouns: vec![],
            agents: vec![],
            refine: vec![],
            mutual: false,
            direct: false,
            objects: vec![],
        };
        let problems = Lexicon::build(&codes, &[trigger("042", 10), trigger("051", 20)], &[], &|_| true)
            .err()
            .expect("two codes for one form");
        assert!(problems.iter().all(|(_, at, _)| *at == 20), "{problems:?}");
        assert!(
            problems[0].2.contains("already a trigger of code \"042\""),
            "{problems:?}"
        );
    }

    fn code(file: usize, code: &'static str, name: &'static str) -> CodeInput<'static> {
        CodeInput {
            at: (file, 0),
            code: (code, 0),
            name,
            corroborates: vec![],
            agreements: false,
        }
    }

    fn trigger(
        file: usize,
        code: &'static str,
        verb: &'static str,
        objects: Vec<&'static str>,
    ) -> TriggerInput<'static> {
        TriggerInput {
            at: (file, 0),
            code: (code, 0),
            role: None,
            verbs: vec![(verb, 0)],
            forms: vec![],
            nouns: vec![],
            agents: vec![],
            refine: vec![],
            mutual: false,
            direct: false,
            objects: objects.into_iter().map(|o| (o, 0)).collect(),
        }
    }

    /// The codes the forms starting with `words` give, each with the object phrases that give it.
    fn codes_of(lexicon: &Lexicon, words: &str) -> Vec<(String, Vec<String>)> {
        let mut found: Vec<(String, Vec<String>)> = Vec::new();
        for &i in lexicon.forms_starting(words) {
            let form = lexicon.form(i);
            if form.objects.is_empty() {
                found.push((lexicon.codes[form.code].code.clone(), Vec::new()));
            }
            for phrase in form.objects.iter() {
                let code = lexicon.codes[phrase.code].code.clone();
                match found.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, phrases)) => phrases.push(phrase.words.join(" ")),
                    None => found.push((code, vec![phrase.words.join(" ")])),
                }
            }
        }
        found
    }

    #[test]
    fn a_later_file_overrides_a_form_and_a_code_of_an_earlier_one() {
        let codes = [
            code(0, "042", "Make a visit"),
            code(0, "051", "Praise or endorse"),
            code(1, "051", "Praise or endorse (refined)"),
        ];
        let triggers = [trigger(0, "042", "hail", vec![]), trigger(1, "051", "hail", vec![])];
        let Ok(built) = Lexicon::build(&codes, &triggers, &[], &|_| true) else {
            panic!("a later file may redefine")
        };
        assert_eq!(codes_of(&built.lexicon, "hailed"), [("051".to_owned(), vec![])]);
        let praise = built.lexicon.code("051").expect("defined");
        assert_eq!(built.lexicon.codes[praise].name, "Praise or endorse (refined)");
        // In one file, a code defined twice is still refused.
        let twice = [code(0, "042", "Make a visit"), code(0, "042", "Again")];
        assert!(Lexicon::build(&twice, &[], &[], &|_| true).is_err());
    }

    #[test]
    fn a_verb_may_have_one_code_per_object_phrase() {
        let codes = [
            code(0, "163", "Impose embargo, boycott, or sanctions"),
            code(0, "070", "Provide aid"),
        ];
        let triggers = [
            trigger(0, "163", "extend", vec!["sanctions", "embargo"]),
            trigger(0, "070", "extend", vec!["aid"]),
        ];
        let Ok(built) = Lexicon::build(&codes, &triggers, &[], &|_| true) else {
            panic!("distinct objects")
        };
        let mut found = codes_of(&built.lexicon, "extended");
        found.sort();
        assert_eq!(
            found,
            [
                ("070".to_owned(), vec!["aid".to_owned()]),
                ("163".to_owned(), vec!["embargo".to_owned(), "sanctions".to_owned()])
            ]
        );
    }

    #[test]
    fn one_object_phrase_of_a_verb_has_one_code_in_a_file() {
        let codes = [
            code(0, "051", "Praise or endorse"),
            code(0, "111", "Criticize or denounce"),
        ];
        let triggers = [
            trigger(0, "051", "laud", vec!["plan", "scheme"]),
            trigger(0, "111", "laud", vec!["plan"]),
        ];
        let Err(problems) = Lexicon::build(&codes, &triggers, &[], &|_| true) else {
            panic!("\"plan\" under two codes")
        };
        assert!(
            problems
                .iter()
                .any(|(_, _, m)| m.contains("\"plan\" already gives") && m.contains("\"051\"")),
            "{problems:?}"
        );
    }

    #[test]
    fn unknown_codes_roles_and_predicates_are_named() {
        let codes = [CodeInput {
            at: (0, 0),
            code: ("999", 3),
            name: "",
            corroborates: vec![("nope", 9)],
            agreements: false,
        }];
        let triggers = [TriggerInput {
            at: (0, 20),
            code: ("042", 21),
            role: Some(("shout", 22)),
            verbs: vec![],
            forms: vec![],
            nouns: vec![],
            agents: vec![],
            refine: vec![],
            mutual: false,
            direct: false,
            objects: vec![],
        }];
        let problems = Lexicon::build(&codes, &triggers, &[], &|p| p == "backs")
            .err()
            .expect("bad records");
        let messages: Vec<&str> = problems.iter().map(|(_, _, m)| m.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("not a CAMEO code")), "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("\"042\" is not defined")),
            "{messages:?}"
        );
    }
}
