"""Flow: withdraw consent for a story (all channels, or some) and clear the outbox for them.

Entry point agreed with the review-and-consent work (issue 5): ``flows/withdraw.py:withdraw``,
flow name ``withdraw``. This minimal version appends a withdrawal to the consent ledger and
lets ``Pipeline.publish`` bring the outbox in line; issue 5 owns and may replace it.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow

from flows._artifacts import story_artifacts
from flows.process_inbox import _value
from flows.process_inbox import publish_story as publish_task
from goodwork_pipeline import consent
from goodwork_pipeline.models import Channel
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import load_settings


@flow(name="withdraw")
def withdraw(
    story: str,
    channels: list[str] | None = None,
    reason: str = "",
    actor: str = "staff",
    folder: str | None = None,
) -> dict[str, object]:
    """Withdraw STORY's consent for ``channels`` (none given: all) and sync the outbox."""
    pipeline = Pipeline(load_settings(folder), source="flow:withdraw")
    story_id = pipeline.store.story(story).id
    consent.withdraw(
        pipeline.store,
        story_id,
        channels=[Channel(c) for c in channels or ()],
        actor=actor,
        source="flow",
        note=reason or None,
    )
    result = _value(publish_task(pipeline, story_id, return_state=True))
    story_artifacts(pipeline, [story_id])
    return asdict(result)
