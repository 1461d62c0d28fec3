"""Consent: default deny, per channel, bound to the exact approved text.

The ledger (``consents`` table) is append-only; the current consent of a story is derived
from it here and nowhere else. A consent is valid only for the text whose SHA-256 it names:
when the approved text changes, earlier consent no longer counts until it is given again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from goodwork_pipeline.consent_wording import WORDING_VERSION
from goodwork_pipeline.models import Channel, Consent, ConsentRecord, NameDisplay
from goodwork_pipeline.store.repository import Store

GRANT = "grant"
WITHDRAW = "withdraw"
DECLINE = "decline"


def current_consent(
    records: Sequence[ConsentRecord], approved_sha256: str | None
) -> Consent | None:
    """What may be published now: ``None`` unless a grant covers the current approved text."""
    state: ConsentRecord | None = None
    channels: frozenset[Channel] = frozenset()
    for record in records:
        if record.action == GRANT:
            state, channels = record, record.channels
        elif record.action == WITHDRAW:
            channels = channels - record.channels if record.channels else frozenset()
        elif record.action == DECLINE:
            state, channels = None, frozenset()
    if state is None or not channels or approved_sha256 is None:
        return None
    if state.text_sha256 != approved_sha256:
        return None
    return Consent(
        story_id=state.story_id,
        channels=channels,
        name_display=state.name_display or NameDisplay.ROLE,
        text_sha256=state.text_sha256,
        record_id=records[-1].id,
    )


def consent_for(store: Store, story_id: str) -> Consent | None:
    story = store.story(story_id)
    return current_consent(store.consent_records(story.id), story.approved_sha256)


def grant(
    store: Store,
    story_id: str,
    *,
    channels: Iterable[Channel],
    name_display: NameDisplay,
    text_sha256: str,
    actor: str,
    source: str,
    source_ref: str | None = None,
    note: str | None = None,
    wording_version: str = WORDING_VERSION,
) -> ConsentRecord:
    return store.append_consent(
        story_id,
        action=GRANT,
        channels=frozenset(channels),
        name_display=name_display,
        text_sha256=text_sha256,
        wording_version=wording_version,
        actor=actor,
        source=source,
        source_ref=source_ref,
        note=note,
    )


def withdraw(
    store: Store,
    story_id: str,
    *,
    channels: Iterable[Channel] = (),
    actor: str,
    source: str,
    source_ref: str | None = None,
    note: str | None = None,
) -> ConsentRecord:
    """Withdraw the given channels, or all of them when none are given."""
    return store.append_consent(
        story_id,
        action=WITHDRAW,
        channels=frozenset(channels),
        name_display=None,
        text_sha256=None,
        wording_version=WORDING_VERSION,
        actor=actor,
        source=source,
        source_ref=source_ref,
        note=note,
    )


def decline(
    store: Store, story_id: str, *, actor: str, source: str, source_ref: str | None = None
) -> ConsentRecord:
    return store.append_consent(
        story_id,
        action=DECLINE,
        channels=frozenset(),
        name_display=None,
        text_sha256=None,
        wording_version=WORDING_VERSION,
        actor=actor,
        source=source,
        source_ref=source_ref,
    )
