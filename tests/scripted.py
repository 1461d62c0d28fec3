"""Small scripted conversations for the placement tests: (speaker, text) lines as a
transcript with names, one segment per line, six seconds apart."""

from __future__ import annotations

from goodwork_pipeline.drafting.draft import build_draft
from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.models import Segment, Sidecar, Transcript

Lines = list[tuple[str, str]]


def transcript(lines: Lines) -> Transcript:
    segments = tuple(
        Segment(i, i * 6.0, i * 6.0 + 5, text, speaker) for i, (speaker, text) in enumerate(lines)
    )
    return Transcript(segments, "nl", len(lines) * 6.0, "test", "test")


def sections(lines: Lines, guide: Guide) -> list[str | None]:
    """The section of every participant sentence, in order."""
    return [p.section for p in build_draft(transcript(lines), Sidecar(), guide).placements]
