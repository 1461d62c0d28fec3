"""Consent as staff and participants give it: the ledger, the outbox, snapshots, history.

The real pipeline, store, documents and WeasyPrint (scripted transcription); steps are
called directly, without Prefect, so they run in seconds.
"""

import json
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from docx_edits import Docx, edit
from helpers import drop, pdf_text, published_files

from goodwork_pipeline.consent.ledger import consent_for
from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, WORDING_VERSION
from goodwork_pipeline.errors import ConsentError
from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant


@pytest.fixture
def story(pipeline, tone_wav):
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


def published(pipeline) -> set[str]:
    """The channel folders that hold publish-ready files."""
    outbox = pipeline.settings.outbox_dir
    return {
        p.relative_to(outbox).parts[1]
        for p in published_files(outbox)
        if len(p.relative_to(outbox).parts) > 2
    }


def returned(pipeline, story, name="terug.docx", **choices) -> Path:
    draft = pipeline.draft_outbox_path(story.id, pipeline.store.story(story.id).draft_version)
    return fill_in_as_participant(draft, pipeline.settings.inbox_dir / name, **choices)


def test_staff_consent_binds_to_the_draft_as_sent_and_publishes(pipeline, story) -> None:
    result = pipeline.record_consent(
        story.id,
        channels={Channel.WEBSITE, Channel.SOCIAL},
        name_display=NameDisplay.FIRST,
        by="Sam",
        note="per telefoon, 20 maart",
    )
    assert result.ok, result.message
    draft_sha = pipeline.draft_beeld(story.id, 1).text_sha256()
    assert result.details["text_sha256"] == draft_sha
    assert "conceptversie 1" in result.message_nl and draft_sha[:12] in result.message_nl
    [record] = pipeline.store.consent_records(story.id)
    assert (record.actor, record.source, record.note) == ("Sam", "cli", "per telefoon, 20 maart")
    assert record.wording_version == WORDING_VERSION and record.text_sha256 == draft_sha
    assert record.name_display == NameDisplay.FIRST
    assert pipeline.store.story(story.id).state == State.PUBLISHED
    assert published(pipeline) == {"website", "sociale-media"}


def test_every_consent_event_leaves_an_immutable_pdf_snapshot(pipeline, story) -> None:
    pipeline.record_consent(
        story.id, channels={Channel.GROUP}, name_display=NameDisplay.FULL, by="Sam"
    )
    pipeline.withdraw(story.id, by="Sam", note="mail van Anna")
    folder = pipeline.workspace.story(story.id).root / "consent"
    grant_pdf, withdraw_pdf = sorted(folder.glob("*.pdf"))
    assert grant_pdf.name.endswith("-grant.pdf") and withdraw_pdf.name.endswith("-withdraw.pdf")
    text = pdf_text(grant_pdf)
    beeld = pipeline.draft_beeld(story.id, 1)
    assert "Toestemming gegeven" in text and story.id in text
    assert beeld.title in text and beeld.text_sha256() in text.replace("\n", "")
    assert "☒ groepsgesprekken met collega" in text  # the choice, in the words given
    assert "☐ de website van het programma" in text and "☒ mijn volledige naam" in text
    assert "Toestemming ingetrokken" in pdf_text(withdraw_pdf)
    assert not grant_pdf.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    before = grant_pdf.read_bytes()
    pipeline._snapshot(pipeline.store.consent_records(story.id)[0], None)  # asked again
    assert grant_pdf.read_bytes() == before  # never rewritten


def test_withdrawal_empties_those_channels_in_the_same_run(pipeline, story) -> None:
    pipeline.record_consent(
        story.id, channels=set(Channel), name_display=NameDisplay.ROLE, by="Sam"
    )
    assert published(pipeline) == {"website", "sociale-media", "groepsgesprek", "intern"}
    result = pipeline.withdraw(story.id, channels={Channel.SOCIAL, Channel.WEBSITE}, by="Sam")
    assert result.ok and "Blijft over" in result.message_nl
    assert published(pipeline) == {"groepsgesprek", "intern"}
    assert pipeline.store.story(story.id).state == State.PUBLISHED
    pipeline.withdraw(story.id, by="Anna zelf")
    assert published_files(pipeline.settings.outbox_dir) == []
    assert pipeline.store.story(story.id).state == State.WITHDRAWN
    assert [r.action for r in pipeline.store.consent_records(story.id)] == [
        "grant",
        "withdraw",
        "withdraw",
    ]
    assert consent_for(pipeline.store, story.id) is None


def test_the_ledger_cannot_be_rewritten(pipeline, story) -> None:
    pipeline.record_consent(
        story.id, channels={Channel.WEBSITE}, name_display=NameDisplay.ROLE, by="Sam"
    )
    with pipeline.store.engine.begin() as conn, pytest.raises(sa.exc.DatabaseError):
        conn.exec_driver_sql("UPDATE consents SET channels = '[\"social\"]'")
    with pipeline.store.engine.begin() as conn, pytest.raises(sa.exc.DatabaseError):
        conn.exec_driver_sql("DELETE FROM consents")


def test_a_returned_draft_with_fewer_boxes_withdraws_and_says_so(pipeline, story) -> None:
    pipeline.review(
        returned(pipeline, story, "een.docx", channels=[Channel.WEBSITE, Channel.SOCIAL])
    )
    result = pipeline.review(returned(pipeline, story, "twee.docx", channels=[Channel.WEBSITE]))
    assert result.ok and "Ingetrokken: LinkedIn en andere sociale media" in result.message_nl
    assert published(pipeline) == {"website"}


def test_a_changed_text_voids_consent_until_given_again(pipeline, story) -> None:
    pipeline.review(returned(pipeline, story, "een.docx", channels=[Channel.WEBSITE]))
    assert published(pipeline) == {"website"}
    # the participant sends it again with a correction, approved, but no box ticked
    pipeline.review(
        returned(pipeline, story, "twee.docx", channels=[], replace={"twaalf": "dertien"})
    )
    assert published(pipeline) == set()
    assert consent_for(pipeline.store, story.id) is None
    # consent given again (by phone) binds to the corrected, approved text
    result = pipeline.record_consent(
        story.id, channels={Channel.WEBSITE}, name_display=NameDisplay.ROLE, by="Sam"
    )
    assert "goedgekeurde tekst" in result.message_nl
    folder = next(p for p in pipeline.settings.outbox_dir.iterdir() if p.name != "concepten")
    assert "dertien" in pdf_text(folder / "website" / "beeld.pdf")


def test_a_stale_version_changes_nothing_and_asks_for_the_newest(pipeline, story) -> None:
    old = returned(pipeline, story, "oud.docx", channels=[Channel.WEBSITE])
    assert pipeline.draft(story.id).ok  # version 2 exists now
    result = pipeline.review(old)
    assert not result.ok and "versie 1" in result.message_nl and "nieuwste" in result.message_nl
    assert pipeline.store.consent_records(story.id) == []
    assert published(pipeline) == set()
    event = pipeline.store.last_event(story.id, "attention")
    assert event.detail["outcome"] == "stale_version"
    assert not old.exists()
    assert (
        pipeline.workspace.story(story.id).returned_dir / f"{event.detail['document']}.docx"
    ).exists()


def test_altered_wording_records_no_consent_but_honours_unticked_boxes(pipeline, story) -> None:
    pipeline.review(
        returned(pipeline, story, "een.docx", channels=[Channel.WEBSITE, Channel.SOCIAL])
    )
    draft = pipeline.draft_outbox_path(story.id, 1)
    website = CHANNEL_BOXES[Channel.WEBSITE]

    def changed(d: Docx) -> None:
        for label in (APPROVE_LABEL, website, CHANNEL_BOXES[Channel.GROUP]):
            d.tick_content_control(label)
        d.set_text(website, website + " (alleen zonder foto)")

    path = edit(draft, pipeline.settings.inbox_dir / "drie.docx", changed)
    result = pipeline.review(path)
    assert not result.ok and "niet aan" in result.message_nl
    # social was unticked and the website box now carries a condition: both withdrawn
    # (default deny); group, newly ticked under altered wording, is not granted
    assert published(pipeline) == set()
    grant, withdrawal = pipeline.store.consent_records(story.id)
    assert grant.action == "grant" and withdrawal.action == "withdraw"
    assert withdrawal.channels == {Channel.WEBSITE, Channel.SOCIAL}
    assert withdrawal.source == "document"


def test_the_same_document_twice_is_read_once(pipeline, story) -> None:
    path = returned(pipeline, story, "terug.docx")
    copy = path.with_name("terug (kopie).docx")
    copy.write_bytes(path.read_bytes())
    assert pipeline.review(path).ok
    again = pipeline.review(copy)
    assert again.ok and "al eerder gelezen" in again.message_nl
    assert len(pipeline.store.consent_records(story.id)) == 1 and not copy.exists()


def test_status_shows_the_ledger_and_the_participants_changes(pipeline, story) -> None:
    from flows.cli import cli

    pipeline.review(
        returned(
            pipeline,
            story,
            channels=[Channel.WEBSITE],
            replace={"al twaalf jaar": "al dertien jaar"},
        )
    )
    result = CliRunner().invoke(
        cli, ["-C", str(pipeline.settings.base_dir), "status", story.id], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Toestemmingsregister" in result.output
    assert "[-twaalf-]" in result.output and "{+dertien+}" in result.output
    assert "Nu: toestemming voor de website van het programma" in result.output
    report = next(pipeline.workspace.story(story.id).returned_dir.glob("*.wijzigingen.txt"))
    assert "Wie ik ben" in report.read_text(encoding="utf-8")


def test_staff_consent_needs_a_text_and_a_name(pipeline, tone_wav) -> None:
    """Bad input is the step's failed result (never raised into the flows), and records nothing."""
    story_id = pipeline.receive(drop(pipeline.settings, tone_wav)).story_id
    refused = pipeline.record_consent(
        story_id, channels={Channel.WEBSITE}, name_display=NameDisplay.ROLE, by="Sam"
    )
    assert not refused.ok and "no draft yet" in refused.message and refused.message_nl
    pipeline.transcribe(story_id)
    pipeline.draft(story_id)
    refused = pipeline.record_consent(
        story_id, channels={Channel.WEBSITE}, name_display=NameDisplay.ROLE, by=" "
    )
    assert not refused.ok and "--by" in refused.message
    refused = pipeline.record_consent(
        story_id, channels=(), name_display=NameDisplay.ROLE, by="Sam", version=3
    )
    assert not refused.ok and "versions 1 to 1" in refused.message
    assert consent_for(pipeline.store, story_id) is None
    assert pipeline.store.story(story_id).state == State.DRAFTED


def test_parse_channels_accepts_what_staff_type() -> None:
    from goodwork_pipeline.consent.summary import parse_channels

    assert parse_channels(["website, LinkedIn"]) == {Channel.WEBSITE, Channel.SOCIAL}
    assert parse_channels(["groep;intern"]) == {Channel.GROUP, Channel.INTERNAL}
    assert parse_channels(["all"]) == set(Channel) and parse_channels([""]) == set()
    with pytest.raises(ConsentError, match="Unknown channel 'twitter'"):
        parse_channels(["website,twitter"])


def test_manifest_names_the_ledger_record_it_rests_on(pipeline, story) -> None:
    pipeline.record_consent(
        story.id, channels={Channel.WEBSITE}, name_display=NameDisplay.ROLE, by="Sam"
    )
    pipeline.withdraw(story.id, channels={Channel.SOCIAL}, by="Sam")  # not consented: no-op
    folder = next(p for p in pipeline.settings.outbox_dir.iterdir() if p.name != "concepten")
    manifest = json.loads((folder / "manifest.json").read_text())
    records = pipeline.store.consent_records(story.id)
    assert manifest["consent"]["ledger_record"] == records[-1].id
    assert manifest["consent"]["channels"] == ["website"]
