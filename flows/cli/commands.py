"""The handler of every ``goodwork`` command, in the order of ``commands.yaml`` (its
``do: retry`` is ``retry`` here): each is called with the ``Context`` and the parsed values,
calls the engine or a flow, and prints. Flows and the heavier engine parts are imported inside
a handler, so that a command loads only what it runs."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flows.cli.context import Context
from flows.cli.output import console, err_console, print_result, progress_bar, report, say, show
from goodwork_pipeline import ConsentError, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Channel


# demo (settings: do: call): a demo folder.


def demo(obj: Context, demo_folder: Path) -> None:
    from flows.api_guard import require_safe_api
    from flows.demo import run_demo

    require_safe_api(obj.insecure_api)
    run_demo(demo_folder.resolve(), console)


# watch, transcribe (run, serve, purge: do: call): the inbox and the recordings in it.


def watch(obj: Context, rescan: float) -> None:
    from flows.dispatch import server_mode
    from flows.watch_inbox import watch as watch_inbox
    from goodwork_pipeline import WATCH_STOPPED, ensure_folders, watch_intro

    ensure_folders(obj.settings)
    where = os.environ.get("PREFECT_API_URL") if server_mode() else "in dit proces (embedded)"
    show(watch_intro(obj.settings, str(where)))
    with contextlib.suppress(KeyboardInterrupt):
        watch_inbox(obj.settings, report=print_result, rescan_seconds=rescan)
    show([WATCH_STOPPED])


def transcribe(obj: Context, file: Path, **how: Any) -> None:
    from goodwork_pipeline import needs_transcribing, transcribe_to, transcript_summary

    progress = progress_bar(file.name) if needs_transcribing(file) else None
    with progress or contextlib.nullcontext() as update:
        transcript, text = transcribe_to(obj.settings, file, **how, progress=update)
    if how["output"] is None:
        return click.echo(text, nl=False)
    say(True, transcript_summary(how["output"], transcript), to=err_console)


# status, review (retry, draft, send, sent: do: flow or call): the stories, the staff's steps.


def status(obj: Context, story: str | None, **filters: Any) -> None:
    from goodwork_pipeline import status_report

    try:
        show(status_report(obj.settings, story, **filters, width=console.width))
    except ValueError as exc:  # an unknown --state
        raise click.BadParameter(str(exc), param_hint="--state") from exc


def flow(obj: Context, flow: dict[str, Any], **values: Any) -> None:
    """A command that runs ``flows.<run>.<run>`` on its values and ``with``'s fixed ones, in
    the programme folder, and prints the results as ``show`` says (see ``output.report``)."""
    if "story" in values:
        known_story(obj.settings, values["story"])
    from flows._states import results_of

    run = getattr(importlib.import_module(f"flows.{flow['run']}"), flow["run"])
    folder = str(obj.settings.base_dir)
    results = results_of(run(**values, **flow.get("with", {}), folder=folder, return_state=True))
    report(results, **flow.get("show", {}))


def call(obj: Context, call: dict[str, Any], **values: Any) -> None:
    """A command that is one call: ``goodwork_pipeline.<run>`` (or a dotted ``flows.X.NAME``)
    on the settings and its values, its answer printed as ``show`` says (``output.report``)."""
    if "story" in values:
        known_story(obj.settings, values["story"])
    module, _, name = call["run"].rpartition(".")
    run = getattr(importlib.import_module(module or "goodwork_pipeline"), name)
    report(run(obj.settings, **values), **call.get("show", {}))


def review(obj: Context, story: str, no_browser: bool, **how: Any) -> None:
    import webbrowser

    from goodwork_pipeline import StepResult, open_review, review_intro, review_stopped

    server = open_review(obj.pipeline(source="review"), story, **how)
    if isinstance(server, StepResult):  # no draft yet: exit 1
        return report([asdict(server)], story=False)
    show(review_intro(server))
    click.echo(server.url)  # one line, never wrapped: a script may read it
    sys.stdout.flush()
    if not no_browser and not webbrowser.open(server.url):
        console.print("Geen browser gevonden: open het adres hierboven zelf.")
    with contextlib.suppress(KeyboardInterrupt):
        console.print(review_stopped(server.run()))


# consent, withdraw, pseudonymise, names, booklet (do: flow or call): what a participant
# agreed to, and what the published files may show.


def channels(ctx: click.Context, param: click.Parameter, value: str) -> list[Channel]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    from goodwork_pipeline import parse_channels

    try:
        return sorted(parse_channels([value]))
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc
