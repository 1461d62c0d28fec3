"""The transcription steps of a story: plan (check and cut the recording), one chunk at a
time, then put together and written; or read from a transcript file."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from goodwork_pipeline.errors import InputError
from goodwork_pipeline.intake.steps import save_transcript_file
from goodwork_pipeline.intake.transcript_files import write_transcript
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import State
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.transcription.stage import ChunkResult, Transcription, TranscriptionPlan

log = logging.getLogger(__name__)


class Transcribing:
    """``transcription()`` gives the stage (its engine loaded on first use)."""

    def __init__(self, context: StepContext, transcription: Callable[[], Transcription]):
        self.context = context
        self.transcription = transcription

    def transcribe(self, story_id: str) -> StepResult:
        """Transcribe a story's recording in this process (every chunk in turn)."""
        plan = self.prepare(story_id)
        if isinstance(plan, StepResult):
            return plan
        with self.context.recording_failures(story_id, "transcription"):
            results = [
                self.transcription().run_chunk(plan, index) for index in range(len(plan.chunks))
            ]
            return self.finish(story_id, plan, results)
        return self.context.failure_of(story_id)

    def prepare(self, story_id: str) -> TranscriptionPlan | StepResult:
        """Check the recording and cut it into chunks; a StepResult when there is nothing to
        transcribe (already done, a transcript file, or a problem, recorded on the story)."""
        context = self.context
        story = context.store.story(story_id)
        files = context.workspace.story(story.id)
        if files.transcript_json.is_file():
            if story.state in (State.RECEIVED, State.FAILED) and story.draft_version == 0:
                context.store.transition(
                    story.id,
                    State.TRANSCRIBED,
                    actor=context.actor,
                    source=context.source,
                    message="transcript already present; not transcribed again",
                    message_nl="Transcript was er al",
                )
            return StepResult(
                True, story.id, "already transcribed", outputs=(files.transcript_json,)
            )
        with context.recording_failures(story.id, "transcription"):
            original = files.original()
            if original is None:
                raise InputError(
                    f"The archived recording of {story.id} is missing from the workspace.",
                    nl="De bewaarde opname ontbreekt in de werkmap.",
                )
            if story.kind == "transcript":
                return save_transcript_file(context, story.id, original)
            return self.transcription().plan(
                original, sidecar=story.sidecar, sha256=story.source_sha256
            )
        return context.failure_of(story.id)

    def chunk(self, plan: TranscriptionPlan, index: int) -> ChunkResult:
        """One chunk of a planned transcription (no bookkeeping: flows cache this)."""
        return self.transcription().run_chunk(plan, index)

    def finish(
        self, story_id: str, plan: TranscriptionPlan, results: list[ChunkResult]
    ) -> StepResult:
        """Put the chunks together, find the speakers, write the transcript files."""
        with self.context.story_lock(story_id):
            story = self.context.store.story(story_id)
            if story.state not in (State.RECEIVED, State.FAILED):  # another run finished it
                files = self.context.workspace.story(story.id)
                return StepResult(
                    True, story.id, "already transcribed", outputs=(files.transcript_json,)
                )
            return self._finish(story, plan, results)

    def failed(self, story_id: str, error: BaseException) -> StepResult:
        """Record a chunk that failed (in a flow) on the story, as any failed step is."""
        with (
            contextlib.suppress(Exception),
            self.context.recording_failures(story_id, "transcription"),
        ):
            raise error
        return self.context.failure_of(story_id)

    def _finish(
        self, story: Story, plan: TranscriptionPlan, results: list[ChunkResult]
    ) -> StepResult:
        context = self.context
        with context.recording_failures(story.id, "transcription"):
            transcript = self.transcription().assemble(plan, results, story.sidecar)
            files = context.workspace.story(story.id)
            paths = write_transcript(transcript, files.transcript_dir)
            not_understood = sum(g.end - g.start for g in transcript.gaps)
            context.store.transition(
                story.id,
                State.TRANSCRIBED,
                actor=context.actor,
                source=context.source,
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
        return context.failure_of(story.id)
