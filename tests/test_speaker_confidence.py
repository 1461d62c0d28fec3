"""The draft uses the voice model's confidence: a participant sentence whose speaker is
uncertain is left out of the beeld, with the reason in beeld.json (bench/SPEAKERS.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from goodwork_pipeline.drafting.draft import beeld_json, build_draft
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.drafting.placement import UNSURE_SPEAKER
from goodwork_pipeline.models import Transcript
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.conversations import load_conversations

GUIDE = load_guide(bundled_templates_dir())
CONVERSATION = load_conversations(Path(__file__).parent / "data" / "conversations")[0]


def _with_confidence(transcript: Transcript, ids: set[int], sure: float) -> Transcript:
    segments = tuple(
        replace(s, speaker_confidence=sure if s.id in ids else 0.95) for s in transcript.segments
    )
    return replace(transcript, segments=segments)


def _chosen_sources(data: dict) -> set[int]:
    return {
        i for section in data["sections"] for s in section["sentences"] for i in s["segment_ids"]
    }


def test_an_uncertain_speaker_is_left_out_with_a_reason() -> None:
    transcript = CONVERSATION.transcript()
    sidecar = CONVERSATION.sidecar
    sure = build_draft(_with_confidence(transcript, set(), 0.95), sidecar, GUIDE)
    data = beeld_json(sure, sure.beeld)
    used = sorted(_chosen_sources(data))
    assert used, "the draft uses some participant segments"
    doubtful = {used[0]}
    unsure = build_draft(_with_confidence(transcript, doubtful, UNSURE_SPEAKER / 2), sidecar, GUIDE)
    data = beeld_json(unsure, unsure.beeld)
    assert not (_chosen_sources(data) & doubtful)
    reasons = [p["why"] for p in data["not_placed"] if set(p["segment_ids"]) & doubtful]
    assert reasons and all("spreker onzeker" in why for why in reasons)
    # confident speakers (and transcripts without a voice model's confidence) lose nothing
    plain = build_draft(transcript, sidecar, GUIDE)
    assert beeld_json(plain, plain.beeld)["sections"] == beeld_json(sure, sure.beeld)["sections"]
