"""What the draft says about itself: its document properties, and the story id and version.

The id and version are hidden three ways (a custom document property, ``dc:identifier``, a
custom XML part), because word processors keep different subsets; the reader of returned
drafts (``review/returned_document.py``) looks in all three, with the names below.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.package import Package

from goodwork_pipeline.consent_wording import WORDING_VERSION

PROP_STORY = "goodwork_story_id"
PROP_VERSION = "goodwork_draft_version"
PROP_WORDING = "goodwork_wording_version"
CUSTOM_XML_NS = "urn:goodwork-pipeline:draft"
IDENTIFIER_PREFIX = "goodwork"


def set_properties(
    document: docx.document.Document,
    *,
    story_id: str,
    version: int,
    programme: str,
    title: str,
    when: dt.datetime,
) -> None:
    """The core properties, and the story id and version in all three places."""
    core = document.core_properties
    core.identifier = f"{IDENTIFIER_PREFIX}:{story_id}:v{version}"
    core.title = title
    core.subject = f"{programme} · concept versie {version}"
    # Word and LibreOffice copy keywords into a PDF they save: a PDF answer is recognised.
    core.keywords = f"{IDENTIFIER_PREFIX}, {story_id}, v{version}"
    core.author = programme
    core.last_modified_by = programme
    core.comments = ""
    core.language = "nl-NL"
    core.revision = version
    core.created = core.modified = when.replace(tzinfo=None, microsecond=0)
    _set_custom_properties(
        document.part.package,
        {
            PROP_STORY: story_id,
            PROP_VERSION: str(version),
            PROP_WORDING: WORDING_VERSION,
        },
    )
    _add_custom_xml(document, story_id, version)


def drop_foreign_parts(document: docx.document.Document) -> None:
    """Custom XML parts a word processor may have left in the template (e.g. bibliography)."""
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            del part.rels[rel_id]


def _set_custom_properties(package: Package, values: dict[str, str]) -> None:
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    items = "".join(
        f'<property fmtid="{fmtid}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]  # a template saved by Word may carry its own
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _add_custom_xml(document: docx.document.Document, story_id: str, version: int) -> None:
    package = document.part.package
    item = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<goodwork xmlns="{CUSTOM_XML_NS}"><story>{escape(story_id)}</story>'
        f"<version>{version}</version><wording>{WORDING_VERSION}</wording></goodwork>"
    ).encode()
    props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<ds:datastoreItem ds:itemID="{6C3C7E8A-3F0B-4C4B-9E1D-6F0D2B6A9C11}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{CUSTOM_XML_NS}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()
    item_name = package.next_partname("/customXml/item%d.xml")
    props_name = PackURI(item_name.replace("/item", "/itemProps"))
    item_part = Part(item_name, CT.XML, item, package)
    props_part = Part(
        props_name,
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        props,
        package,
    )
    item_part.relate_to(
        props_part,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps",
    )
    document.part.relate_to(item_part, RT.CUSTOM_XML)
