"""What may be shown publicly about one beeld: the public view every output is made from.

The participant's name appears only as their choice allows (``display_name``); the
organisation only when the name may be shown at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from goodwork_pipeline.models import Beeld, NameDisplay, Section, Sidecar
from goodwork_pipeline.own_name import parse
from goodwork_pipeline.publishing.platform_texts import summary_sentences
from goodwork_pipeline.text_nl import date_nl

SUMMARY_SECTIONS = ("puzzel", "deed")  # the sections a summary is made from


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
