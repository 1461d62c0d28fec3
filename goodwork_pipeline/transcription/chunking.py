"""Cutting a recording into chunks and windows, and putting the pieces back together.

A **chunk** is a few minutes of the recording, cut in a pause between two stretches of speech
(the longest pause near the target length). Chunks are the unit of work that is cached and
resumed: each one is transcribed on its own, and no stretch of speech belongs to two chunks,
so stitching them is putting them end to end, with no word twice and none lost at a seam.

A **window** is what Whisper decodes in one go (at most 30 s of audio). Inside a chunk the
speech is packed: the stretches of speech are laid end to end without the silences between
them (each keeps a little padding), and the packed audio is cut into windows at stretch
boundaries. ``Packing`` maps times in the packed audio back to the recording.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import Segment, Word

MAX_WINDOW_S = 30.0
# A chunk may end this much before or after its target length, to find a long pause.
CHUNK_SLACK = 0.25


@dataclass(frozen=True)
class Chunk:
    index: int
    start: float
    end: float
    speech: tuple[Span, ...]

    @property
    def speech_seconds(self) -> float:
        return sum(span.duration for span in self.speech)

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "speech": [span.to_json() for span in self.speech],
        }


def split_long_spans(spans: Iterable[Span], audio: Audio) -> list[Span]:
    """Cut stretches longer than a window at their quietest moment (no word is cut in two
    when a breath can be found; Silero rarely gives more than 30 s without one)."""
    result: list[Span] = []
    for span in spans:
        rest = span
        while rest.duration > MAX_WINDOW_S:
            cut = _quietest(audio, rest.start + MAX_WINDOW_S - 10, rest.start + MAX_WINDOW_S)
            result.append(Span(rest.start, cut))
            rest = Span(cut, rest.end)
        result.append(rest)
    return result


def _quietest(audio: Audio, start: float, end: float) -> float:
    """The middle of the quietest 100 ms between two times."""
    frame = SAMPLE_RATE // 10
    piece = audio.mono(start, end)
    count = len(piece) // frame
    if count == 0:
        return end
    energy = np.square(piece[: count * frame].astype(np.float64)).reshape(count, frame).sum(1)
    quiet = int(np.argmin(energy))
    return round(start + (quiet * frame + frame // 2) / SAMPLE_RATE, 3)


def fit_windows(
    windows: Sequence[tuple[float, float]], sample_count: int
) -> tuple[tuple[float, float], ...]:
    """Windows as an engine may take them for audio of ``sample_count`` samples.

    Engines turn a window's seconds into samples (faster-whisper: ``int(seconds * 16000)``)
    and assume the windows fit the audio; a window end rounded up past the last sample made
    their total longer than the audio and faster-whisper's batched pipeline fail an
    assertion. Here every bound is a whole sample inside ``[0, sample_count]`` that converts
    back to exactly that sample, each window starts where the one before it ended or later,
    and empty windows are left out: the windows never overlap and never add up to more than
    the audio, by construction.
    """
    fitted: list[tuple[float, float]] = []
    previous_end = 0
    for start, end in windows:
        first = min(max(math.floor(start * SAMPLE_RATE + 0.5), previous_end), sample_count)
        last = min(max(math.floor(end * SAMPLE_RATE + 0.5), first), sample_count)
        if last > first:
            fitted.append((_exact_seconds(first), _exact_seconds(last)))
            previous_end = last
    return tuple(fitted)


def _exact_seconds(sample: int) -> float:
    """Seconds that ``int(seconds * SAMPLE_RATE)`` maps back to exactly ``sample``."""
    seconds = sample / SAMPLE_RATE
    while int(seconds * SAMPLE_RATE) < sample:
        seconds = math.nextafter(seconds, math.inf)
    while int(seconds * SAMPLE_RATE) > sample:
        seconds = math.nextafter(seconds, -math.inf)
    return seconds


def plan_chunks(spans: list[Span], duration: float, *, target: float) -> list[Chunk]:
    """Group speech into chunks of about ``target`` seconds, cut in the longest nearby pause."""
    chunks: list[Chunk] = []
    first = 0
    while first < len(spans):
        last = _chunk_end(spans, first, target)
        start = 0.0 if not chunks else chunks[-1].end
        end = duration if last == len(spans) - 1 else (spans[last].end + spans[last + 1].start) / 2
        chunks.append(
            Chunk(len(chunks), round(start, 3), round(end, 3), tuple(spans[first : last + 1]))
        )
        first = last + 1
    if not chunks:
        chunks.append(Chunk(0, 0.0, round(duration, 3), ()))
    return chunks


def _chunk_end(spans: list[Span], first: int, target: float) -> int:
    """Index of the last span of the chunk that starts with span ``first``."""
    origin = spans[first].start
    if spans[-1].end - origin <= target * (1 + CHUNK_SLACK):
        return len(spans) - 1  # the rest fits
    low, high = target * (1 - CHUNK_SLACK), target * (1 + CHUNK_SLACK)
    candidates = [i for i in range(first, len(spans) - 1) if low <= spans[i].end - origin <= high]
    if candidates:
        return max(candidates, key=lambda i: (spans[i + 1].start - spans[i].end, -i))
    fitting = [i for i in range(first, len(spans) - 1) if spans[i].end - origin <= high]
    return fitting[-1] if fitting else first


@dataclass(frozen=True)
class Packing:
    """Stretches of speech laid end to end: packed time <-> recording time."""

    spans: tuple[Span, ...]

    @property
    def offsets(self) -> list[float]:
        offsets, position = [], 0.0
        for span in self.spans:
            offsets.append(position)
            position += span.duration
        return offsets

    @property
    def duration(self) -> float:
        return sum(span.duration for span in self.spans)

    def samples(self, audio_mono: np.ndarray, origin: float = 0.0) -> np.ndarray:
        """The packed audio; ``audio_mono`` starts at ``origin`` seconds of the recording."""
        pieces = [
            audio_mono[
                round((s.start - origin) * SAMPLE_RATE) : round((s.end - origin) * SAMPLE_RATE)
            ]
            for s in self.spans
        ]
        if not pieces:
            return np.zeros(0, dtype=np.float32)
        return np.ascontiguousarray(np.concatenate(pieces), dtype=np.float32)

    def to_recording(self, packed: float) -> float:
        offsets = self.offsets
        if not offsets:
            return packed
        index = max(0, bisect.bisect_right(offsets, packed) - 1)
        span = self.spans[index]
        return round(span.start + (packed - offsets[index]), 3)

    def windows(
        self, spans: list[Span] | None = None
    ) -> list[tuple[tuple[float, float], tuple[Span, ...]]]:
        """Windows of at most 30 s in packed time, each with the spans it holds."""
        windows: list[tuple[tuple[float, float], tuple[Span, ...]]] = []
        group: list[int] = []
        offsets = self.offsets
        for index, span in enumerate(self.spans):
            if group and offsets[index] + span.duration - offsets[group[0]] > MAX_WINDOW_S:
                windows.append(self._window(group, offsets))
                group = []
            group.append(index)
        if group:
            windows.append(self._window(group, offsets))
        return windows

    def _window(
        self, group: list[int], offsets: list[float]
    ) -> tuple[tuple[float, float], tuple[Span, ...]]:
        first, last = group[0], group[-1]
        bounds = (round(offsets[first], 3), round(offsets[last] + self.spans[last].duration, 3))
        return bounds, tuple(self.spans[i] for i in group)

    def word_to_recording(self, word: Word) -> Word:
        """A word lies in one stretch: the one holding most of it (timings are rough)."""
        offsets = self.offsets
        if not offsets:
            return word
        index = self._span_holding(word.start, word.end, offsets)
        span, offset = self.spans[index], offsets[index]
        start = min(max(word.start - offset, 0.0), span.duration)
        end = min(max(word.end - offset, start), span.duration)
        return Word(
            round(span.start + start, 3), round(span.start + end, 3), word.text, word.probability
        )

    def _span_holding(self, start: float, end: float, offsets: list[float]) -> int:
        first = max(0, bisect.bisect_right(offsets, start) - 1)
        last = max(0, bisect.bisect_right(offsets, end) - 1)
        if first == last:
            return first
        overlaps = [
            min(end, offsets[i] + self.spans[i].duration) - max(start, offsets[i])
            for i in range(first, last + 1)
        ]
        return first + int(np.argmax(overlaps))

    def segment_to_recording(self, segment: Segment) -> Segment:
        words = tuple(self.word_to_recording(w) for w in segment.words)
        start = words[0].start if words else self.to_recording(segment.start)
        end = max(w.end for w in words) if words else self.to_recording(segment.end)
        return Segment(
            id=segment.id,
            start=start,
            end=max(start, end),
            text=segment.text,
            speaker=segment.speaker,
            words=words,
            confidence=segment.confidence,
        )
