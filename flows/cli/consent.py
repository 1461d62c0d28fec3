"""``goodwork consent``, ``withdraw``, ``pseudonymise``, ``names`` and ``booklet``: what a
participant agreed to, and what the published files may show."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from flows.cli.context import Context
from flows.cli.output import print_result, report, show
from flows.exit_codes import finish
from goodwork_pipeline import ConsentError, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Channel


def channels(ctx: click.Context, param: click.Parameter, value: str) -> list[Channel]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    from goodwork_pipeline import parse_channels

    try:
        return sorted(parse_channels([value]))
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc


def consent(obj: Context, story: str, **choices: Any) -> None:
    known_story(obj.settings, story)
    from flows.record_consent import record_consent

    result = record_consent(story, **choices, folder=str(obj.settings.base_dir), via_cli=True)
    report([result], notes=True)


def withdraw(obj: Context, story: str, channels: list[Channel], **choices: Any) -> None:
    known_story(obj.settings, story)
    from flows.withdraw_consent import withdraw_consent

    folder = str(obj.settings.base_dir)
    report(
        [withdraw_consent(story, channels=channels or None, **choices, folder=folder, via_cli=True)]
    )


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
