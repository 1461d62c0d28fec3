"""Flow: try a failed story again from the step where it stopped."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow

from flows._prefect_env import flow_settings
from flows.process_inbox import draft_story, publish_story, transcribe_story
from goodwork_pipeline.models import State
from goodwork_pipeline.pipeline import Pipeline, StepResult


@flow(name="retry-story")
def retry_story(story: str, folder: str | None = None) -> list[dict[str, object]]:
    """Retry STORY (a code like GW-7K3QM2XD) in the programme folder ``folder``."""
    pipeline = Pipeline(flow_settings(folder), source="flow:retry-story")
    current = pipeline.store.story(story)
    if current.state != State.FAILED:
        result = StepResult(
            False,
            current.id,
            f"{current.id} has not failed (it is {current.state}); nothing to retry.",
            f"{current.id} is niet mislukt; er is niets opnieuw te proberen.",
        )
        return [asdict(result)]
    failed_in = pipeline.failed_in(current.id)
    results: list[StepResult] = []
    if failed_in in (None, State.RECEIVED):
        results.append(transcribe_story(pipeline, current.id))
        if results[-1].ok:
            results.append(draft_story(pipeline, current.id))
    elif failed_in == State.TRANSCRIBED:
        results.append(draft_story(pipeline, current.id))
    else:
        results.append(publish_story(pipeline, current.id))
    return [asdict(result) for result in results]
