#!/usr/bin/env python3
"""Generate data/world/event-dictionary.toml from PETRARCH2's CAMEO verb dictionary.

    bash scripts/events/regenerate.sh [CAMEO.2.0.txt]

fetches (or takes) the pinned dictionary, checks its sha256 and runs

    python3 scripts/events/generate.py --input CAMEO.2.0.txt [--report FILE]

Input: `petrarch2/data/dictionaries/CAMEO.2.0.txt` of openeventdata/petrarch2 at commit
PINNED_COMMIT (MIT, (c) 2015 Open Event Data Alliance). Its format is documented in
PETRARCH2's PETRreader.read_verb_dictionary(): synonym sets (`&NAME`, `+MEMBER`), verb blocks
(`---  NAME  [code]  ---`), verb lines (`WORD {FORMS} [code]`, `+MULTI_WORD {+FORMS}`),
patterns (`- before * after [code] # comment`) and transformations (`~ ...`, not used here).

Output: one layer file of the event lexicon (docs/data-format.md, "Event lexicon"), loaded
before the hand-written data/world/event-triggers.toml, which overrides any form it also
defines. Three classes of triggers; only the objects are on by default:

  block defaults  every verb of a block with a default code gets that code  (--block-defaults)
  verb codes      a verb line with its own code gets that code              (--verb-codes)
  objects         `- * WORDS [code]`: the block's verbs give the code only
                  when one of the phrases follows (key `objects`)          (--no-objects)

The two classes of bare verbs are off because they fire wrongly through our window rules
(measured with `cargo test --release --test engine events_gold -- --nocapture`, 2026-12-07): block
defaults took the dev set's event F1 from 0.836 to 0.623 and the seed's from 0.968 to 0.857 for
+0.07 on dev2; verb codes took dev to 0.800 and added nothing on dev2 or our sentence suite.

Python 3.11+, standard library only. The output is byte for byte a function of the input, the
hand tables below and scripts/events/cameo-codes.tsv: records, words and phrases are sorted,
nothing depends on hash order or the clock. A report (counts and every decision) goes to
--report (default: a temporary file); the last line of the report, the summary, is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PINNED_REPO = "openeventdata/petrarch2"
PINNED_COMMIT = "676801cd9cb2924bbbad09f86d15c9323e7097bf"
PINNED_PATH = "petrarch2/data/dictionaries/CAMEO.2.0.txt"
PINNED_SHA256 = "4a442ee42f7574651ec1c594f127353cdffbf18fa97b207ad5d8298a3cfaa08f"

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_OUT = REPO / "data" / "world" / "event-dictionary.toml"
DEFAULT_CODES = HERE / "cameo-codes.tsv"
# Read only for the report (overlaps, code names); the output never depends on it.
DEFAULT_HAND = REPO / "data" / "world" / "event-triggers.toml"

# The longest object phrase kept, in words (the lexicon matches an object phrase starting after at most three words).
MAX_OBJECT_WORDS = 3

# -------------------------------------------------------------------------------------------------
# Verbs left out (hand tables). Keys are single-word verb lines of the dictionary, lower case.
# Multi-word verbs ("give in", "take over", "go to") are never left out for these reasons: the
# particle makes them specific.
# -------------------------------------------------------------------------------------------------

# Left out of every record, objects included.
NEVER_VERBS: dict[str, str] = {
    # Auxiliaries and modals: they stand in nearly every sentence of news and carry no act.
    # (The dictionary lists some only in synonym sets; they are here so that no later version
    # of the dictionary can bring them in as verbs.)
    **{w: "auxiliary or modal" for w in (
        "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having",
        "do", "does", "did", "done", "will", "would", "shall", "should", "can", "could", "may",
        "might", "must")},
    # The verbs of saying. The hand file reads them as `role = "speech"` (code 010): the target
    # is named in what is said, and `content` words make what is said an act. CAMEO's block
    # EXPLAIN_VERBAL gives them 010 as plain acts, and its patterns would turn "said ... hope"
    # into an optimistic comment: left out altogether, the hand file decides.
    "say": "verb of saying (the hand file's speech trigger)",
    "tell": "verb of saying (the hand file's speech trigger)",
}

# Left out of block defaults and verb codes, kept in object records (where the object phrase
# says what is done: "put ... on alert", "take ... control", "make ... visit").
NOT_ALONE_VERBS: dict[str, str] = {
    # Light verbs: the act is in their object, alone they fire on almost any sentence.
    **{w: "light verb: the act is in its object" for w in (
        "make", "take", "get", "give", "go", "come", "put", "set", "keep", "hold", "bring",
        "let", "run", "turn", "send", "leave", "place", "carry")},
    # Verbs among the most frequent of English whose ordinary use in news states no act of one
    # actor towards another (CAMEO codes them by meaning: see 010, think 040, want 030, need 100;
    # "found", to found, is far more often the past of find).
    **{w: "very frequent verb, no act on its own" for w in (
        "see", "saw", "know", "think", "find", "show", "look", "seem", "appear", "want", "need",
        "mean", "use", "try", "feel", "believe", "become", "expect", "consider", "face", "serve",
        "work", "pass", "count", "figure", "total", "score", "sum", "value", "call", "found")},
    # Verbs that news mostly uses in a fixed frame that is not CAMEO's act: "led by", "headed
    # by" (060 in CAMEO), "so-called", "the state", "ordered" (of rankings, of goods).
    **{w: "frequent in a frame that is not the act (led by, headed by, the state)" for w in (
        "lead", "head", "order", "rule", "state", "address", "handle", "direct", "conduct",
        "control", "command")},
    # The hand file's other verbs of saying (speech role): as act triggers they would make
    # every quotation an event.
    **{w: "verb of saying (the hand file's speech trigger)" for w in (
        "announce", "confirm", "declare", "remark", "note", "comment", "claim", "add",
        "report", "mention")},
}

# Words that make no object on their own: a pattern whose words are all among them
# ("- * (TO)", "- * OFF (FOR)") is left out. They get no plural or singular either.
FUNCTION_WORDS = frozenset("""
    a an the this that these those some any all both each every no not nor neither either
    and or but if whether than then so as because while though although
    i me my we us our you your he him his she her it its they them their
    himself herself itself themselves oneself ourselves yourself one
    who whom whose which what where when why how there here
    to for from with without within into onto in on at by of off out up down over under
    about above after against along among amongst around before behind below beneath beside
    besides between beyond despite during except inside like near outside past since through
    throughout till toward towards until upon via versus away back forth again
    is are was were be been being am have has had do does did will would shall should can
    could may might must
""".split())

# Irregular forms that the dictionary lists as verb lines of their own (SAW, FORGAVE, ...),
# which PETRARCH would inflect as if base forms ("sawed"): written out as they stand. Forms
# listed inside some line's {...} and -ed/-ing forms of a verb of the dictionary are found
# without this table.
INFLECTED_LINES = frozenset({"saw", "forgave", "forgiven", "overthrew"})
# Verb lines that are base forms although another verb lists them among its forms: to found
# (ENACT; found is also the past of find), to wound (HURT; of wind), to bound (JUMP; of bind).
BASE_LINES = frozenset({"found", "wound", "bound"})

# A pattern naming two or more synonym sets ("{&MILITARY &AIRCRAFT}", "&CURRENCY (FOR
# &INFORMATION)") is left out: flattened, the cross product of the sets reads as words no text
# holds ("marines skyhook", "dinar for infos"), about 8,000 phrases of them.
MAX_SETS_PER_PATTERN = 1

# The licence notice of CAMEO.2.0.txt, as the file states it (the PETRARCH2 repository's LICENSE
# is the same MIT License, "Copyright (c) 2014 Open Event Data"). Repeated in the output.
MIT_NOTICE = """\
The MIT License (MIT)

Copyright (c) 2015 Open Event Data Alliance

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""

SINGULAR_DETERMINERS = frozenset({"a", "an", "one", "another", "each", "every", "this", "that"})

# A word of a trigger or object: what the lexicon's loader accepts (words_of in
# src/model/event_lexicon.rs): a lower-case letter, then letters, hyphens and apostrophes. Digits
# (model designations: "f-16", "ak-47", 2,309 object phrases) only with --digits, for a loader
# that takes them.
WORD = re.compile(r"^[a-z][a-z'-]*$")
WORD_WITH_DIGITS = re.compile(r"^[a-z][a-z0-9'-]*$")
CODE = re.compile(r"^\[([^\]]*)\]$")

# -------------------------------------------------------------------------------------------------
# English forms, as the lexicon's loader makes them (src/model/event_lexicon.rs, inflect_verb)
# -------------------------------------------------------------------------------------------------

VOWELS = frozenset("aeiou")


def inflect_verb(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The forms the loader generates for a `verbs` entry: base, -s, -ed, -ing of the first
    word. Must stay in step with inflect_verb in src/model/event_lexicon.rs."""
    first, rest = words[0], words[1:]
    stem_y = first[:-1] if first.endswith("y") and len(first) > 1 and first[-2] not in VOWELS else None
    if stem_y is not None:
        third = stem_y + "ies"
    elif first.endswith(("s", "x", "z", "ch", "sh")):
        third = first + "es"
    else:
        third = first + "s"
    if stem_y is not None:
        past = stem_y + "ied"
    elif first.endswith("e"):
        past = first + "d"
    else:
        past = first + "ed"
    if first.endswith("ie"):
        gerund = first[:-2] + "ying"
    elif first.endswith("e") and not first.endswith("ee") and len(first) > 2:
        gerund = first[:-1] + "ing"
    else:
        gerund = first + "ing"
    return [(head,) + rest for head in (first, third, past, gerund)]


def plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


# Words in -s that are not plurals of a word without it.
NOT_PLURALS = frozenset({"news", "series", "species", "means", "arms", "talks", "politics",
                         "economics", "physics", "headquarters", "whereabouts", "crossroads"})


def singular(word: str) -> str | None:
    if word in NOT_PLURALS or len(word) <= 3 or word.endswith(("ss", "us", "is", "ics", "'s")):
        return None
    if word.endswith("ies"):
        return word[:-1] if len(word) <= 4 else word[:-3] + "y"  # ties -> tie, parties -> party
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return None


# The last words of the dictionary's patterns that are not nouns (adjectives, adverbs), found by
# reviewing every pattern's last word: they get no plural ("ready", not "readies").
NOT_NOUNS = frozenset("""
    ablaze afire ahead alongside defiant diplomatic farcical financial guilty happy hopeful
    humanitarian illegitimate impatient impossible innocent legitimate little medical neutral
    optimistic pessimistic provocative ready resentful responsible sceptical silent skeptical
    sorry tense unacceptable uncertain unfair unjust unreliable untrue urgent willing other free
    close hardline paramilitary econ arm-in-arm
""".split())
IRREGULAR_NUMBER = {"man": "men", "men": "man", "woman": "women", "women": "woman",
                    "child": "children", "children": "child"}


def number_variant(word: str) -> str | None:
    """The simple plural of a noun, or the singular of a plural: the other number. None for
    function words, adverbs (-ly, -ward), participles (-ed), NOT_NOUNS and model designations
    with digits (f-16, ak-47)."""
    if word in IRREGULAR_NUMBER:
        return IRREGULAR_NUMBER[word]
    if (word in FUNCTION_WORDS or word in NOT_NOUNS or word.endswith(("ly", "ward"))
            or (word.endswith("ed") and not word.endswith("eed") and len(word) > 4)
            or word.endswith(("man", "men"))  # servicemen, infantrymen: not -mens
            or any(c.isdigit() for c in word)):
        return None
    if word.endswith("s"):
        return singular(word)
    return plural(word)


# -------------------------------------------------------------------------------------------------
# Reading the dictionary
# -------------------------------------------------------------------------------------------------


@dataclass
class Code:
    """A code as written in the dictionary, resolved: `code` is three digits or None."""

    raw: str
    code: str | None
    problem: str | None  # why there is no code ("null code", "passive only", ...)


def parse_code(raw: str) -> Code:
    """`[042]`, `[0874]` (-> 087), `[042:043]` (active part), `[:173]` (none), `[---]` (none)."""
    text = raw.strip()
    if text == "---":
        return Code(raw, None, "null code [---]")
    active = text.split(":", 1)[0].strip() if ":" in text else text
    if ":" in text and not active:
        return Code(raw, None, "passive only [:code]")
    if not re.fullmatch(r"\d{3,4}", active):
        return Code(raw, None, "malformed code")
    root = int(active[:2])
    if not 1 <= root <= 20:
        return Code(raw, None, "code outside roots 01-20")
    return Code(raw, active[:3], None)


@dataclass
class VerbLine:
    line: int
    text: str
    stem: tuple[str, ...]  # the verb as written, lower case ("ask", "for")
    forms: list[tuple[str, ...]]  # every form, written out (ours, not PETRARCH's)
    regular: bool  # single word, no {...}, a base form: the loader may inflect it
    multi: bool
    code: Code | None  # its own code, if any
    problem: str | None = None  # invalid characters


@dataclass
class Pattern:
    line: int
    text: str
    pre: list[str]
    post: list[str]
    code: Code


@dataclass
class Block:
    name: str
    line: int
    code: Code
    verbs: list[VerbLine] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class Dictionary:
    synsets: dict[str, list[tuple[tuple[str, ...], bool]]]  # label -> (words, takes a plural)
    blocks: list[Block]
    transformations: int
    unread: list[tuple[int, str]]  # lines of no known kind


def strip_comment(text: str) -> str:
    return text.split("#", 1)[0]


def words_of_term(term: str) -> tuple[str, ...]:
    """`AUSTRIAN FLORIN`, `IS_TO`, `+CORDON_OFF` -> lower-case words."""
    return tuple(w for w in re.split(r"[\s_]+", term.replace("+", "").lower()) if w)


def read_dictionary(text: str) -> Dictionary:
    synsets: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    blocks: list[Block] = []
    transformations = 0
    unread: list[tuple[int, str]] = []
    section = "preamble"
    label = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("####### SYNONYM SETS"):
            section = "synsets"
            continue
        if line.startswith("####### VERB PATTERNS"):
            section = "verbs"
            continue
        if line.startswith("#"):
            continue
        if section == "synsets":
            body = strip_comment(line).strip()
            if body.startswith("&"):
                label = body
                synsets.setdefault(label, [])
            elif body.startswith("+") and label is not None:
                term = body[1:]
                no_plural = label.endswith("_") or term.endswith("_") or term.startswith("{")
                synsets[label].append((words_of_term(term), not no_plural))
            elif body:
                unread.append((number, line))
            continue
        if section != "verbs":
            unread.append((number, line))
            continue
        if line.startswith("---"):
            match = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
            if not match:
                unread.append((number, line))
                continue
            blocks.append(Block(match.group(1), number, parse_code(match.group(2))))
        elif line.startswith("-"):
            if not blocks:
                unread.append((number, line))
                continue
            body = strip_comment(line[1:]).split()
            glued = re.match(r"^(.*\S)(\[[^\]]*\])$", body[-1]) if body else None
            if not body or not (CODE.match(body[-1]) or glued):
                unread.append((number, line))
                continue
            code = parse_code((CODE.match(body[-1]) or CODE.match(glued.group(2))).group(1))
            rest = " ".join(body[:-1])
            if glued or rest.count("*") != 1:
                pre, post = ["?"], []  # a code glued to a word, or no single *: malformed
            else:
                before, after = rest.split("*")
                pre, post = before.split(), after.split()
            blocks[-1].patterns.append(Pattern(number, line, pre, post, code))
        elif line.startswith("~"):
            transformations += 1
        elif blocks:
            blocks[-1].verbs.append(read_verb_line(number, line))
        else:
            unread.append((number, line))
    return Dictionary(synsets, blocks, transformations, unread)


def read_verb_line(number: int, line: str) -> VerbLine:
    body = strip_comment(line).split(";", 1)[0].strip()  # `;shan 8/30/93` is a comment too
    code = None
    match = re.search(r"\[([^\]]*)\]\s*$", body)
    if match:
        code = parse_code(match.group(1))
        body = body[: match.start()].strip()
    braces = re.search(r"\{([^}]*)\}", body)
    listed = re.split(r"[\s,]+", braces.group(1).strip()) if braces else []  # some lists have commas
    listed = [t for t in listed if t]
    head = body[: braces.start()].strip() if braces else body
    tokens = head.split()
    stem = words_of_term(tokens[0]) if tokens else ()
    multi = len(stem) > 1
    verb = VerbLine(number, line, stem, [], False, multi, code)
    if not stem or len(tokens) != 1:
        verb.problem = "unreadable verb line"
        return verb
    if braces:
        # {...} lists the forms; the line's own word is one of them (PETRARCH: "ALL forms").
        verb.forms = [stem] + [words_of_term(t) for t in listed]
    else:
        verb.forms = [stem]  # inflected below, once every line is known (see finish_forms)
    if any(not WORD.match(w) for form in verb.forms for w in form):
        verb.problem = "characters outside a-z ' -"
    return verb


def finish_forms(dictionary: Dictionary) -> Counter:
    """Written-out forms for lines without {...}: a base form gets the loader's inflections; a
    form that is already inflected (KILLED_AND, SAW, TOURING) is written as it stands."""
    listed: set[str] = set()
    bases: set[str] = set()
    for block in dictionary.blocks:
        for verb in block.verbs:
            if verb.problem:
                continue
            if len(verb.forms) > 1:
                listed.update(f[0] for f in verb.forms[1:] if f[0] != verb.stem[0])
            if not verb.multi:
                bases.add(verb.stem[0])
    counts: Counter = Counter()
    for block in dictionary.blocks:
        for verb in block.verbs:
            if verb.problem or len(verb.forms) > 1 or "{" in verb.text.split("#")[0]:
                if not verb.problem and "{" in verb.text.split("#")[0]:
                    counts["verb lines with {forms}"] += 1
                continue
            first = verb.stem[0]
            if verb.multi and not verb.text.lstrip().startswith("+"):
                # RE_+ARREST: the verb is not the first word, which the loader would inflect
                counts["multi-word verb lines with the verb not first, written as they stand"] += 1
                continue
            if already_inflected(first, listed, bases):
                counts["verb lines already inflected, written as they stand"] += 1
                continue
            verb.forms = inflect_verb(verb.stem)
            verb.regular = not verb.multi
            counts["verb lines inflected regularly"] += 1
    return counts


def already_inflected(word: str, listed: set[str], bases: set[str]) -> bool:
    if word in BASE_LINES:
        return False
    if word in INFLECTED_LINES or word in listed:
        return True
    candidates: list[str] = []
    if word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    if word.endswith("ed"):
        candidates += [word[:-2], word[:-1]]
        if len(word) > 4 and word[-3] == word[-4]:
            candidates.append(word[:-3])  # stopped -> stop
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e"]
        if len(word) > 5 and word[-4] == word[-5]:
            candidates.append(word[:-4])
    return any(c in bases and c != word for c in candidates)


def expand_pattern(tokens: list[str], synsets) -> tuple[list[tuple[str, ...]], str | None]:
    """The object phrases of a pattern's words after `*`: parentheses and braces dropped, `_`
    joining words, each `&SET` replaced by each of its members; the last word also in its
    other number (plural or singular) when it is a noun of the pattern or of a set that takes
    plurals. Returns (phrases, problem)."""
    slots: list[list[tuple[tuple[str, ...], bool]]] = []
    for token in tokens:
        bare = token.strip("(){}")
        if not bare:
            continue
        if bare.startswith("&"):
            if bare not in synsets:
                return [], "undefined synonym set"
            slots.append(synsets[bare])
        else:
            slots.append([(words_of_term(bare), True)])
    if not slots:
        return [], "no words after the verb"
    phrases: list[tuple[str, ...]] = []
    for choice in itertools.product(*slots):
        words = tuple(w for part, _ in choice for w in part)
        if not words:
            continue
        phrases.append(words)
        # "to a vote": not "to a votes"
        last_takes_plural = choice[-1][1] and not SINGULAR_DETERMINERS.intersection(words[:-1])
        variant = number_variant(words[-1]) if last_takes_plural else None
        if variant:
            phrases.append(words[:-1] + (variant,))
    return phrases, None


# -------------------------------------------------------------------------------------------------
# Building the triggers
# -------------------------------------------------------------------------------------------------


@dataclass
class Trigger:
    code: str
    kind: str  # "block default", "verb code", "objects"
    block: str
    verbs: set[tuple[str, ...]] = field(default_factory=set)
    forms: set[tuple[str, ...]] = field(default_factory=set)
    objects: set[tuple[str, ...]] = field(default_factory=set)


KINDS = ("block default", "verb code", "objects")


def load_codes(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, sep, name = line.partition("\t")
        if not sep or not re.fullmatch(r"\d{3}", code) or not name.strip() or code in names:
            sys.exit(f"{path.name}:{number}: expected `CODE<TAB>name`, each code once: {line!r}")
        names[code] = name.strip()
    missing_roots = [f"{r:02d}0" for r in range(1, 21) if f"{r:02d}0" not in names]
    if missing_roots:
        sys.exit(f"{path.name}: the root codes {missing_roots} have no name")
    return names


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counts: Counter = Counter()

    def say(self, text: str = "") -> None:
        self.lines.append(text)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


def build(dictionary: Dictionary, names: dict[str, str], enabled: set[str], report: Report,
          word_re: re.Pattern = WORD):
    allowed = "a-z 0-9 ' -" if word_re is WORD_WITH_DIGITS else "a-z ' - (digits: see --digits)"
    triggers: dict[tuple[str, str, str], Trigger] = {}
    # (form words, object words or ()) -> (code, where): the first in file order owns it.
    owner: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, str]] = {}
    conflicts: list[str] = []
    fallbacks: Counter = Counter()
    left_out: dict[str, Counter] = defaultdict(Counter)
    restricted: Counter = Counter()
    restricted_examples: dict[str, list[str]] = defaultdict(list)
    phrase_drops: Counter = Counter()

    def resolve(code: str) -> str:
        if code in names:
            return code
        root = code[:2] + "0"
        fallbacks[(code, root)] += 1
        return root

    def trigger(code: str, kind: str, block: str) -> Trigger:
        key = (code, kind, block)
        if key not in triggers:
            triggers[key] = Trigger(code, kind, block)
        return triggers[key]

    for block in dictionary.blocks:
        where_block = f"{block.name} (line {block.line})"
        # ---- block defaults and verb codes --------------------------------------------------
        for verb in block.verbs:
            if verb.problem:
                left_out[verb.problem][" ".join(verb.stem) or verb.text.strip()] += 1
                continue
            kind = "verb code" if verb.code is not None else "block default"
            code = verb.code if verb.code is not None else block.code
            if code.code is None:
                report.count(f"verb lines with no code ({kind}: {code.problem})")
                continue
            if kind not in enabled:
                continue
            word = verb.stem[0] if not verb.multi else None
            if word in NEVER_VERBS:
                left_out[NEVER_VERBS[word]][word] += 1
                continue
            if word in NOT_ALONE_VERBS:
                left_out[NOT_ALONE_VERBS[word]][word] += 1
                continue
            resolved = resolve(code.code)
            kept = []
            for form in verb.forms:
                held = owner.get((form, ()))
                if held is None:
                    owner[(form, ())] = (resolved, where_block)
                    kept.append(form)
                elif held[0] == resolved:
                    kept.append(form)  # the same form again under the same code: harmless
                else:
                    conflicts.append(
                        f'"{" ".join(form)}" {resolved} ({kind}, {block.name} line {verb.line}) '
                        f"dropped: already {held[0]} ({held[1]})")
            if not kept:
                continue
            t = trigger(resolved, kind, block.name)
            if verb.regular and len(kept) == len(verb.forms):
                t.verbs.add(verb.stem)
            else:
                t.forms.update(kept)
        # ---- objects ------------------------------------------------------------------------
        if "objects" not in enabled:
            continue
        block_forms: list[tuple[tuple[str, ...], VerbLine]] = []
        for verb in block.verbs:
            if verb.problem or (not verb.multi and verb.stem[0] in NEVER_VERBS):
                continue
            block_forms.append((verb.stem, verb))
        seen_patterns: set[tuple[str, tuple[str, ...]]] = set()
        for pattern in block.patterns:
            reason = None
            if pattern.code.code is None:
                reason = pattern.code.problem
            elif pattern.pre == ["?"]:
                reason = "malformed (no single *, or a code glued to a word)"
            elif pattern.pre:
                reason = "words before the verb"
            elif any("$" in t for t in pattern.post):
                reason = "source marker $"
            elif any("+" in t for t in pattern.post):
                reason = "target marker +"
            elif any("^" in t for t in pattern.post):
                reason = "skip marker ^"
            elif any(re.search(r"[^A-Za-z0-9'&_(){}-]", t) for t in pattern.post):
                reason = "characters outside letters, digits, ' and -"
            elif sum("&" in t for t in pattern.post) > MAX_SETS_PER_PATTERN:
                reason = "two or more synonym sets (cross product)"
            phrases: list[tuple[str, ...]] = []
            if reason is None:
                phrases, reason = expand_pattern(pattern.post, dictionary.synsets)
            if reason is None:
                content = [p for p in phrases if any(w not in FUNCTION_WORDS for w in p)]
                if not content:
                    reason = "only function words"
                else:
                    short = [p for p in content if len(p) <= MAX_OBJECT_WORDS]
                    if not short:
                        reason = f"longer than {MAX_OBJECT_WORDS} words"
                    else:
                        phrase_drops["longer than 3 words (in a kept pattern)"] += len(content) - len(short)
                        valid = [p for p in short if all(word_re.match(w) for w in p)]
                        phrase_drops[f"characters outside {allowed} (set member)"] += len(short) - len(valid)
                        if not valid:
                            reason = f"characters outside {allowed}"
                        phrases = valid
            if reason is not None:
                restricted[reason] += 1
                if len(restricted_examples[reason]) < 3:
                    restricted_examples[reason].append(f"{block.name}: {strip_comment(pattern.text).strip()}")
                continue
            resolved = resolve(pattern.code.code)
            report.count("object patterns kept")
            key_phrases = tuple(sorted(set(phrases)))
            if (resolved, key_phrases) in seen_patterns:
                report.count("object patterns repeating an earlier one of the block")
            seen_patterns.add((resolved, key_phrases))
            t = trigger(resolved, "objects", block.name)
            for phrase in dict.fromkeys(phrases):
                if phrase in t.objects:
                    continue
                clash = None
                for _, verb in block_forms:
                    for form in verb.forms:
                        held = owner.get((form, phrase))
                        if held is not None and held[0] != resolved:
                            clash = (form, held)
                            break
                    if clash:
                        break
                if clash:
                    form, held = clash
                    conflicts.append(
                        f'"{" ".join(form)}" + "{" ".join(phrase)}" {resolved} (objects, {block.name} '
                        f"line {pattern.line}) dropped: already {held[0]} ({held[1]})")
                    continue
                for _, verb in block_forms:
                    for form in verb.forms:
                        owner.setdefault((form, phrase), (resolved, f"{block.name} (line {pattern.line})"))
                t.objects.add(phrase)
            if not t.verbs and not t.forms:
                for _, verb in block_forms:
                    if verb.regular:
                        t.verbs.add(verb.stem)
                    else:
                        t.forms.update(verb.forms)
    emitted = [t for t in triggers.values() if (t.verbs or t.forms) and (t.kind != "objects" or t.objects)]
    return emitted, conflicts, fallbacks, left_out, restricted, restricted_examples, phrase_drops


# -------------------------------------------------------------------------------------------------
# Writing
# -------------------------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    if any(ord(c) < 0x20 for c in text):
        raise ValueError(f"control character in {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_array(key: str, values: list[str], width: int = 100) -> str:
    items = [toml_string(v) for v in values]
    one_line = f"{key} = [{', '.join(items)}]"
    if len(one_line) <= width:
        return one_line
    lines = [f"{key} = ["]
    current = "   "
    for item in items:
        if len(current) + len(item) + 2 > width:
            lines.append(current.rstrip())
            current = "   "
        current += f" {item},"
    lines.append(current.rstrip())
    lines.append("]")
    return "\n".join(lines)


def header(sha256: str, pinned: bool, enabled: set[str], digits: bool) -> str:
    off = [k for k in KINDS if k not in enabled]
    lines = [
        "# GENERATED FILE: do not edit by hand. The event lexicon's layer of CAMEO verbs (format:",
        '# docs/data-format.md, "Event lexicon"), generated by scripts/events/generate.py from',
        f"# PETRARCH2's CAMEO verb dictionary, {PINNED_PATH}",
        f"# (github.com/{PINNED_REPO} at commit {PINNED_COMMIT},",
        f"# sha256 {sha256}){'' if pinned else ' -- NOT the pinned file'}.",
        "# Regenerate with `bash scripts/events/regenerate.sh`; sources and choices: data/world/SOURCES.md",
        "# and scripts/events/README.md.",
        "#",
        "# The hand-written data/world/event-triggers.toml is loaded after this file and overrides any",
        "# form it also defines. Each trigger names its CAMEO verb block; `objects`: the verb gives the",
        "# code only when one of these phrases follows, after at most three words. Codes and their names are",
        "# those of the CAMEO codebook (Schrodt, version 1.1b3, 2012), cited as facts.",
        "#",
        "# Derived from the CAMEO verb dictionary of PETRARCH2, whose licence follows:",
        "#",
        *("# " + line if line else "#" for line in MIT_NOTICE.splitlines()),
    ]
    if off:
        lines.append(f"# Classes turned off for this build: {', '.join(off)}.")
    if digits:
        lines.append("# Built with --digits: object words may hold digits (f-16).")
    return "\n".join(lines) + "\n"


def render(triggers: list[Trigger], names: dict[str, str], sha256: str, pinned: bool,
           enabled: set[str], digits: bool) -> str:
    used = {t.code for t in triggers}
    codes = sorted(used | {f"{r:02d}0" for r in range(1, 21)})
    out = [header(sha256, pinned, enabled, digits)]
    out.append("# ---- codes " + "-" * 88 + "\n")
    for code in codes:
        out.append(f"[[event_codes]]\ncode = {toml_string(code)}\nname = {toml_string(names[code])}\n")
    out.append("# ---- triggers " + "-" * 85 + "\n")
    order = {k: i for i, k in enumerate(KINDS)}
    for t in sorted(triggers, key=lambda t: (t.code, order[t.kind], t.block)):
        lines = [f"# {t.block}: {t.kind}", "[[event_triggers]]", f"code = {toml_string(t.code)}"]
        if t.verbs:
            lines.append(toml_array("verbs", sorted(" ".join(v) for v in t.verbs)))
        if t.forms:
            lines.append(toml_array("forms", sorted(" ".join(f) for f in t.forms)))
        if t.objects:
            lines.append(toml_array("objects", sorted(" ".join(o) for o in t.objects)))
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


# -------------------------------------------------------------------------------------------------
# The hand file, for the report only
# -------------------------------------------------------------------------------------------------


def hand_forms(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Forms of the hand-written lexicon -> (code, role), and its code names."""
    if not path.exists():
        return {}, {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    forms: dict[str, tuple[str, str]] = {}
    for record in data.get("event_triggers", []):
        code, role = record["code"], record.get("role", "act")
        for verb in record.get("verbs", []):
            for form in inflect_verb(tuple(verb.split())):
                forms.setdefault(" ".join(form), (code, role))
        for key in ("forms", "nouns", "agents"):
            for form in record.get(key, []):
                forms.setdefault(form, (code, role))
    return forms, {c["code"]: c["name"] for c in data.get("event_codes", [])}


# -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", required=True, type=Path, help="CAMEO.2.0.txt of PETRARCH2")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--codes", type=Path, default=DEFAULT_CODES, help="code TAB name table")
    parser.add_argument("--hand", type=Path, default=DEFAULT_HAND, help="hand lexicon (report only)")
    parser.add_argument("--report", type=Path, help="where the report goes (default: a temporary file)")
    parser.add_argument("--no-objects", action="store_true", help="leave out the object patterns")
    parser.add_argument("--block-defaults", action="store_true",
                        help="add the blocks' default codes (off: they cost the dev set's precision)")
    parser.add_argument("--verb-codes", action="store_true",
                        help="add the verb lines' own codes (off: they cost the dev set's precision)")
    parser.add_argument("--digits", action="store_true",
                        help="keep object words with digits (f-16), for a loader that accepts them")
    parser.add_argument("--allow-unpinned", action="store_true",
                        help="accept an input whose sha256 is not the pinned one (the header says so)")
    args = parser.parse_args()

    raw = args.input.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    pinned = sha256 == PINNED_SHA256
    if not pinned and not args.allow_unpinned:
        sys.exit(f"{args.input.name}: sha256 {sha256} is not the pinned {PINNED_SHA256} "
                 f"({PINNED_REPO}@{PINNED_COMMIT}); refusing (--allow-unpinned to override)")
    enabled = set(KINDS)
    if args.no_objects:
        enabled.discard("objects")
    if not args.block_defaults:
        enabled.discard("block default")
    if not args.verb_codes:
        enabled.discard("verb code")

    names = load_codes(args.codes)
    dictionary = read_dictionary(raw.decode("utf-8"))
    report = Report()
    line_kinds = finish_forms(dictionary)
    word_re = WORD_WITH_DIGITS if args.digits else WORD
    triggers, conflicts, fallbacks, left_out, restricted, examples, phrase_drops = build(
        dictionary, names, enabled, report, word_re)
    text = render(triggers, names, sha256, pinned, enabled, args.digits)
    parsed = tomllib.loads(text)  # refuse to write what does not parse
    for record in parsed["event_triggers"]:
        for key in ("verbs", "forms", "objects"):
            for value in record.get(key, []):
                if not all(word_re.match(w) for w in value.split(" ")):
                    sys.exit(f"internal error: {value!r} is not lower-case words")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(text.encode("utf-8"))

    # ---- report -----------------------------------------------------------------------------
    r = report
    r.say(f"event dictionary report: {PINNED_REPO}@{PINNED_COMMIT} {PINNED_PATH}")
    r.say(f"input sha256 {sha256} ({'pinned' if pinned else 'NOT PINNED'})")
    r.say(f"classes: {', '.join(k + (' on' if k in enabled else ' OFF') for k in KINDS)}")
    r.say()
    blocks = dictionary.blocks
    verb_lines = [v for b in blocks for v in b.verbs]
    patterns = [p for b in blocks for p in b.patterns]
    r.say(f"codes loaded from {args.codes.name}: {len(names)}; codes written: {len(parsed['event_codes'])}")
    r.say(f"synonym sets: {len(dictionary.synsets)} ({sum(map(len, dictionary.synsets.values()))} members)")
    r.say(f"verb blocks: {len(blocks)} ({sum(b.code.code is not None for b in blocks)} with a default code)")
    for b in blocks:
        if b.code.code is None and b.code.problem != "null code [---]":
            r.say(f"  block {b.name} (line {b.line}) [{b.code.raw}]: no default ({b.code.problem})")
    r.say(f"verb lines: {len(verb_lines)} ({sum(v.multi for v in verb_lines)} multi-word, "
          f"{sum(v.code is not None for v in verb_lines)} with their own code)")
    for key, n in sorted(line_kinds.items()):
        r.say(f"  {key}: {n}")
    r.say(f"patterns: {len(patterns)}; transformations (not used): {dictionary.transformations}")
    if dictionary.unread:
        r.say(f"lines not understood: {len(dictionary.unread)}")
        for number, line in dictionary.unread:
            r.say(f"  line {number}: {line}")
    r.say()
    r.say("verb lines without a code (no trigger):")
    for key, n in sorted(r.counts.items()):
        if key.startswith("verb lines with no code"):
            r.say(f"  {key[len('verb lines with no code '):]}: {n}")
    r.say("verbs left out (hand lists NEVER_VERBS, NOT_ALONE_VERBS; bad characters):")
    for reason in sorted(left_out):
        words = left_out[reason]
        r.say(f"  {reason}: {sum(words.values())} lines: {', '.join(sorted(words))}")
    r.say()
    r.say("patterns restricted (left out), first applicable reason:")
    for reason, n in sorted(restricted.items(), key=lambda kv: (-kv[1], kv[0])):
        r.say(f"  {reason}: {n}    e.g. {' | '.join(examples[reason])}")
    r.say(f"object patterns kept: {r.counts['object patterns kept']} "
          f"(of which repeating an earlier one: {r.counts['object patterns repeating an earlier one of the block']})")
    for key, n in sorted(phrase_drops.items()):
        r.say(f"  object phrases dropped, {key}: {n}")
    r.say()
    r.say(f"codes without a name in {args.codes.name}, their triggers given the root code:")
    for (code, root), n in sorted(fallbacks.items()):
        r.say(f"  {code} -> {root}: {n} uses")
    if not fallbacks:
        r.say("  none")
    r.say(f"conflicts dropped (the same form and objects under a second code; first in file order kept): {len(conflicts)}")
    for line in conflicts:
        r.say(f"  {line}")
    r.say()

    by_kind: dict[str, list[Trigger]] = defaultdict(list)
    for t in triggers:
        by_kind[t.kind].append(t)
    all_forms: dict[str, tuple[str, str]] = {}
    object_pairs = 0
    for t in triggers:
        written = {f for v in t.verbs for f in inflect_verb(v)} | t.forms
        if t.kind == "objects":
            object_pairs += len(written) * len(t.objects)
        else:
            for f in written:
                all_forms[" ".join(f)] = (t.code, t.kind)
    hand, hand_names = hand_forms(args.hand)
    overlap = {f: hand[f] for f in all_forms if f in hand}
    differ = {f for f, (code, role) in overlap.items() if code != all_forms[f][0] or role != "act"}
    r.say(f"overlap with {args.hand.name} (it is loaded later and overrides): {len(overlap)} generated forms "
          f"without objects are also hand forms, {len(differ)} of them with another code or role:")
    for f in sorted(differ):
        r.say(f"  {f}: generated {all_forms[f][0]}, hand {hand[f][0]} ({hand[f][1]})")
    for code, name in sorted(hand_names.items()):
        if code in names and names[code] != name:
            r.say(f"  code name differs: {code} table {names[code]!r}, hand {name!r}")
    r.say()
    codes_out = parsed["event_codes"]
    for kind in KINDS:
        ts = by_kind.get(kind, [])
        verbs = sum(len(t.verbs) for t in ts)
        forms = sum(len(t.forms) for t in ts)
        objects = sum(len(t.objects) for t in ts)
        extra = f", {objects} object phrases" if kind == "objects" else ""
        r.say(f"{kind}: {len(ts)} triggers, {verbs} verbs, {forms} forms{extra}")
    r.say(f"distinct forms without objects: {len(all_forms)}; (form, object) pairs: {object_pairs}")
    size = len(text.encode("utf-8"))
    summary = (
        f"SUMMARY {args.out.name}: {len(codes_out)} codes, {len(triggers)} triggers "
        f"(block defaults {len(by_kind['block default'])}, verb codes {len(by_kind['verb code'])}, "
        f"objects {len(by_kind['objects'])}), {len(all_forms)} forms, "
        f"{sum(len(t.objects) for t in by_kind['objects'])} object phrases from "
        f"{r.counts['object patterns kept']} patterns; {sum(restricted.values())} patterns restricted; "
        f"{len(conflicts)} conflicts dropped; {size} bytes; sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    r.say(summary)
    report_path = args.report
    if report_path is None:
        handle, name = tempfile.mkstemp(prefix="event-dictionary-report.", suffix=".txt")
        report_path = Path(name)
        with open(handle, "w", encoding="utf-8") as stream:
            stream.write("\n".join(r.lines) + "\n")
    else:
        report_path.write_text("\n".join(r.lines) + "\n", encoding="utf-8")
    print(f"report: {report_path}", file=sys.stderr)
    print(summary)


if __name__ == "__main__":
    main()
