from pathlib import Path

import numpy as np
import pytest
from helpers import make_tone

from goodwork_pipeline.audio import SAMPLE_RATE, load_audio
from goodwork_pipeline.errors import AudioError


def test_decodes_to_16k_mono(tone_wav: Path) -> None:
    audio = load_audio(tone_wav)
    assert audio.channels == 1
    assert audio.duration == pytest.approx(5.0, abs=0.05)
    assert audio.samples.dtype == np.float32
    assert audio.source_rate == 16000


def test_stereo_is_kept_per_channel_and_resampled(tmp_path: Path) -> None:
    path = make_tone(tmp_path / "stereo.wav", seconds=4.0, rate=44100, channels=2)
    audio = load_audio(path)
    assert audio.channels == 2
    assert audio.samples.shape[1] == pytest.approx(4.0 * SAMPLE_RATE, abs=SAMPLE_RATE * 0.02)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "leeg.m4a"
    path.write_bytes(b"")
    with pytest.raises(AudioError) as error:
        load_audio(path)
    assert "leeg.m4a" in str(error.value) and "empty" in str(error.value)
    assert "leeg" in error.value.nl


def test_text_renamed_to_mp3(tmp_path: Path) -> None:
    path = tmp_path / "notities.mp3"
    path.write_text("Dit is geen opname maar een boodschappenlijst.\n" * 20, encoding="utf-8")
    with pytest.raises(AudioError) as error:
        load_audio(path)
    assert "notities.mp3" in str(error.value)
    assert "not an audio file" in str(error.value)
    assert "geen geluidsbestand" in error.value.nl


def test_truncated_wav(tmp_path: Path, tone_wav: Path) -> None:
    data = tone_wav.read_bytes()
    path = tmp_path / "afgebroken.wav"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioError, match="truncated"):
        load_audio(path)


def test_too_short(tmp_path: Path) -> None:
    path = make_tone(tmp_path / "kort.wav", seconds=1.0)
    with pytest.raises(AudioError, match=r"only 1\.0 s"):
        load_audio(path, min_duration=3.0)


def test_silence(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "stil.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 16000 * 5)
    with pytest.raises(AudioError, match="silence"):
        load_audio(path)
