"""Third parties' names are replaced consistently; the participant's name as they chose."""

import json

import pytest
from helpers import drop

from goodwork_pipeline.errors import NamesFileError
from goodwork_pipeline.models import NameDisplay, Sidecar
from goodwork_pipeline.privacy.pseudonymise import (
    Pseudonymiser,
    assign,
    mark_names,
    staff_file,
    staff_names,
)
from goodwork_pipeline.testing.sample_beelden import ANNA
from goodwork_pipeline.transcription.engine import ScriptedTranscriber


def test_each_name_gets_one_lettered_stand_in_in_order() -> None:
    pseudonyms = assign(["Mevrouw Jansen", "Karel de Wit", "mevrouw jansen", "Petra = haar zus"])
    assert [(p.name, p.stand_in) for p in pseudonyms] == [
        ("Mevrouw Jansen", "mevrouw A"),
        ("Karel de Wit", "persoon B"),
        ("Petra", "haar zus"),
    ]


def test_the_same_name_always_becomes_the_same_stand_in() -> None:
    p = Pseudonymiser(assign(["Mevrouw Jansen", "Karel de Wit"]))
    text = (
        "Mevrouw Jansen wilde niet eten. Ik zei tegen mevrouw jansen dat Karel kwam. "
        "Jansen knikte. De Wit belde, en Karel de Wit ook. Karels auto stond voor."
    )
    assert p.text(text) == (
        "Mevrouw A wilde niet eten. Ik zei tegen mevrouw A dat persoon B kwam. "
        "Mevrouw A knikte. Persoon B belde, en persoon B ook. Persoon B's auto stond voor."
    )


def test_only_whole_capitalised_parts_are_replaced() -> None:
    p = Pseudonymiser(assign(["Roos Bakker"]))
    assert p.text("Een roos voor Roos, van de bakker. Bakkerij Roosje.") == (
        "Een roos voor persoon A, van de bakker. Bakkerij Roosje."
    )


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (NameDisplay.FULL, "Ik ben Anna de Vries; collega's zeggen De Vries. Mevrouw A at niet."),
        (NameDisplay.FIRST, "Ik ben Anna; collega's zeggen Anna. Mevrouw A at niet."),
        (
            NameDisplay.ROLE,
            "Ik ben de teammanager; collega's zeggen de teammanager. Mevrouw A at niet.",
        ),
    ],
)
def test_the_participants_name_follows_their_choice(choice, expected) -> None:
    p = Pseudonymiser(
        assign(["Mevrouw Jansen"]),
        participant="Anna de Vries",
        name_display=choice,
        role="Teammanager",
    )
    text = "Ik ben Anna de Vries; collega's zeggen De Vries. Mevrouw Jansen at niet."
    assert p.text(text) == expected


def test_a_third_party_sharing_the_participants_first_name_keeps_it_apart() -> None:
    p = Pseudonymiser(assign(["Anna Bakker"]), participant="Anna de Vries")
    assert p.text("Anna Bakker en ik, Anna.") == "Persoon A en ik, Anna."


def test_beeld_is_replaced_everywhere_and_reports_stand_ins_not_names() -> None:
    p = Pseudonymiser(assign(ANNA.sidecar.pseudonymise))
    replaced = p.beeld(ANNA.beeld)
    assert "Jansen" not in json.dumps(replaced.to_json())
    assert "Mevrouw A zei steeds" in replaced.canonical_text()
    assert p.stand_ins_used(ANNA.beeld) == ("mevrouw A",)
    assert p.stand_ins_used(replaced) == ()


def test_staff_marks_are_kept_in_order_and_never_reshuffled(tmp_path) -> None:
    assert mark_names(tmp_path, ["Karel", "Petra=de buurvrouw"]) == ["Karel", "Petra"]
    assert mark_names(tmp_path, ["karel", "Joop"]) == ["Joop"]
    assert staff_names(tmp_path) == ["Karel", "Petra=de buurvrouw", "Joop"]
    stand_ins = {p.name: p.stand_in for p in assign(staff_names(tmp_path))}
    assert stand_ins == {"Karel": "persoon A", "Petra": "de buurvrouw", "Joop": "persoon C"}


def test_a_broken_names_file_is_a_clear_error(tmp_path) -> None:
    staff_file(tmp_path).write_text("naam: [", encoding="utf-8")
    with pytest.raises(NamesFileError, match=r"pseudoniemen\.yaml"):
        staff_names(tmp_path)
    staff_file(tmp_path).write_text("naam: Karel\n", encoding="utf-8")
    with pytest.raises(NamesFileError, match="list of names") as info:
        staff_names(tmp_path)
    assert "lijst" in info.value.nl


def test_the_draft_the_participant_sees_is_already_pseudonymised(
    settings, store, clock, tone_wav
) -> None:
    from goodwork_pipeline.pipeline import Pipeline

    script = [
        ("interviewer", "Kun je een situatie beschrijven?"),
        ("participant", "Mevrouw Jansen wilde niet eten. Haar zoon Karel de Wit was boos."),
        ("interviewer", "Wat heb je toen gedaan?"),
        ("participant", "Ik heb met Karel gepraat en daarna met mevrouw Jansen zelf."),
    ]
    pipeline = Pipeline(settings, store=store, transcriber=ScriptedTranscriber(script), clock=clock)
    sidecar = "participant: Anna de Vries\npseudonymise: [Mevrouw Jansen]\n"
    story_id = pipeline.receive(drop(settings, tone_wav, "gesprek.wav", sidecar=sidecar)).story_id
    mark_names(pipeline.workspace.story(story_id).root, ["Karel de Wit"])
    pipeline.transcribe(story_id)
    assert pipeline.draft(story_id).ok
    beeld = pipeline.draft_beeld(story_id, 1)
    text = beeld.canonical_text()
    assert "Jansen" not in text and "Karel" not in text and "Wit" not in text
    assert "Mevrouw A wilde niet eten. Haar zoon persoon B was boos." in text
    assert "Ik heb met persoon B gepraat en daarna met mevrouw A zelf." in text
    import docx

    document = docx.Document(str(pipeline.draft_outbox_path(story_id, 1)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Jansen" not in body and "Karel" not in body
    assert Sidecar().pseudonymise == ()
