"""Where every story stands, in words staff understand (Dutch), for the CLI and Prefect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from goodwork_pipeline.consent.ledger import consent_for
from goodwork_pipeline.drafting.interviewer_check import current_check, describe_check
from goodwork_pipeline.intake.door import asked_from_outside
from goodwork_pipeline.intake.inbox import scan_inbox
from goodwork_pipeline.lifecycle import NEEDS_STAFF, NEXT_NL, STATE_NL
from goodwork_pipeline.models import State
from goodwork_pipeline.publishing.outbox import DRAFTS_FOLDER
from goodwork_pipeline.review.paper_answers import (
    PLACEHOLDERS_NL,
    consent_command,
    pending_paper_answer,
)
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.inputs import InputOutcome
from goodwork_pipeline.store.repository import Store, Story


@dataclass(frozen=True)
class StatusRow:
    code: str
    who: str
    state: str
    since: str
    next_step: str
    last_message: str
    last_error: str = ""
    group: str = ""
    state_key: State | None = None


def parse_state(value: str) -> State:
    """A state as staff or operators type it: English (``failed``) or Dutch (``mislukt``)."""
    text = value.strip().lower().replace("-", "_")
    for state in State:
        if text in (state.value, STATE_NL[state].replace(" ", "_")):
            return state
    known = ", ".join(f"{s.value} ({STATE_NL[s]})" for s in State)
    raise ValueError(f"unknown state {value!r}; known: {known}")


def status_rows(
    store: Store,
    settings: Settings,
    *,
    states: Iterable[str] | None = None,
    group: str | None = None,
    failed_only: bool = False,
    needs_staff: bool = False,
) -> tuple[list[StatusRow], list[InputOutcome]]:
    """Every story's row (filtered), and the files in the inbox that could not be used."""
    wanted = {parse_state(s) for s in states} if states else None
    if failed_only:
        wanted = {State.FAILED} if wanted is None else wanted & {State.FAILED}
    if needs_staff:
        wanted = set(NEEDS_STAFF) if wanted is None else wanted & NEEDS_STAFF
    stories = store.stories(wanted)
    if needs_staff and not (states or failed_only):  # a paper answer waits for staff too
        stories += [
            s
            for s in store.stories()
            if s.state not in NEEDS_STAFF and pending_paper_answer(store, s.id) is not None
        ]
    if group:
        stories = [s for s in stories if (s.sidecar.group or "").lower() == group.lower()]
    rows = [_row(store, settings, story) for story in stories]
    # A refused inbox file that was removed or renamed since is no longer waiting for anyone
    # (a refused path from outside the inbox was never in it: it stays listed).
    present = {item.path.name for item in scan_inbox(settings.inbox_dir)}
    refused = store.rejected_inputs()
    return rows, [i for i in refused if i.name in present or asked_from_outside(i)]


def next_step(store: Store, settings: Settings, story: Story) -> str:
    paper = pending_paper_answer(store, story.id)
    if paper is not None:
        detail = paper.detail or {}
        return (
            f"de deelnemer antwoordde op papier: bekijk {detail.get('kept')} en leg de keuzes "
            f"vast met: {consent_command(story.id, detail.get('version'))} ({PLACEHOLDERS_NL})"
        )
    state = story.state
    if state == State.DRAFTED:
        draft = f"{settings.outbox}/{DRAFTS_FOLDER}/{story.id}-v{story.draft_version}.docx"
        return _send_or_check(store, settings, story, draft)
    if state == State.APPROVED and consent_for(store, story.id) is None:
        return "niets: geen toestemming om te delen"
    return NEXT_NL[state].format(story=story.id)


def _send_or_check(store: Store, settings: Settings, story: Story, draft: str) -> str:
    checked = current_check(store, story)
    if checked is not None:
        return f"gecontroleerd door {checked.by}; stuur {draft} naar de deelnemer"
    if settings.require_review_before_send:
        return f"controleer het concept (goodwork review {story.id}), stuur het dan"
    return f"stuur {draft} naar de deelnemer (controleren kan met goodwork review {story.id})"


def _state_nl(store: Store, story: Story) -> str:
    if story.state == State.DRAFTED and current_check(store, story) is not None:
        return f"{STATE_NL[story.state]}, gecontroleerd"
    return STATE_NL[story.state]


def _row(store: Store, settings: Settings, story: Story) -> StatusRow:
    sidecar = story.sidecar
    who = sidecar.participant or sidecar.role or "(onbekend)"
    if sidecar.participant and sidecar.role:
        who = f"{sidecar.participant} ({sidecar.role})"
    last = store.last_event(story.id)
    message = story.last_error_nl or (last.message_nl or last.message if last else "")
    return StatusRow(
        code=story.id,
        who=who,
        state=_state_nl(store, story),
        since=_when(story.state_since),
        next_step=next_step(store, settings, story),
        last_message=message or "",
        last_error=(story.last_error_nl or story.last_error or "")
        if story.state == State.FAILED
        else "",
        group=story.sidecar.group or "",
        state_key=story.state,
    )


def story_history(store: Store, story_id: str) -> tuple[str, list[tuple[str, str, str, str, str]]]:
    story = store.story(story_id)
    header = (
        f"{story.id} · {STATE_NL[story.state]} sinds {_when(story.state_since)} · "
        f"bron: {story.source_name}"
    )
    rows = []
    for event in store.events(story.id):
        what = STATE_NL[event.state] if event.state else event.kind
        rows.append(
            (
                _when(event.at),
                what,
                event.actor,
                event.source,
                event.message_nl or event.message,
            )
        )
    return header, rows


def _when(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def story_markdown(store: Store, settings: Settings, story_id: str) -> str:
    """A Markdown summary of one story for the Prefect UI (an artifact per story run).

    It names the story by its code and the participant only by role: Prefect's database may
    live on a shared server, and names stay in the workspace.
    """
    story = store.story(story_id)
    role = story.sidecar.role or "(rol onbekend)"
    lines = [
        f"# {story.id}: {STATE_NL[story.state]}",
        "",
        "| | |",
        "|---|---|",
        f"| status | {STATE_NL[story.state]} (`{story.state.value}`) |",
        f"| sinds | {_when(story.state_since)} |",
        f"| rol | {_md(role)} |",
        f"| groep | {_md(story.sidecar.group or '-')} |",
        f"| conceptversie | {story.draft_version} |",
        f"| gecontroleerd door interviewer | {_md(describe_check(settings, store, story))} |",
        f"| volgende stap | {_md(next_step(store, settings, story))} |",
    ]
    if story.state == State.FAILED:
        lines.append(f"| laatste fout | {_md(story.last_error_nl or story.last_error or '')} |")
    lines += ["", "## Geschiedenis", "", "| wanneer | wat | door | bron |", "|---|---|---|---|"]
    for event in store.events(story.id):
        what = STATE_NL[event.state] if event.state else event.kind
        lines.append(
            f"| {_when(event.at)} | {_md(what)} | {_md(event.actor)} | {_md(event.source)} |"
        )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
