"""The consent steps of a story: consent recorded by staff (e-mail, phone), withdrawal, and
the one way consent is granted (``approve``, also for a returned draft, see ``decisions``).

Every consent change follows the same three steps: append to the ledger (never update),
keep an immutable PDF snapshot of it, then bring the outbox in line with the consent that
results, in the same run. The last is the composition's (``Pipeline``): a step returns
``ThenPublish``, and ends with what publishing did. What was decided is recorded as an event
with an English and a Dutch message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent.snapshot import SnapshotView, name_nl, write_snapshot
from goodwork_pipeline.consent.summary import (
    CONSENT_FOLDER,
    SOURCE_CLI,
    BoundText,
    channels_en,
    channels_nl,
)
from goodwork_pipeline.consent_wording import WORDING_VERSION
from goodwork_pipeline.errors import ConsentError
from goodwork_pipeline.lifecycle import ALLOWED
from goodwork_pipeline.models import Beeld, Channel, ConsentRecord, NameDisplay, State
from goodwork_pipeline.results import StepResult, ThenPublish
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.texts import approved_beeld, draft_beeld, save_approved

AWAITING_REVIEW = (State.DRAFTED, State.IN_REVIEW, State.DECLINED)


@dataclass(frozen=True)
class Approval:
    """A grant in the ledger, its snapshot, and what the story's history says of it."""

    record: ConsentRecord
    snapshot: str
    text_sha256: str
    message: str
    message_nl: str


class Consent:
    """``snapshot_pdf()`` gives the renderer's ``snapshot_pdf`` (the snapshot's PDF)."""

    def __init__(
        self, context: StepContext, snapshot_pdf: Callable[[], Callable[[SnapshotView], bytes]]
    ):
        self.context = context
        self.snapshot_pdf = snapshot_pdf

    def text_for_consent(self, story_id: str, version: int | None = None) -> BoundText:
        """The text a consent recorded by staff binds to.

        A given draft ``version``; otherwise, while the story waits for the participant (or
        they did not approve), the newest draft as it was sent; otherwise the approved text.
        """
        workspace = self.context.workspace
        story = self.context.store.story(story_id)
        if story.draft_version == 0:
            raise ConsentError(
                f"{story.id} has no draft yet, so there is no text to consent to.",
                nl=f"{story.id} heeft nog geen concept: er is nog geen tekst om mee in te stemmen.",
            )
        if version is None and story.state not in AWAITING_REVIEW and story.approved_sha256:
            beeld = approved_beeld(workspace, story.id, story.approved_sha256)
            if beeld is not None:
                return BoundText(
                    beeld,
                    story.approved_sha256,
                    f"the approved text (“{beeld.title}”, SHA-256 {story.approved_sha256[:12]}…)",
                    f"de goedgekeurde tekst (“{beeld.title}”, SHA-256 "
                    f"{story.approved_sha256[:12]}…)",
                    None,
                )
        chosen = story.draft_version if version is None else version  # (0 is no version)
        if not 1 <= chosen <= story.draft_version:
            raise ConsentError(
                f"{story.id} has draft versions 1 to {story.draft_version}, not {chosen}.",
                nl=f"{story.id} heeft conceptversies 1 tot en met {story.draft_version}.",
            )
        beeld = draft_beeld(workspace, story.id, chosen)
        sha = beeld.text_sha256()
        return BoundText(
            beeld,
            sha,
            f"the text of draft version {chosen} as sent (“{beeld.title}”, SHA-256 {sha[:12]}…)",
            f"de tekst van conceptversie {chosen} zoals verstuurd (“{beeld.title}”, SHA-256 "
            f"{sha[:12]}…)",
            chosen,
        )

    def record(
        self,
        story_id: str,
        *,
        channels: Iterable[Channel],
        name_display: NameDisplay,
        by: str,
        note: str | None = None,
        source: str = SOURCE_CLI,
        version: int | None = None,
        via: str | None = None,
    ) -> ThenPublish:
        """Consent the participant gave another way (e-mail, phone), recorded by staff.

        ``via`` names the channel it was recorded through (e.g. a Prefect flow run id); the
        ledger keeps it beside the text the consent is bound to. Raises ``ConsentError``
        when nobody is named or there is no such text (``Pipeline`` returns it as the step's
        failed result: ``bad_input_as_result``)."""
        if not by.strip():
            raise ConsentError(
                "Say who records this consent (--by NAME).",
                nl="Geef aan wie deze toestemming vastlegt (--by NAAM).",
            )
        channels = frozenset(channels)
        story = self.context.store.story(story_id)
        bound = self.text_for_consent(story.id, version)
        text_sha = bound.beeld.text_sha256()
        where = channels_en(channels) or "no channel (nothing is published)"
        where_nl = channels_nl(channels) or "geen enkele plek (er wordt niets gedeeld)"
        approval = self.approve(
            story.id,
            bound.beeld,
            channels=channels,
            name_display=name_display,
            actor=by,
            source=source,
            source_ref=" · ".join(
                part
                for part in (
                    via,
                    f"draft v{bound.version}" if bound.version else f"approved {text_sha}",
                )
                if part
            ),
            note=note,
            message=f"consent recorded by {by} for {where}, name: {name_display.value}; "
            f"bound to {bound.described}",
            message_nl=f"Toestemming vastgelegd door {by} voor {where_nl}; naam: "
            f"{name_nl(name_display)}. Geldt voor {bound.described_nl}.",
            withdrawn_en="; withdrawn: {}",
            detail={"version": bound.version, "note": note},
        )
        return ThenPublish(
            story.id,
            lambda published: StepResult(
                True,
                story.id,
                approval.message,
                approval.message_nl,
                published.outputs,
                details={
                    "text_sha256": approval.text_sha256,
                    "bound_to": bound.described,
                    "bound_to_nl": bound.described_nl,
                    "channels": sorted(c.value for c in channels),
                    "ledger_record": approval.record.id,
                    "snapshot": approval.snapshot,
                    "published": published.message,
                },
            ),
        )

    def approve(
        self,
        story_id: str,
        beeld: Beeld,
        *,
        channels: frozenset[Channel],
        name_display: NameDisplay,
        actor: str,
        source: str,
        source_ref: str,
        message: str,
        message_nl: str,
        withdrawn_en: str,
        detail: dict[str, Any],
        note: str | None = None,
        wording_version: str = WORDING_VERSION,
    ) -> Approval:
        """Consent granted for ``beeld`` (by the participant's document or by staff): the
        text kept as approved, the grant in the ledger and its snapshot, the story approved.
        The messages say which channels the grant dropped (``withdrawn_en``: how, in English)."""
        store = self.context.store
        text_sha = save_approved(self.context.workspace, story_id, beeld)
        before = consent_rules.consent_for(store, story_id)
        record = consent_rules.grant(
            store,
            story_id,
            channels=channels,
            name_display=name_display,
            text_sha256=text_sha,
            actor=actor,
            source=source,
            source_ref=source_ref,
            note=note,
            wording_version=wording_version,
        )
        snapshot = self.snapshot(record, beeld)
        dropped = before.channels - channels if before else frozenset()
        if dropped:
            message += withdrawn_en.format(channels_en(dropped))
            message_nl += f" Ingetrokken: {channels_nl(dropped)}."
        store.transition(
            story_id,
            State.APPROVED,
            actor=actor,
            source=source,
            message=message,
            message_nl=message_nl,
            detail={
                **detail,
                "text_sha256": text_sha,
                "ledger_record": record.id,
                "snapshot": snapshot,
                "withdrawn": sorted(c.value for c in dropped),
            },
            approved_sha256=text_sha,
        )
        return Approval(record, snapshot, text_sha, message, message_nl)

    def withdraw(
        self,
        story_id: str,
        *,
        channels: Iterable[Channel] = (),
        by: str,
        note: str | None = None,
        source: str = SOURCE_CLI,
        source_ref: str | None = None,
    ) -> ThenPublish:
        """Withdraw consent for some channels, or all; the outbox follows in the same run,
        then a story with no consent left is withdrawn."""
        store = self.context.store
        channels = frozenset(channels)
        story = store.story(story_id)
        before = consent_rules.consent_for(store, story.id)
        record = consent_rules.withdraw(
            store,
            story.id,
            channels=channels,
            actor=by,
            source=source,
            source_ref=source_ref,
            note=note,
        )
        after = consent_rules.consent_for(store, story.id)
        remaining = after.channels if after else frozenset()
        approved = (
            approved_beeld(self.context.workspace, story.id, before.text_sha256) if before else None
        )
        snapshot = self.snapshot(record, approved, remaining=remaining)
        what = channels_en(channels) if channels else "all channels"
        what_nl = channels_nl(channels) if channels else "alle plekken"
        message = f"consent withdrawn for {what} (recorded by {by})"
        message_nl = f"Toestemming ingetrokken voor {what_nl} (vastgelegd door {by})."
        if before is None:
            message += "; there was no valid consent to withdraw, recorded all the same"
            message_nl += " Er was geen geldige toestemming; de intrekking is toch vastgelegd."
        else:
            message += f"; remaining: {channels_en(remaining) or 'none'}"
            message_nl += f" Blijft over: {channels_nl(remaining) or 'niets'}."
        store.record_event(
            story.id,
            "consent",
            actor=by,
            source=source,
            message=message,
            message_nl=message_nl,
            detail={
                "ledger_record": record.id,
                "withdrawn": sorted(c.value for c in channels) or "all",
                "remaining": sorted(c.value for c in remaining),
                "snapshot": snapshot,
                "note": note,
            },
        )

        def finish(published: StepResult) -> StepResult:
            if after is None:
                self._nothing_left(story.id, record, by=by, source=source)
            return StepResult(
                True,
                story.id,
                message,
                message_nl,
                published.outputs,
                details={
                    "ledger_record": record.id,
                    "remaining": sorted(c.value for c in remaining),
                    "snapshot": snapshot,
                    "published": published.message,
                },
            )

        return ThenPublish(story.id, finish)

    def _nothing_left(self, story_id: str, record: ConsentRecord, *, by: str, source: str) -> None:
        """No consent left: the story is withdrawn (publishing may have said so already)."""
        story = self.context.store.story(story_id)
        if story.state != State.WITHDRAWN and State.WITHDRAWN in ALLOWED[story.state]:
            self.context.store.transition(
                story.id,
                State.WITHDRAWN,
                actor=by,
                source=source,
                message="no consent left: nothing of this story is published",
                message_nl="Geen toestemming meer: er wordt niets van dit verhaal gedeeld.",
                detail={"ledger_record": record.id},
            )

    def snapshot(
        self,
        record: ConsentRecord,
        beeld: Beeld | None,
        remaining: frozenset[Channel] = frozenset(),
    ) -> str:
        """The immutable PDF snapshot of a ledger record (made once, never rewritten)."""
        workspace = self.context.workspace
        folder = workspace.story(record.story_id).root / CONSENT_FOLDER
        snapshot = write_snapshot(
            folder,
            record,
            beeld=beeld,
            programme=self.context.settings.programme,
            templates_dir=self.context.settings.templates_dir,
            remaining=remaining,
            render=self.snapshot_pdf(),
        )
        return str(snapshot.path.relative_to(workspace.root))
