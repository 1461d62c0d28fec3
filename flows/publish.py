"""Flow: make the outbox match a story's current consent (publish, update or remove).

Entry point agreed with the publish-assets work (issue 6): ``flows/publish.py:publish_story``,
flow name ``publish``. Here it calls ``Pipeline.publish``; issue 6 may grow it.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow

from flows._artifacts import story_artifacts
from flows._prefect_env import flow_settings
from flows._steps import publish_story as publish_task
from flows._steps import value
from goodwork_pipeline import Pipeline


@flow(name="publish")
def publish_story(story: str, folder: str | None = None) -> dict[str, object]:
    """Publish STORY (a code like GW-7K3QM2XD) in the programme folder ``folder``."""
    pipeline = Pipeline(flow_settings(folder), source="flow:publish")
    story_id = pipeline.store.story(story).id
    result = value(publish_task(pipeline, story_id, return_state=True))
    story_artifacts(pipeline, [story_id])
    return asdict(result)
