"""Placement after digressions in a long story (issue 15).

Once the participant is telling what they did, what happened next (told like the puzzle, in
the past tense about others) is part of it: it no longer points back to the earlier section
whose kind it is (the guide's ``later_kinds`` take it over). A conversation that comes back to
a section after a digression is back in that section's story: its ``later_kinds`` count again.
"When" phrases ("op dat moment") in a question ask for no situation.
"""

import re
from pathlib import Path

import pytest
from scripted import sections, transcript

from goodwork_pipeline.drafting import answer_kinds, placement, questions
from goodwork_pipeline.drafting.draft import build_draft
from goodwork_pipeline.drafting.guide import Guide, load_guide, parse_guide
from goodwork_pipeline.drafting.placement_evidence import Evidence, Unit
from goodwork_pipeline.drafting.questions import ENOUGH, match_question
from goodwork_pipeline.models import Sidecar
from goodwork_pipeline.settings import bundled_templates_dir

GUIDE_TEXT = """\
version: 2
words: {min: 60, max: 300}
acknowledgements: [hm, oké]
sections:
  - key: aanleiding
    heading: Waarom het project begon
    cues: [aanleiding]
    answer_kinds: [events]
    words: 80
  - key: aanpak
    heading: Hoe we het deden
    cues: [aanpak, aangepakt]
    answer_kinds: [actions]
    later_kinds: [events]
    words: 80
  - key: les
    heading: Wat we leerden
    cues: [geleerd, les]
    answer_kinds: [definition]
    words: 80
"""
GUIDE = parse_guide(GUIDE_TEXT, Path("leidraad.yaml"))

START = [
    ("interviewer", "Wat was de aanleiding?"),
    ("participant", "Er waren te veel wachtlijsten in de wijk, dat liep uit de hand."),
    ("interviewer", "Hoe hebben jullie het aangepakt?"),
    ("participant", "We hebben drie buurtteams opgezet en ik heb de huisartsen gebeld."),
]
AFTERMATH = [
    ("participant", "De wethouder was eerst boos en hij belde de directeur."),
    ("participant", "Op een dag kwam er een brief, de huisartsen wilden niet meer."),
    ("participant", "Er was een overleg en de gemeente kwam met geld."),
]


def _sections(lines: list[tuple[str, str]], guide: Guide = GUIDE) -> list[str | None]:
    return sections(lines, guide)


def _untaken(unit: Unit, state: str, furthest: int) -> Evidence:
    return unit.answer.get(state, [])


def test_what_happened_after_the_actions_began_does_not_go_back_to_the_puzzle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [*START, ("interviewer", "En de wethouder, wat vond die ervan?"), *AFTERMATH]
    assert _sections(lines)[2:] == ["aanpak"] * 3
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)  # the rule alone, without learned signs
    assert _sections(lines)[2:] == ["aanpak"] * 3
    monkeypatch.setattr(placement, "_answer", _untaken)  # events keep pointing back
    assert _sections(lines)[2:] == ["aanleiding"] * 3


def test_before_the_actions_began_what_happened_counts_for_the_puzzle() -> None:
    """beeld.json records the evidence that held where the sentence is."""
    lines = [*START, ("interviewer", "En de wethouder, wat vond die ervan?"), *AFTERMATH]
    first, *_rest, last = build_draft(transcript(lines), Sidecar(), GUIDE).placements
    assert first.section == "aanleiding"
    assert any("vertelt wat er gebeurde ('er waren'" in what for _k, _p, what in first.evidence)
    assert last.section == "aanpak"
    assert any("na de start van dit onderdeel" in what for _k, _p, what in last.evidence)


def test_coming_back_after_a_digression_counts_the_later_kinds_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [
        *START,
        ("interviewer", "Wat heb je ervan geleerd?"),
        ("participant", "Ik heb geleerd dat je moet durven vragen."),
        ("interviewer", "En de wethouder, wat vond die ervan?"),
        *AFTERMATH,
    ]
    assert _sections(lines)[3:] == ["aanpak"] * 3
    monkeypatch.setattr(placement, "_reached", _only_when_asked)
    assert _sections(lines)[3:] != ["aanpak"] * 3


def _only_when_asked(unit: Unit, a: int, furthest: int, b: int, ready: bool, named: bool) -> bool:
    return (ready and a == b) or (unit.turn_start and named)


@pytest.mark.parametrize(
    ("question", "names_puzzle"),
    [
        ("Waarom vond je dat belangrijk, op dat moment al?", False),
        ("Wat deed je op een gegeven moment?", False),
        ("Kun je een moment beschrijven dat je niet wist wat goed was?", True),
    ],
)
def test_a_when_phrase_asks_for_no_situation(question: str, names_puzzle: bool) -> None:
    match = match_question(question, load_guide(bundled_templates_dir()))
    assert (match.score_of("puzzel") >= ENOUGH) is names_puzzle


def test_a_tag_makes_a_statement_a_question() -> None:
    guide = load_guide(bundled_templates_dir())
    assert match_question("Dat is voor jou echt belangrijk, hè.", guide).asks
    assert match_question("Je hebt het zelf gedaan, toch.", guide).asks
    assert not match_question("Dat is voor jou echt belangrijk.", guide).asks


REAL = load_guide(bundled_templates_dir())
BACK_TO_THE_PERSON = [
    ("interviewer", "Wie ben je?"),
    ("participant", "Ik ben wijkverpleegkundige in Zwolle, al twaalf jaar."),
    ("interviewer", "Welke situatie is je bijgebleven?"),
    ("participant", "Een meneer liet niemand binnen en zijn huis was vervuild."),
    ("interviewer", "Wat heb je toen gedaan?"),
    ("participant", "Ik ben elke dag langsgegaan en heb koffie met hem gedronken."),
    ("interviewer", "Even terug naar jou. Hoe ben je zo geworden?"),
    ("participant", "Mijn moeder was ook verpleegkundige."),
    ("participant", "Ik werk graag met mensen die niemand meer ziet."),
]


def test_going_back_when_the_interviewer_says_so_costs_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert match_question("Even terug naar jou. Hoe ben je zo geworden?", REAL).back
    assert not match_question("Hoe ben je zo geworden?", REAL).back
    assert _sections(BACK_TO_THE_PERSON, REAL)[-2:] == ["wie", "wie"]
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)  # the rule alone, without learned signs
    assert _sections(BACK_TO_THE_PERSON, REAL)[-2:] == ["wie", "wie"]
    monkeypatch.setattr(questions, "_BACK", re.compile("(?!)"))  # never heard
    assert _sections(BACK_TO_THE_PERSON, REAL)[-2:] != ["wie", "wie"]
