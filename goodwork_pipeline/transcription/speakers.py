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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Sidecar, Word

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
_QUESTION = re.compile(r"\?['\")\]]*$")
_SENTENCE_END_WORD = re.compile(r"[.!?…]['\")\]]*$")


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


# Roles from the conversation ----------------------------------------------------------------

# Who is addressed and who speaks of themselves (Dutch and English).
_YOU = frozenset({"je", "jij", "jou", "jouw", "jullie", "u", "uw", "you", "your"})
_ME = frozenset({"ik", "mij", "me", "mijn", "i", "my", "mine", "we", "wij", "ons", "onze"})
# How much more interviewer-like one voice must be than the other to trust the labels.
ROLE_MARGIN = 0.3
# A signal counts against a voice when it favours the other by more than this.
CONTRADICTION = 0.05


@dataclass(frozen=True)
class RoleEvidence:
    """Which voice is the interviewer, how clearly, and whether any signal disagrees."""

    roles: dict[int, str]
    margin: float
    consistent: bool

    @property
    def trusted(self) -> bool:
        return self.consistent and self.margin >= ROLE_MARGIN


def roles_from_conversation(words: Sequence[Word], voices: Sequence[int | None]) -> RoleEvidence:
    """Which voice (0 or 1) is the interviewer, from how the two behave in the conversation.

    Four signals, each between 0 and 1 per voice (0.5: no evidence):
    structure (shorter turns, less talk), addressing ('je'/'u' rather than 'ik'/'mijn'),
    asking (sentences ending in '?') and framing (who opens and who closes the conversation;
    it never counts as a contradiction). The interviewer is the voice with the highest sum; the
    labels are trusted only when the sum is clearly higher, no signal points the other way,
    and both voices take turns (at least two each).
    """
    turns: dict[int, list[float]] = {0: [], 1: []}
    talk = {0: 0.0, 1: 0.0}
    you = {0: 0, 1: 0}
    me = {0: 0, 1: 0}
    asked = {0: 0, 1: 0}
    ended = {0: 0, 1: 0}
    current: tuple[int, float, float] | None = None
    for word, voice in zip(words, voices, strict=True):
        if voice is None:
            continue
        token = word.text.lower().strip(".,!?…:;\"'()")
        talk[voice] += max(word.end - word.start, 0.05)
        you[voice] += token in _YOU
        me[voice] += token in _ME
        if _SENTENCE_END_WORD.search(word.text):
            ended[voice] += 1
            asked[voice] += bool(_QUESTION.search(word.text))
        if current is not None and current[0] == voice:
            current = (voice, current[1], word.end)
        else:
            if current is not None:
                turns[current[0]].append(current[2] - current[1])
            current = (voice, word.start, word.end)
    if current is not None:
        turns[current[0]].append(current[2] - current[1])

    mean_turn = {v: float(np.mean(turns[v])) if turns[v] else 0.0 for v in (0, 1)}
    total_talk = talk[0] + talk[1] or 1.0
    total_turn = mean_turn[0] + mean_turn[1] or 1.0
    structure = {
        v: 0.5 * (1 - mean_turn[v] / total_turn) + 0.5 * (1 - talk[v] / total_talk) for v in (0, 1)
    }
    enough_pronouns = all(you[v] + me[v] >= 3 for v in (0, 1))
    addressing = {v: you[v] / (you[v] + me[v]) if enough_pronouns else 0.5 for v in (0, 1)}
    enough_sentences = all(ended[v] >= 3 for v in (0, 1))
    asking = {v: asked[v] / ended[v] if enough_sentences else 0.5 for v in (0, 1)}
    spoken = [v for v in voices if v is not None]
    framing = {
        v: 0.5
        + 0.25 * ((spoken[0] == v) - (spoken[0] != v) + (spoken[-1] == v) - (spoken[-1] != v)) / 2
        if spoken
        else 0.5
        for v in (0, 1)
    }
    signals = (structure, addressing, asking)
    score = {v: sum(signal[v] for signal in signals) + framing[v] for v in (0, 1)}
    interviewer = 0 if score[0] >= score[1] else 1
    participant = 1 - interviewer
    consistent = all(
        signal[interviewer] >= signal[participant] - CONTRADICTION for signal in signals
    ) and all(len(turns[v]) >= 2 for v in (0, 1))
    return RoleEvidence(
        {interviewer: INTERVIEWER, participant: PARTICIPANT},
        score[interviewer] - score[participant],
        consistent,
    )


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
    if interviewer is None:
        two = [v if v in (0, 1) else None for v in found.voices]
        evidence = roles_from_conversation(words, two)
        if not evidence.trusted:
            # Two voices that do not behave like an interviewer and a participant: unknown
            # is better than wrong.
            return Labels(unknown, "no clear interviewer", found.confidence)
        interviewer = next(v for v, role in evidence.roles.items() if role == INTERVIEWER)
        how = "voices, roles from the conversation"
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
