"""Flow: build (or refresh) one group's booklet from its beelden consented for group use."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows._prefect_env import flow_settings
from goodwork_pipeline import Pipeline, Settings, StepResult, groups_report


@task(name="render-booklet", cache_policy=NO_CACHE)
def render_booklet(pipeline: Pipeline, group: str) -> StepResult:
    return pipeline.booklet(group)


@flow(name="build-booklet")
def build_booklet(group: str, folder: str | None = None) -> dict[str, object]:
    """Render the booklet of GROUP in the programme folder ``folder`` into outbox/groepsboekjes/.

    Only beelden whose current consent includes group sessions are in it; with none, any old
    booklet of the group is removed.
    """
    pipeline = Pipeline(flow_settings(folder), source="flow:build-booklet")
    return asdict(render_booklet(pipeline, group))


def build_or_list(settings: Settings, group: str | None) -> object:
    """``goodwork booklet``: build GROUP's booklet; without a group, list the groups."""
    if group is None:
        return groups_report(settings)
    return build_booklet(group, str(settings.base_dir))
