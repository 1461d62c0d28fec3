"""From a transcript to a draft beeld: the participant's words under the guide's sections.

Every sentence keeps the time span and segment ids it came from, so nothing can be put in a
participant's mouth. The interviewer's words are used only to know which section an answer
belongs to; they never become beeld text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .guide import Guide, GuideSection
from .models import Beeld, Section, Segment, Sentence, Sidecar, Transcript

INTERVIEWER = "interviewer"
PARTICIPANT = "participant"

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Utterance:
    """One sentence as spoken, with who said it and where it sits in the recording."""

    text: str
    role: str
    start: float
    end: float
    segment_id: int


def build_beeld(transcript: Transcript, sidecar: Sidecar, guide: Guide) -> Beeld:
    utterances = list(split_utterances(transcript.segments, sidecar))
    placed = place(utterances, guide)
    sections = tuple(
        Section(
            key=gs.key,
            heading=gs.heading,
            sentences=tuple(_within_budget(placed[gs.key], gs.words)),
        )
        for gs in guide.sections
    )
    return Beeld(
        title=guide.title_fallback,
        sections=sections,
        quote=_quote(sections),
        closing_question=guide.closing_question,
    )


def speaker_role(speaker: str | None, sidecar: Sidecar) -> str | None:
    """Map a segment's speaker label (a role, a channel or a name) to interviewer/participant."""
    if speaker is None:
        return None
    label = sidecar.speakers.get(speaker, speaker).strip().lower()
    if label in (INTERVIEWER, PARTICIPANT):
        return label
    if sidecar.interviewer and label == sidecar.interviewer.strip().lower():
        return INTERVIEWER
    if sidecar.participant and label == sidecar.participant.strip().lower():
        return PARTICIPANT
    return None


def split_utterances(segments: Iterable[Segment], sidecar: Sidecar) -> Iterable[Utterance]:
    for segment in segments:
        role = speaker_role(segment.speaker, sidecar)
        for text in _SENTENCE_END.split(segment.text.strip()):
            text = text.strip()
            if not text:
                continue
            # Without speaker labels, a question is taken to be the interviewer's.
            who = role or (INTERVIEWER if text.endswith("?") else PARTICIPANT)
            yield Utterance(text, who, segment.start, segment.end, segment.id)


def place(utterances: list[Utterance], guide: Guide) -> dict[str, list[Utterance]]:
    """Put each participant sentence under the section of the last question that matched."""
    placed: dict[str, list[Utterance]] = {gs.key: [] for gs in guide.sections}
    current = guide.sections[0].key
    for utterance in utterances:
        if utterance.role == INTERVIEWER:
            match = _matching_section(utterance.text, guide.sections)
            if match is not None:
                current = match.key
            continue
        placed[current].append(utterance)
    return placed


def _matching_section(question: str, sections: Iterable[GuideSection]) -> GuideSection | None:
    text = " " + " ".join(_WORD.findall(question.lower())) + " "
    best: tuple[int, GuideSection] | None = None
    for section in sections:
        score = sum(len(cue) for cue in section.cues if f" {cue} " in text)
        if score and (best is None or score > best[0]):
            best = (score, section)
    return best[1] if best else None


def _within_budget(utterances: list[Utterance], budget: int) -> Iterable[Sentence]:
    used = 0
    for utterance in utterances:
        words = len(_WORD.findall(utterance.text))
        if used and used + words > budget:
            break
        used += words
        yield Sentence(
            text=_capitalise(utterance.text),
            start=utterance.start,
            end=utterance.end,
            segment_ids=(utterance.segment_id,),
        )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _quote(sections: tuple[Section, ...]) -> str:
    preferred = ("goed-werk", "belangrijk")
    ordered = sorted(
        sections,
        key=lambda s: (s.key not in preferred, preferred.index(s.key) if s.key in preferred else 0),
    )
    for section in ordered:
        for sentence in section.sentences:
            if 8 <= len(_WORD.findall(sentence.text)) <= 30:
                return sentence.text
    return ""
