"""A recording as the pipeline takes it: decoded, checked, and holding speech.

``load_audio`` is ``audio.decode_recording`` followed by ``check_speech``: voice activity
(``vad``) must find at least ``min_speech`` seconds of speech, or the recording is refused with
a message that names the file and says what to do.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from goodwork_pipeline.intake.audio import MIN_SPEECH_S, Audio, decode_recording, refuse
from goodwork_pipeline.intake.vad import speech_spans, total_speech


def load_audio(
    path: Path,
    *,
    min_duration: float = 3.0,
    keep_stereo: bool = True,
    min_speech: float = MIN_SPEECH_S,
) -> Audio:
    """Decode and check a recording; raise ``AudioError`` with a clear reason if unusable."""
    audio = decode_recording(path, min_duration=min_duration, keep_stereo=keep_stereo)
    if min_speech > 0:
        audio = check_speech(path, audio, min_speech=min_speech)
    return audio


def check_speech(path: Path, audio: Audio, *, min_speech: float = MIN_SPEECH_S) -> Audio:
    """The audio with its stretches of speech; reject it when there is (almost) no speech."""
    spans = tuple(speech_spans(audio)) if audio.speech is None else audio.speech
    speech = total_speech(spans)
    if speech < min_speech:
        raise refuse(
            path,
            f"contains no speech (voice activity found {speech:.1f} s of speech in "
            f"{audio.duration:.0f} s of sound; music, noise or a tone?)",
            f"bevat geen gesproken tekst (in {audio.duration:.0f} seconden geluid is geen "
            "spraak gevonden: muziek, ruis of een toon?). Controleer of dit de opname van het "
            "gesprek is",
        )
    return replace(audio, speech=spans)
