"""Consent in words: channel names for people, the channel list staff type, who recorded it,
the ledger's lines for ``goodwork status``, and the consent text a decision is bound to."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.consent.snapshot import name_nl
from goodwork_pipeline.consent_wording import CHANNEL_BOXES
from goodwork_pipeline.errors import ConsentError
from goodwork_pipeline.models import Beeld, Channel, ConsentRecord
from goodwork_pipeline.store.repository import Store

# Where consent came from, as the ledger's ``source`` column says it.
SOURCE_DOCUMENT = "document"
SOURCE_CLI = "cli"
SOURCE_PREFECT = "prefect"
CONSENT_FOLDER = "consent"


@dataclass(frozen=True)
class BoundText:
    """The text a staff-recorded consent is bound to, and how to say which one it is."""

    beeld: Beeld
    sha256: str
    described: str
    described_nl: str
    version: int | None


def parse_channels(values: Iterable[str]) -> frozenset[Channel]:
    """Channel names as staff type them: 'website,social', 'linkedin', 'groep', 'intern'."""
    aliases = {
        "website": Channel.WEBSITE,
        "web": Channel.WEBSITE,
        "social": Channel.SOCIAL,
        "sociale-media": Channel.SOCIAL,
        "socialmedia": Channel.SOCIAL,
        "linkedin": Channel.SOCIAL,
        "group": Channel.GROUP,
        "groep": Channel.GROUP,
        "groepsgesprek": Channel.GROUP,
        "internal": Channel.INTERNAL,
        "intern": Channel.INTERNAL,
    }
    found: set[Channel] = set()
    for value in values:
        for part in value.replace(";", ",").split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name in ("all", "alle"):
                found.update(Channel)
                continue
            if name not in aliases:
                raise ConsentError(
                    f"Unknown channel '{part.strip()}'. Use: website, social, group, internal "
                    "(or 'all').",
                    nl=f"Onbekende plek '{part.strip()}'. Kies uit: website, social, group, "
                    "internal (of 'all').",
                )
            found.add(aliases[name])
    return frozenset(found)


def latest_changes_report(pipeline_workspace: Path, events: list[Any]) -> str | None:
    """The newest readable diff of a returned draft, for 'goodwork status STORY'."""
    for event in reversed(events):
        relative = (event.detail or {}).get("report")
        if relative:
            path = pipeline_workspace / relative
            with contextlib.suppress(OSError):
                return path.read_text(encoding="utf-8")
    return None


def consent_summary(records: list[ConsentRecord]) -> list[str]:
    """The ledger of one story as lines (Dutch, for staff)."""
    lines = []
    for record in records:
        when = record.at.astimezone().strftime("%Y-%m-%d %H:%M")
        if record.action == consent_rules.GRANT:
            what = (
                f"toestemming: {channels_nl(record.channels) or 'nergens'}; naam: "
                f"{name_nl(record.name_display)}; tekst {(record.text_sha256 or '')[:12]}…"
            )
        elif record.action == consent_rules.WITHDRAW:
            what = f"ingetrokken: {channels_nl(record.channels) or 'alles'}"
        else:
            what = "niet goedgekeurd"
        ref = f" ({record.source_ref[:16]}…)" if record.source_ref else ""
        note = f" — {record.note}" if record.note else ""
        lines.append(
            f"#{record.id} {when} · {what} · door {record.actor} via {record.source}{ref}{note}"
        )
    return lines


def channels_nl(channels: Iterable[Channel]) -> str:
    chosen = set(channels)
    return ", ".join(CHANNEL_BOXES[c] for c in Channel if c in chosen)


def channels_en(channels: Iterable[Channel]) -> str:
    chosen = set(channels)
    return ", ".join(c.value for c in Channel if c in chosen)


@dataclass(frozen=True)
class ConsentView:
    """One story's consent for 'goodwork status STORY': the ledger's lines, what holds now
    (``current_nl`` None: no valid consent, nothing is shared) and the newest diff of a
    returned draft."""

    story_id: str
    ledger: list[str]
    current_nl: str | None
    changes_report: str | None


def consent_view(store: Store, workspace: Path, story: str) -> ConsentView:
    found = store.story(story)
    records = store.consent_records(found.id)
    current = consent_rules.consent_for(store, found.id) if records else None
    return ConsentView(
        story_id=found.id,
        ledger=consent_summary(records),
        current_nl=None if current is None else channels_nl(current.channels),
        changes_report=latest_changes_report(workspace, store.events(found.id)),
    )
