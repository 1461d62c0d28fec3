"""Decoding one chunk: its windows through the engine, and every stretch of speech accounted for.

``ChunkDecoder`` decodes a chunk's packed speech a few windows per engine call, then checks
each window: a window that wrote out the vocabulary prompt is decoded again by sampling, a
repetition loop is decoded again in shorter pieces (what still loops is cut to one copy and
listed), an empty window and a stretch no word landed in are decoded again on their own with
temperature fallback and without previous-text conditioning. What still yields nothing is a
gap ("niet verstaan"), so nothing voice activity marked as speech is silently lost.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from goodwork_pipeline.intake.audio import SAMPLE_RATE
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import Gap, Segment, Word
from goodwork_pipeline.transcription import repetition
from goodwork_pipeline.transcription.chunking import Packing, fit_windows
from goodwork_pipeline.transcription.engine import (
    FALLBACK_TEMPERATURES,
    TranscribeOptions,
    Transcriber,
)
from goodwork_pipeline.transcription.progress import Progress
from goodwork_pipeline.transcription.segments import join_words

log = logging.getLogger(__name__)

# How many windows one engine call decodes (progress is reported after each call).
WINDOWS_PER_CALL = 8
# A looping window is decoded again in pieces of at most this many seconds of speech.
REPAIR_PIECE_S = 10.0
# When Whisper wrote out the vocabulary prompt, try again by sampling (temperature > 0).
ECHO_TEMPERATURES = (0.4, 0.6, 0.8)
# Reasons given for passages that are listed instead of transcribed (shown to researchers).
NOT_UNDERSTOOD = "niet verstaan"
LOOP_CUT = "herhaling ingekort: luister dit stuk na"


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


class ChunkDecoder:
    """One chunk's packed speech decoded; ``gaps``, ``repaired`` and ``redecoded`` say what
    could not be heard, which loops were repaired and how often it decoded again."""

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

    def run(self, progress: Progress | None) -> tuple[Segment, ...]:
        """The chunk's segments in recording time (its gaps are in ``self.gaps``)."""
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
        return tuple(segments)

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
