"""Who spoke when in one mixed recording, with a neural voice model (``voice_encoder.py``).

1. **Pieces**: the words are cut into short pieces: at every pause, and inside long stretches
   of talk every ``PIECE_MAX_S`` at the widest gap between words.
2. **Voiceprints**: one embedding per piece, the model run over the piece itself.
3. **Voices**: agglomerative clustering (average linkage, cosine similarity, ``LINK``);
   groups with enough speech are voices, merged while two are as alike as one voice is with
   itself (``SAME_VOICE``), at most three. A third voice whose voiceprint is that alike to a
   blend of the other two (``blend_similarity``: in the development set, a few pieces that
   each straddle a change of voice, grouped together) is no third person and is dropped.
4. **Changes inside a piece** (a quick "ja" or "hm hm" that Whisper's word times glue to an
   answer): at the likeliest word boundaries both sides are embedded on their own; where they
   are clearly different voices the piece is split (``split_changes``).
5. Every piece goes to its nearest voice, smoothed over time (a change of voice between two
   pieces without a pause costs ``SWITCH_COST``); voices are recomputed once and assigned again.
6. **Confidence** per piece: how much closer the piece is to its own voice than to the next.
7. **Word by word** (``edges.py``): a short turn glued inside the other voice's talk is freed
   (a three-way split), and the word on each side of a change of voice moves to the voice
   it matches better on its own (a turn's first word that Whisper timed into the one before).

The number of voices (one, two or three) comes from the audio. Thresholds were tuned on the
tune half of the development set in ``bench/speakers.py`` (see ``bench/SPEAKERS.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.models import Word
from goodwork_pipeline.transcription.edges import free_backchannels, refine_edges
from goodwork_pipeline.transcription.voice_encoder import VoiceEncoder
from goodwork_pipeline.transcription.voiceprints import WordPrints, embed_spans

PIECE_GAP_S = 0.2  # a pause this long ends a piece
PIECE_MAX_S = 2.4  # longer stretches are cut at their widest gap between words
PIECE_MIN_CUT_S = 0.8  # ... but no cut leaves a piece shorter than this
LINK = 0.62  # average cosine similarity at which pieces are grouped
SAME_VOICE = 0.80  # two groups whose voiceprints are this alike are one voice
MIN_VOICE_S = 4.0  # a voice needs this much speech (and MIN_VOICE_SHARE) to count
MIN_VOICE_SHARE = 0.03
MAX_VOICES = 3
SWITCH_COST = 0.05  # cost (in cosine) of changing voice between pieces without a pause
SPLIT_MIN_S = 0.25  # each side of a split piece has at least this much speech
SPLIT_MARGIN = 0.04  # each side is this much closer to its own voice than to the other
SPLIT_ROUNDS = 1
SPLIT_GAP_S = 0.08
SPLIT_CANDIDATES = 2  # boundaries tried per piece (without the words' own voiceprints)
SPLIT_BY_PRINTS = True  # choose the boundary from each word's own voiceprint
SPLIT_HINT = 0.5  # ... when they lean to a change by more than this (summed over the words)
CONFIDENT_MARGIN = 0.15  # margin (cosine) at which a piece's voice is certain


@dataclass(frozen=True)
class Piece:
    start: float
    end: float
    first: int  # index of its first word
    last: int  # index after its last word

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Diarization:
    """A voice per word (0 = most speech; None: unknown) and how sure, with the voiceprints."""

    voices: tuple[int | None, ...]
    confidence: tuple[float | None, ...]
    centroids: np.ndarray  # (voices, 256), unit length
    speech_s: tuple[float, ...]  # speech per voice


def pieces_from_words(words: Sequence[Word]) -> list[Piece]:
    """Runs of words without a pause, cut into pieces of at most ``PIECE_MAX_S``."""
    runs: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].start - words[i - 1].end >= PIECE_GAP_S:
            runs.append((first, i))
            first = i
    pieces: list[Piece] = []
    for a, b in runs:
        pieces.extend(_cut(words, a, b))
    return pieces


def _cut(words: Sequence[Word], a: int, b: int) -> list[Piece]:
    start, end = words[a].start, max(w.end for w in words[a:b])
    if end - start <= PIECE_MAX_S or b - a < 2:
        return [Piece(start, end, a, b)]
    # cut at the widest gap that leaves both sides long enough, nearest the middle on ties
    best, best_key = None, None
    for i in range(a + 1, b):
        left, right = words[i - 1].end - start, end - words[i].start
        if left < PIECE_MIN_CUT_S or right < PIECE_MIN_CUT_S:
            continue
        gap = words[i].start - words[i - 1].end
        key = (round(gap, 2), -abs(left - right))
        if best_key is None or key > best_key:
            best, best_key = i, key
    if best is None:
        return [Piece(start, end, a, b)]
    return _cut(words, a, best) + _cut(words, best, b)


def embed_pieces(audio: Audio, pieces: Sequence[Piece], encoder: VoiceEncoder) -> np.ndarray:
    return embed_spans(audio, [(p.start, p.end) for p in pieces], encoder)


def cluster(embeddings: np.ndarray, link: float) -> np.ndarray:
    """Average-linkage groups of pieces whose voices are alike; a group id per piece."""
    n = len(embeddings)
    groups = [[i] for i in range(n)]
    similarity = (embeddings @ embeddings.T).astype(np.float64)
    np.fill_diagonal(similarity, -np.inf)
    size = np.ones(n)
    while len([g for g in groups if g]) > 1:
        flat = int(np.argmax(similarity))
        i, j = divmod(flat, n)
        if similarity[i, j] < link:
            break
        # merge j into i: average linkage keeps the mean similarity between groups
        merged = (similarity[i] * size[i] + similarity[j] * size[j]) / (size[i] + size[j])
        similarity[i], similarity[:, i] = merged, merged
        similarity[j], similarity[:, j] = -np.inf, -np.inf
        similarity[i, i] = -np.inf
        size[i] += size[j]
        groups[i].extend(groups[j])
        groups[j] = []
    labels = np.zeros(n, dtype=int)
    for label, members in enumerate(g for g in groups if g):
        labels[members] = label
    return labels


def _centroids(embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray) -> np.ndarray:
    rows = []
    for k in range(int(labels.max()) + 1):
        mean = (embeddings[labels == k] * weights[labels == k, None]).sum(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    return np.array(rows)


def voices_of(embeddings: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The voices (centroids): groups with enough speech, merged while two are one voice."""
    labels = cluster(embeddings, LINK)
    totals = np.bincount(labels, weights=weights)
    enough = max(MIN_VOICE_S, MIN_VOICE_SHARE * float(weights.sum()))
    big = [k for k in np.argsort(-totals) if totals[k] >= enough] or [int(np.argmax(totals))]
    centroids = _centroids(embeddings, weights, labels)[big]
    speech = totals[big]
    while len(centroids) > 1:
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = divmod(int(np.argmax(similarity)), len(centroids))
        if similarity[i, j] < SAME_VOICE and len(centroids) <= MAX_VOICES:
            break
        mean = centroids[i] * speech[i] + centroids[j] * speech[j]
        centroids[i] = mean / np.linalg.norm(mean)
        speech[i] += speech[j]
        centroids, speech = np.delete(centroids, j, axis=0), np.delete(speech, j)
    least = int(np.argmin(speech))
    rest = np.delete(centroids, least, axis=0)
    if len(centroids) == 3 and blend_similarity(centroids[least], rest) >= SAME_VOICE:
        centroids = rest  # the least-heard 'voice' is a blend of the other two
    return centroids


def blend_similarity(voice: np.ndarray, others: np.ndarray) -> float:
    """How alike a voiceprint is to the closest blend of two others (non-negative weights):
    pieces that straddle a change of voice, or one voice coloured by the other, embed between
    the two; a third person does not."""
    a, b = others
    gram = np.array([[1.0, float(a @ b)], [float(a @ b), 1.0]])
    target = np.array([float(voice @ a), float(voice @ b)])
    try:
        weights = np.linalg.solve(gram, target)
    except np.linalg.LinAlgError:
        return float(target.max())
    if (weights < 0).any():  # the closest blend is one of the two voices alone
        return float(target.max())
    blend = weights @ others
    return float(voice @ blend / max(float(np.linalg.norm(blend)), 1e-12))


def assign(
    embeddings: np.ndarray, centroids: np.ndarray, pieces: Sequence[Piece]
) -> tuple[np.ndarray, np.ndarray]:
    """A voice per piece (Viterbi over time) and its margin over the next nearest voice."""
    similarity = embeddings @ centroids.T
    n, k = similarity.shape
    if k == 1:
        return np.zeros(n, dtype=int), np.ones(n)
    cost = -similarity
    total = cost[0].copy()
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        joined = pieces[t].start - pieces[t - 1].end < PIECE_GAP_S
        switch = SWITCH_COST if joined else 0.0
        options = total[:, None] + switch * (1 - np.eye(k))
        back[t] = np.argmin(options, axis=0)
        total = options[back[t], np.arange(k)] + cost[t]
    labels = np.zeros(n, dtype=int)
    labels[-1] = int(np.argmin(total))
    for t in range(n - 1, 0, -1):
        labels[t - 1] = back[t, labels[t]]
    own = similarity[np.arange(n), labels]
    others = similarity.copy()
    others[np.arange(n), labels] = -np.inf
    margin = own - others.max(axis=1)
    return labels, margin


_SENTENCE_END = (".", "?", "!", "…")


def _split_points(words: Sequence[Word], piece: Piece) -> list[int]:
    """Word boundaries inside a piece where a turn may change: after a sentence's end or at
    a short gap, both sides long enough; the two likeliest first."""
    options = []
    for i in range(piece.first + 1, piece.last):
        left = words[i - 1].end - piece.start
        right = piece.end - words[i].start
        if left < SPLIT_MIN_S or right < SPLIT_MIN_S:
            continue
        gap = words[i].start - words[i - 1].end
        ends = words[i - 1].text.rstrip("\"')]").endswith(_SENTENCE_END)
        # Whisper's word times often leave no gap at a change of voice: every boundary may be
        # one; a sentence's end or a gap makes it likelier
        options.append((ends or gap >= SPLIT_GAP_S, gap, i))
    return [i for _ends, _gap, i in sorted(options, reverse=True)[:SPLIT_CANDIDATES]]


def _split_by_prints(
    words: Sequence[Word], piece: Piece, similarity: np.ndarray, first: int
) -> list[int]:
    """The word boundary inside a piece where the words' own voiceprints most suggest a change
    of voice (one voice before, another after), if any does. ``similarity``: each word's
    similarity to each voice, row ``i - first`` for word ``i``."""
    best, best_score = None, SPLIT_HINT
    rows = similarity[piece.first - first : piece.last - first]
    for i in range(piece.first + 1, piece.last):
        if words[i - 1].end - piece.start < SPLIT_MIN_S or piece.end - words[i].start < SPLIT_MIN_S:
            continue
        before, after = rows[: i - piece.first].sum(axis=0), rows[i - piece.first :].sum(axis=0)
        for a in range(len(before)):
            for b in range(len(before)):
                score = before[a] - before[b] + after[b] - after[a]
                if a != b and score > best_score:
                    best, best_score = i, float(score)
    return [] if best is None else [best]


def split_changes(
    audio: Audio,
    words: Sequence[Word],
    pieces: list[Piece],
    embeddings: np.ndarray,
    centroids: np.ndarray,
    encoder: VoiceEncoder,
    prints: WordPrints | None = None,
) -> tuple[list[Piece], np.ndarray]:
    """Pieces cut where the voice changes inside them (a quick "ja" joined to an answer):
    both sides embedded on their own, cut when they are clearly different voices. With the
    words' own voiceprints (``prints``) the likeliest boundary per piece is the one they
    point to, and only pieces where they point to one are tried; without, the two likeliest
    by gaps and sentence ends."""
    if prints is not None and len(centroids) >= 2:
        similarity = prints.of(range(len(words))) @ centroids.T
        candidates = [
            (n, i)
            for n, piece in enumerate(pieces)
            for i in _split_by_prints(words, piece, similarity, 0)
        ]
    else:
        candidates = [(n, i) for n, p in enumerate(pieces) for i in _split_points(words, p)]
    if not candidates or len(centroids) < 2:
        return pieces, embeddings
    spans = []
    for n, i in candidates:
        spans += [(pieces[n].start, words[i - 1].end), (words[i].start, pieces[n].end)]
    embedded = embed_spans(audio, spans, encoder)
    halves = embedded @ centroids.T
    best: dict[int, tuple[float, int, int]] = {}
    for k, (n, i) in enumerate(candidates):
        left, right = halves[2 * k], halves[2 * k + 1]
        a, b = int(np.argmax(left)), int(np.argmax(right))
        if a == b:
            continue
        margin = min(left[a] - np.delete(left, a).max(), right[b] - np.delete(right, b).max())
        if margin >= SPLIT_MARGIN and margin > best.get(n, (-1.0, 0, 0))[0]:
            best[n] = (float(margin), i, k)
    if not best:
        return pieces, embeddings
    result: list[Piece] = []
    rows: list[np.ndarray] = []
    for n, piece in enumerate(pieces):
        if n not in best:
            result.append(piece)
            rows.append(embeddings[n])
            continue
        _margin, i, k = best[n]
        result.append(Piece(piece.start, words[i - 1].end, piece.first, i))
        result.append(Piece(words[i].start, piece.end, i, piece.last))
        rows += [embedded[2 * k], embedded[2 * k + 1]]
    return result, np.array(rows)


def diarize(audio: Audio, words: Sequence[Word], encoder: VoiceEncoder) -> Diarization:
    """A voice and a confidence for every word of a mono (or mixed) recording."""
    pieces = [p for p in pieces_from_words(words) if p.end > p.start]
    if not pieces:
        return Diarization((None,) * len(words), (None,) * len(words), np.zeros((0, 256)), ())
    embeddings = embed_pieces(audio, pieces, encoder)
    weights = np.array([max(p.duration, 0.1) for p in pieces])
    centroids = voices_of(embeddings, weights)
    prints = WordPrints(audio, words, encoder) if SPLIT_BY_PRINTS else None
    for _round in range(SPLIT_ROUNDS):  # a second round finds a "ja" inside an answer
        pieces, embeddings = split_changes(
            audio, words, pieces, embeddings, centroids, encoder, prints
        )
    weights = np.array([max(p.duration, 0.1) for p in pieces])
    labels, margin = assign(embeddings, centroids, pieces)
    if len(centroids) > 1 and len(set(labels.tolist())) == len(centroids):
        centroids = _centroids(embeddings, weights, labels)  # once more, from the assignment
        labels, margin = assign(embeddings, centroids, pieces)
    voices: list[int | None] = [None] * len(words)
    confidence: list[float | None] = [None] * len(words)
    for piece, label, m in zip(pieces, labels, margin, strict=True):
        sure = float(np.clip(m / CONFIDENT_MARGIN, 0.0, 1.0))
        for i in range(piece.first, piece.last):
            voices[i], confidence[i] = int(label), round(sure, 3)
    prints = prints or WordPrints(audio, words, encoder)
    voices, freed = free_backchannels(audio, words, voices, centroids, encoder, prints)
    voices, moves = refine_edges(audio, words, voices, centroids, encoder, prints)
    for i, gain in (freed | moves).items():  # a word moved at an edge: as sure as its own margin
        confidence[i] = round(float(np.clip(gain / CONFIDENT_MARGIN, 0.0, 1.0)), 3)
    speech = tuple(float(weights[labels == k].sum()) for k in range(len(centroids)))
    return Diarization(tuple(voices), tuple(confidence), centroids, speech)
