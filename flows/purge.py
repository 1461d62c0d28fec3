"""Flow: delete recordings whose retention period is over (see ``store/retention.py``).

The ``purge/goodwork`` deployment runs it daily on a server; 'goodwork purge' does the same
from the command line, and 'goodwork watch' once a day in embedded mode.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows._prefect_env import flow_settings
from goodwork_pipeline import Store, SystemClock, purge_recordings


@flow(name="purge")
def purge(folder: str | None = None, dry_run: bool = False) -> list[str]:
    """Delete (or with ``dry_run`` list) the recordings due in ``folder``; return story codes."""
    settings = flow_settings(folder)
    store = Store(settings.database_url)
    try:
        deletions = purge_recordings(store, settings, SystemClock(), dry_run=dry_run)
    finally:
        store.close()
    get_run_logger().info(
        "retention: %d story(ies) %s", len(deletions), "due" if dry_run else "purged"
    )
    return [deletion.story_id for deletion in deletions]
