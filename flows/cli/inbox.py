"""``goodwork run``, ``watch``, ``serve``, ``purge`` and ``transcribe``: the inbox and the
recordings in it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import click

from flows.cli.context import Context
from flows.cli.output import (
    command,
    console,
    err_console,
    plain,
    print_result,
    progress_bar,
    result_line,
    show,
)
from flows.exit_codes import finish

__all__ = ["purge", "run", "serve", "transcribe", "watch"]


@command()
@click.pass_obj
def run(obj: Context) -> None:
    """Process the inbox once: new recordings to drafts, returned drafts to consent and outbox.

    Runs the 'process-inbox' Prefect flow (embedded: no server needed; set PREFECT_API_URL to
    use a running Prefect server). Prints what happened to each file.
    """
    from flows.process_inbox import run_inbox

    results = run_inbox(obj.settings)
    if not results:
        console.print(f"Niets te doen: de inbox ({plain(obj.settings.inbox_dir)}) is leeg.")
    for result in results:
        print_result(result)
    console.print("\nOverzicht: goodwork status")
    finish(results)


@command()
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
    from flows.dispatch import server_mode
    from flows.watch_inbox import watch as watch_inbox
    from goodwork_pipeline import ensure_folders

    ensure_folders(obj.settings)
    where = os.environ.get("PREFECT_API_URL") if server_mode() else "in dit proces (embedded)"
    inbox = plain(obj.settings.inbox_dir)
    console.print(f"goodwork houdt {inbox} in de gaten; Prefect: {plain(where)}.")
    console.print("Stoppen: Ctrl-C.")
    with contextlib.suppress(KeyboardInterrupt):
        watch_inbox(obj.settings, report=print_result, rescan_seconds=rescan)
    console.print("Gestopt. Wat half af was, gaat verder bij de volgende start.")


@command()
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


@command()
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.pass_obj
def purge(obj: Context, dry_run: bool) -> None:
    """Delete recordings whose retention period is over ('keep_recordings_days' after approval).

    Only stories that were approved or declined, and only after the set number of days;
    transcripts too when 'keep_transcripts' is false. Every deletion is recorded in the
    story's history ('goodwork status STORY'). Recordings of open stories are never deleted.
    """
    from goodwork_pipeline import SystemClock, open_store, purge_recordings, purge_report

    settings = obj.settings
    store = open_store(settings)
    clock = SystemClock()
    done = None if store is None else purge_recordings(store, settings, clock, dry_run=dry_run)
    show(purge_report(settings, done, dry_run=dry_run))


@command()
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
def transcribe(obj: Context, file: Path, **how: Any) -> None:
    """Transcribe one recording FILE without creating a story (for researchers).

    Same engine, settings and safeguards as the pipeline: the recording is checked, nothing
    said is silently dropped (passages not understood are marked), repetition loops are
    repaired, speakers are labelled. A sidecar FILE.yaml next to it is used (speakers,
    vocabulary, language). A .vtt, .srt or .txt transcript is converted instead.
    Progress goes to stderr, so the transcript can be piped.
    """
    from goodwork_pipeline import needs_transcribing, transcribe_to, transcript_summary

    progress = progress_bar(file.name) if needs_transcribing(file) else None
    with progress or contextlib.nullcontext() as update:
        transcript, text = transcribe_to(obj.settings, file, **how, progress=update)
    if how["output"] is None:
        return click.echo(text, nl=False)
    err_console.print(result_line(True, transcript_summary(how["output"], transcript)))
