"""What the reliability suite (histories, load, faults, bad input) found, kept as small tests.

Each test names the suite and the history or run that showed the problem.
"""

from __future__ import annotations

import unicodedata

from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser, assign

NFD = "NFD"


def test_a_decomposed_name_in_the_sidecar_still_hides_the_composed_one_in_the_text() -> None:
    """Histories: the sidecar said 'Zoë Kaka' with 'e' + combining diaeresis (as pasted from
    a macOS file name), the text 'Zoë' composed; with 'role only' the name was published."""
    for sidecar_form, text_form in (("NFD", "NFC"), ("NFC", "NFD")):
        participant = unicodedata.normalize(sidecar_form, "Zoë Kaka")
        text = unicodedata.normalize(text_form, "Ik ben Zoë Kaka. Zoë zegt het zelf.")
        hidden = Pseudonymiser(
            assign([unicodedata.normalize(sidecar_form, "Ömer")]),
            participant=participant,
            name_display=NameDisplay.ROLE,
            role="Teammanager",
        ).text(text + unicodedata.normalize(text_form, " Ömer ook."))
        assert hidden == "Ik ben de teammanager. De teammanager zegt het zelf. Persoon A ook."


def test_a_name_typed_in_capitals_is_hidden_too() -> None:
    """Histories: a participant who chose 'role only' typed 'ZOË' into the text; parts of a
    name were matched only capitalised, so it was published."""
    pseudonymiser = Pseudonymiser(
        assign(["Karel"]),
        participant="Zoë de Kaka",
        name_display=NameDisplay.ROLE,
        role="Teammanager",
    )
    assert pseudonymiser.text("ZOË, DE KAKA en KAREL; roos en Roos.") == (
        "De teammanager, de teammanager en persoon A; roos en Roos."
    )
    first_only = Pseudonymiser(participant="Zoë de Kaka", name_display=NameDisplay.FIRST)
    assert first_only.text("ZOË DE KAKA, DE KAKA.") == "Zoë, Zoë."


def test_publishing_while_a_new_draft_is_out_keeps_the_story_in_its_draft_round(
    pipeline, tone_wav
) -> None:
    """Histories: after a new draft version of a published story, withdrawing (or any
    re-publish) tried 'drafted -> withdrawn' / 'drafted -> published', which the lifecycle
    forbids, and the story ended up 'failed' with 'this is a bug in goodwork'."""
    from helpers import drop

    story_id = pipeline.receive(drop(pipeline.settings, tone_wav)).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    pipeline.record_consent(
        story_id,
        channels={Channel.WEBSITE, Channel.INTERNAL},
        name_display=NameDisplay.ROLE,
        by="Sam",
    )
    assert pipeline.store.story(story_id).state == State.PUBLISHED
    assert pipeline.draft(story_id).ok  # staff send a new version; the approved text stays
    assert pipeline.publish(story_id).ok
    assert pipeline.withdraw(story_id, channels={Channel.WEBSITE}, by="Sam").ok
    story = pipeline.store.story(story_id)
    assert story.state == State.DRAFTED and story.last_error is None
    kinds = [e.kind for e in pipeline.store.events(story_id)]
    assert "published" in kinds  # recorded as events, not as (forbidden) state changes
    assert pipeline.withdraw(story_id, by="Sam").ok
    assert pipeline.store.story(story_id).state == State.DRAFTED
    assert "withdrawn" in [e.kind for e in pipeline.store.events(story_id)]


def test_a_file_that_settled_long_ago_is_not_watched_again(tmp_path) -> None:
    """Load (200 returned drafts in one run): every file was watched for a full
    'settle_seconds' (default 2 s) before it was read, however long ago it was written: 200
    drafts slept 400 s. A file whose last change is older than that is complete at once."""
    import os
    import time

    from goodwork_pipeline.intake.inbox import wait_until_complete

    old = tmp_path / "terug.docx"
    old.write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    # a timeout far shorter than the quiet time: only a file known complete passes
    assert wait_until_complete(old, quiet_seconds=2.0, timeout=0.05, poll=0.01)
    fresh = tmp_path / "nieuw.docx"
    fresh.write_bytes(b"x")
    assert not wait_until_complete(fresh, quiet_seconds=2.0, timeout=0.05, poll=0.01)


def test_a_flow_asked_for_a_path_outside_the_inbox_touches_nothing(
    pipeline, tone_wav, tmp_path
) -> None:
    """Bad-input corpus: the process-recording deployment's 'path' parameter (a form in the
    Prefect UI) took '../../elders.wav' or an absolute path, archived that file and then
    deleted it from where it was: any audio or .docx on the machine could be taken."""
    import shutil

    from goodwork_pipeline.files import sha256_file

    elsewhere = shutil.copyfile(tone_wav, tmp_path / "elders.wav")
    sha = sha256_file(elsewhere)
    inbox = pipeline.settings.inbox_dir
    for path in (inbox / ".." / ".." / "elders.wav", elsewhere):
        assert path.resolve() == elsewhere.resolve()
        result = pipeline.receive(path)
        assert not result.ok and "not in the inbox" in result.message
        assert "niet in de inbox" in result.message_nl
    document = shutil.copyfile(tone_wav, tmp_path / "brief.docx")
    assert not pipeline.review(document).ok
    assert elsewhere.is_file() and sha256_file(elsewhere) == sha and document.is_file()
    assert pipeline.store.stories() == []


def test_linked_folders_and_folders_named_like_files_are_reported(pipeline, tmp_path) -> None:
    """Bad-input corpus: a sub-folder that is a link to a folder outside the inbox, and a
    folder named 'gesprek-anna.wav', were skipped without a word: staff saw their
    'recording' lying there and no message in 'goodwork status'."""
    from goodwork_pipeline.intake.inbox import Kind, scan_inbox
    from goodwork_pipeline.status import status_rows

    inbox = pipeline.settings.inbox_dir
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (elsewhere / "opname.wav").write_bytes(b"x")
    (inbox / "gedeeld").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "gesprek-anna.wav").mkdir()
    (inbox / "teruggestuurd").mkdir()  # an ordinary sub-folder: not reported
    items = {item.name: item.kind for item in scan_inbox(inbox)}
    assert items == {"gedeeld": Kind.UNSUPPORTED, "gesprek-anna.wav": Kind.UNSUPPORTED}
    for item in scan_inbox(inbox):
        assert not pipeline.reject_unsupported(item).ok
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    messages = {r.name: r.message_nl for r in rejected}
    assert "snelkoppeling naar een map" in messages["gedeeld"]
    assert "is een map" in messages["gesprek-anna.wav"]
    assert (elsewhere / "opname.wav").is_file()


def test_goodwork_status_shows_brackets_in_names_and_messages_as_written(pipeline) -> None:
    """Bad-input corpus: 'concept [definitief].docx' showed as 'concept .docx' in 'goodwork
    status' (Rich read the brackets as markup), and '[/]' a participant typed into a
    returned draft, quoted in the story's history, stopped 'goodwork status STORY' with a
    MarkupError."""
    from click.testing import CliRunner

    from flows.cli import cli

    (pipeline.settings.inbox_dir / "concept [definitief].docx").write_bytes(b"geen docx")
    for item in pipeline.scan():
        pipeline.review(item.path)
    pipeline.store.record_event(
        None, "attention", actor="test", source="test", message="x", message_nl="a [/] b"
    )
    folder = str(pipeline.settings.base_dir)
    result = CliRunner().invoke(cli, ["-C", folder, "status"], env={"COLUMNS": "300"})
    assert result.exception is None and "concept [definitief].docx" in result.output


def test_run_with_an_inbox_that_is_a_file_says_so(tmp_path) -> None:
    """Bad-input corpus (command line): 'goodwork run' where 'inbox' is a file ended in a
    FileExistsError traceback."""
    from click.testing import CliRunner

    from flows.cli import cli

    (tmp_path / "inbox").write_text("x")
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "run"])
    assert result.exit_code == 2  # a settings error (flows/exit_codes.py)
    assert "is a file, not a folder" in result.output
    assert "geen map" in result.output and "Traceback" not in result.output
