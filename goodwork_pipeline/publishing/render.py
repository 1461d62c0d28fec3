"""Rendering an approved beeld into publishable forms: PDF, platform texts, website, cards.

Everything rendered starts from a ``PublicView``: the approved beeld, pseudonymised, with the
name shown only as the participant chose. Nothing here decides *whether* to publish;
``publish.py`` does. Templates live in ``templates/publish/`` (staff may copy and edit them).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import yaml

from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.publishing import platform_texts
from goodwork_pipeline.publishing.cards import Card, CardSpec, render_card
from goodwork_pipeline.publishing.platform_texts import (
    LINK_PLACEHOLDER,
    PLATFORM_BY_KEY,
    PlatformText,
    TextParts,
    hook,
    summary_sentences,
    tidy,
)
from goodwork_pipeline.publishing.raster import first_page_png
from goodwork_pipeline.publishing.view import SUMMARY_SECTIONS, PublicView

if TYPE_CHECKING:
    from goodwork_pipeline.consent.snapshot import SnapshotView

PUBLISH_TEMPLATES = "publish"
DEFAULT_HASHTAGS = ("#BeeldenVanGoedWerk",)
PDF_VARIANT = "pdf/ua-1"


class Renderer:
    def __init__(
        self,
        templates_dir: Path,
        *,
        hashtags: Sequence[str] = DEFAULT_HASHTAGS,
        link_length: int = platform_texts.DEFAULT_LINK_LENGTH,
    ):
        self.templates_dir = templates_dir
        self.publish_dir = templates_dir / PUBLISH_TEMPLATES
        self.hashtags = platform_texts.normalise_hashtags(hashtags)
        self.link_length = link_length
        self._html = _environment(self.publish_dir, autoescape=True)
        self._text = _environment(self.publish_dir, autoescape=False)

    @property
    def base_url(self) -> str:
        return str(self.publish_dir) + "/"

    def render_html(self, name: str, **context: object) -> str:
        return _render(self._html, name, **context)

    def render_text(self, name: str, **context: object) -> str:
        return _render(self._text, name, **context)

    # PDF -----------------------------------------------------------------------------------

    def html(self, view: PublicView) -> str:
        return self.render_html("beeld.html.j2", view=view)

    def pdf(self, view: PublicView) -> bytes:
        return self.pdf_from_html(self.html(view))

    def pdf_from_html(self, html: str) -> bytes:
        """A tagged PDF/UA-1 file; metadata come from the HTML head."""
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.base_url)
        return document.write_pdf(
            font_config=self.font_config(),
            pdf_variant=PDF_VARIANT,
            pdf_identifier=False,
            uncompressed_pdf=False,
        )

    def font_config(self) -> object:
        """A WeasyPrint font configuration with only the shipped fonts (see fonts.py)."""
        from goodwork_pipeline.publishing.fonts import font_configuration, fonts_dir_of

        return font_configuration(fonts_dir_of(self.templates_dir))

    def page_preview(self, pdf: bytes, width: int) -> bytes:
        """Page 1 of ``pdf`` as a PNG ``width`` pixels wide."""
        return first_page_png(pdf, width)

    # Cards and consent snapshots -----------------------------------------------------------

    def card(self, view: PublicView, spec: CardSpec) -> Card:
        """A quote card (PNG) with its alt text, the font size fitted to the quote."""
        return render_card(self, view, spec)

    def snapshot_pdf(self, view: SnapshotView) -> bytes:
        """The PDF snapshot of one consent ledger entry (kept in the workspace)."""
        from goodwork_pipeline.consent.snapshot import render_snapshot

        return render_snapshot(view, self.templates_dir)

    # Platform texts ------------------------------------------------------------------------

    def platform_text(self, view: PublicView, platform: str, *, link: bool) -> PlatformText:
        """The text for ``platform`` (linkedin, x, instagram, bluesky), within its limit.

        ``link`` says whether there is a page to link to (the website channel).
        """
        spec = PLATFORM_BY_KEY[platform]
        parts = TextParts(
            opening=hook(view.openings) if spec.key == "linkedin" else view.opening,
            quote=view.quote.strip() or None,
            credit=view.credit,
            summary=summary_sentences(view.sentences(SUMMARY_SECTIONS), spec.summary_words),
            question=view.closing_question.strip() or None,
            link=LINK_PLACEHOLDER if link else None,
            hashtags=self.hashtags,
        )

        def render(selected: TextParts) -> str:
            return tidy(self.render_text(spec.template, p=selected, view=view))

        return platform_texts.fit(spec, parts, render, link_length=self.link_length)

    def linkedin(self, view: PublicView, *, link: bool = True) -> str:
        return self.platform_text(view, "linkedin", link=link).text

    # Website -------------------------------------------------------------------------------

    def website_html(self, view: PublicView) -> str:
        """A semantic HTML fragment for a CMS: no inline styles, classes prefixed ``beeld-``."""
        return self.render_html("website.html.j2", view=view).strip() + "\n"

    def markdown(self, view: PublicView) -> str:
        """Markdown with YAML front matter (title, date, role, name as allowed, tags, excerpt)."""
        front: dict[str, object] = {"title": view.title, "date": view.date}
        if view.role:
            front["role"] = view.role
        if view.who:
            front["name"] = view.who
        if view.organisation:
            front["organisation"] = view.organisation
        front["programme"] = view.programme
        front["tags"] = [tag.lstrip("#") for tag in self.hashtags]
        front["excerpt"] = view.excerpt
        buffer = io.StringIO()
        yaml.safe_dump(front, buffer, allow_unicode=True, sort_keys=False, width=1000)
        body = self.render_text("website.md.j2", view=view, md=markdown_escape)
        return f"---\n{buffer.getvalue()}---\n\n{tidy(body)}"


class SketchRenderer(Renderer):
    """A fast stand-in for tests that publish thousands of times: PDFs and images become
    plain-text sketches; platform texts, website HTML and Markdown are the real ones.

    A sketch holds everything the real file would be made from (the PDF's full HTML, head and
    metadata included; a card's text, credit and alt text), so a scan of a sketch for a
    name finds it whenever the real file could show it. Use the real ``Renderer`` to test
    what the files look like.
    """

    PDF = b"%SKETCH-PDF\n"
    PNG = b"SKETCH-PNG\n"

    def pdf_from_html(self, html: str) -> bytes:
        return self.PDF + html.encode("utf-8")

    def page_preview(self, pdf: bytes, width: int) -> bytes:
        return self.PNG + f"page 1 at {width} px of\n".encode() + pdf

    def card(self, view: PublicView, spec: CardSpec) -> Card:
        from goodwork_pipeline.publishing.cards import Fit, alt_text, card_text

        text = card_text(view)
        described = alt_text(text, view)
        sketch = "\n".join(
            str(part) for part in (spec.name, text.quote, text.credit, text.title, described)
        )
        box = (0.0, 0.0, float(spec.width), float(spec.height))
        return Card(
            spec,
            self.PNG + sketch.encode(),
            self.PDF + sketch.encode(),
            described,
            text,
            Fit(size=0, quote_box=box, area_box=box),
        )

    def snapshot_pdf(self, view: SnapshotView) -> bytes:
        return self.PDF + repr(view).encode("utf-8")


def markdown_escape(text: str) -> str:
    """Escape what Markdown would read as markup, so the participant's words stay words."""
    out = []
    for char in text:
        if char in "\\`*_[]<>|":
            out.append("\\" + char)
        else:
            out.append(char)
    escaped = "".join(out)
    # A line starting with '#', '>', '-', '+' or 'digits.' would become a heading, quote or list.
    if escaped[:1] in "#>-+":
        escaped = "\\" + escaped
    head, dot, rest = escaped.partition(". ")
    if dot and head.isdigit():
        escaped = f"{head}\\. {rest}"
    return escaped


def _environment(folder: Path, *, autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(env: jinja2.Environment, name: str, **context: object) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"Template {name} is missing from {env.loader.searchpath[0]}; "  # type: ignore[union-attr]
            "restore it or point 'templates' at a complete folder."
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Template {name} is broken: {exc}") from exc
