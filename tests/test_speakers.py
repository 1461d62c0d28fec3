"""Speakers: channels, and roles from the conversation (fast; the real model is in
test_transcription_real.py and the measured accuracy in bench/speakers.py)."""

from __future__ import annotations

import numpy as np
import pytest

from goodwork_pipeline.intake.audio import SAMPLE_RATE, Audio
from goodwork_pipeline.intake.vad import Span
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Sidecar, Word
from goodwork_pipeline.transcription.speakers import (
    channel_labels,
    distinct_channels,
    roles_from_conversation,
    words_by_channel,
)


def two_channels(left: np.ndarray, right: np.ndarray) -> Audio:
    pcm = (np.stack([left, right]) * 32767).astype(np.int16)
    return Audio(pcm, 2, SAMPLE_RATE, "pcm_s16le")


def voice(seconds: float, pitch: float = 150.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return 0.3 * np.sin(2 * np.pi * pitch * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t))


SPEECH = [Span(0.0, 2.0), Span(2.5, 4.5)]


def test_two_microphones_are_two_channels_even_with_crosstalk() -> None:
    a, b = voice(2.0), voice(2.0, 220)
    gap = np.zeros(SAMPLE_RATE // 2)
    left = np.concatenate([a, gap, 0.1 * b])  # the other person, 20 dB down
    right = np.concatenate([0.1 * a, gap, b])
    audio = two_channels(left, right)
    assert distinct_channels(audio, SPEECH)
    words = [
        Word(0.2, 0.6, "Wat"),
        Word(1.0, 1.4, "nu?"),
        Word(2.7, 3.0, "Dit."),
        Word(4.0, 4.4, "Ja."),
    ]
    assert words_by_channel(audio, words) == [0, 0, 1, 1]


def test_the_same_sound_on_both_channels_is_mono() -> None:
    same = np.concatenate([voice(2.0), np.zeros(SAMPLE_RATE // 2), voice(2.0, 220)])
    assert not distinct_channels(two_channels(same, same), SPEECH)
    assert not distinct_channels(two_channels(same, 0.8 * same), SPEECH)  # level differs a bit


@pytest.mark.parametrize(
    ("speakers", "expected"),
    [
        ({"left": "interviewer", "right": "participant"}, {0: INTERVIEWER, 1: PARTICIPANT}),
        ({"links": "deelnemer", "rechts": "interviewer"}, {0: PARTICIPANT, 1: INTERVIEWER}),
        ({"right": "interviewer"}, {0: PARTICIPANT, 1: INTERVIEWER}),
        ({"1": "Sam", "2": "Anna"}, {0: INTERVIEWER, 1: PARTICIPANT}),
        ({"left": "Sam", "right": "Kees"}, {0: INTERVIEWER, 1: "Kees"}),
        ({}, None),
    ],
)
def test_the_sidecar_says_who_is_on_which_channel(
    speakers: dict[str, str], expected: dict[int, str] | None
) -> None:
    sidecar = Sidecar(speakers=speakers, interviewer="Sam", participant="Anna")
    assert channel_labels(sidecar) == expected  # a name we do not know stays a name


def conversation(turns: list[tuple[int, str]]) -> tuple[list[Word], list[int | None]]:
    words, voices, t = [], [], 0.0
    for voice_id, text in turns:
        for token in text.split():
            words.append(Word(t, t + 0.3, token))
            voices.append(voice_id)
            t += 0.35
        t += 0.8
    return words, voices


def test_the_voice_that_asks_and_says_je_is_the_interviewer() -> None:
    words, voices = conversation(
        [
            (1, "Wat doe je voor werk?"),
            (0, "Ik werk in de zorg, al twaalf jaar, op een afdeling met mijn team."),
            (1, "Wat vond je daar moeilijk?"),
            (0, "Ik vond het moeilijk dat ik niet wist wat mijn collega wilde."),
            (1, "En wat heb je gedaan?"),
            (0, "Ik heb met haar gepraat en daarna met mijn leidinggevende."),
        ]
    )
    evidence = roles_from_conversation(words, voices)
    assert evidence.roles == {1: INTERVIEWER, 0: PARTICIPANT}
    assert evidence.trusted


def test_signals_that_disagree_leave_the_speakers_unknown() -> None:
    """Short turns say voice 1, but voice 1 talks about itself and voice 0 asks: unclear."""
    words, voices = conversation(
        [
            (0, "Wat vind jij ervan, en wat zou je doen als je daar stond, denk je?"),
            (1, "Ik twijfel."),
            (0, "Waarom twijfel je, wat houdt je tegen, zeg het maar gewoon?"),
            (1, "Ik weet het niet."),
            (0, "Kun je het uitleggen, wat bedoel je, wat zie je voor je?"),
            (1, "Ik wil eerlijk zijn."),
        ]
    )
    assert not roles_from_conversation(words, voices).trusted


def test_one_voice_in_one_turn_is_no_conversation() -> None:
    words, voices = conversation(
        [(0, "Wat doe je?"), (1, "Ik werk in de zorg en ik vind het fijn.")]
    )
    assert not roles_from_conversation(words, voices).trusted
