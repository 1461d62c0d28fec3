"""Retention: recordings are deleted a set number of days after the story's decision.

The clock starts at the story's latest decision (the last time it became ``approved`` or
``declined``); a story whose current state is still open (received, transcribed, drafted, in
review, failed) keeps its recording, whatever its age. What goes:

- the archived original (``original/``), any copies of it that arrived again
  (``duplicates/``) and its copy decoded for the review page (``review-cache/``): recordings,
  personal data;
- the transcript folder too when ``keep_transcripts`` is false.

Drafts, returned documents and approved texts stay: they are the record of what the
participant agreed to. Every deletion is an event on the story (``purge``) and an operator
log line with the story id.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.clock import Clock
from goodwork_pipeline.logs import fields
from goodwork_pipeline.models import State
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.programme import open_store
from goodwork_pipeline.store.repository import Store, Story
from goodwork_pipeline.store.workspace import Workspace

log = logging.getLogger(__name__)

DECIDED = frozenset({State.APPROVED, State.DECLINED})
CLOSED = frozenset({State.APPROVED, State.DECLINED, State.PUBLISHED, State.WITHDRAWN})


@dataclass(frozen=True)
class Deletion:
    """What retention removes (or would remove) for one story."""

    story_id: str
    decided_at: dt.datetime
    due_at: dt.datetime
    paths: tuple[Path, ...]

    @property
    def bytes(self) -> int:
        return sum(_size(path) for path in self.paths)


def decided_at(store: Store, story: Story) -> dt.datetime | None:
    """When the story was last approved or declined; None while it is open."""
    if story.state not in CLOSED:
        return None
    moments = [e.at for e in store.events(story.id) if e.kind == "state" and e.state in DECIDED]
    return max(moments) if moments else None


def plan(store: Store, settings: Settings, now: dt.datetime) -> list[Deletion]:
    """Everything due for deletion at ``now``, oldest decision first. Changes nothing."""
    keep = dt.timedelta(days=settings.keep_recordings_days)
    workspace = Workspace(settings.workspace_dir)
    due: list[Deletion] = []
    for story in store.stories(CLOSED):
        decided = decided_at(store, story)
        if decided is None or decided + keep > now:
            continue
        files = workspace.story(story.id)
        paths = [files.original_dir, files.root / "duplicates", files.review_cache_dir]
        if not settings.keep_transcripts:
            paths.append(files.transcript_dir)
        existing = tuple(path for path in paths if path.exists() and _has_files(path))
        if existing:
            due.append(Deletion(story.id, decided, decided + keep, existing))
    return sorted(due, key=lambda d: d.decided_at)


def purge(
    store: Store, settings: Settings, clock: Clock, *, dry_run: bool = False, actor: str = ""
) -> list[Deletion]:
    """Delete what ``plan`` finds and record each deletion; with ``dry_run`` only report."""
    deletions = plan(store, settings, clock.now())
    if dry_run:
        return deletions
    for deletion in deletions:
        story = store.story(deletion.story_id)
        if story.state not in CLOSED:  # re-opened since the plan was made
            continue
        removed: list[str] = []
        for path in deletion.paths:
            removed.extend(_relative(settings, p) for p in _files(path))
            shutil.rmtree(path)
        days = settings.keep_recordings_days
        what_nl = "Opname" if settings.keep_transcripts else "Opname en transcript"
        store.record_event(
            story.id,
            "purge",
            actor=actor or settings.actor,
            source="retention",
            message=f"deleted {len(removed)} file(s) after the retention period of {days} days: "
            + ", ".join(removed),
            message_nl=f"{what_nl} verwijderd: bewaartermijn van {days} dagen na het besluit "
            "verstreken",
            detail={
                "deleted": removed,
                "decided_at": deletion.decided_at.isoformat(),
                "keep_recordings_days": days,
                "keep_transcripts": settings.keep_transcripts,
            },
        )
        log.info(
            "retention: deleted %d file(s), %d day(s) after the decision",
            len(removed),
            days,
            extra=fields(story=story.id, event="purged", count=len(removed)),
        )
    return deletions


def purge_programme(
    settings: Settings, clock: Clock, *, dry_run: bool = False
) -> list[Deletion] | None:
    """``purge`` on the programme's store, opened and closed here; None: nothing has been
    processed in this folder yet (no database, and none is made)."""
    store = open_store(settings)
    if store is None:
        return None
    try:
        return purge(store, settings, clock, dry_run=dry_run)
    finally:
        store.close()


def was_purged(store: Store, story_id: str) -> bool:
    return store.last_event(story_id, "purge") is not None


def _relative(settings: Settings, path: Path) -> str:
    try:
        return str(path.relative_to(settings.workspace_dir))
    except ValueError:
        return str(path)


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


def _has_files(path: Path) -> bool:
    return any(p.is_file() for p in path.rglob("*"))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in _files(path)) if path.is_dir() else path.stat().st_size
