"""Where one voice ends and the next begins, word by word, after ``diarization.py`` gave every
piece of speech a voice.

- ``refine_edges``: the word on each side of a change of voice is embedded on its own and
  moved to the voice it matches better (Whisper often times a turn's first word into the
  turn before, or the other way round).

Thresholds were tuned on the tune half of the development set in ``bench/speakers.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.models import Word
from goodwork_pipeline.transcription.voice_encoder import VoiceEncoder
from goodwork_pipeline.transcription.voiceprints import embed_spans, word_span

EDGE_MARGIN = 0.02  # a word at a change of voice moves when it is this much closer to the other
EDGE_STEPS = 2  # words moved at most per side of one change


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
) -> tuple[list[int | None], dict[int, float]]:
    """Words at each change of voice re-embedded on their own and moved to the voice they
    match better: Whisper's word times often put a turn's first word at the end of the one
    before (or the other way round). At most ``EDGE_STEPS`` words per side of a change.
    Returns the voices and, per moved word, how much better it fits its new voice."""
    result = list(voices)
    moves: dict[int, float] = {}
    if len(centroids) < 2:
        return result, moves
    cache: dict[int, np.ndarray] = {}
    for _step in range(EDGE_STEPS):
        changes = _changes(result)
        wanted = sorted({j for i in changes for j in (i, i + 1)} - set(cache))
        if not wanted:
            break
        spans = [word_span(words[j]) for j in wanted]
        for j, row in zip(wanted, embed_spans(audio, spans, encoder), strict=True):
            cache[j] = row @ centroids.T
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
