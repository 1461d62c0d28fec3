"""Test recordings in every format goodwork accepts, written with PyAV's own encoders."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# suffix: (container format, codec, sample rate, channels, container options)
FORMATS: dict[str, tuple[str, str, int, int, dict[str, str]]] = {
    ".wav": ("wav", "pcm_s16le", 44100, 2, {}),
    ".mp3": ("mp3", "libmp3lame", 22050, 1, {}),
    ".m4a": ("ipod", "aac", 48000, 2, {"movflags": "faststart"}),
    ".aac": ("adts", "aac", 44100, 1, {}),
    ".ogg": ("ogg", "libopus", 48000, 2, {}),
    ".opus": ("opus", "libopus", 24000, 1, {}),
    ".flac": ("flac", "flac", 32000, 2, {}),
    ".webm": ("webm", "libopus", 48000, 1, {}),
    ".mp4": ("mp4", "aac", 16000, 1, {"movflags": "faststart"}),
}


def encode(path: Path, signal: np.ndarray, source_rate: int = 16000) -> Path:
    """Write ``signal`` (float in [-1, 1], shape (n,) or (channels, n)) in the format of
    ``path``'s suffix, at that format's sample rate and channel count."""
    fmt, codec, rate, channels, options = FORMATS[path.suffix]
    data = np.atleast_2d(signal).astype(np.float32)
    if data.shape[0] != channels:
        data = np.repeat(data[:1], channels, axis=0) if channels == 2 else data.mean(0)[None]
    layout = "stereo" if channels == 2 else "mono"
    pcm = np.clip(data * 32767, -32768, 32767).astype(np.int16)
    with av.open(str(path), "w", format=fmt, options=options) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        step = 4096
        for first in range(0, pcm.shape[1], step):
            piece = np.ascontiguousarray(pcm[:, first : first + step].T.reshape(1, -1))
            frame = av.AudioFrame.from_ndarray(piece, format="s16", layout=layout)
            frame.sample_rate = source_rate
            frame.pts = first
            frame.time_base = Fraction(1, source_rate)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
