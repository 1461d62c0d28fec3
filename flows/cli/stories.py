"""``goodwork status``, ``retry``, ``draft``, ``send``, ``sent`` and ``review``: where the
stories stand and the staff's steps on one story."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import asdict
from typing import Any

import click

from flows.cli.context import Context
from flows.cli.output import command, console, report, show
from goodwork_pipeline import known_story

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
    "needs_staff",
    is_flag=True,
    help="Only stories where staff have something to do (send a draft, call, fix a problem).",
)
@click.pass_obj
def status(obj: Context, story: str | None, **filters: Any) -> None:
    """Where every story stands, or the full history of one STORY (its code, e.g. GW-7K3QM2XD).

    The table shows each story's code, participant (or role), state, since when, the next
    step and the last error. In a narrow terminal each story takes a few lines instead.
    """
    from goodwork_pipeline import status_report

    try:
        show(status_report(obj.settings, story, **filters, width=console.width))
    except ValueError as exc:  # an unknown --state
        raise click.BadParameter(str(exc), param_hint="--state") from exc


@command()
@click.argument("story")
@click.pass_obj
def retry(obj: Context, story: str) -> None:
    """Try a failed STORY again from the step where it stopped."""
    known_story(obj.settings, story)
    from flows._states import results_of
    from flows.retry_story import retry_story

    results = results_of(retry_story(story, str(obj.settings.base_dir), return_state=True))
    report(results, story=False, outputs=False)


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

    report([draft_story(story, str(obj.settings.base_dir), force)], story=False, notes=True)


@command()
@click.argument("story")
@click.option("--by", default="", help="Who sends it (your name; default: 'actor').")
@click.option("--to", help="Another address than the one in the sidecar.")
@click.pass_obj
def send(obj: Context, story: str, by: str, to: str | None) -> None:
    """E-mail STORY's newest draft to the participant through the configured SMTP server.

    Only when an operator set 'smtp_host'; otherwise it says where the ready-to-send .eml is.
    After sending, the story waits for the participant (in review).
    """
    known_story(obj.settings, story)
    result = obj.pipeline().send_draft(story, by=by or obj.settings.actor, to=to)
    report([asdict(result)])


@command()
@click.argument("story")
@click.option("--by", required=True, help="Who sent it (your name).")
@click.option("--note", default="", help="E.g. 'sent by e-mail from my own mailbox'.")
@click.pass_obj
def sent(obj: Context, story: str, by: str, note: str) -> None:
    """Mark STORY's newest draft as sent (you mailed it yourself): it now waits for the reply."""
    known_story(obj.settings, story)
    report([asdict(obj.pipeline().mark_sent(story, by=by, note=note or None))])


@command()
@click.argument("story")
@click.option(
    "--by",
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
def review(obj: Context, story: str, no_browser: bool, **how: Any) -> None:
    """Check STORY's newest draft against the recording in your browser, and correct it.

    A page on this computer only (127.0.0.1, a secret address): every sentence with its time
    (click to hear it), the words speech recognition doubted marked, the whole conversation a
    click away. Saving makes a new draft version (the earlier one is kept); 'Klaar om te
    versturen' marks it checked. Stops with 'Sluiten', when the page closes, or when idle.
    """
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
