"""The ``goodwork`` command: parse, call the engine or a flow, print. No logic lives here.

Commands that run the pipeline go through Prefect flows; commands that only read (status,
settings) use the engine directly so they answer at once.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from goodwork_pipeline import __version__
from goodwork_pipeline.errors import GoodworkError
from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.settings import SETTINGS_FILE, Settings, load_settings
from goodwork_pipeline.status import StatusRow, status_rows, story_history

if TYPE_CHECKING:
    from goodwork_pipeline.transcription import ProgressMeter

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


@cli.command()
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
def transcribe(
    obj: Context, file: Path, fmt: str | None, output: Path | None, language: str | None
) -> None:
    """Transcribe one recording FILE without creating a story (for researchers).

    Same engine, settings and safeguards as the pipeline: the recording is checked, nothing
    said is silently dropped (passages not understood are marked), repetition loops are
    repaired, speakers are labelled. A sidecar FILE.yaml next to it is used (speakers,
    vocabulary, language). A .vtt, .srt or .txt transcript is converted instead.
    Progress goes to stderr, so the transcript can be piped.
    """
    from goodwork_pipeline.sidecar import read_sidecar, sidecar_for
    from goodwork_pipeline.transcript_files import (
        is_transcript_file,
        read_transcript_file,
        render,
    )
    from goodwork_pipeline.transcription import Transcription

    settings = obj.settings
    fmt = fmt or _format_for(output)
    sidecar = read_sidecar(sidecar_for(file))
    language = language or sidecar.language or settings.language
    if is_transcript_file(file):
        transcript = read_transcript_file(file, language=language)
    else:
        sidecar = replace(sidecar, language=language)
        with _transcription_progress(file.name) as progress:
            transcript = Transcription(settings).transcribe_file(
                file, sidecar=sidecar, progress=progress
            )
    text = render(transcript, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    gaps = f", {len(transcript.gaps)} passage(s) not understood" if transcript.gaps else ""
    err_console.print(
        f"[green]✓[/] {output} ({len(transcript.segments)} segments, "
        f"{transcript.duration:.0f} s{gaps})"
    )


def _format_for(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in ("txt", "json", "srt", "vtt") else "txt"


@contextlib.contextmanager
def _transcription_progress(name: str) -> Iterator[Callable[[ProgressMeter], None]]:
    """A rich progress bar on stderr: percentage of the speech done and the time left."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[left]}"),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task(f"{name}: transcribing", total=None, left="")

        def update(meter: ProgressMeter) -> None:
            left = meter.seconds_left()
            bar.update(
                task,
                total=max(meter.total, 0.001),
                completed=meter.done,
                left="" if left is None else f"about {_minutes(left)} left",
            )

        yield update


def _minutes(seconds: float) -> str:
    return f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"


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
