"""Voiceprints of stretches of a recording: the voice model (``voice_encoder.py``) run over
each stretch itself, batched."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.models import Word
from goodwork_pipeline.transcription.voice_encoder import (
    EMBEDDING_SIZE,
    N_MELS,
    PARTIAL_FRAMES,
    VoiceEncoder,
    mel_spectrogram,
)

PAD_S = 0.05  # audio taken around a stretch
BATCH = 16
WORD_MIN_S = 0.25  # a word shorter than this is embedded with this much audio around its middle


def embed_spans(
    audio: Audio, spans: Sequence[tuple[float, float]], encoder: VoiceEncoder
) -> np.ndarray:
    """One voiceprint per stretch of audio: the model run over the stretch itself (no zero
    padding; stretches longer than two windows: the normed mean of 1.6 s windows)."""
    windows: list[np.ndarray] = []
    owner: list[int] = []
    for index, (start, end) in enumerate(spans):
        mel = mel_spectrogram(audio.mono(max(0.0, start - PAD_S), end + PAD_S))
        if len(mel) <= 2 * PARTIAL_FRAMES:
            windows.append(mel)
            owner.append(index)
            continue
        for first in range(0, len(mel) - PARTIAL_FRAMES // 2, PARTIAL_FRAMES):
            windows.append(mel[first : first + PARTIAL_FRAMES])
            owner.append(index)
    sums = np.zeros((len(spans), EMBEDDING_SIZE), dtype=np.float64)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    for batch_start in range(0, len(order), BATCH):
        batch = order[batch_start : batch_start + BATCH]
        longest = len(windows[batch[-1]])
        stacked = np.zeros((len(batch), longest, N_MELS), dtype=np.float32)
        for row, i in enumerate(batch):
            stacked[row, : len(windows[i])] = windows[i]
        lengths = np.array([len(windows[i]) for i in batch], dtype=np.int32)
        embedded = encoder.forward(stacked, lengths)
        for row, i in enumerate(batch):
            sums[owner[i]] += embedded[row]
    norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return (sums / norms).astype(np.float32)


def word_span(word: Word) -> tuple[float, float]:
    """The stretch of audio that stands for one word: at least ``WORD_MIN_S`` long."""
    if word.end - word.start >= WORD_MIN_S:
        return word.start, word.end
    middle = (word.start + word.end) / 2
    return middle - WORD_MIN_S / 2, middle + WORD_MIN_S / 2


class WordPrints:
    """Each word's own voiceprint (``word_span``), embedded once, when first asked for."""

    def __init__(self, audio: Audio, words: Sequence[Word], encoder: VoiceEncoder) -> None:
        self.audio, self.words, self.encoder = audio, words, encoder
        self._rows: dict[int, np.ndarray] = {}

    def of(self, indices: Sequence[int]) -> np.ndarray:
        """(len(indices), 256) voiceprints of these words."""
        missing = [i for i in dict.fromkeys(indices) if i not in self._rows]
        if missing:
            spans = [word_span(self.words[i]) for i in missing]
            rows = embed_spans(self.audio, spans, self.encoder)
            self._rows.update(zip(missing, rows, strict=True))
        if not indices:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        return np.array([self._rows[i] for i in indices])
