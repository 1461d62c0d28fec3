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
from flows.exit_codes import finish
from goodwork_pipeline import ConsentError, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Channel


# settings, demo: the programme folder's settings, and a demo folder.


def settings(obj: Context) -> None:
    from flows.api_guard import current_api, describe
    from goodwork_pipeline import settings_report

    show(settings_report(obj.settings, prefect=describe(current_api())))


def demo(obj: Context, demo_folder: Path) -> None:
    from flows.api_guard import require_safe_api
    from flows.demo import run_demo

    require_safe_api(obj.insecure_api)
    run_demo(demo_folder.resolve(), console)


# run, watch, serve, purge, transcribe: the inbox and the recordings in it.


def run(obj: Context) -> None:
    from flows.process_inbox import run_inbox
    from goodwork_pipeline import run_report

    results = run_inbox(obj.settings)
    for result in results:
        print_result(result)
    show(run_report(obj.settings, results))
    finish(results)


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


def serve(obj: Context) -> None:
    from flows.serve import serve_all

    serve_all(obj.settings)


def purge(obj: Context, dry_run: bool) -> None:
    from goodwork_pipeline import SystemClock, purge_programme, purge_report

    done = purge_programme(obj.settings, SystemClock(), dry_run=dry_run)
    show(purge_report(obj.settings, done, dry_run=dry_run))


def transcribe(obj: Context, file: Path, **how: Any) -> None:
    from goodwork_pipeline import needs_transcribing, transcribe_to, transcript_summary

    progress = progress_bar(file.name) if needs_transcribing(file) else None
    with progress or contextlib.nullcontext() as update:
        transcript, text = transcribe_to(obj.settings, file, **how, progress=update)
    if how["output"] is None:
        return click.echo(text, nl=False)
    say(True, transcript_summary(how["output"], transcript), to=err_console)


# status, retry, draft, send, sent, review: where the stories stand, the staff's steps.


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
    report(results if isinstance(results, list) else [results], **flow.get("show", {}))


def send(obj: Context, story: str, by: str, to: str | None) -> None:
    known_story(obj.settings, story)
    result = obj.pipeline().send_draft(story, by=by or obj.settings.actor, to=to)
    report([asdict(result)])


def sent(obj: Context, story: str, by: str, note: str) -> None:
    known_story(obj.settings, story)
    report([asdict(obj.pipeline().mark_sent(story, by=by, note=note or None))])


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


# consent, withdraw, pseudonymise, names, booklet: what a participant agreed to, and
# what the published files may show.


def channels(ctx: click.Context, param: click.Parameter, value: str) -> list[Channel]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    from goodwork_pipeline import parse_channels

    try:
        return sorted(parse_channels([value]))
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc


def pseudonymise(obj: Context, story: str, names: tuple[str, ...]) -> None:
    from goodwork_pipeline import PSEUDONYMS_NOTE, pseudonyms_report

    story_id = known_story(obj.settings, story)
    if not names:
        return show(pseudonyms_report(obj.settings, story_id))
    from flows.pseudonymise_story import pseudonymise_story

    result = pseudonymise_story(story, list(names), str(obj.settings.base_dir))
    print_result(result, outputs=False)
    show([PSEUDONYMS_NOTE])
    finish([result])


def names(
    obj: Context, story: str, keep: tuple[str, ...], replace_: tuple[str, ...], by: str
) -> None:
    from goodwork_pipeline import names_report

    pipeline, actor = obj.pipeline(), by or obj.settings.actor
    if keep:
        print_result(asdict(pipeline.keep_names(story, list(keep), by=actor, source="cli")))
    if replace_:
        print_result(asdict(pipeline.replace_names_again(story, list(replace_), by=actor)))
    show(names_report(pipeline, story))


def booklet(obj: Context, group: str | None) -> None:
    from goodwork_pipeline import groups_report

    if group is None:
        return show(groups_report(obj.settings))
    from flows.build_booklet import build_booklet

    report([build_booklet(group, str(obj.settings.base_dir))], story=False)


# interviewer add/list/remove: interviewers' voice profiles (see profiles.py). Exit codes:
# 1 the recording needs attention (too little speech, more than one voice, unreadable), 2 a
# profile name that cannot be used or does not exist, or the voice model is not installed.


def interviewer_add(obj: Context, name: str, file: Path) -> None:
    from goodwork_pipeline import make_profile, save_profile

    profile = make_profile(name, file, threads=obj.settings.threads)
    path = save_profile(obj.settings.workspace_dir, profile)
    saved = f"Stemprofiel van {profile.name} opgeslagen ({profile.speech_s:.0f} s spraak) in {path}"
    say(True, saved)


def interviewer_list(obj: Context) -> None:
    from goodwork_pipeline import profiles_report

    show(profiles_report(obj.settings.workspace_dir))


def interviewer_remove(obj: Context, name: str) -> None:
    from goodwork_pipeline import remove_profile

    remove_profile(obj.settings.workspace_dir, name)
    say(True, f"Stemprofiel van {name} verwijderd.")
