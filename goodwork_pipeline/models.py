"""The plain, frozen values that stages pass to each other.

intake -> Recording, Sidecar; transcribe -> Transcript; draft -> Beeld; review -> Returned;
consent -> ConsentRecord / Consent; publish -> Manifest. No engine objects cross a stage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class State(StrEnum):
    """Where a story stands. See DESIGN.md, 'Lifecycle of one story'."""

    RECEIVED = "received"
    TRANSCRIBED = "transcribed"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    DECLINED = "declined"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


class Channel(StrEnum):
    """Where a beeld may be shared. Consent is given per channel; the default is none."""

    WEBSITE = "website"
    SOCIAL = "social"
    GROUP = "group"
    INTERNAL = "internal"


class NameDisplay(StrEnum):
    """How the participant's name is shown in published assets."""

    FULL = "full"
    FIRST = "first"
    ROLE = "role"


@dataclass(frozen=True)
class Sidecar:
    """Optional metadata from ``<stem>.yaml`` next to a recording. Every field is optional."""

    participant: str | None = None
    email: str | None = None
    role: str | None = None
    organisation: str | None = None
    group: str | None = None
    date: dt.date | None = None
    interviewer: str | None = None
    language: str | None = None
    speakers: dict[str, str] = field(default_factory=dict)
    pseudonymise: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    also_known_as: tuple[str, ...] = ()  # other names the participant goes by

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["pseudonymise"] = list(self.pseudonymise)
        data["vocabulary"] = list(self.vocabulary)
        data["also_known_as"] = list(self.also_known_as)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sidecar:
        data = dict(data)
        if data.get("date"):
            data["date"] = dt.date.fromisoformat(data["date"])
        data["pseudonymise"] = tuple(data.get("pseudonymise") or ())
        data["vocabulary"] = tuple(data.get("vocabulary") or ())
        data["also_known_as"] = tuple(data.get("also_known_as") or ())
        data["speakers"] = dict(data.get("speakers") or {})
        return cls(**data)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


# The two roles in an interview: who asks, and whose story it is (a segment's ``speaker``).
INTERVIEWER = "interviewer"
PARTICIPANT = "participant"


@dataclass(frozen=True)
class Segment:
    """One stretch of speech with its time span; ``speaker`` is a role (``INTERVIEWER``,
    ``PARTICIPANT``) or a name."""

    id: int
    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()
    confidence: float | None = None
    # How sure the voice model is of ``speaker`` (0..1; None: not decided by voice).
    speaker_confidence: float | None = None


@dataclass(frozen=True)
class Gap:
    """A stretch that voice activity marked as speech but that was not understood."""

    start: float
    end: float
    reason: str


@dataclass(frozen=True)
class Transcript:
    segments: tuple[Segment, ...]
    language: str
    duration: float
    engine: str
    model: str
    gaps: tuple[Gap, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Transcript:
        segments = tuple(
            Segment(
                **{
                    **segment,
                    "words": tuple(Word(**word) for word in segment.get("words", ())),
                }
            )
            for segment in data["segments"]
        )
        gaps = tuple(Gap(**gap) for gap in data.get("gaps", ()))
        return cls(
            segments=segments,
            language=data["language"],
            duration=data["duration"],
            engine=data["engine"],
            model=data["model"],
            gaps=gaps,
        )


@dataclass(frozen=True)
class Sentence:
    """A sentence of the beeld and the stretch of the recording it came from."""

    text: str
    start: float | None = None
    end: float | None = None
    segment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    sentences: tuple[Sentence, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences).strip()


@dataclass(frozen=True)
class Beeld:
    """The portrait: title, sections in the participant's words, a quote, a closing question."""

    title: str
    sections: tuple[Section, ...]
    quote: str = ""
    closing_question: str = ""
    title_suggestions: tuple[str, ...] = ()

    def canonical_text(self) -> str:
        """The exact text consent is bound to: title, every section, quote, question."""
        parts = [f"# {self.title.strip()}"]
        for section in self.sections:
            parts.append(f"## {section.heading.strip()}\n{section.text}")
        parts.append(f"## Citaat\n{self.quote.strip()}")
        parts.append(f"## Vraag aan de lezer\n{self.closing_question.strip()}")
        return "\n\n".join(parts).strip() + "\n"

    def text_sha256(self) -> str:
        return hashlib.sha256(self.canonical_text().encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Beeld:
        sections = tuple(
            Section(
                key=section["key"],
                heading=section["heading"],
                sentences=tuple(
                    Sentence(
                        text=sentence["text"],
                        start=sentence.get("start"),
                        end=sentence.get("end"),
                        segment_ids=tuple(sentence.get("segment_ids", ())),
                    )
                    for sentence in section["sentences"]
                ),
            )
            for section in data["sections"]
        )
        return cls(
            title=data["title"],
            sections=sections,
            quote=data.get("quote", ""),
            closing_question=data.get("closing_question", ""),
            title_suggestions=tuple(data.get("title_suggestions", ())),
        )


@dataclass(frozen=True)
class ConsentChoices:
    """What a participant ticked, as read from a document or given to staff."""

    approved: bool
    channels: frozenset[Channel]
    name_display: NameDisplay | None


@dataclass(frozen=True)
class ConsentRecord:
    """One row of the append-only consent ledger."""

    id: int
    story_id: str
    at: dt.datetime
    action: str  # "grant", "withdraw", "decline"
    channels: frozenset[Channel]
    name_display: NameDisplay | None
    text_sha256: str | None
    wording_version: str
    actor: str
    source: str
    source_ref: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Consent:
    """The current consent of a story, derived from the ledger: what may be published."""

    story_id: str
    channels: frozenset[Channel]
    name_display: NameDisplay
    text_sha256: str
    record_id: int

    def allows(self, channel: Channel, text_sha256: str) -> bool:
        return channel in self.channels and text_sha256 == self.text_sha256
