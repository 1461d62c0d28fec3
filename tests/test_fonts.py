"""Rendering uses only the fonts the templates ship and pyphen's own hyphenation patterns.

Whatever font packages the machine has, a PDF or card is laid out with templates/fonts; CI
installs extra font packages (scripts/setup) so that a leak to system fonts shows here and in
the golden PDF test.
"""

import ctypes
from pathlib import Path

import pyphen
import pytest

from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.publishing.fonts import font_configuration, shipped_fonts
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.settings import bundled_templates_dir

SHIPPED = {"EB-Garamond", "EB-Garamond-Italic", "EB-Garamond-Bold", "Inter", "Inter-Italic"}
SHIPPED |= {"Inter-Semi-Bold", "Inter-Bold"}


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of the fonts the PDF's text uses, without the subset prefix."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    names = set()
    document = pdfium.PdfDocument(data)
    for page in document:
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT]):
            font = raw.FPDFTextObj_GetFont(obj.raw)
            size = raw.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFFont_GetBaseFontName(font, buffer, size)
            names.add(buffer.value.decode().split("+", 1)[-1])
    return names


def page(style: str, text: str) -> str:
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>t</title>'
        f'<link rel="stylesheet" href="fonts.css"><style>p {{ {style} }}</style></head>'
        f"<body><p>{text}</p></body></html>"
    )


@pytest.mark.parametrize(
    "style",
    [
        'font-family: "DejaVu Sans", sans-serif',  # installed on every Debian machine
        'font-family: "Liberation Serif", "Noto Serif", serif',
        "font-family: monospace; font-weight: 300",
        'font-family: "EB Garamond"; font-weight: 600',  # a weight not shipped
    ],
)
def test_pdf_uses_only_shipped_fonts(style: str) -> None:
    renderer = Renderer(bundled_templates_dir())
    data = renderer.pdf_from_html(page(style, "Goed werk is luisteren ☐ ☒ → 日本"))
    used = embedded_fonts(data)
    assert used and used <= SHIPPED, used


def test_shipped_fonts_are_in_the_templates() -> None:
    fonts = shipped_fonts(bundled_templates_dir() / "fonts")
    assert len(fonts) == 7


def test_missing_fonts_folder_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="No fonts in"):
        font_configuration(tmp_path)


def test_hyphenation_comes_from_pyphens_own_dictionary() -> None:
    dictionary = Path(pyphen.LANGUAGES[pyphen.language_fallback("nl")])
    assert Path(pyphen.__file__).parent in dictionary.parents
    assert pyphen.Pyphen(lang="nl").inserted("autonomie") == "au-to-no-mie"
