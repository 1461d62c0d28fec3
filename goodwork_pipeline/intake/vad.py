"""Where people speak: voice activity detection with Silero VAD (ONNX, shipped by faster-whisper).

No PyTorch: faster-whisper bundles the Silero model as ONNX and runs it with onnxruntime on
one CPU thread (about 0.002 s of work per second of audio here). ``speech_spans`` returns the
stretches of speech in seconds; they drive the "no speech at all" rejection, where long
recordings are cut into chunks, which windows the engine decodes, and the check that every
stretch of speech ends up in the transcript or is listed as not understood.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio, Span

# Silero's "lazy" default; lower finds more quiet speech but also more noise.
THRESHOLD = 0.5
# A pause shorter than this does not end a stretch of speech (a breath between words).
MIN_SILENCE_MS = 300
# Stretches are padded a little: Silero cuts soft word onsets and endings.
PAD_MS = 150
# Shorter blips (a click, a cough) are not speech.
MIN_SPEECH_MS = 200
# Recordings are analysed in blocks of this many seconds.
BLOCK_S = 600


def speech_spans(
    samples: np.ndarray | Audio,
    *,
    threshold: float = THRESHOLD,
    min_silence_ms: int = MIN_SILENCE_MS,
    pad_ms: int = PAD_MS,
) -> list[Span]:
    """The stretches of speech in a recording (or 16 kHz mono float32 samples), in order."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=threshold,
        min_silence_duration_ms=min_silence_ms,
        speech_pad_ms=pad_ms,
        min_speech_duration_ms=MIN_SPEECH_MS,
    )
    if isinstance(samples, Audio):
        audio = samples
        total = audio.pcm.shape[1]

        def block_at(first: int) -> np.ndarray:
            return audio.mono(first / SAMPLE_RATE, (first + block) / SAMPLE_RATE)
    else:
        total = samples.shape[0]

        def block_at(first: int) -> np.ndarray:
            return np.ascontiguousarray(samples[first : first + block], dtype=np.float32)

    spans: list[Span] = []
    # Blocks keep memory flat on long recordings (Silero copies its input a few times).
    block = BLOCK_S * SAMPLE_RATE
    for offset in range(0, total, block):
        for item in get_speech_timestamps(block_at(offset), options):
            span = Span(
                round((offset + item["start"]) / SAMPLE_RATE, 3),
                round((offset + item["end"]) / SAMPLE_RATE, 3),
            )
            if spans and span.start - spans[-1].end < min_silence_ms / 1000:
                span = Span(spans.pop().start, span.end)  # one stretch across a block edge
            spans.append(span)
    return spans


def total_speech(spans: Iterable[Span]) -> float:
    return sum(span.duration for span in spans)
