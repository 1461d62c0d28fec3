"""The draft's consent form, under its heading ``Jouw toestemming``.

The explanation, then the three questions (approve the text; the channels it may be shared
in; how the name is shown), each answer a paragraph of a real Word content-control checkbox
followed by exactly its label from ``consent_wording.py`` (the reader of returned drafts
matches the labels), and the lines for a signature and a date.
"""

from __future__ import annotations

import zlib
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from goodwork_pipeline.consent_wording import (
    APPROVE_HEADING,
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CHANNELS_INTRO,
    CONSENT_EXPLANATION,
    DATE_LABEL,
    NAME_BOXES,
    NAME_INTRO,
    SIGNATURE_LABEL,
)

CHECKED = "☒"
UNCHECKED = "☐"
BOX_FONT = "Segoe UI Symbol"


def add_consent_form(document: docx.document.Document) -> None:
    """The form's paragraphs, added after its heading."""
    document.add_paragraph(CONSENT_EXPLANATION, style="Toelichting")
    document.add_paragraph(APPROVE_HEADING, style="Keuzevraag")
    _checkbox(document, APPROVE_LABEL, "approve")
    document.add_paragraph(CHANNELS_INTRO, style="Keuzevraag")
    for channel, label in CHANNEL_BOXES.items():
        _checkbox(document, label, f"channel:{channel.value}")
    document.add_paragraph(NAME_INTRO, style="Keuzevraag")
    for display, label in NAME_BOXES.items():
        _checkbox(document, label, f"name:{display.value}")
    document.add_paragraph(f"{SIGNATURE_LABEL}\t", style="Invulregel")
    document.add_paragraph(f"{DATE_LABEL}\t", style="Invulregel")


def _checkbox(document: docx.document.Document, label: str, tag: str) -> Paragraph:
    """A paragraph with a Word content-control checkbox followed by its label."""
    paragraph = document.add_paragraph(style="Keuze")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w', 'w14')}>"
        "<w:sdtPr>"
        f'<w:rPr><w:rFonts w:ascii="{BOX_FONT}" w:hAnsi="{BOX_FONT}"/><w:sz w:val="28"/></w:rPr>'
        f'<w:alias w:val="{escape(label)}"/>'
        f'<w:tag w:val="{escape(tag)}"/>'
        f'<w:id w:val="{zlib.crc32(tag.encode()) % 2_000_000_000}"/>'
        "<w14:checkbox>"
        '<w14:checked w14:val="0"/>'
        f'<w14:checkedState w14:val="2612" w14:font="{BOX_FONT}"/>'
        f'<w14:uncheckedState w14:val="2610" w14:font="{BOX_FONT}"/>'
        "</w14:checkbox>"
        "</w:sdtPr>"
        "<w:sdtContent><w:r>"
        f'<w:rPr><w:rFonts w:ascii="{BOX_FONT}" w:hAnsi="{BOX_FONT}"/><w:sz w:val="28"/></w:rPr>'
        f"<w:t>{UNCHECKED}</w:t>"
        "</w:r></w:sdtContent>"
        "</w:sdt>"
    )
    paragraph._p.append(sdt)
    paragraph.add_run(f"\t{label}")
    return paragraph
