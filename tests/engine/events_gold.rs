//! Scores ExtractEvents' engine on the gold events through the real engine and the shipped
//! layers: the seed article (tests/fixtures/seed_events.jsonl) and the six dev texts
//! (tests/fixtures/dev/*.events.jsonl), by the rules of the team's scorer
//! (`score_events.py`): one-to-one matching; *pair* = same sentence and the same unordered pair of
//! actors; *event* = same sentence, source, target (either way for a symmetric code: 04x, 057,
//! 06x), CAMEO root and negation; *event+trigger* = event and overlapping trigger spans. An
//! actor matches by the gold entity's key, name, alias or demonym (case-, accent-, hyphen- and
//! apostrophe-insensitive), or, for an actor outside the entities file, by its name or its gold
//! surface.
//!
//! `cargo test --release --test engine events_gold -- --nocapture` prints the table.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use actorgraph::events::{self, EventOptions};
use actorgraph::snapshot::Snapshot;

/// The floors the engine must keep: issue 11's goals (event F1 ≥ 0.80 on the seed, ≥ 0.70 on
/// the dev set; event+trigger within 0.05 of event).
const SEED_EVENT_F1_FLOOR: f64 = 0.80;
const DEV_EVENT_F1_FLOOR: f64 = 0.70;
const TRIGGER_GAP_CEILING: f64 = 0.05;
/// Issue 20: dev2 started at 0.100; the armed groups of the world layer and the dictionary's
/// object patterns hold 0.184, the people layer and the passive, title and disapproval rules
/// 0.301, the everyday verbs and the adjunct, demand and reported-act rules 0.412, groups past
/// brackets and titles and role holders 0.475, appositive participles 0.490. Raised as the
/// rules improve.
const DEV2_EVENT_F1_FLOOR: f64 = 0.52;

use common::{fixtures, set_file, DEV2_TEXTS, DEV_TEXTS};

/// Where a dev2 text and its gold are (see [`common::set_file`]).
fn dev2_file(name: &str, suffix: &str) -> Option<PathBuf> {
    set_file("dev2", name, suffix)
}

use common::scorer_norm as norm;

#[derive(Debug, Clone)]
struct Ev {
    sentence: (usize, usize),
    source: String,
    target: String,
    /// The accepted forms of each actor (gold only).
    forms: Option<(HashSet<String>, HashSet<String>)>,
    trigger: (usize, usize),
    code: String,
    negated: bool,
}

fn span(value: &serde_json::Value) -> (usize, usize) {
    let at = |i: usize| value.get(i).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
    (at(0), at(1))
}

fn load_gold(path: &std::path::Path, entities: &serde_json::Map<String, serde_json::Value>) -> Vec<Ev> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let g: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let sentence = span(&g["sentence"]);
            let forms_of = |role: &str| -> HashSet<String> {
                let actor = g[role].as_str().unwrap_or("");
                if let Some(entity) = entities.get(actor) {
                    let mut forms: HashSet<String> =
                        [norm(actor), norm(entity["name"].as_str().unwrap_or(actor))].into();
                    for list in ["aliases", "demonyms"] {
                        for form in entity[list].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
                            forms.insert(norm(form));
                        }
                    }
                    return forms;
                }
                let mut forms: HashSet<String> = [norm(actor)].into();
                let (start, end) = span(&g[format!("{role}_span")]);
                let sentence_text = g["text"].as_str().unwrap_or("");
                let surface = chars_of(
                    sentence_text,
                    (start.saturating_sub(sentence.0), end.saturating_sub(sentence.0)),
                );
                if !surface.is_empty() {
                    forms.insert(norm(&surface));
                }
                forms
            };
            Ev {
                sentence,
                source: g["source"].as_str().unwrap_or("").to_owned(),
                target: g["target"].as_str().unwrap_or("").to_owned(),
                forms: Some((forms_of("source"), forms_of("target"))),
                trigger: span(&g["trigger"]),
                code: g["code"].as_str().unwrap_or("").to_owned(),
                negated: g["negated"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

/// The engine's events of a text, as the JSON lines the CLI prints.
fn event_lines(snapshot: &Snapshot, text: &str) -> Vec<serde_json::Value> {
    let found = events::extract_events(
        &snapshot.model,
        &snapshot.extractor,
        text,
        &EventOptions::default(),
        &|| false,
    )
    .expect("not stopped");
    events::json_lines(&snapshot.model, text, &found)
}

fn predict(snapshot: &Snapshot, text: &str) -> Vec<Ev> {
    event_lines(snapshot, text)
        .into_iter()
        .map(|p| Ev {
            sentence: span(&p["sentence"]),
            source: p["source"].as_str().unwrap_or("").to_owned(),
            target: p["target"].as_str().unwrap_or("").to_owned(),
            forms: None,
            trigger: span(&p["trigger"]),
            code: p["code"].as_str().unwrap_or("").to_owned(),
            negated: p["negated"].as_bool().unwrap_or(false),
        })
        .collect()
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn root(code: &str) -> &str {
    code.get(..2).unwrap_or("")
}

fn symmetric(code: &str) -> bool {
    matches!(root(code), "04" | "06") || code == "057"
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Pair,
    Event,
    EventTrigger,
}

fn compatible(g: &Ev, p: &Ev, level: Level) -> bool {
    if !overlap(g.sentence, p.sentence) {
        return false;
    }
    let Some((source_forms, target_forms)) = &g.forms else {
        return false;
    };
    let ok = |forms: &HashSet<String>, name: &str| !name.is_empty() && forms.contains(&norm(name));
    let straight = ok(source_forms, &p.source) && ok(target_forms, &p.target);
    let swapped = ok(source_forms, &p.target) && ok(target_forms, &p.source);
    if level == Level::Pair {
        return straight || swapped;
    }
    if !(straight || (swapped && symmetric(&g.code))) || root(&g.code) != root(&p.code) || g.negated != p.negated {
        return false;
    }
    level == Level::Event || overlap(g.trigger, p.trigger)
}

/// Maximum one-to-one matching (Kuhn's augmenting paths): how many gold events are matched.
fn matched(gold: &[Ev], predicted: &[Ev], level: Level) -> usize {
    let edges: Vec<Vec<usize>> = gold
        .iter()
        .map(|g| {
            (0..predicted.len())
                .filter(|&j| compatible(g, &predicted[j], level))
                .collect()
        })
        .collect();
    let mut owner: HashMap<usize, usize> = HashMap::new();
    fn augment(i: usize, edges: &[Vec<usize>], owner: &mut HashMap<usize, usize>, seen: &mut HashSet<usize>) -> bool {
        for &j in &edges[i] {
            if !seen.insert(j) {
                continue;
            }
            let free = match owner.get(&j) {
                None => true,
                Some(&other) => augment(other, edges, owner, seen),
            };
            if free {
                owner.insert(j, i);
                return true;
            }
        }
        false
    }
    (0..gold.len())
        .filter(|&i| augment(i, &edges, &mut owner, &mut HashSet::new()))
        .count()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    fn f1(self) -> f64 {
        if self.tp == 0 {
            return if self.fp + self.fn_ == 0 { 1.0 } else { 0.0 };
        }
        2.0 * self.tp as f64 / (2 * self.tp + self.fp + self.fn_) as f64
    }

    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

const LEVELS: [(Level, &str); 3] = [
    (Level::Pair, "pair"),
    (Level::Event, "event"),
    (Level::EventTrigger, "event+trigger"),
];

fn score(gold: &[Ev], predicted: &[Ev]) -> [Counts; 3] {
    LEVELS.map(|(level, _)| {
        let tp = matched(gold, predicted, level);
        Counts {
            tp,
            fp: predicted.len() - tp,
            fn_: gold.len() - tp,
        }
    })
}

/// With `EVENTS_GOLD_DETAILS` set, prints the gold events no prediction matches and the
/// predictions no gold event matches, each with its sentence: what to look at when a score moves.
fn print_details(text: &str, gold: &[Ev], predicted: &[Ev]) {
    if std::env::var_os("EVENTS_GOLD_DETAILS").is_none() {
        return;
    }
    let describe = |ev: &Ev| {
        format!(
            "{} -{}[{}]-> {}{}   | {}",
            ev.source,
            ev.code,
            chars_of(text, ev.trigger),
            ev.target,
            if ev.negated { " (negated)" } else { "" },
            chars_of(text, ev.sentence)
        )
    };
    for g in gold {
        if !predicted.iter().any(|p| compatible(g, p, Level::Event)) {
            println!("  MISS {}", describe(g));
        }
    }
    for p in predicted {
        if !gold.iter().any(|g| compatible(g, p, Level::Event)) {
            println!("  FALSE {}", describe(p));
        }
    }
}

/// The characters of `text` in a span of code points (the gold files' and the answer's offsets).
fn chars_of(text: &str, (start, end): (usize, usize)) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Scores one text, prints its row (and its details on request), and adds it to a set's total.
fn score_text(snapshot: &Snapshot, name: &str, text: &str, gold: &[Ev], total: &mut [Counts; 3]) {
    let predicted = predict(snapshot, text);
    let counts = score(gold, &predicted);
    print_row(name, &counts);
    print_details(text, gold, &predicted);
    for (sum, counts) in total.iter_mut().zip(counts) {
        sum.add(counts);
    }
}

fn print_row(name: &str, counts: &[Counts; 3]) {
    for ((_, level), c) in LEVELS.iter().zip(counts) {
        println!(
            "{name:<44} {level:<14} {:>5.3} {:>5.3} {:>5.3} {:>3} {:>3} {:>3}",
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
}

#[test]
fn the_seed_and_dev_events_score_at_least_the_goals() {
    let snapshot = common::world_snapshot();
    let entities_of = |path: PathBuf| -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(path).expect("entities file")).expect("a JSON object")
    };
    println!(
        "{:<44} {:<14} {:>5} {:>5} {:>5} {:>3} {:>3} {:>3}",
        "text", "level", "P", "R", "F1", "tp", "fp", "fn"
    );

    let seed_entities = entities_of(fixtures().join("entities.json"));
    let gold = load_gold(&fixtures().join("seed_events.jsonl"), &seed_entities);
    let article = common::article();
    let predicted = predict(snapshot, &article);
    let seed = score(&gold, &predicted);
    print_row("seed article", &seed);
    print_details(&article, &gold, &predicted);

    let dev_entities = entities_of(fixtures().join("dev/entities.json"));
    let mut dev = [Counts::default(); 3];
    for name in DEV_TEXTS {
        let text = std::fs::read_to_string(fixtures().join(format!("dev/{name}.txt"))).expect("dev text");
        let gold = load_gold(&fixtures().join(format!("dev/{name}.events.jsonl")), &dev_entities);
        score_text(snapshot, name, &text, &gold, &mut dev);
    }
    print_row("dev total (micro)", &dev);

    let dev2_entities = entities_of(fixtures().join("dev2/entities.json"));
    let mut dev2 = [Counts::default(); 3];
    for name in DEV2_TEXTS {
        let (Some(text), Some(gold)) = (dev2_file(name, ".txt"), dev2_file(name, ".events.jsonl")) else {
            println!("{name:<44} not scored: not in tests/fixtures/dev2 nor ../shared/dev2");
            continue;
        };
        let text = std::fs::read_to_string(text).expect("dev2 text");
        let gold = load_gold(&gold, &dev2_entities);
        score_text(snapshot, name, &text, &gold, &mut dev2);
    }
    print_row("dev2 total (micro)", &dev2);

    assert!(
        seed[1].f1() >= SEED_EVENT_F1_FLOOR,
        "seed event F1 {:.3} < {SEED_EVENT_F1_FLOOR}",
        seed[1].f1()
    );
    assert!(
        dev[1].f1() >= DEV_EVENT_F1_FLOOR,
        "dev event F1 {:.3} < {DEV_EVENT_F1_FLOOR}",
        dev[1].f1()
    );
    assert!(
        dev2[1].f1() >= DEV2_EVENT_F1_FLOOR,
        "dev2 event F1 {:.3} < {DEV2_EVENT_F1_FLOOR}",
        dev2[1].f1()
    );
    for (name, counts) in [("seed", seed), ("dev", dev), ("dev2", dev2)] {
        let gap = counts[1].f1() - counts[2].f1();
        assert!(
            gap <= TRIGGER_GAP_CEILING,
            "{name}: event+trigger F1 is {gap:.3} below event F1"
        );
    }
}

/// One expected event of the sentence suite: surfaces, root, negation, and whether either
/// direction is right.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    source: String,
    root: String,
    target: String,
    negated: bool,
    mutual: bool,
}

/// Reads `tests/data/event-sentences.txt` (its header states the format): the sentences, each
/// with its section and expected events.
fn sentence_suite() -> Vec<(String, String, Vec<Expected>)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/event-sentences.txt");
    let text = std::fs::read_to_string(&path).expect("the sentence suite");
    let mut section = String::new();
    let mut suite = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if let Some(name) = line.strip_prefix("## ") {
            section = name.trim().to_owned();
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (sentence, events) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("line {}: a sentence, a TAB, its events", number + 1));
        let expected = if events.trim() == "-" {
            Vec::new()
        } else {
            events
                .split("; ")
                .map(|event| {
                    let words: Vec<&str> = event.split(' ').collect();
                    let at = words
                        .iter()
                        .position(|w| {
                            let code = w.trim_start_matches(['~', '!']);
                            code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
                        })
                        .unwrap_or_else(|| panic!("line {}: no root in {event:?}", number + 1));
                    let root = words[at];
                    Expected {
                        source: words[..at].join(" "),
                        root: root.trim_start_matches(['~', '!']).to_owned(),
                        target: words[at + 1..].join(" "),
                        negated: root.contains('!'),
                        mutual: root.contains('~'),
                    }
                })
                .collect()
        };
        suite.push((section.clone(), sentence.to_owned(), expected));
    }
    suite
}

/// The engine's events of one sentence as the suite writes them (surfaces, root, negation).
fn suite_predictions(snapshot: &Snapshot, sentence: &str) -> Vec<Expected> {
    let surface = |value: &serde_json::Value| chars_of(sentence, span(value));
    event_lines(snapshot, sentence)
        .iter()
        .map(|p| Expected {
            source: surface(&p["source_span"]),
            root: root(p["code"].as_str().unwrap_or("")).to_owned(),
            target: surface(&p["target_span"]),
            negated: p["negated"].as_bool().unwrap_or(false),
            mutual: false,
        })
        .collect()
}

fn suite_match(expected: &Expected, predicted: &Expected) -> bool {
    let same = |a: &str, b: &str| norm(a) == norm(b);
    let straight = same(&expected.source, &predicted.source) && same(&expected.target, &predicted.target);
    let swapped = same(&expected.source, &predicted.target) && same(&expected.target, &predicted.source);
    expected.root == predicted.root
        && expected.negated == predicted.negated
        && (straight || (expected.mutual && swapped))
}

/// The suite's floors: what the rules held when the suite was written (issue 20), raised as they
/// improve; a rule change that lowers either fails here.
/// 2026-12-07: P 0.839, R 0.478 (before the dictionary, the armed groups and the "that" rule:
/// 0.750 / 0.527 with every class of the dictionary, 0.874 / 0.451 with none). Later the same
/// day: 0.880 / 0.616, then 0.934 / 0.843 with the everyday verbs and their rules.
const SUITE_PRECISION_FLOOR: f64 = 0.90;
const SUITE_RECALL_FLOOR: f64 = 0.80;

#[test]
fn the_own_sentence_suite_scores_at_least_its_floors() {
    let snapshot = common::world_snapshot();
    let details = std::env::var_os("EVENTS_SUITE_DETAILS").is_some();
    let mut total = Counts::default();
    let mut sections: Vec<(String, Counts, usize)> = Vec::new();
    for (section, sentence, expected) in sentence_suite() {
        let predicted = suite_predictions(snapshot, &sentence);
        let mut used = vec![false; predicted.len()];
        let mut counts = Counts::default();
        let mut missed = Vec::new();
        for e in &expected {
            match (0..predicted.len()).find(|&j| !used[j] && suite_match(e, &predicted[j])) {
                Some(j) => {
                    used[j] = true;
                    counts.tp += 1;
                }
                None => {
                    counts.fn_ += 1;
                    missed.push(e);
                }
            }
        }
        let wrong: Vec<&Expected> = predicted
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(p, _)| p)
            .collect();
        counts.fp += wrong.len();
        if details && (!missed.is_empty() || !wrong.is_empty()) {
            println!("{sentence}");
            let line = |e: &Expected| {
                format!(
                    "{} {}{} {}",
                    e.source,
                    if e.negated { "!" } else { "" },
                    e.root,
                    e.target
                )
            };
            for e in missed {
                println!("    MISS  {}", line(e));
            }
            for p in wrong {
                println!("    FALSE {}", line(p));
            }
        }
        total.add(counts);
        match sections.iter_mut().find(|(name, _, _)| *name == section) {
            Some((_, c, n)) => {
                c.add(counts);
                *n += 1;
            }
            None => sections.push((section, counts, 1)),
        }
    }
    println!(
        "{:<52} {:>9} {:>5} {:>5} {:>5} {:>4} {:>4} {:>4}",
        "section", "sentences", "P", "R", "F1", "tp", "fp", "fn"
    );
    for (name, c, n) in &sections {
        println!(
            "{name:<52} {n:>9} {:>5.3} {:>5.3} {:>5.3} {:>4} {:>4} {:>4}",
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    println!(
        "{:<52} {:>9} {:>5.3} {:>5.3} {:>5.3} {:>4} {:>4} {:>4}",
        "suite total (micro)",
        sections.iter().map(|s| s.2).sum::<usize>(),
        total.precision(),
        total.recall(),
        total.f1(),
        total.tp,
        total.fp,
        total.fn_
    );
    assert!(
        total.precision() >= SUITE_PRECISION_FLOOR,
        "suite precision {:.3} < {SUITE_PRECISION_FLOOR}",
        total.precision()
    );
    assert!(
        total.recall() >= SUITE_RECALL_FLOOR,
        "suite recall {:.3} < {SUITE_RECALL_FLOOR}",
        total.recall()
    );
}
