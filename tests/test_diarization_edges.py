"""diarization.refine_edges and edges.free_backchannels on real recorded speech of two people
(../shared/voices; skipped where it is absent): a word put on the wrong side of a change of
voice goes back, a short turn glued inside the other voice is freed."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.models import Word
from goodwork_pipeline.transcription.diarization import refine_edges
from goodwork_pipeline.transcription.edges import free_backchannels
from goodwork_pipeline.transcription.voice_encoder import VoiceEncoder
from goodwork_pipeline.transcription.voiceprints import embed_spans

SHARED_VOICES = Path(__file__).resolve().parents[1].parent / "shared" / "voices" / "audio"
TURN_S = 3.2
WORD_S = 0.4
Setup = tuple[Audio, list[Word], list[int | None], np.ndarray, VoiceEncoder]


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        return np.frombuffer(clip.readframes(clip.getnframes()), np.int16).astype(np.float32)


@pytest.fixture(scope="module")
def two_voices() -> Setup:
    """A woman (LibriVox reader 880) then a man (reader 2825), with no pause between."""
    clips = [sorted(SHARED_VOICES.glob(f"nl_mls{who}_*.wav")) for who in ("880", "2825")]
    if not all(clips):
        pytest.skip(f"real voices not found at {SHARED_VOICES}")
    first, second = (read_wav(c[0])[int(0.3 * SAMPLE_RATE) :] for c in clips)
    n = int(TURN_S * SAMPLE_RATE)
    pcm = np.concatenate([first[:n], second[:n]]).astype(np.int16)[None, :]
    audio = Audio(pcm, 1, SAMPLE_RATE, "pcm_s16le")
    count = int(TURN_S / WORD_S)
    words = [Word(i * WORD_S, (i + 1) * WORD_S - 0.02, f"w{i}") for i in range(2 * count)]
    truth: list[int | None] = [0] * count + [1] * count
    encoder = VoiceEncoder(threads=1)
    centroids = embed_spans(audio, [(0.0, TURN_S), (TURN_S, 2 * TURN_S)], encoder)
    return audio, words, truth, centroids, encoder


def test_a_first_word_timed_into_the_turn_before_goes_back(two_voices: Setup) -> None:
    audio, words, truth, centroids, encoder = two_voices
    count = truth.index(1)
    shifted = list(truth)
    shifted[count] = 0  # the man's first word labelled as the woman's
    voices, moves = refine_edges(audio, words, shifted, centroids, encoder)
    assert voices == truth and list(moves) == [count]
    shifted = list(truth)
    shifted[count - 1] = 1  # the woman's last word labelled as the man's
    voices, _moves = refine_edges(audio, words, shifted, centroids, encoder)
    assert voices == truth


def test_a_right_change_of_voice_stays_where_it_is(two_voices: Setup) -> None:
    audio, words, truth, centroids, encoder = two_voices
    voices, moves = refine_edges(audio, words, truth, centroids, encoder)
    assert voices == truth and not moves
    one_voice = refine_edges(audio, words, truth, centroids[:1], encoder)
    assert one_voice == (truth, {})


def test_a_short_turn_glued_inside_the_other_voice_is_freed(two_voices: Setup) -> None:
    """0.8 s of the man between two stretches of the woman, no pause, all labelled hers."""
    audio, _words, _truth, centroids, encoder = two_voices
    pcm = audio.pcm[0]
    woman, man = pcm[: int(TURN_S * SAMPLE_RATE)], pcm[int(TURN_S * SAMPLE_RATE) :]
    half, back = int(2.4 * SAMPLE_RATE), int(0.8 * SAMPLE_RATE)
    glued = np.concatenate([woman[:half], man[:back], woman[-half:]])
    mixed = Audio(glued[None, :], 1, SAMPLE_RATE, "pcm_s16le")
    words = [Word(i * WORD_S, (i + 1) * WORD_S - 0.02, f"w{i}") for i in range(14)]
    voices, moves = free_backchannels(mixed, words, [0] * 14, centroids, encoder)
    assert voices == [0] * 6 + [1] * 2 + [0] * 6 and sorted(moves) == [6, 7]


def test_one_voice_throughout_frees_nothing(two_voices: Setup) -> None:
    audio, words, truth, centroids, encoder = two_voices
    count = truth.index(1)
    woman = Audio(audio.pcm[:, : int(TURN_S * SAMPLE_RATE)], 1, SAMPLE_RATE, "pcm_s16le")
    voices, moves = free_backchannels(woman, words[:count], truth[:count], centroids, encoder)
    assert voices == truth[:count] and not moves
