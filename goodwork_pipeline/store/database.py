"""The workspace database itself: its tables, the append-only guards, and opening it.

SQLite in the workspace by default (a file for its owner only, WAL, foreign keys on); any
SQLAlchemy URL (PostgreSQL) through ``database``. ``events`` and ``consents`` are append-only:
the database refuses UPDATE and DELETE on them (triggers), so a bug cannot rewrite history.
Creating the schema is safe when several processes open a fresh database at once.

``Database`` is the open connection the ``Store`` and its parts share: the engine, the clock
records are stamped with, and a transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from goodwork_pipeline.clock import Clock, SystemClock
from goodwork_pipeline.errors import StoreError
from goodwork_pipeline.files import PRIVATE_FILE_MODE, make_dirs

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


class Database:
    """The open workspace database (schema created if missing); see the module docstring."""

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


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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
