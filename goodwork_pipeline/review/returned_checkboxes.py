"""Whether a consent box in a returned .docx is ticked, and whether that is certain.

A box's state comes from a Word content control (``w14:checkbox``), a legacy form checkbox
(``w:checkBox``), or a box typed by hand before or after the label (☒, [x], X, ✓). Each box is
known by its label text elsewhere, because LibreOffice drops the controls' tags; here it is
only read whether the paragraph has a box, its state, and whether the box shows one state but
is stored as the other.
"""

from __future__ import annotations

import re

from lxml import etree

from goodwork_pipeline.review.returned_text import (
    TEXT_NODES,
    W,
    nearest_paragraph,
    node_text,
    truthy,
    visible,
)

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W14 = f"{{{W14_NS}}}"
_CHECKED_GLYPHS = "☒☑✓✔✗✘⌧"
_UNCHECKED_GLYPHS = "☐□"
_TYPED_BOX = re.compile(r"^(\[\s*[xX✓✔vV]\s*\]|\(\s*[xX✓✔vV]\s*\)|[xX](?=\s))\s*")
_EMPTY_BOX = re.compile(r"^(\[\s*\]|\(\s*\)|_{1,3})\s*")
_TRAILING_MARK = re.compile(r"\s*(?:[:\-–]\s*)?(\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|\b[xX]|[☒☑✓✔])$")


def control_state(p: etree._Element) -> tuple[bool | None, bool | None]:
    """(stored state, visible glyph state) of the box in this paragraph, if it has one."""
    for box in p.iter(f"{W14}checkbox"):
        if nearest_paragraph(box) not in (p, None):
            continue
        checked = box.find(f"{W14}checked")
        value = checked.get(f"{W14}val", "0") if checked is not None else "0"
        sdt = box.getparent().getparent()
        content = sdt.find(f"{W}sdtContent") if sdt is not None else None
        glyph = None
        if content is not None:
            shown = "".join(
                node_text(n)
                for n in content.iter(*TEXT_NODES)
                if nearest_paragraph(n) in (p, None) and visible(n, p)
            )
            ticked = any(ch in _CHECKED_GLYPHS for ch in shown)
            empty = any(ch in _UNCHECKED_GLYPHS for ch in shown)
            glyph = ticked if ticked != empty else None
        return truthy(value), glyph
    for box in p.iter(f"{W}checkBox"):
        explicit = box.find(f"{W}checked")
        if explicit is not None:
            return truthy(explicit.get(f"{W}val", "1")), None
        default = box.find(f"{W}default")
        return default is not None and truthy(default.get(f"{W}val", "0")), None
    return None, None


def typed_box(text: str) -> tuple[bool | None, str]:
    """Boxes drawn with characters before (or a mark after) the label: ☒, [x], X, ✓, [ ]."""
    rest = text.strip()
    seen: bool | None = None
    while rest:
        if rest[0] in _CHECKED_GLYPHS or rest[0] in _UNCHECKED_GLYPHS:
            seen = bool(seen) or rest[0] in _CHECKED_GLYPHS
            rest = rest[1:].lstrip()
            continue
        match = _TYPED_BOX.match(rest)
        if match:
            seen, rest = True, rest[match.end() :]
            continue
        match = _EMPTY_BOX.match(rest)
        if match:
            seen, rest = bool(seen), rest[match.end() :]
            continue
        break
    match = _TRAILING_MARK.search(rest)
    if match and len(rest) > len(match.group(0)) + 3:
        return True, rest[: match.start()]
    return (seen, rest) if seen is not None else (None, text)
