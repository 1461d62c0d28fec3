"""Flow: process everything in the inbox once.

New recordings become stories, are transcribed and drafted; returned drafts are read, their
consent recorded and the outbox brought in line with it. Stories left half-way by a crash are
finished. Every file is its own task, so one bad file never stops the others.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from flows._artifacts import story_artifacts
from flows._prefect_env import flow_settings
from flows._states import end_state, step_result
from flows.transcribe_story import transcribe_story
from goodwork_pipeline.intake.inbox import InboxItem, Kind
from goodwork_pipeline.lifecycle import Step, next_automatic
from goodwork_pipeline.models import State as StoryState
from goodwork_pipeline.pipeline import Pipeline, StepResult
from goodwork_pipeline.review.answers import Doubt


@task(name="receive-recording", cache_policy=NO_CACHE)
def receive_recording(pipeline: Pipeline, path: Path) -> StepResult:
    return pipeline.receive(path)


@task(name="receive-transcript", cache_policy=NO_CACHE)
def receive_transcript(pipeline: Pipeline, path: Path) -> StepResult:
    return pipeline.receive_transcript(path)


@task(name="draft", cache_policy=NO_CACHE)
def draft_story(pipeline: Pipeline, story_id: str) -> StepResult:
    return pipeline.draft(story_id, only_from=StoryState.TRANSCRIBED)


@task(name="review-returned-draft", cache_policy=NO_CACHE)
def review_document(pipeline: Pipeline, path: Path, doubt: Doubt | None = None) -> StepResult:
    return pipeline.review(path, doubt)


@task(name="publish", cache_policy=NO_CACHE)
def publish_story(pipeline: Pipeline, story_id: str) -> StepResult:
    return pipeline.publish(story_id)


@task(name="reject-unsupported", cache_policy=NO_CACHE)
def reject_unsupported(pipeline: Pipeline, item: InboxItem) -> StepResult:
    return pipeline.reject_unsupported(item)


@flow(name="process-inbox")
def process_inbox(folder: str | None = None) -> State:
    """Process the inbox of the programme folder ``folder`` (default: the current folder).

    Returns the results (as dicts) in a state that says how it went (see flows/_states.py):
    call it with ``return_state=True`` and read them with ``results_of``.
    """
    settings = flow_settings(folder)
    pipeline = Pipeline(settings, source="flow:process-inbox")
    seen: list[Path] = []
    results = run_once(pipeline, seen)
    story_artifacts(pipeline, [result.story_id for result in results])
    return end_state(results, hide=seen)


def run_once(pipeline: Pipeline, seen: list[Path] | None = None) -> list[StepResult]:
    """The body of the flow, callable from any flow that already holds a pipeline; the inbox
    files it took up are added to ``seen``."""
    logger = get_run_logger()
    results: list[StepResult] = []
    pipeline.remove_crash_leftovers()
    documents: list[Path] = []
    for item in pipeline.scan():
        if seen is not None:
            seen.append(item.path)
        if item.kind == Kind.RECORDING:
            received = _value(receive_recording(pipeline, item.path, return_state=True))
            results.append(received)
            if received.ok and received.story_id:
                results.extend(_story_steps(pipeline, received.story_id))
        elif item.kind == Kind.TRANSCRIPT:
            received = _value(receive_transcript(pipeline, item.path, return_state=True))
            results.append(received)
            if received.ok and received.story_id:
                results.extend(_story_steps(pipeline, received.story_id))
        elif item.kind == Kind.DOCUMENT:
            documents.append(item.path)
        elif item.kind == Kind.UNSUPPORTED:
            results.append(_value(reject_unsupported(pipeline, item, return_state=True)))
    # Answers in the order the participant saved them, not by file name (several answers
    # of one story that disagree may only shrink consent).
    for path, doubt in pipeline.plan_answers(documents):
        results.append(_value(review_document(pipeline, path, doubt, return_state=True)))
    # Stories a crash left half-way.
    for story_id, step in pipeline.pending():
        if step == Step.PUBLISH:
            results.append(_value(publish_story(pipeline, story_id, return_state=True)))
        else:
            results.extend(_story_steps(pipeline, story_id))
    done = sum(1 for r in results if r.ok)
    logger.info("inbox processed: %d step(s) done, %d problem(s)", done, len(results) - done)
    return results


def _story_steps(pipeline: Pipeline, story_id: str) -> list[StepResult]:
    """The story's automatic steps (``lifecycle.AUTOMATIC``) as child flows and tasks, each
    only if the one before it went well and moved the story on."""
    results: list[StepResult] = []
    state = pipeline.store.story(story_id).state
    while (step := next_automatic(state)) is not None:
        if step == Step.TRANSCRIBE:
            state_of_run = transcribe_story(pipeline, story_id, return_state=True)
            results.append(step_result(state_of_run, story_id))
        else:
            results.append(_value(draft_story(pipeline, story_id, return_state=True)))
        before, state = state, pipeline.store.story(story_id).state
        if not results[-1].ok or state == before:
            break
    return results


def _value(state: State) -> StepResult:
    """A task's StepResult; a crashed task becomes an internal-error result, so the run goes
    on (and ends Failed)."""
    return step_result(state)
