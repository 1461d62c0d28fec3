"""The ``goodwork`` command: parse, call the engine or a flow, print. No logic lives here.

Every command, its options and help text are in ``commands.yaml``, built by ``table``. Commands
that run the pipeline go through Prefect flows (``do: flow``); the others are one call of the
engine (``do: call``), so reading commands (status, settings) answer at once. Both return step
results and report lines, which ``output.report`` prints and turns into the exit code. The few
handlers that need the terminal itself are in ``commands``; ``context`` holds the settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from flows.boundary import run_command_line
from flows.cli import table
from flows.cli.context import PREFECT_FREE, Context
from flows.exit_codes import HELP as EXIT_CODES
from goodwork_pipeline import __version__, configure_logging

__all__ = ["Context", "cli", "main"]


@click.pass_context
def goodwork(
    ctx: click.Context, folder: Path | None, verbose: bool, log_format: str, insecure_api: bool
) -> None:
    level = logging.INFO if verbose else logging.WARNING
    configure_logging(level=level, json_lines=log_format == "json")
    ctx.obj = Context(folder, insecure_api, checks_api=ctx.invoked_subcommand not in PREFECT_FREE)


settings = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
cli = table.group(
    "goodwork", table.load(), callback=goodwork, context_settings=settings, epilog=EXIT_CODES
)
click.version_option(__version__, prog_name="goodwork")(cli)


def main() -> None:
    """The console script (see ``flows.boundary.run_command_line``)."""
    run_command_line(cli)


if __name__ == "__main__":
    main()
