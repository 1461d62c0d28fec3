"""How far a transcription is: seconds of speech done out of the total, and the time left.

``ProgressMeter`` is what ``Transcription.transcribe_file`` reports to its caller (the
``goodwork transcribe`` command shows it); ``Progress`` is the callback a chunk's decoder calls
with the seconds of speech it has just finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
