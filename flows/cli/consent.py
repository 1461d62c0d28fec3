"""``goodwork consent``, ``withdraw``, ``pseudonymise``, ``names`` and ``booklet``: what a
participant agreed to, and what the published files may show."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import click
from rich.table import Table

from flows.cli.context import Context
from flows.cli.output import command, console, plain, print_result
from flows.exit_codes import finish
from goodwork_pipeline import ConsentError, known_story

if TYPE_CHECKING:
    from goodwork_pipeline import Channel, Settings

__all__ = ["booklet", "consent", "names", "pseudonymise", "withdraw"]


@command()
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
    chosen = _channels(channels)
    known_story(obj.settings, story)
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
    print_result(result)
    details = result.get("details") or {}
    if result["ok"] and details:
        console.print(f"    tekst: {plain(details['bound_to_nl'])}")
        console.print(f"    SHA-256: {details['text_sha256']}")
        console.print(f"    vastlegging: workspace/{plain(details['snapshot'])}")
    finish([result])


@command()
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
    chosen = _channels(channels)
    known_story(obj.settings, story)
    from flows.withdraw_consent import withdraw_consent

    result = withdraw_consent(
        story,
        recorded_by=by,
        channels=sorted(chosen) or None,
        note=note,
        folder=str(obj.settings.base_dir),
        via_cli=True,
    )
    print_result(result)
    finish([result])


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
    from goodwork_pipeline import Store, story_pseudonyms

    settings = obj.settings
    story_id = known_story(settings, story)
    if not names:
        store = Store(settings.database_url)
        pseudonyms = story_pseudonyms(store, settings.workspace_dir, story_id)
        if not pseudonyms:
            console.print(f"{story_id}: er worden nog geen namen vervangen.")
        for item in pseudonyms:
            console.print(f"{plain(item.name)} → {plain(item.stand_in)}")
        return
    from flows.pseudonymise_story import pseudonymise_story

    result = pseudonymise_story(story, list(names), str(settings.base_dir))
    print_result(result, outputs=False)
    console.print(
        "Let op: een concept dat al verstuurd is, bevat de namen nog. De volgende versie en "
        "alle bestanden in de outbox niet."
    )
    finish([result])


@command()
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
    from goodwork_pipeline import Pipeline

    pipeline = Pipeline(obj.settings, source="cli")
    actor = by or obj.settings.actor
    if keep:
        result = pipeline.keep_names(story, list(keep), by=actor, source="cli")
        print_result(asdict(result))
    if replace_:
        result = pipeline.replace_names_again(story, list(replace_), by=actor)
        print_result(asdict(result))
    found = pipeline.third_parties(story)
    if not found:
        console.print("Geen namen van derden gevonden.")
        return
    table = Table(title=f"Namen van derden in {pipeline.store.story(story).id}", expand=False)
    for header in ("Naam", "Soort", "Bij publicatie", "Gevonden in"):
        table.add_column(header, overflow="fold")
    for item, kept in found:
        shown = "blijft staan (vrijgegeven)" if kept else f"vervangen door '{item.stand_in}'"
        table.add_row(plain(item.name), item.kind, plain(shown), plain(item.context))
    console.print(table)
    console.print('Vrijgeven: goodwork names STORY --keep "Naam"')


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
    settings = obj.settings
    if group is None:
        _print_groups(settings)
        return
    from flows.build_booklet import build_booklet

    result = build_booklet(group, str(settings.base_dir))
    print_result(result, story=False)
    finish([result])


def _print_groups(settings: Settings) -> None:
    from goodwork_pipeline import open_store, story_groups

    store = open_store(settings)
    if store is None:
        console.print("Nog geen verhalen, dus ook geen groepen.")
        return
    found = story_groups(store.stories())
    if not found:
        console.print("Geen enkel verhaal heeft een groep (de sleutel 'group' in de metadata).")
        return
    table = Table(title="Groepen", expand=False)
    table.add_column("Groep")
    table.add_column("Verhalen", justify="right")
    for name, count in sorted(found.items()):
        table.add_row(plain(name), str(count))
    console.print(table)
    console.print('Maak een boekje met: goodwork booklet "GROEP"')


def _channels(value: str) -> frozenset[Channel]:
    """--channels as channels; an unknown name is a usage error (exit 2)."""
    from goodwork_pipeline import parse_channels

    try:
        return parse_channels([value])
    except ConsentError as exc:
        raise click.BadParameter(f"{exc} {exc.nl}", param_hint="--channels") from exc
