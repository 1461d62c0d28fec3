"""What a returned draft's decision does to consent: not approved (declined), approved (a
grant, ``Consent.approve``), or a document that may only shrink consent (withdraw what it
leaves unticked, a more private name). Each ends once the outbox follows (``ThenPublish``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent.snapshot import name_nl
from goodwork_pipeline.consent.steps import Consent
from goodwork_pipeline.consent.summary import SOURCE_DOCUMENT, channels_en, channels_nl
from goodwork_pipeline.consent_wording import WORDING_VERSION
from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.results import StepResult, ThenPublish
from goodwork_pipeline.review.answers import SHRINK_ONLY_OUTCOMES, SUPERSEDED, Doubt, shrink
from goodwork_pipeline.review.decision import Outcome, ReturnedDraft, ReviewDecision
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.store.texts import approved_beeld


class Decisions:
    def __init__(self, consent: Consent):
        self.consent = consent
        self.context = consent.context

    def apply(
        self,
        story: Story,
        decision: ReviewDecision,
        doc_sha: str,
        changes: dict[str, Any],
        doubt: Doubt | None = None,
    ) -> ThenPublish:
        returned = decision.returned
        assert returned is not None
        actor = returned.signer or "deelnemer"
        detail = {
            "outcome": decision.outcome.value,
            "document": doc_sha,
            "version": returned.version,
            **changes,
        }
        if doubt is not None or decision.outcome in SHRINK_ONLY_OUTCOMES:
            return self._shrink_only(story, decision, doubt, doc_sha, actor, detail)
        if decision.outcome == Outcome.NOT_APPROVED:
            store = self.context.store
            record = consent_rules.decline(
                store, story.id, actor=actor, source=SOURCE_DOCUMENT, source_ref=doc_sha
            )
            snapshot = self.consent.snapshot(record, None)
            store.transition(
                story.id,
                State.DECLINED,
                actor=actor,
                source=SOURCE_DOCUMENT,
                message=decision.message,
                message_nl=decision.message_nl,
                detail={**detail, "ledger_record": record.id, "snapshot": snapshot},
            )
            return _saying(story.id, decision.message, decision.message_nl)
        approval = self.consent.approve(
            story.id,
            returned.beeld,
            channels=returned.choices.channels,
            name_display=returned.choices.name_display or NameDisplay.ROLE,
            actor=actor,
            source=SOURCE_DOCUMENT,
            source_ref=doc_sha,
            wording_version=returned.wording_version or WORDING_VERSION,
            message=decision.message,
            message_nl=decision.message_nl,
            withdrawn_en=" Withdrawn: {}.",
            detail=detail,
        )
        return _saying(story.id, approval.message, approval.message_nl)

    def _shrink_only(
        self,
        story: Story,
        decision: ReviewDecision,
        doubt: Doubt | None,
        doc_sha: str,
        actor: str,
        detail: dict[str, Any],
    ) -> ThenPublish:
        """A document that may only shrink consent: withdraw what it leaves unticked (all of
        it when it does not approve), make the name more private when it asks so, grant
        nothing. The event that tells staff why comes last, so 'goodwork status' shows it."""
        returned = decision.returned
        assert returned is not None
        own = decision.outcome in SHRINK_ONLY_OUTCOMES
        message = " ".join(m for m in (doubt and doubt.message, own and decision.message) if m)
        message_nl = " ".join(
            m for m in (doubt and doubt.message_nl, own and decision.message_nl) if m
        )
        withdrawn: frozenset[Channel] = frozenset()
        narrowed: NameDisplay | None = None
        then: ThenPublish | None = None
        if doubt is None or doubt.kind != SUPERSEDED:
            withdrawn, narrowed, then = self._narrow(story, returned, doc_sha, actor)
            if withdrawn:
                message += f" Withdrawn: {channels_en(withdrawn)}."
                message_nl += f" Ingetrokken: {channels_nl(withdrawn)}."
            if narrowed is not None:
                message += f" Name now shown as: {narrowed.value}."
                message_nl += f" Naam voortaan: {name_nl(narrowed)}."
            if not withdrawn and narrowed is None:
                message += " Nothing was withdrawn."
                message_nl += " Er is niets ingetrokken."

        def finish(published: StepResult) -> StepResult:
            outputs: tuple[Path, ...] = then.finish(published).outputs if then else ()
            self.context.store.record_event(
                story.id,
                "attention",
                actor=actor,
                source=SOURCE_DOCUMENT,
                message=message,
                message_nl=message_nl,
                detail={
                    **detail,
                    "shrink_only": doubt.kind if doubt else decision.outcome.value,
                    "documents": list(doubt.documents) if doubt else [],
                    "withdrawn": sorted(c.value for c in withdrawn),
                    "name_display": narrowed.value if narrowed else None,
                },
            )
            return StepResult(False, story.id, message, message_nl, outputs)

        return ThenPublish(story.id, finish, publish=then is not None)

    def _narrow(
        self, story: Story, returned: ReturnedDraft, doc_sha: str, actor: str
    ) -> tuple[frozenset[Channel], NameDisplay | None, ThenPublish | None]:
        """Bring consent down to what a doubtful document leaves of it (answers.shrink);
        None: nothing changed, nothing to publish."""
        store = self.context.store
        current = consent_rules.consent_for(store, story.id)
        shrunk = shrink(current, returned.choices)
        if current is None or not shrunk.changes:
            return frozenset(), None, None
        note = "from a returned document that may only shrink consent"
        if shrunk.name_display is None:
            withdrawal = self.consent.withdraw(
                story.id,
                channels=shrunk.withdrawn,
                by=actor,
                source=SOURCE_DOCUMENT,
                source_ref=doc_sha,
                note=note,
            )
            return shrunk.withdrawn, None, withdrawal
        # A more private name (with what is left of the channels) is recorded as a grant of
        # less than there was, for the same text: nothing in it was not consented before.
        record = consent_rules.grant(
            store,
            story.id,
            channels=shrunk.channels,
            name_display=shrunk.name_display,
            text_sha256=current.text_sha256,
            actor=actor,
            source=SOURCE_DOCUMENT,
            source_ref=doc_sha,
            note=note,
        )
        approved = approved_beeld(self.context.workspace, story.id, current.text_sha256)
        snapshot = self.consent.snapshot(record, approved)
        store.record_event(
            story.id,
            "consent",
            actor=actor,
            source=SOURCE_DOCUMENT,
            message=f"consent narrowed to {channels_en(shrunk.channels)}, name: "
            f"{shrunk.name_display.value}",
            message_nl=f"Toestemming beperkt tot {channels_nl(shrunk.channels)}; naam: "
            f"{name_nl(shrunk.name_display)}.",
            detail={
                "ledger_record": record.id,
                "withdrawn": sorted(c.value for c in shrunk.withdrawn),
                "snapshot": snapshot,
                "note": note,
            },
        )
        return shrunk.withdrawn, shrunk.name_display, _saying(story.id, "", "")


def _saying(story_id: str, message: str, message_nl: str) -> ThenPublish:
    """A change whose result, once published, is what it says and the files published."""
    return ThenPublish(
        story_id,
        lambda published: StepResult(True, story_id, message, message_nl, published.outputs),
    )
