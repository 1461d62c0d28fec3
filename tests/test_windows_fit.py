"""The windows handed to an engine always fit the audio they are cut from (issue 11, point 1).

A real recording whose speech ran to its very last sample crashed faster-whisper's batched
pipeline (``AssertionError: non-negative timestamp expected``): a window end rounded to
milliseconds lay past the last sample, so the windows added up to more than the audio.
The property tests check, without a model, what the engine is given over random speech
layouts and sample counts; the regression tests run the real stage on recordings cut
mid-word (real Dutch speech from ../shared when present, espeak-ng speech always).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import SHARED_SPEECH, require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.recording import load_audio
from goodwork_pipeline.intake.vad import Span, speech_spans
from goodwork_pipeline.models import PARTICIPANT, Segment
from goodwork_pipeline.settings import Settings, load_settings
from goodwork_pipeline.testing.samples import synthesize
from goodwork_pipeline.transcription.chunking import fit_windows, plan_chunks, split_long_spans
from goodwork_pipeline.transcription.engine import TranscribeOptions
from goodwork_pipeline.transcription.stage import AUDIO_CACHE, Transcription, TranscriptionPlan


def assert_fits(windows: tuple[tuple[float, float], ...], sample_count: int) -> None:
    """What faster-whisper does with clip_timestamps (``int(seconds * 16000)``) holds up."""
    samples = [(int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)) for start, end in windows]
    previous = 0
    for first, last in samples:
        assert 0 <= previous <= first < last <= sample_count, (samples, sample_count)
        previous = last
    assert sum(last - first for first, last in samples) <= sample_count
    assert all(start >= 0.0 for start, _end in windows)


raw_windows = st.lists(
    st.tuples(st.floats(-1.0, 200.0), st.floats(-1.0, 200.0)).map(sorted).map(tuple),
    max_size=12,
)


@given(windows=raw_windows, sample_count=st.integers(0, 200 * SAMPLE_RATE))
@settings(max_examples=300, deadline=None)
def test_fitted_windows_lie_inside_the_samples_and_never_overlap(
    windows: list[tuple[float, float]], sample_count: int
) -> None:
    fitted = fit_windows(windows, sample_count)
    assert_fits(fitted, sample_count)
    assert fit_windows(fitted, sample_count) == fitted  # the engines fit again: a no-op


@st.composite
def speech_layouts(draw: st.DrawFn) -> tuple[int, list[Span]]:
    """A sample count and stretches of speech as voice activity reports them (milliseconds),
    often running to the last sample, where rounding lands past it."""
    sample_count = draw(st.integers(2 * SAMPLE_RATE, 90 * SAMPLE_RATE))
    duration = sample_count / SAMPLE_RATE
    cuts = sorted(draw(st.lists(st.floats(0.0, duration), min_size=2, max_size=16)))
    if draw(st.booleans()):
        cuts[-1] = duration  # speech up to the very last sample
    if len(cuts) % 2:
        cuts = cuts[:-1]
    spans = [
        Span(round(cuts[i], 3), round(cuts[i + 1], 3))
        for i in range(0, len(cuts), 2)
        if round(cuts[i + 1], 3) - round(cuts[i], 3) >= 0.05
    ]
    return sample_count, spans


class FitChecker:
    """An engine that hears nothing and checks every call's windows against its samples."""

    engine = "check"
    model = "check"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        self.calls += 1
        assert options.windows, "a window list must never be empty (empty means: all audio)"
        assert_fits(options.windows, len(samples))
        return []


@given(layout=speech_layouts())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_engine_call_gets_windows_that_fit_its_piece(
    layout: tuple[int, list[Span]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    sample_count, spans = layout
    audio = Audio(np.zeros((1, sample_count), dtype=np.int16), 1, SAMPLE_RATE, "pcm_s16le")
    speech = split_long_spans(spans, audio)
    sha = f"layout-{sample_count}-{len(spans)}"
    AUDIO_CACHE.put(sha, audio)
    plan = TranscriptionPlan(
        source="layout.wav",
        audio_sha256=sha,
        duration=audio.duration,
        channels=1,
        speech=tuple(speech),
        chunks=tuple(plan_chunks(speech, audio.duration, target=40.0)),
        options=TranscribeOptions(),
        engine="check",
        model="check",
        settings_key="k",
    )
    checker = FitChecker()
    stage = Transcription(load_settings(Path("."), environ={}), transcriber=checker)
    results = [stage.run_chunk(plan, index) for index in range(len(plan.chunks))]
    assert checker.calls >= (1 if speech else 0)
    # Nothing is silently lost: an engine that hears nothing leaves every stretch a gap.
    gaps = [g for result in results for g in result.gaps]
    for span in speech:
        assert any(min(g.end, span.end) > max(g.start, span.start) for g in gaps), span


# Regression: real recordings whose speech runs to the last sample -----------------------------


def cut_mid_speech(samples: np.ndarray) -> np.ndarray:
    """The recording cut in the middle of its last longer stretch of speech (mid-word, read
    speech has no pauses inside a stretch), to a length whose end rounds up to the next
    millisecond: the case where a rounded window end lies past the last sample."""
    spans = [s for s in speech_spans(samples.astype(np.float32) / 32768.0) if s.duration >= 1.0]
    assert spans, "no speech to cut in"
    middle = round((spans[-1].start + spans[-1].duration / 2) * SAMPLE_RATE)
    return samples[: middle - middle % 16 + 12]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def ends_in_speech(path: Path) -> bool:
    audio = load_audio(path, min_duration=0.0, min_speech=0.0)
    spans = speech_spans(audio)
    return bool(spans) and spans[-1].end >= audio.duration - 0.05


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Settings:
    folder = tmp_path_factory.mktemp("ends-in-speech")
    return load_settings(folder, environ={}, model_cache=model_cache, threads=2)


@pytest.mark.slow
def test_a_real_recording_ending_mid_word_is_transcribed(
    real_settings: Settings, tmp_path: Path
) -> None:
    clip = SHARED_SPEECH / "audio" / "nl_nathalie_01.wav"
    if not clip.is_file():
        pytest.skip(f"real Dutch speech not found at {SHARED_SPEECH} (optional)")
    full = load_audio(clip, min_duration=0.0, min_speech=0.0).pcm[0]
    path = write_wav(tmp_path / "ends-mid-word.wav", cut_mid_speech(full))
    assert ends_in_speech(path)
    transcript = Transcription(real_settings).transcribe_file(path)
    words = [w for s in transcript.segments for w in s.words]
    assert len(words) >= 10
    assert words[-1].end >= transcript.duration - 3.0  # the speech up to the cut is there


@pytest.mark.slow
def test_espeak_speech_ending_mid_word_goes_through_goodwork_transcribe(
    real_settings: Settings, tmp_path: Path
) -> None:
    from flows.cli import cli

    require_tool("espeak-ng")
    spoken = tmp_path / "spoken.wav"
    synthesize(
        [
            (PARTICIPANT, "Ik werk al twintig jaar in de thuiszorg."),
            (PARTICIPANT, "Wat ik het mooiste vind, is dat de cliënt zelf mag kiezen."),
        ],
        spoken,
    )
    full = load_audio(spoken, min_duration=0.0, min_speech=0.0).pcm[0]
    path = write_wav(tmp_path / "afgebroken.wav", cut_mid_speech(full))
    assert ends_in_speech(path)
    result = CliRunner().invoke(
        cli,
        ["-C", str(real_settings.base_dir), "transcribe", str(path)],
        env={"GOODWORK_MODEL_CACHE": str(real_settings.model_cache), "GOODWORK_THREADS": "2"},
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "100%" in result.output  # all speech done (espeak-ng is hard for 'base': no words)
    assert len(result.stdout.split()) >= 8
