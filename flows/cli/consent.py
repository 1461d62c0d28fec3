"""``goodwork consent``, ``withdraw``, ``pseudonymise``, ``names`` and ``booklet``: what a
participant agreed to, and what the published files may show."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from flows.cli.context import Context
from flows.cli.output import command, print_result, report, show
from flows.exit_codes import finish
from goodwork_pipeline import ConsentError, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Channel

__all__ = ["booklet", "consent", "names", "pseudonymise", "withdraw"]


def _channels(ctx: click.Context, param: click.Parameter, value: str) -> list[Channel]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    from goodwork_pipeline import parse_channels

    try:
        return sorted(parse_channels([value]))
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc


@command()
@click.argument("story")
@click.option(
    "--channels",
    default="",
    callback=_channels,
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
@click.option("--by", "recorded_by", required=True, help="Who records this consent (your name).")
@click.option("--note", default="", help="How and when the participant gave consent.")
@click.option(
    "--version",
    "draft_version",
    type=click.IntRange(min=1),
    help="Bind the consent to this draft version's text, 1 or more (default: see above).",
)
@click.pass_obj
def consent(obj: Context, story: str, **choices: Any) -> None:
    """Record consent STORY's participant gave by e-mail or phone.

    The consent is bound to an exact text: while the story waits for the participant, the
    newest draft as it was sent; once a text was approved, that approved text; --version N
    picks draft version N. The output says which text it is. The outbox follows at once
    (runs the 'record-consent' Prefect flow).
    """
    known_story(obj.settings, story)
    from flows.record_consent import record_consent

    result = record_consent(story, **choices, folder=str(obj.settings.base_dir), via_cli=True)
    report([result], notes=True)


@command()
@click.argument("story")
@click.option(
    "--channels",
    default="",
    callback=_channels,
    help="Withdraw only these channels (website, social, group, internal); default: all.",
)
@click.option("--by", "recorded_by", required=True, help="Who records the withdrawal (your name).")
@click.option("--note", default="", help="How and when the participant asked.")
@click.pass_obj
def withdraw(obj: Context, story: str, channels: list[Channel], **choices: Any) -> None:
    """Withdraw STORY's consent (all channels, or --channels): its files leave the outbox now.

    Recorded in the consent ledger with a PDF snapshot; group booklets drop it at their next
    build. Runs the 'withdraw-consent' Prefect flow.
    """
    known_story(obj.settings, story)
    from flows.withdraw_consent import withdraw_consent

    folder = str(obj.settings.base_dir)
    report(
        [withdraw_consent(story, channels=channels or None, **choices, folder=folder, via_cli=True)]
    )


@command()
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
    from goodwork_pipeline import PSEUDONYMS_NOTE, pseudonyms_report

    story_id = known_story(obj.settings, story)
    if not names:
        return show(pseudonyms_report(obj.settings, story_id))
    from flows.pseudonymise_story import pseudonymise_story

    result = pseudonymise_story(story, list(names), str(obj.settings.base_dir))
    print_result(result, outputs=False)
    show([PSEUDONYMS_NOTE])
    finish([result])


@command()
@click.argument("story")
@click.option("--keep", multiple=True, help="A found name that may stay (repeatable).")
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
    from goodwork_pipeline import names_report

    pipeline, actor = obj.pipeline(), by or obj.settings.actor
    if keep:
        print_result(asdict(pipeline.keep_names(story, list(keep), by=actor, source="cli")))
    if replace_:
        print_result(asdict(pipeline.replace_names_again(story, list(replace_), by=actor)))
    show(names_report(pipeline, story))


@command()
@click.argument("group", required=False)
@click.pass_obj
def booklet(obj: Context, group: str | None) -> None:
    """Render the booklet of GROUP (the sidecar's 'group') for a group session.

    One PDF in outbox/groepsboekjes/ with every beeld of the group whose participant consented
    to group sessions: cover, contents, the beelden, then the shared themes, puzzles, options
    and values side by side, and questions for the conversation. Without GROUP: list the
    groups. Withdrawn beelden leave the booklet at the next change or build.
    """
    from goodwork_pipeline import groups_report

    if group is None:
        return show(groups_report(obj.settings))
    from flows.build_booklet import build_booklet

    report([build_booklet(group, str(obj.settings.base_dir))], story=False)
