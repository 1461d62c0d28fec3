"""Repetition loops: Whisper's habit of writing the same words over and over.

On long or unclear audio Whisper can get stuck and repeat a sentence (or a few words) until
the window ends. ``find_loop`` spots a run of the same words repeated back to back well beyond
what people say: a unit of four or more words three times or more ("ik weet het niet" x3),
two or three words six times or more, one word eight times or more. Everyday repetition ("nee
nee nee", "heel heel belangrijk") stays below that. ``collapse`` keeps one copy of the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goodwork_pipeline.models import Word

_TOKEN = re.compile(r"[^\w']+", re.UNICODE)
MAX_UNIT = 30


@dataclass(frozen=True)
class Loop:
    """Words ``start`` .. ``start + unit * repeats`` are one ``unit`` of words, repeated."""

    start: int
    unit: int
    repeats: int

    @property
    def end(self) -> int:
        return self.start + self.unit * self.repeats


def normalise(word: str) -> str:
    return _TOKEN.sub("", word.lower())


def _is_loop(unit: int, repeats: int) -> bool:
    if unit >= 4:
        return repeats >= 3
    if unit >= 2:
        return repeats >= 6
    return repeats >= 8


def find_loop(tokens: list[str]) -> Loop | None:
    """The longest repetition loop in a list of words (normalised), or None."""
    words = [normalise(t) for t in tokens]
    best: Loop | None = None
    n = len(words)
    for unit in range(1, min(MAX_UNIT, n // 2) + 1):
        start = 0
        while start + 2 * unit <= n:
            repeats = 1
            while (
                start + (repeats + 1) * unit <= n
                and words[start + repeats * unit : start + (repeats + 1) * unit]
                == words[start : start + unit]
            ):
                repeats += 1
            if repeats > 1 and _is_loop(unit, repeats) and any(words[start : start + unit]):
                loop = Loop(start, unit, repeats)
                if best is None or loop.unit * loop.repeats > best.unit * best.repeats:
                    best = loop
                start += unit * repeats
            else:
                start += 1
    return best


def has_loop(words: list[Word]) -> bool:
    return find_loop([w.text for w in words]) is not None


def collapse(words: list[Word]) -> tuple[list[Word], list[tuple[float, float]]]:
    """Keep one copy of every loop; return the words left and the time spans cut short."""
    kept = list(words)
    spans: list[tuple[float, float]] = []
    while (loop := find_loop([w.text for w in kept])) is not None:
        spans.append((kept[loop.start].start, kept[loop.end - 1].end))
        kept = kept[: loop.start + loop.unit] + kept[loop.end :]
    return kept, spans
