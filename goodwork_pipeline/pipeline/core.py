"""The stages of one story composed: one object per stage over a shared ``StepContext``,
and ``Pipeline`` the one face the flows and the CLI call, one method per step.

Nothing here knows about Prefect. Each step returns a value that says what happened; a
problem with an input (a ``GoodworkError``) is recorded on the story or the inbox file and
returned, never raised into the run, so one bad file never stops the others. Unexpected
errors are recorded too, then raised (``StepContext.recording_failures``). The steps staff
start for one story (consent, sending) answer a bad input the same way, with a failed result
(``bad_input_as_result``): the flows and the CLI never catch. A change of
consent or names is followed by publishing here, and only here (``_then_publish``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from goodwork_pipeline.clock import Clock, SystemClock
from goodwork_pipeline.consent.decisions import Decisions
from goodwork_pipeline.consent.steps import Consent
from goodwork_pipeline.consent.summary import SOURCE_CLI, BoundText
from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.files import make_private_dir
from goodwork_pipeline.intake.door import InboxDoor
from goodwork_pipeline.intake.inbox import InboxItem, inside_inbox, scan_inbox
from goodwork_pipeline.intake.steps import Intake
from goodwork_pipeline.lifecycle import Step
from goodwork_pipeline.models import Beeld, Channel, ConsentRecord, NameDisplay, State
from goodwork_pipeline.pipeline.bookkeeping import Bookkeeping
from goodwork_pipeline.pipeline.drafts import Drafting
from goodwork_pipeline.pipeline.sending import Sending, draft_outbox_path
from goodwork_pipeline.privacy.steps import Names
from goodwork_pipeline.privacy.story_names import StoryNames
from goodwork_pipeline.privacy.third_parties import FoundName
from goodwork_pipeline.publishing.booklet_steps import Booklets
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.steps import Publishing
from goodwork_pipeline.results import StepResult, ThenPublish, bad_input_as_result
from goodwork_pipeline.review.answers import Doubt
from goodwork_pipeline.review.decision import ReviewDecision
from goodwork_pipeline.review.paper_steps import PaperAnswers
from goodwork_pipeline.review.returned_pdf import PDF_SUFFIX, is_pdf
from goodwork_pipeline.review.steps import ReturnedDrafts
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store import texts
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Store, Story
from goodwork_pipeline.store.workspace import Workspace
from goodwork_pipeline.transcription.engine import Transcriber, make_transcriber
from goodwork_pipeline.transcription.stage import (
    AUDIO_CACHE,
    ChunkResult,
    Transcription,
    TranscriptionPlan,
)
from goodwork_pipeline.transcription.steps import Transcribing


class Pipeline:
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
        clock = clock or SystemClock()
        make_private_dir(settings.workspace_dir)
        self.context = StepContext(
            settings=settings,
            store=store or Store(settings.database_url, clock=clock),
            workspace=Workspace(settings.workspace_dir),
            clock=clock,
            actor=settings.actor,
            source=source,
        )
        self._renderer = renderer
        self._transcriber = transcriber
        self._transcription: Transcription | None = None
        context = self.context
        door = InboxDoor(context)
        self._intake = Intake(context, door, AUDIO_CACHE.put)
        self._transcribing = Transcribing(context, lambda: self.transcription)
        self._names = Names(context)
        self._sending = Sending(context)
        self._drafting = Drafting(context, self._names, self._sending)
        self._returned = ReturnedDrafts(context, door, self._names, self._after_decision)
        self._paper = PaperAnswers(context, door)
        self._consent = Consent(context, lambda: self.renderer().snapshot_pdf)
        self._decisions = Decisions(self._consent)
        self._booklets = Booklets(context, self._names, self.renderer)
        self._publishing = Publishing(context, self._names, self._booklets, self.renderer)
        self._bookkeeping = Bookkeeping(context, self._publishing)

    # What every stage shares -----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.context.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.context.settings = settings

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def workspace(self) -> Workspace:
        return self.context.workspace

    @property
    def clock(self) -> Clock:
        return self.context.clock

    @property
    def actor(self) -> str:
        return self.context.actor

    @property
    def source(self) -> str:
        return self.context.source

    def story_lock(self, story_id: str) -> AbstractContextManager[None]:
        return self.context.story_lock(story_id)

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

    # Inbox -----------------------------------------------------------------------------------

    def scan(self) -> list[InboxItem]:
        return scan_inbox(self.settings.inbox_dir)

    def receive(self, path: Path) -> StepResult:
        return self._intake.receive(path)

    def receive_transcript(self, path: Path) -> StepResult:
        return self._intake.receive_transcript(path)

    def reject_outside(self, path: Path, kind: str) -> StepResult:
        return self._intake.door.reject_outside(path, kind)

    def reject_unsupported(self, item: InboxItem) -> StepResult:
        return self._intake.door.reject_unsupported(item)

    # Transcription ---------------------------------------------------------------------------

    def transcribe(self, story_id: str) -> StepResult:
        return self._transcribing.transcribe(story_id)

    def prepare_transcription(self, story_id: str) -> TranscriptionPlan | StepResult:
        return self._transcribing.prepare(story_id)

    def transcribe_chunk(self, plan: TranscriptionPlan, index: int) -> ChunkResult:
        return self._transcribing.chunk(plan, index)

    def finish_transcription(
        self, story_id: str, plan: TranscriptionPlan, results: list[ChunkResult]
    ) -> StepResult:
        return self._transcribing.finish(story_id, plan, results)

    def transcription_failed(self, story_id: str, error: BaseException) -> StepResult:
        return self._transcribing.failed(story_id, error)

    # Drafts ----------------------------------------------------------------------------------

    def draft(self, story_id: str, *, only_from: State | None = None) -> StepResult:
        return self._drafting.draft(story_id, only_from=only_from)

    def write_draft_version(
        self,
        story: Story,
        beeld: Beeld,
        beeld_data: Callable[[int], dict],
        *,
        guide: Guide,
        **how: Any,
    ) -> StepResult:
        return self._drafting.write_draft_version(story, beeld, beeld_data, guide=guide, **how)

    def redraft(self, story_id: str, *, force: bool = False) -> StepResult:
        return self._drafting.redraft(story_id, force=force)

    def draft_outbox_path(self, story_id: str, version: int) -> Path:
        return draft_outbox_path(self.settings, story_id, version)

    def draft_beeld(self, story_id: str, version: int) -> Beeld:
        return texts.draft_beeld(self.workspace, story_id, version)

    def save_approved(self, story_id: str, beeld: Beeld) -> str:
        return texts.save_approved(self.workspace, story_id, beeld)

    def approved_beeld(self, story_id: str, text_sha256: str) -> Beeld | None:
        return texts.approved_beeld(self.workspace, story_id, text_sha256)

    # Sending ---------------------------------------------------------------------------------

    def draft_mail_path(self, story_id: str, version: int) -> Path:
        return self._sending.draft_mail_path(story_id, version)

    def write_draft_mail(self, story_id: str, version: int) -> Path | None:
        return self._sending.write_draft_mail(story_id, version)

    @bad_input_as_result
    def send_draft(self, story_id: str, *, by: str, to: str | None = None) -> StepResult:
        return self._sending.send_draft(story_id, by=by, to=to)

    @bad_input_as_result
    def mark_sent(self, story_id: str, *, by: str, note: str | None = None) -> StepResult:
        return self._sending.mark_sent(story_id, by=by, note=note)

    # Returned drafts and consent -------------------------------------------------------------

    def review(self, path: Path, doubt: Doubt | None = None) -> StepResult:
        """A returned draft: a Word document is read for consent (``doubt`` from
        ``plan_answers`` says why it may only shrink consent); a PDF is a paper answer,
        kept with its story for staff to record."""
        if path.suffix.lower() == PDF_SUFFIX or (
            inside_inbox(path, self.settings.inbox_dir) and is_pdf(path)
        ):
            return self._paper.receive_pdf(path)
        return self._returned.review(path, doubt)

    def plan_answers(self, paths: list[Path]) -> list[tuple[Path, Doubt | None]]:
        return self._returned.plan_answers(paths)

    @bad_input_as_result
    def text_for_consent(self, story_id: str, version: int | None = None) -> BoundText:
        """The text a consent recorded now binds to, or why there is none (a failed result)."""
        return self._consent.text_for_consent(story_id, version)

    @bad_input_as_result
    def record_consent(
        self,
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
        change = self._consent.record(
            story_id,
            channels=channels,
            name_display=name_display,
            by=by,
            note=note,
            source=source,
            version=version,
            via=via,
        )
        return self._then_publish(change)

    @bad_input_as_result
    def withdraw(
        self,
        story_id: str,
        *,
        channels: Iterable[Channel] = (),
        by: str,
        note: str | None = None,
        source: str = SOURCE_CLI,
        source_ref: str | None = None,
    ) -> StepResult:
        change = self._consent.withdraw(
            story_id, channels=channels, by=by, note=note, source=source, source_ref=source_ref
        )
        return self._then_publish(change)

    def _after_decision(
        self,
        story: Story,
        decision: ReviewDecision,
        doc_sha: str,
        changes: dict[str, Any],
        doubt: Doubt | None,
    ) -> StepResult:
        """What a returned draft's decision does to consent, then to the outbox."""
        return self._then_publish(self._decisions.apply(story, decision, doc_sha, changes, doubt))

    def _then_publish(self, change: ThenPublish | StepResult) -> StepResult:
        """A change of consent or names is followed by publishing, in the same run."""
        if isinstance(change, StepResult):  # refused: nothing changed
            return change
        nothing = StepResult(True, change.story_id)
        return change.finish(self.publish(change.story_id) if change.publish else nothing)

    def _snapshot(
        self,
        record: ConsentRecord,
        beeld: Beeld | None,
        remaining: frozenset[Channel] = frozenset(),
    ) -> str:
        return self._consent.snapshot(record, beeld, remaining)

    # Names -----------------------------------------------------------------------------------

    def story_names(self, story: Story) -> StoryNames:
        return self._names.story_names(story)

    def names_to_replace(self, story_id: str, approved: Beeld | None) -> list[str]:
        return self._names.names_to_replace(story_id, approved)

    def third_parties(self, story_id: str) -> list[tuple[FoundName, bool]]:
        return self._names.third_parties(story_id)

    def replace_names_again(self, story_id: str, names: list[str], *, by: str) -> StepResult:
        return self._then_publish(self._names.replace_names_again(story_id, names, by=by))

    def keep_names(self, story_id: str, names: list[str], *, by: str, source: str) -> StepResult:
        return self._then_publish(self._names.keep_names(story_id, names, by=by, source=source))

    def pseudonymise(self, story_id: str, names: list[str]) -> StepResult:
        return self._then_publish(self._names.pseudonymise(story_id, names))

    # Publishing and booklets -----------------------------------------------------------------

    def publish(self, story_id: str) -> StepResult:
        return self._publishing.publish(story_id)

    def booklet_entries(self, group: str):
        return self._booklets.booklet_entries(group)

    def booklet(self, group: str) -> StepResult:
        return self._booklets.booklet(group)

    def refresh_booklets(self, story_id: str) -> None:
        self._booklets.refresh_booklets(story_id)

    # Bookkeeping -----------------------------------------------------------------------------

    def pending(self) -> list[tuple[str, Step]]:
        return self._bookkeeping.pending()

    def outbox_out_of_line(self) -> list[str]:
        return self._publishing.outbox_out_of_line()

    def remove_crash_leftovers(self) -> int:
        return self._bookkeeping.remove_crash_leftovers()

    def failed_in(self, story_id: str) -> State | None:
        return self.context.failed_in(story_id)
