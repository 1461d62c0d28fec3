"""Tracked changes in a .docx body, written as Word writes them (``w:ins`` / ``w:del``).

Used by the demo participant, who corrects the draft before approving it the way a real
participant would in Word with "Track changes" on: each edit is a deletion and an insertion
with author and date, word by word, so the returned document shows exactly what changed
(the reader of returned drafts takes insertions and leaves deletions out).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TOKEN = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")


@dataclass
class Revisions:
    """Author, date and fresh ids for the changes made to one document body."""

    author: str
    date: str
    _ids: Iterator[int]

    @classmethod
    def for_document(cls, root: etree._Element, author: str, when: dt.datetime) -> Revisions:
        used = [int(v) for v in root.xpath("//@w:id", namespaces={"w": W_NS}) if v.isdigit()]
        date = when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        return cls(author, date, itertools.count(max(used, default=0) + 1))

    def element(self, tag: str) -> etree._Element:
        change = etree.Element(f"{W}{tag}")
        change.set(f"{W}id", str(next(self._ids)))
        change.set(f"{W}author", self.author)
        change.set(f"{W}date", self.date)
        return change


def run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(f"{W}t"))


def replace_run(run: etree._Element, new_text: str, revisions: Revisions) -> None:
    """Change ``run``'s text to ``new_text`` as a tracked edit of only the words that differ."""
    old = _TOKEN.findall(run_text(run))
    new = _TOKEN.findall(new_text)
    pieces: list[etree._Element] = []
    for op, old_part, new_part in _changes(old, new):
        if op == "equal":
            pieces.append(_run_like(run, old_part))
            continue
        if old_part:
            deleted = revisions.element("del")
            deleted.append(_run_like(run, old_part, deleted=True))
            pieces.append(deleted)
        if new_part:
            inserted = revisions.element("ins")
            inserted.append(_run_like(run, new_part))
            pieces.append(inserted)
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)


def delete_run(run: etree._Element, revisions: Revisions) -> None:
    """Delete ``run``'s text as a tracked deletion."""
    deleted = revisions.element("del")
    run.addprevious(deleted)
    deleted.append(_run_like(run, run_text(run), deleted=True))
    run.getparent().remove(run)


def _changes(old: list[str], new: list[str]) -> list[tuple[str, str, str]]:
    """(op, old text, new text) word by word; a lone space between two edits joins them."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    merged: list[list] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(old[i1:i2]), "".join(new[j1:j2])
        kind = "equal" if op == "equal" else "change"
        if merged and kind == "change" and merged[-1][0] == "change":
            merged[-1][1] += old_part
            merged[-1][2] += new_part
        elif (
            kind == "change"
            and len(merged) >= 2
            and merged[-1][0] == "equal"
            and not merged[-1][1].strip()
            and merged[-2][0] == "change"
        ):
            space = merged.pop()[1]
            merged[-1][1] += space + old_part
            merged[-1][2] += space + new_part
        else:
            merged.append([kind, old_part, new_part])
    return [(op, old_part, new_part) for op, old_part, new_part in merged]


def _run_like(run: etree._Element, text: str, *, deleted: bool = False) -> etree._Element:
    """A run with ``run``'s formatting and ``text`` (as w:delText inside a deletion)."""
    new = etree.Element(f"{W}r")
    properties = run.find(f"{W}rPr")
    if properties is not None:
        new.append(copy.deepcopy(properties))
    node = etree.SubElement(new, f"{W}delText" if deleted else f"{W}t")
    node.text = text
    node.set(XML_SPACE, "preserve")
    return new
