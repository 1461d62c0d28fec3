"""What an answer does, from the form of Dutch speech (issue 15).

The perfect tense without 'ge-' ('besproken', 'verteld', 'ontdekt', 'herhaald'), someone
else's perfect tense ('hij heeft ... gebeld', 'ze is gebleven'), and what could have been
('ik zou', 'wat als') are general properties of the language, not words of one interview.
"""

import pytest

from goodwork_pipeline.drafting.answer_kinds import answer_kinds
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.drafting.questions import match_question
from goodwork_pipeline.settings import bundled_templates_dir


@pytest.mark.parametrize(
    "sentence",
    [
        "Ik heb het met de huisarts besproken.",
        "Ik heb haar alles verteld.",
        "We hebben ontdekt dat de lijst niet klopte.",
        "Ik heb de vraag nog een keer herhaald.",
        "Ik heb de afspraak toen beschreven in het dossier.",
    ],
)
def test_a_participle_without_ge_is_an_action(sentence: str) -> None:
    assert "actions" in answer_kinds(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Ik heb het hele team bijeengeroepen.",
        "We hebben de ouders dezelfde middag nog teruggebeld.",
        "Ik heb het plan aan de directie voorgelegd.",
        "Ik heb de dochter erbij meegenomen.",
        "We hebben een nieuw rooster samengesteld.",
    ],
)
def test_a_separable_verbs_participle_is_an_action(sentence: str) -> None:
    """The particle comes before 'ge-' ('terug-ge-beld', 'bijeen-ge-roepen'): any particle of
    Dutch, not only the four that were listed before."""
    assert "actions" in answer_kinds(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Ik heb vertrouwen in haar.",  # a noun, not a participle
        "Ik was bezorgd.",  # after 'zijn' mostly an adjective
        "Ik heb de verantwoordelijkheid.",
        "Ik zou eerder zijn gaan kijken.",  # what could have been, not what was done
    ],
)
def test_no_action_without_a_participle_of_doing(sentence: str) -> None:
    assert "actions" not in answer_kinds(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["Hij heeft de huisarts gebeld.", "Ze is bij ons gebleven.", "Niemand heeft iets gezegd."],
)
def test_someone_elses_perfect_tense_is_what_happened(sentence: str) -> None:
    kinds = answer_kinds(sentence)
    assert "events" in kinds and "actions" not in kinds


@pytest.mark.parametrize(
    "sentence",
    [
        "Ik zou het team eerder laten meelezen.",
        "Maar wat als ze gelijk had?",
        "Spijt heb ik niet.",
        "Dat had gekund, formeel.",
        "Dan had ik een paar moeilijke vergaderingen gehad.",
    ],
)
def test_what_could_have_been_is_weighing(sentence: str) -> None:
    assert "weighing" in answer_kinds(sentence)


GUIDE = load_guide(bundled_templates_dir())


@pytest.mark.parametrize(
    ("question", "section"),
    [
        # a superlative is the same word: 'moeilijkst' is not 'mogelijkheden'
        ("Wat maakte het voor jou het moeilijkst?", "puzzel"),
        ("Waarom was dat zo lastig, voor jou?", "puzzel"),
        # 'zwaar' in 'woog het zwaarst' weighs; it is no synonym of 'lastig'
        ("Wat woog voor jou het zwaarst?", "afweging"),
        ("Als je het opnieuw moest doen, wat zou je anders doen?", "afweging"),
        # what could have been done, asked in the counterfactual
        ("Wat had je nog meer kunnen doen?", "afweging"),
        ("Wat had u verder nog kunnen proberen?", "afweging"),
        ("Zijt ge fier op hoe het gelopen is?", "goed-werk"),
        # the question word decides what is asked; 'gedaan' is what the reason is about
        ("Waarom heb je het zo gedaan?", "belangrijk"),
    ],
)
def test_the_guide_names_the_section_of_common_rewordings(question: str, section: str) -> None:
    match = match_question(question, GUIDE)
    assert max(GUIDE.keys, key=match.score_of) == section


@pytest.mark.parametrize(
    "sentence",
    [
        "Dat is waar het om draait.",
        "Dat is waar het mij om gaat.",
        "Het gaat niet om geld.",
        "Het ging niet om schuld, het ging om zien.",  # also told in the past
    ],
)
def test_what_matters_with_the_verb_last_or_negated_is_values(sentence: str) -> None:
    assert "values" in answer_kinds(sentence)
