"""`goodwork booklet` and `goodwork pseudonymise` through their real Prefect flows."""

import pytest
from click.testing import CliRunner
from publishing import consented_story, find_names, folder_of

from flows.cli import cli
from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.publishing.publish import booklet_path
from goodwork_pipeline.testing.sample_beelden import ANNA, BRAM, GROUP


def run(pipeline, *args):
    folder = str(pipeline.settings.base_dir)
    return CliRunner().invoke(cli, ["-C", folder, *args], env={"COLUMNS": "200"})


def test_booklet_without_group_lists_the_groups(pipeline) -> None:
    consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    consented_story(pipeline, BRAM.beeld, BRAM.sidecar)
    result = run(pipeline, "booklet")
    assert result.exit_code == 0, result.output
    assert GROUP in result.output and "2" in result.output


@pytest.mark.prefect
def test_booklet_command_builds_the_booklet(pipeline, prefect_server) -> None:
    consented_story(pipeline, ANNA.beeld, ANNA.sidecar)
    result = run(pipeline, "booklet", GROUP)
    assert result.exit_code == 0, result.output
    assert "Groepsboekje met 1 beelden gemaakt" in result.output
    assert booklet_path(pipeline.settings.outbox_dir, GROUP).is_file()


@pytest.mark.prefect
def test_pseudonymise_command_marks_names_and_updates_the_outbox(pipeline, prefect_server) -> None:
    beeld = type(ANNA.beeld)(
        title=ANNA.beeld.title,
        sections=ANNA.beeld.sections,
        quote="Met Karel heb ik lang gepraat.",
        closing_question=ANNA.beeld.closing_question,
    )
    story_id = consented_story(pipeline, beeld, ANNA.sidecar, name_display=NameDisplay.FIRST)
    # nobody listed Karel: found by itself and hidden by default (third_parties.py) ...
    assert find_names(folder_of(pipeline, story_id), ["Karel"]) == []
    assert find_names(folder_of(pipeline, story_id), ["haar zoon"]) == []
    # ... and staff choose what stands in for him
    result = run(pipeline, "pseudonymise", story_id.lower(), "Karel=haar zoon")
    assert result.exit_code == 0, result.output
    assert find_names(folder_of(pipeline, story_id), ["Karel"]) == []
    assert find_names(folder_of(pipeline, story_id), ["haar zoon"]) != []
    listing = run(pipeline, "pseudonymise", story_id)
    assert "Karel → haar zoon" in listing.output
    assert "Mevrouw Jansen → mevrouw A" in listing.output
