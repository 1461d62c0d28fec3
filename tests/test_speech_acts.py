"""Reading what a sentence does from its Dutch form, for transcripts without speaker labels,
where speech recognition has often dropped the question mark."""

from __future__ import annotations

import pytest

from goodwork_pipeline.models import Segment, Sidecar
from goodwork_pipeline.speech_acts import is_question, own_question, reflects, thanks

ASKS = [
    "Wat deed je toen",
    "En hoe was dat voor u.",
    "Kun je daar meer over vertellen.",
    "Heeft u toen meteen gebeld",
    "Hebt ge dat zelf zo gekozen",
    "Oké, en waarom koos je daarvoor.",
    "Vertel maar.",
    "Zeg het eens.",
    "Begin maar waar je wilt.",
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


@pytest.mark.parametrize(
    "summary",
    [
        "Dus eigenlijk: een leerplicht, en een gezin in nood.",
        "O, dus eigenlijk botste het formulier met wat de moeder wilde.",
        "Oftewel: de regel volgen, maar het verhaal meenemen.",
        "Met andere woorden, de afdeling wist het al.",
        "Als ik je goed begrijp, was de dochter er niet bij.",
    ],
)
def test_a_summary_is_read_from_its_opening(summary: str) -> None:
    assert reflects(summary)


def test_a_participant_summing_up_their_own_story_is_not_the_interviewer() -> None:
    assert not reflects("Dus eigenlijk heb ik toen de hele planning omgegooid.")
    assert not reflects("Dus eigenlijk: wij wisten het al maanden.")
    assert not reflects("Dus de dochter wist van niks.")  # plain "dus" tells on
    assert not reflects("Als ik het goed begrijp, moest ik het zelf regelen.")


def test_a_good_wish_at_parting_is_like_thanks() -> None:
    assert thanks("Succes met je les.") and thanks("En veel succes met Carla's afscheid.")
    assert not thanks("Succes was er niet, die eerste weken.")


@pytest.mark.parametrize(
    ("question", "own"),
    [
        ("Wat moest ik nou?", True),
        ("Toch?", True),
        ("Snap je wat ik bedoel?", True),
        ("Mag ik je iets vragen?", False),
        ("Zullen we beginnen?", False),
        ("Maar waar ik benieuwd naar ben: wat deed je toen?", False),
    ],
)
def test_a_question_the_speaker_asks_themselves(question: str, own: bool) -> None:
    assert own_question(question) == own


def test_without_labels_or_question_marks_the_questions_stay_out_of_the_beeld() -> None:
    """A mono recording whose voices could not be told apart, transcribed without '?': the
    interviewer's questions are read from their form and kept out of the participant's text."""
    lines = [
        "Kun je jezelf even voorstellen.",
        "Ik ben wijkverpleegkundige in Deventer, al twaalf jaar.",
        "Wat maakte die situatie zo lastig voor jou.",
        "De cliënt wilde niet dat zijn dochter iets wist van zijn ziekte.",
        "Dus eigenlijk zat je klem tussen die twee.",
        "Ik heb toen eerst met hem zelf gepraat, alleen.",
        "Dank je wel, Mirjam.",
    ]
    roles = _unlabelled_roles(lines)
    interviewer = {t for t, role in roles.items() if role == "interviewer"}
    assert interviewer == {lines[0], lines[2], lines[4], lines[6]}, roles


def _unlabelled_roles(lines: list[str], sidecar: Sidecar | None = None) -> dict[str, str]:
    """Each sentence's role when every line is a segment with no speaker label."""
    from goodwork_pipeline.drafting.draft import utterances

    segments = tuple(
        Segment(id=i, start=i * 9.0, end=i * 9.0 + 8.5, text=text) for i, text in enumerate(lines)
    )
    return {u.text: u.role for u in utterances(segments, sidecar or Sidecar())}


def test_without_labels_the_participant_addressed_by_name_is_asked() -> None:
    """ "Daan, stel je even voor" asks, once the sidecar says the participant is Daan; without
    the name the comma hides the request."""
    lines = ["Daan, stel je even voor.", "Ik ben coassistent in het ziekenhuis."]
    named = _unlabelled_roles(lines, Sidecar(participant="Daan de Wit"))
    assert named == {lines[0]: "interviewer", lines[1]: "participant"}
    assert _unlabelled_roles(lines)[lines[0]] == "participant"


def test_without_labels_what_leads_up_to_a_question_in_its_segment_is_the_askers() -> None:
    """A chatty interviewer's remark before the question, however long, is one stretch of
    speech with it (a segment runs between pauses); a participant who asks themselves a
    question goes on speaking; a summary and a good wish are the interviewer's."""
    lines = [
        "O, dat is een mooie mix. Ik heb zelf ook jaren in een wijkteam gewerkt, met van die "
        "lange dagen. Maar wat deed je toen?",
        "Ik belde de huisarts. Wat moest ik anders? Ze lag al twee dagen op de grond.",
        "Dus eigenlijk: een vrouw die geen hulp wilde, en een team dat het niet zag.",
        "Ja, zo was het wel.",
        "Dank je wel. Succes met de verhuizing.",
    ]
    roles = _unlabelled_roles(lines)
    assert [t for t, role in roles.items() if role == "participant"] == [
        "Ik belde de huisarts.",
        "Wat moest ik anders?",
        "Ze lag al twee dagen op de grond.",
        "Ja, zo was het wel.",
    ], roles
