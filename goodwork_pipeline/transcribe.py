"""Speech to text, locally: engines behind one small interface, and the transcript files.

``Transcriber`` is the interface; ``FasterWhisperTranscriber`` is the real engine (CTranslate2
on the CPU) and ``ScriptedTranscriber`` a working fake for fast tests of later stages.
``make_transcriber`` picks the engine the settings name; the optional openai-whisper engine
lives in ``engines/openai_whisper.py`` and is imported only when chosen.
Nothing here sends audio anywhere.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from .audio import SAMPLE_RATE, Audio
from .files import atomic_write_text
from .models import Segment, Transcript, Word
from .settings import Settings
from .whisper_model import ModelLocation, resolve_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranscribeOptions:
    language: str = "nl"
    beam_size: int = 5
    vocabulary: tuple[str, ...] = ()


class Transcriber(Protocol):
    engine: str
    model: str

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        """Transcribe 16 kHz mono float32 samples into segments with word timings."""
        ...


class FasterWhisperTranscriber:
    """faster-whisper on the CPU; the model is loaded once per process and shared."""

    engine = "faster-whisper"

    _models: ClassVar[dict[tuple[str, str, int], Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, location: ModelLocation, *, compute_type: str, threads: int, cache: Path):
        self.location = location
        self.model = location.label
        self.compute_type = compute_type
        self.threads = threads
        self.cache = cache

    @classmethod
    def from_settings(cls, settings: Settings) -> FasterWhisperTranscriber:
        location = resolve_model(
            settings.model, base_dir=settings.base_dir, cache_dir=settings.model_cache_dir
        )
        return cls(
            location,
            compute_type=settings.compute_type,
            threads=settings.threads,
            cache=settings.model_cache_dir,
        )

    def _whisper(self) -> Any:
        from faster_whisper import WhisperModel

        key = (self.location.path_or_name, self.compute_type, self.threads)
        with self._lock:
            if key not in self._models:
                log.info("loading Whisper model %s (%s)", self.model, self.compute_type)
                self._models[key] = WhisperModel(
                    self.location.path_or_name,
                    device="cpu",
                    compute_type=self.compute_type,
                    cpu_threads=self.threads,
                    download_root=str(self.cache / "downloads") if self.location.download else None,
                    local_files_only=not self.location.download,
                )
            return self._models[key]

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        prompt = ", ".join(options.vocabulary) if options.vocabulary else None
        segments, _info = self._whisper().transcribe(
            samples,
            language=options.language,
            beam_size=options.beam_size,
            vad_filter=True,
            word_timestamps=True,
            initial_prompt=prompt,
            condition_on_previous_text=False,
        )
        result = []
        for index, segment in enumerate(segments):
            words = tuple(
                Word(round(w.start, 2), round(w.end, 2), w.word.strip(), round(w.probability, 3))
                for w in segment.words or ()
            )
            result.append(
                Segment(
                    id=index,
                    start=round(segment.start, 2),
                    end=round(segment.end, 2),
                    text=segment.text.strip(),
                    words=words,
                    confidence=round(float(np.exp(segment.avg_logprob)), 3),
                )
            )
        return result


def make_transcriber(settings: Settings) -> Transcriber:
    """The engine the settings choose; optional engines are imported only when chosen."""
    if settings.engine == "openai-whisper":
        from .engines.openai_whisper import OpenAIWhisperTranscriber

        return OpenAIWhisperTranscriber.from_settings(settings)
    return FasterWhisperTranscriber.from_settings(settings)


class ScriptedTranscriber:
    """A fake engine that 'hears' a fixed script: each line becomes one timed segment."""

    engine = "scripted"
    model = "script"

    def __init__(self, lines: Sequence[tuple[str | None, str]], seconds_per_line: float = 4.0):
        self.lines = list(lines)
        self.seconds_per_line = seconds_per_line
        self.calls = 0

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        self.calls += 1
        return [
            Segment(
                id=i,
                start=i * self.seconds_per_line,
                end=(i + 1) * self.seconds_per_line,
                text=text,
                speaker=speaker,
            )
            for i, (speaker, text) in enumerate(self.lines)
        ]


def transcribe_audio(
    audio: Audio, transcriber: Transcriber, options: TranscribeOptions
) -> Transcript:
    segments = transcriber.transcribe(audio.mono(), options)
    return Transcript(
        segments=tuple(segments),
        language=options.language,
        duration=round(audio.samples.shape[1] / SAMPLE_RATE, 2),
        engine=transcriber.engine,
        model=transcriber.model,
    )


# Transcript files ------------------------------------------------------------------------


def write_transcript(transcript: Transcript, folder: Path) -> dict[str, Path]:
    """Write JSON, plain text, SRT and WebVTT versions; return them by format."""
    paths = {
        "json": folder / "transcript.json",
        "txt": folder / "transcript.txt",
        "srt": folder / "transcript.srt",
        "vtt": folder / "transcript.vtt",
    }
    atomic_write_text(paths["txt"], to_text(transcript))
    atomic_write_text(paths["srt"], to_srt(transcript))
    atomic_write_text(paths["vtt"], to_vtt(transcript))
    # JSON last: its presence means the whole set is complete.
    atomic_write_text(paths["json"], json.dumps(transcript.to_json(), ensure_ascii=False, indent=1))
    return paths


def read_transcript(path: Path) -> Transcript:
    return Transcript.from_json(json.loads(path.read_text(encoding="utf-8")))


def to_text(transcript: Transcript) -> str:
    lines: list[str] = []
    speaker: str | None = None
    for segment in transcript.segments:
        stamp = format_timestamp(segment.start, style="short")
        if segment.speaker and segment.speaker != speaker:
            speaker = segment.speaker
            lines.append(f"\n{speaker}:")
        lines.append(f"[{stamp}] {segment.text}")
    for gap in transcript.gaps:
        lines.append(
            f"[{format_timestamp(gap.start, style='short')}-"
            f"{format_timestamp(gap.end, style='short')}] (niet verstaan: {gap.reason})"
        )
    return "\n".join(lines).strip() + "\n"


def to_srt(transcript: Transcript) -> str:
    blocks = []
    for number, segment in enumerate(transcript.segments, start=1):
        text = f"{segment.speaker}: {segment.text}" if segment.speaker else segment.text
        blocks.append(
            f"{number}\n{format_timestamp(segment.start, style='srt')} --> "
            f"{format_timestamp(segment.end, style='srt')}\n{text}\n"
        )
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    for segment in transcript.segments:
        text = f"<v {segment.speaker}>{segment.text}" if segment.speaker else segment.text
        blocks.append(
            f"{format_timestamp(segment.start, style='vtt')} --> "
            f"{format_timestamp(segment.end, style='vtt')}\n{text}\n"
        )
    return "\n".join(blocks)


def format_timestamp(seconds: float, *, style: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    if style == "short":
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    separator = "," if style == "srt" else "."
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"
