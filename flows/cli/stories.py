"""``goodwork status``, ``retry``, ``draft``, ``send``, ``sent`` and ``review``: where the
stories stand and the staff's steps on one story."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from flows.cli.context import Context
from flows.cli.output import command, console, plain, print_result, result_line
from flows.exit_codes import ExitCode, finish
from goodwork_pipeline import State, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Settings, StatusRow, Store

WIDE = 120  # columns from which 'goodwork status' is one table

__all__ = ["draft", "retry", "review", "send", "sent", "status"]


@command()
@click.argument("story", required=False)
@click.option(
    "--state",
    "states",
    multiple=True,
    help="Only stories in this state, in English or Dutch (failed/mislukt, drafted/"
    "concept_klaar, ...); repeatable.",
)
@click.option("--group", help="Only stories of this group (the sidecar's 'group').")
@click.option("--failed", "failed_only", is_flag=True, help="Only stories that failed.")
@click.option(
    "--todo",
    is_flag=True,
    help="Only stories where staff have something to do (send a draft, call, fix a problem).",
)
@click.pass_obj
def status(
    obj: Context,
    story: str | None,
    states: tuple[str, ...],
    group: str | None,
    failed_only: bool,
    todo: bool,
) -> None:
    """Where every story stands, or the full history of one STORY (its code, e.g. GW-7K3QM2XD).

    The table shows each story's code, participant (or role), state, since when, the next
    step and the last error. In a narrow terminal each story takes a few lines instead.
    """
    from goodwork_pipeline import open_store, status_rows

    settings = obj.settings
    store = open_store(settings)
    if store is None:
        console.print(
            f"Nog geen verhalen in {settings.base_dir}: er is nog niets verwerkt. "
            "Zet een opname in de inbox en start 'goodwork run'."
        )
        return
    _warn_if_workspace_open(settings)
    if story:
        _print_history(store, story)
        _print_consent_and_changes(store, settings, story)
        return
    try:
        rows, rejected = status_rows(
            store,
            settings,
            states=states or None,
            group=group,
            failed_only=failed_only,
            needs_staff=todo,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--state") from exc
    filtered = bool(states or group or failed_only or todo)
    if filtered:
        rejected = []  # a filtered view shows stories only
    if not rows and not rejected:
        console.print(
            "Geen verhalen die aan het filter voldoen. Alle verhalen: goodwork status"
            if filtered
            else "Nog geen verhalen. Zet een opname in de inbox en start 'goodwork run'."
        )
        return
    if rows:
        if console.width >= WIDE:
            console.print(_status_table(rows))
        else:
            _print_status_blocks(rows)
    if rejected:
        table = Table(title="Bestanden in de inbox die niet verwerkt konden worden", expand=False)
        table.add_column("Bestand")
        table.add_column("Wat er mis is en wat te doen", overflow="fold")
        for item in rejected:
            table.add_row(plain(item.name), plain(item.message_nl or item.message or ""))
        console.print(table)


@command()
@click.argument("story")
@click.pass_obj
def retry(obj: Context, story: str) -> None:
    """Try a failed STORY again from the step where it stopped."""
    known_story(obj.settings, story)
    from flows._states import results_of
    from flows.retry_story import retry_story

    results = results_of(retry_story(story, str(obj.settings.base_dir), return_state=True))
    for result in results:
        print_result(result, story=False, outputs=False)
    finish(results)


@command()
@click.argument("story")
@click.option(
    "--force",
    is_flag=True,
    help="Also when the participant already answered a draft (they will be asked again).",
)
@click.pass_obj
def draft(obj: Context, story: str, force: bool) -> None:
    """Make a new draft version of STORY, e.g. after editing the interview guide.

    The new version goes to outbox/concepten/ to check and send; earlier versions stay in
    the story's workspace folder (drafts/v1.docx, v1.beeld.json, ...). A returned older
    version is recognised as out of date.
    """
    known_story(obj.settings, story)
    from flows.draft_story import draft_story

    result = draft_story(story, str(obj.settings.base_dir), force)
    print_result(result, story=False)
    details = result["details"]
    if isinstance(details, dict) and details.get("empty_sections"):
        console.print(
            "    Niet besproken in het gesprek (leeg, met een notitie in de kantlijn): "
            + ", ".join(details["empty_sections"])
        )
    finish([result])


@command()
@click.argument("story")
@click.option("--by", "by", default="", help="Who sends it (your name; default: 'actor').")
@click.option("--to", "to", help="Another address than the one in the sidecar.")
@click.pass_obj
def send(obj: Context, story: str, by: str, to: str | None) -> None:
    """E-mail STORY's newest draft to the participant through the configured SMTP server.

    Only when an operator set 'smtp_host'; otherwise it says where the ready-to-send .eml is.
    After sending, the story waits for the participant (in review).
    """
    from goodwork_pipeline import Pipeline

    known_story(obj.settings, story)
    pipeline = Pipeline(obj.settings, source="cli")
    result = pipeline.send_draft(story, by=by or obj.settings.actor, to=to)
    print_result(asdict(result))
    finish([asdict(result)])


@command()
@click.argument("story")
@click.option("--by", "by", required=True, help="Who sent it (your name).")
@click.option("--note", default="", help="E.g. 'sent by e-mail from my own mailbox'.")
@click.pass_obj
def sent(obj: Context, story: str, by: str, note: str) -> None:
    """Mark STORY's newest draft as sent (you mailed it yourself): it now waits for the reply."""
    from goodwork_pipeline import Pipeline

    known_story(obj.settings, story)
    pipeline = Pipeline(obj.settings, source="cli")
    result = asdict(pipeline.mark_sent(story, by=by, note=note or None))
    print_result(result)
    finish([result])


@command()
@click.argument("story")
@click.option(
    "--by",
    "by",
    default="",
    help="Your name, recorded with every change (default: the sidecar's interviewer, else "
    "'actor').",
)
@click.option("--no-browser", is_flag=True, help="Print the page's address instead of opening it.")
@click.option(
    "--idle-minutes",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Stop after this long without the page asking anything.",
)
@click.pass_obj
def review(obj: Context, story: str, by: str, no_browser: bool, idle_minutes: float) -> None:
    """Check STORY's newest draft against the recording in your browser, and correct it.

    A page on this computer only (127.0.0.1, a secret address): every sentence with its time
    (click to hear it), the words speech recognition doubted marked, the whole conversation a
    click away. Saving makes a new draft version (the earlier one is kept); 'Klaar om te
    versturen' marks it checked. Stops with 'Sluiten', when the page closes, or when idle.
    """
    import webbrowser

    from goodwork_pipeline import Pipeline, ReviewServer, ReviewSession

    pipeline = Pipeline(obj.settings, source="review")
    found = pipeline.store.story(story)
    who = by or found.sidecar.interviewer or obj.settings.actor
    session = ReviewSession(pipeline, found.id, by=who)
    if found.draft_version == 0:
        console.print(
            result_line(False, f"{found.id} heeft nog geen concept; start eerst 'goodwork run'.")
        )
        sys.exit(ExitCode.ATTENTION)
    server = ReviewServer(session, idle_seconds=idle_minutes * 60)
    console.print(f"Controlepagina van {found.id} (versie {found.draft_version}), alleen op deze")
    console.print("computer. Stoppen: 'Sluiten' op de pagina, of Ctrl-C. Het adres:")
    click.echo(server.url)  # one line, never wrapped: a script may read it
    sys.stdout.flush()
    if not no_browser and not webbrowser.open(server.url):
        console.print("Geen browser gevonden: open het adres hierboven zelf.")
    with contextlib.suppress(KeyboardInterrupt):
        reason = server.run()
        why = {
            "closed": "gesloten op de pagina",
            "page closed": "de pagina is dicht",
            "idle": "te lang niet gebruikt",
        }
        console.print(f"Controlepagina gestopt: {why.get(reason, 'op verzoek')}.")


def _warn_if_workspace_open(settings: Settings) -> None:
    from goodwork_pipeline import workspace_is_open

    if workspace_is_open(settings):
        folder = plain(settings.workspace_dir)
        console.print(
            f"[yellow]Let op:[/] de werkmap {folder} is leesbaar voor andere "
            "gebruikers van deze computer, en er staan opnames, transcripten en namen in. Maak "
            f"hem privé: chmod -R go-rwx {folder}",
            soft_wrap=True,  # a command to copy is never broken over lines
        )


def _status_table(rows: list[StatusRow]) -> Table:
    table = Table(title=f"Verhalen ({len(rows)})", expand=False)
    for header in ("Code", "Deelnemer", "Status", "Sinds", "Volgende stap", "Laatste fout"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            row.code,
            plain(row.who),
            _state_markup(row),
            row.since,
            plain(row.next_step),
            f"[red]{escape(row.last_error)}[/]" if row.last_error else "",
        )
    return table


def _print_status_blocks(rows: list[StatusRow]) -> None:
    """One story per few lines: reads well in an 80-column terminal."""
    console.print(f"[bold]Verhalen ({len(rows)})[/]")
    for row in rows:
        console.print(f"[bold]{row.code}[/]  {_state_markup(row)} sinds {row.since}")
        console.print(f"  {escape(row.who)}" + (f" · {escape(row.group)}" if row.group else ""))
        console.print(f"  volgende stap: {escape(row.next_step)}")
        if row.last_error:
            console.print(f"  [red]fout: {escape(row.last_error)}[/]")


def _state_markup(row: StatusRow) -> str:
    colour = {State.FAILED: "red", State.PUBLISHED: "green", State.DRAFTED: "yellow"}.get(
        row.state_key  # type: ignore[arg-type]
    )
    return f"[{colour}]{row.state}[/]" if colour else row.state


def _print_history(store: Store, story: str) -> None:
    from goodwork_pipeline import story_history

    header, events = story_history(store, story)
    console.print(plain(header))
    table = Table(expand=False)
    for name in ("Wanneer", "Wat", "Door", "Bron", "Toelichting"):
        table.add_column(name, overflow="fold")
    for event in events:
        table.add_row(*(plain(value) for value in event))
    console.print(table)


def _print_consent_and_changes(store: Store, settings: Settings, story: str) -> None:
    from goodwork_pipeline import consent_view

    view = consent_view(store, settings.workspace_dir, story)
    if view.ledger:
        console.print("\n[bold]Toestemmingsregister[/] (alleen toevoegen, nooit wijzigen)")
        for line in view.ledger:
            console.print(f"  {plain(line)}", highlight=False)
        if view.current_nl is None:
            console.print("  Nu: [bold]geen geldige toestemming[/]: er wordt niets gedeeld.")
        else:
            console.print(f"  Nu: toestemming voor {view.current_nl}.")
    if view.changes_report:
        console.print("\n[bold]Laatst teruggestuurd concept[/]")
        console.print(view.changes_report, highlight=False, markup=False)
