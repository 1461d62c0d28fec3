"""openai-whisper, the reference implementation, as a goodwork transcription engine.

Optional: it needs PyTorch and openai-whisper (``pip install torch==2.13.0`` first, for the
CPU build, then ``pip install '.[openai]'``). The settings pick it with
``engine = "openai-whisper"``; nothing imports this module otherwise.

Which weights (the ``model`` setting):

- ``base`` (the default): the bundled offline model, the same weights faster-whisper runs,
  converted once from its CTranslate2 ``model.bin`` by ``ct2_to_openai`` and cached;
- a path to an openai-whisper checkpoint (``.pt``) or to a CTranslate2 model folder;
- another official name (``small``, ``large-v3``, ...): the checkpoint openai-whisper keeps in
  its cache (``~/.cache/whisper``), used only if it is already there and its SHA-256 matches.
  goodwork never downloads it.

The decoding options mirror ``FasterWhisperTranscriber``: Silero voice activity detection
first (faster-whisper's, so both engines see the same speech), word timestamps, the
vocabulary as initial prompt, no conditioning on previous text, float32 on the CPU. PyTorch's
OpenMP threads wait passively (see ``import_torch``), which matters on a shared machine.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.intake.audio import SAMPLE_RATE
from goodwork_pipeline.models import Segment, Word
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription.chunking import fit_windows
from goodwork_pipeline.transcription.engine import TranscribeOptions
from goodwork_pipeline.transcription.engines.ct2_to_openai import derived_checkpoint
from goodwork_pipeline.transcription.whisper_model import (
    BUNDLED_NAME,
    BUNDLED_SHA256,
    bundled_model_dir,
)

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "Install the optional engine with: pip install torch==2.13.0 && "
    "pip install 'goodwork-pipeline[openai]' (or set engine = 'faster-whisper')."
)


@dataclass(frozen=True)
class OpenAICheckpoint:
    """A checkpoint file openai-whisper can load, and where its word-alignment heads come from."""

    path: Path
    label: str
    alignment_heads: str | None = None  # openai-whisper's encoding; None: from the file


def import_torch() -> Any:
    """PyTorch, its OpenMP threads set to sleep rather than spin while they wait.

    Spinning threads are fast on an idle machine, but on a shared one each of the decoder's
    many small operations then waits for a descheduled thread: here that made openai-whisper
    five times slower under load. The policy is read once, when PyTorch loads; an
    ``OMP_WAIT_POLICY`` set by the operator wins.
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    return torch


def _whisper() -> Any:
    try:
        import_torch()
        import whisper
    except ImportError as exc:
        raise ModelError(f"The openai-whisper engine is not installed. {INSTALL_HINT}") from exc
    return whisper


def openai_cache_dir() -> Path:
    """Where openai-whisper keeps downloaded checkpoints (its own default)."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "whisper"


def resolve_checkpoint(model: str, *, base_dir: Path, cache_dir: Path) -> OpenAICheckpoint:
    """Turn the 'model' setting into a checkpoint file, converting or verifying as needed."""
    if model == BUNDLED_NAME:
        folder = bundled_model_dir(cache_dir)
        path = derived_checkpoint(folder, cache_dir, source_sha256=BUNDLED_SHA256)
        return OpenAICheckpoint(path, label=f"{BUNDLED_NAME} (bundled)")
    candidate = Path(model).expanduser()
    if not candidate.is_absolute():
        candidate = base_dir / candidate
    if os.sep in model or model.startswith(".") or candidate.exists():
        if candidate.is_file():
            return OpenAICheckpoint(candidate, label=candidate.name)
        if (candidate / "model.bin").is_file():
            return OpenAICheckpoint(derived_checkpoint(candidate, cache_dir), label=candidate.name)
        raise ModelError(
            f"{candidate} is neither an openai-whisper checkpoint (.pt) nor a CTranslate2 "
            "model folder (with model.bin). Check the 'model' setting.",
            path=candidate,
        )
    return _official(model)


def _official(name: str) -> OpenAICheckpoint:
    whisper = _whisper()
    if name not in whisper._MODELS:
        raise ModelError(
            f"Unknown Whisper model '{name}'. Use 'base' (bundled), a path, or one of: "
            f"{', '.join(whisper.available_models())}."
        )
    url = whisper._MODELS[name]
    path = openai_cache_dir() / os.path.basename(url)
    expected = url.split("/")[-2]  # openai-whisper's URLs carry the file's SHA-256
    if not path.is_file():
        raise ModelError(
            f"The openai-whisper checkpoint '{name}' is not in its cache ({path}), and goodwork "
            "does not download models. Copy the file there, or set 'model' to a checkpoint "
            "path or to 'base' (the bundled model)."
        )
    if sha256_file(path) != expected:
        raise ModelError(
            f"{path} does not match the published SHA-256 of '{name}' ({expected}). "
            "Replace the file with an intact copy.",
            path=path,
        )
    return OpenAICheckpoint(path, label=name, alignment_heads=whisper._ALIGNMENT_HEADS[name])


def load_openai_model(checkpoint: OpenAICheckpoint) -> Any:
    """Build openai-whisper's ``Whisper`` from a checkpoint, in float32 on the CPU."""
    whisper = _whisper()
    torch = import_torch()
    try:
        data = torch.load(checkpoint.path, map_location="cpu", weights_only=True)
        model = whisper.model.Whisper(whisper.model.ModelDimensions(**data["dims"]))
        model.load_state_dict(data["model_state_dict"])
    except (OSError, RuntimeError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(
            f"{checkpoint.path} is not a usable openai-whisper checkpoint ({exc}).",
            path=checkpoint.path,
        ) from exc
    heads = checkpoint.alignment_heads or data.get("alignment_heads")
    if heads:
        model.set_alignment_heads(heads.encode("ascii") if isinstance(heads, str) else heads)
    return model.float().eval()


class OpenAIWhisperTranscriber:
    """openai-whisper on the CPU (float32); the model is loaded once per process and shared."""

    engine = "openai-whisper"

    _models: ClassVar[dict[Path, Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, checkpoint: OpenAICheckpoint, *, threads: int, vad: bool = True):
        self.checkpoint = checkpoint
        self.model = checkpoint.label
        self.threads = threads
        self.vad = vad

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIWhisperTranscriber:
        _whisper()  # fail early, with the install hint, before converting anything
        checkpoint = resolve_checkpoint(
            settings.model, base_dir=settings.base_dir, cache_dir=settings.model_cache_dir
        )
        return cls(checkpoint, threads=settings.threads)

    def _model(self) -> Any:
        with self._lock:
            if self.checkpoint.path not in self._models:
                log.info("loading openai-whisper model %s", self.model)
                self._models[self.checkpoint.path] = load_openai_model(self.checkpoint)
            return self._models[self.checkpoint.path]

    def transcribe(self, samples: np.ndarray, options: TranscribeOptions) -> list[Segment]:
        torch = import_torch()
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        clips: str | list[float] = "0"
        if options.windows:
            # The transcription stage chose the stretches: decode exactly those, every one.
            speech, timeline = samples, None
            clips = [t for window in fit_windows(options.windows, len(samples)) for t in window]
            if not clips:
                return []
        else:
            speech, timeline = _speech_only(samples) if self.vad else (samples, None)
        if speech.size == 0:
            return []
        model = self._model()
        torch.set_num_threads(self.threads)
        with torch.inference_mode():
            result = model.transcribe(
                speech,
                language=options.language,
                task="transcribe",
                beam_size=options.beam_size,
                best_of=5,
                fp16=False,
                word_timestamps=True,
                temperature=options.temperatures,
                # Never drop a window as "no speech": voice activity already said it is.
                no_speech_threshold=None,
                logprob_threshold=-1.0,
                compression_ratio_threshold=2.4,
                # The vocabulary sentence in front of every window, as faster-whisper's hotwords.
                initial_prompt=options.prompt(),
                carry_initial_prompt=True,
                condition_on_previous_text=options.condition_on_previous_text,
                clip_timestamps=clips,
                verbose=None,
            )
        return [_segment(index, raw, timeline) for index, raw in enumerate(result["segments"])]


def _speech_only(samples: np.ndarray) -> tuple[np.ndarray, Any]:
    """Keep what faster-whisper's Silero VAD marks as speech, and how to map times back."""
    from faster_whisper.vad import SpeechTimestampsMap, collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(samples)
    if not chunks:
        return np.zeros(0, dtype=np.float32), None
    pieces, _ = collect_chunks(samples, chunks)
    return np.concatenate(pieces).astype(np.float32), SpeechTimestampsMap(chunks, SAMPLE_RATE)


def _segment(index: int, raw: dict[str, Any], timeline: Any) -> Segment:
    words = []
    for word in raw.get("words") or ():
        start, end = float(word["start"]), float(word["end"])
        if timeline is not None:  # both ends from the chunk holding the word's middle
            chunk = timeline.get_chunk_index((start + end) / 2)
            start = timeline.get_original_time(start, chunk)
            end = timeline.get_original_time(end, chunk)
        words.append(
            Word(
                round(start, 2), round(end, 2), word["word"].strip(), round(word["probability"], 3)
            )
        )
    if words:
        start, end = words[0].start, words[-1].end
    elif timeline is not None:
        start = timeline.get_original_time(float(raw["start"]))
        end = timeline.get_original_time(float(raw["end"]), is_end=True)
    else:
        start, end = float(raw["start"]), float(raw["end"])
    return Segment(
        id=index,
        start=round(start, 2),
        end=round(end, 2),
        text=raw["text"].strip(),
        words=tuple(words),
        confidence=round(float(np.exp(raw["avg_logprob"])), 3),
    )
