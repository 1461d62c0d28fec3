"""A normalised, readable dump of a .docx: what the golden files of drafts compare.

Text, styles, checkboxes, margin comments (with the text they are anchored to), ids,
metadata and the package's parts; no bytes, no dates.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
DC = "{http://purl.org/dc/elements/1.1/}"


def dump_docx(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        parts = sorted(archive.namelist())
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
        comments = _comments(archive)
        core = etree.fromstring(archive.read("docProps/core.xml"))
        custom = etree.fromstring(archive.read("docProps/custom.xml"))
        footer = "".join(
            "".join(etree.fromstring(archive.read(name)).itertext())
            for name in parts
            if name.startswith("word/footer")
        )
        custom_xml = [
            archive.read(name).decode("utf-8").split("?>", 1)[-1].strip()
            for name in parts
            if name.startswith("customXml/item") and "Props" not in name
        ]
    paragraphs = []
    anchored: dict[str, list[str]] = {}
    open_ids: list[str] = []
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        entry: dict[str, Any] = {
            "style": style.get(f"{W}val") if style is not None else "Normal",
            "text": _text(p),
        }
        if p.find(f"{W}pPr/{W}pageBreakBefore") is not None:
            entry["new_page"] = True
        box = p.find(f".//{W14}checkbox/{W14}checked")
        if box is not None:
            entry["checkbox"] = box.get(f"{W14}val") == "1"
        for node in p.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
            if node.tag == f"{W}commentRangeStart":
                open_ids.append(node.get(f"{W}id"))
                anchored.setdefault(node.get(f"{W}id"), [])
            elif node.tag == f"{W}commentRangeEnd":
                open_ids.remove(node.get(f"{W}id"))
            else:
                for comment_id in open_ids:
                    anchored[comment_id].append(node.text or "")
        paragraphs.append(entry)
    section = body.find(f"{W}sectPr")
    size = section.find(f"{W}pgSz")
    return {
        "parts": parts,
        "page": {"width": size.get(f"{W}w"), "height": size.get(f"{W}h")},
        "core": {
            "title": core.findtext(f"{DC}title"),
            "identifier": core.findtext(f"{DC}identifier"),
            "language": core.findtext(f"{DC}language"),
            "creator": core.findtext(f"{DC}creator"),
            "subject": core.findtext(f"{DC}subject"),
        },
        "custom_properties": {prop.get("name"): "".join(prop.itertext()) for prop in custom},
        "custom_xml": custom_xml,
        "footer": footer,
        "paragraphs": paragraphs,
        "comments": [
            {**comments[i], "on": "".join(anchored.get(i, []))} for i in sorted(comments, key=int)
        ],
    }


def _text(p: etree._Element) -> str:
    parts = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.get(f"{W}type") == "page":
            parts.append("[page break]")
    return "".join(parts)


def _comments(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    if "word/comments.xml" not in archive.namelist():
        return {}
    root = etree.fromstring(archive.read("word/comments.xml"))
    return {
        c.get(f"{W}id"): {
            "author": c.get(f"{W}author"),
            "text": " ".join(
                "".join(t.text or "" for t in p.iter(f"{W}t")) for p in c.iter(f"{W}p")
            ),
        }
        for c in root.iter(f"{W}comment")
    }
