"""A real round trip through LibreOffice: the participant edits, ticks and saves.

LibreOffice (headless, driven through Python-UNO by tests/lo_participant.py under Debian's
/usr/bin/python3) opens a real draft, ticks two consent boxes, edits a paragraph with track
changes on, adds a comment and saves as .docx, directly or through .odt and back. The reader
must find the edited text, the right channels and the story id; the pipeline must publish
exactly those channels.
"""

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from helpers import IN_CI, published_files

from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.review.decision import Outcome, decide, interpret
from goodwork_pipeline.review.returned_document import read_document

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("lo_participant.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")


def require_libreoffice() -> None:
    usable = (
        SYSTEM_PYTHON.exists()
        and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    )
    if usable and subprocess.run(["which", "soffice"], capture_output=True).returncode == 0:
        return
    message = "LibreOffice with python3-uno is not installed (scripts/setup test installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def as_participant(draft: Path, output: Path, tmp_path: Path, **spec) -> dict:
    """Run LibreOffice on ``draft``; kill it (and all it started) if it hangs."""
    require_libreoffice()
    spec = {"input": str(draft), "output": str(output), "profile": str(tmp_path / "lo"), **spec}
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    process = subprocess.Popen(
        [SYSTEM_PYTHON, SCRIPT, spec_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    try:
        stdout, stderr = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("LibreOffice did not finish within 240 s")
    assert process.returncode == 0, stderr[-2000:]
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture
def drafted(pipeline, tone_wav):
    from helpers import drop

    from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR

    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


EDIT = ("al twaalf jaar", "al twaalf jaar, en met veel plezier")


@pytest.mark.parametrize("via_odt", [False, True], ids=["docx", "via-odt"])
def test_libreoffice_round_trip(pipeline, drafted, tmp_path, via_odt) -> None:
    draft = pipeline.draft_outbox_path(drafted.id, 1)
    # a name a mail program might give it: the story is known by its hidden id
    returned = pipeline.settings.inbox_dir / "antwoord" / "Beeld (bewerkt).docx"
    returned.parent.mkdir()
    done = as_participant(
        draft,
        returned,
        tmp_path,
        via_odt=via_odt,
        tick=[
            APPROVE_LABEL,
            CHANNEL_BOXES[Channel.WEBSITE],
            CHANNEL_BOXES[Channel.GROUP],
            NAME_BOXES[NameDisplay.FIRST],
        ],
        replace=[list(EDIT)],
        comment=["Een bewoner wilde niet meer eten.", "Dit was in 2024."],
    )
    assert len(done["ticked"]) == 4

    raw = read_document(returned)
    assert raw.ids.story_id == drafted.id and raw.ids.version == 1
    assert raw.tracked_changes > 0  # LibreOffice recorded the edit as a tracked change
    result = interpret(raw, pipeline.draft_beeld(drafted.id, 1), read_document(draft))
    assert result is not None
    assert "al twaalf jaar, en met veel plezier" in result.beeld.canonical_text()
    assert result.choices.approved
    assert result.choices.channels == {Channel.WEBSITE, Channel.GROUP}
    assert result.choices.name_display == NameDisplay.FIRST
    assert [c.text for c in result.comments] == ["Dit was in 2024."]
    assert not result.wording_changes, result.wording_changes
    assert decide(result, current_version=1, file_name=returned.name).outcome == Outcome.APPROVED

    outcome = pipeline.review(returned)
    assert outcome.ok, outcome.message
    story = pipeline.store.story(drafted.id)
    assert story.state == State.PUBLISHED
    channels = {
        p.relative_to(pipeline.settings.outbox_dir).parts[1]
        for p in published_files(pipeline.settings.outbox_dir)
        if p.name != "manifest.json"
    }
    assert channels == {"website", "groepsgesprek"}
    assert not returned.exists()  # read, kept in the workspace, gone from the inbox
