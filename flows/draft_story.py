"""Flow: make a new draft version of one story (staff check before sending).

Used after editing the interview guide or the draft template: the new version goes to
outbox/concepten/, every earlier version stays in the story's workspace folder.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows._prefect_env import flow_settings
from goodwork_pipeline import Pipeline, StepResult


@task(name="redraft", cache_policy=NO_CACHE)
def redraft(pipeline: Pipeline, story_id: str, force: bool) -> StepResult:
    return pipeline.redraft(story_id, force=force)


@flow(name="draft-story")
def draft_story(story: str, folder: str | None = None, force: bool = False) -> dict[str, object]:
    """Draft STORY (a code like GW-7K3QM2XD) again in the programme folder ``folder``."""
    pipeline = Pipeline(flow_settings(folder), source="flow:draft-story")
    current = pipeline.store.story(story)
    return asdict(redraft(pipeline, current.id, force))
