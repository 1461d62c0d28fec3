"""The ``goodwork`` command: parse, call the engine or a flow, print. No logic lives here.

Commands that run the pipeline go through Prefect flows; commands that only read (status,
settings) use the engine directly so they answer at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from flows.boundary import GoodworkGroup, show_error, show_internal_error
from flows.exit_codes import HELP as EXIT_CODES
from flows.exit_codes import ExitCode, finish, for_error
from goodwork_pipeline import __version__
from goodwork_pipeline.errors import ConsentError, GoodworkError, SettingsError, UnknownStoryError
from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.logs import configure_logging
from goodwork_pipeline.models import State
from goodwork_pipeline.settings import SETTINGS_FILE, Settings, load_settings
from goodwork_pipeline.status import StatusRow, status_rows, story_history

from .interviewer_cli import interviewer

if TYPE_CHECKING:
    from goodwork_pipeline.transcription.stage import ProgressMeter

console = Console()
err_console = Console(stderr=True)
WIDE = 120  # columns from which 'goodwork status' is one table


class Context:
    def __init__(self, folder: Path | None, insecure_api: bool = False, checks_api: bool = True):
        self.folder = folder
        self.insecure_api = insecure_api
        self.checks_api = checks_api
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The settings, loaded when a command first needs them; a command that may reach
        Prefect is refused here, before any connection, if that API is not safe."""
        if self._settings is None:
            self._settings = load_settings(
                self.folder, insecure_api=True if self.insecure_api else None
            )
            if self.checks_api:
                _refuse_unsafe_api(self)
        return self._settings


# Commands that only read the store or the settings never talk to Prefect.
PREFECT_FREE = frozenset({"settings", "status", "transcribe"})


def _refuse_unsafe_api(obj: Context) -> None:
    """Before any command that may reach Prefect: refuse an unauthenticated remote API."""
    from flows.api_guard import require_safe_api, warning_for

    insecure = obj.settings.insecure_api
    if insecure:  # flows started from here (in this process or a child) inherit the choice
        os.environ["GOODWORK_INSECURE_API"] = "true"
    warning = warning_for(require_safe_api(insecure), insecure)
    if warning:
        err_console.print(warning, markup=False, highlight=False)


@click.group(
    cls=GoodworkGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.option(
    "-C",
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Programme folder to work in (holds inbox/, outbox/, workspace/, goodwork.toml). "
    "Default: the current folder.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the engine's progress messages.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Operator log lines as key=value text or as JSON objects (one per line).",
)
@click.option(
    "--insecure-api",
    is_flag=True,
    help="Allow a Prefect API on another machine without PREFECT_API_AUTH_STRING (only on a "
    "trusted private network; anyone reaching it can record consent).",
)
@click.version_option(__version__, prog_name="goodwork")
@click.pass_context
def cli(
    ctx: click.Context, folder: Path | None, verbose: bool, log_format: str, insecure_api: bool
) -> None:
    """goodwork: from a recorded conversation to a consented 'beeld van goed werk'.

    Drop recordings (and returned drafts) in inbox/, run 'goodwork run', send the draft from
    outbox/concepten/ to the participant, and find publish-ready files in outbox/ once they
    have said yes. Everything stays on this machine.
    """
    configure_logging(
        level=logging.INFO if verbose else logging.WARNING, json_lines=log_format == "json"
    )
    ctx.obj = Context(folder, insecure_api, checks_api=ctx.invoked_subcommand not in PREFECT_FREE)


@cli.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Process the inbox once: new recordings to drafts, returned drafts to consent and outbox.

    Runs the 'process-inbox' Prefect flow (embedded: no server needed; set PREFECT_API_URL to
    use a running Prefect server). Prints what happened to each file.
    """
    settings = obj.settings
    from flows._states import results_of
    from flows.concurrency import ensure_transcription_limit
    from flows.process_inbox import process_inbox

    _ensure_folders(settings)
    # Embedded: a run killed during transcription (kill -9, power cut) still holds its slot in
    # Prefect's database (PREFECT_HOME) and nothing would ever free it. Resetting can let one
    # more transcription start beside an embedded watcher on the same PREFECT_HOME: slower,
    # never wrong (each story step runs under its own lock, see Pipeline.story_lock).
    ensure_transcription_limit(settings, reset=not os.environ.get("PREFECT_API_URL"))
    results = results_of(process_inbox(str(settings.base_dir), return_state=True))
    if not results:
        console.print(f"Niets te doen: de inbox ({_e(settings.inbox_dir)}) is leeg.")
    for result in results:
        _print_result(result)
    console.print("\nOverzicht: goodwork status")
    finish(results)


@cli.command()
@click.option(
    "--rescan",
    type=click.FloatRange(min=0.5),
    default=10.0,
    show_default=True,
    help="Seconds between full rescans of the inbox (events wake the watcher sooner).",
)
@click.pass_obj
def watch(obj: Context, rescan: float) -> None:
    """Watch the inbox and process each file as it lands, until Ctrl-C.

    At start it handles what is already there (also stories a crash left half-way), then
    each recording or returned draft once it is completely written. Without a Prefect server
    the flows run in this process. With PREFECT_API_URL set, each file becomes a run of the
    'process-recording/goodwork' or 'process-returned-draft/goodwork' deployment for workers
    (prefect.yaml) or 'goodwork serve' to execute. Once a day it deletes recordings whose
    retention period is over (see 'goodwork purge').
    """
    from flows.watch_inbox import server_mode
    from flows.watch_inbox import watch as watch_inbox

    settings = obj.settings
    _ensure_folders(settings)
    where = os.environ.get("PREFECT_API_URL") if server_mode() else "in dit proces (embedded)"
    console.print(f"goodwork houdt {_e(settings.inbox_dir)} in de gaten; Prefect: {_e(where)}.")
    console.print("Stoppen: Ctrl-C.")
    with contextlib.suppress(KeyboardInterrupt):
        watch_inbox(settings, report=_print_result, rescan_seconds=rescan)
    console.print("Gestopt. Wat half af was, gaat verder bij de volgende start.")


@cli.command()
@click.pass_obj
def serve(obj: Context) -> None:
    """Serve goodwork's flows as deployments on the Prefect server in PREFECT_API_URL.

    The one-machine alternative to workers: this process runs the deployments
    'process-recording/goodwork', 'process-returned-draft/goodwork', 'publish/goodwork',
    'withdraw-consent/goodwork', 'record-consent/goodwork', 'build-booklet/goodwork',
    'process-inbox/goodwork' and a daily 'purge/goodwork' until Ctrl-C.
    """
    from flows.serve import serve_all

    if not os.environ.get("PREFECT_API_URL"):
        raise click.UsageError(
            "goodwork serve needs a Prefect server: start one ('prefect server start') and "
            "set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)."
        )
    serve_all(obj.settings)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.pass_obj
def purge(obj: Context, dry_run: bool) -> None:
    """Delete recordings whose retention period is over ('keep_recordings_days' after approval).

    Only stories that were approved or declined, and only after the set number of days;
    transcripts too when 'keep_transcripts' is false. Every deletion is recorded in the
    story's history ('goodwork status STORY'). Recordings of open stories are never deleted.
    """
    from goodwork_pipeline.clock import SystemClock
    from goodwork_pipeline.store import retention
    from goodwork_pipeline.store.repository import Store

    settings = obj.settings
    if settings.database is None and not (settings.workspace_dir / "goodwork.sqlite").exists():
        console.print("Nog geen verhalen: er is niets te verwijderen.")
        return
    store = Store(settings.database_url)
    deletions = retention.purge(store, settings, SystemClock(), dry_run=dry_run)
    if not deletions:
        console.print(
            f"Niets te verwijderen (bewaartermijn: {settings.keep_recordings_days} dagen na "
            "goedkeuring of afwijzing)."
        )
        return
    table = Table(
        title="Zou verwijderd worden (--dry-run)" if dry_run else "Verwijderd", expand=False
    )
    for header in ("Code", "Besluit", "Verwijderen vanaf", "Bestanden", "MB"):
        table.add_column(header)
    for deletion in deletions:
        table.add_row(
            deletion.story_id,
            _when(deletion.decided_at),
            _when(deletion.due_at),
            _e(", ".join(p.name for p in deletion.paths)),
            f"{deletion.bytes / 1e6:.1f}" if dry_run else "",
        )
    console.print(table)


@cli.command()
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
    from goodwork_pipeline.store.repository import Store

    settings = obj.settings
    if settings.database is None and not (settings.workspace_dir / "goodwork.sqlite").exists():
        console.print(
            f"Nog geen verhalen in {settings.base_dir}: er is nog niets verwerkt. "
            "Zet een opname in de inbox en start 'goodwork run'."
        )
        return
    _warn_if_workspace_open(settings)
    store = Store(settings.database_url)
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
            table.add_row(_e(item.name), _e(item.message_nl or item.message or ""))
        console.print(table)


@cli.command()
@click.argument("story")
@click.pass_obj
def retry(obj: Context, story: str) -> None:
    """Try a failed STORY again from the step where it stopped."""
    _known_story(obj.settings, story)
    from flows._states import results_of
    from flows.retry_story import retry_story

    results = results_of(retry_story(story, str(obj.settings.base_dir), return_state=True))
    for result in results:
        mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
        console.print(f"{mark} {_e(result['message_nl'] or result['message'])}")
    finish(results)


@cli.command()
@click.argument("story")
@click.option(
    "--channels",
    "channels",
    default="",
    help="Where the beeld may be shared, comma-separated: website, social (LinkedIn and "
    "other social media), group (group sessions), internal; 'all' for all four. Empty: nowhere.",
)
@click.option(
    "--name",
    "name_display",
    type=click.Choice(["full", "first", "role"]),
    default="role",
    show_default=True,
    help="How the name is shown: full name, first name only, or role only (no name).",
)
@click.option("--by", "by", required=True, help="Who records this consent (your name).")
@click.option("--note", default="", help="How and when the participant gave consent.")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=1),
    help="Bind the consent to this draft version's text, 1 or more (default: see above).",
)
@click.pass_obj
def consent(
    obj: Context,
    story: str,
    channels: str,
    name_display: str,
    by: str,
    note: str,
    version: int | None,
) -> None:
    """Record consent STORY's participant gave by e-mail or phone.

    The consent is bound to an exact text: while the story waits for the participant, the
    newest draft as it was sent; once a text was approved, that approved text; --version N
    picks draft version N. The output says which text it is. The outbox follows at once
    (runs the 'record-consent' Prefect flow).
    """
    from goodwork_pipeline.consent.summary import parse_channels

    chosen = _channels(parse_channels, channels)
    _known_story(obj.settings, story)
    from flows.record_consent import record_consent

    result = record_consent(
        story,
        channels=sorted(chosen),
        recorded_by=by,
        name_display=name_display,
        note=note,
        draft_version=version,
        folder=str(obj.settings.base_dir),
        via_cli=True,
    )
    _print_result(result)
    details = result.get("details") or {}
    if result["ok"] and details:
        console.print(f"    tekst: {_e(details['bound_to_nl'])}")
        console.print(f"    SHA-256: {details['text_sha256']}")
        console.print(f"    vastlegging: workspace/{_e(details['snapshot'])}")
    finish([result])


@cli.command()
@click.argument("story")
@click.option(
    "--channels",
    "channels",
    default="",
    help="Withdraw only these channels (website, social, group, internal); default: all.",
)
@click.option("--by", "by", required=True, help="Who records the withdrawal (your name).")
@click.option("--note", default="", help="How and when the participant asked.")
@click.pass_obj
def withdraw(obj: Context, story: str, channels: str, by: str, note: str) -> None:
    """Withdraw STORY's consent (all channels, or --channels): its files leave the outbox now.

    Recorded in the consent ledger with a PDF snapshot; group booklets drop it at their next
    build. Runs the 'withdraw-consent' Prefect flow.
    """
    from goodwork_pipeline.consent.summary import parse_channels

    chosen = _channels(parse_channels, channels)
    _known_story(obj.settings, story)
    from flows.withdraw_consent import withdraw_consent

    result = withdraw_consent(
        story,
        recorded_by=by,
        channels=sorted(chosen) or None,
        note=note,
        folder=str(obj.settings.base_dir),
        via_cli=True,
    )
    _print_result(result)
    finish([result])


@cli.command()
@click.argument("story")
@click.option("--by", "by", default="", help="Who sends it (your name; default: 'actor').")
@click.option("--to", "to", help="Another address than the one in the sidecar.")
@click.pass_obj
def send(obj: Context, story: str, by: str, to: str | None) -> None:
    """E-mail STORY's newest draft to the participant through the configured SMTP server.

    Only when an operator set 'smtp_host'; otherwise it says where the ready-to-send .eml is.
    After sending, the story waits for the participant (in review).
    """
    from goodwork_pipeline.pipeline import Pipeline

    _known_story(obj.settings, story)
    pipeline = Pipeline(obj.settings, source="cli")
    result = pipeline.send_draft(story, by=by or obj.settings.actor, to=to)
    _print_result(asdict(result))
    finish([asdict(result)])


@cli.command()
@click.argument("story")
@click.option("--by", "by", required=True, help="Who sent it (your name).")
@click.option("--note", default="", help="E.g. 'sent by e-mail from my own mailbox'.")
@click.pass_obj
def sent(obj: Context, story: str, by: str, note: str) -> None:
    """Mark STORY's newest draft as sent (you mailed it yourself): it now waits for the reply."""
    from goodwork_pipeline.pipeline import Pipeline

    _known_story(obj.settings, story)
    pipeline = Pipeline(obj.settings, source="cli")
    result = asdict(pipeline.mark_sent(story, by=by, note=note or None))
    _print_result(result)
    finish([result])


@cli.command()
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

    from goodwork_pipeline.pipeline import Pipeline
    from goodwork_pipeline.review_page import ReviewServer, ReviewSession

    pipeline = Pipeline(obj.settings, source="review")
    found = pipeline.store.story(story)
    who = by or found.sidecar.interviewer or obj.settings.actor
    session = ReviewSession(pipeline, found.id, by=who)
    if found.draft_version == 0:
        console.print(f"[red]✗[/] {found.id} heeft nog geen concept; start eerst 'goodwork run'.")
        sys.exit(1)
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


@cli.command()
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
    _known_story(obj.settings, story)
    from flows.draft_story import draft_story

    result = draft_story(story, str(obj.settings.base_dir), force)
    mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
    console.print(f"{mark} {_e(result['message_nl'] or result['message'])}")
    for output in result["outputs"]:
        console.print(f"    → {_e(output)}")
    details = result["details"]
    if isinstance(details, dict) and details.get("empty_sections"):
        console.print(
            "    Niet besproken in het gesprek (leeg, met een notitie in de kantlijn): "
            + ", ".join(details["empty_sections"])
        )
    finish([result])


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "json", "srt", "vtt"]),
    help="Output format. Default: from the -o file's extension, else txt.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the transcript to this file (default: print it).",
)
@click.option("--language", help="Language spoken (default: the sidecar's, else the setting).")
@click.pass_obj
def transcribe(
    obj: Context, file: Path, fmt: str | None, output: Path | None, language: str | None
) -> None:
    """Transcribe one recording FILE without creating a story (for researchers).

    Same engine, settings and safeguards as the pipeline: the recording is checked, nothing
    said is silently dropped (passages not understood are marked), repetition loops are
    repaired, speakers are labelled. A sidecar FILE.yaml next to it is used (speakers,
    vocabulary, language). A .vtt, .srt or .txt transcript is converted instead.
    Progress goes to stderr, so the transcript can be piped.
    """
    from goodwork_pipeline.intake.sidecar import read_sidecar, sidecar_for
    from goodwork_pipeline.intake.transcript_files import (
        is_transcript_file,
        read_transcript_file,
        render,
    )
    from goodwork_pipeline.transcription.stage import Transcription

    settings = obj.settings
    fmt = fmt or _format_for(output)
    sidecar = read_sidecar(sidecar_for(file))
    language = language or sidecar.language or settings.language
    if is_transcript_file(file):
        transcript = read_transcript_file(file, language=language)
    else:
        sidecar = replace(sidecar, language=language)
        with _transcription_progress(file.name) as progress:
            transcript = Transcription(settings).transcribe_file(
                file, sidecar=sidecar, progress=progress
            )
    text = render(transcript, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    gaps = f", {len(transcript.gaps)} passage(s) not understood" if transcript.gaps else ""
    err_console.print(
        f"[green]✓[/] {output} ({len(transcript.segments)} segments, "
        f"{transcript.duration:.0f} s{gaps})"
    )


def _format_for(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in ("txt", "json", "srt", "vtt") else "txt"


@contextlib.contextmanager
def _transcription_progress(name: str) -> Iterator[Callable[[ProgressMeter], None]]:
    """A rich progress bar on stderr: percentage of the speech done and the time left."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[left]}"),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task(f"{name}: transcribing", total=None, left="")

        def update(meter: ProgressMeter) -> None:
            left = meter.seconds_left()
            bar.update(
                task,
                total=max(meter.total, 0.001),
                completed=meter.done,
                left="" if left is None else f"about {_minutes(left)} left",
            )

        yield update


def _minutes(seconds: float) -> str:
    return f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"


@cli.command("settings")
@click.pass_obj
def show_settings(obj: Context) -> None:
    """Show the settings in effect (defaults < goodwork.toml < GOODWORK_* variables)."""
    settings = obj.settings
    table = Table(title=f"Settings for {settings.base_dir}", show_lines=False)
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for name in Settings.model_fields:
        table.add_row(name, _e(settings.shown(name)))
    console.print(table)
    from flows.api_guard import current_api

    api = current_api()
    if api.url is None:
        console.print("Prefect: embedded (no server, nothing listens on the network).")
    else:
        how = "authenticated" if api.authenticated else "NOT authenticated"
        where = "this machine" if api.loopback else "another machine"
        console.print(f"Prefect API: {_e(api.url)} ({where}, {how}).")
    console.print(
        f"Edit {settings.base_dir / SETTINGS_FILE} or set GOODWORK_<NAME> to change them."
    )


@cli.command()
@click.option(
    "--folder",
    "demo_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Where to create the demo programme folder.",
)
@click.pass_obj
def demo(obj: Context, demo_folder: Path) -> None:
    """Run the whole path on a sample interview spoken by espeak-ng (needs espeak-ng).

    Makes a sample recording, drops it in the demo inbox, runs the flow (transcript and
    draft), then plays the participant: a clearly labelled DEMO copy of the draft with boxes
    ticked goes back into the inbox, and the flow runs again to publish.
    """
    from flows.api_guard import require_safe_api
    from flows.demo import run_demo

    require_safe_api(obj.insecure_api)
    run_demo(demo_folder.resolve(), console)


@cli.command()
@click.argument("group", required=False)
@click.pass_obj
def booklet(obj: Context, group: str | None) -> None:
    """Render the booklet of GROUP (the sidecar's 'group') for a group session.

    One PDF in outbox/groepsboekjes/ with every beeld of the group whose participant consented
    to group sessions: cover, contents, the beelden, then the shared themes, puzzles, options
    and values side by side, and questions for the conversation. Without GROUP: list the
    groups. Withdrawn beelden leave the booklet at the next change or build.
    """
    settings = obj.settings
    if group is None:
        _print_groups(settings)
        return
    from flows.build_booklet import build_booklet

    result = build_booklet(group, str(settings.base_dir))
    mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
    console.print(f"{mark} {_e(result['message_nl'] or result['message'])}")
    for output in result["outputs"]:
        console.print(f"    → {_e(output)}")
    finish([result])


@cli.command()
@click.argument("story")
@click.argument("names", nargs=-1)
@click.pass_obj
def pseudonymise(obj: Context, story: str, names: tuple[str, ...]) -> None:
    """Replace third parties' NAMES in STORY's outputs (e.g. "Mevrouw Jansen" "Karel").

    Each name gets one stand-in everywhere ("mevrouw A", "persoon B"); write "Naam=vervanging"
    to choose it. Names go into the story's workspace file pseudoniemen.yaml (with the
    sidecar's 'pseudonymise' list), apply to every later draft, and the outbox is updated at
    once. Without NAMES: show the names and their stand-ins.
    """
    from goodwork_pipeline.models import Sidecar
    from goodwork_pipeline.privacy.pseudonymise import assign, staff_names
    from goodwork_pipeline.store.repository import Store
    from goodwork_pipeline.store.workspace import Workspace

    settings = obj.settings
    _known_story(settings, story)
    if not names:
        store = Store(settings.database_url)
        current = store.story(story)
        sidecar: Sidecar = current.sidecar
        marked = staff_names(Workspace(settings.workspace_dir).story(current.id).root)
        pseudonyms = assign([*sidecar.pseudonymise, *marked])
        if not pseudonyms:
            console.print(f"{current.id}: er worden nog geen namen vervangen.")
        for item in pseudonyms:
            console.print(f"{_e(item.name)} → {_e(item.stand_in)}")
        return
    from flows.pseudonymise_story import pseudonymise_story

    result = pseudonymise_story(story, list(names), str(settings.base_dir))
    mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
    console.print(f"{mark} {result['story_id']}: {_e(result['message_nl'] or result['message'])}")
    console.print(
        "Let op: een concept dat al verstuurd is, bevat de namen nog. De volgende versie en "
        "alle bestanden in de outbox niet."
    )
    finish([result])


@cli.command()
@click.argument("story")
@click.option("--keep", "keep", multiple=True, help="A found name that may stay (repeatable).")
@click.option("--replace", "replace_", multiple=True, help="Undo --keep: replace this name again.")
@click.option("--by", default="", help="Who decides (recorded in the story's history).")
@click.pass_obj
def names(
    obj: Context, story: str, keep: tuple[str, ...], replace_: tuple[str, ...], by: str
) -> None:
    """Third parties found in STORY (persons, places, institutions) and what replaces them.

    Every name found is replaced in published files unless it is cleared: --keep NAME
    clears one (the outbox follows at once), --replace NAME undoes that. The participant
    clears a name by answering its note in the draft's margin with a yes.
    """
    from goodwork_pipeline.pipeline import Pipeline

    pipeline = Pipeline(obj.settings, source="cli")
    actor = by or obj.settings.actor
    if keep:
        result = pipeline.keep_names(story, list(keep), by=actor, source="cli")
        _print_result(asdict(result))
    if replace_:
        result = pipeline.replace_names_again(story, list(replace_), by=actor)
        _print_result(asdict(result))
    found = pipeline.third_parties(story)
    if not found:
        console.print("Geen namen van derden gevonden.")
        return
    table = Table(title=f"Namen van derden in {pipeline.store.story(story).id}", expand=False)
    for header in ("Naam", "Soort", "Bij publicatie", "Gevonden in"):
        table.add_column(header, overflow="fold")
    for item, kept in found:
        shown = "blijft staan (vrijgegeven)" if kept else f"vervangen door '{item.stand_in}'"
        table.add_row(_e(item.name), item.kind, _e(shown), _e(item.context))
    console.print(table)
    console.print('Vrijgeven: goodwork names STORY --keep "Naam"')


def _print_groups(settings: Settings) -> None:
    from goodwork_pipeline.publishing.booklet import groups
    from goodwork_pipeline.store.repository import Store

    if settings.database is None and not (settings.workspace_dir / "goodwork.sqlite").exists():
        console.print("Nog geen verhalen, dus ook geen groepen.")
        return
    found = groups(Store(settings.database_url).stories())
    if not found:
        console.print("Geen enkel verhaal heeft een groep (de sleutel 'group' in de metadata).")
        return
    table = Table(title="Groepen", expand=False)
    table.add_column("Groep")
    table.add_column("Verhalen", justify="right")
    for name, count in sorted(found.items()):
        table.add_row(_e(name), str(count))
    console.print(table)
    console.print('Maak een boekje met: goodwork booklet "GROEP"')


def _known_story(settings: Settings, story: str) -> str:
    """STORY's code, checked before any flow starts: an unknown code is a usage error (exit
    2) with one message, not a failed flow run."""
    from goodwork_pipeline.store.repository import Store

    if settings.database is None and not (settings.workspace_dir / "goodwork.sqlite").exists():
        raise UnknownStoryError(
            f"No story with code {story!r}: nothing has been processed in {settings.base_dir} "
            "yet. Run goodwork in the programme folder (-C FOLDER) or check the code.",
            nl=f"Er is geen verhaal met code {story}: in {settings.base_dir} is nog niets "
            "verwerkt. Start goodwork in de map van het programma (-C MAP) of controleer de code.",
        )
    store = Store(settings.database_url)
    try:
        return store.story(story).id
    finally:
        store.close()


def _channels(parse: Callable[[list[str]], frozenset[object]], value: str) -> frozenset[object]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    try:
        return parse([value])
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc


def _warn_if_workspace_open(settings: Settings) -> None:
    from goodwork_pipeline.files import is_private

    if settings.workspace_dir.is_dir() and not is_private(settings.workspace_dir):
        console.print(
            f"[yellow]Let op:[/] de werkmap {_e(settings.workspace_dir)} is leesbaar voor andere "
            "gebruikers van deze computer, en er staan opnames, transcripten en namen in. Maak "
            f"hem privé: chmod -R go-rwx {_e(settings.workspace_dir)}",
            soft_wrap=True,  # a command to copy is never broken over lines
        )


def _ensure_folders(settings: Settings) -> None:
    from goodwork_pipeline.files import make_dirs

    for folder in (settings.inbox_dir, settings.outbox_dir, settings.workspace_dir):
        try:
            make_dirs(folder, private=True if folder == settings.workspace_dir else None)
        except (FileExistsError, NotADirectoryError) as exc:
            raise SettingsError(
                f"{folder} is a file, not a folder. Move it away (or point the setting "
                "'inbox', 'outbox' or 'workspace' elsewhere), then run again.",
                nl=f"{folder} is een bestand, geen map. Zet het ergens anders neer (of kies "
                "een andere map in goodwork.toml) en start opnieuw.",
                path=folder,
            ) from exc


def _status_table(rows: list[StatusRow]) -> Table:
    table = Table(title=f"Verhalen ({len(rows)})", expand=False)
    for header in ("Code", "Deelnemer", "Status", "Sinds", "Volgende stap", "Laatste fout"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            row.code,
            _e(row.who),
            _state_markup(row),
            row.since,
            _e(row.next_step),
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


def _e(value: object) -> str:
    """Text from files, names and messages, shown as it is: '[definitief]' in a file name
    is not Rich markup (it vanished, and '[/]' stopped the command with a MarkupError)."""
    return escape(str(value))


def _state_markup(row: StatusRow) -> str:
    colour = {State.FAILED: "red", State.PUBLISHED: "green", State.DRAFTED: "yellow"}.get(
        row.state_key  # type: ignore[arg-type]
    )
    return f"[{colour}]{row.state}[/]" if colour else row.state


def _print_result(result: dict[str, object]) -> None:
    mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
    text = result["message_nl"] or result["message"]
    story = f"{result['story_id']}: " if result["story_id"] else ""
    console.print(f"{mark} {_e(story)}{_e(text)}")
    for output in result["outputs"]:  # type: ignore[attr-defined]
        console.print(f"    → {_e(output)}")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def _print_history(store: object, story: str) -> None:
    header, events = story_history(store, story)  # type: ignore[arg-type]
    console.print(_e(header))
    table = Table(expand=False)
    for name in ("Wanneer", "Wat", "Door", "Bron", "Toelichting"):
        table.add_column(name, overflow="fold")
    for event in events:
        table.add_row(*(_e(value) for value in event))
    console.print(table)


def _print_consent_and_changes(store: object, settings: Settings, story: str) -> None:
    from goodwork_pipeline.consent.ledger import consent_for
    from goodwork_pipeline.consent.summary import consent_summary, latest_changes_report

    found = store.story(story)  # type: ignore[attr-defined]
    records = store.consent_records(found.id)  # type: ignore[attr-defined]
    if records:
        current = consent_for(store, found.id)  # type: ignore[arg-type]
        console.print("\n[bold]Toestemmingsregister[/] (alleen toevoegen, nooit wijzigen)")
        for line in consent_summary(records):
            console.print(f"  {_e(line)}", highlight=False)
        if current is None:
            console.print("  Nu: [bold]geen geldige toestemming[/]: er wordt niets gedeeld.")
        else:
            from goodwork_pipeline.consent.summary import channels_nl

            console.print(f"  Nu: toestemming voor {channels_nl(current.channels)}.")
    report = latest_changes_report(
        settings.workspace_dir,
        store.events(found.id),  # type: ignore[attr-defined]
    )
    if report:
        console.print("\n[bold]Laatst teruggestuurd concept[/]")
        console.print(report, highlight=False, markup=False)


cli.add_command(interviewer)  # goodwork interviewer add/list/remove (voice profiles)


def main() -> None:
    """The console script. Errors inside a command are handled by ``GoodworkGroup``; this
    catches what happens around it (parsing, Ctrl-C) with the same exit codes."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("Afgebroken.")
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GoodworkError as exc:
        show_error(exc)
        sys.exit(for_error(exc))
    except KeyboardInterrupt:
        err_console.print("Gestopt.")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:
        show_internal_error("(start-up)", exc, None)
        sys.exit(ExitCode.INTERNAL)


if __name__ == "__main__":
    main()
