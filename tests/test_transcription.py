"""The transcription stage around the engine: chunks, windows, gaps, loops, stitching.

Fast tests use small fake engines (below) on a voice-like sound, so they check the stage's
own logic; tests marked slow run the real Whisper model on espeak-ng conversations.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers import make_tone

from goodwork_pipeline.intake.audio import SAMPLE_RATE
from goodwork_pipeline.intake.recording import load_audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import Segment, Sidecar, Word
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription import repetition
from goodwork_pipeline.transcription.chunking import MAX_WINDOW_S, Packing, plan_chunks
from goodwork_pipeline.transcription.decoding import LOOP_CUT, NOT_UNDERSTOOD
from goodwork_pipeline.transcription.engine import TranscribeOptions
from goodwork_pipeline.transcription.progress import ProgressMeter
from goodwork_pipeline.transcription.segments import join_words
from goodwork_pipeline.transcription.stage import ChunkResult, Transcription

# Fakes ------------------------------------------------------------------------------------


class WindowEngine:
    """Hears every window as numbered words spread over it; ``hear`` can change that.

    ``hear(window_index_overall, call, options)`` returns the words for a window (a list of
    strings) or None for the default; ``position`` is the window's place in the call. Records
    every call's options. (The stage gives an engine only the audio a call needs, so window
    times start near 0 in every call.)
    """

    engine = "fake-windows"
    model = "fake"

    def __init__(
        self, hear: Callable[[int, int, TranscribeOptions], list[str] | None] | None = None
    ):
        self.hear = hear
        self.calls: list[TranscribeOptions] = []
        self.windows_seen = 0
        self.position = 0

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        self.calls.append(options)
        segments = []
        for position, (start, end) in enumerate(options.windows):
            index = self.windows_seen
            self.windows_seen += 1
            self.position = position
            words = self.hear(index, len(self.calls), options) if self.hear else None
            if words is None:
                words = [f"woord{index}x{i}" for i in range(max(1, int((end - start) * 2)))]
            if not words:
                continue
            step = (end - start) / len(words)
            timed = tuple(
                Word(round(start + i * step, 3), round(start + (i + 1) * step, 3), w, 0.9)
                for i, w in enumerate(words)
            )
            segments.append(
                Segment(len(segments), start, end, " ".join(words), words=timed, confidence=0.9)
            )
        return segments


def voice_with_pauses(path: Path, pieces: list[tuple[str, float]]) -> Path:
    """A recording of voice-like sound ('v', seconds) and silences ('s', seconds)."""
    tone = make_tone(path.with_name("bron.wav"), seconds=max(s for _, s in pieces) + 1)
    with wave.open(str(tone)) as handle:
        voice = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    parts = [
        voice[: int(seconds * SAMPLE_RATE)]
        if kind == "v"
        else np.zeros(int(seconds * SAMPLE_RATE), np.int16)
        for kind, seconds in pieces
    ]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(np.concatenate(parts).astype("<i2").tobytes())
    return path


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """About 75 s: eleven stretches of 'speech' between pauses of 1 to 3 s."""
    pieces: list[tuple[str, float]] = [("s", 0.5)]
    for i in range(11):
        pieces += [("v", 4.0 + (i % 3)), ("s", 1.0 + (i % 3))]
    return voice_with_pauses(tmp_path / "gesprek.wav", pieces)


def all_words(segments: tuple[Segment, ...] | list[Segment]) -> list[str]:
    return [w.text for s in segments for w in s.words]


# Repetition loops --------------------------------------------------------------------------


def test_a_sentence_repeated_is_a_loop_but_everyday_repetition_is_not() -> None:
    loop = "ik weet het niet " * 5
    found = repetition.find_loop(("dus " + loop + "en toen").split())
    assert found is not None and found.unit == 4 and found.repeats == 5 and found.start == 1
    for ordinary in (
        "nee nee nee dat wil ik niet",
        "het is heel heel belangrijk",
        "ja ja ja ja ik snap het",
        "we gingen, we gingen naar huis",
    ):
        assert repetition.find_loop(ordinary.split()) is None, ordinary
    assert repetition.find_loop(["dank", "je"] * 6) is not None
    assert repetition.find_loop(["ja"] * 8) is not None


def test_collapse_keeps_one_copy_and_says_where() -> None:
    texts = ["Wat", "mooi."] + ["Dat", "is", "het", "belangrijkste."] * 6 + ["Klaar."]
    words = [Word(float(i), i + 0.5, t) for i, t in enumerate(texts)]
    kept, spans = repetition.collapse(words)
    assert [w.text for w in kept] == [
        "Wat",
        "mooi.",
        "Dat",
        "is",
        "het",
        "belangrijkste.",
        "Klaar.",
    ]
    assert spans == [(2.0, 25.5)]


# Chunks and windows ------------------------------------------------------------------------


def test_chunks_are_cut_in_the_longest_pause_near_the_target() -> None:
    spans = [Span(float(i * 10), i * 10 + 8.0) for i in range(30)]  # 2 s pauses
    spans[13] = Span(130.0, 133.0)  # a 7 s pause after 133 s
    chunks = plan_chunks(spans, 300.0, target=120)
    assert chunks[0].speech[-1] == Span(130.0, 133.0)  # cut in the long pause
    assert chunks[0].end == pytest.approx(136.5)
    assert [c.start for c in chunks[1:]] == [c.end for c in chunks[:-1]]  # no hole, no overlap
    assert chunks[-1].end == 300.0
    assert sum(len(c.speech) for c in chunks) == len(spans)  # every stretch in one chunk
    assert all(c.end - c.start <= 120 * 1.25 + 10 for c in chunks)


def test_windows_pack_speech_without_pauses_and_map_back() -> None:
    spans = (Span(1.0, 11.0), Span(20.0, 35.0), Span(40.0, 50.0), Span(60.0, 62.0))
    packing = Packing(spans)
    windows = packing.windows()
    assert [w[1] for w in windows] == [spans[:2], spans[2:]]
    assert all(end - start <= MAX_WINDOW_S for (start, end), _ in windows)
    assert packing.to_recording(0.0) == 1.0
    assert packing.to_recording(12.5) == 22.5  # 10 s of the first stretch, then 2.5 s
    # a word timed across the seam of two stretches goes to the one holding most of it
    word = packing.word_to_recording(Word(9.8, 10.6, "twee"))
    assert (word.start, word.end) == (20.0, 20.6)


# Nothing lost ------------------------------------------------------------------------------


def test_every_stretch_of_speech_is_text_or_a_listed_gap(
    settings: Settings, recording: Path
) -> None:
    """A window the engine returns nothing for is decoded again on its own (with temperature
    fallback); when that fails too, its stretches are listed as 'niet verstaan'."""

    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        return [] if index == 1 or (call > 1 and len(options.temperatures) > 1) else None

    engine = WindowEngine(hear)
    stage = Transcription(settings, engine)
    plan = stage.plan(recording)
    transcript = stage.assemble(plan, [stage.run_chunk(plan, 0)], Sidecar())
    redecodes = [o for o in engine.calls if len(o.temperatures) > 1]
    assert redecodes and not any(o.condition_on_previous_text for o in redecodes)
    assert transcript.gaps and {g.reason for g in transcript.gaps} == {NOT_UNDERSTOOD}
    for span in plan.speech:
        heard = any(
            w.start < span.end and w.end > span.start for s in transcript.segments for w in s.words
        )
        listed = any(g.start <= span.start and g.end >= span.end for g in transcript.gaps)
        assert heard != listed, span  # exactly one of the two


def test_a_stretch_no_word_landed_in_is_decoded_alone(settings: Settings, recording: Path) -> None:
    """The engine hears a window but puts all its words in the first stretch: the other
    stretches are decoded again alone, and what they hold is added (nothing twice)."""

    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        if call == 1:
            return None
        return [f"later{call}"]

    class Squeezing(WindowEngine):
        def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
            segments = super().transcribe(samples, options)
            if len(self.calls) > 1:
                return segments
            squeezed = []
            for segment, (start, _end) in zip(segments, options.windows, strict=True):
                words = tuple(
                    Word(start + i * 0.1, start + i * 0.1 + 0.05, w.text)
                    for i, w in enumerate(segment.words)
                )
                squeezed.append(Segment(segment.id, start, start + 2, segment.text, words=words))
            return squeezed

    engine = Squeezing(hear)
    stage = Transcription(settings, engine)
    plan = stage.plan(recording)
    transcript = stage.assemble(plan, [stage.run_chunk(plan, 0)], Sidecar())
    words = all_words(transcript.segments)
    assert any(w.startswith("later") for w in words)
    assert len(words) == len(set(words))  # nothing twice
    assert not transcript.gaps


def test_whisper_defaults_that_drop_windows_are_off(settings: Settings, recording: Path) -> None:
    engine = WindowEngine()
    stage = Transcription(settings, engine)
    plan = stage.plan(recording)
    stage.run_chunk(plan, 0)
    first = engine.calls[0]
    assert first.windows and not first.condition_on_previous_text
    assert sum(e - s for s, e in first.windows) == pytest.approx(plan.speech_seconds, abs=0.1)


# Loops through the stage -------------------------------------------------------------------

LOOPED = ["Dat", "vond", "ik", "echt", "moeilijk."] * 8


def test_a_loop_is_decoded_again_in_pieces_and_repaired(
    settings: Settings, recording: Path
) -> None:
    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        return LOOPED if index == 0 else None

    engine = WindowEngine(hear)
    stage = Transcription(settings, engine)
    plan = stage.plan(recording)
    result = stage.run_chunk(plan, 0)
    assert result.repaired_loops == 1 and not result.gaps
    assert "moeilijk." not in all_words(result.segments)
    repair = engine.calls[1]  # the looping window again, in pieces of <= 10 s of speech
    assert len(repair.windows) > 1 and all(e - s <= 10.5 for s, e in repair.windows)
    assert repair.windows[0][0] == engine.calls[0].windows[0][0]
    assert not repair.condition_on_previous_text


def test_a_piece_that_keeps_looping_gets_temperature_fallback(
    settings: Settings, recording: Path
) -> None:
    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        if index == 0 or (call == 2 and engine.position == 0):
            return LOOPED  # the window, and its first piece decoded again
        if call == 3:  # that piece alone, with temperature fallback
            return ["Dat", "vond", "ik", "echt", "moeilijk."]
        return None

    engine = WindowEngine(hear)
    stage = Transcription(settings, engine)
    plan = stage.plan(recording)
    result = stage.run_chunk(plan, 0)
    assert result.repaired_loops == 1 and not result.gaps
    assert all_words(result.segments).count("moeilijk.") == 1
    ladder = next(o for o in engine.calls if len(o.temperatures) > 1)
    assert ladder.temperatures[0] == 0.0 and not ladder.condition_on_previous_text
    assert len(ladder.windows) == 1


def test_a_loop_that_stays_is_cut_to_one_copy_and_flagged(
    settings: Settings, recording: Path
) -> None:
    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        return LOOPED if index == 0 or call > 1 else None

    stage = Transcription(settings, WindowEngine(hear))
    plan = stage.plan(recording)
    result = stage.run_chunk(plan, 0)
    first_window = [w for w in all_words_objects(result) if w.start < 25]
    assert [w.text for w in first_window].count("moeilijk.") <= 3  # one copy per piece
    flags = [g for g in result.gaps if g.reason == LOOP_CUT]
    assert flags and all(g.end > g.start >= 0 for g in flags)


def test_vocabulary_goes_to_the_engine_and_a_written_out_prompt_is_caught(
    settings: Settings, recording: Path
) -> None:
    """Names reach the engine as a prompt; a window that only repeats the prompt is decoded
    again (sampling, then without the prompt) so the prompt never replaces what was said."""
    vocabulary = ("Joke Wubbels", "Sonnevanck")

    def hear(index: int, call: int, options: TranscribeOptions) -> list[str] | None:
        if (index == 0 or call == 2) and options.vocabulary:
            return (options.prompt() or "").split()  # a stubborn echo of the first window
        return None

    engine = WindowEngine(hear)
    stage = Transcription(settings, engine)
    plan = stage.plan(recording, sidecar=Sidecar(vocabulary=vocabulary))
    result = stage.run_chunk(plan, 0)
    assert engine.calls[0].vocabulary == vocabulary
    assert "Wubbels" in (engine.calls[0].prompt() or "")
    assert engine.calls[-2].vocabulary == vocabulary  # first retry: sampling, with the prompt
    assert engine.calls[-2].temperatures[0] > 0
    assert engine.calls[-1].vocabulary == ()  # then without the prompt
    assert "Sonnevanck." not in all_words(result.segments)
    assert result.segments[0].start == pytest.approx(plan.speech[0].start, abs=0.01)


# Stitching, progress, cache keys -----------------------------------------------------------


def test_chunks_stitch_without_lost_or_doubled_words(settings: Settings, recording: Path) -> None:
    stage = Transcription(settings.model_copy(update={"chunk_seconds": 20.0}), WindowEngine())
    plan = stage.plan(recording)
    assert len(plan.chunks) >= 3
    results = [stage.run_chunk(plan, i) for i in range(len(plan.chunks))]
    transcript = stage.assemble(plan, list(reversed(results)), Sidecar())
    words = [w for s in transcript.segments for w in s.words]
    assert len(words) == len({w.text for w in words})  # none twice
    assert [w.start for w in words] == sorted(w.start for w in words)
    for span in plan.speech:  # none lost: every stretch has its words
        assert any(span.start <= w.start < span.end for w in words), span
    chunk_of = {c.index: c for c in plan.chunks}
    for result in results:
        chunk = chunk_of[result.index]
        assert all(chunk.start <= w.start and w.end <= chunk.end for w in all_words_objects(result))


def all_words_objects(result: ChunkResult) -> list[Word]:
    return [w for s in result.segments for w in s.words]


def test_chunk_results_survive_json(settings: Settings, recording: Path) -> None:
    stage = Transcription(settings, WindowEngine(lambda i, c, o: [] if i == 1 else None))
    plan = stage.plan(recording)
    result = stage.run_chunk(plan, 0)
    assert ChunkResult.from_json(result.to_json()) == result


def test_chunk_keys_follow_audio_bounds_engine_model_and_settings(
    settings: Settings, recording: Path, tmp_path: Path
) -> None:
    def key(stage_settings: Settings, path: Path = recording, **sidecar: object) -> str:
        stage = Transcription(stage_settings, WindowEngine())
        return stage.plan(path, sidecar=Sidecar(**sidecar)).chunk_key(0)  # type: ignore[arg-type]

    base = key(settings)
    assert key(settings) == base
    assert key(settings.model_copy(update={"threads": 1})) == base  # threads do not change text
    assert key(settings.model_copy(update={"beam_size": 1})) != base
    assert key(settings.model_copy(update={"compute_type": "float32"})) != base
    assert key(settings, vocabulary=("Anna",)) != base
    other = voice_with_pauses(tmp_path / "ander.wav", [("v", 5.0), ("s", 1.0), ("v", 4.0)])
    assert key(settings, other) != base


def test_progress_says_percentage_and_time_left() -> None:
    meter = ProgressMeter(total=600.0)
    meter.skip(150.0)  # from the cache: done, but says nothing about speed
    assert meter.seconds_left() is None
    meter.started -= 10.0
    meter.advance(50.0)
    assert meter.fraction == pytest.approx(1 / 3)
    assert meter.seconds_left() == pytest.approx(80.0, rel=0.05)
    assert meter.describe().startswith("33% (3:20 of 10:00 of speech), about 80 s left")


def test_words_join_like_text() -> None:
    words = [Word(0, 1, t) for t in ("In", "zo", "'n", "geval,", "nou", "-ja", "(echt)", "!")]
    assert join_words(words) == "In zo'n geval, nou-ja (echt)!"


def test_recording_without_speech_is_not_planned(settings: Settings, tmp_path: Path) -> None:
    from goodwork_pipeline.errors import AudioError

    path = tmp_path / "stilte.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(b"\0\0" * SAMPLE_RATE * 5)
    with pytest.raises(AudioError):
        Transcription(settings, WindowEngine()).plan(path)
    assert load_audio(make_tone(tmp_path / "stem.wav", seconds=4.0)).speech


def test_speech_without_a_pause_is_cut_into_windows(settings: Settings, tmp_path: Path) -> None:
    """Seventy seconds without a breath: cut at its quietest moments into <= 30 s pieces."""
    path = voice_with_pauses(tmp_path / "lang.wav", [("s", 0.5), ("v", 70.0), ("s", 0.5)])
    plan = Transcription(settings, WindowEngine()).plan(path)
    assert len(plan.speech) >= 3
    assert all(span.duration <= MAX_WINDOW_S for span in plan.speech)
    assert all(a.end == b.start for a, b in zip(plan.speech, plan.speech[1:], strict=False))


# Engines -----------------------------------------------------------------------------------


def test_the_engine_is_a_setting_and_a_missing_one_says_what_to_do(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from goodwork_pipeline.errors import ModelError
    from goodwork_pipeline.transcription.engine import (
        ENGINES,
        FasterWhisperTranscriber,
        make_transcriber,
    )

    assert isinstance(make_transcriber(settings), FasterWhisperTranscriber)
    openai = settings.model_copy(update={"engine": "openai-whisper"})
    monkeypatch.setitem(
        ENGINES, "openai-whisper", ("goodwork_pipeline.transcription.engines.absent", "X")
    )
    with pytest.raises(ModelError, match="not part of this version"):
        make_transcriber(openai)
    # the engine's module is there, but what it needs (PyTorch) is not installed
    (tmp_path / "needs_torch.py").write_text("import torch_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(ENGINES, "openai-whisper", ("needs_torch", "X"))
    with pytest.raises(ModelError, match=r"pip install 'goodwork-pipeline\[openai\]'"):
        make_transcriber(openai)
    assert "needs_torch" not in sys.modules
