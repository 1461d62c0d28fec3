"""Which voice is the interviewer: weighted votes from the conversation (roles.py), on
synthetic word lists (fast; measured on real voices in bench/speakers.py)."""

from __future__ import annotations

from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Word
from goodwork_pipeline.transcription.roles import CONFLICT, decide, roles_from_conversation


def conversation(turns: list[tuple[int, str]]) -> tuple[list[Word], list[int | None]]:
    words, voices, t = [], [], 0.0
    for voice_id, text in turns:
        for token in text.split():
            words.append(Word(t, t + 0.3, token))
            voices.append(voice_id)
            t += 0.35
        t += 0.8
    return words, voices


CLEAR = [
    (0, "Goedemiddag, fijn dat je er bent. Hoe gaat het met je?"),
    (1, "Het gaat goed. Ik werk nu drie jaar in de wijk en ik vind het mooi werk, echt."),
    (0, "Wat doe je daar precies?"),
    (1, "Ik ga bij mensen thuis langs, ik help met wassen en ik praat met ze over hun dag."),
    (0, "Hm hm."),
    (1, "Soms is het zwaar, maar mijn collega's zijn er altijd voor mij als het nodig is."),
    (0, "Dank je wel voor je verhaal."),
]


def test_a_clear_interviewer_is_found_whichever_voice_it_is() -> None:
    words, voices = conversation(CLEAR)
    evidence = roles_from_conversation(words, voices)
    assert evidence.roles == {0: INTERVIEWER, 1: PARTICIPANT}
    assert evidence.trusted
    swapped = [None if v is None else 1 - v for v in voices]
    assert roles_from_conversation(words, swapped).roles == {1: INTERVIEWER, 0: PARTICIPANT}
    assert roles_from_conversation(words, swapped).trusted


def test_without_question_marks_or_pronouns_the_turns_still_decide() -> None:
    """A reader as interviewer: short phrases from a book, no '?', no 'je'."""
    words, voices = conversation(
        [
            (0, "Het huis stond aan de rand."),
            (1, "Daarna liepen zij samen door de tuin tot aan het hek en verder langs de sloot."),
            (0, "De boer keek op."),
            (1, "Het regende de hele middag zodat niemand naar buiten kon gaan die dag daar."),
            (0, "Toen werd het stil."),
            (1, "Pas tegen de avond kwam de zon weer door de wolken en lichtte het veld op."),
            (0, "Het was laat."),
        ]
    )
    evidence = roles_from_conversation(words, voices)
    assert evidence.interviewer == 0
    assert evidence.trusted
    by_signal = {vote.signal: vote for vote in evidence.votes}
    assert by_signal["asking"].voice is None and by_signal["addressing"].voice is None


def test_strong_signals_that_conflict_leave_the_roles_unknown() -> None:
    """Voice 0 asks and says 'je' but talks long; voice 1 answers in three words: the
    question signals and the turn signals each strongly name another voice."""
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
    evidence = roles_from_conversation(words, voices)
    assert not evidence.trusted
    against = [v for v in evidence.votes if v.voice not in (None, evidence.interviewer)]
    assert max(v.strength for v in against) > CONFLICT


def test_one_weak_vote_against_does_not_block_a_clear_decision() -> None:
    """The participant has the last word: a weak vote the other way."""
    words, voices = conversation([*CLEAR, (1, "Graag gedaan.")])
    evidence = roles_from_conversation(words, voices)
    assert evidence.interviewer == 0 and evidence.trusted
    closes = next(v for v in evidence.votes if v.signal == "closes")
    assert closes.voice == 1 and 0 < closes.strength <= CONFLICT


def test_a_voice_with_one_turn_is_no_conversation() -> None:
    words, voices = conversation(CLEAR[:2])
    assert not roles_from_conversation(words, voices).trusted


def test_what_the_sidecar_says_wins_over_the_conversation() -> None:
    words, voices = conversation(CLEAR)  # the conversation says voice 0
    evidence = decide(words, voices, {1: INTERVIEWER})
    assert evidence.roles == {1: INTERVIEWER, 0: PARTICIPANT}
    assert evidence.trusted and evidence.source == "sidecar"
    assert decide(words, voices, None).roles == roles_from_conversation(words, voices).roles


def test_voices_beyond_two_and_unknown_words_are_not_counted() -> None:
    words, voices = conversation(CLEAR)
    third: list[int | None] = [2 if i % 9 == 4 else v for i, v in enumerate(voices)]
    unknown = [None if i % 7 == 3 else v for i, v in enumerate(third)]
    assert roles_from_conversation(words, unknown).roles == {0: INTERVIEWER, 1: PARTICIPANT}


def test_questions_are_asking_without_their_question_mark() -> None:
    """Speech recognition often writes a question with a full stop: its form still asks."""
    words, voices = conversation(
        [(v, text.replace("?", ".")) for v, text in CLEAR] + [(1, "Graag gedaan.")]
    )
    by_signal = {vote.signal: vote for vote in roles_from_conversation(words, voices).votes}
    assert by_signal["asking"].voice == 0 and by_signal["asking"].strength > 0
