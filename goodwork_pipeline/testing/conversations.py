"""Labelled test conversations as transcripts.

Used by the tests and by ``bench/drafts.py`` to measure the draft stage: each participant
stretch carries the section a careful editor would put it under (or none, for small talk).
Two formats: ``tests/data/conversations/*.yaml`` (turns as ``[i|p, text, section]``) and the
interview corpus ``tests/data/interviews/{tune,test}/*.yaml`` (turns as mappings with
``speaker``, ``text``, ``section`` and, in long conversations, ``key: true`` for a sentence a
good beeld must keep; see its README).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from goodwork_pipeline.models import Segment, Sidecar, Transcript

ROLES = {"i": "interviewer", "p": "participant"}


@dataclass(frozen=True)
class Line:
    role: str
    text: str
    section: str | None  # the true section of a participant line; None for small talk
    key: bool = False  # a sentence a good beeld keeps (long conversations)


@dataclass(frozen=True)
class Conversation:
    id: str
    role: str
    participant: str
    interviewer: str
    features: tuple[str, ...]
    lines: tuple[Line, ...]
    long: bool = False
    language: str = "nl-NL"

    @property
    def sidecar(self) -> Sidecar:
        return Sidecar(participant=self.participant, interviewer=self.interviewer)

    def transcript(self, *, names: bool = False, seconds_per_word: float = 0.4) -> Transcript:
        """One segment per line, timed by word count; speakers as roles or as first names."""
        segments = []
        position = 1.0
        for index, line in enumerate(self.lines):
            duration = max(1.0, len(line.text.split()) * seconds_per_word)
            speaker = line.role
            if names:
                person = self.participant if line.role == "participant" else self.interviewer
                speaker = person.split()[0]
            segments.append(
                Segment(
                    index, round(position, 2), round(position + duration, 2), line.text, speaker
                )
            )
            position += duration + 0.6
        return Transcript(tuple(segments), "nl", round(position, 2), "script", self.id)

    def truth(self) -> dict[int, str | None]:
        """Segment id -> true section (participant lines only)."""
        return {i: line.section for i, line in enumerate(self.lines) if line.role == "participant"}


def load_conversation(path: Path) -> Conversation:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [_line(entry, path) for entry in data["turns"]]
    return Conversation(
        id=data["id"],
        role=data["role"],
        participant=data["participant"],
        interviewer=data["interviewer"],
        features=tuple(data.get("features", ())),
        lines=tuple(lines),
        long=bool(data.get("long", False)),
        language=str(data.get("language", "nl-NL")),
    )


def _line(entry: object, path: Path) -> Line:
    if isinstance(entry, dict):
        role = str(entry["speaker"])
        if role not in ROLES.values():
            raise ValueError(f"{path.name}: unknown speaker {role!r} in {entry}")
        if role == "participant" and "section" not in entry:
            raise ValueError(f"{path.name}: participant turn without a section label: {entry}")
        section = entry.get("section") if role == "participant" else None
        return Line(role, str(entry["text"]), section, bool(entry.get("key", False)))
    assert isinstance(entry, list), f"{path.name}: a turn must be a list or a mapping"
    role = ROLES[entry[0]]
    section = entry[2] if role == "participant" else None
    if role == "participant" and len(entry) != 3:
        raise ValueError(f"{path.name}: participant line without a section label: {entry}")
    return Line(role, str(entry[1]), section)


def load_conversations(folder: Path) -> list[Conversation]:
    return [load_conversation(path) for path in sorted(folder.glob("*.yaml"))]


class Timed(Protocol):
    role: str
    start: float
    end: float


def line_at(turns: Sequence[Timed], moment: float) -> int:
    """The index of the scripted line spoken at a moment (in a pause: the nearest line)."""

    def distance(index: int) -> float:
        turn = turns[index]
        return max(turn.start - moment, 0.0, moment - turn.end)

    return min(range(len(turns)), key=distance)


def label_by_turns(transcript: Transcript, turns: Sequence[Timed]) -> Transcript:
    """Whisper's segments cut where the speaker changes (by word time), labelled by role.

    A stand-in for real speaker labelling when the script's timing is known (espeak-ng
    conversations from ``samples.synthesize``).
    """
    segments: list[Segment] = []

    def close(group: list) -> None:
        line = line_at(turns, (group[0].start + group[-1].end) / 2)
        segments.append(
            Segment(
                len(segments),
                group[0].start,
                group[-1].end,
                " ".join(w.text for w in group),
                turns[line].role,
                tuple(group),
            )
        )

    for segment in transcript.segments:
        if not segment.words:
            line = line_at(turns, (segment.start + segment.end) / 2)
            segments.append(
                dataclasses.replace(segment, id=len(segments), speaker=turns[line].role)
            )
            continue
        group: list = []
        for word in segment.words:
            line = line_at(turns, (word.start + word.end) / 2)
            if group and line_at(turns, (group[-1].start + group[-1].end) / 2) != line:
                close(group)
                group = []
            group.append(word)
        close(group)
    return dataclasses.replace(transcript, segments=tuple(segments))
