"""diarization.voices_of and blend_similarity on real recorded speech (../shared/voices;
skipped where it is absent): a third 'voice' whose voiceprint is a blend of the other two is no
third person; a real third person stays one."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.transcription.diarization import SAME_VOICE, blend_similarity, voices_of
from goodwork_pipeline.transcription.voice_encoder import VoiceEncoder
from goodwork_pipeline.transcription.voiceprints import embed_spans

SHARED_VOICES = Path(__file__).resolve().parents[1].parent / "shared" / "voices" / "audio"
PIECE_S = 1.6


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as clip:
        return np.frombuffer(clip.readframes(clip.getnframes()), np.int16)


@pytest.fixture(scope="module")
def readers() -> tuple[Audio, dict[str, list[tuple[float, float]]], VoiceEncoder]:
    """Readers 880 (F), 2825 (M) and 11290 (M), one reading each, one after the other; the
    1.6 s pieces of each."""
    people = ("880", "2825", "11290")
    clips = [sorted(SHARED_VOICES.glob(f"nl_mls{who}_*.wav")) for who in people]
    if not all(clips):
        pytest.skip(f"real voices not found at {SHARED_VOICES}")
    readings = [read_wav(c[0])[int(0.3 * SAMPLE_RATE) : int(9.9 * SAMPLE_RATE)] for c in clips]
    pcm = np.concatenate(readings)[None, :]
    audio = Audio(pcm, 1, SAMPLE_RATE, "pcm_s16le")
    spans: dict[str, list[tuple[float, float]]] = {}
    start = 0.0
    for who, reading in zip(people, readings, strict=True):
        length = len(reading) / SAMPLE_RATE
        spans[who] = [(t, t + PIECE_S) for t in np.arange(start, start + length - PIECE_S, PIECE_S)]
        start += length
    return audio, spans, VoiceEncoder(threads=1)


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def test_a_blend_of_the_two_voices_is_no_third_person_a_real_one_is(readers) -> None:
    audio, spans, encoder = readers
    woman, man = (embed_spans(audio, spans[who], encoder) for who in ("880", "2825"))
    two = _unit(np.array([woman.mean(axis=0), man.mean(axis=0)]))
    for blend in _unit(woman + man):  # one piece of each, their voiceprints mixed
        assert blend_similarity(blend, two) >= SAME_VOICE
    for alone in (*woman, *man):  # one voice alone is as alike to the blend as to itself
        assert blend_similarity(alone, two) >= max(float(alone @ two[0]), float(alone @ two[1]))
    third = _unit(embed_spans(audio, spans["11290"], encoder).mean(axis=0))
    assert blend_similarity(third, two) < SAME_VOICE


def test_three_people_are_three_voices(readers) -> None:
    audio, spans, encoder = readers
    pieces = spans["880"] + spans["2825"] + spans["11290"]
    embeddings = embed_spans(audio, pieces, encoder)
    assert len(voices_of(embeddings, np.full(len(pieces), PIECE_S))) == 3
