"""The text of a returned .docx body as the participant sees it, at the XML level.

python-docx's API drops text inside tracked changes, so this reads the WordprocessingML
itself: tracked insertions count, deletions and moved-away text do not, nor do hidden runs,
the grey placeholder of an empty content control, or the fallback copy of a text box
(``mc:Fallback``). Symbols inserted from Wingdings become the box glyphs they show.
"""

from __future__ import annotations

import unicodedata

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
FALLBACK = (f"{{{MC_NS}}}Fallback",)
HIDDEN_CONTAINERS = (f"{W}del", f"{W}moveFrom", f"{{{MC_NS}}}Fallback")
TEXT_NODES = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym")
# Wingdings / Wingdings 2 characters Word inserts for boxes (Insert > Symbol).
_SYMBOL_CHECKED = {"F0FE", "F0FD", "F078", "F0FB", "F053", "F054", "F0FC"}
_SYMBOL_UNCHECKED = {"F0A8", "F06F", "F0A3", "F0A1", "F0A0"}


def _visible_nodes(p: etree._Element) -> list[etree._Element]:
    """The text-bearing nodes of this paragraph that a reader sees once changes are accepted."""
    return [
        node for node in p.iter(*TEXT_NODES) if nearest_paragraph(node) is p and visible(node, p)
    ]


def paragraph_text(p: etree._Element) -> str:
    return unicodedata.normalize("NFC", "".join(node_text(n) for n in _visible_nodes(p)))


def node_text(node: etree._Element) -> str:
    if node.tag == f"{W}t":
        return node.text or ""
    if node.tag == f"{W}noBreakHyphen":
        return "-"
    if node.tag == f"{W}sym":
        return _symbol(node.get(f"{W}char", ""))
    return " "  # tab, break, carriage return


def _symbol(code: str) -> str:
    """A character inserted with Insert > Symbol (Wingdings boxes become ☒ or ☐)."""
    code = code.upper()
    if code in _SYMBOL_CHECKED:
        return "☒"
    if code in _SYMBOL_UNCHECKED:
        return "☐"
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return chr(value) if value < 0xF000 else ""


def nearest_paragraph(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{W}p":
        parent = parent.getparent()
    return parent


def inside(node: etree._Element, tags: tuple[str, ...]) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def visible(node: etree._Element, p: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not p:
        tag = parent.tag
        if tag in HIDDEN_CONTAINERS:
            return False
        if tag == f"{W}r" and parent.find(f"{W}rPr/{W}vanish") is not None:
            return False
        if tag == f"{W}sdtContent":
            sdt_pr = parent.getparent().find(f"{W}sdtPr")
            if sdt_pr is not None and sdt_pr.find(f"{W}showingPlcHdr") is not None:
                return False  # the grey "click here" placeholder, not the participant's text
        parent = parent.getparent()
    return True


def truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "on")
