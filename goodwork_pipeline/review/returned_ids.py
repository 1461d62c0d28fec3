"""Which story and draft version a returned .docx is: every place the story id may survive.

The id is looked for in the custom document properties, the core identifier, the hidden
custom XML part, the footer, and finally a code typed or pasted into the body. When these
places name different stories, parts of two drafts were put together and the document is
refused: neither story's consent can be read from it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
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
from goodwork_pipeline.review.returned_package import parse_xml, read_member
from goodwork_pipeline.review.returned_paragraphs import Paragraph

# (a version number is short: a long run of digits is no version, and int() would refuse it)
_FOOTER_CODE = re.compile(r"code\s+(GW-[0-9A-Z]{8})\s*·?\s*versie\s+(\d{1,9})(?!\d)", re.IGNORECASE)
_BARE_CODE = re.compile(r"\b(GW-[0-9A-Z]{8})\b")


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


def read_ids(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    path: Path,
    paragraphs: tuple[Paragraph, ...],
) -> DocumentIds:
    custom_property = version = wording = None
    custom = read_member(archive, "docProps/custom.xml", members, path)
    if custom:
        props = _custom_properties(parse_xml(custom, path))
        custom_property = props.get(PROP_STORY)
        version = _int(props.get(PROP_VERSION))
        wording = props.get(PROP_WORDING)

    identifier = None
    core = read_member(archive, "docProps/core.xml", members, path)
    if core:
        element = parse_xml(core, path).find("{http://purl.org/dc/elements/1.1/}identifier")
        if element is not None and element.text:
            parts = element.text.strip().split(":")
            if len(parts) == 3 and parts[0] == IDENTIFIER_PREFIX:
                identifier = parts[1]
                version = version or _int(parts[2].lstrip("v"))

    custom_xml = None
    for name in members:
        if name.startswith("customXml/item") and "Props" not in name and name.endswith(".xml"):
            data = read_member(archive, name, members, path)
            if not data or CUSTOM_XML_NS.encode() not in data:
                continue
            root = parse_xml(data, path)
            story = root.find(f"{{{CUSTOM_XML_NS}}}story")
            if story is not None and story.text:
                custom_xml = story.text.strip()
                version = version or _int(root.findtext(f"{{{CUSTOM_XML_NS}}}version"))

    footer = None
    for name in sorted(members):
        if re.match(r"word/footer\d*\.xml$", name):
            data = read_member(archive, name, members, path)
            text = "".join(parse_xml(data, path).itertext()) if data else ""
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


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# Errors ------------------------------------------------------------------------------------------


_ID_PLACES = {  # where an id was found: (English, Dutch)
    "custom_property": ("its document properties", "de documenteigenschappen"),
    "identifier": ("its identifier", "het documentkenmerk"),
    "custom_xml": ("its hidden data", "de verborgen gegevens"),
    "footer": ("its footer or text", "de voettekst of de tekst"),
}


def mixed_drafts(path: Path, ids: DocumentIds) -> DocumentError:
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
