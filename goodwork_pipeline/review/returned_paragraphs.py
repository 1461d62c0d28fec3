"""The paragraphs of a returned .docx as the participant sees them, tracked changes accepted.

Paragraphs inside block-level content controls, tables and text boxes count (python-docx
drops those inside content controls); each has its text, its checkbox state if it has one
(``returned_checkboxes``), its style and heading level, and whether it is all bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from goodwork_pipeline.review.returned_checkboxes import control_state, typed_box
from goodwork_pipeline.review.returned_package import refused
from goodwork_pipeline.review.returned_text import (
    FALLBACK,
    W,
    inside,
    nearest_paragraph,
    paragraph_text,
    truthy,
)

MAX_PARAGRAPHS = 20_000
_TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str | None
    checked: bool | None  # None: the paragraph has no checkbox
    heading_level: int | None = None
    conflict: bool = False  # the box shows one state but is stored as the other
    bold: bool = False


def read_paragraphs(
    root: etree._Element, path: Path
) -> tuple[tuple[Paragraph, ...], int, dict[etree._Element, int]]:
    """Every paragraph as the participant sees it with all tracked changes accepted.

    Paragraphs inside block-level content controls, tables and text boxes count; the
    fallback copy of a text box (``mc:Fallback``) does not. A deleted paragraph mark joins a
    paragraph with the next one, as accepting that change in Word would. The map gives each
    ``w:p`` element the index of the paragraph it became part of.
    """
    body = root.find(f"{W}body")
    if body is None:
        return (), 0, {}
    tracked = sum(1 for _ in body.iter(*_TRACKED))
    elements = [p for p in body.iter(f"{W}p") if not inside(p, FALLBACK)]
    if len(elements) > MAX_PARAGRAPHS:
        raise refused(
            path,
            f"has {len(elements)} paragraphs, far more than a draft can hold",
            "is veel langer dan een conceptbeeld kan zijn. Stuur alleen het concept terug",
        )
    paragraphs: list[Paragraph] = []
    index_of: dict[etree._Element, int] = {}
    carried: Paragraph | None = None
    for p in elements:
        index_of[p] = len(paragraphs)
        paragraph = _paragraph(p)
        if carried is not None:
            paragraph = _join(carried, paragraph)
            carried = None
        if _mark_deleted(p):
            carried = paragraph
        else:
            paragraphs.append(paragraph)
    if carried is not None:
        paragraphs.append(carried)
    return tuple(paragraphs), tracked, index_of


def _paragraph(p: etree._Element) -> Paragraph:
    control, glyph = control_state(p)
    text = paragraph_text(p)
    typed, text = typed_box(text)
    conflict = control is not None and glyph is not None and glyph != control
    # A box typed next to an unticked control (or inside it) is a tick as well.
    checked = typed if control is None else control or bool(typed)
    style = _style(p)
    return Paragraph(
        text=text.strip(),
        style=style,
        checked=checked,
        heading_level=_heading_level(p, style),
        conflict=conflict,
        bold=_all_bold(p),
    )


def _join(first: Paragraph, second: Paragraph) -> Paragraph:
    text = " ".join(t for t in (first.text, second.text) if t)
    lead = first if first.text else second
    return Paragraph(
        text=text,
        style=lead.style,
        checked=first.checked if first.checked is not None else second.checked,
        heading_level=lead.heading_level,
        conflict=first.conflict or second.conflict,
        bold=lead.bold,
    )


def _mark_deleted(p: etree._Element) -> bool:
    mark = p.find(f"{W}pPr/{W}rPr")
    return mark is not None and (
        mark.find(f"{W}del") is not None or mark.find(f"{W}moveFrom") is not None
    )


def _all_bold(p: etree._Element) -> bool:
    runs = [r for r in p.iter(f"{W}r") if nearest_paragraph(r) is p and r.find(f"{W}t") is not None]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{W}rPr/{W}b")
        if bold is None or not truthy(bold.get(f"{W}val", "1")):
            return False
    return True


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _heading_level(p: etree._Element, style: str | None) -> int | None:
    outline = p.find(f"{W}pPr/{W}outlineLvl")
    if outline is not None:
        try:
            level = int(outline.get(f"{W}val", "9")) + 1
        except ValueError:
            return None
        return level if level <= 9 else None
    if style:
        match = re.match(r"(?i)^(heading|kop)\s*(\d)$", style.replace("_", " "))
        if match:
            return int(match.group(2))
        if style.lower() == "title":
            return 0
    return None
