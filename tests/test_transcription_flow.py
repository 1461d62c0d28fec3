"""The transcription flow: chunk tasks, their tag, progress in the logs, rejections."""

from __future__ import annotations

import logging
import wave
from pathlib import Path

import numpy as np
import pytest
from helpers import drop

from flows.transcribe_story import (
    TAG,
    finish_transcription,
    prepare_transcription,
    transcribe_chunk,
)
from goodwork_pipeline.models import State

pytestmark = pytest.mark.prefect


def test_the_cpu_heavy_tasks_carry_the_transcription_tag() -> None:
    for task in (prepare_transcription, transcribe_chunk, finish_transcription):
        assert TAG in task.tags


def test_progress_with_percentage_goes_to_the_log(
    pipeline, run_flow, tone_wav, caplog: pytest.LogCaptureFixture
) -> None:
    drop(pipeline.settings, tone_wav, "gesprek.wav")
    with caplog.at_level(logging.INFO, logger="goodwork_pipeline.progress"):
        results = run_flow(pipeline)
    assert all(r.ok for r in results), results
    progress = [r.getMessage() for r in caplog.records if r.name == "goodwork_pipeline.progress"]
    assert any("chunk 1 of 1" in m for m in progress), progress
    assert any("100% (" in m and "of speech" in m and "left" in m for m in progress), progress


def test_a_recording_without_speech_stays_in_the_inbox_with_the_reason(
    pipeline, run_flow, tmp_path: Path
) -> None:
    path = pipeline.settings.inbox_dir / "muziek.wav"
    t = np.arange(6 * 16000) / 16000
    chord = 0.1 * sum(np.sin(2 * np.pi * f * t) for f in (262, 330, 392))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((chord * 32767).astype("<i2").tobytes())
    [result] = run_flow(pipeline)
    assert not result.ok
    assert "muziek.wav contains no speech" in result.message
    assert "geen gesproken tekst" in result.message_nl and "blijft in de inbox" in result.message_nl
    assert path.exists() and pipeline.store.stories() == []


def test_a_failing_engine_fails_the_story_with_a_reason(pipeline, run_flow, tone_wav) -> None:
    from goodwork_pipeline.errors import ModelError

    class Broken:
        engine, model = "broken", "none"

        def transcribe(self, samples, options):  # type: ignore[no-untyped-def]
            raise ModelError("The model file is damaged.", nl="Het model is beschadigd.")

    pipeline.transcription._transcriber = Broken()
    drop(pipeline.settings, tone_wav, "gesprek.wav")
    results = run_flow(pipeline)
    [story] = pipeline.store.stories()
    assert story.state == State.FAILED
    assert "damaged" in (story.last_error or "") and not results[-1].ok
