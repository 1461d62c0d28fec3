"""Quote cards: PNG images with the beeld's quote, sized for social media and the website.

A card is an HTML/CSS page (``templates/publish/card.html.j2`` and ``card.css``) laid out by
WeasyPrint and rasterised with pypdfium2. The quote's font size is fitted: the template is
laid out once with one page per candidate size, and the largest size whose text box lies
inside the quote area (measured in WeasyPrint's layout tree, height and every line's width)
is kept. A quote too long even at the smallest legible size is shortened by whole sentences
(marked "[…]"); as a last resort the card shows the title. Each card has alt text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import regex

from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.publishing.raster import first_page_png
from goodwork_pipeline.publishing.view import PublicView


class Renderer(Protocol):
    """What a card needs from the renderer (``render.Renderer``): its HTML templates, the
    folder they refer to, and the shipped fonts."""

    def render_html(self, name: str, **context: object) -> str: ...

    @property
    def base_url(self) -> str: ...

    def font_config(self) -> object: ...


ALT_TEXT_LIMIT = 1000
TITLE_ON_CARD_MAX = 70
ELLIPSIS = "[…]"

_SENTENCES = regex.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class CardSpec:
    kind: str
    width: int
    height: int
    sizes: tuple[int, ...]
    """Candidate font sizes in CSS px, largest first; the last is the smallest legible."""
    area: tuple[int, int]
    """Roughly the quote area (card.css) in px: only to guess where to start measuring."""

    @property
    def name(self) -> str:
        return f"kaart-{self.width}x{self.height}"


def _sizes(largest: int, smallest: int) -> tuple[int, ...]:
    sizes = []
    size = float(largest)
    while size > smallest:
        sizes.append(round(size))
        size *= 0.9
    return (*sizes, smallest)


SQUARE = CardSpec("square", 1080, 1080, _sizes(112, 30), (888, 580))
PORTRAIT = CardSpec("portrait", 1080, 1350, _sizes(120, 30), (888, 780))
LANDSCAPE = CardSpec("landscape", 1200, 627, _sizes(84, 24), (1056, 329))
PROBES = 3  # font sizes laid out together per try
CARDS = (SQUARE, PORTRAIT, LANDSCAPE)


@dataclass(frozen=True)
class CardText:
    """What a card shows."""

    quote: str
    credit: str | None
    title: str | None
    programme: str
    shortened: bool = False


@dataclass(frozen=True)
class Fit:
    size: int
    quote_box: tuple[float, float, float, float]
    """The laid-out quote text (x0, y0, x1, y1) in CSS px from the card's top left."""
    area_box: tuple[float, float, float, float]
    """The area the quote must stay inside, same units."""

    @property
    def inside(self) -> bool:
        qx0, qy0, qx1, qy1 = self.quote_box
        ax0, ay0, ax1, ay1 = self.area_box
        tolerance = 0.5
        return (
            qx0 >= ax0 - tolerance
            and qy0 >= ay0 - tolerance
            and qx1 <= ax1 + tolerance
            and qy1 <= ay1 + tolerance
        )


@dataclass(frozen=True)
class Card:
    spec: CardSpec
    png: bytes
    pdf: bytes
    alt_text: str
    text: CardText
    fit: Fit


def card_text(view: PublicView) -> CardText:
    title = view.title if len(view.title) <= TITLE_ON_CARD_MAX else None
    return CardText(
        quote=view.quote.strip() or view.title,
        credit=view.credit,
        title=title,
        programme=view.programme,
    )


def shorter_quotes(quote: str) -> Iterator[str]:
    """The quote, then ever fewer whole sentences of it, each marked as shortened."""
    yield quote
    sentences = _SENTENCES.split(quote.strip())
    for keep in range(len(sentences) - 1, 0, -1):
        yield " ".join(sentences[:keep]) + " " + ELLIPSIS


def render_card(renderer: Renderer, view: PublicView, spec: CardSpec) -> Card:
    base = card_text(view)
    found = _fit(renderer, base, spec)
    if found is None:
        found = _fit_shortened(renderer, view, base, spec)
    if found is None:
        raise TemplateError(
            f"The {spec.name} card cannot hold even the title at the smallest font size; "
            "check templates/publish/card.css."
        )
    text, (document, page, fit) = found
    pdf = document.copy([page]).write_pdf()
    return Card(spec, rasterise(pdf, spec), pdf, alt_text(text, view), text, fit)


def _fit(renderer: Renderer, text: CardText, spec: CardSpec):
    found = fitted_size(renderer, text, spec)
    return (text, found) if found is not None else None


def _fit_shortened(renderer: Renderer, view: PublicView, base: CardText, spec: CardSpec):
    """Too long at any size: keep as many whole sentences as fit (binary search), or the title."""
    candidates = list(shorter_quotes(base.quote))[1:]

    def variant(quote: str, *, is_title: bool = False) -> CardText:
        title = None if is_title else base.title
        return dataclasses.replace(base, quote=quote, title=title, shortened=True)

    def fits_smallest(index: int) -> bool:
        _document, fits = layout(renderer, variant(candidates[index]), spec, spec.sizes[-1:])
        return fits[0].inside

    low, high = 0, len(candidates) - 1  # candidates[0] keeps the most sentences
    best = None
    while low <= high:
        middle = (low + high) // 2
        if fits_smallest(middle):
            best, high = middle, middle - 1
        else:
            low = middle + 1
    if best is not None:
        found = _fit(renderer, variant(candidates[best]), spec)
        if found is not None:
            return found
    return _fit(renderer, variant(view.title, is_title=True), spec)


def estimated_index(text: CardText, spec: CardSpec) -> int:
    """Where in ``spec.sizes`` the fitting size probably is (average glyph 0.46 em wide)."""
    width, height = spec.area
    estimate = (width * height / (max(len(text.quote), 1) * 0.46 * 1.22)) ** 0.5
    return min(range(len(spec.sizes)), key=lambda i: abs(spec.sizes[i] - estimate))


def fitted_size(renderer: Renderer, text: CardText, spec: CardSpec):
    """The largest candidate size whose quote fits: (document, page, fit), or None.

    Larger text never fits where smaller did not, so this searches the sorted sizes, a few
    at a time from the estimate: up while everything fits, down while nothing does.
    """
    sizes = spec.sizes
    start = max(0, min(estimated_index(text, spec) - 1, len(sizes) - PROBES))
    tried: dict[int, bool] = {}
    best = None
    while True:
        window = [i for i in range(start, min(start + PROBES, len(sizes))) if i not in tried]
        if not window:
            return best
        document, fits = layout(renderer, text, spec, [sizes[i] for i in window])
        for i, page, fit in zip(window, document.pages, fits, strict=True):
            tried[i] = fit.inside
            if fit.inside and (best is None or sizes[i] > best[2].size):
                best = (document, page, fit)
        larger_fits = tried.get(window[0] - 1)
        if fits[0].inside and window[0] > 0 and larger_fits is None:
            start = max(0, window[0] - PROBES)  # all fit so far: try larger sizes
        elif not fits[-1].inside and window[-1] < len(sizes) - 1:
            start = window[-1] + 1  # the smallest tried did not fit: try smaller ones
        else:
            return best


def layout(renderer: Renderer, text: CardText, spec: CardSpec, sizes: Sequence[int] = ()):
    """Lay the card out at every candidate size at once; measure the quote on each page."""
    from weasyprint import HTML

    sizes = tuple(sizes) or spec.sizes
    html = renderer.render_html("card.html.j2", card=text, spec=spec, sizes=sizes)
    document = HTML(string=html, base_url=renderer.base_url).render(
        font_config=renderer.font_config()
    )
    return document, [
        _measure(page, size) for page, size in zip(document.pages, sizes, strict=True)
    ]


def _measure(page, size: int) -> Fit:
    quote = area = None
    for box in _descendants(page._page_box):
        classes = (box.element.get("class") or "").split() if box.element is not None else []
        if quote is None and "quote-text" in classes and box.element_tag == "p":
            quote = box
        elif area is None and "quote-area" in classes:
            area = box
    if quote is None or area is None:
        raise TemplateError(
            "card.html.j2 must contain an element with class 'quote-area' holding a <p> with "
            "class 'quote-text'; restore the template."
        )
    x0 = area.content_box_x()
    y0 = area.content_box_y()
    area_box = (x0, y0, x0 + area.width, y0 + area.height)
    # The quote's own box may be clamped to the area (flex); its lines are where text is.
    lines = [line for line in quote.children if line.children]
    if not lines:
        return Fit(size, (x0, y0, x0, y0), area_box)
    left = min(line.position_x for line in lines)
    top = min(line.position_y for line in lines)
    bottom = max(line.position_y + line.margin_height() for line in lines)
    right = max(
        child.position_x + child.margin_width()
        for line in lines
        for child in _descendants(line)
        if hasattr(child, "text")
    )
    quote_box = (left, top, right, bottom)
    return Fit(size, quote_box, area_box)


def _descendants(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def rasterise(pdf: bytes, spec: CardSpec) -> bytes:
    """The one-page PDF as a PNG of exactly the card's size in pixels."""
    return first_page_png(pdf, spec.width, spec.height)


def alt_text(text: CardText, view: PublicView) -> str:
    """What the card shows, for people who cannot see it (at most 1,000 characters)."""
    said = f"“{text.quote}”" + (f" — {text.credit}" if text.credit else "")
    options = [
        f"Citaatkaart van {text.programme}. {said}. Uit het beeld ‘{view.title}’.",
        f"Citaatkaart van {text.programme}. {said}.",
        f"Citaatkaart van {text.programme}: “{text.quote}”",
    ]
    for option in options:
        if len(option) <= ALT_TEXT_LIMIT:
            return option
    sentences = _SENTENCES.split(text.quote)
    while sentences:
        option = f"Citaatkaart van {text.programme}: “{' '.join(sentences)} {ELLIPSIS}”"
        if len(option) <= ALT_TEXT_LIMIT:
            return option
        sentences.pop()
    return f"Citaatkaart van {text.programme} met een citaat uit een beeld van goed werk."
