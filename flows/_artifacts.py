"""Prefect artifacts: a Markdown summary of each story a run touched, so the UI tells the same
story as 'goodwork status STORY' (codes and roles only; names stay in the workspace)."""

from __future__ import annotations

from collections.abc import Iterable

from prefect.artifacts import create_markdown_artifact

from goodwork_pipeline import Pipeline, story_markdown


def story_artifacts(pipeline: Pipeline, story_ids: Iterable[str | None]) -> None:
    for story_id in dict.fromkeys(s for s in story_ids if s):
        create_markdown_artifact(
            key=f"story-{story_id.lower()}",  # one key per story: the UI shows its versions
            markdown=story_markdown(pipeline.store, pipeline.settings, story_id),
            description=f"Status of story {story_id}",
        )
