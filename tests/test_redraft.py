"""'goodwork draft STORY': a new draft version through the real flow; earlier versions stay."""

import json
import shutil

import docx
import pytest
from click.testing import CliRunner
from helpers import drop

from flows.cli import cli
from goodwork_pipeline.models import State
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

pytestmark = pytest.mark.prefect


def headings(path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_redraft_after_editing_the_guide_keeps_every_version(pipeline, run_flow, tone_wav) -> None:
    settings = pipeline.settings
    drop(settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    run_flow(pipeline)
    [story] = pipeline.store.stories()
    assert story.draft_version == 1

    # staff edit the guide in a local templates folder
    local = settings.base_dir / "mijn-sjablonen"
    shutil.copytree(bundled_templates_dir(), local)
    guide = local / "guide.yaml"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("heading: Wie ik ben", "heading: Over mij"),
        encoding="utf-8",
    )
    (settings.base_dir / "goodwork.toml").write_text(
        'templates = "mijn-sjablonen"\nsettle_seconds = 0\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["-C", str(settings.base_dir), "draft", story.id])
    assert result.exit_code == 0, result.output
    assert "Concept versie 2" in result.output

    story = pipeline.store.story(story.id)
    assert story.draft_version == 2 and story.state == State.DRAFTED
    drafts = pipeline.workspace.story(story.id).drafts_dir
    assert {p.name for p in drafts.iterdir()} == {
        "v1.docx",
        "v1.beeld.json",
        "v2.docx",
        "v2.beeld.json",
    }
    outbox = sorted(p.name for p in (settings.outbox_dir / "concepten").iterdir())
    # only the one to send, with its ready-to-send e-mail (v1's e-mail left with it)
    assert outbox == [f"{story.id}-v2.docx", f"{story.id}-v2.eml"]
    assert "Over mij" in headings(drafts / "v2.docx")
    assert "Wie ik ben" in headings(drafts / "v1.docx")
    beeld = json.loads((drafts / "v2.beeld.json").read_text(encoding="utf-8"))
    assert beeld["version"] == 2 and beeld["guide"]["path"].endswith("mijn-sjablonen/guide.yaml")
    for section in beeld["sections"]:
        for sentence in section["sentences"]:
            assert sentence["segment_ids"] and sentence["time"] and sentence["spoken"]
    event = pipeline.store.last_event(story.id, "state")
    assert event is not None and event.detail["version"] == 2

    # the participant returns the old version: recognised as out of date, nothing changes
    fill_in_as_participant(drafts / "v1.docx", settings.inbox_dir / "oud.docx")
    results = run_flow(pipeline)
    assert not results[0].ok and "versie 1" in results[0].message_nl
    assert pipeline.store.story(story.id).state == State.DRAFTED


def test_redraft_asks_for_force_once_the_participant_answered(pipeline, run_flow, tone_wav) -> None:
    settings = pipeline.settings
    drop(settings, tone_wav, "gesprek.wav")
    run_flow(pipeline)
    [story] = pipeline.store.stories()
    sent = pipeline.draft_outbox_path(story.id, 1)
    fill_in_as_participant(sent, settings.inbox_dir / "terug.docx")
    run_flow(pipeline)
    assert pipeline.store.story(story.id).state == State.PUBLISHED

    runner = CliRunner()
    refused = runner.invoke(cli, ["-C", str(settings.base_dir), "draft", story.id])
    assert refused.exit_code == 1 and "--force" in refused.output
    assert pipeline.store.story(story.id).draft_version == 1
    forced = runner.invoke(cli, ["-C", str(settings.base_dir), "draft", story.id, "--force"])
    assert forced.exit_code == 0, forced.output
    assert pipeline.store.story(story.id).draft_version == 2


def test_redraft_of_an_untranscribed_story_says_what_to_do(pipeline, tone_wav) -> None:
    path = drop(pipeline.settings, tone_wav)
    story_id = pipeline.receive(path).story_id
    result = pipeline.redraft(story_id)
    assert not result.ok and "goodwork run" in result.message_nl


def test_a_broken_guide_fails_the_draft_with_its_line(pipeline, tone_wav) -> None:
    settings = pipeline.settings
    story_id = pipeline.receive(drop(settings, tone_wav)).story_id
    assert pipeline.transcribe(story_id).ok
    local = settings.base_dir / "sjablonen"
    shutil.copytree(bundled_templates_dir(), local)
    (local / "guide.yaml").write_text("sections:\n  - key: wie\n    heading: [\n", "utf-8")
    broken = pipeline.__class__(
        settings.model_copy(update={"templates": local}),
        store=pipeline.store,
        transcriber=pipeline.transcriber,
        clock=pipeline.clock,
    )
    result = broken.redraft(story_id)
    assert not result.ok
    assert "guide.yaml" in result.message_nl and "regel" in result.message_nl
    assert pipeline.store.story(story_id).state == State.FAILED
