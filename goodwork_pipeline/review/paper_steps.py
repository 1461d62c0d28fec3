"""Receiving a returned PDF (a scanned or printed draft): kept with its story, and staff are
told how to record what the participant ticked on paper."""

from __future__ import annotations

from pathlib import Path

from goodwork_pipeline.errors import DocumentError
from goodwork_pipeline.files import atomic_copy
from goodwork_pipeline.intake.door import InboxDoor, remove_from_inbox
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review.paper_answers import (
    PAPER_EVENT,
    PLACEHOLDERS_EN,
    PLACEHOLDERS_NL,
    consent_command,
)
from goodwork_pipeline.review.returned_pdf import read_pdf
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Store, Story


class PaperAnswers:
    def __init__(self, context: StepContext, door: InboxDoor):
        self.context = context
        self.door = door

    def receive_pdf(self, path: Path) -> StepResult:
        """Take a returned PDF from the inbox: keep it with its story and tell staff."""
        return self.door.take_document(path, self._read, self._keep)

    def _read(self, path: Path) -> tuple[Story, int | None]:
        answer = read_pdf(path)
        return _story(self.context.store, path, answer.story_id, answer.version), answer.version

    def _keep(self, path: Path, sha: str, story: Story, version: int | None) -> StepResult:
        context = self.context
        kept = context.workspace.story(story.id).returned_dir / f"{sha}.pdf"
        if not kept.exists():
            atomic_copy(path, kept, expected_sha256=sha)
        where = str(kept.relative_to(context.settings.workspace_dir.parent))
        if any((e.detail or {}).get("paper") == sha for e in context.store.events(story.id)):
            message = f"{path.name} is a PDF already kept for {story.id}; nothing changed."
            message_nl = f"{path.name} is al eerder ontvangen (dezelfde PDF); er verandert niets."
            outcome = "duplicate"
        else:
            message, message_nl = _paper_messages(path.name, story, version, where)
            context.store.record_event(
                story.id,
                PAPER_EVENT,
                actor=context.actor,
                source=context.source,
                message=message,
                message_nl=message_nl,
                detail={"paper": sha, "file": path.name, "version": version, "kept": where},
            )
            outcome = "accepted"
        context.store.record_input(
            sha256=sha,
            name=path.name,
            kind="document",
            outcome=outcome,
            story_id=story.id,
            message=message,
            message_nl=message_nl,
        )
        remove_from_inbox(path)
        return StepResult(True, story.id, message, message_nl, outputs=(kept,))


def _story(store: Store, path: Path, story_id: str, version: int | None) -> Story:
    story = store.find_story(story_id)
    if story is None or story.draft_version == 0:
        raise DocumentError(
            f"{path.name} carries story code {story_id}, which this workspace has never seen. "
            "Check that it was dropped in the right programme's inbox. The file stays in the "
            "inbox.",
            nl=f"{path.name} hoort bij verhaal {story_id}, maar dat verhaal kennen we hier niet. "
            "Controleer of het in de inbox van het juiste programma staat. Het bestand blijft "
            "in de inbox staan.",
            path=path,
        )
    if version is not None and not 1 <= version <= story.draft_version:
        raise DocumentError(
            f"{path.name} says it is draft version {version} of {story.id}, but only versions "
            f"1 to {story.draft_version} were made. The file stays in the inbox.",
            nl=f"{path.name} zegt versie {version} van {story.id} te zijn, maar die versie "
            "hebben wij nooit gemaakt. Het bestand blijft in de inbox staan.",
            path=path,
        )
    return story


def _paper_messages(name: str, story: Story, version: int | None, where: str) -> tuple[str, str]:
    which = f"draft version {version}" if version else "a draft"
    versie = f"versie {version} van het concept" if version else "het concept"
    newer = version is not None and version < story.draft_version
    command = consent_command(story.id, version)
    message = (
        f"{name}: the participant answered on paper ({which} as a PDF), kept as {where}. "
        "Nothing was recorded: boxes in a PDF are never read. Read their choices and record "
        f"them: {command} ({PLACEHOLDERS_EN})"
        + (f". Note: version {story.draft_version} is newer." if newer else "")
    )
    message_nl = (
        f"De deelnemer heeft op papier geantwoord: {name} is {versie} als PDF, bewaard als "
        f"{where}. Er is niets vastgelegd: vakjes in een PDF leest goodwork niet. Bekijk wat "
        f"er is aangekruist en leg het vast: {command} ({PLACEHOLDERS_NL})"
        + (f". Let op: er is al een nieuwere versie ({story.draft_version})." if newer else "")
    )
    return message, message_nl
