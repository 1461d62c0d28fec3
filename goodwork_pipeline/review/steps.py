"""The review step of a returned draft (a Word document): which story and version it is,
what the participant decided, the changes written down for staff, then the decision handed
on (``apply``: consent, given by the composition) and the document recorded as read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from goodwork_pipeline.errors import DocumentError, InputError
from goodwork_pipeline.files import atomic_copy, atomic_write_text
from goodwork_pipeline.intake.door import InboxDoor, remove_from_inbox
from goodwork_pipeline.models import Beeld
from goodwork_pipeline.privacy.steps import Names
from goodwork_pipeline.privacy.story_names import cleared_by_comments
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review.answers import Answer, Doubt, plan, resent, saved_time, what_it_says
from goodwork_pipeline.review.changes import report, summarise
from goodwork_pipeline.review.decision import ReturnedDraft, ReviewDecision, decide, interpret
from goodwork_pipeline.review.returned_document import RawDocument, read_document
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.store.texts import draft_beeld

SOURCE_DOCUMENT = "document"  # as consent.summary.SOURCE_DOCUMENT: the participant's answer

# What to do with a decision: (story, decision, document sha, changes, doubt) -> result
Apply = Callable[[Story, ReviewDecision, str, dict[str, Any], Doubt | None], StepResult]


class ReturnedDrafts:
    def __init__(self, context: StepContext, door: InboxDoor, names: Names, apply: Apply):
        self.context = context
        self.door = door
        self.names = names
        self.apply = apply

    def review(self, path: Path, doubt: Doubt | None = None) -> StepResult:
        """Read a returned draft and act on what the participant decided.

        ``doubt`` (from ``plan_answers``) says why this document may only shrink consent.
        """
        return self.door.take_document(
            path,
            self._read,
            lambda path, sha, story, read: self._review(path, sha, story, *read, doubt),
        )

    def plan_answers(self, paths: list[Path]) -> list[tuple[Path, Doubt | None]]:
        """The returned documents of one run in the order the participant saved them; when
        several of one story disagree, the doubt each carries (see answers.py)."""
        return plan(self._answer(path) for path in paths)

    def _read(self, path: Path) -> tuple[Story, tuple[ReturnedDraft, Beeld]]:
        raw = read_document(path)
        story = self._story_of(raw, path)
        version = raw.ids.version or story.draft_version
        draft = draft_beeld(self.context.workspace, story.id, version)
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
        return story, (returned, draft)

    def _review(
        self,
        path: Path,
        sha: str,
        story: Story,
        returned: ReturnedDraft,
        draft: Beeld,
        doubt: Doubt | None = None,
    ) -> StepResult:
        files = self.context.workspace.story(story.id)
        kept = files.returned_dir / f"{sha}.docx"
        if not kept.exists():
            atomic_copy(path, kept, expected_sha256=sha)
        if self._already_read(story.id, sha):
            if not self._decided_since(story.id, sha):
                return self._same_document_again(story, path, sha)
            doubt = doubt or resent(path.name)
        decision = decide(returned, current_version=story.draft_version, file_name=path.name)
        changes = self._write_changes(story.id, draft, returned, decision, path.name, sha)
        result = self.apply(story, decision, sha, changes, doubt)
        self.context.store.record_input(
            sha256=sha,
            name=path.name,
            kind="document",
            outcome="accepted",
            story_id=story.id,
            message=decision.message,
            message_nl=decision.message_nl,
        )
        remove_from_inbox(path)
        return result

    def _story_of(self, raw: RawDocument, path: Path) -> Story:
        story_id = raw.ids.story_id
        if story_id is None:
            raise DocumentError(
                f"{path.name} is not one of our drafts (no story code found in its properties "
                "or footer). It stays in the inbox.",
                nl=f"{path.name} is geen concept van ons: er staat geen verhaalcode in. Het "
                "bestand blijft in de inbox staan.",
                path=path,
            )
        story = self.context.store.find_story(story_id)
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

    def _sent_document(self, story_id: str, version: int) -> RawDocument | None:
        """The draft exactly as it was sent, to compare the fixed parts with."""
        sent = self.context.workspace.story(story_id).draft_docx(version)
        if not sent.is_file():
            return None
        try:
            return read_document(sent)
        except DocumentError:
            return None

    def _already_read(self, story_id: str, sha: str) -> bool:
        return any(_about(event, sha) for event in self.context.store.events(story_id))

    def _decided_since(self, story_id: str, sha: str) -> bool:
        """Whether consent changed by anything but this document since it was last read."""
        store = self.context.store
        events = store.events(story_id)
        last = max(i for i, event in enumerate(events) if _about(event, sha))
        sources = {r.id: r.source_ref for r in store.consent_records(story_id)}
        later = [(event.detail or {}).get("ledger_record") for event in events[last + 1 :]]
        return any(record in sources and sources[record] != sha for record in later)

    def _answer(self, path: Path) -> Answer:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            mtime = 0.0
        try:
            raw = read_document(path)
            story = self._story_of(raw, path)
            version = raw.ids.version or story.draft_version
            draft = draft_beeld(self.context.workspace, story.id, version)
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

    def _same_document_again(self, story: Story, path: Path, sha: str) -> StepResult:
        context = self.context
        message = f"{path.name} is a document already read for {story.id}; nothing changed."
        message_nl = f"{path.name} is al eerder gelezen (zelfde document); er verandert niets."
        context.store.record_event(
            story.id,
            "duplicate",
            actor=context.actor,
            source=context.source,
            message=message,
            message_nl=message_nl,
            detail={"duplicate_document": sha, "file": path.name},
        )
        context.store.record_input(
            sha256=sha,
            name=path.name,
            kind="document",
            outcome="duplicate",
            story_id=story.id,
            message=message,
            message_nl=message_nl,
        )
        remove_from_inbox(path)
        return StepResult(True, story.id, message, message_nl)

    def _write_changes(
        self,
        story_id: str,
        draft: Beeld,
        returned: ReturnedDraft,
        decision: ReviewDecision,
        file_name: str,
        sha: str,
    ) -> dict[str, Any]:
        workspace = self.context.workspace
        text = report(
            draft,
            returned,
            decision,
            story_id=story_id,
            file_name=file_name,
            document_sha256=sha,
            received=self.context.clock.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        )
        path = workspace.story(story_id).returned_dir / f"{sha}.wijzigingen.txt"
        atomic_write_text(path, text)
        summary = summarise(draft, returned)
        if decision.accepts_consent:  # clearing a name shows more: never from a doubtful one
            self._names_cleared_in_margin(story_id, returned)
        return {
            "report": str(path.relative_to(workspace.root)),
            **summary.to_json(),
            "comments": [
                {"author": c.author, "text": c.text, "anchor": c.anchor} for c in returned.comments
            ],
        }

    def _names_cleared_in_margin(self, story_id: str, returned: ReturnedDraft) -> None:
        """A participant who answered a name's note with a yes clears that name."""
        story = self.context.store.story(story_id)
        names = self.names.story_names(story)
        cleared = cleared_by_comments(names.remembered(), returned.comments)
        kept = names.keep(cleared)
        if kept:
            self.context.store.record_event(
                story.id,
                "names-kept",
                actor=returned.signer or "deelnemer",
                source=SOURCE_DOCUMENT,
                message=f"the participant cleared {len(kept)} third-party name(s) in the margin",
                message_nl=f"De deelnemer gaf in de kantlijn vrij: {', '.join(kept)}",
                detail={"kept": kept},
            )


def _about(event: Any, sha: str) -> bool:
    """Whether an event tells of reading the document with this checksum."""
    detail = event.detail or {}
    return sha in (detail.get("document"), detail.get("duplicate_document"))
