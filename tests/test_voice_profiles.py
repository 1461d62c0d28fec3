"""Interviewer voice profiles (a voiceprint in the workspace, never the audio) and the mono
diarization's pieces; the profile is made through the real voice model from speech the
project makes itself (espeak-ng)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from flows.cli import cli
from goodwork_pipeline.models import Word
from goodwork_pipeline.testing import samples
from goodwork_pipeline.transcription.diarization import PIECE_MAX_S, pieces_from_words
from goodwork_pipeline.transcription.profiles import load_profiles, match_profile

LINES = (
    "Goedemiddag, fijn dat je er bent en dat je tijd wilt maken voor dit gesprek.",
    "Kun je vertellen wat voor werk je doet, en hoe lang je dat al doet?",
    "Wat vond je het moeilijkste moment van de afgelopen maand, en waarom?",
    "Dank je wel, dan gaan we nu verder met de volgende vraag.",
)


@pytest.fixture(scope="module")
def interviewer_alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not samples.espeak_available():
        pytest.skip("espeak-ng not installed")
    path = tmp_path_factory.mktemp("voice") / "sam-leest-voor.wav"
    samples.synthesize([(samples.INTERVIEWER, line) for line in LINES], path)
    return path


def test_a_profile_is_added_listed_used_and_removed(
    tmp_path: Path, interviewer_alone: Path
) -> None:
    runner = CliRunner()
    added = runner.invoke(
        cli, ["-C", str(tmp_path), "interviewer", "add", "Sam", str(interviewer_alone)]
    )
    assert added.exit_code == 0, added.output
    stored = tmp_path / "workspace" / "voice-profiles" / "sam.json"
    data = json.loads(stored.read_text())
    assert set(data) == {"name", "embedding", "speech_s", "model", "created"}  # no audio
    assert len(data["embedding"]) == 256 and data["speech_s"] >= 8
    assert not (tmp_path / "outbox").exists()
    listed = runner.invoke(cli, ["-C", str(tmp_path), "interviewer", "list"])
    assert listed.exit_code == 0 and "Sam" in listed.output
    profile = load_profiles(tmp_path / "workspace")["Sam"]
    # the profile matches its own voice, not a voice far from it
    other = np.roll(profile.embedding, 64)
    centroids = np.stack([other / np.linalg.norm(other), profile.embedding])
    assert match_profile(centroids, {"Sam": profile.embedding}) == (1, "Sam")
    removed = runner.invoke(cli, ["-C", str(tmp_path), "interviewer", "remove", "sam"])
    assert removed.exit_code == 0 and not stored.exists()
    again = runner.invoke(cli, ["-C", str(tmp_path), "interviewer", "remove", "Sam"])
    assert again.exit_code == 2 and "no voice profile" in again.output


def test_too_little_speech_for_a_profile_is_a_clear_error(tmp_path: Path) -> None:
    if not samples.espeak_available():
        pytest.skip("espeak-ng not installed")
    short = tmp_path / "kort.wav"
    samples.synthesize([(samples.INTERVIEWER, "Goedemiddag, welkom allemaal.")], short)
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "interviewer", "add", "Sam", str(short)])
    assert result.exit_code == 1, result.output
    assert "needs at least 8 s" in result.output
    assert not (tmp_path / "workspace" / "voice-profiles").exists()


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def test_a_profile_decides_only_when_it_clearly_matches() -> None:
    rng = np.random.default_rng(1)
    a, b = _unit(rng.random(256)), _unit(rng.random(256))  # two positive voiceprints (~0.75)
    sam = _unit(a + 0.1 * _unit(rng.standard_normal(256)))
    centroids = np.stack([b, a])
    assert match_profile(centroids, {"Sam": sam}) == (1, "Sam")
    # a profile about as close to both voices decides nothing, unless the sidecar names it
    between = _unit(a + b)
    assert match_profile(centroids, {"Sam": between}) is None
    assert match_profile(centroids, {"Sam": between}, named="sam")[1] == "Sam"
    assert match_profile(centroids[:1], {"Sam": sam}) is None  # one voice: nothing to decide


def test_pieces_end_at_pauses_and_long_talk_is_cut_at_its_widest_gap() -> None:
    words = [Word(0.0, 0.3, "Ja."), Word(0.8, 1.1, "Ik")]  # a pause: two pieces
    t = 1.15
    for _ in range(12):  # 12 words without a pause, one slightly wider gap
        words.append(Word(t, t + 0.25, "woord"))
        t += 0.35 if len(words) != 8 else 0.45
    pieces = pieces_from_words(words)
    assert (pieces[0].first, pieces[0].last) == (0, 1)
    assert all(p.duration <= PIECE_MAX_S for p in pieces)
    assert [p.first for p in pieces[1:]] == [1, 8]
    assert sum(p.last - p.first for p in pieces) == len(words)


CONVERSATION = (
    (samples.INTERVIEWER, "Goedemiddag. Wat voor werk doe je, en hoe lang al?"),
    (samples.PARTICIPANT, "Ik werk al twaalf jaar als verpleegkundige in de wijk, met mijn team."),
    (samples.INTERVIEWER, "Welke situatie is je bijgebleven?"),
    (samples.PARTICIPANT, "Een bewoner wilde niet meer eten, en ik wist niet wat ik moest doen."),
    (samples.INTERVIEWER, "Wat heb je toen gedaan?"),
    (samples.PARTICIPANT, "Ik heb met haar dochter gepraat en daarna met mijn collega's."),
    (samples.INTERVIEWER, "Dank je wel voor je verhaal."),
)
# two different espeak-ng voices (not one voice at two pitches): plumbing for the real
# model, no evidence of its quality (that is bench/speakers.py, on real voices)
TWO_VOICES = {samples.INTERVIEWER: ("nl+m3", 105, 40), samples.PARTICIPANT: ("nl+f3", 100, 58)}


def _words(turns: list[samples.Turn]) -> list[Word]:
    """Words spread over each spoken turn (what Whisper would give, without running it)."""
    words = []
    for turn in turns:
        tokens = turn.text.split()
        step = (turn.end - turn.start) / len(tokens)
        for i, token in enumerate(tokens):
            start = turn.start + i * step
            words.append(Word(round(start, 3), round(start + step * 0.9, 3), token))
    return words


def test_two_real_model_voices_and_a_profile_decide_the_roles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not samples.espeak_available():
        pytest.skip("espeak-ng not installed")
    from goodwork_pipeline.intake.recording import load_audio
    from goodwork_pipeline.intake.vad import Span
    from goodwork_pipeline.models import Sidecar
    from goodwork_pipeline.transcription.profiles import make_profile
    from goodwork_pipeline.transcription.speakers import label_words

    for role, voice in TWO_VOICES.items():
        monkeypatch.setitem(samples.VOICES, role, voice)
    path = tmp_path / "gesprek.wav"
    turns = samples.synthesize(CONVERSATION, path)
    audio = load_audio(path)
    words = _words(turns)
    truth = [t.role for t in turns for _ in t.text.split()]
    speech = [Span(t.start, t.end) for t in turns]

    labels = label_words(audio, speech, words, Sidecar())
    right = sum(a == b for a, b in zip(labels.speakers, truth, strict=True))
    assert right / len(words) >= 0.9, (labels.method, labels.speakers)
    assert "roles from the conversation (2 voices)" in labels.method
    assert len(labels.confidence) == len(words)

    alone = tmp_path / "sam.wav"
    samples.synthesize([(samples.INTERVIEWER, line) for line in LINES], alone)
    sam = make_profile("Sam", alone).embedding
    named = label_words(audio, speech, words, Sidecar(interviewer="Sam"), profiles={"Sam": sam})
    assert "profile of Sam" in named.method
    assert sum(a == b for a, b in zip(named.speakers, truth, strict=True)) / len(words) >= 0.9
