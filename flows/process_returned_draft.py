"""Flow: one returned draft (.docx) from the inbox: read it, record consent, sync the outbox.

What ``goodwork watch`` starts for each document that lands, in-process or as a run of the
``process-returned-draft/goodwork`` deployment on a worker.
"""

from __future__ import annotations

from prefect import flow
from prefect.states import State

from flows._artifacts import story_artifacts
from flows._prefect_env import flow_settings
from flows._states import end_state
from flows._steps import inbox_path, review_document, value
from goodwork_pipeline import Pipeline


@flow(name="process-returned-draft")
def process_returned_draft(path: str, folder: str | None = None) -> State:
    """Process the returned draft ``path`` (relative to the inbox, or absolute) of ``folder``."""
    settings = flow_settings(folder)
    pipeline = Pipeline(settings, source="flow:process-returned-draft")
    document = inbox_path(settings.inbox_dir, path)
    result = value(review_document(pipeline, document, return_state=True))
    story_artifacts(pipeline, [result.story_id])
    return end_state([result], hide=[document])
