"""``goodwork status``, ``retry``, ``draft``, ``send``, ``sent`` and ``review``: where the
stories stand and the staff's steps on one story."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import asdict
from typing import Any

import click

from flows.cli.context import Context
from flows.cli.output import console, report, show
from goodwork_pipeline import known_story


def status(obj: Context, story: str | None, **filters: Any) -> None:
    from goodwork_pipeline import status_report

    try:
        show(status_report(obj.settings, story, **filters, width=console.width))
    except ValueError as exc:  # an unknown --state
        raise click.BadParameter(str(exc), param_hint="--state") from exc


def retry(obj: Context, story: str) -> None:
    known_story(obj.settings, story)
    from flows._states import results_of
    from flows.retry_story import retry_story

    results = results_of(retry_story(story, str(obj.settings.base_dir), return_state=True))
    report(results, story=False, outputs=False)


def draft(obj: Context, story: str, force: bool) -> None:
    known_story(obj.settings, story)
    from flows.draft_story import draft_story

    report([draft_story(story, str(obj.settings.base_dir), force)], story=False, notes=True)


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
