"""The consent ledger's records in the database: appended one per decision, never changed.

The ``consents`` table is append-only (the database refuses UPDATE and DELETE, see
``database``); each record names its channels, how the name is shown, the sha256 of the
approved text and the consent wording's version. ``consent.ledger`` reads the newest one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from goodwork_pipeline.models import Channel, ConsentRecord, NameDisplay
from goodwork_pipeline.store.database import Database, consents, utc


class ConsentRecords(Database):
    """The ``Store``'s reads and writes of consent records (the ``consents`` table)."""

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


def _consent(row: Any) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        story_id=row.story_id,
        at=utc(row.at),
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
