"""The transcription stage: from a checked recording to a transcript a researcher can trust.

    plan()      decode and check the audio, find the speech (voice activity), cut chunks
    run_chunk() one chunk: decode its windows, account for every stretch of speech, repair
                repetition loops; the result depends only on the chunk key (cacheable)
    assemble()  chunks end to end, speakers, segments by sentence and speaker turn

``Transcription.transcribe_file`` runs all three in this process (the ``goodwork transcribe``
command, the pipeline without Prefect); ``flows/transcribe_story.py`` makes every chunk its own
cached Prefect task, so a crash resumes at the first unfinished chunk.

Nothing is silently lost: every stretch that voice activity marks as speech ends up in the
transcript or in ``Transcript.gaps`` ("niet verstaan", with its time span). A window that came
back empty, a stretch no word landed in, and a repetition loop are decoded again on their own
with temperature fallback and without previous-text conditioning; what still fails is listed.

Here the stage and the values it passes between its steps (``TranscriptionPlan``,
``ChunkResult``); ``decoding`` decodes one chunk, ``segments`` cuts segments by sentence and
speaker, ``progress`` measures how far it is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.intake.recording import check_speech, load_audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import Gap, Segment, Sidecar, Transcript
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription.chunking import (
    Chunk,
    Packing,
    plan_chunks,
    split_long_spans,
)
from goodwork_pipeline.transcription.decoding import ChunkDecoder
from goodwork_pipeline.transcription.engine import (
    TranscribeOptions,
    Transcriber,
    make_transcriber,
)
from goodwork_pipeline.transcription.progress import Progress, ProgressMeter
from goodwork_pipeline.transcription.segments import resegment
from goodwork_pipeline.transcription.speakers import label_words

log = logging.getLogger(__name__)

# Part of every chunk's cache key: bump it when a chunk's result would change for the same
# audio, engine, model and settings (never derived from source code).
ALGORITHM = "chunks-v1"


# Plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptionPlan:
    """Everything a chunk needs, as plain values (a Prefect task parameter)."""

    source: str
    audio_sha256: str
    duration: float
    channels: int
    speech: tuple[Span, ...]
    chunks: tuple[Chunk, ...]
    options: TranscribeOptions
    engine: str
    model: str
    settings_key: str

    @property
    def speech_seconds(self) -> float:
        return sum(span.duration for span in self.speech)

    def chunk_key(self, index: int) -> str:
        """Audio, chunk bounds, engine, model and settings: the chunk's identity."""
        chunk = self.chunks[index]
        identity = {
            "audio": self.audio_sha256,
            "chunk": [chunk.start, chunk.end],
            "speech": [span.to_json() for span in chunk.speech],
            "engine": self.engine,
            "model": self.model,
            "settings": self.settings_key,
        }
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
        return f"goodwork-chunk-{digest}"


@dataclass(frozen=True)
class ChunkResult:
    index: int
    segments: tuple[Segment, ...]
    gaps: tuple[Gap, ...] = ()
    repaired_loops: int = 0
    redecoded: int = 0

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ChunkResult:
        piece = Transcript.from_json(
            {
                "segments": data["segments"],
                "gaps": data.get("gaps", ()),
                "language": "",
                "duration": 0,
                "engine": "",
                "model": "",
            }
        )
        return cls(
            index=int(data["index"]),  # type: ignore[call-overload]
            segments=piece.segments,
            gaps=piece.gaps,
            repaired_loops=int(data.get("repaired_loops", 0)),  # type: ignore[call-overload]
            redecoded=int(data.get("redecoded", 0)),  # type: ignore[call-overload]
        )


# The stage ----------------------------------------------------------------------------------


class _AudioCache:
    """The last decoded recording, kept so receive, plan and chunks decode it once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[str, Audio] | None = None

    def get(self, sha: str) -> Audio | None:
        with self._lock:
            return self._entry[1] if self._entry and self._entry[0] == sha else None

    def put(self, sha: str, audio: Audio) -> None:
        with self._lock:
            self._entry = (sha, audio)


AUDIO_CACHE = _AudioCache()


class Transcription:
    """The stage with its settings and engine; see the module docstring."""

    def __init__(self, settings: Settings, transcriber: Transcriber | None = None):
        self.settings = settings
        self._transcriber = transcriber

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = make_transcriber(self.settings)
        return self._transcriber

    # plan

    def plan(
        self,
        path: Path,
        *,
        sidecar: Sidecar | None = None,
        sha256: str | None = None,
    ) -> TranscriptionPlan:
        """Decode and check the recording (``AudioError`` if unusable); cut it into chunks."""
        sidecar = sidecar or Sidecar()
        sha = sha256 or sha256_file(path)
        audio = self.audio(path, sha, check=True)
        assert audio.speech is not None
        speech = split_long_spans(audio.speech, audio)
        options = TranscribeOptions(
            language=sidecar.language or self.settings.language,
            beam_size=self.settings.beam_size,
            vocabulary=sidecar.vocabulary,
        )
        engine = self.transcriber
        return TranscriptionPlan(
            source=str(path),
            audio_sha256=sha,
            duration=round(audio.duration, 2),
            channels=audio.channels,
            speech=tuple(speech),
            chunks=tuple(plan_chunks(speech, audio.duration, target=self.settings.chunk_seconds)),
            options=options,
            engine=engine.engine,
            model=engine.model,
            settings_key=self.settings_key(options),
        )

    def settings_key(self, options: TranscribeOptions) -> str:
        """What changes a chunk's text besides audio, engine and model (threads do not)."""
        values = {
            "algorithm": ALGORITHM,
            "model_setting": self.settings.model,
            "compute_type": self.settings.compute_type,
            "batch_size": self.settings.batch_size,
            "options": asdict(options),
        }
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]

    def audio(self, path: Path, sha: str, *, check: bool = False) -> Audio:
        """The decoded recording (decoded once per process); with ``check``, also checked
        (length, silence, speech) and with its stretches of speech."""
        audio = AUDIO_CACHE.get(sha)
        if audio is None:
            minimum = self.settings.min_duration_s if check else 0.0
            audio = load_audio(path, min_duration=minimum, min_speech=0.0)
        if check and audio.speech is None:
            audio = check_speech(path, audio, min_speech=self.settings.min_speech_s)
        AUDIO_CACHE.put(sha, audio)
        return audio

    # one chunk

    def run_chunk(
        self, plan: TranscriptionPlan, index: int, progress: Progress | None = None
    ) -> ChunkResult:
        """Transcribe one chunk; every stretch of speech in it is text or a listed gap."""
        chunk = plan.chunks[index]
        if not chunk.speech:
            return ChunkResult(index, ())
        audio = self.audio(Path(plan.source), plan.audio_sha256)
        packing = Packing(chunk.speech)
        packed = packing.samples(audio.mono(chunk.start, chunk.end), origin=chunk.start)
        decoder = ChunkDecoder(self.transcriber, plan.options, packing, packed)
        segments = decoder.run(progress)
        result = ChunkResult(
            index, segments, tuple(decoder.gaps), decoder.repaired, decoder.redecoded
        )
        log.info(
            "chunk %d/%d (%.0f-%.0f s): %d segments, %d gaps, %d re-decoded, %d loops repaired",
            index + 1,
            len(plan.chunks),
            chunk.start,
            chunk.end,
            len(result.segments),
            len(result.gaps),
            result.redecoded,
            result.repaired_loops,
        )
        return result

    # assemble

    def assemble(
        self, plan: TranscriptionPlan, results: Sequence[ChunkResult], sidecar: Sidecar | None
    ) -> Transcript:
        """Chunks end to end, speakers per word, segments per sentence and speaker turn."""
        ordered = sorted(results, key=lambda r: r.index)
        segments = [s for r in ordered for s in r.segments]
        gaps = sorted((g for r in ordered for g in r.gaps), key=lambda g: (g.start, g.end))
        if not any(s.speaker for s in segments) and any(s.words for s in segments):
            audio = self.audio(Path(plan.source), plan.audio_sha256)
            words = [w for s in segments for w in s.words]
            labels = label_words(
                audio,
                plan.speech,
                words,
                sidecar or Sidecar(),
                profiles=self.voice_profiles(),
                threads=self.settings.threads,
            )
            log.info("speakers: %s", labels.method)
            segments = resegment(segments, labels)
        segments = [replace(s, id=i) for i, s in enumerate(segments)]
        return Transcript(
            segments=tuple(segments),
            language=plan.options.language,
            duration=plan.duration,
            engine=plan.engine,
            model=plan.model,
            gaps=tuple(gaps),
        )

    def voice_profiles(self) -> dict[str, np.ndarray]:
        """The interviewers' voice profiles in the workspace (name -> voiceprint)."""
        from goodwork_pipeline.transcription.profiles import load_profiles

        profiles = load_profiles(self.settings.workspace_dir)
        return {name: profile.embedding for name, profile in profiles.items()}

    def transcribe_file(
        self,
        path: Path,
        *,
        sidecar: Sidecar | None = None,
        sha256: str | None = None,
        progress: Callable[[ProgressMeter], None] | None = None,
    ) -> Transcript:
        """All of it in this process: plan, every chunk, assemble."""
        plan = self.plan(path, sidecar=sidecar, sha256=sha256)
        meter = ProgressMeter(plan.speech_seconds)

        def advance(seconds: float) -> None:
            meter.advance(seconds)
            if progress:
                progress(meter)

        if progress:
            progress(meter)
        results = [self.run_chunk(plan, i, advance) for i in range(len(plan.chunks))]
        return self.assemble(plan, results, sidecar)
