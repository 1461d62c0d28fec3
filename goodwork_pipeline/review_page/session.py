"""One interviewer reviewing one story: what the page shows, and saving what they changed.

Stateless between requests: every call reads the story, its newest ``beeld.json`` and the
transcript again, so a page left open never writes over a newer version (a save names the
version it was made on; another version since is a conflict, not an overwrite). Saving goes
through ``Pipeline.write_draft_version``, the writer every draft version goes through, under
the story's lock; each change becomes an event in the story's history with who made it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from goodwork_pipeline.drafting.draft import prepare_beeld, utterances
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.drafting.interviewer_check import REVIEW_SOURCE, current_check, record_check
from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.errors import EditError, StaleDraftError
from goodwork_pipeline.intake.transcript_files import read_transcript
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import State, Transcript
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser
from goodwork_pipeline.review_page.edits import (
    Change,
    DraftEdit,
    EditedDraft,
    apply_edit,
    edited_beeld_json,
)
from goodwork_pipeline.review_page.page import draft_view, transcript_view
from goodwork_pipeline.review_page.playable import Playable, playable
from goodwork_pipeline.store.repository import Story

if TYPE_CHECKING:
    from goodwork_pipeline.pipeline import Pipeline, StepResult
    from goodwork_pipeline.store.workspace import StoryFiles

log = logging.getLogger(__name__)

EDITABLE = frozenset({State.DRAFTED, State.IN_REVIEW})
REVIEW_EDIT = "review_edit"


@dataclass(frozen=True)
class SaveOutcome:
    ok: bool
    version: int
    changes: int = 0
    message_nl: str = ""
    warnings_nl: tuple[str, ...] = ()
    checked: bool = False
    details: dict[str, Any] = field(default_factory=dict)


class ReviewSession:
    def __init__(self, pipeline: Pipeline, story_id: str, *, by: str):
        self.pipeline = pipeline
        self.story_id = pipeline.store.story(story_id).id
        self.by = by

    # Reading -----------------------------------------------------------------------------

    def story(self) -> Story:
        return self.pipeline.store.story(self.story_id)

    @property
    def files(self) -> StoryFiles:
        return self.pipeline.workspace.story(self.story_id)

    def base(self, version: int) -> dict[str, Any]:
        path = self.files.draft_beeld(version)
        if not path.is_file():
            raise EditError(
                f"Draft version {version} of {self.story_id} has no beeld.json ({path}).",
                nl=f"Versie {version} van het concept ontbreekt in de werkmap.",
                path=path,
            )
        return json.loads(path.read_text(encoding="utf-8"))

    def transcript(self) -> Transcript | None:
        path = self.files.transcript_json
        return read_transcript(path) if path.is_file() else None

    def spoken(self, transcript: Transcript | None = None) -> list[Utterance]:
        transcript = transcript or self.transcript()
        if transcript is None:
            return []
        guide = load_guide(self.pipeline.settings.templates_dir)
        return utterances(transcript.segments, self.story().sidecar, guide.closings)

    def has_recording(self, story: Story) -> bool:
        """A recording to listen to: not a story that came in as a meeting transcript, and
        not deleted by retention."""
        return story.kind == "audio" and self.files.original() is not None

    def recording(self) -> Playable | None:
        original = self.files.original()
        if original is None or not self.has_recording(self.story()):
            return None
        return playable(original, self.files.review_cache_dir)

    def page(self) -> dict[str, Any]:
        story = self.story()
        if story.draft_version == 0:
            raise EditError(
                f"{story.id} has no draft yet.",
                nl=f"{story.id} heeft nog geen concept. Start eerst 'goodwork run'.",
            )
        base = self.base(story.draft_version)
        transcript = self.transcript()
        view = draft_view(base, transcript)
        view["version"] = story.draft_version
        checked = current_check(self.pipeline.store, story)
        return {
            "story": story.id,
            "state": story.state.value,
            "by": self.by,
            "draft": view,
            "transcript": transcript_view(self.spoken(transcript), base, story.sidecar),
            "editable": story.state in EDITABLE,
            "notices": self.notices(story),
            "checked": {"version": checked.version, "by": checked.by} if checked else None,
            "require_check": self.pipeline.settings.require_review_before_send,
            "audio": self.has_recording(story),
        }

    def notices(self, story: Story) -> list[str]:
        notes = []
        if story.state == State.IN_REVIEW:
            notes.append(
                f"Versie {story.draft_version} is al naar de deelnemer gestuurd. Opslaan maakt "
                f"versie {story.draft_version + 1}; de deelnemer heeft dan nog de oude versie, "
                "dus stuur de nieuwe opnieuw. Komt de oude toch terug, dan wordt die als "
                "verouderd herkend."
            )
        elif story.state not in EDITABLE:
            notes.append(
                "De deelnemer heeft dit concept al beoordeeld (of er ging iets mis), dus hier "
                "kan niets meer worden veranderd. Een nieuw concept: goodwork draft --force "
                f"{story.id}."
            )
        if story.kind != "audio":
            notes.append("Dit verhaal kwam binnen als transcript: er is geen opname om te horen.")
        elif self.files.original() is None:
            notes.append("De opname is er niet meer (bewaartermijn verstreken); alleen de tekst.")
        return notes

    # Writing -----------------------------------------------------------------------------

    def save(self, edit: DraftEdit, *, ready: bool = False) -> SaveOutcome:
        """A new draft version with the corrections (none: nothing is written); ``ready``
        also marks the resulting version as checked by the interviewer."""
        pipeline = self.pipeline
        with pipeline.story_lock(self.story_id):
            story = self._editable(edit.base_version)
            base = self.base(story.draft_version)
            edited = apply_edit(base, self.spoken(), edit)
            was_sent = story.state == State.IN_REVIEW
            if not edited.changes:
                checked = self._check(story) if ready else False
                return SaveOutcome(
                    True,
                    story.draft_version,
                    message_nl="Niets veranderd"
                    + ("; gemarkeerd als klaar om te versturen." if checked else "."),
                    checked=checked,
                )
            result = self._write(story, base, edited)
            if not result.ok:
                return SaveOutcome(False, story.draft_version, message_nl=result.message_nl)
            story = self.story()
            self._record_changes(story, edited.changes, base)
            checked = self._check(story) if ready else False
            warnings = (
                (
                    f"Let op: de deelnemer heeft nog versie {edit.base_version}. Stuur versie "
                    f"{story.draft_version} opnieuw (goodwork send {story.id}).",
                )
                if was_sent
                else ()
            )
            log.info(
                "review: draft v%d saved with %d change(s)",
                story.draft_version,
                len(edited.changes),
                extra=fields(story=story.id, event="reviewed"),
            )
            return SaveOutcome(
                True,
                story.draft_version,
                changes=len(edited.changes),
                message_nl=f"Opgeslagen als versie {story.draft_version} "
                f"({len(edited.changes)} wijziging(en))"
                + ("; klaar om te versturen." if checked else "."),
                warnings_nl=warnings,
                checked=checked,
                details={"outputs": [str(p) for p in result.outputs]},
            )

    def mark_ready(self, version: int) -> SaveOutcome:
        with self.pipeline.story_lock(self.story_id):
            story = self._editable(version)
            self._check(story)
            return SaveOutcome(
                True, story.draft_version, message_nl="Klaar om te versturen.", checked=True
            )

    def _editable(self, version: int) -> Story:
        story = self.story()
        if story.state not in EDITABLE:
            raise StaleDraftError(
                f"{story.id} is {story.state.value}: its draft is not changed here.",
                nl=self.notices(story)[0],
            )
        if version != story.draft_version:
            raise StaleDraftError(
                f"The page shows version {version}, but {story.id} is at version "
                f"{story.draft_version} now; nothing was saved.",
                nl=f"Er is intussen een nieuwere versie ({story.draft_version}) van dit concept. "
                "Er is niets opgeslagen: laad de pagina opnieuw en breng je wijzigingen "
                "opnieuw aan.",
            )
        return story

    def _write(self, story: Story, base: dict[str, Any], edited: EditedDraft) -> StepResult:
        pipeline = self.pipeline
        guide = load_guide(pipeline.settings.templates_dir)
        pseudonyms = Pseudonymiser.for_story(story.sidecar, self.files.root)
        beeld = prepare_beeld(edited.beeld, pseudonyms.beeld)
        return pipeline.write_draft_version(
            story,
            beeld,
            lambda version: edited_beeld_json(
                base, edited, beeld, version=version, by=self.by, empty_note=guide.empty_note
            ),
            guide=guide,
            notice=f"; corrected by {self.by} in the review page (from version "
            f"{story.draft_version}, {len(edited.changes)} change(s))",
            notice_nl=f", gecorrigeerd door {self.by} (uit versie {story.draft_version})",
            actor=self.by,
            detail={"from_version": story.draft_version, "changes": len(edited.changes)},
        )

    def _record_changes(
        self, story: Story, changes: tuple[Change, ...], base: dict[str, Any]
    ) -> None:
        headings = {s["key"]: s["heading"] for s in base["sections"]}
        for change in changes:
            message, message_nl = change.describe(headings)
            self.pipeline.store.record_event(
                story.id,
                REVIEW_EDIT,
                actor=self.by,
                source=REVIEW_SOURCE,
                message=f"{message} (version {story.draft_version})",
                message_nl=message_nl,
                detail={"version": story.draft_version, **change.to_json()},
            )

    def _check(self, story: Story) -> bool:
        record_check(self.pipeline.store, story, by=self.by)
        return True
