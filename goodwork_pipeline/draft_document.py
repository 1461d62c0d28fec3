"""Writing the draft ``.docx`` the participant corrects in Word or LibreOffice.

The document has four parts, each starting at a fixed heading the reader looks for:
instructions; the beeld (from "Titel" to the closing question: the only editable part);
the consent form (real content-control checkboxes, each recognised by its label text);
a footer with the short story code and draft version.

The story id is hidden three ways (custom document property, ``dc:identifier``, a custom XML
part) and shown in the footer, because word processors keep different subsets of these.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from .consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CHANNELS_INTRO,
    CONSENT_EXPLANATION,
    CONSENT_HEADING,
    DATE_LABEL,
    NAME_BOXES,
    NAME_INTRO,
    SIGNATURE_LABEL,
    WORDING_VERSION,
)
from .files import atomic_write_bytes
from .models import Beeld
from .transcribe import format_timestamp

DOC_TITLE = "Jouw beeld van goed werk"
INSTRUCTIONS_HEADING = "Zo werkt het"
TITLE_HEADING = "Titel"
QUOTE_HEADING = "Citaat"
QUESTION_HEADING = "Vraag aan de lezer"

PROP_STORY = "goodwork_story_id"
PROP_VERSION = "goodwork_draft_version"
PROP_WORDING = "goodwork_wording_version"
CUSTOM_XML_NS = "urn:goodwork-pipeline:draft"
IDENTIFIER_PREFIX = "goodwork"

CHECKED = "☒"
UNCHECKED = "☐"


@dataclass(frozen=True)
class DraftInfo:
    story_id: str
    version: int
    programme: str
    participant: str | None = None
    date: dt.date | None = None


def instructions(info: DraftInfo) -> list[str]:
    hello = f"Beste {info.participant.split()[0]}," if info.participant else "Hallo,"
    return [
        hello,
        "Dank je wel voor het gesprek. Hieronder staat je verhaal zoals wij het uit het gesprek "
        "hebben opgeschreven, zoveel mogelijk in je eigen woorden. Het is een concept: jij "
        "bepaalt hoe het er uiteindelijk uitziet.",
        "Lees de tekst rustig door. Pas aan wat niet klopt of wat je anders wilt zeggen: je mag "
        "zinnen veranderen, schrappen of toevoegen. Als 'Wijzigingen bijhouden' aan staat, zien "
        "we wat je hebt veranderd. De opmerkingen in de kantlijn (zoals [03:12]) laten zien waar "
        "in het gesprek een zin vandaan komt.",
        "Kies onderaan of en waar je beeld gedeeld mag worden en hoe je naam wordt getoond. "
        "Sla het bestand daarna op (als .docx) en stuur het terug. Je mag de bestandsnaam "
        "veranderen; aan de code onderaan de pagina herkennen we je verhaal.",
        "Niets wordt gedeeld zonder jouw ja.",
    ]


def write_draft(beeld: Beeld, info: DraftInfo, path: Path) -> Path:
    """Write the draft document atomically to ``path``."""
    return atomic_write_bytes(path, render_draft(beeld, info))


def render_draft(beeld: Beeld, info: DraftInfo) -> bytes:
    document = docx.Document()
    _page_setup(document)
    _hide_id(document, info)
    document.add_heading(DOC_TITLE, level=0)
    document.add_heading(INSTRUCTIONS_HEADING, level=1)
    for text in instructions(info):
        document.add_paragraph(text)
    if beeld.title_suggestions:
        document.add_paragraph(
            "Titels die we voorstellen (kies er een of bedenk zelf een betere): "
            + " · ".join(beeld.title_suggestions)
        )

    document.add_heading(TITLE_HEADING, level=1)
    document.add_paragraph(beeld.title)
    for section in beeld.sections:
        document.add_heading(section.heading, level=2)
        paragraph = document.add_paragraph()
        for index, sentence in enumerate(section.sentences):
            run = paragraph.add_run(sentence.text if index == 0 else " " + sentence.text)
            if sentence.start is not None:
                stamp = format_timestamp(sentence.start, style="short")
                document.add_comment(run, text=f"[{stamp}]", author="goodwork", initials="GW")
    document.add_heading(QUOTE_HEADING, level=2)
    document.add_paragraph(beeld.quote)
    document.add_heading(QUESTION_HEADING, level=2)
    document.add_paragraph(beeld.closing_question)

    document.add_page_break()
    document.add_heading(CONSENT_HEADING, level=1)
    document.add_paragraph(CONSENT_EXPLANATION)
    _checkbox(document, APPROVE_LABEL, "approve")
    document.add_paragraph(CHANNELS_INTRO)
    for channel, label in CHANNEL_BOXES.items():
        _checkbox(document, label, f"channel:{channel.value}")
    document.add_paragraph(NAME_INTRO)
    for display, label in NAME_BOXES.items():
        _checkbox(document, label, f"name:{display.value}")
    document.add_paragraph(f"{SIGNATURE_LABEL} ")
    document.add_paragraph(f"{DATE_LABEL} ")

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{info.programme} · code {info.story_id} · versie {info.version}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.language = "nl-NL"


def _checkbox(document: docx.document.Document, label: str, tag: str) -> Paragraph:
    """A paragraph with a Word content-control checkbox followed by its label."""
    paragraph = document.add_paragraph()
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w', 'w14')}>"
        "<w:sdtPr>"
        '<w:rPr><w:rFonts w:ascii="Segoe UI Symbol" w:hAnsi="Segoe UI Symbol"/></w:rPr>'
        f'<w:tag w:val="{escape(tag)}"/>'
        f'<w:id w:val="{zlib.crc32(tag.encode()) % 2_000_000_000}"/>'
        "<w14:checkbox>"
        '<w14:checked w14:val="0"/>'
        '<w14:checkedState w14:val="2612" w14:font="Segoe UI Symbol"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="Segoe UI Symbol"/>'
        "</w14:checkbox>"
        "</w:sdtPr>"
        "<w:sdtContent><w:r>"
        '<w:rPr><w:rFonts w:ascii="Segoe UI Symbol" w:hAnsi="Segoe UI Symbol"/></w:rPr>'
        f"<w:t>{UNCHECKED}</w:t>"
        "</w:r></w:sdtContent>"
        "</w:sdt>"
    )
    paragraph._p.append(sdt)
    paragraph.add_run(f" {label}")
    return paragraph


def _hide_id(document: docx.document.Document, info: DraftInfo) -> None:
    document.core_properties.identifier = f"{IDENTIFIER_PREFIX}:{info.story_id}:v{info.version}"
    document.core_properties.title = DOC_TITLE
    package = document.part.package
    _add_custom_properties(
        package,
        {
            PROP_STORY: info.story_id,
            PROP_VERSION: str(info.version),
            PROP_WORDING: WORDING_VERSION,
        },
    )
    _add_custom_xml(document, info)


def _add_custom_properties(package: docx.opc.package.OpcPackage, values: dict[str, str]) -> None:
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
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _add_custom_xml(document: docx.document.Document, info: DraftInfo) -> None:
    package = document.part.package
    item = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<goodwork xmlns="{CUSTOM_XML_NS}"><story>{escape(info.story_id)}</story>'
        f"<version>{info.version}</version><wording>{WORDING_VERSION}</wording></goodwork>"
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
