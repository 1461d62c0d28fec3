"""The publishing step of a story: the outbox made to match its current consent (published,
updated or removed), recorded in its history; and which stories' outbox does not match."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent_wording import CHANNEL_BOXES
from goodwork_pipeline.lifecycle import ALLOWED, REVIEWED
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import Channel, State
from goodwork_pipeline.privacy.steps import Names
from goodwork_pipeline.publishing.booklet_steps import Booklets
from goodwork_pipeline.publishing.outbox import read_manifest, story_folders
from goodwork_pipeline.publishing.publish import PublishResult, sync_story
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.store.texts import approved_beeld

log = logging.getLogger(__name__)


class Publishing:
    """``renderer()`` gives the renderer to publish with."""

    def __init__(
        self,
        context: StepContext,
        names: Names,
        booklets: Booklets,
        renderer: Callable[[], Renderer],
    ):
        self.context = context
        self.names = names
        self.booklets = booklets
        self.renderer = renderer

    def publish(self, story_id: str) -> StepResult:
        """Make the outbox match the story's current consent (publish, update or remove)."""
        context = self.context
        settings = context.settings
        story = context.store.story(story_id)
        consent = consent_rules.consent_for(context.store, story.id)
        approved = (
            approved_beeld(context.workspace, story.id, consent.text_sha256)
            if consent is not None
            else None
        )
        with context.recording_failures(story.id, "publishing"):
            result = sync_story(
                story_id=story.id,
                consent=consent,
                approved=approved,
                sidecar=story.sidecar,
                renderer=self.renderer(),
                outbox=settings.outbox_dir,
                programme=settings.programme,
                date=story.sidecar.date or story.created_at.date(),
                now=context.clock.now(),
                pseudonyms=self.names.names_to_replace(story.id, approved),
            )
            self._record_publication(story, result)
            log.info(
                "outbox synced: %d file(s), %d folder(s) removed",
                len(result.files),
                len(result.removed),
                extra=fields(story=story.id, event="published"),
            )
            self.booklets.refresh_booklets(story.id)
            outputs = tuple(result.folder / f for f in result.files) if result.folder else ()
            return StepResult(True, story.id, _describe(result), outputs=outputs)
        return context.failure_of(story.id)

    def outbox_out_of_line(self) -> list[str]:
        """Stories whose publish folders do not match their current consent: one folder made
        for the current ledger record when it allows a channel, none otherwise."""
        context = self.context
        stories = context.store.stories(
            [State.APPROVED, State.DECLINED, State.PUBLISHED, State.WITHDRAWN, State.FAILED]
        )
        out = []
        for story in stories:
            if story.state == State.FAILED and context.failed_in(story.id) not in REVIEWED:
                continue  # failed earlier (e.g. drafting): 'goodwork retry' is the way on
            consent = consent_rules.consent_for(context.store, story.id)
            folders = story_folders(context.settings.outbox_dir, story.id)
            if consent is None or not consent.channels:
                in_line = not folders
            else:
                in_line = len(folders) == 1 and _made_for(folders[0], consent.record_id)
            if not in_line:
                out.append(story.id)
        return out

    def _record_publication(self, story: Story, result: PublishResult) -> None:
        story = self.context.store.story(story.id)
        if result.folder is not None:
            self._record_outbox_change(
                story,
                State.PUBLISHED,
                message=f"published to outbox/{result.folder.name} for "
                + ", ".join(sorted(c.value for c in result.channels)),
                message_nl="Klaar om te publiceren voor "
                + ", ".join(CHANNEL_BOXES[c] for c in Channel if c in result.channels),
                detail={"folder": result.folder.name, "files": list(result.files)},
            )
        elif result.removed or story.state == State.PUBLISHED:
            self._record_outbox_change(
                story,
                State.WITHDRAWN,
                message="no valid consent: every published file removed from the outbox",
                message_nl="Geen geldige toestemming meer: alle bestanden uit de outbox gehaald",
                detail={"removed": [p.name for p in result.removed]},
            )

    def _record_outbox_change(
        self, story: Story, state: State, *, message: str, message_nl: str, detail: dict
    ) -> None:
        """The outbox changed: a state change, unless the story is in a new draft round
        (a new version sent while the approved text stays published), which goes on."""
        context = self.context
        if state in ALLOWED[story.state]:
            context.store.transition(
                story.id,
                state,
                actor=context.actor,
                source=context.source,
                message=message,
                message_nl=message_nl,
                detail=detail,
            )
        else:
            context.store.record_event(
                story.id,
                state.value,
                actor=context.actor,
                source=context.source,
                message=f"{message} (the story stays {story.state.value})",
                message_nl=message_nl,
                detail=detail,
            )


def _made_for(folder: Path, record_id: int) -> bool:
    try:
        return read_manifest(folder)["consent"]["ledger_record"] == record_id
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _describe(result: PublishResult) -> str:
    if result.folder is None:
        return "nothing published" + (
            f"; removed {len(result.removed)} folder(s)" if result.removed else ""
        )
    return f"published {len(result.files)} file(s) to {result.folder.name}"
