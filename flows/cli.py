"""The ``goodwork`` command: parse, call the engine or a flow, print. No logic lives here.

Commands that run the pipeline go through Prefect flows; commands that only read (status,
settings) use the engine directly so they answer at once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from goodwork_pipeline import __version__
from goodwork_pipeline.errors import GoodworkError
from goodwork_pipeline.settings import SETTINGS_FILE, Settings, load_settings
from goodwork_pipeline.status import StatusRow, status_rows, story_history

console = Console()
err_console = Console(stderr=True)


class Context:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.folder)
        return self._settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-C",
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Programme folder to work in (holds inbox/, outbox/, workspace/, goodwork.toml). "
    "Default: the current folder.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the engine's progress messages.")
@click.version_option(__version__, prog_name="goodwork")
@click.pass_context
def cli(ctx: click.Context, folder: Path | None, verbose: bool) -> None:
    """goodwork: from a recorded conversation to a consented 'beeld van goed werk'.

    Drop recordings (and returned drafts) in inbox/, run 'goodwork run', send the draft from
    outbox/concepten/ to the participant, and find publish-ready files in outbox/ once they
    have said yes. Everything stays on this machine.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = Context(folder)


@cli.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Process the inbox once: new recordings to drafts, returned drafts to consent and outbox.

    Runs the 'process-inbox' Prefect flow (embedded: no server needed; set PREFECT_API_URL to
    use a running Prefect server). Prints what happened to each file.
    """
    from flows.process_inbox import process_inbox

    settings = obj.settings
    _ensure_folders(settings)
    results = process_inbox(str(settings.base_dir))
    if not results:
        console.print(f"Niets te doen: de inbox ({settings.inbox_dir}) is leeg.")
    for result in results:
        mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
        text = result["message_nl"] or result["message"]
        story = f"{result['story_id']}: " if result["story_id"] else ""
        console.print(f"{mark} {story}{text}")
        for output in result["outputs"]:
            console.print(f"    → {output}")
    console.print("\nOverzicht: goodwork status")


@cli.command()
@click.argument("story", required=False)
@click.option("--state", "states", multiple=True, help="Only stories in this state (repeatable).")
@click.pass_obj
def status(obj: Context, story: str | None, states: tuple[str, ...]) -> None:
    """Where every story stands, or the full history of one STORY (its code, e.g. GW-7K3QM2XD)."""
    from goodwork_pipeline.store import Store

    settings = obj.settings
    if settings.database is None and not (settings.workspace_dir / "goodwork.sqlite").exists():
        console.print(
            f"Nog geen verhalen in {settings.base_dir}: er is nog niets verwerkt. "
            "Zet een opname in de inbox en start 'goodwork run'."
        )
        return
    store = Store(settings.database_url)
    if story:
        _print_history(store, story)
        return
    rows, rejected = status_rows(store, settings, states=states or None)
    if not rows and not rejected:
        console.print("Nog geen verhalen. Zet een opname in de inbox en start 'goodwork run'.")
        return
    if rows:
        console.print(_status_table(rows))
    if rejected:
        table = Table(title="Bestanden in de inbox die niet verwerkt konden worden", expand=False)
        table.add_column("Bestand")
        table.add_column("Wat er mis is en wat te doen", overflow="fold")
        for item in rejected:
            table.add_row(item.name, item.message_nl or item.message or "")
        console.print(table)


@cli.command()
@click.argument("story")
@click.pass_obj
def retry(obj: Context, story: str) -> None:
    """Try a failed STORY again from the step where it stopped."""
    from flows.retry_story import retry_story

    for result in retry_story(story, str(obj.settings.base_dir)):
        mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
        console.print(f"{mark} {result['message_nl'] or result['message']}")


@cli.command("settings")
@click.pass_obj
def show_settings(obj: Context) -> None:
    """Show the settings in effect (defaults < goodwork.toml < GOODWORK_* variables)."""
    settings = obj.settings
    table = Table(title=f"Settings for {settings.base_dir}", show_lines=False)
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for name in Settings.model_fields:
        table.add_row(name, str(getattr(settings, name)))
    console.print(table)
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
def demo(demo_folder: Path) -> None:
    """Run the whole path on a sample interview spoken by espeak-ng (needs espeak-ng).

    Makes a sample recording, drops it in the demo inbox, runs the flow (transcript and
    draft), then plays the participant: a clearly labelled DEMO copy of the draft with boxes
    ticked goes back into the inbox, and the flow runs again to publish.
    """
    from flows.demo import run_demo

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
    console.print(f"{mark} {result['message_nl'] or result['message']}")
    for output in result["outputs"]:
        console.print(f"    → {output}")


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
    from goodwork_pipeline.pseudonymise import assign, staff_names
    from goodwork_pipeline.store import Store
    from goodwork_pipeline.workspace import Workspace

    settings = obj.settings
    if not names:
        store = Store(settings.database_url)
        current = store.story(story)
        sidecar: Sidecar = current.sidecar
        marked = staff_names(Workspace(settings.workspace_dir).story(current.id).root)
        pseudonyms = assign([*sidecar.pseudonymise, *marked])
        if not pseudonyms:
            console.print(f"{current.id}: er worden nog geen namen vervangen.")
        for item in pseudonyms:
            console.print(f"{item.name} → {item.stand_in}")
        return
    from flows.pseudonymise_story import pseudonymise_story

    result = pseudonymise_story(story, list(names), str(settings.base_dir))
    mark = "[green]✓[/]" if result["ok"] else "[red]✗[/]"
    console.print(f"{mark} {result['story_id']}: {result['message_nl'] or result['message']}")
    console.print(
        "Let op: een concept dat al verstuurd is, bevat de namen nog. De volgende versie en "
        "alle bestanden in de outbox niet."
    )


def _print_groups(settings: Settings) -> None:
    from goodwork_pipeline.booklet import groups
    from goodwork_pipeline.store import Store

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
        table.add_row(name, str(count))
    console.print(table)
    console.print('Maak een boekje met: goodwork booklet "GROEP"')


def _ensure_folders(settings: Settings) -> None:
    for folder in (settings.inbox_dir, settings.outbox_dir, settings.workspace_dir):
        folder.mkdir(parents=True, exist_ok=True)


def _status_table(rows: list[StatusRow]) -> Table:
    table = Table(title="Verhalen", expand=False)
    for header in ("Code", "Deelnemer", "Status", "Sinds", "Volgende stap", "Laatste melding"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(row.code, row.who, row.state, row.since, row.next_step, row.last_message)
    return table


def _print_history(store: object, story: str) -> None:
    header, events = story_history(store, story)  # type: ignore[arg-type]
    console.print(header)
    table = Table(expand=False)
    for name in ("Wanneer", "Wat", "Door", "Bron", "Toelichting"):
        table.add_column(name, overflow="fold")
    for event in events:
        table.add_row(*event)
    console.print(table)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("Afgebroken.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GoodworkError as exc:
        err_console.print(f"[red]goodwork:[/] {exc}")
        if exc.nl and exc.nl != exc.message:
            err_console.print(exc.nl)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("Gestopt.")
        sys.exit(130)


if __name__ == "__main__":
    main()
