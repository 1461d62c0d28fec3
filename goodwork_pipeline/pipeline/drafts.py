"""The drafting steps of a story: the next draft version from its transcript (or one
corrected in the review page), its copy and e-mail in the outbox, older unsent copies
retired; a new version on staff's request."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from goodwork_pipeline.drafting.draft import beeld_json, build_draft, prepare_beeld
from goodwork_pipeline.drafting.draft_document import DraftInfo, template_path, write_draft
from goodwork_pipeline.drafting.guide import Guide, load_guide
from goodwork_pipeline.files import atomic_copy, atomic_write_text, sha256_file
from goodwork_pipeline.intake.transcript_files import read_transcript
from goodwork_pipeline.lifecycle import REVIEWED
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import Beeld, State
from goodwork_pipeline.pipeline.sending import Sending, draft_outbox_path
from goodwork_pipeline.privacy.name_cues import name_key
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser
from goodwork_pipeline.privacy.steps import Names
from goodwork_pipeline.privacy.story_names import note_for
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story

log = logging.getLogger(__name__)


class Drafting:
    def __init__(self, context: StepContext, names: Names, sending: Sending):
        self.context = context
        self.names = names
        self.sending = sending

    def draft(self, story_id: str, *, only_from: State | None = None) -> StepResult:
        """Write the next draft version: beeld.json and .docx in the workspace, a copy to send.

        With ``only_from`` (the automatic step: ``State.TRANSCRIBED``) nothing is written when
        the story is no longer in that state, e.g. because another run drafted it meanwhile."""
        with self.context.story_lock(story_id):
            story = self.context.store.story(story_id)
            if only_from is not None and story.state != only_from:
                return StepResult(
                    True,
                    story.id,
                    f"already drafted (version {story.draft_version})",
                    details={"version": story.draft_version},
                )
            return self._draft(story)

    def redraft(self, story_id: str, *, force: bool = False) -> StepResult:
        """A new draft version for staff (e.g. after editing the guide); earlier ones stay."""
        story = self.context.store.story(story_id)
        if not self.context.workspace.story(story.id).transcript_json.is_file():
            return StepResult(
                False,
                story.id,
                f"{story.id} has no transcript yet; run 'goodwork run' first.",
                f"{story.id} is nog niet uitgeschreven; start eerst 'goodwork run'.",
            )
        if story.state in REVIEWED and not force:
            return StepResult(
                False,
                story.id,
                f"{story.id} is {story.state.value}: the participant has answered a draft. A new "
                "draft asks them to review again; use --force to make one anyway.",
                f"{story.id} is al beoordeeld door de deelnemer. Een nieuw concept betekent dat "
                "de deelnemer opnieuw moet kijken; gebruik --force om het toch te maken.",
            )
        return self.draft(story.id)

    def _draft(self, story: Story) -> StepResult:
        files = self.context.workspace.story(story.id)
        built = None
        with self.context.recording_failures(story.id, "drafting"):
            guide = load_guide(self.context.settings.templates_dir)
            transcript = read_transcript(files.transcript_json)
            made = build_draft(transcript, story.sidecar, guide)
            pseudonyms = Pseudonymiser.for_story(story.sidecar, files.root)
            built = (guide, made, prepare_beeld(made.beeld, pseudonyms.beeld))
        if built is None:
            return self.context.failure_of(story.id)
        guide, made, beeld = built
        notice_nl = (
            ". Let op: geen vraag van de interviewer herkend; de tekst staat onder de kopjes "
            "waar de antwoorden zelf op wijzen (of alles onder "
            f"'{beeld.sections[0].heading}'). Controleer de indeling voor je het verstuurt."
            if made.no_question_recognised
            else ""
        )
        return self.write_draft_version(
            story,
            beeld,
            lambda version: beeld_json(made, beeld, version=version),
            guide=guide,
            notice_nl=notice_nl,
        )

    def write_draft_version(
        self,
        story: Story,
        beeld: Beeld,
        beeld_data: Callable[[int], dict],
        *,
        guide: Guide,
        notice: str = "",
        notice_nl: str = "",
        actor: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> StepResult:
        """The one writer of a draft version (a new draft, or one corrected in the review
        page): beeld.json (``beeld_data(version)``: the beeld with every sentence's source),
        the .docx in the workspace and its copy and e-mail in the outbox; older unsent copies
        retire from the outbox; the story is drafted at the new version."""
        context = self.context
        settings = context.settings
        files = context.workspace.story(story.id)
        with context.recording_failures(story.id, "drafting"):
            version = story.draft_version + 1
            # third parties nobody listed: a note beside each in the draft (publishing hides
            # them unless cleared)
            third_parties = self.names.story_names(story)
            kept = {name_key(name) for name in third_parties.kept()}
            found = [f for f in third_parties.find(beeld) if f.key not in kept]
            atomic_write_text(
                files.draft_beeld(version),
                json.dumps(beeld_data(version), ensure_ascii=False, indent=1),
            )
            info = DraftInfo(
                story_id=story.id,
                version=version,
                programme=settings.programme,
                participant=story.sidecar.participant,
                date=story.sidecar.date,
                interviewer=story.sidecar.interviewer,
                empty_note=guide.empty_note,
                created=context.clock.now(),
                name_notes=tuple((f.name, note_for(f)) for f in found),
            )
            private = write_draft(
                beeld,
                info,
                files.draft_docx(version),
                template=template_path(settings.templates_dir),
            )
            outgoing = draft_outbox_path(settings, story.id, version)
            atomic_copy(private, outgoing)
            mail = self.sending.write_draft_mail(story.id, version)
            superseded = self._retire_outbox_drafts(story.id, version)
            empty = [s.heading for s in beeld.sections if not s.sentences]
            words = _words(beeld)
            context.store.transition(
                story.id,
                State.DRAFTED,
                actor=actor or context.actor,
                source=context.source,
                message=f"draft version {version} written to the outbox "
                f"({words} words"
                + (f"; nothing said about: {', '.join(empty)}" if empty else "")
                + ")"
                + notice,
                message_nl=f"Concept (versie {version}) klaar om te versturen" + notice_nl,
                detail={
                    "version": version,
                    "words": words,
                    "sentences": sum(len(s.sentences) for s in beeld.sections),
                    "empty_sections": [s.key for s in beeld.sections if not s.sentences],
                    "guide_sha256": guide.sha256,
                    "superseded": [p.name for p in superseded],
                    **(detail or {}),
                },
                draft_version=version,
            )
            log.info("draft v%d written", version, extra=fields(story=story.id, event="drafted"))
            return StepResult(
                True,
                story.id,
                f"draft v{version} ({words} words)",
                f"Concept versie {version} klaar om te versturen ({words} woorden)",
                outputs=(outgoing, mail) if mail else (outgoing,),
                details={"version": version, "words": words, "empty_sections": empty},
            )
        return context.failure_of(story.id)

    def _retire_outbox_drafts(self, story_id: str, version: int) -> list[Path]:
        """Older versions leave outbox/concepten/ (the workspace keeps them) unless edited."""
        retired = []
        files = self.context.workspace.story(story_id)
        for older in range(1, version):
            sent = draft_outbox_path(self.context.settings, story_id, older)
            kept = files.draft_docx(older)
            if sent.is_file() and kept.is_file() and sha256_file(sent) == sha256_file(kept):
                sent.unlink()
                retired.append(sent)
                mail = sent.with_suffix(".eml")  # its ready-to-send e-mail goes with it
                if mail.is_file():
                    mail.unlink()
                    retired.append(mail)
        return retired


def _words(beeld: Beeld) -> int:
    return sum(len(s.text.split()) for s in beeld.sections)
