"""Decoding and checking recordings with PyAV (FFmpeg's libraries; no ffmpeg binary needed).

``decode_recording`` decodes any of ``AUDIO_SUFFIXES`` at any sample rate to 16 kHz, mono or
one row per stereo channel, after checking that the file is real, complete, long enough and
not silent (``recording.load_audio`` adds the check that it holds speech). Every rejection is
an ``AudioError`` naming the file, the reason and what to do.

Samples are kept as 16-bit integers (half the memory of floats: a 45-minute stereo recording
is 170 MB) and converted to float32 per stretch when an engine needs them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import av
import numpy as np

from goodwork_pipeline.errors import AudioError

SAMPLE_RATE = 16_000
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".flac", ".webm", ".mp4")

# Below this RMS level (about -60 dBFS) a whole recording counts as silence.
SILENCE_RMS = 0.001
# A file whose decoded audio is this much shorter than its header promised is truncated.
TRUNCATED_RATIO = 0.97
# Less speech than this (seconds, by voice activity detection) is no conversation.
MIN_SPEECH_S = 1.0


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of time in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def overlap(self, other: Span) -> float:
        return max(0.0, min(self.end, other.end) - max(self.start, other.start))

    def to_json(self) -> list[float]:
        return [self.start, self.end]


@dataclass(frozen=True)
class Audio:
    """Decoded audio: ``pcm`` has shape (channels, n), 16 kHz, 16-bit integers."""

    pcm: np.ndarray
    source_channels: int
    source_rate: int
    codec: str
    # Stretches of speech found by voice activity detection, once checked (see ``vad.py``).
    speech: tuple[Span, ...] | None = None

    @property
    def duration(self) -> float:
        return self.pcm.shape[1] / SAMPLE_RATE

    @property
    def channels(self) -> int:
        return self.pcm.shape[0]

    @cached_property
    def samples(self) -> np.ndarray:
        """All channels as float32 in [-1, 1] (converted once, on first use)."""
        return self.pcm.astype(np.float32) / 32768.0

    def mono(self, start: float = 0.0, end: float | None = None) -> np.ndarray:
        """float32 mono samples between ``start`` and ``end`` seconds (channels averaged)."""
        first = max(0, round(start * SAMPLE_RATE))
        last = self.pcm.shape[1] if end is None else round(end * SAMPLE_RATE)
        piece = self.pcm[:, first:last]
        if self.channels == 1:
            return piece[0].astype(np.float32) / 32768.0
        return piece.astype(np.float32).mean(axis=0) / 32768.0


def decode_recording(
    path: Path,
    *,
    min_duration: float = 3.0,
    keep_stereo: bool = True,
) -> Audio:
    """Decode and check a recording (real, complete, long enough, not silent); raise
    ``AudioError`` with a clear reason if unusable. Whether it holds speech is
    ``recording.load_audio``'s check, on top of voice activity."""
    size = _size(path)
    if size == 0:
        raise refuse(
            path,
            "is empty (0 bytes)",
            "is leeg (0 bytes). Misschien is het kopiëren mislukt; zet de opname opnieuw "
            "in de inbox",
        )
    try:
        _check_wav_header(path, size)
        _check_ogg_end(path, size)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    audio = _decode(path, keep_stereo=keep_stereo)
    if audio.duration < min_duration:
        raise refuse(
            path,
            f"is only {audio.duration:.1f} s long (minimum {min_duration:.0f} s)",
            f"duurt maar {audio.duration:.1f} seconden; een gesprek moet minstens "
            f"{min_duration:.0f} seconden duren. Controleer of dit de juiste opname is",
        )
    if _rms(audio) < SILENCE_RMS:
        raise refuse(
            path,
            "contains only silence",
            "bevat alleen stilte. Controleer of de microfoon aan stond en zet de juiste opname "
            "in de inbox",
        )
    return audio


def _rms(audio: Audio) -> float:
    total = 0.0
    count = 0
    step = SAMPLE_RATE * 60
    for first in range(0, audio.pcm.shape[1], step):
        piece = audio.mono(first / SAMPLE_RATE, (first + step) / SAMPLE_RATE).astype(np.float64)
        total += float(np.square(piece).sum())
        count += piece.size
    return (total / max(count, 1)) ** 0.5


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: OSError) -> AudioError:
    return refuse(
        path,
        f"cannot be read ({exc.strerror or exc})",
        "kan niet worden gelezen (geen toegang, of het is geen gewoon bestand). Zet de opname "
        "opnieuw in de inbox",
    )


def _decode(path: Path, *, keep_stereo: bool) -> Audio:
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise _not_audio(path) from exc
    with container:
        if not container.streams.audio:
            raise _not_audio(path)
        stream = container.streams.audio[0]
        source_channels = stream.codec_context.channels or 1
        source_rate = stream.codec_context.sample_rate or 0
        codec = stream.codec_context.name
        declared = _declared_seconds(container, stream)
        layout = "stereo" if keep_stereo and source_channels == 2 else "mono"
        resampler = av.AudioResampler(format="s16p", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        errors = 0
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.FFmpegError:
                    errors += 1
                    continue
                for frame in frames:
                    chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray() for f in resampler.resample(None))
        except (av.error.FFmpegError, ValueError) as exc:
            if not chunks:
                raise _not_audio(path) from exc
            raise _truncated(path) from exc
    if not chunks:
        raise _not_audio(path)
    pcm = np.concatenate(chunks, axis=1).astype(np.int16, copy=False)
    del chunks
    audio = Audio(pcm, source_channels, source_rate, codec)
    if declared and audio.duration < declared * TRUNCATED_RATIO and declared - audio.duration > 1:
        raise _truncated(path)
    if errors and errors > 3:
        raise _truncated(path)
    return audio


def _declared_seconds(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


def _check_wav_header(path: Path, size: int) -> None:
    """FFmpeg derives a WAV's length from the file size, so compare the header's own claim."""
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        offset = 12
        while offset + 8 <= size:
            handle.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
            if chunk_id == b"data":
                # 0 and 0xFFFFFFFF mean "unknown" (streaming recorders); nothing to compare.
                if chunk_size not in (0, 0xFFFFFFFF) and offset + 8 + chunk_size > size:
                    raise _truncated(path)
                return
            offset += 8 + chunk_size + (chunk_size & 1)
        raise _truncated(path)


def _check_ogg_end(path: Path, size: int) -> None:
    """An Ogg stream (.ogg, .opus) ends with a page flagged 'end of stream'; a copy cut short
    does not (Ogg has no length in its header, so this is the only sign)."""
    with path.open("rb") as handle:
        if handle.read(4) != b"OggS":
            return
        handle.seek(max(0, size - 65536))
        tail = handle.read()
    last = tail.rfind(b"OggS")
    # header: 'OggS', version (1 byte), header type (1 byte: 0x04 = last page of the stream)
    if last < 0 or last + 6 > len(tail) or not tail[last + 5] & 0x04:
        raise _truncated(path)


def _not_audio(path: Path) -> AudioError:
    return refuse(
        path,
        "is not an audio file that can be decoded (wrong extension or damaged)",
        "is geen geluidsbestand dat te openen is (verkeerde extensie of beschadigd). "
        "Controleer of dit de opname is en exporteer die opnieuw als .m4a, .mp3 of .wav",
    )


def _truncated(path: Path) -> AudioError:
    return refuse(
        path,
        "is truncated: the file ends before the recording does",
        "is onvolledig: het bestand houdt op voordat de opname klaar is. Kopieer de opname "
        "opnieuw vanaf het opnameapparaat",
    )


def refuse(path: Path, problem_en: str, problem_nl: str) -> AudioError:
    return AudioError(f"{path.name} {problem_en}.", nl=f"{path.name} {problem_nl}.", path=path)
