"""Third parties nobody listed: found with deduce, replaced when published unless cleared.

Real deduce (its lookup structures built once per machine, see conftest), the real draft
writer and reader, the real pipeline and renderer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_edits import edit
from helpers import drop, published_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser, assign
from goodwork_pipeline.privacy.story_names import cleared_by_comments
from goodwork_pipeline.privacy.third_parties import (
    FoundName,
    NameFinder,
    deduce_cache_dir,
    entries_for,
)
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.testing.samples import fill_in_as_participant
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

SCRIPT = [
    ("interviewer", "Goedemiddag. Wie ben je en wat voor werk doe je?"),
    ("participant", "Ik ben Anna. Ik werk als teammanager bij Zorggroep De Linde, al twaalf jaar."),
    ("interviewer", "Kun je een situatie beschrijven waarin je niet meteen wist wat goed was?"),
    (
        "participant",
        "Mevrouw Jansen wilde niet meer eten. Haar dochter Karin wilde dat wij haar dwongen. "
        "Jan de Boer van de thuiszorg in Zwolle kwam elke dinsdag.",
    ),
    ("interviewer", "Wat heb je toen gedaan?"),
    (
        "participant",
        "Ik ben met Karin gaan praten over de wensen van haar moeder. Mijn collega Priya "
        "dacht mee. Op de Zonnebloem had ik nog hoop dat het goed kwam.",
    ),
    ("interviewer", "Wat vind je daarin belangrijk?"),
    (
        "participant",
        "Ik vind het belangrijk dat de bewoner zelf mag kiezen, ook als dat lastig is.",
    ),
    ("interviewer", "Wat is voor jou goed werk in zo'n situatie?"),
    ("participant", "Goed werk is dat je echt luistert en samen zoekt naar wat iemand wil."),
]
SIDECAR = "participant: Anna de Vries\nrole: Teammanager\ninterviewer: Sam Bos\n"
HIDDEN = ["Jansen", "Karin", "Priya", "Jan de Boer", "Zwolle", "De Linde"]


@pytest.fixture(scope="module")
def finder(tmp_path_factory: pytest.TempPathFactory) -> NameFinder:
    from goodwork_pipeline.settings import _default_model_cache

    return NameFinder(deduce_cache_dir(_default_model_cache()))


def test_the_names_of_the_issue_are_found_and_lookalikes_are_not(finder: NameFinder) -> None:
    texts = [text for speaker, text in SCRIPT if speaker == "participant"]
    found = {f.name: f for f in finder.find(texts, not_third_parties=["Anna de Vries", "Sam Bos"])}
    assert set(found) == {
        "Mevrouw Jansen",
        "Karin",
        "Priya",
        "Jan de Boer",
        "Zwolle",
        "Zorggroep De Linde",
    }, found
    assert found["Karin"].role == "dochter" and found["Karin"].stand_in == "de dochter"
    assert found["Priya"].role == "collega"
    assert found["Mevrouw Jansen"].stand_in == "mevrouw A"
    assert found["Zwolle"].kind == "plaats" and found["Zwolle"].stand_in == "de regio"
    assert found["Zorggroep De Linde"].kind == "instelling"


def test_a_role_before_a_name_stays_and_the_name_goes() -> None:
    karin = FoundName("Karin", "persoon", "de dochter", "dochter")
    text = "Haar dochter Karin belde. Karin was boos op mevrouw A."
    hidden = Pseudonymiser(assign(entries_for([karin]))).text(text)
    assert hidden == "Haar dochter belde. De dochter was boos op mevrouw A."
    assert Pseudonymiser(assign(entries_for([karin], kept=["karin"]))).text(text) == text


def test_only_a_yes_on_the_name_itself_clears_it() -> None:
    from goodwork_pipeline.review.returned_comments import Comment

    karin = FoundName("Karin", "persoon", "de dochter", "dochter")
    priya = FoundName("Priya", "persoon", "de collega", "collega")
    comments = [
        Comment(author="Anna", text="Ja, die naam mag blijven.", anchor="Karin"),
        Comment(author="Anna", text="Nee, liever niet.", anchor="Priya"),
        Comment(author="Anna", text="Mag blijven", anchor="iets anders"),
    ]
    assert cleared_by_comments([karin, priya], comments) == ["Karin"]


@pytest.fixture
def named_story(pipeline, tone_wav):
    pipeline._transcriber = ScriptedTranscriber(SCRIPT)
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


def outbox_text(outbox: Path) -> str:
    from helpers import pdf_text

    parts = []
    for path in published_files(outbox):
        parts.append(path.name)
        if path.suffix in {".txt", ".md", ".html", ".json"}:
            parts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            parts.append(pdf_text(path))
    index = outbox / "index.html"
    if index.exists():
        parts.append(index.read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_the_draft_shows_each_name_with_a_note_and_publishing_hides_it(
    pipeline, named_story
) -> None:
    draft = pipeline.draft_outbox_path(named_story.id, 1)
    notes = {c.anchor: c.text for c in read_document(draft).comments if "publicatie" in c.text}
    assert notes["Karin"] == (
        "Deze naam vervangen we bij publicatie door 'de dochter'. Mag de naam blijven? "
        "Schrijf dat dan hier."
    )
    assert {"Mevrouw Jansen", "Karin", "Priya", "Zwolle", "Zorggroep De Linde"} <= set(notes)
    # the participant sees the names in the draft: the text they approve still has them
    draft_text = " ".join(
        s.text for sec in pipeline.draft_beeld(named_story.id, 1).sections for s in sec.sentences
    )
    assert "haar dochter Karin" in draft_text.lower() or "Haar dochter Karin" in draft_text

    result = pipeline.record_consent(
        named_story.id,
        channels=set(Channel),
        name_display=NameDisplay.FULL,
        by="Sam",
    )
    assert result.ok, result.message
    published = outbox_text(pipeline.settings.outbox_dir)
    for name in HIDDEN:
        assert not re.search(rf"\b{re.escape(name)}\b", published), name
    assert "haar dochter" in published.lower() and "mijn collega" in published.lower()
    assert "Anna" in published  # the participant's own name follows her own choice
    assert "Zonnebloem" in published  # a ward is not a person


def test_staff_clear_a_name_with_goodwork_names(pipeline, named_story) -> None:
    from flows.cli import cli

    pipeline.record_consent(
        named_story.id, channels={Channel.WEBSITE}, name_display=NameDisplay.FULL, by="Sam"
    )
    folder = str(pipeline.settings.base_dir)
    listed = CliRunner().invoke(
        cli, ["-C", folder, "names", named_story.id], env={"COLUMNS": "200"}
    )
    assert listed.exit_code == 0, listed.output
    assert "Zorggroep De Linde" in listed.output and "vervangen" in listed.output
    kept = CliRunner().invoke(
        cli,
        ["-C", folder, "names", named_story.id, "--keep", "Zorggroep De Linde"],
        env={"COLUMNS": "200"},
    )
    assert kept.exit_code == 0, kept.output
    published = outbox_text(pipeline.settings.outbox_dir)
    assert "Zorggroep De Linde" in published
    assert "Karin" not in published and "Priya" not in published


def test_a_yes_in_the_margin_clears_the_name(pipeline, named_story) -> None:
    draft = pipeline.draft_outbox_path(named_story.id, 1)
    answered = edit(
        draft,
        pipeline.settings.inbox_dir / "antwoord.docx",
        lambda d: d.add_comment("Karin", "Ja hoor, die naam mag blijven staan."),
    )
    returned = fill_in_as_participant(
        answered, answered, channels=[Channel.WEBSITE], name_display=NameDisplay.FULL
    )
    result = pipeline.review(returned)
    assert result.ok, result.message
    published = outbox_text(pipeline.settings.outbox_dir)
    assert "Karin" in published
    assert "Priya" not in published and "Jansen" not in published


FIRST = ["Karin", "Priya", "Femke", "Ahmed", "Noor", "Daan", "Ria", "Wendy"]
SURNAMES = ["Jansen", "de Boer", "Bakker", "Visser", "van Dijk", "Mulder", "El Amrani"]
PLACES = ["Zwolle", "Deventer", "Meppel", "Apeldoorn", "Kampen"]
FRAMES = [
    "Mijn collega {p} had die dag dienst.",
    "Haar dochter {p} belde me op.",
    "Mevrouw {s} wilde niet meer eten.",
    "Ik sprak met {p} {s} over de zorg in {l}.",
    "{p} vond het moeilijk om te kiezen.",
    "We werken samen met de thuiszorg in {l}.",
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frames=st.lists(st.sampled_from(FRAMES), min_size=2, max_size=5),
    first=st.sampled_from(FIRST),
    surname=st.sampled_from(SURNAMES),
    place=st.sampled_from(PLACES),
    keep=st.booleans(),
)
def test_no_found_uncleared_name_is_ever_published(
    finder, frames, first, surname, place, keep
) -> None:
    """Default deny: whatever is found and not cleared is gone from the published text."""
    text = " ".join(f.format(p=first, s=surname, l=place) for f in frames)
    found = finder.find([text], not_third_parties=["Anna de Vries"])
    kept = [found[0].name] if keep and found else []
    published = Pseudonymiser(assign(entries_for(found, kept))).text(text)
    for item in found:
        if item.name in kept:
            continue
        for word in re.findall(r"\w+", item.name):
            if word[0].isupper() and len(word) > 2 and word.lower() not in {"mevrouw"}:
                assert not re.search(rf"\b{re.escape(word)}\b", published), (item, published)
