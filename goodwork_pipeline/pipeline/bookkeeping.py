"""Bookkeeping across stories: the automatic steps not done yet (after a crash, or an outbox
that does not match its consent), and the leftovers of an interrupted write."""

from __future__ import annotations

import logging

from goodwork_pipeline.files import remove_stale_temp
from goodwork_pipeline.lifecycle import AUTOMATIC, Step
from goodwork_pipeline.logs import fields
from goodwork_pipeline.publishing.steps import Publishing
from goodwork_pipeline.store.context import StepContext

log = logging.getLogger(__name__)


class Bookkeeping:
    def __init__(self, context: StepContext, publishing: Publishing):
        self.context = context
        self.publishing = publishing

    def pending(self) -> list[tuple[str, Step]]:
        """Stories whose next automatic step was not done (e.g. after a crash), and stories
        whose outbox is not what their consent says (a crash or a full disk while publishing)."""
        stories = self.context.store.stories(list(AUTOMATIC))
        work = [(story.id, AUTOMATIC[story.state]) for story in stories]
        work.extend((story_id, Step.PUBLISH) for story_id in self.publishing.outbox_out_of_line())
        return work

    def remove_crash_leftovers(self) -> int:
        """Remove temporary files and folders that a killed process left (outbox, workspace)."""
        removed = remove_stale_temp(self.context.settings.outbox_dir) + remove_stale_temp(
            self.context.workspace.root
        )
        if removed:
            log.warning(
                "removed %d leftover(s) of an interrupted write",
                removed,
                extra=fields(event="cleanup", count=removed),
            )
        return removed
