"""The comments in a returned .docx: who wrote what, on which text, and where it stands.

A comment is placed by its range or, when it has none (LibreOffice with nothing selected),
by its reference mark, as (first, last) paragraph index, so that a comment on the consent
part can be told from one on the beeld.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from goodwork_pipeline.review.returned_package import parse_xml, read_member
from goodwork_pipeline.review.returned_text import (
    FALLBACK,
    HIDDEN_CONTAINERS,
    W,
    inside,
    nearest_paragraph,
)


@dataclass(frozen=True)
class Comment:
    author: str
    text: str
    anchor: str = ""  # the text the comment is attached to
    date: str | None = None
    # (first, last) index in ``RawDocument.paragraphs`` of where the comment is anchored: its
    # range, or where its mark stands when it has none (LibreOffice, no selection); None when
    # the body does not say (a comment that is nowhere may be anywhere).
    paragraphs: tuple[int, int] | None = None


def read_comments(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    path: Path,
    body: etree._Element,
    index_of: dict[etree._Element, int],
) -> tuple[Comment, ...]:
    data = read_member(archive, "word/comments.xml", members, path)
    if not data:
        return ()
    anchors = _comment_anchors(body)
    places = _comment_places(body, index_of)
    comments = []
    for comment in parse_xml(data, path).iter(f"{W}comment"):
        author = comment.get(f"{W}author", "")
        text = " ".join(
            "".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")
        ).strip()
        date = comment.get(f"{W}date")
        comments.append(
            Comment(
                author=author,
                text=text,
                anchor=" ".join(anchors.get(comment.get(f"{W}id", ""), "").split()),
                date=None if not date or date.startswith("0-") else date,
                paragraphs=places.get(comment.get(f"{W}id", "")),
            )
        )
    return tuple(comments)


_COMMENT_MARKS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")


def _comment_places(
    root: etree._Element, index_of: dict[etree._Element, int]
) -> dict[str, tuple[int, int]]:
    """Where each comment is anchored: (first, last) paragraph index, by comment id.

    A range counts from the paragraph its start is in to the one its end is in; a mark
    between paragraphs belongs to the next one (a start) or the one before (an end). A
    comment with no range (LibreOffice, nothing selected; or an empty range) is where its
    reference mark, or its empty range, stands.
    """
    seen: dict[str, list[int]] = {}
    last = -1
    for node in root.iter(f"{W}p", *_COMMENT_MARKS):
        if node.tag == f"{W}p":
            last = index_of.get(node, last)
            continue
        if inside(node, FALLBACK):
            continue
        paragraph = nearest_paragraph(node)
        if paragraph is not None and paragraph in index_of:
            where = index_of[paragraph]
        else:  # between paragraphs
            where = last + 1 if node.tag == f"{W}commentRangeStart" else max(last, 0)
        seen.setdefault(node.get(f"{W}id", ""), []).append(where)
    return {key: (min(found), max(found)) for key, found in seen.items()}


def _comment_anchors(root: etree._Element) -> dict[str, str]:
    """The visible text each comment is attached to, by comment id."""
    open_ranges: set[str] = set()
    anchors: dict[str, list[str]] = {}
    for node in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if node.tag == f"{W}commentRangeStart":
            open_ranges.add(node.get(f"{W}id", ""))
        elif node.tag == f"{W}commentRangeEnd":
            open_ranges.discard(node.get(f"{W}id", ""))
        elif open_ranges and not inside(node, HIDDEN_CONTAINERS):
            for comment_id in open_ranges:
                anchors.setdefault(comment_id, []).append(node.text or "")
    return {key: "".join(parts) for key, parts in anchors.items()}
