"""Flow: transcribe one story's recording, every chunk its own cached task.

    prepare-transcription   check the recording, find the speech, cut it into chunks
    transcribe-chunk  x N   cached by audio hash + chunk bounds + engine + model + settings
    finish-transcription    speakers, transcript files (.json .txt .srt .vtt), the story moves on

The chunk results are stored in the programme's own workspace (transcripts are personal
data: never in ~/.prefect), keyed only by what determines them, never by task source code. A
crash or a restart (even a ``kill -9``) resumes at the first unfinished chunk; a chunk can run
in any process that sees the same workspace. They are removed once the transcript is written.

Progress (percentage and time left) goes to the Prefect log of the chunk task.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.states import State

from flows._states import end_state, internal
from flows.concurrency import TRANSCRIPTION_TAG
from goodwork_pipeline import (
    ChunkResult,
    GoodworkError,
    Pipeline,
    ProgressMeter,
    Settings,
    StepResult,
    TranscriptionPlan,
)

TAG = TRANSCRIPTION_TAG  # the tag the concurrency limit is set on
CACHE_FOLDER = "transcription-cache"

# Progress is information for operators, also when Prefect's own logging says WARNING.
progress_log = logging.getLogger("goodwork_pipeline.progress")
progress_log.setLevel(logging.INFO)


def chunk_cache_dir(settings: Settings) -> Path:
    return settings.workspace_dir / CACHE_FOLDER


def chunk_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    plan: TranscriptionPlan = parameters["plan"]
    return plan.chunk_key(parameters["index"])


@task(name="prepare-transcription", cache_policy=NO_CACHE, tags=[TAG])
def prepare_transcription(pipeline: Pipeline, story_id: str) -> TranscriptionPlan | StepResult:
    return pipeline.prepare_transcription(story_id)


@task(
    name="transcribe-chunk",
    cache_key_fn=chunk_cache_key,
    persist_result=True,
    result_serializer="json",
    tags=[TAG],
)
def transcribe_chunk(
    pipeline: Pipeline, plan: TranscriptionPlan, index: int, story_id: str
) -> dict[str, object]:
    meter = ProgressMeter(plan.speech_seconds)
    meter.skip(sum(chunk.speech_seconds for chunk in plan.chunks[:index]))

    def advance(seconds: float) -> None:
        meter.advance(seconds)
        progress_log.info("%s: transcribing, %s", story_id, meter.describe())

    progress_log.info(
        "%s: chunk %d of %d, %s", story_id, index + 1, len(plan.chunks), meter.describe()
    )
    result = pipeline.transcription.run_chunk(plan, index, advance)
    return result.to_json()


@task(name="finish-transcription", cache_policy=NO_CACHE, tags=[TAG])
def finish_transcription(
    pipeline: Pipeline, story_id: str, plan: TranscriptionPlan, results: list[ChunkResult]
) -> StepResult:
    return pipeline.finish_transcription(story_id, plan, results)


@flow(name="transcribe-story")
def transcribe_story(pipeline: Pipeline, story_id: str) -> State:
    """Transcribe the recording of STORY, resuming from chunks already done.

    Returns its StepResult in a state that says how it went (Failed for an internal error,
    "Needs attention" for a problem with the recording or the setup; see flows/_states.py).
    """
    result = _transcribe(pipeline, story_id)
    return end_state([result], data=result)


def _transcribe(pipeline: Pipeline, story_id: str) -> StepResult:
    plan = prepare_transcription(pipeline, story_id)
    if isinstance(plan, StepResult):
        return plan
    storage = chunk_cache_dir(pipeline.settings)
    chunk_task = transcribe_chunk.with_options(result_storage=storage)
    results: list[ChunkResult] = []
    for index in range(len(plan.chunks)):
        state = chunk_task(pipeline, plan, index, story_id, return_state=True)
        if not state.is_completed():
            error = state.result(raise_on_failure=False)
            if not isinstance(error, BaseException):  # a crash leaves no exception behind
                error = RuntimeError(f"chunk {index + 1} ended {state.name}")
            failed = pipeline.transcription_failed(story_id, error)
            return failed if isinstance(error, GoodworkError) else internal(failed)
        if state.name == "Cached":
            progress_log.info(
                "%s: chunk %d of %d was already transcribed", story_id, index + 1, len(plan.chunks)
            )
        results.append(ChunkResult.from_json(state.result()))
    result = finish_transcription(pipeline, story_id, plan, results)
    if result.ok:
        forget_chunks(storage, plan)
    return result


def forget_chunks(storage: Path, plan: TranscriptionPlan) -> None:
    """Remove the chunk results once the transcript holds them (one copy of personal data)."""
    for index in range(len(plan.chunks)):
        with contextlib.suppress(FileNotFoundError):
            (storage / plan.chunk_key(index)).unlink()
