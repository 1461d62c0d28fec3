"""How flow runs end in Prefect: Failed for an internal error, a named Completed state for a
refused input or a story that needs attention, and the parent in the worst of its children.

The real process-inbox flow on a real (temporary) Prefect server; the states are read back
through the Prefect client, as the UI and automations see them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import drop

import flows.process_inbox as process_inbox_module
from flows._states import NEEDS_ATTENTION, REFUSED, results_of
from flows.exit_codes import INTERNAL
from goodwork_pipeline.errors import ModelError
from goodwork_pipeline.models import State as StoryState
from goodwork_pipeline.pipeline import Pipeline

pytestmark = pytest.mark.prefect


class Exploding:
    """An engine with a bug in it: an internal error, not a problem with the input."""

    engine, model = "exploding", "none"

    def transcribe(self, samples, options):  # type: ignore[no-untyped-def]
        raise AssertionError("non-negative timestamp expected")


class MissingModel:
    """An engine whose model is damaged: staff can fix that (a GoodworkError)."""

    engine, model = "missing", "none"

    def transcribe(self, samples, options):  # type: ignore[no-untyped-def]
        raise ModelError("The model file model.bin is missing.", nl="Het model is onvolledig.")


@pytest.fixture
def engine(settings, store, clock, scripted, monkeypatch):
    """Make the flows' pipeline use ``engine(transcriber)`` (default: the scripted one)."""

    def use(transcriber=None):  # type: ignore[no-untyped-def]
        def pipeline(settings_, source):  # type: ignore[no-untyped-def]
            chosen = transcriber or scripted
            return Pipeline(settings, store=store, clock=clock, source=source, transcriber=chosen)

        monkeypatch.setattr(process_inbox_module, "flow_settings", lambda folder: settings)
        monkeypatch.setattr(process_inbox_module, "Pipeline", pipeline)

    return use


@pytest.fixture
def inbox_run(prefect_server, settings, engine):
    """Run the real 'process-inbox' flow with a chosen engine; return its state and runs."""

    def run(transcriber=None):  # type: ignore[no-untyped-def]
        engine(transcriber)
        state = process_inbox_module.process_inbox(str(settings.base_dir), return_state=True)
        return state, _runs(state.state_details.flow_run_id)

    return run


def _runs(parent_id) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """The parent run and its child flow runs (by flow name), as the server has them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        parent = client.read_flow_run(parent_id)
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])
            )
        )
        names = {f.id: f.name for f in client.read_flows()}
    found: dict[str, list] = {"parent": [parent]}
    for child in children:
        found.setdefault(names[child.flow_id], []).append(child)
    return found


def _empty_file(settings, name: str = "anna-de-vries-leeg.wav") -> Path:  # type: ignore[no-untyped-def]
    path = settings.inbox_dir / name
    path.write_bytes(b"")
    return path


def test_an_internal_error_fails_the_story_run_and_the_inbox_run(
    inbox_run, settings, store, tone_wav
) -> None:
    drop(settings, tone_wav, "gesprek.wav")
    _empty_file(settings)  # refused at the same time: the worse state wins
    state, runs = inbox_run(Exploding())
    [story] = store.stories()
    [parent] = runs["parent"]
    [story_run] = runs["transcribe-story"]
    assert story_run.state.type.value == "FAILED", story_run.state
    assert "AssertionError: non-negative timestamp expected" in story_run.state.message
    assert parent.state.type.value == "FAILED"
    assert "non-negative timestamp expected" in parent.state.message
    # The results are there whatever the state: the CLI prints them as before.
    results = results_of(state)
    internal = [r for r in results if r["details"].get(INTERNAL)]
    assert len(internal) == 1 and internal[0]["story_id"] == story.id
    assert "non-negative timestamp expected" in internal[0]["message"]
    assert story.state == StoryState.FAILED


def test_a_refused_input_ends_completed_as_refused_with_both_messages(inbox_run, settings) -> None:
    _empty_file(settings)
    state, runs = inbox_run()
    [parent] = runs["parent"]
    assert parent.state.type.value == "COMPLETED" and parent.state.name == REFUSED
    message = parent.state.message
    assert "empty" in message.lower() and "NL: " in message and "leeg" in message.lower()
    assert "anna" not in message.lower()  # file names may name people: never in Prefect
    assert [r["ok"] for r in results_of(state)] == [False]


def test_a_story_that_needs_attention_outranks_a_refusal(inbox_run, settings, tone_wav) -> None:
    drop(settings, tone_wav, "gesprek.wav")
    _empty_file(settings)
    _, runs = inbox_run(MissingModel())
    [parent] = runs["parent"]
    [story_run] = runs["transcribe-story"]
    assert story_run.state.type.value == "COMPLETED"
    assert story_run.state.name == NEEDS_ATTENTION
    assert "model.bin is missing" in story_run.state.message
    assert "Het model is onvolledig" in story_run.state.message
    assert parent.state.type.value == "COMPLETED" and parent.state.name == NEEDS_ATTENTION


def test_a_run_where_everything_was_done_is_plainly_completed(
    inbox_run, settings, tone_wav
) -> None:
    drop(settings, tone_wav, "gesprek.wav")
    state, runs = inbox_run()
    [parent] = runs["parent"]
    [story_run] = runs["transcribe-story"]
    assert (parent.state.name, story_run.state.name) == ("Completed", "Completed")
    assert all(r["ok"] for r in results_of(state))


def test_goodwork_run_still_prints_every_result_when_the_run_failed(
    prefect_server, settings, engine, tone_wav
) -> None:
    from click.testing import CliRunner

    from flows.cli import cli

    drop(settings, tone_wav, "gesprek.wav")
    engine(Exploding())
    result = CliRunner().invoke(cli, ["-C", str(settings.base_dir), "run"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    # (Prefect's own task-run log still prints the chunk's traceback: the CLI boundary's job.)
    assert "✗" in result.output and "Er ging iets mis in goodwork zelf" in result.output
