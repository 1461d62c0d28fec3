"""Hand-made returned drafts: a draft edited at the XML level the way word processors store it.

Each helper changes ``word/document.xml`` (or another part) of a copy of a real draft, as
Word or LibreOffice would after the participant's edit: tracked insertions and deletions,
moves, a deleted paragraph mark, content-control, legacy or typed boxes, restyled headings.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = f"{{{W_NS}}}"
W14 = f"{{{W14_NS}}}"
REVISION = {f"{W}id": "901", f"{W}author": "Anna", f"{W}date": "2026-03-20T10:00:00Z"}


class Docx:
    """The parts of a .docx in memory, with its document body parsed."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            self.parts = {info.filename: archive.read(info) for info in archive.infolist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        self.body = self.root.find(f"{W}body")

    def save(self, path: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(
            self.root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        return path

    def drop(self, *names: str) -> None:
        for name in names:
            self.parts.pop(name, None)

    # Finding ------------------------------------------------------------------------------

    def paragraphs(self) -> list[etree._Element]:
        return list(self.body.iter(f"{W}p"))

    def paragraph(self, contains: str) -> etree._Element:
        for p in self.paragraphs():
            if contains in text_of(p):
                return p
        raise KeyError(contains)

    # Text edits ---------------------------------------------------------------------------

    def track_replace(self, old: str, new: str) -> None:
        """Word's tracked change: the old words in w:del/w:delText, the new in w:ins."""
        for t in self.body.iter(f"{W}t"):
            if t.text and old in t.text:
                run = t.getparent()
                before, after = t.text.split(old, 1)
                t.text = before
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                deleted = _el("del", REVISION, _run(old, deleted=True))
                inserted = _el("ins", {**REVISION, f"{W}id": "902"}, _run(new))
                tail = _run(after)
                run.addnext(deleted)
                deleted.addnext(inserted)
                inserted.addnext(tail)
                return
        raise KeyError(old)

    def track_insert_paragraph_after(self, contains: str, text: str) -> None:
        p = self.paragraph(contains)
        new = etree.Element(f"{W}p")
        ppr = etree.SubElement(new, f"{W}pPr")
        rpr = etree.SubElement(ppr, f"{W}rPr")
        rpr.append(_el("ins", REVISION))
        new.append(_el("ins", REVISION, _run(text)))
        p.addnext(new)

    def track_move(self, sentence: str, before: str) -> None:
        """Move ``sentence`` (a whole run's text) in front of the run containing ``before``."""
        for t in list(self.body.iter(f"{W}t")):
            if t.text and sentence in t.text:
                t.text = t.text.replace(sentence, "")
                t.getparent().addnext(_el("moveFrom", REVISION, _run(sentence, deleted=False)))
                break
        else:
            raise KeyError(sentence)
        for t in self.body.iter(f"{W}t"):
            if t.text and before in t.text and t.getparent().getparent().tag != f"{W}moveFrom":
                t.getparent().addprevious(_el("moveTo", REVISION, _run(sentence + " ")))
                return
        raise KeyError(before)

    def delete_paragraph_mark(self, contains: str) -> None:
        """Join the paragraph with the next one, as tracked in Word (deleted pilcrow)."""
        p = self.paragraph(contains)
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            ppr = etree.Element(f"{W}pPr")
            p.insert(0, ppr)
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(ppr, f"{W}rPr")
        rpr.append(_el("del", REVISION))

    def wrap_in_content_control(self, first: str, last: str) -> None:
        """Put the paragraphs from ``first`` to ``last`` in one block-level w:sdt."""
        paragraphs = self.paragraphs()
        start = next(i for i, p in enumerate(paragraphs) if first in text_of(p))
        end = next(i for i, p in enumerate(paragraphs) if last in text_of(p))
        sdt = etree.Element(f"{W}sdt")
        sdt_pr = etree.SubElement(sdt, f"{W}sdtPr")
        etree.SubElement(sdt_pr, f"{W}alias").set(f"{W}val", "Mijn tekst")
        content = etree.SubElement(sdt, f"{W}sdtContent")
        paragraphs[start].addprevious(sdt)
        for p in paragraphs[start : end + 1]:
            content.append(p)

    def put_in_table(self, contains: str) -> None:
        """Move a paragraph into a one-cell table, as a participant pasting a layout might."""
        p = self.paragraph(contains)
        table = etree.Element(f"{W}tbl")
        row = etree.SubElement(table, f"{W}tr")
        cell = etree.SubElement(row, f"{W}tc")
        p.addprevious(table)
        cell.append(p)

    def restyle(self, contains: str, *, style: str | None, bold: bool = False) -> None:
        p = self.paragraph(contains)
        ppr = p.find(f"{W}pPr")
        if ppr is not None:
            existing = ppr.find(f"{W}pStyle")
            if existing is not None:
                ppr.remove(existing)
        if style is not None:
            if ppr is None:
                ppr = etree.Element(f"{W}pPr")
                p.insert(0, ppr)
            etree.SubElement(ppr, f"{W}pStyle").set(f"{W}val", style)
        if bold:
            for run in p.iter(f"{W}r"):
                rpr = run.find(f"{W}rPr")
                if rpr is None:
                    rpr = etree.Element(f"{W}rPr")
                    run.insert(0, rpr)
                etree.SubElement(rpr, f"{W}b")

    def set_text(self, contains: str, text: str) -> None:
        """Replace a paragraph's words without tracking (track changes off)."""
        p = self.paragraph(contains)
        texts = [t for t in p.iter(f"{W}t") if t.text and t.text.strip() not in ("☐", "☒")]
        texts[0].text = text if contains == texts[0].text else texts[0].text.replace(contains, text)
        for t in texts[1:]:
            if contains in (t.text or ""):
                t.text = t.text.replace(contains, text)

    def append_paragraph_after(self, contains: str, text: str) -> None:
        p = self.paragraph(contains)
        new = etree.Element(f"{W}p")
        new.append(_run(text))
        p.addnext(new)

    def add_comment(self, anchor: str, text: str, author: str = "Anna") -> None:
        """A comment on the run containing ``anchor`` (comments.xml must exist)."""
        comments = etree.fromstring(self.parts["word/comments.xml"])
        ids = [int(c.get(f"{W}id")) for c in comments.iter(f"{W}comment")]
        new_id = str(max(ids, default=-1) + 1)
        comment = etree.SubElement(comments, f"{W}comment")
        comment.set(f"{W}id", new_id)
        comment.set(f"{W}author", author)
        comment.set(f"{W}initials", author[:1])
        etree.SubElement(comment, f"{W}p").append(_run(text))
        self.parts["word/comments.xml"] = etree.tostring(
            comments, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        for t in self.body.iter(f"{W}t"):
            if t.text and anchor in t.text:
                run = t.getparent()
                run.addprevious(_el("commentRangeStart", {f"{W}id": new_id}))
                run.addnext(_el("commentRangeEnd", {f"{W}id": new_id}))
                return
        raise KeyError(anchor)

    def add_comment_at(self, label: str, text: str, *, on: str, author: str = "Anna") -> None:
        """A comment in the paragraph of box ``label`` (or any paragraph containing it), as
        Word and LibreOffice anchor them: ``on="box"`` a range around the box's content
        control only (its glyph); ``"empty"`` a range with nothing in it; ``"point"`` no
        range at all, only the reference mark (LibreOffice, nothing selected)."""
        new_id = self._new_comment(text, author)
        try:
            p = self.box_paragraph(label)
        except KeyError:
            p = self.paragraph(label)
        reference = _el("r", {}, _el("commentReference", {f"{W}id": new_id}))
        start = _el("commentRangeStart", {f"{W}id": new_id})
        end = _el("commentRangeEnd", {f"{W}id": new_id})
        if on == "box":
            box = p.find(f"{W}sdt")
            box.addprevious(start)
            box.addnext(end)
            end.addnext(reference)
        elif on == "empty":
            first_run = p.find(f"{W}r")
            (first_run if first_run is not None else p[-1]).addnext(start)
            start.addnext(end)
            end.addnext(reference)
        elif on == "point":
            p.append(reference)
        else:
            raise ValueError(on)

    def _new_comment(self, text: str, author: str) -> str:
        if "word/comments.xml" not in self.parts:
            self.parts["word/comments.xml"] = etree.tostring(etree.Element(f"{W}comments"))
            self._register_comments_part()
        comments = etree.fromstring(self.parts["word/comments.xml"])
        ids = [int(c.get(f"{W}id")) for c in comments.iter(f"{W}comment")]
        new_id = str(max(ids, default=-1) + 1)
        comment = etree.SubElement(comments, f"{W}comment")
        comment.set(f"{W}id", new_id)
        comment.set(f"{W}author", author)
        comment.set(f"{W}initials", author[:1])
        etree.SubElement(comment, f"{W}p").append(_run(text))
        self.parts["word/comments.xml"] = etree.tostring(
            comments, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        return new_id

    def _register_comments_part(self) -> None:
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(self.parts[rels_name])
        rel = etree.SubElement(rels, rels[0].tag if len(rels) else "Relationship")
        rel.set("Id", "rIdComments901")
        rel.set(
            "Type",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
        )
        rel.set("Target", "comments.xml")
        self.parts[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")

    def set_saved(self, when: str) -> None:
        """The time Word writes as ``dcterms:modified`` when the participant saves."""
        core = etree.fromstring(self.parts["docProps/core.xml"])
        modified = core.find("{http://purl.org/dc/terms/}modified")
        if modified is None:
            modified = etree.SubElement(core, "{http://purl.org/dc/terms/}modified")
            modified.set("{http://www.w3.org/2001/XMLSchema-instance}type", "dcterms:W3CDTF")
        modified.text = when
        self.parts["docProps/core.xml"] = etree.tostring(
            core, xml_declaration=True, encoding="UTF-8", standalone=True
        )

    # Boxes --------------------------------------------------------------------------------

    def box_paragraph(self, label: str) -> etree._Element:
        for p in self.paragraphs():
            if text_of(p).lstrip("☐☒ ").strip() == label:
                return p
        raise KeyError(label)

    def tick_content_control(self, label: str, *, glyph: str = "☒", stored: bool = True) -> None:
        p = self.box_paragraph(label)
        box = p.find(f".//{W14}checkbox")
        box.find(f"{W14}checked").set(f"{W14}val", "1" if stored else "0")
        for t in p.iter(f"{W}t"):
            if t.text in ("☐", "☒"):
                t.text = glyph

    def to_legacy_checkboxes(self, ticked: Iterable[str]) -> None:
        """Every content-control box becomes a legacy form field (FORMCHECKBOX)."""
        ticked = set(ticked)
        for sdt in list(self.body.iter(f"{W}sdt")):
            if sdt.find(f"{W}sdtPr/{W14}checkbox") is None:
                continue
            p = sdt.getparent()
            label = text_of(p).lstrip("☐☒ ").strip()
            begin = _el("r", {}, _fld_char("begin", checked=label in ticked))
            instr = etree.Element(f"{W}r")
            etree.SubElement(instr, f"{W}instrText").text = " FORMCHECKBOX "
            end = _el("r", {}, _fld_char("end"))
            sdt.addprevious(begin)
            begin.addnext(instr)
            instr.addnext(end)
            p.remove(sdt)

    def to_typed_boxes(self, marks: dict[str, str]) -> None:
        """Content controls removed; each box typed by hand: ``marks[label]`` before it."""
        for sdt in list(self.body.iter(f"{W}sdt")):
            if sdt.find(f"{W}sdtPr/{W14}checkbox") is None:
                continue
            p = sdt.getparent()
            label = text_of(p).lstrip("☐☒ ").strip()
            sdt.addprevious(_run(marks.get(label, "☐") + " "))
            p.remove(sdt)

    def to_symbol_box(self, label: str, char: str = "F0FE") -> None:
        """Content control replaced by a Wingdings symbol (Insert > Symbol in Word)."""
        p = self.box_paragraph(label)
        sdt = p.find(f"{W}sdt")
        run = etree.Element(f"{W}r")
        sym = etree.SubElement(run, f"{W}sym")
        sym.set(f"{W}font", "Wingdings")
        sym.set(f"{W}char", char)
        sdt.addprevious(run)
        p.remove(sdt)

    def duplicate_paragraph(self, label: str) -> etree._Element:
        import copy

        p = self.box_paragraph(label)
        twin = copy.deepcopy(p)
        p.addnext(twin)
        return twin


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def edit(draft: Path, target: Path, *changes: Callable[[Docx], None]) -> Path:
    document = Docx(draft)
    for change in changes:
        change(document)
    return document.save(target)


def _el(tag: str, attrs: dict[str, str], *children: etree._Element) -> etree._Element:
    element = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        element.set(key, value)
    for child in children:
        element.append(child)
    return element


def _run(text: str, *, deleted: bool = False) -> etree._Element:
    run = etree.Element(f"{W}r")
    t = etree.SubElement(run, f"{W}delText" if deleted else f"{W}t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _fld_char(kind: str, *, checked: bool = False) -> etree._Element:
    char = etree.Element(f"{W}fldChar")
    char.set(f"{W}fldCharType", kind)
    if kind == "begin":
        data = etree.SubElement(char, f"{W}ffData")
        etree.SubElement(data, f"{W}name").set(f"{W}val", "Check1")
        etree.SubElement(data, f"{W}enabled")
        box = etree.SubElement(data, f"{W}checkBox")
        etree.SubElement(box, f"{W}sizeAuto")
        etree.SubElement(box, f"{W}default").set(f"{W}val", "0")
        if checked:
            etree.SubElement(box, f"{W}checked")
    return char
