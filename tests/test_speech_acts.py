"""Reading what a sentence does from its Dutch form, for transcripts without speaker labels,
where speech recognition has often dropped the question mark."""

from __future__ import annotations

import pytest

from goodwork_pipeline.models import Segment, Sidecar
from goodwork_pipeline.speech_acts import is_question, reflects, thanks

ASKS = [
    "Wat deed je toen",
    "En hoe was dat voor u.",
    "Kun je daar meer over vertellen.",
    "Heeft u toen meteen gebeld",
    "Hebt ge dat zelf zo gekozen",
    "Oké, en waarom koos je daarvoor.",
    "Vertel maar.",
    "Zeg het eens.",
    "Laatste vraag dan: wat wil je een nieuwe collega meegeven.",
    "Weet je nog hoe het begon",
    "Was dit een vraag?",
]
STATES = [
    "Wat ik deed, was eerst de familie bellen.",
    "Als je dan binnenkomt, ruik je het al.",
    "Weet je, het was gewoon te veel.",
    "Dan moet je wel opletten.",
    "Kijk, je kunt niet alles oplossen.",
    "Zeg maar, een soort noodplan.",
    "Ik heb haar toen gebeld.",
    "Hoe dan ook, het liep goed af.",
]


@pytest.mark.parametrize("sentence", ASKS)
def test_a_question_is_read_from_its_form(sentence: str) -> None:
    assert is_question(sentence)


@pytest.mark.parametrize("sentence", STATES)
def test_a_statement_is_no_question(sentence: str) -> None:
    assert not is_question(sentence)


def test_summaries_and_thanks_are_the_listener_addressed() -> None:
    assert reflects("Dus eigenlijk heb je het team gevraagd mee te denken.")
    assert reflects("Je zei eerder: ik had het zelf kunnen zien.")
    assert not reflects("Dus ik heb het team gevraagd mee te denken.")
    assert thanks("Dank je wel, Rik.") and thanks("Merci.")
    assert not thanks("Dankzij haar ging het goed.")


def test_without_labels_or_question_marks_the_questions_stay_out_of_the_beeld() -> None:
    """A mono recording whose voices could not be told apart, transcribed without '?': the
    interviewer's questions are read from their form and kept out of the participant's text."""
    from goodwork_pipeline.drafting.draft import utterances

    lines = [
        "Kun je jezelf even voorstellen.",
        "Ik ben wijkverpleegkundige in Deventer, al twaalf jaar.",
        "Wat maakte die situatie zo lastig voor jou.",
        "De cliënt wilde niet dat zijn dochter iets wist van zijn ziekte.",
        "Dus eigenlijk zat je klem tussen die twee.",
        "Ik heb toen eerst met hem zelf gepraat, alleen.",
        "Dank je wel, Mirjam.",
    ]
    segments = tuple(
        Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.5, text=text) for i, text in enumerate(lines)
    )
    roles = {u.text: u.role for u in utterances(segments, Sidecar())}
    interviewer = {t for t, role in roles.items() if role == "interviewer"}
    assert interviewer == {lines[0], lines[2], lines[4], lines[6]}, roles
