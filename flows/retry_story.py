"""Flow: try a failed story again from the step where it stopped."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow
from prefect.states import State

from flows._prefect_env import flow_settings
from flows._states import end_state, step_result
from flows._steps import draft_story, publish_story
from flows.transcribe_story import transcribe_story
from goodwork_pipeline import Pipeline, Step, StepResult, retry_steps
from goodwork_pipeline import State as StoryState


@flow(name="retry-story")
def retry_story(story: str, folder: str | None = None) -> list[dict[str, object]] | State:
    """Retry STORY (a code like GW-7K3QM2XD) in the programme folder ``folder``.

    A step that raises fails the run (as before); a transcription that ends in an internal
    error ends it Failed with the results (``flows._states.results_of`` reads them).
    """
    pipeline = Pipeline(flow_settings(folder), source="flow:retry-story")
    current = pipeline.store.story(story)
    if current.state != StoryState.FAILED:
        result = StepResult(
            False,
            current.id,
            f"{current.id} has not failed (it is {current.state}); nothing to retry.",
            f"{current.id} is niet mislukt; er is niets opnieuw te proberen.",
        )
        return [asdict(result)]
    results: list[StepResult] = []
    for step in retry_steps(pipeline.failed_in(current.id)):
        if step == Step.TRANSCRIBE:
            results.append(step_result(transcribe_story(pipeline, current.id, return_state=True)))
        elif step == Step.DRAFT:
            results.append(draft_story(pipeline, current.id))
        else:
            results.append(publish_story(pipeline, current.id))
        if not results[-1].ok:
            break
    return end_state(results)
