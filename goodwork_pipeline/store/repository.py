"""The workspace database's ``Store``: stories, their event history, inbox outcomes, consent.

Three rules hold here and nowhere else:

- a story's id is random and says nothing about the person (``GW-`` and 8 letters/digits);
  the recording's SHA-256 is unique, so the same audio is one story whatever its file name;
- ``events`` and ``consents`` are append-only: the database itself refuses UPDATE and DELETE
  on them (triggers, installed by ``database``), so a bug cannot rewrite history;
- a story's state only moves along ``lifecycle.ALLOWED``; every move is an event with
  time, actor and source.

``Store`` is what every stage reads and writes through: stories and their events here, inbox
outcomes from ``inputs`` and consent records from ``consents``, on the connection they share
(``database``: SQLite in the workspace by default; any SQLAlchemy URL, PostgreSQL, through the
``database`` setting).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from goodwork_pipeline.errors import StoreError, UnknownStoryError
from goodwork_pipeline.lifecycle import ALLOWED
from goodwork_pipeline.models import Sidecar, State
from goodwork_pipeline.store.consents import ConsentRecords
from goodwork_pipeline.store.database import events, stories, utc
from goodwork_pipeline.store.inputs import InputOutcomes

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


@dataclass(frozen=True)
class Story:
    id: str
    source_sha256: str
    source_name: str
    kind: str
    state: State
    state_since: dt.datetime
    created_at: dt.datetime
    sidecar: Sidecar
    draft_version: int
    approved_sha256: str | None
    last_error: str | None
    last_error_nl: str | None


@dataclass(frozen=True)
class Event:
    id: int
    story_id: str | None
    at: dt.datetime
    kind: str
    state: State | None
    actor: str
    source: str
    message: str
    message_nl: str | None
    detail: dict[str, Any] | None


def new_story_id() -> str:
    return "GW-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


class Store(InputOutcomes, ConsentRecords):
    """All reads and writes of the workspace database: stories and their events here, inbox
    outcomes (``inputs``) and consent records (``consents``) in its parts; the connection
    (``database.Database``) they share."""

    # Stories ---------------------------------------------------------------------------

    def create_story(
        self,
        *,
        source_sha256: str,
        source_name: str,
        kind: str,
        sidecar: Sidecar,
        actor: str,
        source: str,
    ) -> tuple[Story, bool]:
        """Create the story for a recording, or return the existing one. True when created."""
        now = self.clock.now()
        for _ in range(5):
            story_id = new_story_id()
            try:
                with self._tx() as conn:
                    existing = conn.execute(
                        sa.select(stories).where(stories.c.source_sha256 == source_sha256)
                    ).first()
                    if existing is not None:
                        return _story(existing), False
                    conn.execute(
                        stories.insert().values(
                            id=story_id,
                            source_sha256=source_sha256,
                            source_name=source_name,
                            kind=kind,
                            state=State.RECEIVED.value,
                            state_since=now,
                            created_at=now,
                            sidecar=sidecar.to_json(),
                            draft_version=0,
                        )
                    )
                    self._insert_event(
                        conn,
                        story_id,
                        kind="state",
                        state=State.RECEIVED,
                        actor=actor,
                        source=source,
                        message=f"received {kind} ({source_sha256[:12]})",
                        message_nl="Opname ontvangen"
                        if kind == "audio"
                        else "Transcript ontvangen",
                        at=now,
                    )
                return self.story(story_id), True
            except sa.exc.IntegrityError:
                # Either another process created the same recording's story, or (rarely)
                # the random id collided: look again.
                continue
        raise StoreError(f"Could not create a story for {source_name}; try again.")

    def story(self, story_id: str) -> Story:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(stories).where(stories.c.id == normalise_story_id(story_id))
            ).first()
        if row is None:
            raise UnknownStoryError(
                f"No story with code {story_id!r}. Run 'goodwork status' to see the codes.",
                nl=f"Er is geen verhaal met code {story_id}. 'goodwork status' toont alle codes.",
            )
        return _story(row)

    def find_story(self, story_id: str) -> Story | None:
        try:
            return self.story(story_id)
        except UnknownStoryError:
            return None

    def story_by_source(self, source_sha256: str) -> Story | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(stories).where(stories.c.source_sha256 == source_sha256)
            ).first()
        return _story(row) if row else None

    def stories(self, states: Iterable[State] | None = None) -> list[Story]:
        query = sa.select(stories).order_by(stories.c.created_at, stories.c.id)
        if states is not None:
            query = query.where(stories.c.state.in_([s.value for s in states]))
        with self.engine.connect() as conn:
            return [_story(row) for row in conn.execute(query)]

    def transition(
        self,
        story_id: str,
        state: State,
        *,
        actor: str,
        source: str,
        message: str,
        message_nl: str | None = None,
        detail: dict[str, Any] | None = None,
        **columns: Any,
    ) -> Story:
        """Move a story to ``state`` (checked against the lifecycle) and record the event."""
        now = self.clock.now()
        with self._tx() as conn:
            row = conn.execute(sa.select(stories.c.state).where(stories.c.id == story_id)).first()
            if row is None:
                raise UnknownStoryError(f"No story with code {story_id!r}.")
            current = State(row.state)
            if state not in ALLOWED[current]:
                raise StoreError(
                    f"Story {story_id} cannot go from {current} to {state}; "
                    "this is a bug in goodwork, please report it."
                )
            values: dict[str, Any] = {"state": state.value, **columns}
            if state != current:
                values["state_since"] = now
            if state != State.FAILED:
                values.update(last_error=None, last_error_nl=None)
            conn.execute(stories.update().where(stories.c.id == story_id).values(**values))
            self._insert_event(
                conn,
                story_id,
                kind="state",
                state=state,
                actor=actor,
                source=source,
                message=message,
                message_nl=message_nl,
                detail=detail,
                at=now,
            )
        return self.story(story_id)

    def fail(
        self, story_id: str, *, message: str, message_nl: str, actor: str, source: str
    ) -> Story:
        return self.transition(
            story_id,
            State.FAILED,
            actor=actor,
            source=source,
            message=message,
            message_nl=message_nl,
            detail={"failed_in": self.story(story_id).state.value},
            last_error=message,
            last_error_nl=message_nl,
        )

    def update_story(self, story_id: str, **columns: Any) -> Story:
        """Change bookkeeping columns (draft version, approved text) without a state change."""
        allowed = {"draft_version", "approved_sha256", "sidecar"}
        if not set(columns) <= allowed:
            raise StoreError(f"update_story only changes {sorted(allowed)}")
        with self._tx() as conn:
            conn.execute(stories.update().where(stories.c.id == story_id).values(**columns))
        return self.story(story_id)

    # Events ----------------------------------------------------------------------------

    def record_event(
        self,
        story_id: str | None,
        kind: str,
        *,
        actor: str,
        source: str,
        message: str,
        message_nl: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self._tx() as conn:
            self._insert_event(
                conn,
                story_id,
                kind=kind,
                state=None,
                actor=actor,
                source=source,
                message=message,
                message_nl=message_nl,
                detail=detail,
                at=self.clock.now(),
            )

    def events(self, story_id: str) -> list[Event]:
        query = (
            sa.select(events)
            .where(events.c.story_id == normalise_story_id(story_id))
            .order_by(events.c.id)
        )
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def last_event(self, story_id: str, kind: str | None = None) -> Event | None:
        query = sa.select(events).where(events.c.story_id == story_id)
        if kind is not None:
            query = query.where(events.c.kind == kind)
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(events.c.id.desc()).limit(1)).first()
        return _event(row) if row else None

    @staticmethod
    def _insert_event(
        conn: Connection,
        story_id: str | None,
        *,
        kind: str,
        state: State | None,
        actor: str,
        source: str,
        message: str,
        message_nl: str | None = None,
        detail: dict[str, Any] | None = None,
        at: dt.datetime,
    ) -> None:
        conn.execute(
            events.insert().values(
                story_id=story_id,
                at=at,
                kind=kind,
                state=state.value if state else None,
                actor=actor,
                source=source,
                message=message,
                message_nl=message_nl,
                detail=detail,
            )
        )


def normalise_story_id(value: str) -> str:
    """Accept 'gw-7k3q m2xd', 'GW7K3QM2XD' etc. as typed by staff."""
    compact = "".join(ch for ch in value.upper() if ch.isalnum())
    compact = compact.replace("O", "0").replace("I", "1").replace("L", "1")
    if compact.startswith("GW"):
        compact = compact[2:]
    return "GW-" + compact


def _story(row: Any) -> Story:
    return Story(
        id=row.id,
        source_sha256=row.source_sha256,
        source_name=row.source_name,
        kind=row.kind,
        state=State(row.state),
        state_since=utc(row.state_since),
        created_at=utc(row.created_at),
        sidecar=Sidecar.from_json(row.sidecar or {}),
        draft_version=row.draft_version or 0,
        approved_sha256=row.approved_sha256,
        last_error=row.last_error,
        last_error_nl=row.last_error_nl,
    )


def _event(row: Any) -> Event:
    return Event(
        id=row.id,
        story_id=row.story_id,
        at=utc(row.at),
        kind=row.kind,
        state=State(row.state) if row.state else None,
        actor=row.actor,
        source=row.source,
        message=row.message,
        message_nl=row.message_nl,
        detail=row.detail if isinstance(row.detail, dict) else _json_or_none(row.detail),
    )


def _json_or_none(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return json.loads(value)
    return dict(value)
