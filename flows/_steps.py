"""The tasks every inbox flow shares ('process-inbox', 'process-recording',
'process-returned-draft', 'publish'), and the story's automatic steps after intake."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from flows._states import step_result
from flows.transcribe_story import transcribe_story
from goodwork_pipeline import Doubt, InboxItem, Pipeline, Step, StepResult, next_automatic
from goodwork_pipeline import State as StoryState


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


def story_steps(pipeline: Pipeline, story_id: str) -> list[StepResult]:
    """The story's automatic steps (``lifecycle.AUTOMATIC``) as child flows and tasks, each
    only if the one before it went well and moved the story on."""
    results: list[StepResult] = []
    state = pipeline.store.story(story_id).state
    while (step := next_automatic(state)) is not None:
        if step == Step.TRANSCRIBE:
            state_of_run = transcribe_story(pipeline, story_id, return_state=True)
            results.append(step_result(state_of_run, story_id))
        else:
            results.append(value(draft_story(pipeline, story_id, return_state=True)))
        before, state = state, pipeline.store.story(story_id).state
        if not results[-1].ok or state == before:
            break
    return results


def value(state: State) -> StepResult:
    """A task's StepResult; a crashed task becomes an internal-error result, so the run goes
    on (and ends Failed)."""
    return step_result(state)


def inbox_path(inbox: Path, path: str) -> Path:
    """A flow parameter's path: relative to the inbox, or absolute."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else inbox / candidate
