"""The interview guide: the beeld's sections, the questions that lead to them, word budgets.

The guide is a YAML file under ``templates/`` that staff edit. Errors name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import GuideError

GUIDE_FILE = "guide.yaml"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class GuideSection:
    key: str
    heading: str
    questions: tuple[str, ...]
    cues: tuple[str, ...]
    words: int


@dataclass(frozen=True)
class Guide:
    sections: tuple[GuideSection, ...]
    title_fallback: str
    closing_question: str
    path: Path | None = None

    def section(self, key: str) -> GuideSection:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


def load_guide(templates_dir: Path) -> Guide:
    path = templates_dir / GUIDE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GuideError(
            f"Interview guide {path} cannot be read ({exc.strerror}).",
            nl=f"De gespreksleidraad {path} kan niet worden gelezen.",
            path=path,
        ) from exc
    return parse_guide(text, path)


def parse_guide(text: str, path: Path) -> Guide:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise _error(path, line, "is not valid YAML", "is geen geldige YAML") from exc
    if not isinstance(data, dict):
        raise _error(path, 1, "must be a mapping with 'sections'", "moet 'sections' bevatten")
    lines = _section_lines(root)
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise _error(
            path,
            _key_line(root, "sections"),
            "needs a non-empty list 'sections'",
            "heeft een lijst 'sections' nodig",
        )
    sections = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sections):
        line = lines[index] if index < len(lines) else None
        section = _section(raw, path, line)
        if section.key in seen:
            raise _error(
                path,
                line,
                f"uses section key '{section.key}' twice",
                f"gebruikt sectie '{section.key}' twee keer",
            )
        seen.add(section.key)
        sections.append(section)
    unknown = set(data) - {"version", "title_fallback", "closing_question", "sections"}
    if unknown:
        key = sorted(unknown)[0]
        raise _error(
            path,
            _key_line(root, key),
            f"has unknown key '{key}'",
            f"bevat onbekende sleutel '{key}'",
        )
    return Guide(
        sections=tuple(sections),
        title_fallback=str(data.get("title_fallback") or "Een beeld van goed werk"),
        closing_question=str(
            data.get("closing_question") or "Wat is jouw beeld van goed werk in zo'n situatie?"
        ),
        path=path,
    )


def _section(raw: Any, path: Path, line: int | None) -> GuideSection:
    if not isinstance(raw, dict):
        raise _error(
            path, line, "has a section that is not a mapping", "heeft een ongeldige sectie"
        )
    allowed = {"key", "heading", "questions", "cues", "words"}
    unknown = set(raw) - allowed
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise _error(
            path,
            line,
            f"section has unknown key '{key}'",
            f"sectie heeft onbekende sleutel '{key}'",
        )
    key = raw.get("key")
    heading = raw.get("heading")
    if not isinstance(key, str) or not _KEY.match(key):
        raise _error(
            path,
            line,
            "section 'key' must be lower-case letters, digits or dashes",
            "de 'key' van een sectie moet uit kleine letters, cijfers of streepjes bestaan",
        )
    if not isinstance(heading, str) or not heading.strip():
        raise _error(
            path, line, f"section '{key}' needs a 'heading'", f"sectie '{key}' mist 'heading'"
        )
    words = raw.get("words", 100)
    if isinstance(words, bool) or not isinstance(words, int) or not 10 <= words <= 1000:
        raise _error(
            path,
            line,
            f"section '{key}': 'words' must be a number from 10 to 1000",
            f"sectie '{key}': 'words' moet een getal van 10 tot 1000 zijn",
        )
    return GuideSection(
        key=key,
        heading=heading.strip(),
        questions=_strings(raw.get("questions", []), path, line, key, "questions"),
        cues=tuple(c.lower() for c in _strings(raw.get("cues", []), path, line, key, "cues")),
        words=words,
    )


def _strings(value: Any, path: Path, line: int | None, key: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error(
            path,
            line,
            f"section '{key}': '{field}' must be a list of texts",
            f"sectie '{key}': '{field}' moet een lijst met teksten zijn",
        )
    return tuple(v.strip() for v in value if v.strip())


def _section_lines(root: Any) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key_node, value_node in root.value:
        if key_node.value == "sections" and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value]
    return []


def _key_line(root: Any, key: str) -> int | None:
    if isinstance(root, yaml.MappingNode):
        for key_node, _value in root.value:
            if key_node.value == key:
                return int(key_node.start_mark.line) + 1
    return 1


def _error(path: Path, line: int | None, problem_en: str, problem_nl: str) -> GuideError:
    where = f" (line {line})" if line else ""
    where_nl = f" (regel {line})" if line else ""
    return GuideError(
        f"Interview guide {path.name}{where} {problem_en}. Fix the file and run again.",
        nl=f"De gespreksleidraad {path.name}{where_nl} {problem_nl}. Pas het bestand aan.",
        path=path,
    )
