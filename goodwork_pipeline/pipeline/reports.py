"""What 'goodwork status' and the other reading commands show, as ``report_lines`` data.

One function per view: the story list (a table, or a few lines per story in a narrow
terminal) or one story's history with its consent and changes, the groups, a story's third
parties and stand-ins, the retention purge, the settings, the voice profiles; and the lines
a step's result, a transcription or the review page add. Each returns plain data (lines and
tables, see ``report_lines``); the CLI draws it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodwork_pipeline.consent.summary import consent_view
from goodwork_pipeline.models import State
from goodwork_pipeline.pipeline.report_lines import Line, Report, Table, line
from goodwork_pipeline.privacy.pseudonymise import story_pseudonyms
from goodwork_pipeline.publishing.booklet import groups
from goodwork_pipeline.settings import SETTINGS_FILE, Settings
from goodwork_pipeline.status import StatusRow, parse_state, status_rows, story_history
from goodwork_pipeline.store.programme import open_store, workspace_is_open
from goodwork_pipeline.transcription.profiles import load_profiles

if TYPE_CHECKING:
    from goodwork_pipeline import ProgressMeter, Store, Transcript
    from goodwork_pipeline.pipeline.core import Pipeline
    from goodwork_pipeline.review_page import ReviewServer
    from goodwork_pipeline.store.retention import Deletion

WIDE = 120  # terminal columns from which the story list is one table
STATE_STYLE = {State.FAILED: "red", State.PUBLISHED: "green", State.DRAFTED: "yellow"}
NOTHING_YET = "Zet een opname in de inbox en start 'goodwork run'."
WATCH_STOPPED = line("Gestopt. Wat half af was, gaat verder bij de volgende start.")
PSEUDONYMS_NOTE = line(
    "Let op: een concept dat al verstuurd is, bevat de namen nog. De volgende versie en alle "
    "bestanden in de outbox niet."
)
REVIEW_STOPPED = {
    "closed": "gesloten op de pagina",
    "page closed": "de pagina is dicht",
    "idle": "te lang niet gebruikt",
}


def status_report(
    settings: Settings,
    story: str | None = None,
    *,
    states: Iterable[str] = (),
    group: str | None = None,
    failed_only: bool = False,
    needs_staff: bool = False,
    width: int = WIDE,
) -> Report:
    """Where every story stands (filtered), or one STORY's history, consent and changes; an
    unknown state is a ``ValueError``, also before anything was processed."""
    for state in states:
        parse_state(state)
    store = open_store(settings)
    if store is None:
        yield line(
            f"Nog geen verhalen in {settings.base_dir}: er is nog niets verwerkt. {NOTHING_YET}"
        )
        return
    yield from workspace_warning(settings)
    if story:
        yield from history(store, story)
        yield from consent_and_changes(store, settings, story)
        return
    rows, rejected = status_rows(
        store,
        settings,
        states=states or None,
        group=group,
        failed_only=failed_only,
        needs_staff=needs_staff,
    )
    filtered = bool(states or group or failed_only or needs_staff)
    if filtered:
        rejected = []  # a filtered view shows stories only
    if not rows and not rejected:
        if filtered:
            yield line("Geen verhalen die aan het filter voldoen. Alle verhalen: goodwork status")
        else:
            yield line(f"Nog geen verhalen. {NOTHING_YET}")
        return
    if rows:
        yield from stories_table(rows) if width >= WIDE else story_blocks(rows)
    if rejected:
        yield Table(
            ("Bestand", "Wat er mis is en wat te doen"),
            [(item.name, item.message_nl or item.message or "") for item in rejected],
            title="Bestanden in de inbox die niet verwerkt konden worden",
        )


def workspace_warning(settings: Settings) -> Report:
    """A workspace other users of this computer can read, and the command that fixes it."""
    if workspace_is_open(settings):
        folder = settings.workspace_dir
        yield line(
            ("Let op:", "yellow"),
            f" de werkmap {folder} is leesbaar voor andere gebruikers van deze computer, en er "
            f"staan opnames, transcripten en namen in. Maak hem privé: chmod -R go-rwx {folder}",
            unbroken=True,
        )


def _state(row: StatusRow) -> Line:
    return line((row.state, STATE_STYLE.get(row.state_key, "")))  # type: ignore[arg-type]


def stories_table(rows: list[StatusRow]) -> Report:
    yield Table(
        ("Code", "Deelnemer", "Status", "Sinds", "Volgende stap", "Laatste fout"),
        [
            (
                row.code,
                row.who,
                _state(row),
                row.since,
                row.next_step,
                line((row.last_error, "red")),
            )
            for row in rows
        ],
        title=f"Verhalen ({len(rows)})",
    )


def story_blocks(rows: list[StatusRow]) -> Report:
    """One story per few lines: reads well in an 80-column terminal."""
    yield line((f"Verhalen ({len(rows)})", "bold"))
    for row in rows:
        yield line((row.code, "bold"), "  ", *_state(row).spans, f" sinds {row.since}")
        yield line(f"  {row.who}" + (f" · {row.group}" if row.group else ""))
        yield line(f"  volgende stap: {row.next_step}")
        if row.last_error:
            yield line("  ", (f"fout: {row.last_error}", "red"))


def history(store: Store, story: str) -> Report:
    header, events = story_history(store, story)
    yield line(header)
    yield Table(("Wanneer", "Wat", "Door", "Bron", "Toelichting"), list(events))


def consent_and_changes(store: Store, settings: Settings, story: str) -> Report:
    view = consent_view(store, settings.workspace_dir, story)
    if view.ledger:
        yield line()
        yield line(("Toestemmingsregister", "bold"), " (alleen toevoegen, nooit wijzigen)")
        for entry in view.ledger:
            yield line(f"  {entry}")
        if view.current_nl is None:
            yield line("  Nu: ", ("geen geldige toestemming", "bold"), ": er wordt niets gedeeld.")
        else:
            yield line(f"  Nu: toestemming voor {view.current_nl}.")
    if view.changes_report:
        yield line()
        yield line(("Laatst teruggestuurd concept", "bold"))
        yield line(view.changes_report)


def groups_report(settings: Settings) -> Report:
    """The groups named in the sidecars, with how many stories each has."""
    store = open_store(settings)
    if store is None:
        yield line("Nog geen verhalen, dus ook geen groepen.")
        return
    found = groups(store.stories())
    if not found:
        yield line("Geen enkel verhaal heeft een groep (de sleutel 'group' in de metadata).")
        return
    rows = [(name, str(count)) for name, count in sorted(found.items())]
    yield Table(("Groep", "Verhalen"), rows, title="Groepen", numeric=("Verhalen",))
    yield line('Maak een boekje met: goodwork booklet "GROEP"')


def names_report(pipeline: Pipeline, story: str) -> Report:
    """The third parties found in STORY and what replaces each in published files."""
    found = pipeline.third_parties(story)
    if not found:
        yield line("Geen namen van derden gevonden.")
        return
    yield Table(
        ("Naam", "Soort", "Bij publicatie", "Gevonden in"),
        [
            (
                item.name,
                item.kind,
                "blijft staan (vrijgegeven)" if kept else f"vervangen door '{item.stand_in}'",
                item.context,
            )
            for item, kept in found
        ],
        title=f"Namen van derden in {pipeline.store.story(story).id}",
    )
    yield line('Vrijgeven: goodwork names STORY --keep "Naam"')


def pseudonyms_report(settings: Settings, story_id: str) -> Report:
    """The names staff asked to replace in STORY's outputs, with their stand-ins."""
    store = open_store(settings)
    pseudonyms = () if store is None else story_pseudonyms(store, settings.workspace_dir, story_id)
    if not pseudonyms:
        yield line(f"{story_id}: er worden nog geen namen vervangen.")
    for item in pseudonyms:
        yield line(f"{item.name} → {item.stand_in}")


def purge_report(settings: Settings, deletions: list[Deletion] | None, *, dry_run: bool) -> Report:
    """What the retention purge deleted (or would, ``dry_run``); None: no stories at all."""
    if deletions is None:
        yield line("Nog geen verhalen: er is niets te verwijderen.")
        return
    if not deletions:
        yield line(
            f"Niets te verwijderen (bewaartermijn: {settings.keep_recordings_days} dagen na "
            "goedkeuring of afwijzing)."
        )
        return
    yield Table(
        ("Code", "Besluit", "Verwijderen vanaf", "Bestanden", "MB"),
        [
            (
                deletion.story_id,
                _day(deletion.decided_at),
                _day(deletion.due_at),
                ", ".join(path.name for path in deletion.paths),
                f"{deletion.bytes / 1e6:.1f}" if dry_run else "",
            )
            for deletion in deletions
        ],
        title="Zou verwijderd worden (--dry-run)" if dry_run else "Verwijderd",
    )


def settings_report(settings: Settings, prefect: str) -> Report:
    """The settings in effect (passwords hidden), how Prefect is reached, how to change them."""
    rows = [(name, str(settings.shown(name))) for name in Settings.model_fields]
    yield Table(("setting", "value"), rows, title=f"Settings for {settings.base_dir}")
    yield line(prefect)
    yield line(f"Edit {settings.base_dir / SETTINGS_FILE} or set GOODWORK_<NAME> to change them.")


def profiles_report(workspace: Path) -> Report:
    """The interviewers' stored voice profiles."""
    profiles = load_profiles(workspace)
    if not profiles:
        yield line("Nog geen stemprofielen. Voeg er een toe: goodwork interviewer add NAAM FILE")
        return
    yield Table(
        ("Naam", "Spraak", "Gemaakt"),
        [(p.name, f"{p.speech_s:.0f} s", p.created[:10]) for p in profiles.values()],
    )


def result_notes(result: Mapping[str, Any]) -> Report:
    """The lines under a step's result line that its details call for: the text a consent
    is bound to, the sections a new draft left empty."""
    details = result.get("details") or {}
    if result["ok"] and "bound_to_nl" in details:
        yield line(f"    tekst: {details['bound_to_nl']}")
        yield line(f"    SHA-256: {details['text_sha256']}")
        yield line(f"    vastlegging: workspace/{details['snapshot']}")
    if details.get("empty_sections"):
        yield line(
            "    Niet besproken in het gesprek (leeg, met een notitie in de kantlijn): "
            + ", ".join(details["empty_sections"])
        )


def time_left(meter: ProgressMeter) -> str:
    """A transcription's estimated time left, for a progress bar ('' while unknown)."""
    left = meter.seconds_left()
    if left is None:
        return ""
    return f"about {round(left)} s left" if left < 90 else f"about {round(left / 60)} min left"


def transcript_summary(output: Path, transcript: Transcript) -> str:
    gaps = f", {len(transcript.gaps)} passage(s) not understood" if transcript.gaps else ""
    return f"{output} ({len(transcript.segments)} segments, {transcript.duration:.0f} s{gaps})"


def run_report(settings: Settings, results: Sequence[object]) -> Report:
    """What 'goodwork run' says after the results: that the inbox was empty, where to look."""
    if not results:
        yield line(f"Niets te doen: de inbox ({settings.inbox_dir}) is leeg.")
    yield line("")
    yield line("Overzicht: goodwork status")


def watch_intro(settings: Settings, prefect: str) -> Report:
    """What 'goodwork watch' says when it starts (``prefect``: where its runs go)."""
    yield line(f"goodwork houdt {settings.inbox_dir} in de gaten; Prefect: {prefect}.")
    yield line("Stoppen: Ctrl-C.")


def review_intro(server: ReviewServer) -> Report:
    """What 'goodwork review' says before the page's address."""
    found = server.session.story()
    yield line(f"Controlepagina van {found.id} (versie {found.draft_version}), alleen op deze")
    yield line("computer. Stoppen: 'Sluiten' op de pagina, of Ctrl-C. Het adres:")


def review_stopped(reason: str) -> str:
    """Why the review page stopped (``ReviewServer.run``'s reason), for the operator."""
    return f"Controlepagina gestopt: {REVIEW_STOPPED.get(reason, 'op verzoek')}."


def _day(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")
