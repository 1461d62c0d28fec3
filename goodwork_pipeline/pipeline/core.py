"""The stages of one story, as plain functions over the settings, the store and the workspace.

Flows (``flows/``) and the CLI call these; nothing here knows about Prefect. Each step
returns a value that says what happened; a problem with an input (a ``GoodworkError``) is
recorded on the story or the inbox file and returned, never raised into the run, so one bad
file never stops the others. Unexpected errors are recorded too, then raised.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from goodwork_pipeline.clock import Clock, SystemClock
from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent_wording import CHANNEL_BOXES
from goodwork_pipeline.drafting.draft import beeld_json, build_draft, prepare_beeld
from goodwork_pipeline.drafting.draft_document import DraftInfo, template_path, write_draft
from goodwork_pipeline.drafting.guide import Guide, load_guide
from goodwork_pipeline.errors import GoodworkError, InputError
from goodwork_pipeline.files import (
    atomic_copy,
    atomic_write_text,
    make_dirs,
    make_private_dir,
    remove_stale_temp,
    sha256_file,
)
from goodwork_pipeline.intake.inbox import (
    InboxItem,
    inside_inbox,
    kept_in_inbox,
    scan_inbox,
    wait_until_complete,
)
from goodwork_pipeline.intake.recording import load_audio
from goodwork_pipeline.intake.shared_sidecar import inputs_of, kind_of, shared_sidecar_error
from goodwork_pipeline.intake.sidecar import read_sidecar, sidecar_for
from goodwork_pipeline.intake.transcript_files import (
    read_transcript,
    read_transcript_file,
    write_transcript,
)
from goodwork_pipeline.lifecycle import ALLOWED, AUTOMATIC, REVIEWED, Step
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import Beeld, Channel, Sidecar, State
from goodwork_pipeline.pipeline.paper import receive_pdf
from goodwork_pipeline.pipeline.review_and_consent import ReviewAndConsent
from goodwork_pipeline.privacy.pseudonymise import (
    Pseudonymiser,
    mark_names,
    own_names_among,
    staff_names,
)
from goodwork_pipeline.privacy.third_parties import (
    FoundName,
    NameFinder,
    StoryNames,
    deduce_cache_dir,
    name_key,
    note_for,
)
from goodwork_pipeline.publishing.booklet import (
    group_entries,
    membership,
    render_booklet,
    same_group,
)
from goodwork_pipeline.publishing.outbox import (
    DRAFTS_FOLDER,
    booklets,
    read_manifest,
    story_folders,
)
from goodwork_pipeline.publishing.publish import (
    PublishResult,
    booklet_manifest,
    sync_booklet,
    sync_story,
)
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review.answers import Doubt
from goodwork_pipeline.review.returned_pdf import PDF_SUFFIX, is_pdf
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.repository import Store, Story
from goodwork_pipeline.store.retention import was_purged
from goodwork_pipeline.store.workspace import Workspace
from goodwork_pipeline.transcription.engine import Transcriber, make_transcriber
from goodwork_pipeline.transcription.stage import (
    AUDIO_CACHE,
    ChunkResult,
    Transcription,
    TranscriptionPlan,
)

log = logging.getLogger(__name__)
_HELD = threading.local()  # story locks this thread holds

# States in which the participant has answered a draft: a new draft needs --force.


class Pipeline(ReviewAndConsent):
    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        transcriber: Transcriber | None = None,
        clock: Clock | None = None,
        source: str = "cli",
        renderer: Renderer | None = None,
    ):
        self.settings = settings
        self._renderer = renderer
        self.clock = clock or SystemClock()
        self.store = store or Store(settings.database_url, clock=self.clock)
        make_private_dir(settings.workspace_dir)
        self.workspace = Workspace(settings.workspace_dir)
        self._transcriber = transcriber
        self._transcription: Transcription | None = None
        self.source = source
        self.actor = settings.actor

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = make_transcriber(self.settings)
        return self._transcriber

    @property
    def transcription(self) -> Transcription:
        """The transcription stage; its engine is loaded on first use."""
        if self._transcription is None:
            self._transcription = Transcription(self.settings, self._transcriber)
        return self._transcription

    # Inbox ---------------------------------------------------------------------------------

    def scan(self) -> list[InboxItem]:
        return scan_inbox(self.settings.inbox_dir)

    def receive(self, path: Path) -> StepResult:
        """Take a recording from the inbox: check it, create (or find) its story, archive it."""
        return self._take_in(path, "recording")

    def receive_transcript(self, path: Path) -> StepResult:
        """Take a meeting transcript (.vtt, .srt, .txt) from the inbox as a transcribed story."""
        return self._take_in(path, "transcript")

    def _take_in(self, path: Path, kind: str) -> StepResult:
        """The inbox's front door: inside the inbox, completely written, one run at a time."""
        if not inside_inbox(path, self.settings.inbox_dir):
            return self.reject_outside(path, kind)
        taken = StepResult(True, message=f"{path.name} was taken in by another run")
        if not wait_until_complete(path, quiet_seconds=self.settings.settle_seconds):
            if not path.exists():
                return taken
            return StepResult(False, message=f"{path.name} is still being written; later.")
        try:
            sha = sha256_file(path)
        except FileNotFoundError:  # another run (a watcher, a second 'goodwork run') took it
            return taken
        with self.story_lock(f"source-{sha}"):
            if not path.exists():  # taken in by another run while we waited
                return taken
            if kind == "transcript":
                return self._receive_transcript(path, sha)
            return self._receive(path, sha)

    def _known_or_refused(
        self, path: Path, sha: str, sidecar_path: Path | None, fingerprint: str
    ) -> StepResult | None:
        """A file seen before: a duplicate of a story, or refused before and unchanged."""
        known = self.store.story_by_source(sha)
        if known is not None and (
            self.workspace.story(known.id).original() is not None
            or was_purged(self.store, known.id)  # deleted by retention: not taken in again
        ):
            return self._duplicate(path, sidecar_path, known)
        previous = self.store.input_outcome(fingerprint, path.name)
        if known is None and previous is not None and previous.outcome == "rejected":
            return StepResult(
                False, message=previous.message or "", message_nl=previous.message_nl or ""
            )
        return None

    def _accept(
        self,
        path: Path,
        sha: str,
        sidecar: Sidecar,
        sidecar_path: Path | None,
        fingerprint: str,
        kind: str,
    ) -> tuple[Story, Path] | StepResult:
        """A checked file becomes a story: archived byte for byte, sidecar kept, inbox cleared."""
        story, _created = self.store.create_story(
            source_sha256=sha,
            source_name=path.name,
            kind="audio" if kind == "recording" else kind,
            sidecar=sidecar,
            actor=self.actor,
            source=self.source,
        )
        try:
            original = self.workspace.archive_original(story.id, path, sha)
        except FileNotFoundError:
            if self.workspace.story(story.id).original() is None:
                raise
            return StepResult(True, story.id, f"{path.name} was taken in by another run")
        if sidecar_path is not None:
            atomic_copy(sidecar_path, self.workspace.story(story.id).root / "sidecar.yaml")
        self.store.record_input(
            sha256=fingerprint, name=path.name, kind=kind, outcome="accepted", story_id=story.id
        )
        self._give_sidecar(path, sidecar_path, story.id)
        self._remove_from_inbox(path, sidecar_path)
        return story, original

    def _receive(self, path: Path, sha: str) -> StepResult:
        sidecar_path = sidecar_for(path)
        fingerprint = _fingerprint(sha, sidecar_path)
        seen = self._sidecar_of_another(path, sha, sidecar_path, "recording")
        seen = seen or self._known_or_refused(path, sha, sidecar_path, fingerprint)
        if seen is not None:
            return seen
        try:
            sidecar = read_sidecar(sidecar_path)
            audio = load_audio(
                path,
                min_duration=self.settings.min_duration_s,
                min_speech=self.settings.min_speech_s,
            )
        except InputError as error:
            return self._reject(path, fingerprint, "recording", kept_in_inbox(error))
        AUDIO_CACHE.put(sha, audio)  # transcription follows: decode it once
        accepted = self._accept(path, sha, sidecar, sidecar_path, fingerprint, "recording")
        if isinstance(accepted, StepResult):
            return accepted
        story, _original = accepted
        log.info("recording received and archived", extra=fields(story=story.id, event="received"))
        return StepResult(True, story.id, message=f"received as {story.id}")

    def _duplicate(self, path: Path, sidecar_path: Path | None, story: Story) -> StepResult:
        keep = self.workspace.story(story.id).root / "duplicates"
        for item in (path, sidecar_path):
            if item is not None:
                atomic_copy(item, keep / item.name)
        self.store.record_event(
            story.id,
            "duplicate",
            actor=self.actor,
            source=self.source,
            message=f"the same recording arrived again as {path.name}; not processed twice",
            message_nl=f"Dezelfde opname kwam nog een keer binnen ({path.name}); "
            "niet opnieuw verwerkt.",
        )
        self._give_sidecar(path, sidecar_path, story.id)
        self._remove_from_inbox(path, sidecar_path)
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
        previous = self.store.input_outcome(_fingerprint(sha, None), path.name)
        if previous is not None and (previous.outcome, previous.message) == (
            "rejected",
            str(error),
        ):
            return StepResult(False, message=str(error), message_nl=error.nl)  # said already
        return self._reject(path, _fingerprint(sha, None), kind, error)

    def _give_sidecar(self, path: Path, sidecar_path: Path | None, story_id: str) -> None:
        """The sidecar goes with ``path`` to its story: say so, and refuse the other inputs
        beside it that have the same name (they would lose it without a word)."""
        others = [p for p in inputs_of(sidecar_path) if p != path] if sidecar_path else []
        if sidecar_path is None or not others:
            return
        for other in others:
            with contextlib.suppress(FileNotFoundError):
                error = shared_sidecar_error(other, sidecar_path, path, story_id)
                self._reject(other, sha256_file(other), kind_of(other), error)
        names = ", ".join(p.name for p in others)
        self.store.record_event(
            story_id,
            "sidecar",
            actor=self.actor,
            source=self.source,
            message=f"sidecar {sidecar_path.name} given to {path.name}; {names} (same name) "
            "refused until renamed",
            message_nl=f"Het metadatabestand {sidecar_path.name} is gegeven aan {path.name}; "
            f"{names} (dezelfde naam) wacht in de inbox tot het een eigen naam heeft.",
            detail={"sidecar": sidecar_path.name, "given_to": path.name, "refused": names},
        )

    def _reject(self, path: Path, fingerprint: str, kind: str, error: GoodworkError) -> StepResult:
        self.store.record_input(
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
            f"{path.name} is not in the inbox ({self.settings.inbox_dir}); goodwork only takes "
            "files from the inbox. Nothing was read, moved or deleted.",
            nl=f"{path.name} staat niet in de inbox; goodwork neemt alleen bestanden uit de "
            "inbox. Er is niets gelezen, verplaatst of verwijderd.",
            path=path,
        )
        return self._reject(path, _fingerprint(f"outside:{path}", None), kind, error)

    def reject_unsupported(self, item: InboxItem) -> StepResult:
        path = item.path
        fingerprint = _fingerprint(path.name, None)
        if self.store.input_outcome(fingerprint, path.name) is not None:
            return StepResult(False, message=f"{path.name}: already reported")
        if path.is_symlink() and (path.is_dir() or not path.exists()):
            error = InputError(
                f"{path.name} is a link to a folder outside the inbox, or to nothing; it is not "
                "followed. Copy the files themselves into the inbox.",
                nl=f"{path.name} is een snelkoppeling naar een map buiten de inbox (of naar iets "
                "dat niet bestaat). Zet de bestanden zelf in de inbox.",
                path=path,
            )
        elif path.is_symlink():
            error = InputError(
                f"{path.name} is a link to a file outside the inbox; it is not read. "
                "Copy the file itself into the inbox.",
                nl=f"{path.name} is een snelkoppeling naar een bestand buiten de inbox. Zet het "
                "bestand zelf in de inbox.",
                path=path,
            )
        elif path.is_dir():
            error = InputError(
                f"{path.name} is a folder, not a recording or document. Put the file itself in "
                "the inbox (files inside this folder are read as usual).",
                nl=f"{path.name} is een map, geen opname of document. Zet het bestand zelf in de "
                "inbox (bestanden in deze map worden gewoon gelezen).",
                path=path,
            )
        else:
            error = InputError(
                f"{path.name} is not a file goodwork handles (recordings: .wav .mp3 .m4a .aac "
                ".ogg .opus .flac .webm .mp4; transcripts: .vtt .srt .txt; returned drafts: "
                ".docx, or a PDF of one). It stays in the inbox.",
                nl=f"{path.name} is geen opname, transcript of teruggestuurd concept (.docx of "
                ".pdf). Het bestand blijft in de inbox staan.",
                path=path,
            )
        return self._reject(path, fingerprint, "unsupported", error)

    def _remove_from_inbox(self, *paths: Path | None) -> None:
        for path in paths:
            if path is not None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    # Transcription -------------------------------------------------------------------------

    def transcribe(self, story_id: str) -> StepResult:
        """Transcribe a story's recording in this process (every chunk in turn)."""
        plan = self.prepare_transcription(story_id)
        if isinstance(plan, StepResult):
            return plan
        with self._guard(story_id, "transcription"):
            results = [
                self.transcription.run_chunk(plan, index) for index in range(len(plan.chunks))
            ]
            return self.finish_transcription(story_id, plan, results)
        return self._failed(story_id)

    def prepare_transcription(self, story_id: str) -> TranscriptionPlan | StepResult:
        """Check the recording and cut it into chunks; a StepResult when there is nothing to
        transcribe (already done, a transcript file, or a problem, recorded on the story)."""
        story = self.store.story(story_id)
        files = self.workspace.story(story.id)
        if files.transcript_json.is_file():
            if story.state in (State.RECEIVED, State.FAILED) and story.draft_version == 0:
                self.store.transition(
                    story.id,
                    State.TRANSCRIBED,
                    actor=self.actor,
                    source=self.source,
                    message="transcript already present; not transcribed again",
                    message_nl="Transcript was er al",
                )
            return StepResult(
                True, story.id, "already transcribed", outputs=(files.transcript_json,)
            )
        with self._guard(story.id, "transcription"):
            original = files.original()
            if original is None:
                raise InputError(
                    f"The archived recording of {story.id} is missing from the workspace.",
                    nl="De bewaarde opname ontbreekt in de werkmap.",
                )
            if story.kind == "transcript":
                return self._save_transcript_file(story.id, original)
            return self.transcription.plan(
                original, sidecar=story.sidecar, sha256=story.source_sha256
            )
        return self._failed(story.id)

    def transcribe_chunk(self, plan: TranscriptionPlan, index: int) -> ChunkResult:
        """One chunk of a planned transcription (no bookkeeping: flows cache this)."""
        return self.transcription.run_chunk(plan, index)

    def finish_transcription(
        self, story_id: str, plan: TranscriptionPlan, results: list[ChunkResult]
    ) -> StepResult:
        """Put the chunks together, find the speakers, write the transcript files."""
        with self.story_lock(story_id):
            story = self.store.story(story_id)
            if story.state not in (State.RECEIVED, State.FAILED):  # another run finished it
                files = self.workspace.story(story.id)
                return StepResult(
                    True, story.id, "already transcribed", outputs=(files.transcript_json,)
                )
            return self._finish_transcription(story, plan, results)

    def _finish_transcription(
        self, story: Story, plan: TranscriptionPlan, results: list[ChunkResult]
    ) -> StepResult:
        with self._guard(story.id, "transcription"):
            transcript = self.transcription.assemble(plan, results, story.sidecar)
            files = self.workspace.story(story.id)
            paths = write_transcript(transcript, files.transcript_dir)
            not_understood = sum(g.end - g.start for g in transcript.gaps)
            self.store.transition(
                story.id,
                State.TRANSCRIBED,
                actor=self.actor,
                source=self.source,
                message=(
                    f"transcribed {transcript.duration:.0f} s with {transcript.engine} "
                    f"{transcript.model}: {len(transcript.segments)} segments"
                    + (
                        f", {len(transcript.gaps)} passage(s) not understood "
                        f"({not_understood:.0f} s, listed in the transcript)"
                        if transcript.gaps
                        else ""
                    )
                ),
                message_nl="Gesprek uitgeschreven"
                + (
                    f"; {len(transcript.gaps)} stuk(ken) niet verstaan (staan in het transcript)"
                    if transcript.gaps
                    else ""
                ),
                detail={
                    "segments": len(transcript.segments),
                    "duration_s": transcript.duration,
                    "engine": transcript.engine,
                    "model": transcript.model,
                    "chunks": len(plan.chunks),
                    "gaps": len(transcript.gaps),
                    "loops_repaired": sum(r.repaired_loops for r in results),
                    "redecoded": sum(r.redecoded for r in results),
                },
            )
            log.info(
                "transcribed %.0f s of audio into %d segments",
                transcript.duration,
                len(transcript.segments),
                extra=fields(story=story.id, event="transcribed", seconds=transcript.duration),
            )
            return StepResult(True, story.id, "transcribed", outputs=tuple(paths.values()))
        return self._failed(story.id)

    def transcription_failed(self, story_id: str, error: BaseException) -> StepResult:
        """Record a chunk that failed (in a flow) on the story, as ``_guard`` would."""
        with contextlib.suppress(Exception), self._guard(story_id, "transcription"):
            raise error
        return self._failed(story_id)

    def _receive_transcript(self, path: Path, sha: str) -> StepResult:
        sidecar_path = sidecar_for(path)
        fingerprint = _fingerprint(sha, sidecar_path)
        seen = self._sidecar_of_another(path, sha, sidecar_path, "transcript")
        seen = seen or self._known_or_refused(path, sha, sidecar_path, fingerprint)
        if seen is not None:
            return seen
        try:
            sidecar = read_sidecar(sidecar_path)
            read_transcript_file(path, language=sidecar.language or self.settings.language)
        except InputError as error:
            return self._reject(path, fingerprint, "transcript", kept_in_inbox(error))
        accepted = self._accept(path, sha, sidecar, sidecar_path, fingerprint, "transcript")
        if isinstance(accepted, StepResult):
            return accepted
        story, original = accepted
        log.info("story %s: transcript file received and archived", story.id)
        return self._save_transcript_file(story.id, original)

    def _save_transcript_file(self, story_id: str, original: Path) -> StepResult:
        story = self.store.story(story_id)
        with self._guard(story.id, "reading the transcript"):
            language = story.sidecar.language or self.settings.language
            transcript = read_transcript_file(original, language=language)
            paths = write_transcript(transcript, self.workspace.story(story.id).transcript_dir)
            speakers = sorted({s.speaker for s in transcript.segments if s.speaker})
            self.store.transition(
                story.id,
                State.TRANSCRIBED,
                actor=self.actor,
                source=self.source,
                message=f"transcript file {story.source_name} read: "
                f"{len(transcript.segments)} segments, speakers {', '.join(speakers) or 'none'}",
                message_nl="Bestaand transcript ingelezen",
                detail={"segments": len(transcript.segments), "speakers": speakers},
            )
            return StepResult(
                True, story.id, f"transcript read as {story.id}", outputs=tuple(paths.values())
            )
        return self._failed(story.id)

    # Draft ---------------------------------------------------------------------------------

    def draft(self, story_id: str, *, only_from: State | None = None) -> StepResult:
        """Write the next draft version: beeld.json and .docx in the workspace, a copy to send.

        With ``only_from`` (the automatic step: ``State.TRANSCRIBED``) nothing is written when
        the story is no longer in that state, e.g. because another run drafted it meanwhile."""
        with self.story_lock(story_id):
            story = self.store.story(story_id)
            if only_from is not None and story.state != only_from:
                return StepResult(
                    True,
                    story.id,
                    f"already drafted (version {story.draft_version})",
                    details={"version": story.draft_version},
                )
            return self._draft(story)

    def _draft(self, story: Story) -> StepResult:
        files = self.workspace.story(story.id)
        built = None
        with self._guard(story.id, "drafting"):
            guide = load_guide(self.settings.templates_dir)
            transcript = read_transcript(files.transcript_json)
            made = build_draft(transcript, story.sidecar, guide)
            pseudonyms = Pseudonymiser.for_story(story.sidecar, files.root)
            built = (guide, made, prepare_beeld(made.beeld, pseudonyms.beeld))
        if built is None:
            return self._failed(story.id)
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
        files = self.workspace.story(story.id)
        with self._guard(story.id, "drafting"):
            version = story.draft_version + 1
            # third parties nobody listed: a note beside each in the draft (publishing hides
            # them unless cleared)
            third_parties = self.story_names(story)
            kept = {name_key(name) for name in third_parties.kept()}
            found = [f for f in third_parties.find(beeld) if f.key not in kept]
            atomic_write_text(
                files.draft_beeld(version),
                json.dumps(beeld_data(version), ensure_ascii=False, indent=1),
            )
            info = DraftInfo(
                story_id=story.id,
                version=version,
                programme=self.settings.programme,
                participant=story.sidecar.participant,
                date=story.sidecar.date,
                interviewer=story.sidecar.interviewer,
                empty_note=guide.empty_note,
                created=self.clock.now(),
                name_notes=tuple((f.name, note_for(f)) for f in found),
            )
            private = write_draft(
                beeld,
                info,
                files.draft_docx(version),
                template=template_path(self.settings.templates_dir),
            )
            outgoing = self.draft_outbox_path(story.id, version)
            atomic_copy(private, outgoing)
            mail = self.write_draft_mail(story.id, version)
            superseded = self._retire_outbox_drafts(story.id, version)
            empty = [s.heading for s in beeld.sections if not s.sentences]
            words = _words(beeld)
            self.store.transition(
                story.id,
                State.DRAFTED,
                actor=actor or self.actor,
                source=self.source,
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
        return self._failed(story.id)

    def redraft(self, story_id: str, *, force: bool = False) -> StepResult:
        """A new draft version for staff (e.g. after editing the guide); earlier ones stay."""
        story = self.store.story(story_id)
        if not self.workspace.story(story.id).transcript_json.is_file():
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

    def _retire_outbox_drafts(self, story_id: str, version: int) -> list[Path]:
        """Older versions leave outbox/concepten/ (the workspace keeps them) unless edited."""
        retired = []
        files = self.workspace.story(story_id)
        for older in range(1, version):
            sent = self.draft_outbox_path(story_id, older)
            kept = files.draft_docx(older)
            if sent.is_file() and kept.is_file() and sha256_file(sent) == sha256_file(kept):
                sent.unlink()
                retired.append(sent)
                mail = sent.with_suffix(".eml")  # its ready-to-send e-mail goes with it
                if mail.is_file():
                    mail.unlink()
                    retired.append(mail)
        return retired

    def draft_outbox_path(self, story_id: str, version: int) -> Path:
        return self.settings.outbox_dir / DRAFTS_FOLDER / f"{story_id}-v{version}.docx"

    def draft_beeld(self, story_id: str, version: int) -> Beeld:
        path = self.workspace.story(story_id).draft_beeld(version)
        return Beeld.from_json(json.loads(path.read_text(encoding="utf-8")))

    # Review and consent: see review_and_consent.ReviewAndConsent ----------------------------

    def review(self, path: Path, doubt: Doubt | None = None) -> StepResult:
        """A returned draft: a Word document is read for consent (``consent_steps``; ``doubt``
        from ``plan_answers`` says why it may only shrink consent); a PDF is a paper answer,
        kept with its story for staff to record (``paper_answers``)."""
        if path.suffix.lower() == PDF_SUFFIX or (
            inside_inbox(path, self.settings.inbox_dir) and is_pdf(path)
        ):
            return receive_pdf(self, path)
        return super().review(path, doubt)

    def save_approved(self, story_id: str, beeld: Beeld) -> str:
        text_sha = beeld.text_sha256()
        path = self.workspace.story(story_id).approved_beeld(text_sha)
        if not path.exists():
            atomic_write_text(path, json.dumps(beeld.to_json(), ensure_ascii=False, indent=1))
        return text_sha

    def approved_beeld(self, story_id: str, text_sha256: str) -> Beeld | None:
        path = self.workspace.story(story_id).approved_beeld(text_sha256)
        if not path.is_file():
            return None
        beeld = Beeld.from_json(json.loads(path.read_text(encoding="utf-8")))
        return beeld if beeld.text_sha256() == text_sha256 else None

    # Publish -------------------------------------------------------------------------------

    def publish(self, story_id: str) -> StepResult:
        """Make the outbox match the story's current consent (publish, update or remove)."""
        story = self.store.story(story_id)
        consent = consent_rules.consent_for(self.store, story.id)
        approved = (
            self.approved_beeld(story.id, consent.text_sha256) if consent is not None else None
        )
        with self._guard(story.id, "publishing"):
            result = sync_story(
                story_id=story.id,
                consent=consent,
                approved=approved,
                sidecar=story.sidecar,
                renderer=self.renderer(),
                outbox=self.settings.outbox_dir,
                programme=self.settings.programme,
                date=story.sidecar.date or story.created_at.date(),
                now=self.clock.now(),
                pseudonyms=self.names_to_replace(story.id, approved),
            )
            self._record_publication(story, result)
            log.info(
                "outbox synced: %d file(s), %d folder(s) removed",
                len(result.files),
                len(result.removed),
                extra=fields(story=story.id, event="published"),
            )
            self.refresh_booklets(story.id)
            outputs = tuple(result.folder / f for f in result.files) if result.folder else ()
            return StepResult(True, story.id, _describe(result), outputs=outputs)
        return self._failed(story.id)

    def _record_publication(self, story: Story, result: PublishResult) -> None:
        story = self.store.story(story.id)
        if result.folder is not None:
            self._record_outbox_change(
                story,
                State.PUBLISHED,
                message=f"published to outbox/{result.folder.name} for "
                + ", ".join(sorted(c.value for c in result.channels)),
                message_nl="Klaar om te publiceren voor "
                + ", ".join(CHANNEL_BOXES[c] for c in Channel if c in result.channels),
                detail={"folder": result.folder.name, "files": list(result.files)},
            )
        elif result.removed or story.state == State.PUBLISHED:
            self._record_outbox_change(
                story,
                State.WITHDRAWN,
                message="no valid consent: every published file removed from the outbox",
                message_nl="Geen geldige toestemming meer: alle bestanden uit de outbox gehaald",
                detail={"removed": [p.name for p in result.removed]},
            )

    def _record_outbox_change(
        self, story: Story, state: State, *, message: str, message_nl: str, detail: dict
    ) -> None:
        """The outbox changed: a state change, unless the story is in a new draft round
        (a new version sent while the approved text stays published), which goes on."""
        if state in ALLOWED[story.state]:
            self.store.transition(
                story.id,
                state,
                actor=self.actor,
                source=self.source,
                message=message,
                message_nl=message_nl,
                detail=detail,
            )
        else:
            self.store.record_event(
                story.id,
                state.value,
                actor=self.actor,
                source=self.source,
                message=f"{message} (the story stays {story.state.value})",
                message_nl=message_nl,
                detail=detail,
            )

    def renderer(self) -> Renderer:
        """The renderer given to the pipeline (e.g. a ``SketchRenderer`` in fast tests), or the
        real one for the settings."""
        if self._renderer is not None:
            return self._renderer
        return Renderer(
            self.settings.templates_dir,
            hashtags=self.settings.hashtags,
            link_length=self.settings.link_length,
        )

    # Pseudonyms and booklets (publish assets, issue 6) ---------------------------------------

    def story_names(self, story: Story) -> StoryNames:
        """The story's third parties; the participant, interviewer and programme are not."""
        sidecar = story.sidecar
        return StoryNames(
            self.workspace.story(story.id).root,
            NameFinder(deduce_cache_dir(self.settings.model_cache_dir)),
            not_third_parties=[
                sidecar.participant or "",
                sidecar.interviewer or "",
                self.settings.programme,
                *getattr(sidecar, "also_known_as", ()),
            ],
        )

    def names_to_replace(self, story_id: str, approved: Beeld | None) -> list[str]:
        """Every name publishing hides: those staff marked, and every third party found and
        not cleared (default deny), also one typed into the approved text."""
        story = self.store.story(story_id)
        marked = staff_names(self.workspace.story(story.id).root)
        return [*marked, *self.story_names(story).entries(approved)]

    def third_parties(self, story_id: str) -> list[tuple[FoundName, bool]]:
        """Every third party found in the story (its newest draft and approved text too),
        with whether it was cleared to stay."""
        story = self.store.story(story_id)
        names = self.story_names(story)
        for beeld in self._texts_of(story):
            names.find(beeld)
        kept = {name_key(name) for name in names.kept()}
        return [(item, item.key in kept) for item in names.remembered()]

    def _texts_of(self, story: Story) -> list[Beeld]:
        beelden = []
        if story.draft_version:
            beelden.append(self.draft_beeld(story.id, story.draft_version))
        if story.approved_sha256:
            approved = self.approved_beeld(story.id, story.approved_sha256)
            if approved is not None:
                beelden.append(approved)
        return beelden

    def replace_names_again(self, story_id: str, names: list[str], *, by: str) -> StepResult:
        """Undo a clearance: the names are replaced in published texts again."""
        story = self.store.story(story_id)
        undone = self.story_names(story).replace_again(names)
        if undone:
            self.store.record_event(
                story.id,
                "names-replaced",
                actor=by,
                source=self.source,
                message=f"{len(undone)} third-party name(s) are replaced again",
                message_nl=f"Weer vervangen bij publicatie: {', '.join(undone)}",
                detail={"replaced": undone},
            )
        published = self.publish(story.id)
        return StepResult(published.ok, story.id, published.message, None, published.outputs)

    def keep_names(self, story_id: str, names: list[str], *, by: str, source: str) -> StepResult:
        """Clear third-party names: they stay as written when published."""
        story = self.store.story(story_id)
        kept = self.story_names(story).keep(names)
        if kept:
            self.store.record_event(
                story.id,
                "names-kept",
                actor=by,
                source=source,
                message=f"{len(kept)} third-party name(s) cleared to stay in published texts",
                message_nl=f"Vrijgegeven (mag blijven staan): {', '.join(kept)}",
                detail={"kept": kept},
            )
        published = self.publish(story.id)
        return StepResult(
            published.ok,
            story.id,
            f"{len(kept)} name(s) cleared; {published.message}",
            f"{len(kept)} naam/namen vrijgegeven" if kept else "Niets veranderd",
            published.outputs,
            {"kept": kept},
        )

    def pseudonymise(self, story_id: str, names: list[str]) -> StepResult:
        """Staff mark third-party names; the outbox is brought in line at once."""
        story = self.store.story(story_id)
        own = own_names_among(names, story.sidecar)
        if own:
            return StepResult(
                False,
                story.id,
                f"'{own[0]}' is the participant's own name; it is shown only as they choose "
                "in the returned draft, never replaced as a third party's. Nothing was marked.",
                f"'{own[0]}' is de naam van de deelnemer zelf. Die tonen we zoals de deelnemer "
                "kiest in het concept, en vervangen we niet als naam van een ander. Er is niets "
                "gemarkeerd.",
            )
        added = mark_names(self.workspace.story(story.id).root, names)
        if added:
            self.store.record_event(
                story.id,
                "pseudonymise",
                actor=self.actor,
                source=self.source,
                message=f"{len(added)} name(s) marked for pseudonymisation by staff",
                message_nl=f"{len(added)} naam/namen gemarkeerd om te vervangen",
            )
        published = self.publish(story.id)
        return StepResult(
            published.ok,
            story.id,
            f"{len(added)} new name(s) marked; {published.message}",
            f"{len(added)} nieuwe naam/namen; geldt voor nieuwe concepten en de outbox",
            published.outputs,
            {"added": len(added)},
        )

    def booklet_entries(self, group: str):
        return group_entries(
            self.store.stories(),
            group=group,
            consent_of=lambda story_id: consent_rules.consent_for(self.store, story_id),
            approved_of=self.approved_beeld,
            names_of=lambda story_id: self.names_to_replace(story_id, None),
            programme=self.settings.programme,
        )

    def booklet(self, group: str) -> StepResult:
        """Build the group's booklet from its group-consented beelden (none: remove it)."""
        entries = self.booklet_entries(group)
        renderer = self.renderer()
        pdf = None
        if entries:
            pdf = render_booklet(
                renderer,
                group=group,
                programme=self.settings.programme,
                entries=entries,
                built=self.clock.now().date(),
            )
        result = sync_booklet(
            group=group,
            pdf=pdf,
            stories=membership(entries),
            outbox=self.settings.outbox_dir,
            renderer=renderer,
            now=self.clock.now(),
        )
        if result.path is None:
            return StepResult(
                True,
                message=f"no beeld of group '{group}' is consented for group sessions",
                message_nl=f"Geen enkel beeld van groep '{group}' heeft toestemming voor "
                "groepsgesprekken; er is geen boekje.",
                details={"stories": 0},
            )
        return StepResult(
            True,
            message=f"booklet of {len(entries)} beelden written",
            message_nl=f"Groepsboekje met {len(entries)} beelden gemaakt",
            outputs=(result.path,),
            details={"stories": len(entries)},
        )

    def refresh_booklets(self, story_id: str) -> None:
        """Rebuild existing booklets whose beelden changed (consent, text, withdrawal)."""
        story = self.store.story(story_id)
        for book in booklets(self.settings.outbox_dir):
            group = str(book.get("group", ""))
            contains = any(s.get("story") == story_id for s in book.get("stories", []))
            if not (contains or same_group(group, story.sidecar.group)):
                continue
            if booklet_manifest(self.settings.outbox_dir, group) is None:
                continue
            if membership(self.booklet_entries(group)) != book.get("stories"):
                self.booklet(group)

    # Bookkeeping ---------------------------------------------------------------------------

    def pending(self) -> list[tuple[str, Step]]:
        """Stories whose next automatic step was not done (e.g. after a crash), and stories
        whose outbox is not what their consent says (a crash or a full disk while publishing)."""
        work = [(story.id, AUTOMATIC[story.state]) for story in self.store.stories(list(AUTOMATIC))]
        work.extend((story_id, Step.PUBLISH) for story_id in self.outbox_out_of_line())
        return work

    def outbox_out_of_line(self) -> list[str]:
        """Stories whose publish folders do not match their current consent: one folder made
        for the current ledger record when it allows a channel, none otherwise."""
        stories = self.store.stories(
            [State.APPROVED, State.DECLINED, State.PUBLISHED, State.WITHDRAWN, State.FAILED]
        )
        out = []
        for story in stories:
            if story.state == State.FAILED and self.failed_in(story.id) not in REVIEWED:
                continue  # failed earlier (e.g. drafting): 'goodwork retry' is the way on
            consent = consent_rules.consent_for(self.store, story.id)
            folders = story_folders(self.settings.outbox_dir, story.id)
            wanted = consent is not None and bool(consent.channels)
            if not wanted:
                in_line = not folders
            else:
                in_line = len(folders) == 1 and _made_for(folders[0], consent.record_id)
            if not in_line:
                out.append(story.id)
        return out

    def remove_crash_leftovers(self) -> int:
        """Remove temporary files and folders that a killed process left (outbox, workspace)."""
        removed = remove_stale_temp(self.settings.outbox_dir) + remove_stale_temp(
            self.workspace.root
        )
        if removed:
            log.warning(
                "removed %d leftover(s) of an interrupted write",
                removed,
                extra=fields(event="cleanup", count=removed),
            )
        return removed

    def failed_in(self, story_id: str) -> State | None:
        """The state a failed story was in when its step failed."""
        event = self.store.last_event(story_id, "state")
        if event is None or event.state != State.FAILED or not event.detail:
            return None
        value = event.detail.get("failed_in")
        return State(value) if value else None

    @contextlib.contextmanager
    def story_lock(self, story_id: str) -> Iterator[None]:
        """One step of a story at a time, also across processes (a watcher and 'goodwork run',
        or two overlapping runs): an exclusive ``flock`` that the kernel releases when the
        process ends, so a killed run never leaves a story locked."""
        held = _HELD.__dict__.setdefault("locks", set())
        folder = self.settings.workspace_dir / "locks"
        lock = folder / f"{story_id}.lock"
        if lock in held:  # already ours (a step inside a step): flock would wait for itself
            yield
            return
        make_dirs(folder)
        with os.fdopen(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.add(lock)
            try:
                yield
            finally:
                held.discard(lock)

    @contextlib.contextmanager
    def _guard(self, story_id: str, step: str) -> Iterator[None]:
        """Record a failed step on the story; expected errors become a value, others re-raise."""
        try:
            yield
        except GoodworkError as error:
            self.store.fail(
                story_id,
                message=f"{step} failed: {error}",
                message_nl=error.nl,
                actor=self.actor,
                source=self.source,
            )
            _log_failure(story_id, step, error)
        except Exception as error:
            self.store.fail(
                story_id,
                message=f"{step} failed unexpectedly: {error.__class__.__name__}: {error}",
                message_nl="Er ging iets mis in goodwork zelf. De beheerder kan het opnieuw "
                "proberen met 'goodwork retry'.",
                actor=self.actor,
                source=self.source,
            )
            raise

    def _failed(self, story_id: str) -> StepResult:
        story = self.store.story(story_id)
        return StepResult(False, story_id, story.last_error or "", story.last_error_nl or "")


def _log_failure(story_id: str, step: str, error: GoodworkError) -> None:
    # Problems with an input may quote the file or its content: class only at ERROR. Setup
    # problems (settings, model, guide, templates, store) are the operator's to fix: say them.
    extra = fields(story=story_id, event="failed", step=step, error=error.__class__.__name__)
    if isinstance(error, InputError):
        log.error("%s failed (%s)", step, error.__class__.__name__, extra=extra)
        log.debug("story %s: %s failed: %s", story_id, step, error)
    else:
        log.error("%s failed: %s", step, error, extra=extra)


def _fingerprint(sha: str, sidecar: Path | None) -> str:
    """Identify an input together with its sidecar, so fixing the sidecar retries it."""
    if sidecar is None or not sidecar.is_file():
        return sha
    return hashlib.sha256(f"{sha}:{sha256_file(sidecar)}".encode()).hexdigest()


def _made_for(folder: Path, record_id: int) -> bool:
    try:
        return read_manifest(folder)["consent"]["ledger_record"] == record_id
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _words(beeld: Beeld) -> int:
    return sum(len(s.text.split()) for s in beeld.sections)


def _describe(result: PublishResult) -> str:
    if result.folder is None:
        return "nothing published" + (
            f"; removed {len(result.removed)} folder(s)" if result.removed else ""
        )
    return f"published {len(result.files)} file(s) to {result.folder.name}"
