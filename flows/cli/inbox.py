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
    console,
    err_console,
    plain,
    print_result,
    progress_bar,
    result_line,
    show,
)
from flows.exit_codes import finish


def run(obj: Context) -> None:
    from flows.process_inbox import run_inbox

    results = run_inbox(obj.settings)
    if not results:
        console.print(f"Niets te doen: de inbox ({plain(obj.settings.inbox_dir)}) is leeg.")
    for result in results:
        print_result(result)
    console.print("\nOverzicht: goodwork status")
    finish(results)


def watch(obj: Context, rescan: float) -> None:
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


def serve(obj: Context) -> None:
    from flows.serve import serve_all

    if not os.environ.get("PREFECT_API_URL"):
        raise click.UsageError(
            "goodwork serve needs a Prefect server: start one ('prefect server start') and "
            "set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)."
        )
    serve_all(obj.settings)


def purge(obj: Context, dry_run: bool) -> None:
    from goodwork_pipeline import SystemClock, open_store, purge_recordings, purge_report

    settings = obj.settings
    store = open_store(settings)
    clock = SystemClock()
    done = None if store is None else purge_recordings(store, settings, clock, dry_run=dry_run)
    show(purge_report(settings, done, dry_run=dry_run))


def transcribe(obj: Context, file: Path, **how: Any) -> None:
    from goodwork_pipeline import needs_transcribing, transcribe_to, transcript_summary

    progress = progress_bar(file.name) if needs_transcribing(file) else None
    with progress or contextlib.nullcontext() as update:
        transcript, text = transcribe_to(obj.settings, file, **how, progress=update)
    if how["output"] is None:
        return click.echo(text, nl=False)
    err_console.print(result_line(True, transcript_summary(how["output"], transcript)))
