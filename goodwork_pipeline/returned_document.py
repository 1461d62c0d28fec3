"""Reading a returned draft as the participant left it, at the XML level.

python-docx's API drops text inside tracked changes and paragraphs inside block-level content
controls, so this reads ``word/document.xml`` directly: tracked insertions count, deletions do
not; checkbox state comes from Word content controls, legacy form checkboxes, or a box typed
by hand (☒, [x], X); each box is known by its label text, because LibreOffice drops the tags.

The zip and its XML are treated as hostile: macro-enabled, encrypted, oversized, zip-bomb,
path-traversal and entity-expansion documents are refused with a clear message.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .draft_document import (
    CUSTOM_XML_NS,
    IDENTIFIER_PREFIX,
    PROP_STORY,
    PROP_VERSION,
    PROP_WORDING,
)
from .errors import DocumentError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = f"{{{W_NS}}}"
W14 = f"{{{W14_NS}}}"

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member that inflates more than this is a zip bomb

_FOOTER_CODE = re.compile(r"code\s+(GW-[0-9A-Z]{8})\s*·?\s*versie\s+(\d+)", re.IGNORECASE)
_BARE_CODE = re.compile(r"\b(GW-[0-9A-Z]{8})\b")
_CHECKED_GLYPHS = "☒☑✓✔✗✘"
_UNCHECKED_GLYPHS = "☐□"
_TYPED_BOX = re.compile(r"^\s*(\[\s*[xX✓✔]\s*\]|\(\s*[xX]\s*\)|[xX](?=\s))\s*")
_EMPTY_BOX = re.compile(r"^\s*(\[\s*\]|\(\s*\))\s*")


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str | None
    checked: bool | None  # None: the paragraph has no checkbox
    heading_level: int | None = None


@dataclass(frozen=True)
class Comment:
    author: str
    text: str


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


@dataclass(frozen=True)
class RawDocument:
    """What a returned .docx contains, before anything is decided about it."""

    ids: DocumentIds
    paragraphs: tuple[Paragraph, ...]
    comments: tuple[Comment, ...] = field(default=())
    tracked_changes: int = 0


def read_document(path: Path) -> RawDocument:
    """Open a returned document safely and read its ids, paragraphs and comments."""
    _check_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(archive, path)
            document_xml = _read_member(archive, "word/document.xml", members, path)
            if document_xml is None:
                raise _not_a_draft(path, "it has no word/document.xml")
            body = _parse_xml(document_xml, path)
            paragraphs, tracked = _paragraphs(body)
            ids = _ids(archive, members, path, paragraphs)
            comments = _comments(archive, members, path)
    except zipfile.BadZipFile as exc:
        raise _not_a_draft(path, "it is not a valid .docx (zip) file") from exc
    return RawDocument(ids=ids, paragraphs=paragraphs, comments=comments, tracked_changes=tracked)


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


def _paragraphs(root: etree._Element) -> tuple[tuple[Paragraph, ...], int]:
    body = root.find(f"{W}body")
    if body is None:
        return (), 0
    tracked = len(body.findall(f".//{W}ins")) + len(body.findall(f".//{W}del"))
    paragraphs = []
    for p in body.iter(f"{W}p"):
        checked = _checkbox_state(p)
        text = _paragraph_text(p)
        if checked is None:
            checked, text = _typed_box(text)
        else:
            text = text.lstrip(_CHECKED_GLYPHS + _UNCHECKED_GLYPHS + " ")
        style = _style(p)
        paragraphs.append(
            Paragraph(
                text=text.strip(),
                style=style,
                checked=checked,
                heading_level=_heading_level(p, style),
            )
        )
    return tuple(paragraphs), tracked


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen"):
        if _nearest_paragraph(node) is not p or _deleted(node, p):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return unicodedata.normalize("NFC", "".join(parts))


def _nearest_paragraph(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{W}p":
        parent = parent.getparent()
    return parent


def _deleted(node: etree._Element, p: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag in (f"{W}del", f"{W}moveFrom"):
            return True
        parent = parent.getparent()
    return False


def _checkbox_state(p: etree._Element) -> bool | None:
    for box in p.iter(f"{W14}checkbox"):
        if _nearest_paragraph(box) not in (p, None):
            continue
        checked = box.find(f"{W14}checked")
        value = checked.get(f"{W14}val", "0") if checked is not None else "0"
        return value.lower() in ("1", "true", "on")
    for box in p.iter(f"{W}checkBox"):
        explicit = box.find(f"{W}checked")
        if explicit is not None:
            return explicit.get(f"{W}val", "1").lower() in ("1", "true", "on")
        default = box.find(f"{W}default")
        return default is not None and default.get(f"{W}val", "0").lower() in ("1", "true", "on")
    return None


def _typed_box(text: str) -> tuple[bool | None, str]:
    stripped = text.lstrip()
    if stripped and stripped[0] in _CHECKED_GLYPHS:
        return True, stripped[1:]
    if stripped and stripped[0] in _UNCHECKED_GLYPHS:
        return False, stripped[1:]
    match = _TYPED_BOX.match(text)
    if match:
        return True, text[match.end() :]
    match = _EMPTY_BOX.match(text)
    if match:
        return False, text[match.end() :]
    return None, text


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _heading_level(p: etree._Element, style: str | None) -> int | None:
    outline = p.find(f"{W}pPr/{W}outlineLvl")
    if outline is not None:
        try:
            return int(outline.get(f"{W}val", "9")) + 1
        except ValueError:
            return None
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
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: Path
) -> tuple[Comment, ...]:
    data = _read_member(archive, "word/comments.xml", members, path)
    if not data:
        return ()
    comments = []
    for comment in _parse_xml(data, path).iter(f"{W}comment"):
        author = comment.get(f"{W}author", "")
        text = " ".join(
            "".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")
        ).strip()
        comments.append(Comment(author=author, text=text))
    return tuple(comments)


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
