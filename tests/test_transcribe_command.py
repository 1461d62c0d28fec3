"""`goodwork transcribe FILE`: a transcript for researchers, without creating a story."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from flows.cli import cli

GOODWORK = Path(sys.executable).parent / "goodwork"


def test_a_meeting_transcript_is_converted_without_a_model(tmp_path: Path) -> None:
    source = tmp_path / "teams.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Sam>Wat heb je gedaan?</v>\n\n"
        "00:00:03.500 --> 00:00:06.000\n<v Anna>Ik ben gaan praten.</v>\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "transcribe", str(source)])
    assert result.exit_code == 0, result.output
    assert "Sam:\n[00:01] Wat heb je gedaan?" in result.stdout
    assert "Anna:\n[00:03] Ik ben gaan praten." in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["teams.vtt"]  # no story, no folders


def test_an_unusable_recording_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "toon.wav"
    t = np.arange(5 * 16000) / 16000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes())
    result = subprocess.run(
        [GOODWORK, "-C", str(tmp_path), "transcribe", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1  # the file needs attention (flows/exit_codes.py)
    assert "toon.wav contains no speech" in result.stderr
    assert "Traceback" not in result.stderr and "inbox" not in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_a_recording_to_srt_and_json(tmp_path: Path, model_cache: Path) -> None:
    from helpers import require_tool

    from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, synthesize

    require_tool("espeak-ng")
    # two microphones, one per person: the speakers are exact (the mono sample's two voices
    # differ only in pitch, one voice to the voice model, so its speakers stay unknown)
    recording = tmp_path / "twee-microfoons.wav"
    synthesize(SAMPLE_CONVERSATION, recording, stereo=True)
    folder = tmp_path / "onderzoek"
    folder.mkdir()
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nthreads = 2\n', encoding="utf-8"
    )
    out = tmp_path / "gesprek.srt"
    runner = CliRunner()
    result = runner.invoke(cli, ["-C", str(folder), "transcribe", str(recording), "-o", str(out)])
    assert result.exit_code == 0, result.output
    srt = out.read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:0") and "interviewer: " in srt and "participant: " in srt
    assert "100%" in result.stderr and str(out) in result.stderr
    as_json = runner.invoke(
        cli, ["-C", str(folder), "transcribe", str(recording), "--format", "json"]
    )
    data = json.loads(as_json.stdout)
    assert data["segments"][0]["words"] and data["engine"] == "faster-whisper"
    assert sorted(p.name for p in folder.iterdir()) == ["goodwork.toml"]  # no workspace
