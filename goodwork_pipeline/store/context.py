"""What every step of a story shares: the settings, the store, the workspace, the clock, who
acts and through which door; one step of a story at a time (``story_lock``); and the one way
an error in a step is recorded on the story (``recording_failures``).

The stage classes (``intake.steps``, ``consent.steps``, ...) each hold one ``StepContext``;
``Pipeline`` makes it once and composes them. It is mutable on purpose: a test (or the review
page) may give the pipeline new settings, and every stage then sees them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from goodwork_pipeline.clock import Clock
from goodwork_pipeline.errors import GoodworkError, InputError
from goodwork_pipeline.files import make_dirs
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import State
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.store.workspace import Workspace

log = logging.getLogger(__name__)
_HELD = threading.local()  # story locks this thread holds


@dataclass
class StepContext:
    settings: Settings
    store: Store
    workspace: Workspace
    clock: Clock
    actor: str
    source: str

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
    def recording_failures(self, story_id: str, step: str) -> Iterator[None]:
        """Record a failed step on the story: a problem with an input (a ``GoodworkError``)
        is swallowed (the step then returns ``failure_of``), any other error re-raises."""
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

    def failure_of(self, story_id: str) -> StepResult:
        """The failure ``recording_failures`` recorded, as a step's result."""
        story = self.store.story(story_id)
        return StepResult(False, story_id, story.last_error or "", story.last_error_nl or "")

    def failed_in(self, story_id: str) -> State | None:
        """The state a failed story was in when its step failed."""
        event = self.store.last_event(story_id, "state")
        if event is None or event.state != State.FAILED or not event.detail:
            return None
        value = event.detail.get("failed_in")
        return State(value) if value else None


def _log_failure(story_id: str, step: str, error: GoodworkError) -> None:
    # Problems with an input may quote the file or its content: class only at ERROR. Setup
    # problems (settings, model, guide, templates, store) are the operator's to fix: say them.
    extra = fields(story=story_id, event="failed", step=step, error=error.__class__.__name__)
    if isinstance(error, InputError):
        log.error("%s failed (%s)", step, error.__class__.__name__, extra=extra)
        log.debug("story %s: %s failed: %s", story_id, step, error)
    else:
        log.error("%s failed: %s", step, error, extra=extra)
