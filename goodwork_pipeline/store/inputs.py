"""What the inbox did with each file it saw: accepted, a duplicate, or rejected (and why).

The inbox looks here before it reads a file again: the same content under the same name keeps
its outcome, and ``goodwork status`` lists the files whose latest outcome was a rejection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from goodwork_pipeline.store.database import Database, inputs, utc


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


class InputOutcomes(Database):
    """The ``Store``'s reads and writes of inbox outcomes (the ``inputs`` table)."""

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


def _input(row: Any) -> InputOutcome:
    return InputOutcome(
        sha256=row.sha256,
        name=row.name,
        kind=row.kind,
        outcome=row.outcome,
        story_id=row.story_id,
        message=row.message,
        message_nl=row.message_nl,
        at=utc(row.at),
    )
