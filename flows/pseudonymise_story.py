"""Flow: staff mark third-party names in a story; the outbox is brought in line at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows._prefect_env import flow_settings
from goodwork_pipeline import (
    PSEUDONYMS_NOTE,
    Pipeline,
    Settings,
    StepResult,
    known_story,
    pseudonyms_report,
)


@task(name="mark-names", cache_policy=NO_CACHE)
def mark_names(pipeline: Pipeline, story: str, names: list[str]) -> StepResult:
    return pipeline.pseudonymise(story, names)


@flow(name="pseudonymise-story")
def pseudonymise_story(
    story: str, names: list[str], folder: str | None = None
) -> dict[str, object]:
    """Add NAMES to the story's pseudoniemen.yaml and republish what consent allows."""
    pipeline = Pipeline(flow_settings(folder), source="flow:pseudonymise-story")
    return asdict(mark_names(pipeline, pipeline.store.story(story).id, names))


def mark_or_list(settings: Settings, story: str, names: tuple[str, ...]) -> Iterable[object]:
    """``goodwork pseudonymise``: mark NAMES (and say what a sent draft still holds); without
    names, the names replaced so far and their stand-ins."""
    story_id = known_story(settings, story)
    if not names:
        return pseudonyms_report(settings, story_id)
    return [pseudonymise_story(story, list(names), str(settings.base_dir)), PSEUDONYMS_NOTE]
