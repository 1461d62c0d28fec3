"""The 'engine' setting picks the transcriber; the optional engine is imported only then."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goodwork_pipeline.errors import SettingsError
from goodwork_pipeline.settings import Settings, load_settings
from goodwork_pipeline.transcription.engine import FasterWhisperTranscriber, make_transcriber


def test_faster_whisper_is_the_default_engine(settings: Settings) -> None:
    assert settings.engine == "faster-whisper"
    assert isinstance(make_transcriber(settings), FasterWhisperTranscriber)


def test_the_engine_comes_from_toml_or_environment_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text('engine = "openai-whisper"\n', encoding="utf-8")
    assert load_settings(tmp_path, environ={}).engine == "openai-whisper"
    environ = {"GOODWORK_ENGINE": "faster-whisper"}
    assert load_settings(tmp_path, environ=environ).engine == "faster-whisper"
    with pytest.raises(SettingsError, match="'engine'"):
        load_settings(tmp_path, environ={"GOODWORK_ENGINE": "whisperx"})


def test_the_default_engine_never_loads_pytorch() -> None:
    code = (
        "import sys; from goodwork_pipeline.pipeline import Pipeline; "
        "from goodwork_pipeline.transcription.engine import make_transcriber; "
        "import faster_whisper; print('torch' in sys.modules, 'whisper' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
