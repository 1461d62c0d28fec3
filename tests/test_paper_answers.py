"""A participant who answers on paper: a PDF of the draft is kept with its story, for staff.

Recognised by the story code in its text layer or metadata; archived byte for byte with the
story; nothing recorded as consent; 'goodwork status' says the participant answered on paper
and gives the 'goodwork consent' command. A scan without text and a PDF with an unknown code
are refused with a message and stay in the inbox.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import drop
from pdfs import draft_as_pdf, scan_pdf, text_pdf

from flows.cli import cli
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.status import status_rows
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR


@pytest.fixture
def story(pipeline, tone_wav):
    path = drop(pipeline.settings, tone_wav, "gesprek.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


def status(pipeline, *args: str) -> str:
    done = CliRunner().invoke(
        cli, ["-C", str(pipeline.settings.base_dir), "status", *args], env={"COLUMNS": "3000"}
    )
    assert done.exception is None, done.output
    return " ".join(done.output.split())


def assert_kept_for_staff(pipeline, story, path: Path, sha: str, version: int = 1) -> None:
    kept = pipeline.workspace.story(story.id).returned_dir / f"{sha}.pdf"
    assert kept.is_file() and sha256_file(kept) == sha  # archived byte for byte
    assert not path.exists()  # and out of the inbox
    assert pipeline.store.consent_records(story.id) == []  # boxes in a PDF are never read
    assert pipeline.store.story(story.id).state == story.state
    command = f"goodwork consent {story.id} --version {version} --channels"
    shown = status(pipeline)
    assert "op papier" in shown and command in shown, shown
    assert f"returned/{sha}.pdf" in shown
    assert story.id in status(pipeline, "--todo")  # staff have something to do
    assert "op papier geantwoord" in status(pipeline, story.id)  # and the history says so


@pytest.mark.slow
def test_a_draft_saved_as_pdf_is_kept_with_its_story(pipeline, story, tmp_path) -> None:
    pdf = draft_as_pdf(pipeline.draft_outbox_path(story.id, 1), tmp_path)
    path = pipeline.settings.inbox_dir / "terug" / "Anna getekend.pdf"
    path.parent.mkdir()
    path.write_bytes(pdf.read_bytes())
    sha = sha256_file(path)

    result = pipeline.review(path)

    assert result.ok and result.story_id == story.id, result.message
    assert_kept_for_staff(pipeline, story, path, sha)
    # the same PDF again changes nothing
    path.write_bytes(pdf.read_bytes())
    again = pipeline.review(path)
    assert again.ok and "al eerder ontvangen" in again.message_nl and not path.exists()
    # once staff recorded the choices, the story goes on as usual
    recorded = pipeline.record_consent(
        story.id, channels=[Channel.INTERNAL], name_display=NameDisplay.ROLE, by="Sam", version=1
    )
    assert recorded.ok, recorded.message
    assert "op papier" not in status(pipeline)


def test_the_command_shown_cannot_grant_anything_unchanged() -> None:
    from goodwork_pipeline.consent.summary import parse_channels
    from goodwork_pipeline.errors import ConsentError
    from goodwork_pipeline.review.paper_answers import consent_command

    command = consent_command("GW-ABCD1234", 2).split()
    channels = command[command.index("--channels") + 1]
    with pytest.raises(ConsentError):
        parse_channels([channels])  # a placeholder, never 'all four' by copy and paste
    assert command[command.index("--name") + 1] not in ("full", "first", "role")


def test_the_code_in_the_metadata_is_enough(pipeline, story, tmp_path) -> None:
    """The footer was removed, but the keywords (copied from the draft) carry the code."""
    path = text_pdf(
        pipeline.settings.inbox_dir / "antwoord.pdf",
        "Jouw toestemming",
        "☒ Ik keur deze tekst goed",  # a box in a text layer is never taken as consent
        keywords=f"goodwork, {story.id}, v1",
    )
    sha = sha256_file(path)
    result = pipeline.review(path)
    assert result.ok, result.message
    assert_kept_for_staff(pipeline, story, path, sha)


def test_a_scan_without_text_is_refused_until_staff_name_the_story(pipeline, story) -> None:
    path = scan_pdf(pipeline.settings.inbox_dir / "scan0001.pdf")
    sha = sha256_file(path)
    result = pipeline.review(path)
    assert not result.ok
    assert "zonder tekst (een scan?)" in result.message_nl and "scan0001.pdf" in result.message_nl
    assert "blijft in de inbox" in result.message_nl
    assert path.is_file() and sha256_file(path) == sha
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    assert [r.message_nl for r in rejected] == [result.message_nl]
    assert not pipeline.review(path).ok and path.is_file()  # refused again, not re-read
    # staff put the code from the paper in the file name: kept with that story
    named = path.rename(path.with_name(f"{story.id} scan0001.pdf"))
    taken = pipeline.review(named)
    assert taken.ok, taken.message
    kept = pipeline.workspace.story(story.id).returned_dir / f"{sha}.pdf"
    assert kept.is_file() and not named.exists()
    assert pipeline.store.consent_records(story.id) == []
    assert f"goodwork consent {story.id} --channels" in status(pipeline)  # version unknown


@pytest.mark.parametrize(
    ("text", "says_nl"),
    [
        ("Beelden van Goed Werk · code GW-ZZZZ9999 · versie 1", "kennen we hier niet"),
        ("Verslag van de teamdag", "PDF zonder verhaalcode"),
        ("{story} en ook GW-ZZZZ9999", "codes van verschillende verhalen"),
    ],
    ids=["unknown-code", "no-code", "two-codes"],
)
def test_a_pdf_without_one_known_code_is_refused(pipeline, story, text, says_nl) -> None:
    path = text_pdf(pipeline.settings.inbox_dir / "bijlage.pdf", text.format(story=story.id))
    result = pipeline.review(path)
    assert not result.ok and says_nl in result.message_nl, result.message_nl
    assert "bijlage.pdf" in result.message_nl and path.is_file()
    assert pipeline.store.consent_records(story.id) == []
    assert not pipeline.workspace.story(story.id).returned_dir.exists()


def test_a_damaged_pdf_is_refused(pipeline, story) -> None:
    path = pipeline.settings.inbox_dir / "kapot.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    result = pipeline.review(path)
    assert not result.ok and "kan niet worden geopend als PDF" in result.message_nl
    assert path.is_file()


def test_a_pdf_saved_under_a_docx_name_is_known_by_its_content(pipeline, story) -> None:
    path = text_pdf(
        pipeline.settings.inbox_dir / "concept.docx",
        f"Beelden van Goed Werk · code {story.id} · versie 1",
    )
    sha = sha256_file(path)
    result = pipeline.review(path)
    assert result.ok, result.message
    assert_kept_for_staff(pipeline, story, path, sha)
