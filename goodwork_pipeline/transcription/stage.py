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
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.recording import check_speech, load_audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import Gap, Segment, Sidecar, Transcript, Word
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.transcription import repetition
from goodwork_pipeline.transcription.chunking import (
    Chunk,
    Packing,
    fit_windows,
    plan_chunks,
    split_long_spans,
)
from goodwork_pipeline.transcription.engine import (
    FALLBACK_TEMPERATURES,
    TranscribeOptions,
    Transcriber,
    make_transcriber,
)
from goodwork_pipeline.transcription.speakers import Labels, label_words

log = logging.getLogger(__name__)

# Part of every chunk's cache key: bump it when a chunk's result would change for the same
# audio, engine, model and settings (never derived from source code).
ALGORITHM = "chunks-v1"
# How many windows one engine call decodes (progress is reported after each call).
WINDOWS_PER_CALL = 8
# A looping window is decoded again in pieces of at most this many seconds of speech.
REPAIR_PIECE_S = 10.0
# When Whisper wrote out the vocabulary prompt, try again by sampling (temperature > 0).
ECHO_TEMPERATURES = (0.4, 0.6, 0.8)
# Reasons given for passages that are listed instead of transcribed (shown to researchers).
NOT_UNDERSTOOD = "niet verstaan"
LOOP_CUT = "herhaling ingekort: luister dit stuk na"
# A new segment starts after a pause this long, and segments stay under this length.
SEGMENT_PAUSE_S = 1.0
SEGMENT_MAX_S = 12.0
_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")


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


# Progress -----------------------------------------------------------------------------------


@dataclass
class ProgressMeter:
    """Seconds of speech done out of the total, and an estimate of the time left."""

    total: float
    done: float = 0.0
    worked: float = 0.0  # speech transcribed in this run (not taken from the cache)
    started: float = field(default_factory=time.monotonic)

    def skip(self, seconds: float) -> None:
        """Speech already transcribed earlier (a cached chunk): done, but took no time now."""
        self.done += seconds

    def advance(self, seconds: float) -> None:
        self.done += seconds
        self.worked += seconds

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 1.0

    def seconds_left(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if self.worked <= 0 or elapsed <= 0:
            return None
        return max(0.0, (self.total - self.done) * elapsed / self.worked)

    def describe(self) -> str:
        left = self.seconds_left()
        estimate = "" if left is None else f", about {_duration(left)} left"
        return (
            f"{self.fraction:.0%} ({_clock(self.done)} of {_clock(self.total)} of speech){estimate}"
        )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


Progress = Callable[[float], None]


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
        decoder = _ChunkDecoder(self.transcriber, plan.options, packing, packed)
        result = decoder.run(progress)
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
        return replace(result, index=index)

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


def release_memory() -> None:
    """Give memory the engine freed back to the system (glibc keeps it otherwise, and the
    next batch then comes on top: about 250 MB more peak on a 45-minute recording)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018  (glibc only)
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _load_libc()


# Decoding one chunk -------------------------------------------------------------------------


@dataclass
class _Window:
    bounds: tuple[float, float]  # packed time
    spans: tuple[Span, ...]  # recording time
    segments: list[Segment] = field(default_factory=list)  # packed time

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()


class _ChunkDecoder:
    def __init__(
        self,
        transcriber: Transcriber,
        options: TranscribeOptions,
        packing: Packing,
        packed: np.ndarray,
    ):
        self.transcriber = transcriber
        self.options = options
        self.packing = packing
        self.packed = packed
        self.gaps: list[Gap] = []
        self.repaired = 0
        self.redecoded = 0

    def run(self, progress: Progress | None) -> ChunkResult:
        windows = [_Window(bounds, spans) for bounds, spans in self.packing.windows()]
        for first in range(0, len(windows), WINDOWS_PER_CALL):
            group = windows[first : first + WINDOWS_PER_CALL]
            self._decode(group, self.options)
            release_memory()
            for window in group:
                self._check(window)
            if progress:
                progress(sum(span.duration for w in group for span in w.spans))
        segments = [
            self.packing.segment_to_recording(s) for window in windows for s in window.segments
        ]
        return ChunkResult(0, tuple(segments), tuple(self.gaps), self.repaired, self.redecoded)

    def _decode(self, windows: list[_Window], options: TranscribeOptions) -> None:
        """Decode windows in one engine call; each segment goes to the window it lies in.

        The engine gets only the audio the windows need (a repair of one window should not
        make it compute features for the whole chunk)."""
        first = min(w.bounds[0] for w in windows)
        last = max(w.bounds[1] for w in windows)
        offset = int(first * SAMPLE_RATE) / SAMPLE_RATE
        piece = self.packed[int(first * SAMPLE_RATE) : int(np.ceil(last * SAMPLE_RATE)) + 1]
        shifted = fit_windows(
            [(w.bounds[0] - offset, w.bounds[1] - offset) for w in windows], len(piece)
        )
        found = (
            self.transcriber.transcribe(piece, replace(options, windows=shifted)) if shifted else []
        )
        for window in windows:
            window.segments = []
        for segment in found:
            segment = _shifted(segment, offset)
            _nearest_window(windows, (segment.start + segment.end) / 2).segments.append(segment)

    def _redecode(
        self,
        window: _Window,
        spans: tuple[Span, ...] | None = None,
        *,
        prompt: bool = True,
        temperatures: tuple[float, ...] = FALLBACK_TEMPERATURES,
    ) -> _Window:
        """Decode a window (or only some of its spans) again, on its own, with fallback."""
        self.redecoded += 1
        target = window if spans is None else _Window(self._packed_bounds(spans), spans)
        attempt = _Window(target.bounds, target.spans)
        options = replace(
            self.options,
            temperatures=temperatures,
            condition_on_previous_text=False,
            vocabulary=self.options.vocabulary if prompt else (),
        )
        self._decode([attempt], options)
        return attempt

    def _packed_bounds(self, spans: tuple[Span, ...]) -> tuple[float, float]:
        offsets = dict(zip(self.packing.spans, self.packing.offsets, strict=True))
        return (
            round(offsets[spans[0]], 3),
            round(offsets[spans[-1]] + spans[-1].duration, 3),
        )

    def _check(self, window: _Window) -> None:
        if self.options.vocabulary and _echoes_prompt(window.text, self.options):
            log.info("window at %.1f s repeated the vocabulary prompt", window.spans[0].start)
            retry = self._redecode(window, temperatures=ECHO_TEMPERATURES)
            if _echoes_prompt(retry.text, self.options):
                retry = self._redecode(window, prompt=False)
            window.segments = retry.segments
        if self._looping(window):
            self._repair_loop(window)
        if not window.text:
            retry = self._redecode(window)
            if retry.text and not self._looping(retry):
                window.segments = retry.segments
            else:
                self._gap(window.spans, NOT_UNDERSTOOD)
                window.segments = []
                return
        self._fill_holes(window)

    def _looping(self, window: _Window) -> bool:
        words = window.words
        if words:
            return repetition.has_loop(words)
        return repetition.find_loop(window.text.split()) is not None

    def _repair_loop(self, window: _Window) -> None:
        """Decode the window again in shorter pieces (batched, quick); a piece that still
        loops is decoded on its own with temperature fallback; what loops after that is cut
        to one copy and listed, so a researcher listens to it."""
        self.redecoded += 1
        pieces = [_Window(self._packed_bounds(group), group) for group in _groups(window.spans)]
        self._decode(pieces, self.options)
        flagged = False
        for piece in pieces:
            if not self._looping(piece):
                continue
            retry = self._redecode(piece)
            if retry.text and not self._looping(retry):
                piece.segments = retry.segments
                continue
            best = retry if retry.text and len(retry.words) < len(piece.words) else piece
            words, cut = repetition.collapse(best.words)
            piece.segments = [_segment_from_words(words, best.segments)] if words else []
            for start, end in cut:
                self.gaps.append(
                    Gap(self.packing.to_recording(start), self.packing.to_recording(end), LOOP_CUT)
                )
            flagged = True
        window.segments = sorted((s for p in pieces for s in p.segments), key=lambda s: s.start)
        if flagged:
            log.warning("repetition loop at %.1f s could not be repaired", window.spans[0].start)
        else:
            self.repaired += 1
            log.info("repetition loop repaired at %.1f s", window.spans[0].start)

    def _fill_holes(self, window: _Window) -> None:
        """Stretches of speech inside a window that no word landed in: decode each run of
        them on its own (one call, temperature fallback); what stays empty is a gap."""
        offsets = dict(zip(self.packing.spans, self.packing.offsets, strict=True))

        def covered(span: Span, words: list[Word]) -> bool:
            return any(
                w.end > offsets[span] and w.start < offsets[span] + span.duration for w in words
            )

        heard = window.words or [Word(s.start, s.end, s.text) for s in window.segments]
        holes = [span for span in window.spans if not covered(span, heard)]
        if not holes:
            return
        order = {span: index for index, span in enumerate(self.packing.spans)}
        runs: list[list[Span]] = []
        for span in holes:
            if runs and order[span] == order[runs[-1][-1]] + 1:
                runs[-1].append(span)
            else:
                runs.append([span])
        attempts = [_Window(self._packed_bounds(tuple(run)), tuple(run)) for run in runs]
        self.redecoded += 1
        fallback = replace(
            self.options, temperatures=FALLBACK_TEMPERATURES, condition_on_previous_text=False
        )
        self._decode(attempts, fallback)
        for attempt in attempts:
            found = attempt.words or [Word(s.start, s.end, s.text) for s in attempt.segments]
            if found and _already_heard(found, heard):
                continue  # the words were there, only timed into a neighbouring stretch
            if attempt.text and not self._looping(attempt):
                window.segments = sorted(
                    [*window.segments, *attempt.segments], key=lambda s: s.start
                )
                still = [span for span in attempt.spans if not covered(span, found)]
            else:
                still = list(attempt.spans)
            self._gap(still, NOT_UNDERSTOOD)

    def _gap(self, spans: tuple[Span, ...] | Sequence[Span], reason: str) -> None:
        for span in _merge_adjacent(spans):
            self.gaps.append(Gap(span.start, span.end, reason))


def _groups(spans: tuple[Span, ...], limit: float = REPAIR_PIECE_S) -> list[tuple[Span, ...]]:
    """Consecutive stretches in groups of at most ``limit`` seconds (a longer one alone)."""
    groups: list[list[Span]] = []
    for span in spans:
        if groups and sum(s.duration for s in groups[-1]) + span.duration <= limit:
            groups[-1].append(span)
        else:
            groups.append([span])
    return [tuple(group) for group in groups]


def _echoes_prompt(text: str, options: TranscribeOptions) -> bool:
    """Whisper wrote out the vocabulary prompt instead of what was said."""
    prompt = {repetition.normalise(t) for t in (options.prompt() or "").split()}
    tokens = [repetition.normalise(t) for t in text.split() if repetition.normalise(t)]
    return bool(tokens) and sum(t in prompt for t in tokens) / len(tokens) >= 0.7


def _shifted(segment: Segment, offset: float) -> Segment:
    if not offset:
        return segment
    return replace(
        segment,
        start=round(segment.start + offset, 3),
        end=round(segment.end + offset, 3),
        words=tuple(
            Word(round(w.start + offset, 3), round(w.end + offset, 3), w.text, w.probability)
            for w in segment.words
        ),
    )


def _nearest_window(windows: list[_Window], time: float) -> _Window:
    for window in windows:
        if window.bounds[0] <= time < window.bounds[1]:
            return window
    return min(windows, key=lambda w: min(abs(time - w.bounds[0]), abs(time - w.bounds[1])))


def _already_heard(new: list[Word], heard: list[Word]) -> bool:
    """Most of the new words are already among the words heard around them."""
    near = {
        repetition.normalise(w.text)
        for w in heard
        if w.start < new[-1].end + 10 and w.end > new[0].start - 10
    }
    tokens = [repetition.normalise(w.text) for w in new if repetition.normalise(w.text)]
    return bool(tokens) and sum(t in near for t in tokens) / len(tokens) >= 0.8


def _merge_adjacent(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start - merged[-1].end < 0.5:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _segment_from_words(words: list[Word], template: list[Segment]) -> Segment:
    return Segment(
        id=0,
        start=words[0].start,
        end=words[-1].end,
        text=join_words(words),
        words=tuple(words),
        confidence=template[0].confidence if template else None,
    )


# Segments by sentence and speaker -----------------------------------------------------------


def resegment(segments: Sequence[Segment], labels: Labels) -> list[Segment]:
    """Segments per sentence and speaker turn, from the words (engine segments without
    words are kept as they are)."""
    result: list[Segment] = []
    speakers = iter(labels.speakers)
    confidence = iter(labels.confidence)
    for segment in segments:
        if not segment.words:
            result.append(segment)
            continue
        group: list[Word] = []
        group_sure: list[float | None] = []
        group_speaker: str | None = None
        for word in segment.words:
            speaker = next(speakers, None)
            sure = next(confidence, None)
            if group and _breaks(group, word, group_speaker, speaker):
                result.append(_from_words(group, group_speaker, group_sure))
                group, group_sure = [], []
            if not group:
                group_speaker = speaker
            group.append(word)
            group_sure.append(sure)
        if group:
            result.append(_from_words(group, group_speaker, group_sure))
    return result


def _breaks(group: list[Word], word: Word, current: str | None, speaker: str | None) -> bool:
    last = group[-1]
    if speaker != current:
        return True
    if word.start - last.end >= SEGMENT_PAUSE_S:
        return True
    if _SENTENCE_END.search(last.text):
        return True
    length = word.end - group[0].start
    if length > SEGMENT_MAX_S and last.text.endswith((",", ";", ":")):
        return True
    return length > 2 * SEGMENT_MAX_S


def join_words(words: Sequence[Word]) -> str:
    """Words back into text: no space before "'n", "-a" or punctuation, nor after "(" or "-"."""
    text = ""
    for word in words:
        glued = word.text[:1] in "'’-.,!?;:)]…" or text.endswith(("(", "[", "-", "'"))
        text += word.text if (glued or not text) else " " + word.text
    return text


def _from_words(
    words: list[Word], speaker: str | None, sure: Sequence[float | None] = ()
) -> Segment:
    probability = float(np.mean([w.probability for w in words]))
    known = [c for c in sure if c is not None]
    return Segment(
        id=0,
        start=words[0].start,
        end=max(w.end for w in words),
        text=join_words(words),
        speaker=speaker,
        words=tuple(words),
        confidence=round(probability, 3),
        speaker_confidence=round(min(known), 3) if known else None,
    )
