"""Who said what: interviewer and participant, by stereo channel or from the conversation.

- **Stereo with one person per channel** (two lavalier microphones, a phone call recorded per
  side): every word goes to the channel that is loudest while it is spoken. Exact, also with
  some crosstalk. The sidecar says who is on which channel (``speakers: {left: interviewer,
  right: participant}``, or names); without it, the conversation decides (below).
- **Mono** (or stereo with the same sound on both channels): a pretrained neural voice model
  (Resemblyzer's GE2E encoder, ``voice_encoder.py``) gives every short piece of speech a
  voiceprint; ``diarization.py`` groups them into one, two or three voices, each word with a
  confidence. Then the conversation decides which voice is the interviewer: the one who asks
  the questions, says "je" rather than "ik", takes shorter turns, speaks less, opens and
  closes. An interviewer voice profile (``profiles.py``) decides instead when the sidecar names
  that interviewer or the profile matches a voice clearly. A third voice is "other" (never the
  participant's words). One voice, or two that do not behave like interviewer and participant,
  stay unknown (``None``) rather than guessed.

Accuracy on real voices is measured in ``bench/speakers.py`` and reported in
``bench/SPEAKERS.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Sidecar, Word
from goodwork_pipeline.transcription.roles import decide, roles_from_conversation

ROLES = (INTERVIEWER, PARTICIPANT)
# How a sidecar may name the channels: speakers: {left: interviewer, right: Anna}.
CHANNEL_KEYS = (
    frozenset({"left", "links", "l", "1", "channel 1", "kanaal 1"}),
    frozenset({"right", "rechts", "r", "2", "channel 2", "kanaal 2"}),
)

# Role words staff may write in the sidecar, in Dutch or English.
ROLE_WORDS = {
    "interviewer": INTERVIEWER,
    "interviewster": INTERVIEWER,
    "gespreksleider": INTERVIEWER,
    "participant": PARTICIPANT,
    "deelnemer": PARTICIPANT,
    "deelneemster": PARTICIPANT,
    "geïnterviewde": PARTICIPANT,
}
# Channels whose loudness differs less than this (median over speech, dB) carry one mix.
DISTINCT_CHANNELS_DB = 6.0
OTHER = "other"


@dataclass(frozen=True)
class Labels:
    """A speaker label per word (``None``: unknown) and how it was decided."""

    speakers: tuple[str | None, ...]
    method: str
    confidence: tuple[float | None, ...] = ()  # per word, 0..1 (None: no voice found)


# Stereo ------------------------------------------------------------------------------------


def channel_levels(audio: Audio, start: float, end: float) -> np.ndarray:
    """Energy per channel between two times."""
    first = max(0, int(start * SAMPLE_RATE))
    last = max(first + 1, int(end * SAMPLE_RATE))
    piece = audio.pcm[:, first:last].astype(np.float64)
    return np.square(piece).mean(axis=1) if piece.shape[1] else np.zeros(audio.channels)


def distinct_channels(audio: Audio, speech: Sequence[Span]) -> bool:
    """True when the two channels carry different people, not the same mix twice."""
    if audio.channels < 2 or not speech:
        return False
    differences = []
    for span in speech:
        t = span.start
        while t < span.end:
            left, right = channel_levels(audio, t, min(t + 0.1, span.end))[:2]
            differences.append(abs(_db(left) - _db(right)))
            t += 0.1
    return bool(differences) and float(np.median(differences)) >= DISTINCT_CHANNELS_DB


def _db(energy: float) -> float:
    return 10 * np.log10(max(energy, 1e-10))


def words_by_channel(audio: Audio, words: Sequence[Word]) -> list[int]:
    """The loudest channel (0 left, 1 right) while each word is spoken."""
    channels: list[int] = []
    for word in words:
        levels = channel_levels(audio, word.start - 0.02, max(word.end, word.start + 0.05) + 0.02)
        if abs(_db(levels[0]) - _db(levels[1])) < 3 and channels:
            channels.append(channels[-1])  # too close to call: same speaker as before
        else:
            channels.append(int(np.argmax(levels[:2])))
    return channels


def speaker_role(speaker: str | None, sidecar: Sidecar) -> str | None:
    """Map a segment's speaker label (a role, a channel or a name) to interviewer/participant."""
    if speaker is None:
        return None
    label = sidecar.speakers.get(speaker, speaker).strip().lower()
    if label in (INTERVIEWER, PARTICIPANT):
        return label
    if sidecar.interviewer and label == sidecar.interviewer.strip().lower():
        return INTERVIEWER
    if sidecar.participant and label == sidecar.participant.strip().lower():
        return PARTICIPANT
    if sidecar.participant and label == sidecar.participant.split()[0].strip().lower():
        return PARTICIPANT
    return None


def channel_labels(sidecar: Sidecar) -> dict[int, str] | None:
    """Who is on which channel according to the sidecar (a role or a name), if it says."""
    labels: dict[int, str] = {}
    for key, value in sidecar.speakers.items():
        for channel, keys in enumerate(CHANNEL_KEYS):
            if key.strip().lower() in keys:
                role = ROLE_WORDS.get(value.strip().lower())
                labels[channel] = role or speaker_role(value, sidecar) or value
    if len(labels) == 1:  # one side named: the other is the other role
        [(channel, label)] = labels.items()
        if label in ROLES:
            labels[1 - channel] = ROLES[1 - ROLES.index(label)]
    return labels if len(labels) == 2 else None


def label_words(
    audio: Audio,
    speech: Sequence[Span],
    words: Sequence[Word],
    sidecar: Sidecar,
    *,
    profiles: Mapping[str, np.ndarray] | None = None,
    threads: int = 2,
) -> Labels:
    """A speaker (role, or a name from the sidecar) for every word, or None when unknown."""
    if not words:
        return Labels((), "none")
    if distinct_channels(audio, speech):
        channels = words_by_channel(audio, words)
        labels = channel_labels(sidecar) or roles_from_conversation(words, channels).roles
        return Labels(tuple(labels[c] for c in channels), "channels", (1.0,) * len(words))
    from goodwork_pipeline.transcription.diarization import diarize
    from goodwork_pipeline.transcription.voice_encoder import shared_encoder

    found = diarize(audio, words, shared_encoder(threads))
    unknown = (None,) * len(words)
    if len(found.centroids) < 2:
        return Labels(unknown, "one voice", found.confidence)
    interviewer, how = _profile_voice(found.centroids, sidecar, profiles or {})
    two = [v if v in (0, 1) else None for v in found.voices]
    told = None if interviewer is None else {interviewer: INTERVIEWER}
    evidence = decide(words, two, told, source=how)
    if not evidence.trusted:
        # Two voices that do not behave like an interviewer and a participant: unknown is
        # better than wrong.
        return Labels(unknown, "no clear interviewer", found.confidence)
    interviewer = evidence.interviewer
    how = how or "voices, roles from the conversation"
    participant = 1 if interviewer == 0 else 0
    roles = {interviewer: INTERVIEWER, participant: PARTICIPANT}
    speakers = tuple(None if v is None else roles.get(v, OTHER) for v in found.voices)
    return Labels(speakers, f"{how} ({len(found.centroids)} voices)", found.confidence)


def _profile_voice(
    centroids: np.ndarray, sidecar: Sidecar, profiles: Mapping[str, np.ndarray]
) -> tuple[int | None, str]:
    """The interviewer's voice from a profile: the one the sidecar names, or a clear match."""
    from goodwork_pipeline.transcription.profiles import match_profile

    match = match_profile(centroids, profiles, named=sidecar.interviewer)
    if match is None:
        return None, ""
    voice, name = match
    return voice, f"voices, interviewer from the profile of {name}"
