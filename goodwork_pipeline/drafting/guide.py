"""The interview guide: the beeld's sections, the questions that lead to them, word budgets.

The guide is a YAML file under ``templates/`` that staff edit (``guide.yaml``, commented).
It is checked as a whole when it is loaded; every problem is a ``GuideError`` that names the
file, the line and what to change, in English and Dutch.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from goodwork_pipeline.drafting.answer_kinds import ANSWER_KINDS
from goodwork_pipeline.errors import GuideError

GUIDE_FILE = "guide.yaml"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")

DEFAULT_TITLE = "Een beeld van goed werk"
DEFAULT_QUESTION = "Wat is jouw beeld van goed werk in zo'n situatie?"
DEFAULT_EMPTY_NOTE = (
    "Hierover ging het niet in ons gesprek. Wil je hier zelf iets over schrijven? Dat mag, "
    "maar het hoeft niet."
)
TOP_KEYS = (
    "version",
    "title_fallback",
    "closing_question",
    "words",
    "empty_note",
    "follow_ups",
    "closings",
    "values",
    "summaries",
    "acknowledgements",
    "synonyms",
    "sections",
)
SECTION_KEYS = (
    "key",
    "heading",
    "questions",
    "paraphrases",
    "cues",
    "answer_cues",
    "answer_kinds",
    "later_kinds",
    "answer_words",
    "words",
)


@dataclass(frozen=True)
class GuideSection:
    key: str
    heading: str
    questions: tuple[str, ...]
    cues: tuple[str, ...]
    words: int
    answer_cues: tuple[str, ...] = ()
    paraphrases: tuple[str, ...] = ()  # other ways interviewers ask for this section
    answer_kinds: tuple[str, ...] = ()  # what an answer here does (answers.ANSWER_KINDS)
    answer_words: tuple[str, ...] = ()  # words anywhere in an answer that point here
    # kinds that count here (less) only once the conversation has reached this section
    later_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    sections: tuple[GuideSection, ...]
    title_fallback: str = DEFAULT_TITLE
    closing_question: str = DEFAULT_QUESTION
    min_words: int = 350
    max_words: int = 700
    empty_note: str = DEFAULT_EMPTY_NOTE
    follow_ups: tuple[str, ...] = ()
    closings: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    summaries: tuple[str, ...] = ()  # how an interviewer starts a summary ("dus je ...")
    acknowledgements: tuple[str, ...] = ()  # "hm hm", "oké": the answer runs on
    synonyms: tuple[tuple[str, ...], ...] = ()  # words that count as one when matching
    path: Path | None = None
    sha256: str = ""

    def section(self, key: str) -> GuideSection:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)


def load_guide(templates_dir: Path) -> Guide:
    path = templates_dir / GUIDE_FILE
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GuideError(
            f"Interview guide {path} is not UTF-8 text. Save it as UTF-8 and run again.",
            nl=f"De gespreksleidraad {path} is niet als UTF-8 opgeslagen. Sla het bestand op "
            "als UTF-8-tekst.",
            path=path,
        ) from exc
    except OSError as exc:
        raise GuideError(
            f"Interview guide {path} cannot be read ({exc.strerror}). Check the 'templates' "
            "setting.",
            nl=f"De gespreksleidraad {path} kan niet worden gelezen. Controleer of het bestand "
            "bestaat.",
            path=path,
        ) from exc
    return parse_guide(text, path)


def parse_guide(text: str, path: Path) -> Guide:
    """Check and read a guide; any problem raises a GuideError naming its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise _error(
            path,
            mark.line + 1 if mark else None,
            f"is not valid YAML ({problem}); check the indentation (spaces, no tabs) and put "
            "texts with ':', '?' or '#' between quotes",
            "is geen geldige YAML; controleer het inspringen (spaties, geen tabs) en zet "
            "teksten met ':', '?' of '#' tussen aanhalingstekens",
        ) from exc
    if not isinstance(root, yaml.MappingNode):
        raise _error(
            path, 1, "must be a mapping with a 'sections' list", "moet een lijst 'sections' hebben"
        )
    top = _mapping(root, path, TOP_KEYS, "the guide", "de leidraad")
    if "sections" not in top:
        raise _error(path, 1, "needs a list 'sections'", "heeft een lijst 'sections' nodig")
    sections_node = top["sections"][1]
    if not isinstance(sections_node, yaml.SequenceNode) or not sections_node.value:
        raise _error(
            path,
            _line(sections_node),
            "'sections' must be a non-empty list",
            "'sections' moet een lijst met minstens één sectie zijn",
        )
    sections: list[GuideSection] = []
    for node in sections_node.value:
        section = _section(node, path)
        if section.key in {s.key for s in sections}:
            raise _error(
                path,
                _line(node),
                f"uses section key '{section.key}' twice",
                f"gebruikt sectie '{section.key}' twee keer",
            )
        sections.append(section)
    min_words, max_words = _total_words(top.get("words"), path, sum(s.words for s in sections))
    return Guide(
        sections=tuple(sections),
        title_fallback=_text(top.get("title_fallback"), path, "title_fallback") or DEFAULT_TITLE,
        closing_question=_text(top.get("closing_question"), path, "closing_question")
        or DEFAULT_QUESTION,
        min_words=min_words,
        max_words=max_words,
        empty_note=_text(top.get("empty_note"), path, "empty_note") or DEFAULT_EMPTY_NOTE,
        follow_ups=_texts(top.get("follow_ups"), path, "follow_ups"),
        closings=_texts(top.get("closings"), path, "closings"),
        values=_texts(top.get("values"), path, "values"),
        summaries=_texts(top.get("summaries"), path, "summaries"),
        acknowledgements=_texts(top.get("acknowledgements"), path, "acknowledgements"),
        synonyms=_synonyms(top.get("synonyms"), path),
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


Entry = tuple[yaml.Node, yaml.Node]


def _mapping(
    node: yaml.MappingNode, path: Path, allowed: tuple[str, ...], what: str, what_nl: str
) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in allowed:
            raise _error(
                path,
                _line(key_node),
                f"has unknown key '{key}' in {what} (known: {', '.join(allowed)})",
                f"bevat een onbekende sleutel '{key}' in {what_nl} (bekend: {', '.join(allowed)})",
            )
        if key in entries:
            raise _error(
                path,
                _line(key_node),
                f"has key '{key}' twice in {what}",
                f"bevat de sleutel '{key}' twee keer in {what_nl}",
            )
        entries[key] = (key_node, value_node)
    return entries


def _section(node: yaml.Node, path: Path) -> GuideSection:
    if not isinstance(node, yaml.MappingNode):
        raise _error(
            path,
            _line(node),
            "has a section that is not a mapping (start each section with '- key: ...')",
            "heeft een sectie zonder sleutels (begin elke sectie met '- key: ...')",
        )
    entries = _mapping(node, path, SECTION_KEYS, "a section", "een sectie")
    key = _value(entries.get("key"))
    if not isinstance(key, str) or not _KEY.match(key):
        raise _error(
            path,
            _line(entries["key"][1] if "key" in entries else node),
            "needs a section 'key' of lower-case letters, digits or dashes (e.g. 'puzzel')",
            "heeft een 'key' van kleine letters, cijfers of streepjes nodig (bijv. 'puzzel')",
        )
    heading = _value(entries.get("heading"))
    if not isinstance(heading, str) or not heading.strip():
        raise _error(
            path,
            _line(entries["heading"][1] if "heading" in entries else node),
            f"section '{key}' needs a 'heading' (the text the participant sees)",
            f"sectie '{key}' mist een 'heading' (het kopje dat de deelnemer ziet)",
        )
    words = _value(entries.get("words"), 100)
    if isinstance(words, bool) or not isinstance(words, int) or not 10 <= words <= 1000:
        raise _error(
            path,
            _line(entries["words"][1] if "words" in entries else node),
            f"section '{key}': 'words' must be a whole number from 10 to 1000",
            f"sectie '{key}': 'words' moet een heel getal van 10 tot 1000 zijn",
        )
    questions = _texts(entries.get("questions"), path, f"section '{key}': 'questions'")
    cues = _texts(entries.get("cues"), path, f"section '{key}': 'cues'")
    if not questions and not cues:
        raise _error(
            path,
            _line(node),
            f"section '{key}' has no 'questions' and no 'cues', so no interviewer question "
            "can be matched to it",
            f"sectie '{key}' heeft geen 'questions' en geen 'cues'; zo kan geen vraag bij deze "
            "sectie horen",
        )
    kinds = _kinds(entries, "answer_kinds", key, path)
    later = _kinds(entries, "later_kinds", key, path)
    both = [k for k in later if k in kinds]
    if both:
        raise _error(
            path,
            _line(entries["later_kinds"][1]),
            f"section '{key}': '{both[0]}' is in both 'answer_kinds' and 'later_kinds' "
            "(keep it in one of them)",
            f"sectie '{key}': '{both[0]}' staat in 'answer_kinds' en in 'later_kinds' "
            "(laat het in één van beide staan)",
        )
    return GuideSection(
        key=key,
        heading=heading.strip(),
        questions=questions,
        cues=tuple(c.lower() for c in cues),
        words=words,
        answer_cues=tuple(
            c.lower() for c in _texts(entries.get("answer_cues"), path, f"'{key}': answer_cues")
        ),
        paraphrases=_texts(entries.get("paraphrases"), path, f"section '{key}': 'paraphrases'"),
        answer_kinds=kinds,
        later_kinds=later,
        answer_words=tuple(
            c.lower()
            for c in _texts(entries.get("answer_words"), path, f"section '{key}': 'answer_words'")
        ),
    )


def _kinds(entries: dict[str, Entry], field: str, key: str, path: Path) -> tuple[str, ...]:
    """A section's list of answer kinds (``answer_kinds.ANSWER_KINDS``), each known."""
    kinds = _texts(entries.get(field), path, f"section '{key}': '{field}'")
    unknown = [k for k in kinds if k not in ANSWER_KINDS]
    if unknown:
        raise _error(
            path,
            _line(entries[field][1]),
            f"section '{key}': unknown answer kind '{unknown[0]}' in '{field}' (known: "
            f"{', '.join(ANSWER_KINDS)})",
            f"sectie '{key}': onbekende soort antwoord '{unknown[0]}' in '{field}' (bekend: "
            f"{', '.join(ANSWER_KINDS)})",
        )
    return kinds


def _synonyms(entry: Entry | None, path: Path) -> tuple[tuple[str, ...], ...]:
    """A list of groups, each a list of single words: '- [gedaan, ondernomen, aangepakt]'."""
    if entry is None:
        return ()
    node = entry[1]
    groups = node.value if isinstance(node, yaml.SequenceNode) else None
    if groups is None:
        raise _error(
            path,
            _line(node),
            "'synonyms' must be a list of word lists, e.g. '- [gedaan, ondernomen]'",
            "'synonyms' moet een lijst van woordenlijsten zijn, bijv. '- [gedaan, ondernomen]'",
        )
    result = []
    for group in groups:
        words = _texts((group, group), path, "each group in 'synonyms'")
        if (
            not isinstance(group, yaml.SequenceNode)
            or len(words) < 2
            or any(len(w.split()) != 1 for w in words)
        ):
            raise _error(
                path,
                _line(group),
                "each group in 'synonyms' must be a list of two or more single words",
                "elke groep in 'synonyms' moet een lijst van minstens twee losse woorden zijn",
            )
        result.append(tuple(w.lower() for w in words))
    return tuple(result)


def _total_words(entry: Entry | None, path: Path, budgets: int) -> tuple[int, int]:
    if entry is None:
        return 350, 700
    node = entry[1]
    value = _value(entry)
    ok = (
        isinstance(value, dict)
        and set(value) <= {"min", "max"}
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values())
    )
    low, high = (value.get("min", 350), value.get("max", 700)) if ok else (0, 0)
    if not ok or not 50 <= low <= high <= 5000:
        raise _error(
            path,
            _line(node),
            "'words' must be 'words: {min: 350, max: 700}' with 50 <= min <= max",
            "'words' moet er zo uitzien: 'words: {min: 350, max: 700}' (min niet groter dan max)",
        )
    if budgets < low:
        raise _error(
            path,
            _line(node),
            f"the sections' word budgets add up to {budgets}, less than words.min ({low})",
            f"de woorden per sectie zijn samen {budgets}, minder dan words.min ({low})",
        )
    return low, high


def _value(entry: Entry | None, default: Any = None) -> Any:
    if entry is None:
        return default
    return yaml.SafeLoader("").construct_object(entry[1], deep=True)


def _text(entry: Entry | None, path: Path, field: str) -> str:
    value = _value(entry, "")
    if not isinstance(value, str):
        assert entry is not None
        raise _error(
            path,
            _line(entry[1]),
            f"'{field}' must be a text",
            f"'{field}' moet een tekst zijn",
        )
    return " ".join(value.split())


def _texts(entry: Entry | None, path: Path, field: str) -> tuple[str, ...]:
    value = _value(entry, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        assert entry is not None
        bad = entry[1]
        if isinstance(bad, yaml.SequenceNode):
            bad = next((n for n in bad.value if not isinstance(_value((n, n)), str)), bad)
        raise _error(
            path,
            _line(bad),
            f"{field} must be a list of texts (put a text with ':' between quotes)",
            f"{field} moet een lijst met teksten zijn (zet een tekst met ':' tussen "
            "aanhalingstekens)",
        )
    return tuple(" ".join(v.split()) for v in value if v.strip())


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _error(path: Path, line: int | None, problem_en: str, problem_nl: str) -> GuideError:
    where = f" line {line}" if line else ""
    where_nl = f", regel {line}" if line else ""
    return GuideError(
        f"Interview guide {path}{where}: {problem_en}. Fix the file and run again.",
        nl=f"Gespreksleidraad {path.name}{where_nl}: {problem_nl}. Pas het bestand aan en "
        "probeer het opnieuw.",
        path=path,
    )
