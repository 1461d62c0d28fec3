"""The recording in a form every browser plays, for the review page.

Formats browsers play as they are (WAV with PCM, MP3, Ogg/Opus, FLAC, WebM) are served from
the archived original itself, never copied. Anything else (AAC in .m4a/.mp4/.aac, WAV with an
unusual codec) is decoded once with PyAV into Ogg/Opus in the story's private
``review-cache/`` (inside the workspace, never the outbox; retention deletes it with the
original), named by the original's checksum, written atomically.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import av

from goodwork_pipeline.errors import AudioError
from goodwork_pipeline.files import temp_prefix

AS_IS = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
}
PCM = frozenset({"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le"})
OPUS_RATE = 48000
OPUS_BITRATE = 48_000  # mono speech: clear at a tenth of WAV's size


@dataclass(frozen=True)
class Playable:
    path: Path
    media_type: str
    decoded: bool


def playable(original: Path, cache_dir: Path) -> Playable:
    """The file to serve for ``original``: itself when browsers play it, else a decoded copy."""
    suffix = original.suffix.lower()
    if suffix in AS_IS and (suffix != ".wav" or _pcm_wav(original)):
        return Playable(original, AS_IS[suffix], decoded=False)
    target = cache_dir / f"{original.stem}.ogg"
    if not target.is_file():
        _decode_to_opus(original, target)
    return Playable(target, "audio/ogg", decoded=True)


def _pcm_wav(path: Path) -> bool:
    try:
        with av.open(str(path)) as container:
            return container.streams.audio[0].codec_context.name in PCM
    except (av.FFmpegError, IndexError):
        return False


def _decode_to_opus(original: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(), suffix=".ogg", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
        with av.open(str(original)) as source, av.open(str(temp), "w", format="ogg") as out:
            stream = out.add_stream("libopus", rate=OPUS_RATE, layout="mono")
            stream.bit_rate = OPUS_BITRATE
            for frame in source.decode(audio=0):
                frame.pts = None
                for piece in resampler.resample(frame):
                    for packet in stream.encode(piece):
                        out.mux(packet)
            for piece in resampler.resample(None):
                for packet in stream.encode(piece):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        os.replace(temp, target)
    except av.FFmpegError as exc:
        raise AudioError(
            f"The recording {original.name} cannot be decoded for the review page ({exc}).",
            nl="De opname kan niet worden afgespeeld op de controlepagina.",
            path=original,
        ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
