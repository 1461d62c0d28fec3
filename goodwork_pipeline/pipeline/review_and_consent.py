"""The review and consent steps of a story: returned drafts, staff consent, withdrawal, sending.

``Pipeline`` (pipeline.py) inherits these. Every consent change follows the same three steps:
append to the ledger (never update), keep an immutable PDF snapshot of it, then bring the
outbox in line with the consent that results (``Pipeline.publish``), all in the same run.
What was decided is recorded as an event with an English and a Dutch message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent.snapshot import name_nl, write_snapshot
from goodwork_pipeline.consent.summary import (
    CONSENT_FOLDER,
    SOURCE_CLI,
    SOURCE_DOCUMENT,
    BoundText,
    channels_en,
    channels_nl,
)
from goodwork_pipeline.consent_wording import WORDING_VERSION
from goodwork_pipeline.drafting.interviewer_check import check_missing
from goodwork_pipeline.errors import ConsentError, DocumentError, InputError, MailError
from goodwork_pipeline.files import atomic_copy, atomic_write_text, sha256_file
from goodwork_pipeline.intake.inbox import inside_inbox, wait_until_complete
from goodwork_pipeline.lifecycle import ALLOWED
from goodwork_pipeline.models import Beeld, Channel, ConsentRecord, NameDisplay, State
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review import mail as mail_rules
from goodwork_pipeline.review.answers import (
    SHRINK_ONLY_OUTCOMES,
    SUPERSEDED,
    Answer,
    Doubt,
    plan,
    resent,
    saved_time,
    shrink,
    what_it_says,
)
from goodwork_pipeline.review.changes import report, summarise
from goodwork_pipeline.review.decision import (
    Outcome,
    ReturnedDraft,
    ReviewDecision,
    decide,
    interpret,
)
from goodwork_pipeline.review.returned_document import RawDocument, read_document
from goodwork_pipeline.store.repository import Story

if TYPE_CHECKING:
    from goodwork_pipeline.pipeline.core import Pipeline

log = logging.getLogger(__name__)

AWAITING_REVIEW = (State.DRAFTED, State.IN_REVIEW, State.DECLINED)


class ReviewAndConsent:
    """Mixed into ``Pipeline``; uses its store, workspace, settings, clock and publish step."""

    # Returned drafts -------------------------------------------------------------------------

    def review(self: Pipeline, path: Path, doubt: Doubt | None = None) -> StepResult:
        """Read a returned draft and act on what the participant decided.

        ``doubt`` (from ``plan_answers``) says why this document may only shrink consent.
        """
        if not inside_inbox(path, self.settings.inbox_dir):
            return self.reject_outside(path, "document")
        if not wait_until_complete(path, quiet_seconds=self.settings.settle_seconds):
            if not path.exists():
                return StepResult(True, message=f"{path.name} was read by another run")
            return StepResult(False, message=f"{path.name} is still being written; later.")
        try:
            sha = sha256_file(path)
        except FileNotFoundError:
            return StepResult(True, message=f"{path.name} was read by another run")
        previous = self.store.input_outcome(sha, path.name)
        if previous is not None and previous.outcome == "rejected":
            return StepResult(
                False, message=previous.message or "", message_nl=previous.message_nl or ""
            )
        try:
            raw = read_document(path)
            story = self._story_of(raw, path)
            version = raw.ids.version or story.draft_version
            draft = self.draft_beeld(story.id, version)
            returned = interpret(raw, draft, self._sent_document(story.id, version))
            if returned is None:
                raise DocumentError(
                    f"{path.name} belongs to {story.id}, but its headings 'Titel' and "
                    "'Jouw toestemming' are gone, so the text cannot be read safely.",
                    nl=f"In {path.name} ontbreken de kopjes 'Titel' of 'Jouw toestemming'. "
                    "Vraag de deelnemer die kopjes te laten staan, of verwerk de wijzigingen "
                    "met de hand.",
                    path=path,
                )
        except InputError as error:
            return self._reject(path, sha, "document", error)
        except FileNotFoundError:
            return StepResult(True, message=f"{path.name} was read by another run")
        # One document of a story at a time, also across processes: two runs at once (a
        # watcher and 'goodwork run') would otherwise both read it and record consent twice.
        with self.story_lock(story.id):
            if not path.exists():
                return StepResult(
                    True, story.id, f"{path.name} was read by another run", outputs=()
                )
            story = self.store.story(story.id)
            return self._review(path, sha, story, returned, draft, doubt)

    def _review(
        self: Pipeline,
        path: Path,
        sha: str,
        story: Story,
        returned: ReturnedDraft,
        draft: Beeld,
        doubt: Doubt | None = None,
    ) -> StepResult:

        files = self.workspace.story(story.id)
        kept = files.returned_dir / f"{sha}.docx"
        if not kept.exists():
            atomic_copy(path, kept, expected_sha256=sha)
        if self._already_read(story.id, sha):
            if not self._decided_since(story.id, sha):
                return self._same_document_again(story, path, sha)
            doubt = doubt or resent(path.name)
        decision = decide(returned, current_version=story.draft_version, file_name=path.name)
        changes = self._write_changes(story.id, draft, returned, decision, path.name, sha)
        result = self._apply(story, decision, sha, changes, doubt)
        self.store.record_input(
            sha256=sha,
            name=path.name,
            kind="document",
            outcome="accepted",
            story_id=story.id,
            message=decision.message,
            message_nl=decision.message_nl,
        )
        self._remove_from_inbox(path)
        return result

    def _story_of(self: Pipeline, raw: RawDocument, path: Path) -> Story:
        story_id = raw.ids.story_id
        if story_id is None:
            raise DocumentError(
                f"{path.name} is not one of our drafts (no story code found in its properties "
                "or footer). It stays in the inbox.",
                nl=f"{path.name} is geen concept van ons: er staat geen verhaalcode in. Het "
                "bestand blijft in de inbox staan.",
                path=path,
            )
        story = self.store.find_story(story_id)
        if story is None or story.draft_version == 0:
            raise DocumentError(
                f"{path.name} carries story code {story_id}, which this workspace has never "
                "seen. Check that it was dropped in the right programme's inbox.",
                nl=f"{path.name} hoort bij verhaal {story_id}, maar dat verhaal kennen we hier "
                "niet. Controleer of het in de inbox van het juiste programma staat.",
                path=path,
            )
        version = raw.ids.version
        if version is not None and not 1 <= version <= story.draft_version:
            raise DocumentError(
                f"{path.name} says it is draft version {version} of {story.id}, but only "
                f"versions 1 to {story.draft_version} were ever made. It is not one of our "
                "drafts as sent; it stays in the inbox.",
                nl=f"{path.name} zegt versie {version} van {story.id} te zijn, maar die versie "
                "hebben wij nooit gemaakt. Het bestand blijft in de inbox staan.",
                path=path,
            )
        return story

    def _sent_document(self: Pipeline, story_id: str, version: int) -> RawDocument | None:
        """The draft exactly as it was sent, to compare the fixed parts with."""
        sent = self.workspace.story(story_id).draft_docx(version)
        if not sent.is_file():
            return None
        try:
            return read_document(sent)
        except DocumentError:
            return None

    def _already_read(self: Pipeline, story_id: str, sha: str) -> bool:
        return any(_about(event, sha) for event in self.store.events(story_id))

    def _decided_since(self: Pipeline, story_id: str, sha: str) -> bool:
        """Whether consent changed by anything but this document since it was last read."""
        events = self.store.events(story_id)
        last = max(i for i, event in enumerate(events) if _about(event, sha))
        sources = {r.id: r.source_ref for r in self.store.consent_records(story_id)}
        return any(
            (event.detail or {}).get("ledger_record") in sources
            and sources[event.detail["ledger_record"]] != sha
            for event in events[last + 1 :]
        )

    def plan_answers(self: Pipeline, paths: list[Path]) -> list[tuple[Path, Doubt | None]]:
        """The returned documents of one run in the order the participant saved them; when
        several of one story disagree, the doubt each carries (see answers.py)."""
        return plan(self._answer(path) for path in paths)

    def _answer(self: Pipeline, path: Path) -> Answer:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            mtime = 0.0
        try:
            raw = read_document(path)
            story = self._story_of(raw, path)
            version = raw.ids.version or story.draft_version
            draft = self.draft_beeld(story.id, version)
            returned = interpret(raw, draft, self._sent_document(story.id, version))
        except (InputError, OSError):
            return Answer(path, None, None, mtime, None)
        if returned is None:
            return Answer(path, story.id, saved_time(raw.saved_at), mtime, None)
        decision = decide(returned, current_version=story.draft_version, file_name="")
        says = what_it_says(
            decision.outcome, returned.choices, returned.beeld.text_sha256(), returned.version
        )
        return Answer(path, story.id, saved_time(raw.saved_at), mtime, says)

    def _same_document_again(self: Pipeline, story: Story, path: Path, sha: str) -> StepResult:
        message = f"{path.name} is a document already read for {story.id}; nothing changed."
        message_nl = f"{path.name} is al eerder gelezen (zelfde document); er verandert niets."
        self.store.record_event(
            story.id,
            "duplicate",
            actor=self.actor,
            source=self.source,
            message=message,
            message_nl=message_nl,
            detail={"duplicate_document": sha, "file": path.name},
        )
        self.store.record_input(
            sha256=sha,
            name=path.name,
            kind="document",
            outcome="duplicate",
            story_id=story.id,
            message=message,
            message_nl=message_nl,
        )
        self._remove_from_inbox(path)
        return StepResult(True, story.id, message, message_nl)

    def _write_changes(
        self: Pipeline,
        story_id: str,
        draft: Beeld,
        returned: ReturnedDraft,
        decision: ReviewDecision,
        file_name: str,
        sha: str,
    ) -> dict[str, Any]:
        text = report(
            draft,
            returned,
            decision,
            story_id=story_id,
            file_name=file_name,
            document_sha256=sha,
            received=self.clock.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        )
        path = self.workspace.story(story_id).returned_dir / f"{sha}.wijzigingen.txt"
        atomic_write_text(path, text)
        summary = summarise(draft, returned)
        if decision.accepts_consent:  # clearing a name shows more: never from a doubtful one
            self._names_cleared_in_margin(story_id, returned)
        return {
            "report": str(path.relative_to(self.workspace.root)),
            **summary.to_json(),
            "comments": [
                {"author": c.author, "text": c.text, "anchor": c.anchor} for c in returned.comments
            ],
        }

    def _names_cleared_in_margin(self: Pipeline, story_id: str, returned: ReturnedDraft) -> None:
        """A participant who answered a name's note with a yes clears that name."""
        from goodwork_pipeline.privacy.third_parties import cleared_by_comments

        story = self.store.story(story_id)
        names = self.story_names(story)
        cleared = cleared_by_comments(names.remembered(), returned.comments)
        kept = names.keep(cleared)
        if kept:
            self.store.record_event(
                story.id,
                "names-kept",
                actor=returned.signer or "deelnemer",
                source=SOURCE_DOCUMENT,
                message=f"the participant cleared {len(kept)} third-party name(s) in the margin",
                message_nl=f"De deelnemer gaf in de kantlijn vrij: {', '.join(kept)}",
                detail={"kept": kept},
            )

    def _apply(
        self: Pipeline,
        story: Story,
        decision: ReviewDecision,
        doc_sha: str,
        changes: dict[str, Any],
        doubt: Doubt | None = None,
    ) -> StepResult:
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
            record = consent_rules.decline(
                self.store, story.id, actor=actor, source=SOURCE_DOCUMENT, source_ref=doc_sha
            )
            snapshot = self._snapshot(record, None)
            self.store.transition(
                story.id,
                State.DECLINED,
                actor=actor,
                source=SOURCE_DOCUMENT,
                message=decision.message,
                message_nl=decision.message_nl,
                detail={**detail, "ledger_record": record.id, "snapshot": snapshot},
            )
            publish = self.publish(story.id)
            return StepResult(
                True, story.id, decision.message, decision.message_nl, publish.outputs
            )
        text_sha = self.save_approved(story.id, returned.beeld)
        before = consent_rules.consent_for(self.store, story.id)
        record = consent_rules.grant(
            self.store,
            story.id,
            channels=returned.choices.channels,
            name_display=returned.choices.name_display or NameDisplay.ROLE,
            text_sha256=text_sha,
            actor=actor,
            source=SOURCE_DOCUMENT,
            source_ref=doc_sha,
            wording_version=returned.wording_version or WORDING_VERSION,
        )
        snapshot = self._snapshot(record, returned.beeld)
        dropped = before.channels - returned.choices.channels if before else frozenset()
        message, message_nl = decision.message, decision.message_nl
        if dropped:
            message += f" Withdrawn: {', '.join(c.value for c in Channel if c in dropped)}."
            message_nl += f" Ingetrokken: {channels_nl(dropped)}."
        self.store.transition(
            story.id,
            State.APPROVED,
            actor=actor,
            source=SOURCE_DOCUMENT,
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
        publish = self.publish(story.id)
        return StepResult(True, story.id, message, message_nl, publish.outputs)

    def _shrink_only(
        self: Pipeline,
        story: Story,
        decision: ReviewDecision,
        doubt: Doubt | None,
        doc_sha: str,
        actor: str,
        detail: dict[str, Any],
    ) -> StepResult:
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
        outputs: tuple[Path, ...] = ()
        withdrawn: frozenset[Channel] = frozenset()
        narrowed: NameDisplay | None = None
        if doubt is None or doubt.kind != SUPERSEDED:
            withdrawn, narrowed, outputs = self._narrow(story, returned, doc_sha, actor)
            if withdrawn:
                message += f" Withdrawn: {channels_en(withdrawn)}."
                message_nl += f" Ingetrokken: {channels_nl(withdrawn)}."
            if narrowed is not None:
                message += f" Name now shown as: {narrowed.value}."
                message_nl += f" Naam voortaan: {name_nl(narrowed)}."
            if not withdrawn and narrowed is None:
                message += " Nothing was withdrawn."
                message_nl += " Er is niets ingetrokken."
        self.store.record_event(
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

    def _narrow(
        self: Pipeline, story: Story, returned: ReturnedDraft, doc_sha: str, actor: str
    ) -> tuple[frozenset[Channel], NameDisplay | None, tuple[Path, ...]]:
        """Bring consent down to what a doubtful document leaves of it (answers.shrink)."""
        current = consent_rules.consent_for(self.store, story.id)
        shrunk = shrink(current, returned.choices)
        if current is None or not shrunk.changes:
            return frozenset(), None, ()
        note = "from a returned document that may only shrink consent"
        if shrunk.name_display is None:
            result = self.withdraw(
                story.id,
                channels=shrunk.withdrawn,
                by=actor,
                source=SOURCE_DOCUMENT,
                source_ref=doc_sha,
                note=note,
            )
            return shrunk.withdrawn, None, result.outputs
        # A more private name (with what is left of the channels) is recorded as a grant of
        # less than there was, for the same text: nothing in it was not consented before.
        record = consent_rules.grant(
            self.store,
            story.id,
            channels=shrunk.channels,
            name_display=shrunk.name_display,
            text_sha256=current.text_sha256,
            actor=actor,
            source=SOURCE_DOCUMENT,
            source_ref=doc_sha,
            note=note,
        )
        snapshot = self._snapshot(record, self.approved_beeld(story.id, current.text_sha256))
        self.store.record_event(
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
        return shrunk.withdrawn, shrunk.name_display, self.publish(story.id).outputs

    # Staff: consent by e-mail or phone, withdrawal ------------------------------------------

    def text_for_consent(self: Pipeline, story_id: str, version: int | None = None) -> BoundText:
        """The text a consent recorded by staff binds to.

        A given draft ``version``; otherwise, while the story waits for the participant (or
        they did not approve), the newest draft as it was sent; otherwise the approved text.
        """
        story = self.store.story(story_id)
        if story.draft_version == 0:
            raise ConsentError(
                f"{story.id} has no draft yet, so there is no text to consent to.",
                nl=f"{story.id} heeft nog geen concept: er is nog geen tekst om mee in te stemmen.",
            )
        if version is None and story.state not in AWAITING_REVIEW and story.approved_sha256:
            beeld = self.approved_beeld(story.id, story.approved_sha256)
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
        beeld = self.draft_beeld(story.id, chosen)
        sha = beeld.text_sha256()
        return BoundText(
            beeld,
            sha,
            f"the text of draft version {chosen} as sent (“{beeld.title}”, SHA-256 {sha[:12]}…)",
            f"de tekst van conceptversie {chosen} zoals verstuurd (“{beeld.title}”, SHA-256 "
            f"{sha[:12]}…)",
            chosen,
        )

    def record_consent(
        self: Pipeline,
        story_id: str,
        *,
        channels: Iterable[Channel],
        name_display: NameDisplay,
        by: str,
        note: str | None = None,
        source: str = SOURCE_CLI,
        version: int | None = None,
        via: str | None = None,
    ) -> StepResult:
        """Consent the participant gave another way (e-mail, phone), recorded by staff.

        ``via`` names the channel it was recorded through (e.g. a Prefect flow run id); the
        ledger keeps it beside the text the consent is bound to."""
        if not by.strip():
            raise ConsentError(
                "Say who records this consent (--by NAME).",
                nl="Geef aan wie deze toestemming vastlegt (--by NAAM).",
            )
        channels = frozenset(channels)
        story = self.store.story(story_id)
        bound = self.text_for_consent(story.id, version)
        text_sha = self.save_approved(story.id, bound.beeld)
        before = consent_rules.consent_for(self.store, story.id)
        record = consent_rules.grant(
            self.store,
            story.id,
            channels=channels,
            name_display=name_display,
            text_sha256=text_sha,
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
        )
        snapshot = self._snapshot(record, bound.beeld)
        where = channels_en(channels) or "no channel (nothing is published)"
        where_nl = channels_nl(channels) or "geen enkele plek (er wordt niets gedeeld)"
        message = (
            f"consent recorded by {by} for {where}, name: {name_display.value}; bound to "
            f"{bound.described}"
        )
        message_nl = (
            f"Toestemming vastgelegd door {by} voor {where_nl}; naam: {name_nl(name_display)}. "
            f"Geldt voor {bound.described_nl}."
        )
        dropped = before.channels - channels if before else frozenset()
        if dropped:
            message += f"; withdrawn: {channels_en(dropped)}"
            message_nl += f" Ingetrokken: {channels_nl(dropped)}."
        self.store.transition(
            story.id,
            State.APPROVED,
            actor=by,
            source=source,
            message=message,
            message_nl=message_nl,
            detail={
                "ledger_record": record.id,
                "text_sha256": text_sha,
                "version": bound.version,
                "snapshot": snapshot,
                "note": note,
                "withdrawn": sorted(c.value for c in dropped),
            },
            approved_sha256=text_sha,
        )
        publish = self.publish(story.id)
        return StepResult(
            True,
            story.id,
            message,
            message_nl,
            publish.outputs,
            details={
                "text_sha256": text_sha,
                "bound_to": bound.described,
                "bound_to_nl": bound.described_nl,
                "channels": sorted(c.value for c in channels),
                "ledger_record": record.id,
                "snapshot": snapshot,
                "published": publish.message,
            },
        )

    def withdraw(
        self: Pipeline,
        story_id: str,
        *,
        channels: Iterable[Channel] = (),
        by: str,
        note: str | None = None,
        source: str = SOURCE_CLI,
        source_ref: str | None = None,
    ) -> StepResult:
        """Withdraw consent for some channels, or all; the outbox follows in the same run."""
        channels = frozenset(channels)
        story = self.store.story(story_id)
        before = consent_rules.consent_for(self.store, story.id)
        record = consent_rules.withdraw(
            self.store,
            story.id,
            channels=channels,
            actor=by,
            source=source,
            source_ref=source_ref,
            note=note,
        )
        after = consent_rules.consent_for(self.store, story.id)
        remaining = after.channels if after else frozenset()
        approved = self.approved_beeld(story.id, before.text_sha256) if before else None
        snapshot = self._snapshot(record, approved, remaining=remaining)
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
        self.store.record_event(
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
        publish = self.publish(story.id)
        story = self.store.story(story.id)
        if (
            after is None
            and story.state != State.WITHDRAWN
            and State.WITHDRAWN in ALLOWED[story.state]
        ):
            self.store.transition(
                story.id,
                State.WITHDRAWN,
                actor=by,
                source=source,
                message="no consent left: nothing of this story is published",
                message_nl="Geen toestemming meer: er wordt niets van dit verhaal gedeeld.",
                detail={"ledger_record": record.id},
            )
        return StepResult(
            True,
            story.id,
            message,
            message_nl,
            publish.outputs,
            details={
                "ledger_record": record.id,
                "remaining": sorted(c.value for c in remaining),
                "snapshot": snapshot,
                "published": publish.message,
            },
        )

    def _snapshot(
        self: Pipeline,
        record: ConsentRecord,
        beeld: Beeld | None,
        remaining: frozenset[Channel] = frozenset(),
    ) -> str:
        folder = self.workspace.story(record.story_id).root / CONSENT_FOLDER
        snapshot = write_snapshot(
            folder,
            record,
            beeld=beeld,
            programme=self.settings.programme,
            templates_dir=self.settings.templates_dir,
            remaining=remaining,
            render=self.renderer().snapshot_pdf,
        )
        return str(snapshot.path.relative_to(self.workspace.root))

    # Sending the draft ------------------------------------------------------------------------

    def draft_mail_path(self: Pipeline, story_id: str, version: int) -> Path:
        return self.draft_outbox_path(story_id, version).with_suffix(".eml")

    def write_draft_mail(self: Pipeline, story_id: str, version: int) -> Path | None:
        """The ready-to-send .eml next to the draft in the outbox (never sent from here)."""
        story = self.store.story(story_id)
        draft = self.draft_outbox_path(story.id, version)
        try:
            mail = mail_rules.draft_mail(
                story_id=story.id,
                version=version,
                draft=draft,
                sidecar=story.sidecar,
                settings=self.settings,
            )
        except MailError as error:
            log.warning("story %s: no .eml written: %s", story.id, error)
            return None
        return mail_rules.write_eml(mail, self.draft_mail_path(story.id, version))

    def send_draft(self: Pipeline, story_id: str, *, by: str, to: str | None = None) -> StepResult:
        """Send the newest draft through the operator's SMTP server; then it is in review."""
        story = self.store.story(story_id)
        self._check_sendable(story)
        if check_missing(self.settings, self.store, story):
            return _check_first(story)
        eml = self.draft_mail_path(story.id, story.draft_version)
        if not mail_rules.smtp_configured(self.settings):
            return StepResult(
                False,
                story.id,
                f"No SMTP server is configured, so goodwork sends nothing. Open {eml} in your "
                f"mail program, send it, then run: goodwork sent {story.id}",
                f"Er is geen mailserver ingesteld; goodwork verstuurt zelf niets. Open {eml} "
                f"in je mailprogramma, verstuur het en geef daarna: goodwork sent {story.id}",
            )
        mail = mail_rules.draft_mail(
            story_id=story.id,
            version=story.draft_version,
            draft=self.draft_outbox_path(story.id, story.draft_version),
            sidecar=story.sidecar,
            settings=self.settings,
            recipient=to,
        )
        message_id = mail_rules.send(mail, self.settings)
        message = f"draft version {story.draft_version} e-mailed to {mail.recipient} by {by}"
        message_nl = f"Concept (versie {story.draft_version}) gemaild naar {mail.recipient}"
        self.store.transition(
            story.id,
            State.IN_REVIEW,
            actor=by,
            source=self.source,
            message=message,
            message_nl=message_nl,
            detail={"version": story.draft_version, "message_id": message_id, "via": "smtp"},
        )
        return StepResult(True, story.id, message, message_nl)

    def mark_sent(self: Pipeline, story_id: str, *, by: str, note: str | None = None) -> StepResult:
        """Staff sent the draft themselves: the story now waits for the participant."""
        story = self.store.story(story_id)
        self._check_sendable(story)
        if check_missing(self.settings, self.store, story):
            return _check_first(story)
        message = f"draft version {story.draft_version} sent to the participant by {by}"
        message_nl = f"Concept (versie {story.draft_version}) verstuurd door {by}"
        self.store.transition(
            story.id,
            State.IN_REVIEW,
            actor=by,
            source=self.source,
            message=message,
            message_nl=message_nl,
            detail={"version": story.draft_version, "via": "staff", "note": note},
        )
        return StepResult(True, story.id, message, message_nl)

    def _check_sendable(self: Pipeline, story: Story) -> None:
        if story.draft_version == 0 or story.state not in (State.DRAFTED, State.IN_REVIEW):
            raise ConsentError(
                f"{story.id} is {story.state}: only a story with a draft waiting for the "
                "participant can be sent.",
                nl=f"{story.id} heeft geen concept dat op de deelnemer wacht; er is niets te "
                "versturen.",
            )


def _about(event: Any, sha: str) -> bool:
    """Whether an event tells of reading the document with this checksum."""
    detail = event.detail or {}
    return sha in (detail.get("document"), detail.get("duplicate_document"))


def _check_first(story: Story) -> StepResult:
    """'require_review_before_send' is set and the newest draft is not checked yet."""
    return StepResult(
        False,
        story.id,
        f"Draft version {story.draft_version} of {story.id} is not checked by the interviewer "
        f"yet ('require_review_before_send' is on). Check it first: goodwork review {story.id}",
        f"Concept (versie {story.draft_version}) is nog niet gecontroleerd door de interviewer. "
        f"Controleer het eerst met: goodwork review {story.id} (en kies 'Klaar om te "
        "versturen').",
    )
