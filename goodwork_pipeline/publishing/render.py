"""Rendering an approved beeld into publishable forms: PDF, platform texts, website, cards.

Everything rendered starts from a ``PublicView``: the approved beeld, pseudonymised, with the
name shown only as the participant chose. Nothing here decides *whether* to publish;
``publish.py`` does. Templates live in ``templates/publish/`` (staff may copy and edit them).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import yaml

from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.models import Beeld, NameDisplay, Section, Sidecar
from goodwork_pipeline.own_name import parse
from goodwork_pipeline.publishing import platform_texts
from goodwork_pipeline.publishing.platform_texts import (
    LINK_PLACEHOLDER,
    PLATFORM_BY_KEY,
    PlatformText,
    TextParts,
    hook,
    summary_sentences,
    tidy,
)
from goodwork_pipeline.text_nl import date_nl

if TYPE_CHECKING:
    from goodwork_pipeline.consent.snapshot import SnapshotView
    from goodwork_pipeline.publishing.cards import Card, CardSpec

PUBLISH_TEMPLATES = "publish"
DEFAULT_HASHTAGS = ("#BeeldenVanGoedWerk",)
PDF_VARIANT = "pdf/ua-1"
SUMMARY_SECTIONS = ("puzzel", "deed")


@dataclass(frozen=True)
class PublicView:
    """Exactly what may be shown publicly about one beeld."""

    title: str
    who: str | None
    role: str | None
    organisation: str | None
    sections: tuple[Section, ...]
    quote: str
    closing_question: str
    programme: str
    date: dt.date

    @property
    def date_nl(self) -> str:
        return date_nl(self.date)

    @property
    def subject(self) -> str:
        """Who tells this beeld, as a sentence subject: a name, or a role."""
        if self.who:
            return self.who
        return f"Een {self.role.lower()}" if self.role else "Een professional"

    @property
    def credit(self) -> str | None:
        """The line under a quote: name and role as allowed."""
        parts = [p for p in (self.who, self.role.lower() if self.who and self.role else None) if p]
        if parts:
            return ", ".join(parts)
        return self.role

    @property
    def context(self) -> str:
        """Role and organisation, as far as shown: 'Teammanager · Zorggroep De Linde'."""
        return " · ".join(p for p in (self.role, self.organisation) if p)

    @property
    def opening(self) -> str:
        return f"{self.subject} vertelt over een puzzel uit het werk: {self.title}"

    @property
    def openings(self) -> tuple[str, ...]:
        """Opening lines from richest to shortest, for platforms that need a short hook."""
        return (self.opening, f"{self.subject} over {self.title}", self.title)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def sentences(self, keys: Sequence[str]) -> list[str]:
        found = []
        for key in keys:
            section = self.section(key)
            if section is not None:
                found += [s.text for s in section.sentences if s.text.strip()]
        return found

    @property
    def summary(self) -> str:
        return " ".join(summary_sentences(self.sentences(SUMMARY_SECTIONS), 40))

    @property
    def excerpt(self) -> str:
        return self.quote or self.summary

    @property
    def keywords(self) -> list[str]:
        return [k for k in (self.programme, self.role, "goed werk") if k]


def display_name(participant: str | None, choice: NameDisplay) -> str | None:
    if not participant or choice == NameDisplay.ROLE:
        return None
    if choice == NameDisplay.FIRST:
        # the given name itself: not a title ("Dr."), not initials ("A.M."); none: no name
        return parse(participant).first
    return participant


def public_view(
    beeld: Beeld,
    sidecar: Sidecar,
    name_display: NameDisplay,
    *,
    programme: str,
    date: dt.date,
) -> PublicView:
    return PublicView(
        title=beeld.title,
        who=display_name(sidecar.participant, name_display),
        role=sidecar.role,
        organisation=sidecar.organisation if name_display != NameDisplay.ROLE else None,
        sections=beeld.sections,
        quote=beeld.quote,
        closing_question=beeld.closing_question,
        programme=programme,
        date=date,
    )


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
        from goodwork_pipeline.publishing.publish import first_page_png

        return first_page_png(pdf, width)

    # Cards and consent snapshots -----------------------------------------------------------

    def card(self, view: PublicView, spec: CardSpec) -> Card:
        """A quote card (PNG) with its alt text, the font size fitted to the quote."""
        from goodwork_pipeline.publishing.cards import render_card

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
        from goodwork_pipeline.publishing.cards import Card, Fit, alt_text, card_text

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
