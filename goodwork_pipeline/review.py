"""What a returned draft says: the participant's text and choices, and what that means.

``interpret`` splits a read document into the beeld (title, sections by heading, quote,
question) and the consent choices, against the draft version it came from. ``decide`` turns
that into one ``ReviewDecision`` value: approved with consent, approved without any channel,
not approved, an out-of-date version, contradictory choices, or not one of our documents.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from .consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CONSENT_HEADING,
    NAME_BOXES,
    SIGNATURE_LABEL,
)
from .draft_document import QUESTION_HEADING, QUOTE_HEADING, TITLE_HEADING
from .models import Beeld, Channel, ConsentChoices, NameDisplay, Section, Sentence
from .returned_document import Comment, Paragraph, RawDocument

_SPLIT = re.compile(r"(?<=[.!?…])\s+")
K = TypeVar("K")


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_NO_CHANNEL = "approved_no_channel"
    NOT_APPROVED = "not_approved"
    STALE = "stale_version"
    CONTRADICTORY = "contradictory"
    FOREIGN = "not_ours"
    UNREADABLE_STRUCTURE = "structure_lost"


@dataclass(frozen=True)
class ReturnedDraft:
    story_id: str | None
    version: int | None
    beeld: Beeld
    choices: ConsentChoices
    contradictions: tuple[str, ...]
    signer: str | None
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class ReviewDecision:
    outcome: Outcome
    story_id: str | None
    message: str
    message_nl: str
    returned: ReturnedDraft | None = None

    @property
    def publishable(self) -> bool:
        return self.outcome == Outcome.APPROVED


def interpret(raw: RawDocument, draft: Beeld) -> ReturnedDraft | None:
    """Read the beeld and the choices; ``None`` if the beeld's headings cannot be found."""
    paragraphs = list(raw.paragraphs)
    start = _find(paragraphs, TITLE_HEADING)
    end = _find(paragraphs, CONSENT_HEADING, start=(start or 0))
    if start is None or end is None:
        return None
    beeld = _beeld(paragraphs[start + 1 : end], draft)
    choices, contradictions = _choices(paragraphs[end + 1 :])
    signer = _after_label(paragraphs[end + 1 :], SIGNATURE_LABEL)
    return ReturnedDraft(
        story_id=raw.ids.story_id,
        version=raw.ids.version,
        beeld=beeld,
        choices=choices,
        contradictions=contradictions,
        signer=signer,
        comments=tuple(c for c in raw.comments if c.author != "goodwork"),
    )


def decide(returned: ReturnedDraft, *, current_version: int, file_name: str) -> ReviewDecision:
    story_id = returned.story_id
    if returned.version is not None and returned.version < current_version:
        return ReviewDecision(
            Outcome.STALE,
            story_id,
            f"{file_name} is draft version {returned.version} of {story_id}, but version "
            f"{current_version} is the current one; nothing was changed. Ask the participant "
            "to return the newest version.",
            f"{file_name} is versie {returned.version} van het concept, maar er is al een "
            f"nieuwere versie ({current_version}). Er is niets veranderd. Vraag de deelnemer "
            "de nieuwste versie terug te sturen.",
            returned,
        )
    if returned.contradictions:
        listed = "; ".join(returned.contradictions)
        return ReviewDecision(
            Outcome.CONTRADICTORY,
            story_id,
            f"{file_name} has contradictory choices ({listed}); nothing is published. "
            "Ask the participant which one they meant.",
            f"In {file_name} staan keuzes die elkaar tegenspreken ({listed}). Er wordt niets "
            "gedeeld. Vraag de deelnemer wat bedoeld is.",
            returned,
        )
    if not returned.choices.approved:
        return ReviewDecision(
            Outcome.NOT_APPROVED,
            story_id,
            f"{file_name}: the participant did not approve the text; nothing is published. "
            "Read their changes and comments, then make a new draft or get in touch.",
            f"{file_name}: de deelnemer heeft de tekst (nog) niet goedgekeurd. Er wordt niets "
            "gedeeld. Bekijk de wijzigingen en opmerkingen en neem contact op.",
            returned,
        )
    if not returned.choices.channels:
        return ReviewDecision(
            Outcome.APPROVED_NO_CHANNEL,
            story_id,
            f"{file_name}: text approved, but no channel ticked: nothing is published.",
            f"{file_name}: de tekst is goedgekeurd, maar er is geen plek aangekruist. Het "
            "beeld wordt nergens gedeeld.",
            returned,
        )
    channels = ", ".join(sorted(c.value for c in returned.choices.channels))
    return ReviewDecision(
        Outcome.APPROVED,
        story_id,
        f"{file_name}: text approved with consent for {channels}.",
        f"{file_name}: de tekst is goedgekeurd, met toestemming voor "
        f"{_channels_nl(returned.choices.channels)}.",
        returned,
    )


# Structure -----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def _matches(text: str, label: str, *, cutoff: float = 0.86) -> bool:
    a, b = normalise(text), normalise(label)
    if not a:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= cutoff


def _find(paragraphs: list[Paragraph], heading: str, *, start: int = 0) -> int | None:
    for index in range(start, len(paragraphs)):
        paragraph = paragraphs[index]
        if paragraph.checked is None and _matches(paragraph.text, heading, cutoff=0.9):
            return index
    return None


def _beeld(paragraphs: list[Paragraph], draft: Beeld) -> Beeld:
    headings = [(s.key, s.heading) for s in draft.sections]
    headings += [("_quote", QUOTE_HEADING), ("_question", QUESTION_HEADING)]
    texts: dict[str, list[str]] = {"_title": []}
    current = "_title"
    for paragraph in paragraphs:
        if not paragraph.text:
            continue
        key = _heading_key(paragraph, headings)
        if key is not None:
            current = key
            texts.setdefault(current, [])
            continue
        texts.setdefault(current, []).append(paragraph.text)
    originals = {s.key: s for s in draft.sections}
    sections = tuple(
        Section(
            key=key,
            heading=heading,
            sentences=_sentences(" ".join(texts.get(key, [])), originals[key]),
        )
        for key, heading in headings
        if key in originals
    )
    return Beeld(
        title=" ".join(texts["_title"]).strip(),
        sections=sections,
        quote=" ".join(texts.get("_quote", [])).strip(),
        closing_question=" ".join(texts.get("_question", [])).strip(),
        title_suggestions=(),
    )


def _heading_key(paragraph: Paragraph, headings: list[tuple[str, str]]) -> str | None:
    """A known heading: its exact words, or close to them if styled as a heading."""
    if len(paragraph.text.split()) > 8:
        return None
    text = normalise(paragraph.text)
    for key, heading in headings:
        if text == normalise(heading):
            return key
    if paragraph.heading_level is None:
        return None
    for key, heading in headings:
        if _matches(paragraph.text, heading, cutoff=0.8):
            return key
    return None


def _sentences(text: str, original: Section) -> tuple[Sentence, ...]:
    """Split edited text into sentences; unchanged ones keep their source time span."""
    sources = {normalise(s.text): s for s in original.sentences}
    result = []
    for piece in _SPLIT.split(text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        source = sources.get(normalise(piece))
        if source is not None:
            result.append(Sentence(piece, source.start, source.end, source.segment_ids))
        else:
            result.append(Sentence(piece))
    return tuple(result)


# Consent choices -----------------------------------------------------------------------------


def _choices(paragraphs: list[Paragraph]) -> tuple[ConsentChoices, tuple[str, ...]]:
    approved = False
    channels: set[Channel] = set()
    names: set[NameDisplay] = set()
    for paragraph in paragraphs:
        if paragraph.checked is not True:
            continue
        if _matches(paragraph.text, APPROVE_LABEL):
            approved = True
            continue
        channel = _label_of(paragraph.text, CHANNEL_BOXES)
        if channel is not None:
            channels.add(channel)
            continue
        display = _label_of(paragraph.text, NAME_BOXES)
        if display is not None:
            names.add(display)
    contradictions = []
    if len(names) > 1:
        contradictions.append(
            "more than one way to show the name: " + ", ".join(sorted(n.value for n in names))
        )
    # No name choice means the most private one: no name at all.
    name_display = next(iter(names)) if len(names) == 1 else NameDisplay.ROLE
    return (
        ConsentChoices(approved=approved, channels=frozenset(channels), name_display=name_display),
        tuple(contradictions),
    )


def _label_of(text: str, labels: dict[K, str]) -> K | None:
    for key, label in labels.items():
        if _matches(text, label):
            return key
    return None


def _after_label(paragraphs: list[Paragraph], label: str) -> str | None:
    for paragraph in paragraphs:
        if paragraph.text.lower().startswith(label.lower()):
            value = paragraph.text[len(label) :].strip(" :")
            return value or None
    return None


def _channels_nl(channels: frozenset[Channel]) -> str:
    return ", ".join(CHANNEL_BOXES[c] for c in Channel if c in channels)
