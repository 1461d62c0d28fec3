"""The whole path through the real flow, store, documents and renderer (scripted speech).

The transcriber here is the scripted fake, so these run in seconds; test_end_to_end.py runs
the same path with real Whisper on real (espeak-ng) speech.
"""

import json
from pathlib import Path

import docx
import pytest
from helpers import drop, pdf_text, published_files

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.status import status_rows
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

pytestmark = pytest.mark.prefect


def only_story(pipeline):
    stories = pipeline.store.stories()
    assert len(stories) == 1
    return stories[0]


def draft_of(pipeline, story) -> Path:
    return pipeline.draft_outbox_path(story.id, story.draft_version)


def return_draft(pipeline, story, name="terug.docx", **choices) -> Path:
    target = pipeline.settings.inbox_dir / name
    return fill_in_as_participant(draft_of(pipeline, story), target, **choices)


def test_recording_to_draft(pipeline, run_flow, tone_wav, scripted) -> None:
    drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    results = run_flow(pipeline)
    assert all(r.ok for r in results), results
    story = only_story(pipeline)
    assert story.state == State.DRAFTED
    assert story.sidecar.participant == "Anna de Vries"
    # the inbox is emptied, the original kept byte for byte with its checksum
    assert list(pipeline.settings.inbox_dir.iterdir()) == []
    original = pipeline.workspace.story(story.id).original()
    assert sha256_file(original) == sha256_file(tone_wav) == story.source_sha256
    transcript = pipeline.workspace.story(story.id).transcript_dir
    assert {p.name for p in transcript.iterdir()} >= {"transcript.json", "transcript.txt"}
    document = docx.Document(str(draft_of(pipeline, story)))
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("Wie ik ben", "De puzzel", "Wat ik deed", "Wat ik afwoog"):
        assert heading in text
    assert "Ik werk als teammanager in de ouderenzorg" in text
    assert "Wat heb je toen gedaan?" not in text  # the interviewer's words are not the beeld
    assert story.id in document.sections[0].footer.paragraphs[0].text


def test_consented_story_is_published_for_its_channels_only(pipeline, run_flow, tone_wav) -> None:
    drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    run_flow(pipeline)
    story = only_story(pipeline)
    return_draft(
        pipeline,
        story,
        channels=[Channel.WEBSITE, Channel.SOCIAL],
        name_display=NameDisplay.FIRST,
        replace={"al twaalf jaar": "al twaalf jaar, met plezier"},
    )
    results = run_flow(pipeline)
    assert all(r.ok for r in results), results
    story = pipeline.store.story(story.id)
    assert story.state == State.PUBLISHED
    [folder] = [
        p for p in pipeline.settings.outbox_dir.iterdir() if p.is_dir() and p.name != "concepten"
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["channel"] for f in manifest["files"]} == {"website", "social"}
    for entry in manifest["files"]:
        assert sha256_file(folder / entry["path"]) == entry["sha256"]
    [record] = pipeline.store.consent_records(story.id)
    assert manifest["consent"]["ledger_record"] == record.id
    assert record.text_sha256 == story.approved_sha256 == manifest["consent"]["text_sha256"]
    pdf = pdf_text(folder / "website" / "beeld.pdf")
    assert "met plezier" in pdf  # the participant's edit is what gets published
    assert "Anna" in pdf and "Vries" not in pdf  # first name only, as chosen
    linkedin = (folder / "sociale-media" / "linkedin.txt").read_text()
    assert "#BeeldenVanGoedWerk" in linkedin and "Vries" not in linkedin
    assert not (folder / "groepsgesprek").exists() and not (folder / "intern").exists()


@pytest.mark.parametrize(
    "choices",
    [
        {"approve": False, "channels": [], "name_display": None},  # untouched draft
        {"approve": True, "channels": []},  # approved, but nowhere
        {"approve": False, "channels": [Channel.WEBSITE, Channel.SOCIAL]},  # not approved
    ],
    ids=["untouched", "no-channel", "not-approved"],
)
def test_no_consent_no_publication(pipeline, run_flow, tone_wav, choices) -> None:
    drop(pipeline.settings, tone_wav)
    run_flow(pipeline)
    story = only_story(pipeline)
    return_draft(pipeline, story, demo_note=False, **choices)
    run_flow(pipeline)
    assert published_files(pipeline.settings.outbox_dir) == []
    assert pipeline.store.story(story.id).state in (State.APPROVED, State.DECLINED)


def test_returned_draft_with_fewer_boxes_withdraws_those_channels(
    pipeline, run_flow, tone_wav
) -> None:
    drop(pipeline.settings, tone_wav)
    run_flow(pipeline)
    story = only_story(pipeline)
    return_draft(pipeline, story, "eerste.docx", channels=[Channel.WEBSITE, Channel.SOCIAL])
    run_flow(pipeline)
    return_draft(pipeline, story, "tweede.docx", channels=[Channel.WEBSITE])
    run_flow(pipeline)
    files = [
        p.relative_to(pipeline.settings.outbox_dir).parts[1:]
        for p in published_files(pipeline.settings.outbox_dir)
    ]
    assert ("website", "beeld.pdf") in files
    assert not any(part[0] == "sociale-media" for part in files if part)


def test_unknown_story_document_is_rejected_and_kept(pipeline, run_flow, tmp_path) -> None:
    from goodwork_pipeline.drafting.draft_document import DraftInfo, write_draft
    from goodwork_pipeline.models import Beeld, Section

    other = write_draft(
        Beeld("Ander verhaal", (Section("wie", "Wie ik ben"),)),
        DraftInfo("GW-ZZZZZZZZ", 1, "Ander programma"),
        tmp_path / "ander.docx",
    )
    returned = fill_in_as_participant(other, pipeline.settings.inbox_dir / "ander-terug.docx")
    results = run_flow(pipeline)
    assert not results[0].ok
    assert "GW-ZZZZZZZZ" in results[0].message and "never" in results[0].message
    assert returned.exists()
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    assert [r.name for r in rejected] == ["ander-terug.docx"]
    assert published_files(pipeline.settings.outbox_dir) == []


def test_running_twice_transcribes_nothing_twice(pipeline, run_flow, tone_wav, scripted) -> None:
    drop(pipeline.settings, tone_wav, "gesprek.wav")
    run_flow(pipeline)
    run_flow(pipeline)
    assert scripted.calls == 1
    story = only_story(pipeline)
    # the same audio under another name is the same recording
    drop(pipeline.settings, tone_wav, "kopie van gesprek.wav")
    results = run_flow(pipeline)
    assert results[0].ok and story.id in results[0].message
    assert scripted.calls == 1 and len(pipeline.store.stories()) == 1
    assert [e.kind for e in pipeline.store.events(story.id)].count("duplicate") == 1
    kept = pipeline.workspace.story(story.id).root / "duplicates" / "kopie van gesprek.wav"
    assert kept.exists() and not (pipeline.settings.inbox_dir / "kopie van gesprek.wav").exists()


def test_bad_inputs_are_reported_kept_and_do_not_stop_the_run(
    pipeline, run_flow, tone_wav, tmp_path
) -> None:
    inbox = pipeline.settings.inbox_dir
    (inbox / "leeg.m4a").write_bytes(b"")
    (inbox / "boodschappen.mp3").write_text("melk, brood, kaas\n" * 50, encoding="utf-8")
    data = tone_wav.read_bytes()
    (inbox / "afgebroken.wav").write_bytes(data[: len(data) // 3])
    drop(pipeline.settings, tone_wav, "goed.wav")
    results = run_flow(pipeline)
    assert len(pipeline.store.stories()) == 1  # the good one went through
    assert only_story(pipeline).state == State.DRAFTED
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    messages = {r.name: r.message_nl for r in rejected}
    assert set(messages) == {"leeg.m4a", "boodschappen.mp3", "afgebroken.wav"}
    assert "leeg" in messages["leeg.m4a"]
    assert "geen geluidsbestand" in messages["boodschappen.mp3"]
    assert "onvolledig" in messages["afgebroken.wav"]
    for name in messages:
        assert (inbox / name).exists(), f"{name} must stay in the inbox"
    assert sum(not r.ok for r in results) == 3
    # a second run does not report them again, and nothing is lost
    again = run_flow(pipeline)
    assert all(not r.ok for r in again) and len(pipeline.store.stories()) == 1


def test_a_fixed_sidecar_retries_the_recording(pipeline, run_flow, tone_wav) -> None:
    drop(pipeline.settings, tone_wav, "gesprek.wav", sidecar="participant: Anna\nleeftijd: 40\n")
    run_flow(pipeline)
    assert pipeline.store.stories() == []
    (pipeline.settings.inbox_dir / "gesprek.yaml").write_text("participant: Anna\n")
    run_flow(pipeline)
    assert only_story(pipeline).sidecar.participant == "Anna"


def test_a_crash_after_receiving_is_finished_by_the_next_run(pipeline, run_flow, tone_wav) -> None:
    path = drop(pipeline.settings, tone_wav)
    assert pipeline.receive(path).ok  # then the process died before transcribing
    assert only_story(pipeline).state == State.RECEIVED
    run_flow(pipeline)
    assert only_story(pipeline).state == State.DRAFTED


def test_a_crash_between_story_and_archive_resumes(pipeline, run_flow, tone_wav) -> None:
    path = drop(pipeline.settings, tone_wav)
    sha = sha256_file(path)
    from goodwork_pipeline.models import Sidecar

    pipeline.store.create_story(
        source_sha256=sha,
        source_name=path.name,
        kind="audio",
        sidecar=Sidecar(),
        actor="t",
        source="t",
    )  # story row written, then the process died before archiving
    run_flow(pipeline)
    story = only_story(pipeline)
    assert pipeline.workspace.story(story.id).original() is not None
    assert story.state == State.DRAFTED
    assert not path.exists()


def test_a_file_still_being_copied_is_left_for_later(pipeline, tone_wav, monkeypatch) -> None:
    path = drop(pipeline.settings, tone_wav)
    monkeypatch.setattr(
        "goodwork_pipeline.intake.door.wait_until_complete", lambda *_args, **_kwargs: False
    )
    result = pipeline.receive(path)
    assert not result.ok and "still being written" in result.message
    assert path.exists() and pipeline.store.stories() == []
