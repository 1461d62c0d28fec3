"""Build ``templates/draft.docx``: the styles of the participant's draft, and nothing else.

Staff restyle drafts by opening ``templates/draft.docx`` in Word or LibreOffice, changing
the styles listed in ``STYLES`` (fonts, colours, spacing, margins, a logo in the header) and
saving it; the code only picks styles by name. This script makes the committed original:

    .venv/bin/python -m goodwork_pipeline.drafting.draft_template templates/draft.docx

It starts from python-docx's default template and drops what does not belong in a
participant's document: the stale thumbnail, the bibliography custom XML part, Word 2010's
duplicate styles part, python-docx's name in the metadata, and the 150 styles no draft uses.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from goodwork_pipeline.files import atomic_write_bytes

TEMPLATE_FILE = "draft.docx"

# Colours: deep teal for headings, warm terracotta accents, sand for the instructions box.
TEAL = "1F5C5B"
TERRACOTTA = "B4532A"
INK = "2A2A2A"
GREY = "6B6B6B"
SAND = "F4EEE4"
BODY_FONT = "Calibri"
DISPLAY_FONT = "Cambria"

# Paragraph styles the draft uses: (name, based on, run properties, paragraph properties).
STYLES: dict[str, tuple[str | None, str, str]] = {
    "Normal": (
        None,
        f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:cs="{BODY_FONT}"/>'
        f'<w:color w:val="{INK}"/><w:sz w:val="22"/><w:szCs w:val="22"/>'
        '<w:lang w:val="nl-NL"/>',
        '<w:spacing w:after="140" w:line="300" w:lineRule="auto"/>',
    ),
    "Title": (
        "Normal",
        f'<w:rFonts w:ascii="{DISPLAY_FONT}" w:hAnsi="{DISPLAY_FONT}"/>'
        f'<w:color w:val="{TEAL}"/><w:sz w:val="56"/><w:szCs w:val="56"/>',
        '<w:spacing w:before="0" w:after="60" w:line="240" w:lineRule="auto"/>',
    ),
    "Subtitle": (
        "Normal",
        f'<w:color w:val="{GREY}"/><w:sz w:val="22"/><w:szCs w:val="22"/>',
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="8" '
        f'w:color="{TERRACOTTA}"/></w:pBdr><w:spacing w:after="360"/>',
    ),
    "Heading 1": (
        "Normal",
        f'<w:rFonts w:ascii="{DISPLAY_FONT}" w:hAnsi="{DISPLAY_FONT}"/>'
        f'<w:color w:val="{TEAL}"/><w:sz w:val="34"/><w:szCs w:val="34"/>',
        '<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/>'
        '<w:outlineLvl w:val="0"/>',
    ),
    "Heading 2": (
        "Normal",
        f'<w:b/><w:bCs/><w:color w:val="{TERRACOTTA}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
        '<w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="80"/>'
        '<w:outlineLvl w:val="1"/>',
    ),
    "Quote": (
        "Normal",
        f'<w:rFonts w:ascii="{DISPLAY_FONT}" w:hAnsi="{DISPLAY_FONT}"/><w:i/><w:iCs/>'
        f'<w:color w:val="{TEAL}"/><w:sz w:val="30"/><w:szCs w:val="30"/>',
        f'<w:pBdr><w:left w:val="single" w:sz="24" w:space="12" w:color="{TERRACOTTA}"/></w:pBdr>'
        '<w:spacing w:before="120" w:after="200" w:line="288" w:lineRule="auto"/>'
        '<w:ind w:left="340"/>',
    ),
    "Footer": (
        "Normal",
        f'<w:color w:val="{GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/>',
        '<w:spacing w:after="0"/><w:jc w:val="center"/>',
    ),
    "List Bullet": (
        "Normal",
        "",
        '<w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="80"/>'
        '<w:ind w:left="567" w:hanging="283"/>',
    ),
    # The draft's own styles.
    "Toelichting": (
        "Normal",
        '<w:sz w:val="21"/><w:szCs w:val="21"/>',
        (
            f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="10" w:color="{SAND}"/>'
            f'<w:left w:val="single" w:sz="4" w:space="10" w:color="{SAND}"/>'
            f'<w:bottom w:val="single" w:sz="4" w:space="10" w:color="{SAND}"/>'
            f'<w:right w:val="single" w:sz="4" w:space="10" w:color="{SAND}"/></w:pBdr>'
            f'<w:shd w:val="clear" w:color="auto" w:fill="{SAND}"/>'
            '<w:spacing w:after="120"/><w:ind w:left="227" w:right="227"/>'
        ),
    ),
    "Beeldtitel": (
        "Normal",
        f'<w:rFonts w:ascii="{DISPLAY_FONT}" w:hAnsi="{DISPLAY_FONT}"/>'
        f'<w:color w:val="{INK}"/><w:sz w:val="44"/><w:szCs w:val="44"/>',
        '<w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>',
    ),
    "Beeldtekst": (
        "Normal",
        '<w:sz w:val="23"/><w:szCs w:val="23"/>',
        '<w:spacing w:after="160" w:line="312" w:lineRule="auto"/>',
    ),
    "Slotvraag": (
        "Normal",
        f'<w:i/><w:iCs/><w:color w:val="{TEAL}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
        '<w:spacing w:after="160"/>',
    ),
    "Keuze": (
        "Normal",
        '<w:sz w:val="23"/><w:szCs w:val="23"/>',
        '<w:spacing w:before="40" w:after="100"/><w:ind w:left="567" w:hanging="397"/>',
    ),
    "Keuzevraag": (
        "Normal",
        f'<w:b/><w:bCs/><w:color w:val="{TEAL}"/>',
        '<w:keepNext/><w:spacing w:before="240" w:after="100"/>',
    ),
    "Invulregel": (
        "Normal",
        "",
        '<w:tabs><w:tab w:val="left" w:leader="dot" w:pos="8500"/></w:tabs>'
        '<w:spacing w:before="320" w:after="0"/>',
    ),
}
CHARACTER_STYLES = ("Default Paragraph Font",)
_DOC_DEFAULTS = (
    f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
    f'<w:rFonts w:ascii="{BODY_FONT}" w:eastAsia="{BODY_FONT}" w:hAnsi="{BODY_FONT}" '
    f'w:cs="{BODY_FONT}"/><w:sz w:val="22"/><w:szCs w:val="22"/>'
    '<w:lang w:val="nl-NL" w:eastAsia="en-US" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
)
KEEP = {"Normal Table", "No List", "annotation text", "annotation reference"}


def build_template() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.4)
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.0)
    section.footer_distance = Cm(1.0)
    _styles(document)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    core = document.core_properties
    core.author = core.last_modified_by = core.comments = core.title = ""
    core.language = "nl-NL"
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _strip_package(buffer.getvalue())


def _styles(document: docx.document.Document) -> None:
    styles = document.styles
    for name, (based_on, rpr, ppr) in STYLES.items():
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.quick_style = True
        if based_on:
            style.base_style = styles[based_on]
        element = style.element
        for tag in ("w:pPr", "w:rPr"):
            for old in element.findall(qn(tag)):
                element.remove(old)
        element.append(parse_xml(f"<w:pPr {nsdecls('w')}>{ppr}</w:pPr>"))
        element.append(parse_xml(f"<w:rPr {nsdecls('w')}>{rpr}</w:rPr>"))
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.element.remove(defaults)
    styles.element.insert(0, parse_xml(_DOC_DEFAULTS))
    wanted = {n.lower() for n in (*STYLES, *CHARACTER_STYLES, *KEEP)}
    for element in list(styles.element.findall(qn("w:style"))):
        name = element.find(qn("w:name")).get(qn("w:val"))
        if name.lower() not in wanted:
            styles.element.remove(element)
        else:
            link = element.find(qn("w:link"))
            if link is not None:
                element.remove(link)  # the linked character styles are gone


def _strip_package(data: bytes) -> bytes:
    """Drop the parts python-docx's default template carries that a draft does not need."""
    drop = {
        "docProps/thumbnail.jpeg",
        "word/stylesWithEffects.xml",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
        "customXml/_rels/item1.xml.rels",
    }
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b'<Override PartName="/word/stylesWithEffects.xml" ContentType="application/'
                    b'vnd.ms-word.stylesWithEffects+xml"/>',
                    b"",
                )
                content = content.replace(
                    b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.customXmlProperties+xml"/>',
                    b"",
                )
                content = content.replace(
                    b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b""
                )
            elif info.filename.endswith(".rels"):
                content = _drop_relationships(
                    content, ("thumbnail", "stylesWithEffects", "customXml")
                )
            elif info.filename == "docProps/app.xml":
                content = _APP_XML
            # Fixed timestamps keep the committed template byte-stable.
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def _drop_relationships(content: bytes, markers: tuple[str, ...]) -> bytes:
    from lxml import etree

    root = etree.fromstring(content)
    for rel in list(root):
        target = rel.get("Target", "") + rel.get("Type", "")
        if any(marker in target for marker in markers):
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    b'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>draft.docx</Template><Application>goodwork-pipeline</Application>"
    b"<DocSecurity>0</DocSecurity></Properties>"
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("templates") / TEMPLATE_FILE
    atomic_write_bytes(target, build_template())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
