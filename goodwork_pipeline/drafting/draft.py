"""From a transcript to a draft beeld: the participant's words under the guide's sections.

    transcript ─► utterances (who_said.py: who said which sentence, when; segment ids,
                              word timings)
               ─► placement  (placement.py: which section each participant sentence answers)
               ─► cleanup    (cleanup.py: fillers, stutters, false starts; capitals, stops)
               ─► selection  (selection.py: the most telling sentences within the budget,
                              a key quote, title ideas)
               ─► Beeld + a trace (every sentence's time span and source segments)

The interviewer's words only steer the placement; they never become beeld text. Every
sentence keeps the time span and segment ids it came from (``beeld.json`` records them with
the spoken original and the reasons for each choice), so nothing can be put in a
participant's mouth. ``prepare_beeld`` is the one step every beeld passes before it is
written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from goodwork_pipeline.drafting.cleanup import clean_sentence, split_long
from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.drafting.placement import Placement, place
from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.drafting.selection import (
    Candidate,
    choose,
    key_quote,
    score,
    title_ideas,
    with_centrality,
)
from goodwork_pipeline.drafting.who_said import utterances
from goodwork_pipeline.errors import DraftError
from goodwork_pipeline.intake.transcript_files import format_timestamp
from goodwork_pipeline.models import Beeld, Section, Sentence, Sidecar, Transcript
from goodwork_pipeline.transcription.speakers import speaker_role

__all__ = [
    "Draft",
    "beeld_json",
    "build_beeld",
    "build_draft",
    "prepare_beeld",
    "speaker_role",
    "utterances",
]

NO_QUESTION_REASON = "geen vraag van de interviewer herkend: alles onder het eerste onderdeel"


@dataclass(frozen=True)
class Draft:
    """A beeld and everything needed to explain it."""

    beeld: Beeld
    candidates: tuple[Candidate, ...]
    placements: tuple[Placement, ...]
    quote: Candidate | None
    titles: tuple[tuple[str, Candidate], ...]
    guide: Guide
    dropped: tuple[tuple[Utterance, str], ...] = field(default=())

    @property
    def no_question_recognised(self) -> bool:
        """No interviewer question named a section: the layout rests on the answers alone."""
        return bool(self.placements) and not any(
            kind == "vraag" and points > 0
            for p in self.placements
            for kind, points, _ in p.evidence
        )

    @property
    def empty_sections(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.beeld.sections if not s.sentences)

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.beeld.sections)


def build_beeld(transcript: Transcript, sidecar: Sidecar, guide: Guide) -> Beeld:
    return build_draft(transcript, sidecar, guide).beeld


def build_draft(transcript: Transcript, sidecar: Sidecar, guide: Guide) -> Draft:
    spoken = utterances(transcript.segments, sidecar, guide.closings)
    placements = place(spoken, guide)
    if not placements:
        raise DraftError(
            "The transcript holds no sentence of the participant, so there is nothing to "
            "draft. Check who is who: the sidecar's 'speakers', 'interviewer' and "
            "'participant'.",
            nl="In het transcript staat geen enkele zin van de deelnemer. Controleer in het "
            "metadatabestand wie de interviewer en wie de deelnemer is (speakers).",
        )
    if all(p.section is None for p in placements):
        # No question was recognised (a monologue, or speech recognition misheard them all):
        # nothing the participant said is dropped; it all goes, in spoken order, under the
        # first section, and staff are told to check the layout before sending.
        first = guide.keys[0]
        placements = [Placement(p.utterance, first, NO_QUESTION_REASON) for p in placements]
    candidates, dropped = _candidates(placements, guide)
    budgets = {s.key: s.words for s in guide.sections}
    marked = choose(candidates, budgets, min_words=guide.min_words, max_words=guide.max_words)
    chosen = [c for c in marked if c.chosen]
    prefer = [k for k in ("goed-werk", "belangrijk") if k in guide.keys]
    quote = key_quote(chosen, guide.values, prefer)
    titles = tuple(title_ideas(chosen, guide.values))
    sections = tuple(
        Section(
            key=gs.key,
            heading=gs.heading,
            sentences=tuple(
                Sentence(c.text, c.start, c.end, c.segment_ids)
                for c in chosen
                if c.section == gs.key
            ),
        )
        for gs in guide.sections
    )
    beeld = Beeld(
        title=titles[0][0] if titles else guide.title_fallback,
        sections=sections,
        quote=quote.text if quote else "",
        closing_question=guide.closing_question,
        title_suggestions=tuple(title for title, _ in titles),
    )
    return Draft(
        beeld=beeld,
        candidates=tuple(marked),
        placements=tuple(placements),
        quote=quote,
        titles=titles,
        guide=guide,
        dropped=tuple(dropped),
    )


def prepare_beeld(beeld: Beeld, pseudonymise: Callable[[Beeld], Beeld]) -> Beeld:
    """The last step before a beeld is written (beeld.json and the .docx).

    Third parties' names are replaced here (``pseudonymise.Pseudonymiser.beeld``), so the
    participant reviews and approves the text exactly as it can be published.
    """
    return pseudonymise(beeld)


# Candidates ----------------------------------------------------------------------------------


def _candidates(
    placements: Sequence[Placement], guide: Guide
) -> tuple[list[Candidate], list[tuple[Utterance, str]]]:
    candidates: list[Candidate] = []
    dropped: list[tuple[Utterance, str]] = []
    started: set[str] = set()  # sections that have a candidate already
    for placement in placements:
        utterance = placement.utterance
        if placement.section is None:
            dropped.append((utterance, placement.reason))
            continue
        cleaned = clean_sentence(utterance.text)
        if not cleaned:
            dropped.append((utterance, "alleen stopwoorden"))
            continue
        section = guide.section(placement.section)
        # how clearly the sentence does what its section asks (placement's answer evidence)
        fits = sum(points for kind, points, _ in placement.evidence if kind == "antwoord")
        for text in split_long(cleaned):
            candidate = Candidate(
                section=placement.section,
                text=text,
                spoken=utterance.text,
                start=utterance.start,
                end=utterance.end,
                segment_ids=utterance.segment_ids,
                why=(placement.reason,),
                placement=placement.evidence,
            )
            first = placement.section not in started
            started.add(placement.section)
            scored = score(
                candidate,
                guide.values,
                section.cues + section.answer_cues,
                first=first,
                fits=fits,
                asked=placement.asked,
            )
            candidates.append(replace(scored, why=(placement.reason, *scored.why)))
    return with_centrality(candidates), dropped


# beeld.json ----------------------------------------------------------------------------------


def beeld_json(draft: Draft, beeld: Beeld, *, version: int | None = None) -> dict[str, Any]:
    """The beeld as written, with every sentence's source: segments, times, spoken words.

    It is a superset of ``Beeld.to_json()`` (the review reads it back with
    ``Beeld.from_json``); the extra keys explain each sentence and what was left out.
    """
    data = json.loads(json.dumps(beeld.to_json()))  # plain lists and dicts
    by_section: dict[str, list[Candidate]] = {}
    for candidate in draft.candidates:
        by_section.setdefault(candidate.section, []).append(candidate)
    for section in data["sections"]:
        pool = by_section.get(section["key"], [])
        chosen = [c for c in pool if c.chosen]
        for sentence, candidate in zip(section["sentences"], chosen, strict=True):
            sentence.update(_source(candidate))
        section["words"] = sum(len(s["text"].split()) for s in section["sentences"])
        section["budget"] = draft.guide.section(section["key"]).words
        section["note"] = None if section["sentences"] else draft.guide.empty_note
        section["left_out"] = [{"text": c.text, **_source(c)} for c in pool if not c.chosen]
    data["quote_source"] = _source(draft.quote) if draft.quote else None
    data["title_sources"] = [
        {"title": title, **_source(candidate)} for title, candidate in draft.titles
    ]
    data["not_placed"] = [
        {
            "spoken": u.text,
            "start": u.start,
            "end": u.end,
            "time": _stamp(u.start),
            "segment_ids": list(u.segment_ids),
            "why": reason,
        }
        for u, reason in draft.dropped
    ]
    data["words"] = draft.words
    data["guide"] = {
        "path": str(draft.guide.path) if draft.guide.path else None,
        "sha256": draft.guide.sha256,
    }
    if version is not None:
        data["version"] = version
    return data


def _source(candidate: Candidate) -> dict[str, Any]:
    return {
        "start": candidate.start,
        "end": candidate.end,
        "time": _stamp(candidate.start),
        "segment_ids": list(candidate.segment_ids),
        "spoken": candidate.spoken,
        "score": candidate.score,
        "why": list(candidate.why),
        # why the sentence sits in its section: the question, the answer, the guide's order
        "placement": [
            {"evidence": kind, "points": points, "what": what}
            for kind, points, what in candidate.placement
        ],
    }


def _stamp(seconds: float) -> str:
    return format_timestamp(seconds, style="short")
