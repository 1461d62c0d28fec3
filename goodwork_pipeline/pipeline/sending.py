"""The sending steps of a draft: its copy and ready-to-send e-mail in the outbox, sent
through the operator's SMTP server or marked as sent by staff; then it waits in review."""

from __future__ import annotations

import logging
from pathlib import Path

from goodwork_pipeline.drafting.interviewer_check import check_missing
from goodwork_pipeline.errors import ConsentError, MailError
from goodwork_pipeline.models import State
from goodwork_pipeline.publishing.outbox import DRAFTS_FOLDER
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review import mail as mail_rules
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story

log = logging.getLogger(__name__)


def draft_outbox_path(settings: Settings, story_id: str, version: int) -> Path:
    """Where the copy of a draft version to send lies (outbox/concepten/)."""
    return settings.outbox_dir / DRAFTS_FOLDER / f"{story_id}-v{version}.docx"


class Sending:
    def __init__(self, context: StepContext):
        self.context = context

    def draft_mail_path(self, story_id: str, version: int) -> Path:
        return draft_outbox_path(self.context.settings, story_id, version).with_suffix(".eml")

    def write_draft_mail(self, story_id: str, version: int) -> Path | None:
        """The ready-to-send .eml next to the draft in the outbox (never sent from here)."""
        settings = self.context.settings
        story = self.context.store.story(story_id)
        try:
            mail = mail_rules.draft_mail(
                story_id=story.id,
                version=version,
                draft=draft_outbox_path(settings, story.id, version),
                sidecar=story.sidecar,
                settings=settings,
            )
        except MailError as error:
            log.warning("story %s: no .eml written: %s", story.id, error)
            return None
        return mail_rules.write_eml(mail, self.draft_mail_path(story.id, version))

    def send_draft(self, story_id: str, *, by: str, to: str | None = None) -> StepResult:
        """Send the newest draft through the operator's SMTP server; then it is in review.
        A story with no draft waiting is refused (``ConsentError``, a failed result for the
        flows and the CLI: ``bad_input_as_result``)."""
        context = self.context
        settings = context.settings
        story = context.store.story(story_id)
        _check_sendable(story)
        if check_missing(settings, context.store, story):
            return _check_first(story)
        eml = self.draft_mail_path(story.id, story.draft_version)
        if not mail_rules.smtp_configured(settings):
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
            draft=draft_outbox_path(settings, story.id, story.draft_version),
            sidecar=story.sidecar,
            settings=settings,
            recipient=to,
        )
        message_id = mail_rules.send(mail, settings)
        return self._in_review(
            story,
            by,
            f"draft version {story.draft_version} e-mailed to {mail.recipient} by {by}",
            f"Concept (versie {story.draft_version}) gemaild naar {mail.recipient}",
            {"message_id": message_id, "via": "smtp"},
        )

    def mark_sent(self, story_id: str, *, by: str, note: str | None = None) -> StepResult:
        """Staff sent the draft themselves: the story now waits for the participant.
        A story with no draft waiting is refused (``ConsentError``, a failed result for the
        flows and the CLI: ``bad_input_as_result``)."""
        context = self.context
        story = context.store.story(story_id)
        _check_sendable(story)
        if check_missing(context.settings, context.store, story):
            return _check_first(story)
        return self._in_review(
            story,
            by,
            f"draft version {story.draft_version} sent to the participant by {by}",
            f"Concept (versie {story.draft_version}) verstuurd door {by}",
            {"via": "staff", "note": note},
        )

    def _in_review(
        self, story: Story, by: str, message: str, message_nl: str, detail: dict[str, object]
    ) -> StepResult:
        """The newest draft went out: the story now waits for the participant."""
        self.context.store.transition(
            story.id,
            State.IN_REVIEW,
            actor=by,
            source=self.context.source,
            message=message,
            message_nl=message_nl,
            detail={"version": story.draft_version, **detail},
        )
        return StepResult(True, story.id, message, message_nl)


def _check_sendable(story: Story) -> None:
    if story.draft_version == 0 or story.state not in (State.DRAFTED, State.IN_REVIEW):
        raise ConsentError(
            f"{story.id} is {story.state}: only a story with a draft waiting for the "
            "participant can be sent.",
            nl=f"{story.id} heeft geen concept dat op de deelnemer wacht; er is niets te "
            "versturen.",
        )


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
