"""Where one voice ends and the next begins, word by word, after ``diarization.py`` gave every
piece of speech a voice.

- ``free_backchannels`` (first): a short turn ("hm hm", "ja", a few words) glued between two
  stretches of the other person's talk without any gap in Whisper's word times. Inside every
  stretch of one voice each word is embedded on its own; the run of up to three words that
  leans most to another voice (summed over its words) is embedded as a whole and moves to
  that voice when it is clearly closer: a three-way split (talk, back-channel, talk).
- ``refine_edges`` (then): the word on each side of a change of voice is embedded on its own
  and moved to the voice it matches better (Whisper often times a turn's first word into the
  turn before, or the other way round).

Thresholds were tuned on the tune half of the development set in ``bench/speakers.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.models import Word
from goodwork_pipeline.transcription.voice_encoder import VoiceEncoder
from goodwork_pipeline.transcription.voiceprints import WordPrints, embed_spans

EDGE_MARGIN = 0.02  # a word at a change of voice moves when it is this much closer to the other
EDGE_STEPS = 2  # words moved at most per side of one change
BACK_MAX_WORDS = 3  # a back-channel freed from inside a stretch of talk: at most this many words
BACK_MAX_S = 1.0  # ... and this long
BACK_HINT = 0.0  # its words, each on its own, lean to another voice by this much in sum
BACK_MARGIN = 0.03  # ... and embedded together they are this much closer to that voice


def _changes(voices: Sequence[int | None]) -> list[int]:
    """Word indices i where word i and word i + 1 have different (known) voices."""
    return [
        i
        for i in range(len(voices) - 1)
        if voices[i] is not None and voices[i + 1] is not None and voices[i] != voices[i + 1]
    ]


def refine_edges(
    audio: Audio,
    words: Sequence[Word],
    voices: Sequence[int | None],
    centroids: np.ndarray,
    encoder: VoiceEncoder,
    prints: WordPrints | None = None,
) -> tuple[list[int | None], dict[int, float]]:
    """Words at each change of voice re-embedded on their own and moved to the voice they
    match better: Whisper's word times often put a turn's first word at the end of the one
    before (or the other way round). At most ``EDGE_STEPS`` words per side of a change.
    Returns the voices and, per moved word, how much better it fits its new voice."""
    result = list(voices)
    moves: dict[int, float] = {}
    if len(centroids) < 2:
        return result, moves
    prints = prints or WordPrints(audio, words, encoder)
    cache: dict[int, np.ndarray] = {}
    for _step in range(EDGE_STEPS):
        changes = _changes(result)
        wanted = sorted({j for i in changes for j in (i, i + 1)} - set(cache))
        if not wanted:
            break
        cache.update(zip(wanted, prints.of(wanted) @ centroids.T, strict=True))
        moved = False
        for i in changes:
            left, right = result[i], result[i + 1]
            assert left is not None and right is not None
            # how much better each edge word fits the voice across the change
            gain_left = cache[i][right] - cache[i][left]
            gain_right = cache[i + 1][left] - cache[i + 1][right]
            if max(gain_left, gain_right) < EDGE_MARGIN:
                continue
            if gain_left >= gain_right:
                result[i], moves[i] = right, float(gain_left)
            else:
                result[i + 1], moves[i + 1] = left, float(gain_right)
            moved = True
        if not moved:
            break
    return result, moves


def _stretches(voices: Sequence[int | None]) -> list[tuple[int, int]]:
    """Runs of words with the same known voice: (first, after last)."""
    runs, first = [], 0
    for i in range(1, len(voices) + 1):
        if i == len(voices) or voices[i] != voices[first]:
            if voices[first] is not None:
                runs.append((first, i))
            first = i
    return runs


def free_backchannels(
    audio: Audio,
    words: Sequence[Word],
    voices: Sequence[int | None],
    centroids: np.ndarray,
    encoder: VoiceEncoder,
    prints: WordPrints | None = None,
) -> tuple[list[int | None], dict[int, float]]:
    """Short turns of another voice inside a stretch of talk, moved to that voice (see the
    module's docstring). Returns the voices and, per moved word, its margin."""
    result = list(voices)
    moves: dict[int, float] = {}
    stretches = [(a, b) for a, b in _stretches(voices) if b - a >= 3]
    if len(centroids) < 2 or not stretches:
        return result, moves
    inner = [i for a, b in stretches for i in range(a + 1, b - 1)]
    similarity = (prints or WordPrints(audio, words, encoder)).of(inner) @ centroids.T
    row = {i: similarity[k] for k, i in enumerate(inner)}
    candidates: list[tuple[int, int, int]] = []  # first, after last, other voice
    for a, b in stretches:
        own = voices[a]
        assert own is not None
        best: tuple[float, int, int, int] | None = None
        for i in range(a + 1, b - 1):
            for j in range(i + 1, min(i + BACK_MAX_WORDS, b - 1) + 1):
                if words[j - 1].end - words[i].start > BACK_MAX_S:
                    break
                total = np.sum([row[k] for k in range(i, j)], axis=0)
                other = int(np.argmax(np.where(np.arange(len(centroids)) == own, -np.inf, total)))
                lean = float(total[other] - total[own])
                if lean > BACK_HINT and (best is None or lean > best[0]):
                    best = (lean, i, j, other)
        if best is not None:
            candidates.append(best[1:])
    if not candidates:
        return result, moves
    spans = [(words[i].start, words[j - 1].end) for i, j, _other in candidates]
    checked = embed_spans(audio, spans, encoder) @ centroids.T
    for (i, j, other), fit in zip(candidates, checked, strict=True):
        own = result[i]
        assert own is not None
        gain = float(fit[other] - fit[own])
        if gain >= BACK_MARGIN:
            for k in range(i, j):
                result[k], moves[k] = other, gain
    return result, moves
