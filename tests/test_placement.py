"""Placement as one decision over the conversation (issue 15): question, answer and order.

The interview corpus (tests/data/interviews/, see its README) is split into tune/ and test/
by a fixed rule; these tests read only its layout and tune/ (bench/drafts.py reports both).
"""

import json
from pathlib import Path

import pytest
import yaml
from scripted import transcript

from goodwork_pipeline.drafting.answer_kinds import answer_kinds
from goodwork_pipeline.drafting.draft import beeld_json, build_draft
from goodwork_pipeline.drafting.guide import load_guide, parse_guide
from goodwork_pipeline.drafting.placement import match_question
from goodwork_pipeline.errors import GuideError
from goodwork_pipeline.models import Sidecar
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.conversations import load_conversation, load_conversations

GUIDE = load_guide(bundled_templates_dir())
INTERVIEWS = Path(__file__).parent / "data" / "interviews"


def placed(lines: list[tuple[str, str]], guide=GUIDE) -> dict[str, str | None]:
    draft = build_draft(transcript(lines), Sidecar(), guide)
    return {p.utterance.text: p.section for p in draft.placements}


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Wat heeft u toen ondernomen?", "deed"),
        ("En wat hebt ge dan gedaan?", "deed"),
        ("Welke kant wilde je op?", "afweging"),
        ("Wat ging er door je hoofd?", "afweging"),
        ("Waar hecht u aan in uw vak?", "belangrijk"),
        ("Kunt u kort zeggen wat u doet?", "wie"),
    ],
)
def test_paraphrases_and_register_name_the_section(question: str, section: str) -> None:
    match = match_question(question, GUIDE, "puzzel")
    assert (match.section, match.kind) == (section, "section"), match


@pytest.mark.parametrize("remark", ["Hm hm.", "Oké, mooi.", "Ja, dat snap ik.", "Dus je belde."])
def test_acknowledgements_and_summaries_ask_nothing(remark: str) -> None:
    match = match_question(remark, GUIDE, "deed")
    assert not match.asks and match.kind == "none"


def test_a_summary_that_goes_on_to_ask_asks() -> None:
    match = match_question("Dus je hebt eerst gebeld. Wat vond je daarin belangrijk?", GUIDE)
    assert (match.section, match.asks) == ("belangrijk", True)


def test_answer_kinds_read_the_form_of_the_sentence() -> None:
    assert "actions" in answer_kinds("Toen heb ik de dochter gebeld en een gesprek gepland.")
    assert "weighing" in answer_kinds("Aan de andere kant had ik ook kunnen wachten.")
    assert "values" in answer_kinds("Ik vind dat iedereen gehoord moet worden.")
    assert "person" in answer_kinds("Ik ben teamleider in een wijkteam, al zes jaar.")
    assert not answer_kinds("Koffie?")


def test_a_reworded_question_and_the_answer_together_place_the_actions() -> None:
    result = placed(
        [
            ("interviewer", "Wat speelde er?"),
            ("participant", "Een bewoner wilde niet meer eten en de familie was boos."),
            ("interviewer", "Hm hm. En toen, hoe ben je daarmee omgegaan?"),
            ("participant", "Ik heb de familie uitgenodigd en samen met de arts gesproken."),
            ("interviewer", "Welke kant wilde je eigenlijk op?"),
            ("participant", "Ik twijfelde tussen doorgaan met sondevoeding of stoppen."),
        ]
    )
    assert list(result.values()) == ["puzzel", "deed", "afweging"]


def test_an_answer_running_on_after_hm_hm_stays_and_small_talk_stays_out() -> None:
    result = placed(
        [
            ("interviewer", "Goedemorgen! Lukte het met parkeren?"),
            ("participant", "Ja hoor, het was wel druk."),
            ("interviewer", "Wat heb je toen gedaan?"),
            ("participant", "Ik heb eerst met mijn collega overlegd."),
            ("interviewer", "Hm hm."),
            ("participant", "Daarna zijn we samen naar de bewoner gegaan."),
            ("interviewer", "Dank je wel voor het gesprek."),
            ("participant", "Graag gedaan, tot ziens."),
        ]
    )
    assert result == {
        "Ja hoor, het was wel druk.": None,
        "Ik heb eerst met mijn collega overlegd.": "deed",
        "Daarna zijn we samen naar de bewoner gegaan.": "deed",
        "Graag gedaan, tot ziens.": None,
    }


def test_a_question_back_to_the_interviewer_is_not_placed() -> None:
    result = placed(
        [
            ("interviewer", "Wat vindt u belangrijk in uw werk?"),
            ("participant", "Bedoelt u in het algemeen?"),
            ("interviewer", "Ja, in het algemeen."),
            ("participant", "Dat ieder kind dezelfde kans krijgt, dat vind ik belangrijk."),
        ]
    )
    assert result["Bedoelt u in het algemeen?"] is None
    assert result["Dat ieder kind dezelfde kans krijgt, dat vind ik belangrijk."] == "belangrijk"


def test_every_placement_records_its_evidence_in_beeld_json() -> None:
    draft = build_draft(
        transcript(
            [
                ("interviewer", "Wat heeft u toen ondernomen?"),
                ("participant", "Ik heb de familie gebeld en een gesprek gepland met de arts."),
            ]
        ),
        Sidecar(),
        GUIDE,
    )
    data = json.loads(json.dumps(beeld_json(draft, draft.beeld)))
    [deed] = [s for s in data["sections"] if s["key"] == "deed"]
    evidence = {e["evidence"] for e in deed["sentences"][0]["placement"]}
    assert {"vraag", "antwoord", "volgorde"} <= evidence
    assert all(isinstance(e["points"], float | int) for e in deed["sentences"][0]["placement"])


OTHER_GUIDE = """\
version: 2
words: {min: 60, max: 300}
acknowledgements: [hm, oké]
synonyms:
  - [aanleiding, reden]
sections:
  - key: aanleiding
    heading: Waarom het project begon
    questions: ["Wat was de aanleiding?"]
    paraphrases: ["Hoe is het zo gekomen?"]
    answer_kinds: [events]
    words: 80
  - key: aanpak
    heading: Hoe we het deden
    cues: [aanpak, aangepakt]
    answer_kinds: [actions]
    words: 80
  - key: les
    heading: Wat we leerden
    cues: [geleerd, les]
    answer_cues: [de les is]
    answer_kinds: [definition]
    words: 80
"""


def test_another_programmes_guide_works_without_code_changes() -> None:
    guide = parse_guide(OTHER_GUIDE, Path("leidraad.yaml"))
    result = placed(
        [
            ("interviewer", "Wat was de reden voor het project?"),
            ("participant", "Er waren te veel wachtlijsten in de wijk, dat liep uit de hand."),
            ("interviewer", "Hm."),
            ("participant", "En de gemeente wilde iets doen."),
            ("interviewer", "Hoe hebben jullie het aangepakt?"),
            ("participant", "We hebben drie buurtteams opgezet en de huisartsen gebeld."),
            ("participant", "De les is dat je klein moet beginnen."),
        ],
        guide,
    )
    assert list(result.values()) == ["aanleiding", "aanleiding", "aanpak", "les"]


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("answer_kinds: [actions]", "answer_kinds: [feelings]", "unknown answer kind 'feelings'"),
        ('paraphrases: ["Hoe is het zo gekomen?"]', "paraphrases: Wat deed je", "list of texts"),
    ],
)
def test_new_guide_keys_are_checked(old: str, new: str, fragment: str) -> None:
    with pytest.raises(GuideError) as caught:
        parse_guide(OTHER_GUIDE.replace(old, new), Path("leidraad.yaml"))
    assert fragment in str(caught.value) and "leidraad.yaml line" in str(caught.value)


def test_synonyms_must_be_groups_of_words() -> None:
    broken = OTHER_GUIDE.replace("  - [aanleiding, reden]", "  - aanleiding")
    with pytest.raises(GuideError, match="synonyms"):
        parse_guide(broken, Path("leidraad.yaml"))


# The corpus ---------------------------------------------------------------------------------


def test_the_corpus_follows_its_split_rule() -> None:
    files = sorted(INTERVIEWS.glob("*/*.yaml"))
    if not files:
        pytest.skip("no interview corpus in this checkout")
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.parent.name == "fresh":  # the later held-out sets: 61-72 short, 73-75 long
            assert 61 <= data["number"] <= 75, path
            assert data["long"] == (data["number"] >= 73), path
        else:
            split = "test" if data["number"] % 4 == 0 else "tune"
            assert path.parent.name == split, path
        assert data["id"] == path.stem and path.name.startswith(f"{data['number']:02d}-")
        load_conversation(path)  # every participant turn has a section label


def test_placement_on_the_short_tune_conversations() -> None:
    """A floor on tune/ (the figures are in bench/DRAFTS.md; test/ is never used here)."""
    conversations = [c for c in load_conversations(INTERVIEWS / "tune") if not c.long]
    if not conversations:
        pytest.skip("no tune conversations")
    right = total = 0
    for conversation in conversations:
        draft = build_draft(conversation.transcript(names=True), conversation.sidecar, GUIDE)
        truth = conversation.truth()
        right += sum(truth[p.utterance.segment_ids[0]] == p.section for p in draft.placements)
        total += len(draft.placements)
        interviewer = {i for i, line in enumerate(conversation.lines) if line.role == "interviewer"}
        for section in draft.beeld.sections:
            for sentence in section.sentences:
                assert not set(sentence.segment_ids) & interviewer
        assert draft.words <= GUIDE.max_words
    assert right / total >= 0.8, right / total


def test_answers_to_follow_ups_keep_the_question_that_asked_for_the_section() -> None:
    """A section is asked for once and told over follow-ups that name nothing ("En toen?"):
    while the conversation stays there, those answers answer the same question, and
    selection counts that for them too; an answer that drifts into a section was not asked."""
    lines = [
        ("Sam", "Wat heb je toen gedaan?"),
        ("Ingrid", "Ik ben eerst naar de dochter gegaan, thuis, met de arts erbij."),
        ("Sam", "En toen?"),
        ("Ingrid", "Daarna heb ik de melding zelf geschreven, met wat ik had gemist."),
        ("Sam", "Hm hm. En daarna?"),
        ("Ingrid", "Ik heb het team diezelfde week bij elkaar geroepen en alles verteld."),
    ]
    draft = build_draft(transcript(lines), Sidecar(participant="Ingrid", interviewer="Sam"), GUIDE)
    asked = {p.utterance.text: p.asked for p in draft.placements}
    assert [p.section for p in draft.placements] == ["deed"] * 3
    first = asked[lines[1][1]]
    assert first > 0 and asked[lines[3][1]] == first and asked[lines[5][1]] == first
    for candidate in draft.candidates:
        assert any(w.startswith("antwoord op de vraag naar dit onderdeel") for w in candidate.why)
