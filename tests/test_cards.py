"""Quote cards: exact sizes, the quote always inside its area, alt text for every card."""

import dataclasses
import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.publishing.cards import ALT_TEXT_LIMIT, CARDS, ELLIPSIS, render_card
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import public_view
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.sample_beelden import ANNA, quote_of

PT_PER_PX = 72 / 96


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(bundled_templates_dir())


def view_with(quote: str):
    view = public_view(
        ANNA.beeld,
        ANNA.sidecar,
        NameDisplay.FIRST,
        programme="Beelden van Goed Werk",
        date=dt.date(2026, 3, 12),
    )
    return dataclasses.replace(view, quote=quote)


def quote_char_boxes(pdf: bytes, first_word: str, last_word: str):
    """Where the quote's glyphs landed in the card's PDF (pdfium's own text positions)."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text_page = page.get_textpage()
    text = text_page.get_text_range()
    start = text.index(first_word)
    end = text.rindex(last_word) + len(last_word)
    boxes = []
    for i in range(start, end):
        if text[i].isspace() or text[i] in "\x02\ufffe-":
            continue
        # loose: the glyph's advance and the font's line box, as layout places it (an italic
        # letter's ink may lean a little past it, which is why the card has margins)
        loose = text_page.get_charbox(i, loose=True)
        ink = text_page.get_charbox(i)
        boxes.append((text[i], loose, ink))
    size = page.get_size()
    document.close()
    return boxes, size


@pytest.mark.parametrize("spec", CARDS, ids=lambda s: s.name)
@pytest.mark.parametrize("words", [5, 60])
def test_the_quote_never_overflows_its_area(renderer, spec, words) -> None:
    quote = quote_of(words)
    card = render_card(renderer, view_with(quote), spec)
    assert card.fit.inside and not card.text.shortened
    assert card.text.quote == quote
    # Independently of the layout tree: every glyph pdfium finds lies inside the quote area.
    x0, y0, x1, y1 = (v * PT_PER_PX for v in card.fit.area_box)
    boxes, (width, height) = quote_char_boxes(
        card.pdf, quote.split()[0], quote.split()[-1].rstrip(".")
    )
    assert len(boxes) >= len(quote.replace(" ", "")) * 0.9
    overhang = 0.15 * card.fit.size * PT_PER_PX  # an italic j or g leans past its advance
    for char, (left, bottom, right, top), ink in boxes:
        assert x0 - overhang <= left and right <= x1 + overhang, char
        assert height - y1 - 1 <= bottom and top <= height - y0 + 1, char
        assert ink[0] >= 0 and ink[2] <= width and ink[1] >= 0 and ink[3] <= height, char
    image = Image.open(io.BytesIO(card.png))
    assert image.format == "PNG" and image.size == (spec.width, spec.height)


def test_short_quotes_get_large_type_long_ones_smaller(renderer) -> None:
    for spec in CARDS:
        short = render_card(renderer, view_with(quote_of(5)), spec)
        long = render_card(renderer, view_with(quote_of(60)), spec)
        assert short.fit.size == spec.sizes[0]  # five words: the largest size
        assert long.fit.size < short.fit.size


def test_a_quote_too_long_for_any_size_is_shortened_by_whole_sentences(renderer) -> None:
    sentences = [
        f"Dit is zin {i} van een citaat dat veel te lang is voor een kaart." for i in range(80)
    ]
    card = render_card(renderer, view_with(" ".join(sentences)), CARDS[2])
    assert card.fit.inside and card.text.shortened
    assert card.text.quote.endswith(ELLIPSIS)
    kept = card.text.quote.removesuffix(ELLIPSIS).strip()
    assert kept in " ".join(sentences) and kept.endswith(".")


def test_alt_text_says_what_the_card_shows_within_the_limit(renderer) -> None:
    card = render_card(renderer, view_with(quote_of(60)), CARDS[0])
    assert quote_of(60) in card.alt_text and "Anna, teammanager" in card.alt_text
    assert len(card.alt_text) <= ALT_TEXT_LIMIT
    huge = render_card(renderer, view_with(" ".join([quote_of(30)] * 20)), CARDS[0])
    assert len(huge.alt_text) <= ALT_TEXT_LIMIT
