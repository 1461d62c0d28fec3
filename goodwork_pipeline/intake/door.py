"""The inbox's front door, the one way any file comes in (a recording, a transcript, a
returned draft or PDF): inside the inbox, completely written, refused before or not; and the
one way a file is refused (recorded by content, so it is not reported twice)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from goodwork_pipeline.errors import GoodworkError, InputError
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.intake.inbox import InboxItem, inside_inbox, wait_until_complete
from goodwork_pipeline.logs import fields
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.inputs import InputOutcome
from goodwork_pipeline.store.repository import Story

log = logging.getLogger(__name__)
Read = TypeVar("Read")


class InboxDoor:
    def __init__(self, context: StepContext):
        self.context = context

    def enter(self, path: Path, kind: str) -> str | StepResult:
        """The checksum of a file that may come in, or what happened instead: outside the
        inbox (refused), still being copied (later), or gone (another run took it)."""
        if not inside_inbox(path, self.context.settings.inbox_dir):
            return self.reject_outside(path, kind)
        gone = StepResult(True, message=f"{path.name} was {_taken(kind)} by another run")
        if not wait_until_complete(path, quiet_seconds=self.context.settings.settle_seconds):
            if not path.exists():
                return gone
            return StepResult(False, message=f"{path.name} is still being written; later.")
        try:
            return sha256_file(path)
        except FileNotFoundError:  # another run (a watcher, a second 'goodwork run') took it
            return gone

    def refused_before(self, fingerprint: str, path: Path) -> StepResult | None:
        """The same file (and sidecar) was refused before: said once, not again."""
        previous = self.context.store.input_outcome(fingerprint, path.name)
        if previous is not None and previous.outcome == "rejected":
            return StepResult(
                False, message=previous.message or "", message_nl=previous.message_nl or ""
            )
        return None

    def take_document(
        self,
        path: Path,
        read: Callable[[Path], tuple[Story, Read]],
        keep: Callable[[Path, str, Story, Read], StepResult],
    ) -> StepResult:
        """A returned document: through the door, ``read`` (which story, and what it says;
        a problem refuses it), then ``keep`` under the story's lock, once."""
        sha = self.enter(path, "document")
        if isinstance(sha, StepResult):
            return sha
        refused = self.refused_before(sha, path)
        if refused is not None:
            return refused
        gone = f"{path.name} was read by another run"
        try:
            story, what = read(path)
        except InputError as error:
            return self.reject(path, sha, "document", error)
        except FileNotFoundError:
            return StepResult(True, message=gone)
        # One document of a story at a time, also across processes: two runs at once (a
        # watcher and 'goodwork run') would otherwise both read it and record consent twice.
        with self.context.story_lock(story.id):
            if not path.exists():
                return StepResult(True, story.id, gone)
            return keep(path, sha, self.context.store.story(story.id), what)

    def reject(self, path: Path, fingerprint: str, kind: str, error: GoodworkError) -> StepResult:
        self.context.store.record_input(
            sha256=fingerprint,
            name=path.name,
            kind=kind,
            outcome="rejected",
            message=str(error),
            message_nl=error.nl,
        )
        # The file name may name a person: it goes to the store (staff see it in 'goodwork
        # status') and to DEBUG; the operator log gets the kind and a short fingerprint.
        log.warning(
            "inbox %s rejected (%s, input %s); see 'goodwork status'",
            kind,
            error.__class__.__name__,
            fingerprint[:12],
            extra=fields(event="rejected", error=error.__class__.__name__),
        )
        log.debug("inbox file %s rejected: %s", path.name, error)
        return StepResult(False, message=str(error), message_nl=error.nl)

    def reject_outside(self, path: Path, kind: str) -> StepResult:
        """A path that leaves the inbox (a flow parameter such as '../x.wav' or an absolute
        path): never read, moved or deleted."""
        error = InputError(
            f"{path.name} is not in the inbox ({self.context.settings.inbox_dir}); goodwork "
            "only takes files from the inbox. Nothing was read, moved or deleted.",
            nl=f"{path.name} staat niet in de inbox; goodwork neemt alleen bestanden uit de "
            "inbox. Er is niets gelezen, verplaatst of verwijderd.",
            path=path,
        )
        return self.reject(path, fingerprint(f"{OUTSIDE}{path}", None), kind, error)

    def reject_unsupported(self, item: InboxItem) -> StepResult:
        path = item.path
        print_ = fingerprint(path.name, None)
        if self.context.store.input_outcome(print_, path.name) is not None:
            return StepResult(False, message=f"{path.name}: already reported")
        return self.reject(path, print_, "unsupported", _unsupported(path))


OUTSIDE = "outside:"  # starts the fingerprint of a path refused for leaving the inbox


def asked_from_outside(outcome: InputOutcome) -> bool:
    """A refused path outside the inbox (a flow parameter): never a file in the inbox."""
    return outcome.sha256.startswith(OUTSIDE)


def remove_from_inbox(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def fingerprint(sha: str, sidecar: Path | None) -> str:
    """Identify an input together with its sidecar, so fixing the sidecar retries it."""
    if sidecar is None or not sidecar.is_file():
        return sha
    return hashlib.sha256(f"{sha}:{sha256_file(sidecar)}".encode()).hexdigest()


def _taken(kind: str) -> str:
    return "taken in" if kind in ("recording", "transcript") else "read"


def _unsupported(path: Path) -> InputError:
    if path.is_symlink() and (path.is_dir() or not path.exists()):
        return InputError(
            f"{path.name} is a link to a folder outside the inbox, or to nothing; it is not "
            "followed. Copy the files themselves into the inbox.",
            nl=f"{path.name} is een snelkoppeling naar een map buiten de inbox (of naar iets "
            "dat niet bestaat). Zet de bestanden zelf in de inbox.",
            path=path,
        )
    if path.is_symlink():
        return InputError(
            f"{path.name} is a link to a file outside the inbox; it is not read. "
            "Copy the file itself into the inbox.",
            nl=f"{path.name} is een snelkoppeling naar een bestand buiten de inbox. Zet het "
            "bestand zelf in de inbox.",
            path=path,
        )
    if path.is_dir():
        return InputError(
            f"{path.name} is a folder, not a recording or document. Put the file itself in "
            "the inbox (files inside this folder are read as usual).",
            nl=f"{path.name} is een map, geen opname of document. Zet het bestand zelf in de "
            "inbox (bestanden in deze map worden gewoon gelezen).",
            path=path,
        )
    return InputError(
        f"{path.name} is not a file goodwork handles (recordings: .wav .mp3 .m4a .aac "
        ".ogg .opus .flac .webm .mp4; transcripts: .vtt .srt .txt; returned drafts: "
        ".docx, or a PDF of one). It stays in the inbox.",
        nl=f"{path.name} is geen opname, transcript of teruggestuurd concept (.docx of "
        ".pdf). Het bestand blijft in de inbox staan.",
        path=path,
    )
