"""Shared helpers for the transcription benchmarks: the real speech, word error rate, memory.

The real Dutch speech lives in ``../shared/speech`` (beside the project, never copied into it).
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _find_speech() -> Path:
    """``../shared/speech`` from the project root (or from the checkout above a worktree)."""
    configured = os.environ.get("GOODWORK_SPEECH")
    if configured:
        return Path(configured)
    candidates = [ROOT.parent / "shared" / "speech", ROOT.parent.parent / "shared" / "speech"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


SPEECH = _find_speech()


@dataclass(frozen=True)
class Clip:
    name: str
    samples: np.ndarray
    reference: str

    @property
    def duration(self) -> float:
        return len(self.samples) / 16000


def speech_clips() -> list[Clip]:
    """The six real Dutch clips with their reference texts; exit with a message when absent."""
    from goodwork_pipeline.intake.recording import load_audio

    manifest = SPEECH / "manifest.json"
    if not manifest.is_file():
        print(f"SKIP: real speech not found at {SPEECH} (it sits beside the project)")
        sys.exit(0)
    clips = []
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        name = entry["clip"]
        audio = load_audio(SPEECH / "audio" / f"{name}.wav")
        reference = (SPEECH / "ref" / f"{name}.txt").read_text(encoding="utf-8").strip()
        clips.append(Clip(name, audio.mono(), reference))
    return clips


def joined_speech(gap_s: float = 1.0) -> tuple[np.ndarray, str]:
    """All clips as one recording (with short pauses) and the joined reference."""
    clips = speech_clips()
    pause = np.zeros(int(gap_s * 16000), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for clip in clips:
        pieces += [clip.samples, pause]
    return np.concatenate(pieces), " ".join(c.reference for c in clips)


def normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s']", " ", text)
    return text.split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length) after lower-casing and removing punctuation."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1], len(ref)


def wer(reference: str, hypothesis: str) -> float:
    errors, total = word_errors(reference, hypothesis)
    return errors / max(total, 1)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
