"""The booklet steps: a group's booklet built from its group-consented beelden (none:
removed), and the booklets a story is in kept up to date when it changes."""

from __future__ import annotations

from collections.abc import Callable

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.privacy.steps import Names
from goodwork_pipeline.publishing.booklet import (
    group_entries,
    membership,
    render_booklet,
    same_group,
)
from goodwork_pipeline.publishing.outbox import booklets
from goodwork_pipeline.publishing.publish import booklet_manifest, sync_booklet
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.texts import approved_beeld


class Booklets:
    """``renderer()`` gives the renderer to build booklets with."""

    def __init__(self, context: StepContext, names: Names, renderer: Callable[[], Renderer]):
        self.context = context
        self.names = names
        self.renderer = renderer

    def booklet_entries(self, group: str):
        context = self.context
        return group_entries(
            context.store.stories(),
            group=group,
            consent_of=lambda story_id: consent_rules.consent_for(context.store, story_id),
            approved_of=lambda story_id, sha: approved_beeld(context.workspace, story_id, sha),
            names_of=lambda story_id: self.names.names_to_replace(story_id, None),
            programme=context.settings.programme,
        )

    def booklet(self, group: str) -> StepResult:
        """Build the group's booklet from its group-consented beelden (none: remove it)."""
        settings, clock = self.context.settings, self.context.clock
        entries = self.booklet_entries(group)
        renderer = self.renderer()
        pdf = None
        if entries:
            pdf = render_booklet(
                renderer,
                group=group,
                programme=settings.programme,
                entries=entries,
                built=clock.now().date(),
            )
        result = sync_booklet(
            group=group,
            pdf=pdf,
            stories=membership(entries),
            outbox=settings.outbox_dir,
            renderer=renderer,
            now=clock.now(),
        )
        if result.path is None:
            return StepResult(
                True,
                message=f"no beeld of group '{group}' is consented for group sessions",
                message_nl=f"Geen enkel beeld van groep '{group}' heeft toestemming voor "
                "groepsgesprekken; er is geen boekje.",
                details={"stories": 0},
            )
        return StepResult(
            True,
            message=f"booklet of {len(entries)} beelden written",
            message_nl=f"Groepsboekje met {len(entries)} beelden gemaakt",
            outputs=(result.path,),
            details={"stories": len(entries)},
        )

    def refresh_booklets(self, story_id: str) -> None:
        """Rebuild existing booklets whose beelden changed (consent, text, withdrawal)."""
        outbox = self.context.settings.outbox_dir
        story = self.context.store.story(story_id)
        for book in booklets(outbox):
            group = str(book.get("group", ""))
            contains = any(s.get("story") == story_id for s in book.get("stories", []))
            if not (contains or same_group(group, story.sidecar.group)):
                continue
            if booklet_manifest(outbox, group) is None:
                continue
            if membership(self.booklet_entries(group)) != book.get("stories"):
                self.booklet(group)
