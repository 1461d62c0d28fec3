"""Consent from Prefect: the record-consent form, and a paused run resumed with input.

A real temporary Prefect server: the await-consent flow really pauses, and the test resumes
it through the Prefect client with the form's values, as the UI's "Resume" button does.
"""

import contextvars
import re
import threading
import time

import pytest
from click.testing import CliRunner
from helpers import drop, published_files

from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR

pytestmark = pytest.mark.prefect


@pytest.fixture
def story(pipeline, tone_wav, prefect_server):
    path = drop(pipeline.settings, tone_wav, "gesprek-anna.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


def test_record_consent_flow_takes_typed_parameters(pipeline, story) -> None:
    from flows.record_consent import record_consent

    result = record_consent(
        story.id,
        channels=["website", "group"],
        recorded_by="Sam",
        name_display="first",
        note="per telefoon",
        folder=str(pipeline.settings.base_dir),
    )
    assert result["ok"], result["message"]
    [record] = pipeline.store.consent_records(story.id)
    assert record.source == "prefect" and record.actor == "Sam"
    # the ledger names the flow run it came through, beside the text it is bound to
    assert re.fullmatch(r"prefect flow run [0-9a-f-]{36} · draft v1", record.source_ref)
    assert record.channels == {Channel.WEBSITE, Channel.GROUP}
    assert record.name_display == NameDisplay.FIRST
    assert pipeline.store.story(story.id).state == State.PUBLISHED


def test_a_paused_flow_records_the_consent_filled_in_on_resume(pipeline, story) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    from flows.await_consent import await_consent

    outcome: dict[str, object] = {}

    def run() -> None:
        outcome.update(await_consent(story.id, folder=str(pipeline.settings.base_dir)))

    context = contextvars.copy_context()  # the test server's settings live in a contextvar
    worker = threading.Thread(target=context.run, args=(run,), daemon=True)
    worker.start()
    paused = None
    deadline = time.monotonic() + 120
    with get_client(sync_client=True) as client:
        while paused is None and time.monotonic() < deadline:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
                )
            )
            paused = next((r for r in runs if r.parameters.get("story") == story.id), None)
            time.sleep(0.5)
    assert paused is not None, "the flow never paused"
    assert pipeline.store.consent_records(story.id) == []  # nothing while waiting

    # a form without the name of who records it is refused; the run keeps waiting
    for nameless in ({}, {"recorded_by": "  "}):
        with pytest.raises(RuntimeError, match="recorded_by"):
            resume_flow_run(
                paused.id, run_input={"channels": ["website"], "name_display": "full", **nameless}
            )
    assert pipeline.store.consent_records(story.id) == []

    resume_flow_run(
        paused.id,
        run_input={
            "channels": ["website", "social"],
            "name_display": "full",
            "recorded_by": "Sam (via Prefect)",
            "note": "mail van 20 maart",
        },
    )
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert outcome["ok"], outcome
    [record] = pipeline.store.consent_records(story.id)
    assert record.source == "prefect" and record.actor == "Sam (via Prefect)"
    assert record.source_ref.startswith(f"prefect flow run {paused.id}")
    assert record.channels == {Channel.WEBSITE, Channel.SOCIAL}
    assert record.text_sha256 == pipeline.draft_beeld(story.id, 1).text_sha256()
    assert {
        p.parts[-2] for p in published_files(pipeline.settings.outbox_dir) if p.suffix != ".json"
    } == {"website", "sociale-media"}


def test_cli_consent_and_withdraw_run_their_flows(pipeline, story) -> None:
    from flows.cli import cli

    folder = str(pipeline.settings.base_dir)
    runner = CliRunner()
    given = runner.invoke(
        cli,
        [
            "-C",
            folder,
            "consent",
            story.id,
            "--channels",
            "website,linkedin",
            "--name",
            "first",
            "--by",
            "Sam",
            "--note",
            "telefoon 20-3",
        ],
        env={"COLUMNS": "200"},
    )
    assert given.exit_code == 0, given.output
    assert "conceptversie 1" in given.output and "SHA-256" in given.output
    assert "vastlegging: workspace/stories/" in given.output
    withdrawn = runner.invoke(
        cli,
        ["-C", folder, "withdraw", story.id, "--channels", "social", "--by", "Sam"],
        env={"COLUMNS": "200"},
    )
    assert withdrawn.exit_code == 0, withdrawn.output
    assert "ingetrokken" in withdrawn.output.lower()
    records = pipeline.store.consent_records(story.id)
    assert [(r.action, r.source) for r in records] == [("grant", "cli"), ("withdraw", "cli")]
    assert {
        p.parts[-2] for p in published_files(pipeline.settings.outbox_dir) if p.suffix != ".json"
    } == {"website"}
    bad = runner.invoke(
        cli, ["-C", folder, "consent", story.id, "--channels", "tiktok", "--by", "Sam"]
    )
    assert bad.exit_code != 0 and "tiktok" in bad.output + str(bad.exception)
