"""Speech to text, locally: engines behind one small interface.

``Transcriber`` is the interface. ``FasterWhisperTranscriber`` is the default engine
(CTranslate2 on the CPU); ``openai-whisper`` (PyTorch, an optional extra) lives in
``transcription/engines/openai_whisper.py`` and is imported only when the ``engine``
setting asks for it. ``ScriptedTranscriber`` is a working fake for fast tests of later stages.
Nothing here sends audio anywhere.

What an engine must do (``Transcriber.transcribe``): decode 16 kHz mono float32 samples and
return segments whose times (and word times) are seconds in those samples. When
``options.windows`` is given, decode exactly those stretches (each at most 30 s), every one of
them: never skip a window because it "looks like" silence (Whisper's ``no_speech_threshold``
and ``log_prob_threshold`` must not drop text). ``options.temperatures`` is Whisper's
temperature fallback (retry a window at the next temperature when its text is too repetitive,
gzip compression ratio above 2.4); ``condition_on_previous_text`` feeds a window's text to the
next. ``options.vocabulary`` are names and jargon to spell right (prompt or hotwords). The
chunking, voice activity, gap accounting, loop repair and speakers are done around the engine
by ``transcription.py``, the same for every engine.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.models import Segment, Word
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription.chunking import fit_windows
from goodwork_pipeline.transcription.whisper_model import ModelLocation, load_error, resolve_model

log = logging.getLogger(__name__)

# Whisper's classic temperature fallback ladder.
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# How the vocabulary is put to Whisper: a bare list invites it to write the list out
# instead of what was said (seen on our test conversations); a sentence much less so.
VOCABULARY_LEAD = {
    "nl": "In dit gesprek komen deze namen en woorden voor:",
    "en": "Names and words in this conversation:",
}
# Sampling at a temperature above 0 is random; a fixed seed keeps reruns identical.
RANDOM_SEED = 1234


@dataclass(frozen=True)
class TranscribeOptions:
    language: str = "nl"
    beam_size: int = 5
    vocabulary: tuple[str, ...] = ()
    # Stretches (start, end) in seconds of the samples to decode, each <= 30 s; empty: all
    # speech the engine's own voice activity detection finds.
    windows: tuple[tuple[float, float], ...] = ()
    temperatures: tuple[float, ...] = (0.0,)
    condition_on_previous_text: bool = False

    def prompt(self) -> str | None:
        """The vocabulary as a sentence Whisper takes as context, not as text to repeat."""
        if not self.vocabulary:
            return None
        lead = VOCABULARY_LEAD.get(self.language, VOCABULARY_LEAD["en"])
        return f"{lead} {', '.join(self.vocabulary)}."


class Transcriber(Protocol):
    """A speech-to-text engine; see the module docstring for what ``transcribe`` promises.

    ``engine`` and ``model`` name it in transcripts and in the cache keys of chunks.
    """

    engine: str
    model: str

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        """Transcribe 16 kHz mono float32 samples into segments with word timings."""
        ...


# Engines by the name used in the 'engine' setting: module, class (with from_settings).
ENGINES: dict[str, tuple[str, str]] = {
    "faster-whisper": ("goodwork_pipeline.transcription.engine", "FasterWhisperTranscriber"),
    "openai-whisper": (
        "goodwork_pipeline.transcription.engines.openai_whisper",
        "OpenAIWhisperTranscriber",
    ),
}


def make_transcriber(settings: Settings) -> Transcriber:
    """The engine the settings ask for; optional engines are imported only now."""
    module_name, class_name = ENGINES[settings.engine]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise ModelError(
                f"The transcription engine '{settings.engine}' is not part of this version of "
                "goodwork-pipeline. Set engine = 'faster-whisper' in goodwork.toml."
            ) from exc
        raise ModelError(
            f"The transcription engine '{settings.engine}' needs packages that are not "
            f"installed ({exc.name}). Install them with: pip install 'goodwork-pipeline[openai]' "
            "(or pip install -e '.[openai]' in a checkout), or set engine = 'faster-whisper'."
        ) from exc
    engine_class = getattr(module, class_name)
    return engine_class.from_settings(settings)


class FasterWhisperTranscriber:
    """faster-whisper on the CPU; the model is loaded once per process and shared.

    With ``batch_size`` > 1, windows decoded at one temperature without previous-text
    conditioning go through faster-whisper's batched pipeline (several 30 s windows per
    encoder and decoder call: about 2x faster on 2 cores at the same accuracy, see
    bench/RESULTS.md); temperature fallback and conditioning use the sequential decoder.
    """

    engine = "faster-whisper"

    _models: ClassVar[dict[tuple[str, str, int], Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        location: ModelLocation,
        *,
        compute_type: str,
        threads: int,
        cache: Path,
        batch_size: int = 4,
    ):
        self.location = location
        self.model = location.label
        self.compute_type = compute_type
        self.threads = threads
        self.cache = cache
        self.batch_size = batch_size

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
            batch_size=settings.batch_size,
        )

    def _whisper(self) -> Any:
        from faster_whisper import WhisperModel

        key = (self.location.path_or_name, self.compute_type, self.threads)
        with self._lock:
            if key not in self._models:
                log.info("loading Whisper model %s (%s)", self.model, self.compute_type)
                try:
                    self._models[key] = WhisperModel(
                        self.location.path_or_name,
                        device="cpu",
                        compute_type=self.compute_type,
                        cpu_threads=self.threads,
                        download_root=(
                            str(self.cache / "downloads") if self.location.download else None
                        ),
                        local_files_only=not self.location.download,
                    )
                except (OSError, RuntimeError, ValueError) as exc:
                    # OSError: huggingface_hub's download and offline errors; RuntimeError
                    # and ValueError: CTranslate2 or the tokenizer reading a damaged file.
                    raise load_error(self.location, exc) from exc
            return self._models[key]

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        windows = fit_windows(options.windows, len(samples))
        if options.windows and not windows:
            return []  # every window lay outside the samples: nothing to decode
        model = self._whisper()
        if options.language not in model.supported_languages:
            raise ModelError(
                f"Whisper does not know the language code '{options.language}'. Use a code "
                "such as nl, en, de or fr (the 'language' setting, or the sidecar's language)."
            )
        common: dict[str, Any] = {
            "language": options.language,
            "beam_size": options.beam_size,
            "word_timestamps": True,
            # Hotwords go in front of every window (an initial prompt only helps the first).
            "hotwords": options.prompt(),
        }
        batched = (
            self.batch_size > 1
            and len(options.temperatures) == 1
            and not options.condition_on_previous_text
        )
        if batched:
            from faster_whisper import BatchedInferencePipeline

            if options.windows:
                common["clip_timestamps"] = [{"start": s, "end": e} for s, e in windows]
            segments, _info = BatchedInferencePipeline(model).transcribe(
                samples,
                temperature=options.temperatures[0],
                batch_size=self.batch_size,
                vad_filter=not options.windows,
                **common,
            )
        else:
            import ctranslate2

            ctranslate2.set_random_seed(RANDOM_SEED)
            if options.windows:
                common["clip_timestamps"] = [t for window in windows for t in window]
            segments, _info = model.transcribe(
                samples,
                temperature=list(options.temperatures),
                condition_on_previous_text=options.condition_on_previous_text,
                # Never drop a window as "no speech": voice activity already said it is.
                no_speech_threshold=None,
                # Only used to decide on temperature fallback (with no_speech off, never to drop).
                log_prob_threshold=-1.0,
                compression_ratio_threshold=2.4,
                vad_filter=not options.windows,
                **common,
            )
        return [_segment(index, segment) for index, segment in enumerate(segments)]


def _segment(index: int, segment: Any) -> Segment:
    words = tuple(
        Word(round(w.start, 2), round(w.end, 2), w.word.strip(), round(w.probability, 3))
        for w in segment.words or ()
        if w.word.strip()
    )
    return Segment(
        id=index,
        start=round(segment.start, 2),
        end=round(segment.end, 2),
        text=segment.text.strip(),
        words=words,
        confidence=round(float(np.exp(segment.avg_logprob)), 3),
    )


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
