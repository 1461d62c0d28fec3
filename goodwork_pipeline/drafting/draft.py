"""From a transcript to a draft beeld: the participant's words under the guide's sections.

    transcript ─► utterances (who said which sentence, when: segment ids, word timings)
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
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from goodwork_pipeline.drafting.cleanup import clean_sentence, sentence_spans, split_long
from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.drafting.placement import Placement, contains_phrase, place
from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.drafting.selection import (
    Candidate,
    choose,
    key_quote,
    score,
    title_ideas,
    with_centrality,
)
from goodwork_pipeline.errors import DraftError
from goodwork_pipeline.intake.transcript_files import format_timestamp
from goodwork_pipeline.models import (
    INTERVIEWER,
    PARTICIPANT,
    Beeld,
    Section,
    Segment,
    Sentence,
    Sidecar,
    Transcript,
)
from goodwork_pipeline.speech_acts import is_question, own_question, reflects, thanks
from goodwork_pipeline.text_nl import normal_phrase
from goodwork_pipeline.transcription.speakers import speaker_role

log = logging.getLogger(__name__)

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


# Who said what, when ---------------------------------------------------------------------------


def utterances(
    segments: Sequence[Segment], sidecar: Sidecar, closings: Sequence[str] = ()
) -> list[Utterance]:
    """Every sentence of the conversation, with its speaker's role and its source span.

    Without speaker labels, a question or request (by its form, ``speech_acts``: the '?' may be
    missing) is taken to be the interviewer's, and so is what comes before it in the same
    segment ("Mooi. Dat ken ik. En wat deed je toen?"), a summary ("Dus eigenlijk: ..."), the
    participant's words given back ("Dus je belde eerst"), thanks, a good wish and a closing
    ("Dank je wel voor het gesprek"); see ``_guess_roles``.
    """
    roles = _roles(segments, sidecar)
    pieces: list[tuple[str | None, Segment, int, int]] = []
    for segment in segments:
        role = roles.get(segment.speaker) if segment.speaker is not None else None
        if segment.speaker is not None and role is None:
            continue  # a third speaker: never the participant's words
        if role is None:
            for who, a, b in _guess_roles(segment.text, closings, _first_names(sidecar)):
                pieces.append((who, segment, a, b))
        else:
            pieces.append((role, segment, 0, len(segment.text)))
    result: list[Utterance] = []
    for turn_index, turn in enumerate(_group(pieces)):
        result.extend(_turn_sentences(turn, turn_index))
    return result


_REQUESTS = ("vertel ", "beschrijf ", "leg eens uit", "noem eens")  # questions without '?'


def _first_names(sidecar: Sidecar) -> tuple[str, ...]:
    """The participant's first names, as an interviewer addresses them ("Daan, stel je even
    voor")."""
    names = (sidecar.participant, *sidecar.also_known_as)
    return tuple(dict.fromkeys(n.split()[0] for n in names if n and n.split()))


def _addressed(sentence: str, names: Sequence[str]) -> str:
    """The sentence without the participant's name in front ("Daan, wie ben je?")."""
    for name in names:
        found = re.match(rf"\s*{re.escape(name)}\s*,\s*", sentence, re.IGNORECASE)
        if found:
            return sentence[found.end() :]
    return sentence


def _guess_roles(
    text: str, closings: Sequence[str], names: Sequence[str] = ()
) -> list[tuple[str, int, int]]:
    """Who said each sentence of a segment with no speaker label.

    A question or request to the listener is the interviewer's, and so is what comes before it
    in the same segment ("O, dat is een mooie mix. Ik ken dat wel. Maar wat deed je toen?"):
    a segment runs between pauses, and the asker's remark and question are one stretch of
    speech. Not when the segment's first question is one the speaker asks themselves ("Wat
    moest ik nou?") or tags on ("..., toch?"): that asks nothing of the listener. Thanks, a
    summary and a closing are the interviewer's too. The participant's name in front ("Daan,
    stel je even voor") is read past: only the interviewer addresses them so."""
    spans = sentence_spans(text)
    questions = [is_question(_addressed(text[a:b], names)) for a, b in spans]
    asking = [i for i, question in enumerate(questions) if question]
    own = asking and own_question(text[slice(*spans[asking[0]])])
    lead_in = asking[0] if asking and not own else 0  # sentences before it lead in to it
    guessed = []
    for index, (a, b) in enumerate(spans):
        sentence = text[a:b]
        to_listener = questions[index] and not own_question(sentence)
        asks = to_listener or _addressed(sentence, names).lower().startswith(_REQUESTS)
        theirs = (  # thanks, a summary, a closing: the interviewer's too
            thanks(sentence)
            or reflects(sentence)
            or any(contains_phrase(normal_phrase(sentence), normal_phrase(c)) for c in closings)
        )
        leads_in = index < lead_in
        guessed.append((INTERVIEWER if asks or leads_in or theirs else PARTICIPANT, a, b))
    return guessed


def _roles(segments: Sequence[Segment], sidecar: Sidecar) -> dict[str | None, str]:
    """Roles for every speaker label; two unmapped names: the one asking questions interviews."""
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker is not None))
    roles = {label: speaker_role(label, sidecar) for label in labels}
    unknown = [label for label in labels if roles[label] is None]
    taken = {role for role in roles.values() if role}
    if unknown and len(taken) < 2:
        questions: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for segment in segments:
            if segment.speaker in unknown:
                for a, b in sentence_spans(segment.text):
                    total[segment.speaker] += 1
                    questions[segment.speaker] += segment.text[a:b].rstrip().endswith("?")
        ranked = sorted(unknown, key=lambda label: -questions[label] / max(total[label], 1))
        free = [r for r in (INTERVIEWER, PARTICIPANT) if r not in taken]
        if INTERVIEWER in free and len(ranked) >= len(free):
            roles[ranked[0]] = INTERVIEWER
            ranked = ranked[1:]
            free.remove(INTERVIEWER)
        if PARTICIPANT in free and ranked:
            roles[ranked[0]] = PARTICIPANT
        log.info("speaker roles inferred from the conversation: %s", roles)
    return {label: role for label, role in roles.items() if role}


def _group(
    pieces: list[tuple[str | None, Segment, int, int]],
) -> Iterable[list[tuple[str | None, Segment, int, int]]]:
    turn: list[tuple[str | None, Segment, int, int]] = []
    for piece in pieces:
        if turn and turn[-1][0] != piece[0]:
            yield turn
            turn = []
        turn.append(piece)
    if turn:
        yield turn


def _turn_sentences(
    turn: list[tuple[str | None, Segment, int, int]], turn_index: int
) -> list[Utterance]:
    """Join a turn's text across segments, split it into sentences, map each back."""
    role = turn[0][0] or PARTICIPANT
    text = ""
    parts: list[tuple[int, int, Segment, int]] = []  # turn offsets -> segment, segment offset
    for _role, segment, a, b in turn:
        piece = segment.text[a:b].strip()
        if not piece:
            continue
        if text:
            text += " "
        local = segment.text.index(piece, a)
        parts.append((len(text), len(text) + len(piece), segment, local))
        text += piece
    result = []
    for a, b in sentence_spans(text):
        hit = [(s, max(a, p0) - p0 + off, min(b, p1) - p0 + off) for p0, p1, s, off in parts]
        hit = [(s, x, y) for s, x, y in hit if y > x]
        if not hit:
            continue
        start = _time_at(hit[0][0], hit[0][1], first=True)
        end = _time_at(hit[-1][0], hit[-1][2], first=False)
        sure = [s.speaker_confidence for s, _x, _y in hit if s.speaker_confidence is not None]
        result.append(
            Utterance(
                text=text[a:b],
                role=role,
                start=start,
                end=max(end, start),
                segment_ids=tuple(dict.fromkeys(s.id for s, _x, _y in hit)),
                turn=turn_index,
                speaker_confidence=min(sure) if sure else None,
            )
        )
    return result


def _time_at(segment: Segment, offset: int, *, first: bool) -> float:
    """The time of a character offset in a segment, from word timings when they fit."""
    spans = _word_spans(segment)
    if not spans:
        return segment.start if first else segment.end
    if first:
        for _a, b, start, _end in spans:
            if b > offset:
                return start
        return spans[-1][2]
    for a, _b, _start, end in reversed(spans):
        if a < offset:
            return end
    return spans[0][3]


def _word_spans(segment: Segment) -> list[tuple[int, int, float, float]]:
    spans = []
    position = 0
    for word in segment.words:
        token = word.text.strip()
        if not token:
            continue
        found = segment.text.find(token, position)
        if found < 0:
            return []  # the words do not match the text: fall back to the segment's span
        spans.append((found, found + len(token), word.start, word.end))
        position = found + len(token)
    return spans


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
