"""Rendering an approved beeld into publishable forms: PDF (WeasyPrint) and platform texts.

Everything rendered starts from a ``PublicView``: the approved beeld with the name shown only
as the participant chose. Nothing here decides *whether* to publish; ``publish.py`` does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import TemplateError
from .models import Beeld, NameDisplay, Section, Sidecar

PUBLISH_TEMPLATES = "publish"
DEFAULT_HASHTAGS = ("#BeeldenVanGoedWerk",)
LINK_PLACEHOLDER = "[LINK]"
LINKEDIN_LIMIT = 3000

_MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


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
        return f"{self.date.day} {_MONTHS_NL[self.date.month - 1]} {self.date.year}"

    @property
    def opening(self) -> str:
        subject = self.who or (f"Een {self.role.lower()}" if self.role else "Een professional")
        return f"{subject} vertelt over een puzzel uit het werk: {self.title}"

    @property
    def summary(self) -> str:
        for key in ("puzzel", "deed"):
            for section in self.sections:
                if section.key == key and section.sentences:
                    return section.sentences[0].text
        return ""

    @property
    def keywords(self) -> list[str]:
        return [k for k in (self.programme, self.role, "goed werk") if k]


def display_name(participant: str | None, choice: NameDisplay) -> str | None:
    if not participant or choice == NameDisplay.ROLE:
        return None
    if choice == NameDisplay.FIRST:
        return participant.split()[0]
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
    def __init__(self, templates_dir: Path):
        self.templates_dir = templates_dir
        self.publish_dir = templates_dir / PUBLISH_TEMPLATES
        self._html = _environment(self.publish_dir, autoescape=True)
        self._text = _environment(self.publish_dir, autoescape=False)

    def html(self, view: PublicView) -> str:
        return _render(self._html, "beeld.html.j2", view=view)

    def pdf(self, view: PublicView) -> bytes:
        from weasyprint import HTML

        document = HTML(string=self.html(view), base_url=str(self.publish_dir) + "/")
        return document.write_pdf(pdf_identifier=False, uncompressed_pdf=False)

    def linkedin(self, view: PublicView, *, hashtags: tuple[str, ...] = DEFAULT_HASHTAGS) -> str:
        text = _render(
            self._text, "linkedin.txt.j2", view=view, hashtags=hashtags, link=LINK_PLACEHOLDER
        )
        text = "\n\n".join(part.strip() for part in text.split("\n\n") if part.strip()) + "\n"
        if len(text) > LINKEDIN_LIMIT:
            raise TemplateError(
                f"The LinkedIn text is {len(text)} characters, over LinkedIn's {LINKEDIN_LIMIT}."
            )
        return text


def _environment(folder: Path, *, autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
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
