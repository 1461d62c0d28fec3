"""Flow: process everything in the inbox once.

New recordings become stories, are transcribed and drafted; returned drafts are read, their
consent recorded and the outbox brought in line with it. Stories left half-way by a crash are
finished. Every file is its own task, so one bad file never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.states import State

from flows._artifacts import story_artifacts
from flows._prefect_env import flow_settings
from flows._states import end_state, results_of
from flows._steps import (
    publish_story,
    receive_recording,
    receive_transcript,
    reject_unsupported,
    review_document,
    story_steps,
    value,
)
from flows.concurrency import ensure_transcription_limit
from goodwork_pipeline import (
    Kind,
    Pipeline,
    Settings,
    Step,
    StepResult,
    ensure_folders,
    run_report,
)


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
            received = value(receive_recording(pipeline, item.path, return_state=True))
            results.append(received)
            if received.ok and received.story_id:
                results.extend(story_steps(pipeline, received.story_id))
        elif item.kind == Kind.TRANSCRIPT:
            received = value(receive_transcript(pipeline, item.path, return_state=True))
            results.append(received)
            if received.ok and received.story_id:
                results.extend(story_steps(pipeline, received.story_id))
        elif item.kind == Kind.DOCUMENT:
            documents.append(item.path)
        elif item.kind == Kind.UNSUPPORTED:
            results.append(value(reject_unsupported(pipeline, item, return_state=True)))
    # Answers in the order the participant saved them, not by file name (several answers
    # of one story that disagree may only shrink consent).
    for path, doubt in pipeline.plan_answers(documents):
        results.append(value(review_document(pipeline, path, doubt, return_state=True)))
    # Stories a crash left half-way.
    for story_id, step in pipeline.pending():
        if step == Step.PUBLISH:
            results.append(value(publish_story(pipeline, story_id, return_state=True)))
        else:
            results.extend(story_steps(pipeline, story_id))
    done = sum(1 for r in results if r.ok)
    logger.info("inbox processed: %d step(s) done, %d problem(s)", done, len(results) - done)
    return results


def run_inbox(settings: Settings) -> list[dict[str, object]]:
    """'goodwork run': the folders made, the transcription limit set, the flow run once; its
    results (as dicts) whatever state the run ended in."""
    ensure_folders(settings)
    # Embedded: a run killed during transcription (kill -9, power cut) still holds its slot in
    # Prefect's database (PREFECT_HOME) and nothing would ever free it. Resetting can let one
    # more transcription start beside an embedded watcher on the same PREFECT_HOME: slower,
    # never wrong (each story step runs under its own lock, see Pipeline.story_lock).
    ensure_transcription_limit(settings, reset=not os.environ.get("PREFECT_API_URL"))
    return results_of(process_inbox(str(settings.base_dir), return_state=True))


def run_and_report(settings: Settings) -> Iterator[object]:
    """``goodwork run``: what happened to each file, then what to do next."""
    results = run_inbox(settings)
    yield from results
    yield from run_report(settings, results)
