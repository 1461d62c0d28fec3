"""Reading a returned draft as the participant left it, at the XML level.

python-docx's API drops text inside tracked changes and paragraphs inside block-level content
controls, so this reads ``word/document.xml`` directly: tracked insertions count, deletions do
not; checkbox state comes from Word content controls, legacy form checkboxes, or a box typed
by hand (☒, [x], X); each box is known by its label text, because LibreOffice drops the tags.

The zip and its XML are treated as hostile: macro-enabled, encrypted, oversized, zip-bomb,
path-traversal and entity-expansion documents are refused with a clear message.
"""

from __future__ import annotations

import lzma
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from goodwork_pipeline.drafting.draft_properties import (
    CUSTOM_XML_NS,
    IDENTIFIER_PREFIX,
    PROP_STORY,
    PROP_VERSION,
    PROP_WORDING,
)
from goodwork_pipeline.errors import DocumentError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = f"{{{W_NS}}}"
W14 = f"{{{W14_NS}}}"

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member that inflates more than this is a zip bomb

# (a version number is short: a long run of digits is no version, and int() would refuse it)
_FOOTER_CODE = re.compile(r"code\s+(GW-[0-9A-Z]{8})\s*·?\s*versie\s+(\d{1,9})(?!\d)", re.IGNORECASE)
_BARE_CODE = re.compile(r"\b(GW-[0-9A-Z]{8})\b")
_CHECKED_GLYPHS = "☒☑✓✔✗✘⌧"
_UNCHECKED_GLYPHS = "☐□"
_TYPED_BOX = re.compile(r"^(\[\s*[xX✓✔vV]\s*\]|\(\s*[xX✓✔vV]\s*\)|[xX](?=\s))\s*")
_EMPTY_BOX = re.compile(r"^(\[\s*\]|\(\s*\)|_{1,3})\s*")
_TRAILING_MARK = re.compile(r"\s*(?:[:\-–]\s*)?(\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|\b[xX]|[☒☑✓✔])$")
# Wingdings / Wingdings 2 characters Word inserts for boxes (Insert > Symbol).
_SYMBOL_CHECKED = {"F0FE", "F0FD", "F078", "F0FB", "F053", "F054", "F0FC"}
_SYMBOL_UNCHECKED = {"F0A8", "F06F", "F0A3", "F0A1", "F0A0"}
MAX_PARAGRAPHS = 20_000
# What a damaged zip raises besides BadZipFile: offsets that point nowhere (OSError), a
# compression method Python lacks (NotImplementedError), a broken compressed stream
# (zlib.error, lzma.LZMAError; bzip2 raises OSError), a member cut off (EOFError), a member
# name flagged UTF-8 that is not (UnicodeDecodeError).
_DAMAGED_ZIP = (
    zipfile.BadZipFile,
    UnicodeDecodeError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    OSError,
    EOFError,
)

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_FALLBACK = (f"{{{MC_NS}}}Fallback",)
_TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")
_HIDDEN_CONTAINERS = (f"{W}del", f"{W}moveFrom", f"{{{MC_NS}}}Fallback")
_TEXT_NODES = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym")


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str | None
    checked: bool | None  # None: the paragraph has no checkbox
    heading_level: int | None = None
    conflict: bool = False  # the box shows one state but is stored as the other
    bold: bool = False


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


@dataclass(frozen=True)
class DocumentIds:
    """Every place the story id may have survived, in the order they are trusted."""

    custom_property: str | None = None
    identifier: str | None = None
    custom_xml: str | None = None
    footer: str | None = None
    version: int | None = None
    wording_version: str | None = None

    @property
    def story_id(self) -> str | None:
        return self.custom_property or self.identifier or self.custom_xml or self.footer

    @property
    def disagreeing(self) -> tuple[str, ...]:
        """The different story ids found, when the places disagree (e.g. text pasted over)."""
        found = [self.custom_property, self.identifier, self.custom_xml, self.footer]
        distinct = tuple(dict.fromkeys(i for i in found if i))
        return distinct if len(distinct) > 1 else ()


@dataclass(frozen=True)
class RawDocument:
    """What a returned .docx contains, before anything is decided about it."""

    ids: DocumentIds
    paragraphs: tuple[Paragraph, ...]
    comments: tuple[Comment, ...] = field(default=())
    tracked_changes: int = 0
    saved_at: str | None = None  # docProps/core.xml dcterms:modified, as written (ISO 8601)


def read_document(path: Path) -> RawDocument:
    """Open a returned document safely and read its ids, paragraphs and comments."""
    _check_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(archive, path)
            document_xml = _read_member(archive, "word/document.xml", members, path)
            if document_xml is None:
                mimetype = _read_member(archive, "mimetype", members, path) or b""
                if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                    raise _refused(
                        path,
                        "is an OpenDocument file (.odt), not a Word document; save it as .docx "
                        "(File > Save as > Word 2007-365)",
                        "is een OpenDocument-bestand (.odt). Sla het op als Word-document "
                        "(Bestand > Opslaan als > Word 2007-365 (.docx)) en stuur het opnieuw",
                    )
                raise _not_a_draft(path, "it has no word/document.xml")
            body = _parse_xml(document_xml, path)
            paragraphs, tracked, index_of = _paragraphs(body, path)
            ids = _ids(archive, members, path, paragraphs)
            comments = _comments(archive, members, path, body, index_of)
            saved_at = _saved_at(archive, members, path)
    except _DAMAGED_ZIP as exc:
        raise _not_a_draft(path, "it is not a valid .docx (zip) file, or it is damaged") from exc
    if ids.disagreeing:
        raise _mixed_drafts(path, ids)
    return RawDocument(
        ids=ids,
        paragraphs=paragraphs,
        comments=comments,
        tracked_changes=tracked,
        saved_at=saved_at,
    )


# Container checks ---------------------------------------------------------------------------


def _check_container(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".docm":
        raise _refused(
            path,
            "is a macro-enabled document (.docm); macros are never opened",
            "is een document met macro's (.docm). Dat openen we niet. Sla het op als gewoon "
            "Word-document (.docx) en stuur het opnieuw",
        )
    size = path.stat().st_size
    if size == 0:
        raise _refused(path, "is empty", "is leeg. Stuur het document opnieuw")
    if size > MAX_FILE_BYTES:
        raise _refused(
            path,
            f"is {size // (1024 * 1024)} MB, larger than a draft can be",
            "is veel groter dan een conceptbeeld kan zijn. Verwijder afbeeldingen en "
            "sla het opnieuw op als .docx",
        )
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refused(
            path,
            "is password-protected or an old .doc file",
            "is beveiligd met een wachtwoord of is een oud .doc-bestand. Haal het wachtwoord "
            "weg en sla het op als .docx",
        )
    if not magic.startswith(b"PK"):
        raise _not_a_draft(path, "it is not a .docx (zip) file")


def _checked_members(archive: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _bomb(path)
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            raise _refused(
                path,
                f"contains an unsafe path ({name!r})",
                "bevat onveilige onderdelen. Sla het opnieuw op als .docx",
            )
        if info.flag_bits & 0x1:
            raise _refused(
                path,
                "is encrypted",
                "is versleuteld. Haal het wachtwoord weg en sla het op als .docx",
            )
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _bomb(path)
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and (info.file_size > 1024 * 1024)
        ):
            raise _bomb(path)
        if name.lower().endswith("vbaproject.bin"):
            raise _refused(
                path,
                "contains macros",
                "bevat macro's. Sla het op als gewoon Word-document (.docx) zonder macro's",
            )
        members[name] = info
    return members


def _read_member(
    archive: zipfile.ZipFile, name: str, members: dict[str, zipfile.ZipInfo], path: Path
) -> bytes | None:
    info = members.get(name)
    if info is None:
        return None
    # Never trust the declared size: stop reading once the limit is passed.
    with archive.open(info) as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise _bomb(path)
    return data


def _parse_xml(data: bytes, path: Path) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise _refused(
            path,
            "contains XML entity declarations (a known attack); refused",
            "bevat onveilige XML. Sla het opnieuw op als .docx in Word of LibreOffice",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _not_a_draft(path, "its text cannot be read (damaged XML)") from exc


# Paragraphs ------------------------------------------------------------------------------------


def _paragraphs(
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
    elements = [p for p in body.iter(f"{W}p") if not _inside(p, _FALLBACK)]
    if len(elements) > MAX_PARAGRAPHS:
        raise _refused(
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
    control, glyph = _control_state(p)
    text = _paragraph_text(p)
    typed, text = _typed_box(text)
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


def _visible_nodes(p: etree._Element) -> list[etree._Element]:
    """The text-bearing nodes of this paragraph that a reader sees once changes are accepted."""
    return [
        node for node in p.iter(*_TEXT_NODES) if _nearest_paragraph(node) is p and _visible(node, p)
    ]


def _paragraph_text(p: etree._Element) -> str:
    return unicodedata.normalize("NFC", "".join(_node_text(n) for n in _visible_nodes(p)))


def _node_text(node: etree._Element) -> str:
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


def _nearest_paragraph(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{W}p":
        parent = parent.getparent()
    return parent


def _inside(node: etree._Element, tags: tuple[str, ...]) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _visible(node: etree._Element, p: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not p:
        tag = parent.tag
        if tag in _HIDDEN_CONTAINERS:
            return False
        if tag == f"{W}r" and parent.find(f"{W}rPr/{W}vanish") is not None:
            return False
        if tag == f"{W}sdtContent":
            sdt_pr = parent.getparent().find(f"{W}sdtPr")
            if sdt_pr is not None and sdt_pr.find(f"{W}showingPlcHdr") is not None:
                return False  # the grey "click here" placeholder, not the participant's text
        parent = parent.getparent()
    return True


def _control_state(p: etree._Element) -> tuple[bool | None, bool | None]:
    """(stored state, visible glyph state) of the box in this paragraph, if it has one."""
    for box in p.iter(f"{W14}checkbox"):
        if _nearest_paragraph(box) not in (p, None):
            continue
        checked = box.find(f"{W14}checked")
        value = checked.get(f"{W14}val", "0") if checked is not None else "0"
        sdt = box.getparent().getparent()
        content = sdt.find(f"{W}sdtContent") if sdt is not None else None
        glyph = None
        if content is not None:
            shown = "".join(
                _node_text(n)
                for n in content.iter(*_TEXT_NODES)
                if _nearest_paragraph(n) in (p, None) and _visible(n, p)
            )
            ticked = any(ch in _CHECKED_GLYPHS for ch in shown)
            empty = any(ch in _UNCHECKED_GLYPHS for ch in shown)
            glyph = ticked if ticked != empty else None
        return _truthy(value), glyph
    for box in p.iter(f"{W}checkBox"):
        explicit = box.find(f"{W}checked")
        if explicit is not None:
            return _truthy(explicit.get(f"{W}val", "1")), None
        default = box.find(f"{W}default")
        return default is not None and _truthy(default.get(f"{W}val", "0")), None
    return None, None


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "on")


def _typed_box(text: str) -> tuple[bool | None, str]:
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


def _all_bold(p: etree._Element) -> bool:
    runs = [
        r for r in p.iter(f"{W}r") if _nearest_paragraph(r) is p and r.find(f"{W}t") is not None
    ]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{W}rPr/{W}b")
        if bold is None or not _truthy(bold.get(f"{W}val", "1")):
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


# Ids and comments ---------------------------------------------------------------------------


def _ids(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    path: Path,
    paragraphs: tuple[Paragraph, ...],
) -> DocumentIds:
    custom_property = version = wording = None
    custom = _read_member(archive, "docProps/custom.xml", members, path)
    if custom:
        props = _custom_properties(_parse_xml(custom, path))
        custom_property = props.get(PROP_STORY)
        version = _int(props.get(PROP_VERSION))
        wording = props.get(PROP_WORDING)

    identifier = None
    core = _read_member(archive, "docProps/core.xml", members, path)
    if core:
        element = _parse_xml(core, path).find("{http://purl.org/dc/elements/1.1/}identifier")
        if element is not None and element.text:
            parts = element.text.strip().split(":")
            if len(parts) == 3 and parts[0] == IDENTIFIER_PREFIX:
                identifier = parts[1]
                version = version or _int(parts[2].lstrip("v"))

    custom_xml = None
    for name in members:
        if name.startswith("customXml/item") and "Props" not in name and name.endswith(".xml"):
            data = _read_member(archive, name, members, path)
            if not data or CUSTOM_XML_NS.encode() not in data:
                continue
            root = _parse_xml(data, path)
            story = root.find(f"{{{CUSTOM_XML_NS}}}story")
            if story is not None and story.text:
                custom_xml = story.text.strip()
                version = version or _int(root.findtext(f"{{{CUSTOM_XML_NS}}}version"))

    footer = None
    for name in sorted(members):
        if re.match(r"word/footer\d*\.xml$", name):
            data = _read_member(archive, name, members, path)
            text = "".join(_parse_xml(data, path).itertext()) if data else ""
            match = _FOOTER_CODE.search(text)
            if match:
                footer = match.group(1).upper()
                version = version or int(match.group(2))
                break
    if footer is None:
        # A code typed or pasted into the body (e.g. when the footer was lost).
        for paragraph in paragraphs:
            match = _BARE_CODE.search(paragraph.text)
            if match:
                footer = match.group(1).upper()
                break
    return DocumentIds(
        custom_property=custom_property,
        identifier=identifier,
        custom_xml=custom_xml,
        footer=footer,
        version=version,
        wording_version=wording,
    )


def _custom_properties(root: etree._Element) -> dict[str, str]:
    values = {}
    for prop in root:
        name = prop.get("name")
        if name:
            values[name] = "".join(prop.itertext()).strip()
    return values


def _comments(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    path: Path,
    body: etree._Element,
    index_of: dict[etree._Element, int],
) -> tuple[Comment, ...]:
    data = _read_member(archive, "word/comments.xml", members, path)
    if not data:
        return ()
    anchors = _comment_anchors(body)
    places = _comment_places(body, index_of)
    comments = []
    for comment in _parse_xml(data, path).iter(f"{W}comment"):
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
        if _inside(node, _FALLBACK):
            continue
        paragraph = _nearest_paragraph(node)
        if paragraph is not None and paragraph in index_of:
            where = index_of[paragraph]
        else:  # between paragraphs
            where = last + 1 if node.tag == f"{W}commentRangeStart" else max(last, 0)
        seen.setdefault(node.get(f"{W}id", ""), []).append(where)
    return {key: (min(found), max(found)) for key, found in seen.items()}


def _saved_at(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: Path
) -> str | None:
    core = _read_member(archive, "docProps/core.xml", members, path)
    if not core:
        return None
    element = _parse_xml(core, path).find("{http://purl.org/dc/terms/}modified")
    text = (element.text or "").strip() if element is not None else ""
    return text or None


def _comment_anchors(root: etree._Element) -> dict[str, str]:
    """The visible text each comment is attached to, by comment id."""
    open_ranges: set[str] = set()
    anchors: dict[str, list[str]] = {}
    for node in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if node.tag == f"{W}commentRangeStart":
            open_ranges.add(node.get(f"{W}id", ""))
        elif node.tag == f"{W}commentRangeEnd":
            open_ranges.discard(node.get(f"{W}id", ""))
        elif open_ranges and not _inside(node, _HIDDEN_CONTAINERS):
            for comment_id in open_ranges:
                anchors.setdefault(comment_id, []).append(node.text or "")
    return {key: "".join(parts) for key, parts in anchors.items()}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# Errors ------------------------------------------------------------------------------------------


def _bomb(path: Path) -> DocumentError:
    return _refused(
        path,
        "unpacks to far more data than a draft can hold (zip bomb); refused",
        "is beschadigd of onveilig (het pakt uit tot veel te veel gegevens). Sla het "
        "opnieuw op als .docx",
    )


_ID_PLACES = {  # where an id was found: (English, Dutch)
    "custom_property": ("its document properties", "de documenteigenschappen"),
    "identifier": ("its identifier", "het documentkenmerk"),
    "custom_xml": ("its hidden data", "de verborgen gegevens"),
    "footer": ("its footer or text", "de voettekst of de tekst"),
}


def _mixed_drafts(path: Path, ids: DocumentIds) -> DocumentError:
    """The hidden ids name different stories: parts of two drafts were put together, so
    neither story's consent can be read from it."""
    where: dict[str, list[tuple[str, str]]] = {code: [] for code in ids.disagreeing}
    for name, places in _ID_PLACES.items():
        if getattr(ids, name):
            where[getattr(ids, name)].append(places)
    en = "; ".join(f"{code} in {_listed([p[0] for p in at], 'and')}" for code, at in where.items())
    nl = "; ".join(f"{code} in {_listed([p[1] for p in at], 'en')}" for code, at in where.items())
    codes = " en ".join(ids.disagreeing)
    return DocumentError(
        f"{path.name} carries the codes of different stories ({en}): parts of two drafts "
        "were put together. Nothing was recorded for either story. Ask the participant to "
        "return their own draft as it was sent, without text copied from another draft. "
        "The file stays in the inbox.",
        nl=f"{path.name} bevat delen van twee verschillende concepten: de verborgen codes "
        f"spreken elkaar tegen ({nl}). Er is voor geen van beide verhalen ({codes}) iets "
        "vastgelegd. Vraag de deelnemer het eigen concept terug te sturen zoals het "
        "verstuurd is, zonder tekst uit een ander concept. Het bestand blijft in de inbox "
        "staan.",
        path=path,
    )


def _listed(items: list[str], conjunction: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _not_a_draft(path: Path, why: str) -> DocumentError:
    return DocumentError(
        f"{path.name} cannot be read as a returned draft: {why}. The file stays in the inbox.",
        nl=(
            f"{path.name} is geen leesbaar conceptbeeld. Open het in Word of LibreOffice, sla "
            "het op als .docx en zet het opnieuw in de inbox."
        ),
        path=path,
    )


def _refused(path: Path, problem_en: str, problem_nl: str) -> DocumentError:
    return DocumentError(
        f"{path.name} {problem_en}. The file stays in the inbox.",
        nl=f"{path.name} {problem_nl}. Het bestand blijft in de inbox staan.",
        path=path,
    )
