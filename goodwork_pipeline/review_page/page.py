"""What the review page shows, as one JSON value: the draft by section and the transcript.

Built from the version's ``beeld.json`` (every sentence with its time and source segments)
and the transcript (``transcript.json`` keeps Whisper's probability for every word). A word
Whisper was unsure of (probability below ``UNSURE_BELOW``) is listed with the sentence whose
time span holds it, so the page can mark it; the page marks it in the text by its folded form,
which survives the cleanup (it only removes words) and most corrections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.intake.transcript_files import format_timestamp
from goodwork_pipeline.models import INTERVIEWER, Segment, Sidecar, Transcript
from goodwork_pipeline.review_page.edits import suggested_text
from goodwork_pipeline.text_nl import fold, words

# Whisper's word probability below which a word is marked as unsure. Not tuned on data: half
# is where Whisper itself is as likely wrong as right about a word; the mark only draws the
# eye, it changes nothing.
UNSURE_BELOW = 0.5


def draft_view(base: dict[str, Any], transcript: Transcript | None) -> dict[str, Any]:
    """The beeld of one version, by section, each sentence with its time and unsure words."""
    segments = {s.id: s for s in transcript.segments} if transcript else {}
    sections = []
    for section in base["sections"]:
        sentences = []
        for index, sentence in enumerate(section["sentences"]):
            start, end = sentence.get("start"), sentence.get("end")
            sentences.append(
                {
                    "ref": f"{section['key']}/{index}",
                    "text": sentence["text"],
                    "start": start,
                    "end": end,
                    "time": _stamp(start),
                    "segment_ids": list(sentence.get("segment_ids", ())),
                    "spoken": sentence.get("spoken"),
                    "edited": bool(sentence.get("edited")),
                    "added": sentence.get("score") is None and sentence.get("start") is not None,
                    "unsure": unsure_words(sentence, segments),
                }
            )
        sections.append(
            {
                "key": section["key"],
                "heading": section["heading"],
                "note": section.get("note"),
                "budget": section.get("budget"),
                "sentences": sentences,
            }
        )
    return {
        "version": base.get("version"),
        "title": base["title"],
        "quote": base.get("quote", ""),
        "closing_question": base.get("closing_question", ""),
        "title_suggestions": list(base.get("title_suggestions", [])),
        "sections": sections,
    }


def unsure_words(sentence: dict[str, Any], segments: dict[int, Segment]) -> list[dict[str, Any]]:
    """Words of the sentence's source segments, inside its time span, that Whisper doubted."""
    start, end = sentence.get("start"), sentence.get("end")
    if start is None or end is None:
        return []
    found = []
    for segment_id in sentence.get("segment_ids", ()):
        segment = segments.get(segment_id)
        if segment is None:
            continue
        for word in segment.words:
            middle = (word.start + word.end) / 2
            if word.probability >= UNSURE_BELOW or not start - 0.01 <= middle <= end + 0.01:
                continue
            for token in words(word.text):
                found.append(
                    {
                        "word": fold(token),
                        "probability": round(word.probability, 3),
                        "at": word.start,
                    }
                )
    return found


def transcript_view(
    spoken: Sequence[Utterance], base: dict[str, Any], sidecar: Sidecar
) -> list[dict[str, Any]]:
    """The whole conversation in turns, each with its speaker; every sentence says whether
    (and where) the draft has it, and how it would read as a beeld sentence."""
    in_draft = {
        (sentence.get("start"), tuple(sentence.get("segment_ids", ()))): section["key"]
        for section in base["sections"]
        for sentence in section["sentences"]
    }
    turns: list[dict[str, Any]] = []
    for index, utterance in enumerate(spoken):
        if not turns or turns[-1]["turn"] != utterance.turn:
            turns.append(
                {
                    "turn": utterance.turn,
                    "role": utterance.role,
                    "speaker": speaker_label(utterance.role, sidecar),
                    "sentences": [],
                }
            )
        turns[-1]["sentences"].append(
            {
                "index": index,
                "text": utterance.text,
                "suggested": suggested_text(utterance),
                "start": utterance.start,
                "end": utterance.end,
                "time": _stamp(utterance.start),
                "segment_ids": list(utterance.segment_ids),
                "in_draft": in_draft.get((utterance.start, utterance.segment_ids)),
            }
        )
    return turns


def speaker_label(role: str, sidecar: Sidecar) -> str:
    if role == INTERVIEWER:
        return f"Interviewer ({sidecar.interviewer})" if sidecar.interviewer else "Interviewer"
    return f"Deelnemer ({sidecar.participant})" if sidecar.participant else "Deelnemer"


def _stamp(seconds: float | None) -> str:
    return format_timestamp(seconds, style="short") if seconds is not None else ""
