"""The ``goodwork`` command: parse, call the engine or a flow, print. No logic lives here.

Commands that run the pipeline go through Prefect flows; commands that only read (status,
settings) use the engine directly so they answer at once. One module per group of commands:
``inbox`` (run, watch, serve, purge, transcribe), ``stories`` (status, retry, draft, send,
sent, review), ``consent`` (consent, withdraw, pseudonymise, names, booklet), ``interviewer``;
``output`` prints, ``context`` holds the settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from flows.boundary import GoodworkGroup, run_command_line
from flows.cli import consent, inbox, stories
from flows.cli.context import PREFECT_FREE, Context
from flows.cli.interviewer import interviewer
from flows.cli.output import console, show
from flows.exit_codes import HELP as EXIT_CODES
from goodwork_pipeline import __version__, configure_logging

__all__ = ["Context", "cli", "main"]


@click.group(
    cls=GoodworkGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.option(
    "-C",
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Programme folder to work in (holds inbox/, outbox/, workspace/, goodwork.toml). "
    "Default: the current folder.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the engine's progress messages.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Operator log lines as key=value text or as JSON objects (one per line).",
)
@click.option(
    "--insecure-api",
    is_flag=True,
    help="Allow a Prefect API on another machine without PREFECT_API_AUTH_STRING (only on a "
    "trusted private network; anyone reaching it can record consent).",
)
@click.version_option(__version__, prog_name="goodwork")
@click.pass_context
def cli(
    ctx: click.Context, folder: Path | None, verbose: bool, log_format: str, insecure_api: bool
) -> None:
    """goodwork: from a recorded conversation to a consented 'beeld van goed werk'.

    Drop recordings (and returned drafts) in inbox/, run 'goodwork run', send the draft from
    outbox/concepten/ to the participant, and find publish-ready files in outbox/ once they
    have said yes. Everything stays on this machine.
    """
    level = logging.INFO if verbose else logging.WARNING
    configure_logging(level=level, json_lines=log_format == "json")
    ctx.obj = Context(folder, insecure_api, checks_api=ctx.invoked_subcommand not in PREFECT_FREE)


@cli.command("settings")
@click.pass_obj
def show_settings(obj: Context) -> None:
    """Show the settings in effect (defaults < goodwork.toml < GOODWORK_* variables)."""
    from flows.api_guard import current_api, describe
    from goodwork_pipeline import settings_report

    show(settings_report(obj.settings, prefect=describe(current_api())))


@cli.command()
@click.option(
    "--folder",
    "demo_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Where to create the demo programme folder.",
)
@click.pass_obj
def demo(obj: Context, demo_folder: Path) -> None:
    """Run the whole path on a sample interview spoken by espeak-ng (needs espeak-ng).

    Makes a sample recording, drops it in the demo inbox, runs the flow (transcript and
    draft), then plays the participant: a clearly labelled DEMO copy of the draft with boxes
    ticked goes back into the inbox, and the flow runs again to publish.
    """
    from flows.api_guard import require_safe_api
    from flows.demo import run_demo

    require_safe_api(obj.insecure_api)
    run_demo(demo_folder.resolve(), console)


for module in (inbox, stories, consent):
    for name in module.__all__:
        cli.add_command(getattr(module, name))
cli.add_command(interviewer)  # goodwork interviewer add/list/remove (voice profiles)


def main() -> None:
    """The console script (see ``flows.boundary.run_command_line``)."""
    run_command_line(cli)


if __name__ == "__main__":
    main()
