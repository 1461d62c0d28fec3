import wave
from pathlib import Path

import numpy as np
import pytest
from audio_samples import FORMATS, encode
from helpers import make_tone

from goodwork_pipeline.errors import AudioError
from goodwork_pipeline.intake.audio import AUDIO_SUFFIXES, SAMPLE_RATE
from goodwork_pipeline.intake.recording import load_audio


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16) / 32768


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Six seconds of the voice-like test sound at 16 kHz."""
    return read_wav(make_tone(tmp_path_factory.mktemp("voice") / "voice.wav", seconds=6.0))


def test_every_accepted_suffix_has_a_test_format() -> None:
    assert set(FORMATS) == set(AUDIO_SUFFIXES)


@pytest.mark.parametrize("suffix", AUDIO_SUFFIXES)
def test_every_format_decodes(tmp_path: Path, voice: np.ndarray, suffix: str) -> None:
    """Written by PyAV's encoders at the format's usual rate and channels, read back as 16 kHz,
    the speech found by voice activity detection, the level kept."""
    _fmt, _codec, rate, channels, _options = FORMATS[suffix]
    path = encode(tmp_path / f"opname{suffix}", voice)
    audio = load_audio(path)
    assert audio.channels == channels
    assert audio.source_rate in (rate, 48000)  # Opus always decodes at 48 kHz
    assert audio.duration == pytest.approx(6.0, abs=0.1)
    assert audio.speech and sum(s.duration for s in audio.speech) > 4.0
    level = float(np.sqrt(np.mean(audio.mono() ** 2)))
    assert level == pytest.approx(float(np.sqrt(np.mean(voice**2))), rel=0.25)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000])
def test_any_sample_rate_becomes_16k(tmp_path: Path, rate: int) -> None:
    path = make_tone(tmp_path / f"r{rate}.wav", seconds=4.0, rate=rate)
    audio = load_audio(path)
    assert audio.source_rate == rate
    assert audio.pcm.shape[1] == pytest.approx(4.0 * SAMPLE_RATE, abs=SAMPLE_RATE * 0.02)


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
    path = tmp_path / "stil.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 16000 * 5)
    with pytest.raises(AudioError, match="silence"):
        load_audio(path)


@pytest.mark.parametrize("suffix", [".m4a", ".mp3", ".flac", ".webm", ".ogg", ".opus", ".mp4"])
def test_truncated_compressed_files(tmp_path: Path, voice: np.ndarray, suffix: str) -> None:
    """A copy cut off half way is recognised: by the length in the header, or (Ogg, which has
    none) by the missing end-of-stream page. (.aac, a bare stream, cannot tell.)"""
    whole = encode(tmp_path / f"heel{suffix}", voice).read_bytes()
    path = tmp_path / f"afgebroken{suffix}"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(AudioError) as error:
        load_audio(path)
    assert "truncated" in str(error.value) or "not an audio file" in str(error.value)
    assert "afgebroken" in str(error.value)


@pytest.mark.parametrize(
    "sound",
    ["tone", "noise", "chord"],
)
def test_sound_without_speech_is_rejected(tmp_path: Path, sound: str) -> None:
    """Loud enough, long enough, but nobody speaking: voice activity finds no speech."""
    t = np.arange(8 * SAMPLE_RATE) / SAMPLE_RATE
    signals = {
        "tone": 0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)),
        "noise": 0.1 * np.random.default_rng(1).standard_normal(len(t)),
        "chord": 0.1 * sum(np.sin(2 * np.pi * f * t) for f in (262, 330, 392)),
    }
    path = tmp_path / f"{sound}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((signals[sound] * 32767).astype("<i2").tobytes())
    with pytest.raises(AudioError) as error:
        load_audio(path)
    assert "contains no speech" in str(error.value)
    assert "geen gesproken tekst" in error.value.nl


def test_video_without_sound_is_not_audio(tmp_path: Path) -> None:
    import av

    path = tmp_path / "film.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(30):
            frame = av.VideoFrame.from_ndarray(
                np.full((48, 64, 3), i * 8, dtype=np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(AudioError, match="not an audio file"):
        load_audio(path)


def test_unreadable_file(tmp_path: Path) -> None:
    """A folder that looks like a recording, or a file we may not read, says so."""
    path = tmp_path / "opname.wav"
    path.mkdir()
    with pytest.raises(AudioError) as error:
        load_audio(path)
    assert "opname.wav cannot be read" in str(error.value)
    assert "kan niet worden gelezen" in error.value.nl
