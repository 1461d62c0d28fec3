"""Flow: delete recordings whose retention period is over (see ``store/retention.py``).

The ``purge/goodwork`` deployment runs it daily on a server; 'goodwork purge' does the same
from the command line, and 'goodwork watch' once a day in embedded mode.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows._prefect_env import flow_settings
from goodwork_pipeline import SystemClock, purge_programme


@flow(name="purge")
def purge(folder: str | None = None, dry_run: bool = False) -> list[str]:
    """Delete (or with ``dry_run`` list) the recordings due in ``folder``; return story codes."""
    settings = flow_settings(folder)
    deletions = purge_programme(settings, SystemClock(), dry_run=dry_run) or []
    get_run_logger().info(
        "retention: %d story(ies) %s", len(deletions), "due" if dry_run else "purged"
    )
    return [deletion.story_id for deletion in deletions]
