"""Placement by how the conversation goes (issue 15): its pace, ``later_kinds``, silence.

In a long interview the interviewer asks many questions per section; a question that names
nothing is then more often a follow-up than a move to the next section. Once the participant
is telling what they did, what happened next (told like the puzzle, in the past tense about
others) is usually still part of it: the guide's ``later_kinds`` say so. A silent interviewer
asks fewer questions than there are sections: the answers move on by themselves. A question
that clearly names a section holds for its whole answer.
"""

import dataclasses
from pathlib import Path

import pytest
from scripted import sections

from goodwork_pipeline.drafting import answer_kinds, placement
from goodwork_pipeline.drafting.guide import load_guide, parse_guide
from goodwork_pipeline.drafting.placement import pace_scale
from goodwork_pipeline.drafting.placement_evidence import Utterance, units_of
from goodwork_pipeline.errors import GuideError
from goodwork_pipeline.settings import bundled_templates_dir

GUIDE_TEXT = """\
version: 2
words: {min: 60, max: 300}
acknowledgements: [hm, oké]
sections:
  - key: aanleiding
    heading: Waarom het project begon
    questions: ["Wat was de aanleiding?"]
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

STORY = [
    ("interviewer", "Wat was de aanleiding?"),
    ("participant", "Er waren te veel wachtlijsten in de wijk, dat liep uit de hand."),
    ("participant", "De gemeente wilde iets doen en de huisartsen klaagden."),
    ("interviewer", "Hoe hebben jullie het aangepakt?"),
    ("participant", "We hebben drie buurtteams opgezet en ik heb de huisartsen gebeld."),
    ("interviewer", "En de huisartsen?"),
    ("participant", "Die waren eerst boos, ze wilden niet meedoen."),
    ("participant", "Een van hen stuurde een lange brief naar de wethouder."),
    ("participant", "Daarna kwam er een overleg en toen ging het ineens wel."),
]


def test_the_guide_reads_later_kinds() -> None:
    guide = parse_guide(GUIDE_TEXT, Path("leidraad.yaml"))
    assert guide.section("aanpak").later_kinds == ("events",)
    assert guide.section("aanleiding").later_kinds == ()


@pytest.mark.parametrize(
    ("new", "fragment"),
    [
        ("later_kinds: [gevoelens]", "unknown answer kind 'gevoelens' in 'later_kinds'"),
        ("later_kinds: [actions]", "'actions' is in both 'answer_kinds' and 'later_kinds'"),
        ("later_kinds: events", "list of texts"),
    ],
)
def test_the_guide_refuses_bad_later_kinds(new: str, fragment: str) -> None:
    with pytest.raises(GuideError) as caught:
        parse_guide(GUIDE_TEXT.replace("later_kinds: [events]", new), Path("leidraad.yaml"))
    assert fragment in str(caught.value) and "leidraad.yaml line" in str(caught.value)


def test_what_happened_after_the_actions_stays_with_the_actions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    guide = parse_guide(GUIDE_TEXT, Path("leidraad.yaml"))
    assert sections(STORY, guide) == ["aanleiding"] * 2 + ["aanpak"] * 4
    # The rule alone: the learned reader (answer_kinds.learned_kinds) reads these sentences
    # as actions too and would hold them by itself, so it is off from here.
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)
    assert sections(STORY, guide) == ["aanleiding"] * 2 + ["aanpak"] * 4
    # the same guide without later_kinds moves the story after the actions elsewhere
    without = dataclasses.replace(
        guide,
        sections=tuple(dataclasses.replace(s, later_kinds=()) for s in guide.sections),
    )
    assert "aanpak" not in sections(STORY, without)[-3:]


def test_later_kinds_do_not_open_a_section() -> None:
    """Events before the section was reached do not count for it."""
    guide = parse_guide(GUIDE_TEXT, Path("leidraad.yaml"))
    assert sections(STORY[:3], guide) == ["aanleiding", "aanleiding"]


def test_the_next_section_bonus_follows_the_pace() -> None:
    assert pace_scale(30, 6) == 1.0  # five sentences per section: a short interview
    assert pace_scale(48, 6) == 1.0
    assert pace_scale(96, 6) == pytest.approx(0.5)
    assert pace_scale(600, 6) < 0.1  # a long interview: an unnamed question is a follow-up
    assert pace_scale(0, 6) == 1.0


GUIDE = load_guide(bundled_templates_dir())

SILENT = [
    ("interviewer", "Vertel maar."),
    ("participant", "Ik ben Tamara en ik werk al tien jaar als leercoach in de ouderenzorg."),
    ("participant", "Ik begeleid een stuk of dertig leerlingen."),
    (
        "participant",
        "Er was een leerling die haar toetsen steeds niet haalde, terwijl ze op de afdeling "
        "geweldig was.",
    ),
    ("participant", "De school zei dat ze moest stoppen als ze de herkansing niet haalde."),
    ("participant", "Ik gaf haar elke week bijles en regelde een mondelinge toets."),
    ("participant", "Ik heb ook met haar teamleider gesproken."),
    ("participant", "We mogen mensen niet verliezen door ons systeem, vind ik."),
    ("interviewer", "Dank je."),
]


def test_a_silent_interviewer_lets_the_answer_move_through_thesections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One prompt for the whole story: fewer questions than sections make a change of
    section inside the answer cheaper."""
    assert sections(SILENT, GUIDE)[:6] == ["wie", "wie", "puzzel", "puzzel", "deed", "deed"]
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)  # the rules alone, without learned signs
    assert sections(SILENT, GUIDE)[:6] == ["wie", "wie", "puzzel", "puzzel", "deed", "deed"]
    monkeypatch.setattr(placement, "FEW_QUESTIONS", 1.0)  # as if every section had a question
    monkeypatch.setattr(placement, "SUSTAINED", 0.0)  # and without the sustained-evidence rebate
    assert set(sections(SILENT, GUIDE)) == {"wie"}


NAMED = [
    ("interviewer", "Wie ben je?"),
    ("participant", "Ik ben wijkverpleegkundige in Zwolle."),
    ("interviewer", "Welke situatie is je bijgebleven?"),
    ("participant", "Een meneer liet niemand binnen en zijn huis was vervuild."),
    ("interviewer", "Wat heb je toen gedaan?"),
    ("participant", "Ik ben elke dag langsgegaan en heb koffie met hem gedronken."),
    ("interviewer", "Heb je nog getwijfeld?"),
    ("participant", "Ja, steeds."),
    ("participant", "Ik heb toen de buren gebeld."),
    ("participant", "Ik heb de corporatie gevraagd te wachten."),
    ("participant", "Ik heb de huisarts ingeschakeld."),
    ("participant", "Of ik niet te veel aan hem trok, dat vroeg ik me af."),
]


def test_a_clearly_named_question_holds_for_its_whole_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By the question alone, actions told while answering 'heb je getwijfeld?' stay with
    the weighing. (The learned reader, off here, reads them as actions and may move them to
    "Wat ik deed", which is where the corpus's labelling rules put what was done.)"""
    monkeypatch.setattr(answer_kinds, "MODEL", 0.0)
    assert sections(NAMED, GUIDE)[3:] == ["afweging"] * 5
    monkeypatch.setattr(placement, "TURN_ASKED", 0.0)  # the question only for its first sentence
    assert sections(NAMED, GUIDE)[3:5] == ["deed", "deed"]


def test_fillers_do_not_hide_an_answer_cue() -> None:
    [unit] = [
        u
        for u in units_of(
            [
                Utterance("Wat speelde er?", "interviewer", 0.0, 2.0, (0,), 0),
                Utterance(
                    "Dus ik heb, eh, eerst uitgezocht wat er mis ging.",
                    "participant",
                    2.0,
                    5.0,
                    (1,),
                    1,
                ),
            ],
            GUIDE,
        )
    ]
    assert any("begint met 'ik heb eerst'" in what for _k, _p, what in unit.answer["deed"])


SUSTAINED = [
    ("interviewer", "Wat heb je toen gedaan?"),
    ("participant", "Ik heb de huisarts gebeld en daarna heb ik de dochter gesproken."),
    ("participant", "Wachten was ook een optie."),
    ("participant", "Misschien had ik eerder moeten bellen."),
    ("participant", "Of dat slim was, weet ik niet."),
    ("participant", "We hebben toen samen een plan gemaakt."),
]


def _jump_cost(lines: list[tuple[str, str]], position: int) -> float:
    """The order's points for going from 'deed' to 'afweging' at this participant sentence."""
    utterances = [
        Utterance(text, speaker, i * 6.0, i * 6.0 + 5, (i,), 0 if i == 0 else 1)
        for i, (speaker, text) in enumerate(lines)
    ]
    unit = units_of(utterances, GUIDE)[position]
    pace = placement.Pace(unmatched=0.0, in_turn=1.0)
    deed, afweging = unit.states.index("deed"), unit.states.index("afweging")
    return sum(p for _k, p, _w in placement._within_turn(unit, deed, deed, afweging, pace))


def test_a_sustained_change_of_section_inside_an_answer_costs_less(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After what was done, three sentences of weighing: changing section there costs less
    than at a sentence with no sign of it (where the cost stays whole)."""
    sustained, none = _jump_cost(SUSTAINED, 1), _jump_cost(SUSTAINED, 4)
    assert none == pytest.approx(-placement.IN_TURN_JUMP)
    assert sustained > none + 0.5
    monkeypatch.setattr(placement, "SUSTAINED", 0.0)  # the cost as if nothing were sustained
    assert _jump_cost(SUSTAINED, 1) == pytest.approx(none)
