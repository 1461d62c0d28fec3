"""'Checked by the interviewer': the optional step between a draft and sending it.

The interviewer reads the draft next to the recording (``goodwork review``) and marks a draft
version ready to send. The mark is an event on the story (kind ``checked``) bound to that
draft version, not a state of its own: a newer version is unchecked until it is marked
again, and the lifecycle in ``lifecycle.ALLOWED`` stays as it is. With the setting
``require_review_before_send`` a draft is only sent (``goodwork send`` / ``goodwork sent``)
once its newest version is checked; by default checking is optional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.repository import Store, Story

CHECKED = "checked"
REVIEW_SOURCE = "review"


@dataclass(frozen=True)
class Check:
    version: int
    by: str
    at: dt.datetime


def current_check(store: Store, story: Story) -> Check | None:
    """The interviewer's mark on the story's newest draft version, if it has one."""
    event = store.last_event(story.id, CHECKED)
    if event is None or not event.detail or story.draft_version == 0:
        return None
    if event.detail.get("version") != story.draft_version:
        return None
    return Check(version=story.draft_version, by=event.actor, at=event.at)


def record_check(store: Store, story: Story, *, by: str, source: str = REVIEW_SOURCE) -> Check:
    version = story.draft_version
    store.record_event(
        story.id,
        CHECKED,
        actor=by,
        source=source,
        message=f"draft version {version} checked against the recording by {by}: ready to send",
        message_nl=f"Concept (versie {version}) gecontroleerd door {by}: klaar om te versturen",
        detail={"version": version},
    )
    checked = current_check(store, store.story(story.id))
    assert checked is not None
    return checked


def check_missing(settings: Settings, store: Store, story: Story) -> bool:
    """True when the settings require a check before sending and the newest draft has none."""
    return settings.require_review_before_send and current_check(store, story) is None


def describe_check(settings: Settings, store: Store, story: Story) -> str:
    """One line for staff (Dutch): checked by whom, or whether it is still needed."""
    checked = current_check(store, story)
    if checked is not None:
        when = checked.at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"ja: versie {checked.version}, door {checked.by} ({when})"
    if story.draft_version == 0:
        return "-"
    return "nee (nodig voor versturen)" if settings.require_review_before_send else "nee"
