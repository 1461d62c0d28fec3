"""The workspace database: stories, their event history, inbox outcomes and the consent ledger.

Three rules hold here and nowhere else:

- a story's id is random and says nothing about the person (``GW-`` and 8 letters/digits);
  the recording's SHA-256 is unique, so the same audio is one story whatever its file name;
- ``events`` and ``consents`` are append-only: the database itself refuses UPDATE and DELETE
  on them (triggers), so a bug cannot rewrite history;
- a story's state only moves along ``lifecycle.ALLOWED``; every move is an event with
  time, actor and source.

SQLite in the workspace by default; any SQLAlchemy URL (PostgreSQL) through ``database``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from goodwork_pipeline.clock import Clock, SystemClock
from goodwork_pipeline.errors import StoreError, UnknownStoryError
from goodwork_pipeline.files import PRIVATE_FILE_MODE, make_dirs
from goodwork_pipeline.lifecycle import ALLOWED
from goodwork_pipeline.models import Channel, ConsentRecord, NameDisplay, Sidecar, State

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U

metadata = sa.MetaData()

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("source_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # "audio" or "transcript"
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sidecar", sa.JSON, nullable=False),
    sa.Column("draft_version", sa.Integer, nullable=False, default=0),
    sa.Column("approved_sha256", sa.String(64)),
    sa.Column("last_error", sa.Text),
    sa.Column("last_error_nl", sa.Text),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("story_id", sa.String(16), sa.ForeignKey("stories.id"), index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16)),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("message_nl", sa.Text),
    sa.Column("detail", sa.JSON),
)

inputs = sa.Table(
    "inputs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # accepted, duplicate, rejected
    sa.Column("story_id", sa.String(16)),
    sa.Column("message", sa.Text),
    sa.Column("message_nl", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("story_id", sa.String(16), sa.ForeignKey("stories.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("channels", sa.JSON, nullable=False),
    sa.Column("name_display", sa.String(8)),
    sa.Column("text_sha256", sa.String(64)),
    sa.Column("wording_version", sa.String(32), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("source_ref", sa.Text),
    sa.Column("note", sa.Text),
)

APPEND_ONLY = ("events", "consents")


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


@dataclass(frozen=True)
class InputOutcome:
    sha256: str
    name: str
    kind: str
    outcome: str
    story_id: str | None
    message: str | None
    message_nl: str | None
    at: dt.datetime


def new_story_id() -> str:
    return "GW-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Store:
    """All reads and writes of the workspace database."""

    def __init__(self, url: str, clock: Clock | None = None):
        self.url = url
        self.clock = clock or SystemClock()
        self.engine = _make_engine(url)
        try:
            _create_schema(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot open the workspace database ({url.split('@')[-1]}): "
                f"{exc.__class__.__name__}: {exc}. Check the 'workspace' and 'database' settings."
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

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

    # Inbox outcomes ----------------------------------------------------------------------

    def record_input(
        self,
        *,
        sha256: str,
        name: str,
        kind: str,
        outcome: str,
        story_id: str | None = None,
        message: str | None = None,
        message_nl: str | None = None,
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                inputs.insert().values(
                    sha256=sha256,
                    name=name,
                    kind=kind,
                    outcome=outcome,
                    story_id=story_id,
                    message=message,
                    message_nl=message_nl,
                    at=self.clock.now(),
                )
            )

    def input_outcome(self, sha256: str, name: str) -> InputOutcome | None:
        """The latest outcome for this exact file content under this name."""
        query = (
            sa.select(inputs)
            .where(inputs.c.sha256 == sha256, inputs.c.name == name)
            .order_by(inputs.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _input(row) if row else None

    def rejected_inputs(self) -> list[InputOutcome]:
        """The latest outcome per file name, where that outcome was a rejection."""
        latest = sa.select(sa.func.max(inputs.c.id)).group_by(inputs.c.name).scalar_subquery()
        query = (
            sa.select(inputs)
            .where(inputs.c.id.in_(latest), inputs.c.outcome == "rejected")
            .order_by(inputs.c.id)
        )
        with self.engine.connect() as conn:
            return [_input(row) for row in conn.execute(query)]

    # Consent ledger ----------------------------------------------------------------------

    def append_consent(
        self,
        story_id: str,
        *,
        action: str,
        channels: Iterable[Channel],
        name_display: NameDisplay | None,
        text_sha256: str | None,
        wording_version: str,
        actor: str,
        source: str,
        source_ref: str | None = None,
        note: str | None = None,
    ) -> ConsentRecord:
        now = self.clock.now()
        with self._tx() as conn:
            result = conn.execute(
                consents.insert().values(
                    story_id=story_id,
                    at=now,
                    action=action,
                    channels=sorted(channel.value for channel in channels),
                    name_display=name_display.value if name_display else None,
                    text_sha256=text_sha256,
                    wording_version=wording_version,
                    actor=actor,
                    source=source,
                    source_ref=source_ref,
                    note=note,
                )
            )
            key = result.inserted_primary_key
            assert key is not None  # an insert always has one
            record_id = key[0]
            row = conn.execute(sa.select(consents).where(consents.c.id == record_id)).one()
        return _consent(row)

    def consent_records(self, story_id: str) -> list[ConsentRecord]:
        query = sa.select(consents).where(consents.c.story_id == story_id).order_by(consents.c.id)
        with self.engine.connect() as conn:
            return [_consent(row) for row in conn.execute(query)]


def normalise_story_id(value: str) -> str:
    """Accept 'gw-7k3q m2xd', 'GW7K3QM2XD' etc. as typed by staff."""
    compact = "".join(ch for ch in value.upper() if ch.isalnum())
    compact = compact.replace("O", "0").replace("I", "1").replace("L", "1")
    if compact.startswith("GW"):
        compact = compact[2:]
    return "GW-" + compact


def _create_private_sqlite(path: Path) -> None:
    """A new SQLite file (and its folder) for its owner only; SQLite gives its journal and
    WAL files the database file's mode."""
    if path.exists():
        return
    make_dirs(path.parent, private=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        _create_private_sqlite(Path(url.removeprefix("sqlite:///")))
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


# Any constant: the PostgreSQL advisory lock that serialises schema set-up across processes.
_SCHEMA_LOCK = 7_470_411


def _create_schema(engine: Engine) -> None:
    """Create missing tables and guards; safe when several processes start at once."""
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # Several workers may open a fresh database together; CREATE TABLE is
                    # not idempotent under concurrency, so take turns.
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
                metadata.create_all(conn)
                _install_append_only_guards(conn)
            return
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
            # SQLite: another process created a table between our check and our CREATE.
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _install_append_only_guards(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for op in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} "
                    f"BEFORE {op} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif conn.dialect.name == "postgresql":
        # (%% : the driver's placeholder syntax; PostgreSQL receives a single %)
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION goodwork_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            conn.exec_driver_sql(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION goodwork_append_only()"
            )


def _story(row: Any) -> Story:
    return Story(
        id=row.id,
        source_sha256=row.source_sha256,
        source_name=row.source_name,
        kind=row.kind,
        state=State(row.state),
        state_since=_utc(row.state_since),
        created_at=_utc(row.created_at),
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
        at=_utc(row.at),
        kind=row.kind,
        state=State(row.state) if row.state else None,
        actor=row.actor,
        source=row.source,
        message=row.message,
        message_nl=row.message_nl,
        detail=row.detail if isinstance(row.detail, dict) else _json_or_none(row.detail),
    )


def _input(row: Any) -> InputOutcome:
    return InputOutcome(
        sha256=row.sha256,
        name=row.name,
        kind=row.kind,
        outcome=row.outcome,
        story_id=row.story_id,
        message=row.message,
        message_nl=row.message_nl,
        at=_utc(row.at),
    )


def _consent(row: Any) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        story_id=row.story_id,
        at=_utc(row.at),
        action=row.action,
        channels=frozenset(Channel(value) for value in row.channels),
        name_display=NameDisplay(row.name_display) if row.name_display else None,
        text_sha256=row.text_sha256,
        wording_version=row.wording_version,
        actor=row.actor,
        source=row.source,
        source_ref=row.source_ref,
        note=row.note,
    )


def _json_or_none(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return json.loads(value)
    return dict(value)
