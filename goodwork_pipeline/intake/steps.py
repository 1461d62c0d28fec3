"""The intake steps: a recording or a meeting transcript in the inbox becomes a story (or is
refused, or found to be one we have), its sidecar kept with it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from goodwork_pipeline.errors import InputError
from goodwork_pipeline.files import atomic_copy, sha256_file
from goodwork_pipeline.intake.audio import Audio
from goodwork_pipeline.intake.door import InboxDoor, fingerprint, remove_from_inbox
from goodwork_pipeline.intake.inbox import kept_in_inbox
from goodwork_pipeline.intake.recording import load_audio
from goodwork_pipeline.intake.shared_sidecar import inputs_of, kind_of, shared_sidecar_error
from goodwork_pipeline.intake.sidecar import read_sidecar, sidecar_for
from goodwork_pipeline.intake.transcript_files import read_transcript_file, write_transcript
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import Sidecar, State
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.store.retention import was_purged

log = logging.getLogger(__name__)


class Intake:
    """``decoded(sha, audio)`` is told of every recording decoded here (transcription keeps
    it, so it is decoded once)."""

    def __init__(
        self, context: StepContext, door: InboxDoor, decoded: Callable[[str, Audio], None]
    ):
        self.context = context
        self.door = door
        self.decoded = decoded

    def receive(self, path: Path) -> StepResult:
        """Take a recording from the inbox: check it, create (or find) its story, archive it."""
        return self._take_in(path, "recording")

    def receive_transcript(self, path: Path) -> StepResult:
        """Take a meeting transcript (.vtt, .srt, .txt) from the inbox as a transcribed story."""
        return self._take_in(path, "transcript")

    def _take_in(self, path: Path, kind: str) -> StepResult:
        """Through the inbox's front door, then one run at a time per file content."""
        sha = self.door.enter(path, kind)
        if isinstance(sha, StepResult):
            return sha
        with self.context.story_lock(f"source-{sha}"):
            if not path.exists():  # taken in by another run while we waited
                return StepResult(True, message=f"{path.name} was taken in by another run")
            sidecar_path = sidecar_for(path)
            print_ = fingerprint(sha, sidecar_path)
            seen = self._sidecar_of_another(path, sha, sidecar_path, kind)
            seen = seen or self._known_or_refused(path, sha, sidecar_path, print_)
            if seen is not None:
                return seen
            if kind == "transcript":
                return self._receive_transcript(path, sha, sidecar_path, print_)
            return self._receive(path, sha, sidecar_path, print_)

    def _receive(self, path: Path, sha: str, sidecar_path: Path | None, print_: str) -> StepResult:
        settings = self.context.settings
        try:
            sidecar = read_sidecar(sidecar_path)
            audio = load_audio(
                path, min_duration=settings.min_duration_s, min_speech=settings.min_speech_s
            )
        except InputError as error:
            return self.door.reject(path, print_, "recording", kept_in_inbox(error))
        self.decoded(sha, audio)  # transcription follows: decode it once
        accepted = self._accept(path, sha, sidecar, sidecar_path, print_, "recording")
        if isinstance(accepted, StepResult):
            return accepted
        story, _original = accepted
        log.info("recording received and archived", extra=fields(story=story.id, event="received"))
        return StepResult(True, story.id, message=f"received as {story.id}")

    def _receive_transcript(
        self, path: Path, sha: str, sidecar_path: Path | None, print_: str
    ) -> StepResult:
        try:
            sidecar = read_sidecar(sidecar_path)
            language = sidecar.language or self.context.settings.language
            read_transcript_file(path, language=language)
        except InputError as error:
            return self.door.reject(path, print_, "transcript", kept_in_inbox(error))
        accepted = self._accept(path, sha, sidecar, sidecar_path, print_, "transcript")
        if isinstance(accepted, StepResult):
            return accepted
        story, original = accepted
        log.info("story %s: transcript file received and archived", story.id)
        return save_transcript_file(self.context, story.id, original)

    def _known_or_refused(
        self, path: Path, sha: str, sidecar_path: Path | None, print_: str
    ) -> StepResult | None:
        """A file seen before: a duplicate of a story, or refused before and unchanged."""
        store, workspace = self.context.store, self.context.workspace
        known = store.story_by_source(sha)
        if known is not None and (
            workspace.story(known.id).original() is not None
            or was_purged(store, known.id)  # deleted by retention: not taken in again
        ):
            return self._duplicate(path, sidecar_path, known)
        return self.door.refused_before(print_, path) if known is None else None

    def _accept(
        self,
        path: Path,
        sha: str,
        sidecar: Sidecar,
        sidecar_path: Path | None,
        print_: str,
        kind: str,
    ) -> tuple[Story, Path] | StepResult:
        """A checked file becomes a story: archived byte for byte, sidecar kept, inbox cleared."""
        context = self.context
        story, _created = context.store.create_story(
            source_sha256=sha,
            source_name=path.name,
            kind="audio" if kind == "recording" else kind,
            sidecar=sidecar,
            actor=context.actor,
            source=context.source,
        )
        try:
            original = context.workspace.archive_original(story.id, path, sha)
        except FileNotFoundError:
            if context.workspace.story(story.id).original() is None:
                raise
            return StepResult(True, story.id, f"{path.name} was taken in by another run")
        if sidecar_path is not None:
            atomic_copy(sidecar_path, context.workspace.story(story.id).root / "sidecar.yaml")
        context.store.record_input(
            sha256=print_, name=path.name, kind=kind, outcome="accepted", story_id=story.id
        )
        self._give_sidecar(path, sidecar_path, story.id)
        remove_from_inbox(path, sidecar_path)
        return story, original

    def _duplicate(self, path: Path, sidecar_path: Path | None, story: Story) -> StepResult:
        keep = self.context.workspace.story(story.id).root / "duplicates"
        for item in (path, sidecar_path):
            if item is not None:
                atomic_copy(item, keep / item.name)
        self.context.store.record_event(
            story.id,
            "duplicate",
            actor=self.context.actor,
            source=self.context.source,
            message=f"the same recording arrived again as {path.name}; not processed twice",
            message_nl=f"Dezelfde opname kwam nog een keer binnen ({path.name}); "
            "niet opnieuw verwerkt.",
        )
        self._give_sidecar(path, sidecar_path, story.id)
        remove_from_inbox(path, sidecar_path)
        return StepResult(
            True,
            story.id,
            message=f"{path.name} is the same recording as {story.id}",
            message_nl=f"{path.name} is dezelfde opname als {story.id}; niet opnieuw verwerkt",
        )

    def _sidecar_of_another(
        self, path: Path, sha: str, sidecar_path: Path | None, kind: str
    ) -> StepResult | None:
        """Refused when its sidecar lies next to another input too, which comes first by name
        and gets it (see shared_sidecar.py). Recorded by content alone: once the sidecar has
        left with the other input, the file stays refused until staff rename it."""
        inputs = inputs_of(sidecar_path) if sidecar_path is not None else []
        if sidecar_path is None or len(inputs) < 2 or inputs[0] == path:
            return None
        error = shared_sidecar_error(path, sidecar_path, inputs[0], None)
        previous = self.context.store.input_outcome(fingerprint(sha, None), path.name)
        if previous is not None and (previous.outcome, previous.message) == (
            "rejected",
            str(error),
        ):
            return StepResult(False, message=str(error), message_nl=error.nl)  # said already
        return self.door.reject(path, fingerprint(sha, None), kind, error)

    def _give_sidecar(self, path: Path, sidecar_path: Path | None, story_id: str) -> None:
        """The sidecar goes with ``path`` to its story: say so, and refuse the other inputs
        beside it that have the same name (they would lose it without a word)."""
        others = [p for p in inputs_of(sidecar_path) if p != path] if sidecar_path else []
        if sidecar_path is None or not others:
            return
        for other in others:
            with contextlib.suppress(FileNotFoundError):
                error = shared_sidecar_error(other, sidecar_path, path, story_id)
                self.door.reject(other, sha256_file(other), kind_of(other), error)
        names = ", ".join(p.name for p in others)
        self.context.store.record_event(
            story_id,
            "sidecar",
            actor=self.context.actor,
            source=self.context.source,
            message=f"sidecar {sidecar_path.name} given to {path.name}; {names} (same name) "
            "refused until renamed",
            message_nl=f"Het metadatabestand {sidecar_path.name} is gegeven aan {path.name}; "
            f"{names} (dezelfde naam) wacht in de inbox tot het een eigen naam heeft.",
            detail={"sidecar": sidecar_path.name, "given_to": path.name, "refused": names},
        )


def save_transcript_file(context: StepContext, story_id: str, original: Path) -> StepResult:
    """A story made from a transcript file: read it, write the transcript, transcribed."""
    story = context.store.story(story_id)
    with context.recording_failures(story.id, "reading the transcript"):
        language = story.sidecar.language or context.settings.language
        transcript = read_transcript_file(original, language=language)
        paths = write_transcript(transcript, context.workspace.story(story.id).transcript_dir)
        speakers = sorted({s.speaker for s in transcript.segments if s.speaker})
        context.store.transition(
            story.id,
            State.TRANSCRIBED,
            actor=context.actor,
            source=context.source,
            message=f"transcript file {story.source_name} read: "
            f"{len(transcript.segments)} segments, speakers {', '.join(speakers) or 'none'}",
            message_nl="Bestaand transcript ingelezen",
            detail={"segments": len(transcript.segments), "speakers": speakers},
        )
        return StepResult(
            True, story.id, f"transcript read as {story.id}", outputs=tuple(paths.values())
        )
    return context.failure_of(story.id)
