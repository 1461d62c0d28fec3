"""Who said what: interviewer and participant, by stereo channel or from the conversation.

- **Stereo with one person per channel** (two lavalier microphones, a phone call recorded per
  side): every word goes to the channel that is loudest while it is spoken. Exact, also with
  some crosstalk. The sidecar says who is on which channel (``speakers: {left: interviewer,
  right: participant}``, or names); without it, the conversation decides (below).
- **Mono** (or stereo with the same sound on both channels): the voices are told apart by
  pitch and timbre (MFCCs), computed with numpy, clustered into two voices; then the
  conversation decides which voice is the interviewer: the one who asks the questions, says
  "je" rather than "ik", speaks less and usually starts. When the two clusters are not
  clearly two voices, or do not behave like interviewer and participant (one person reading,
  split by intonation), speakers stay unknown (``None``) rather than guessed.

No PyTorch: the features are a few numpy FFTs per frame. Accuracy on test conversations is
measured in ``bench/speakers.py`` and reported in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .audio import SAMPLE_RATE, Audio
from .models import Sidecar, Word
from .vad import Span

INTERVIEWER = "interviewer"
PARTICIPANT = "participant"
ROLES = (INTERVIEWER, PARTICIPANT)
# How a sidecar may name the channels: speakers: {left: interviewer, right: Anna}.
CHANNEL_KEYS = (
    frozenset({"left", "links", "l", "1", "channel 1", "kanaal 1"}),
    frozenset({"right", "rechts", "r", "2", "channel 2", "kanaal 2"}),
)

FRAME = 400  # 25 ms
HOP = 320  # 20 ms
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
# Mono: two voice clusters further apart than this (Fisher ratio) are two people.
MIN_SEPARATION = 2.0
_QUESTION = re.compile(r"\?['\")\]]*$")
_SENTENCE_END_WORD = re.compile(r"[.!?…]['\")\]]*$")


@dataclass(frozen=True)
class Labels:
    """A speaker label per word (``None``: unknown) and how it was decided."""

    speakers: tuple[str | None, ...]
    method: str
    separation: float | None = None


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


def channel_labels(sidecar: Sidecar) -> dict[int, str] | None:
    """Who is on which channel according to the sidecar (a role or a name), if it says."""
    from .draft import speaker_role

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


# Mono: voice features ----------------------------------------------------------------------


def _frames(samples: np.ndarray, size: int, hop: int) -> np.ndarray:
    if len(samples) < size:
        samples = np.pad(samples, (0, size - len(samples)))
    count = 1 + (len(samples) - size) // hop
    index = np.arange(size)[None, :] + hop * np.arange(count)[:, None]
    return samples[index]


def _mel_filters(bands: int = 26, n_fft: int = 512) -> np.ndarray:
    def mel(f: np.ndarray | float) -> np.ndarray:
        return 2595 * np.log10(1 + np.asarray(f) / 700)

    points = 700 * (10 ** (np.linspace(mel(60), mel(7600), bands + 2) / 2595) - 1)
    bins = np.floor((n_fft + 1) * points / SAMPLE_RATE).astype(int)
    filters = np.zeros((bands, n_fft // 2 + 1))
    for i in range(bands):
        left, centre, right = bins[i], bins[i + 1], bins[i + 2]
        filters[i, left:centre] = (np.arange(left, centre) - left) / max(centre - left, 1)
        filters[i, centre:right] = (right - np.arange(centre, right)) / max(right - centre, 1)
    return filters


_MEL = _mel_filters()
_DCT = np.cos(np.pi / 26 * (np.arange(26)[None, :] + 0.5) * np.arange(13)[:, None])
FRAMES_PER_SECOND = SAMPLE_RATE // HOP


def voice_features(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per 20 ms frame: 12 MFCCs (timbre) and log pitch (NaN where unvoiced)."""
    frames = _frames(samples, FRAME, HOP) * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, 512)) ** 2
    # einsum, not '@': BLAS wakes its threads for each of these small products (10x slower)
    mel = np.log(np.einsum("fb,mb->fm", power, _MEL) + 1e-10)
    mfcc = np.einsum("fm,cm->fc", mel, _DCT)[:, 1:]
    pitch = _pitch(samples)[: len(mfcc)]
    if len(pitch) < len(mfcc):
        pitch = np.pad(pitch, (0, len(mfcc) - len(pitch)), constant_values=np.nan)
    return mfcc, pitch


def _pitch(samples: np.ndarray) -> np.ndarray:
    """Log F0 per frame by autocorrelation (70-400 Hz, at 8 kHz); NaN when not voiced."""
    rate = SAMPLE_RATE // 2
    low_passed = (samples[: len(samples) // 2 * 2].reshape(-1, 2)).mean(axis=1)
    size = 320  # 40 ms: two periods of a low voice
    frames = _frames(low_passed, size, HOP // 2)
    frames = frames - frames.mean(axis=1, keepdims=True)
    # 512 points hold the frame and the longest lag without wrapping around
    spectrum = np.fft.rfft(frames * np.hanning(size), 512)
    ac = np.fft.irfft(np.abs(spectrum) ** 2, 512)[:, : size // 2 + 1]
    energy = ac[:, 0]
    low, high = rate // 400, rate // 70
    lags = np.argmax(ac[:, low:high], axis=1) + low
    peaks = ac[np.arange(len(ac)), lags] / np.maximum(energy, 1e-10)
    loud = energy > (np.median(energy) * 0.1 if len(energy) else 0)
    voiced = (peaks > 0.45) & loud
    return np.where(voiced, np.log(rate / lags), np.nan)


@dataclass(frozen=True)
class VoiceWindow:
    start: float
    end: float
    features: np.ndarray
    stretch: int  # which stretch of speech it lies in


def voice_windows(
    audio: Audio, speech: Sequence[Span], *, length: float = 1.5, hop: float = 0.75
) -> list[VoiceWindow]:
    """Voice features over short windows of each stretch of speech."""
    windows: list[VoiceWindow] = []
    for stretch, span in enumerate(speech):
        samples = audio.mono(span.start, span.end).astype(np.float64)
        if len(samples) < FRAME * 4:
            continue
        mfcc, pitch = voice_features(samples)
        per_window = int(length * FRAMES_PER_SECOND)
        step = int(hop * FRAMES_PER_SECOND)
        starts = list(range(0, max(1, len(mfcc) - per_window + 1), step))
        for offset in starts:
            m = mfcc[offset : offset + per_window]
            p = pitch[offset : offset + per_window]
            voiced = p[~np.isnan(p)]
            if len(voiced) < 8:
                continue
            features = np.concatenate(
                [[np.median(voiced), np.std(voiced)], m.mean(axis=0), m.std(axis=0)]
            )
            windows.append(
                VoiceWindow(
                    span.start + offset / FRAMES_PER_SECOND,
                    min(span.end, span.start + (offset + per_window) / FRAMES_PER_SECOND),
                    features,
                    stretch,
                )
            )
    return windows


def two_voices(windows: Sequence[VoiceWindow]) -> tuple[np.ndarray, float]:
    """Two voices: k-means on the windows (pitch weighted), then within each stretch of
    speech the most likely sequence (Viterbi: changing voice inside a stretch, without a
    pause, costs extra). Returns a label per window and how far apart the voices are."""
    data = np.array([w.features for w in windows])
    data = (data - data.mean(axis=0)) / (data.std(axis=0) + 1e-9)
    data[:, 0] *= 4.0  # median pitch tells two people apart best
    best_labels, best_cost = np.zeros(len(data), dtype=int), np.inf
    best_distance = np.zeros((len(data), 2))
    rng = np.random.default_rng(0)
    for _attempt in range(8):
        centres = _kmeans_pp(data, rng)
        for _ in range(50):
            distance = ((data[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
            labels = distance.argmin(axis=1)
            if len(set(labels.tolist())) < 2:
                break
            updated = np.array([data[labels == k].mean(axis=0) for k in (0, 1)])
            if np.allclose(updated, centres):
                break
            centres = updated
        cost = float(distance.min(axis=1).sum())
        if len(set(labels.tolist())) == 2 and cost < best_cost:
            best_labels, best_cost, best_distance = labels, cost, distance
    if not np.isfinite(best_cost):
        return best_labels, 0.0
    separation = _separation(data, best_labels)
    return _viterbi(best_distance, [w.stretch for w in windows]), separation


def _viterbi(distance: np.ndarray, stretches: list[int]) -> np.ndarray:
    """Smooth labels: a change of voice inside a stretch costs ``penalty``; between free."""
    penalty = 3.0 * float(np.median(np.abs(distance[:, 0] - distance[:, 1])))
    n = len(distance)
    total = distance[0].copy()
    back = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        switch = penalty if stretches[i] == stretches[i - 1] else 0.0
        new = np.empty(2)
        for k in (0, 1):
            stay, change = total[k], total[1 - k] + switch
            back[i, k] = k if stay <= change else 1 - k
            new[k] = min(stay, change) + distance[i, k]
        total = new
    labels = np.zeros(n, dtype=int)
    labels[-1] = int(np.argmin(total))
    for i in range(n - 1, 0, -1):
        labels[i - 1] = back[i, labels[i]]
    return labels


def _kmeans_pp(data: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first = data[rng.integers(len(data))]
    distance = ((data - first) ** 2).sum(axis=1)
    total = distance.sum()
    second = data[rng.choice(len(data), p=distance / total)] if total > 0 else first
    return np.array([first, second])


def _separation(data: np.ndarray, labels: np.ndarray) -> float:
    """Fisher ratio along the line between the two cluster centres."""
    if len(set(labels.tolist())) < 2:
        return 0.0
    a, b = data[labels == 0], data[labels == 1]
    if len(a) < 2 or len(b) < 2:
        return 0.0
    axis = b.mean(axis=0) - a.mean(axis=0)
    axis /= np.linalg.norm(axis) + 1e-12
    pa, pb = a @ axis, b @ axis
    return float((pb.mean() - pa.mean()) ** 2 / (pa.var() + pb.var() + 1e-9))


def words_by_voice(
    windows: Sequence[VoiceWindow], labels: np.ndarray, words: Sequence[Word]
) -> list[int | None]:
    """The voice of each word: the label of the window(s) around its middle."""
    if not windows:
        return [None] * len(words)
    starts = np.array([w.start for w in windows])
    ends = np.array([w.end for w in windows])
    centres = (starts + ends) / 2
    result: list[int | None] = []
    for word in words:
        middle = (word.start + word.end) / 2
        last = int(np.searchsorted(starts, middle + 0.1, side="right"))
        inside = [int(labels[i]) for i in range(max(0, last - 6), last) if ends[i] + 0.1 >= middle]
        if inside:
            result.append(max(set(inside), key=inside.count))
            continue
        nearest = min(max(last, 0), len(windows) - 1)
        around = [i for i in (nearest - 1, nearest) if 0 <= i < len(windows)]
        best = min(around, key=lambda i: abs(centres[i] - middle))
        result.append(int(labels[best]) if abs(centres[best] - middle) < 3 else None)
    return result


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

    Three signals, each between 0 and 1 per voice (0.5: no evidence):
    structure (shorter turns, less talk), addressing ('je'/'u' rather than 'ik'/'mijn') and
    asking (sentences ending in '?'). The interviewer is the voice with the highest sum; the
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
    signals = (structure, addressing, asking)
    score = {v: sum(signal[v] for signal in signals) for v in (0, 1)}
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
    audio: Audio, speech: Sequence[Span], words: Sequence[Word], sidecar: Sidecar
) -> Labels:
    """A speaker (role, or a name from the sidecar) for every word, or None when unknown."""
    if not words:
        return Labels((), "none")
    if distinct_channels(audio, speech):
        channels = words_by_channel(audio, words)
        labels = channel_labels(sidecar) or roles_from_conversation(words, channels).roles
        return Labels(tuple(labels[c] for c in channels), "channels")
    windows = voice_windows(audio, speech)
    if len(windows) < 4:
        return Labels((None,) * len(words), "too little speech")
    clusters, separation = two_voices(windows)
    if separation < MIN_SEPARATION:
        return Labels((None,) * len(words), "one voice", separation)
    voices = _smooth(words_by_voice(windows, clusters, words))
    evidence = roles_from_conversation(words, voices)
    if not evidence.trusted:
        # Two clusters that do not behave like an interviewer and a participant: more likely
        # one voice split by its intonation. Unknown is better than wrong.
        return Labels((None,) * len(words), "no clear interviewer", separation)
    return Labels(
        tuple(evidence.roles[v] if v is not None else None for v in voices), "voices", separation
    )


def _smooth(voices: list[int | None], reach: int = 2) -> list[int | None]:
    """A lone word of the other voice inside a run is an error, not a turn."""
    result = list(voices)
    for i, voice in enumerate(voices):
        around = [v for v in voices[max(0, i - reach) : i + reach + 1] if v is not None]
        if (voice is None and around) or (around and around.count(voice) == 1 and len(around) >= 3):
            result[i] = max(set(around), key=around.count)
    return result
