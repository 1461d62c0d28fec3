"""The CLI boundary: whatever goes wrong, the terminal gets a clear message, never a traceback.

``GoodworkGroup`` is the ``goodwork`` click group. Around every command it

- turns a ``GoodworkError`` into its English message (and the Dutch one), with the exit code
  of ``exit_codes.for_error`` (2 for settings, model and unknown story codes, else 1);
- turns anything unexpected into one English line saying what failed and where the full
  traceback was written, exit code 70;
- keeps tracebacks out of log lines on the terminal (Prefect logs a failed flow run with its
  traceback): the line stays, the traceback goes to the same log file.

``run_command_line`` does the same around the group (parsing, Ctrl-C). Where the tracebacks
go: ``flows/error_log.py``.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from flows.error_log import LOG_NAME as LOG_NAME  # tests and tools read it here
from flows.error_log import error_log_path, tracebacks_to_log, write_to_log
from flows.exit_codes import HELP, ExitCode, for_error
from goodwork_pipeline import GoodworkError

err_console = Console(stderr=True)


def show_error(error: GoodworkError) -> None:
    # Messages quote file names: '[/]' in one is text, not Rich markup.
    err_console.print(f"[red]goodwork:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    if error.nl and error.nl != error.message:
        err_console.print(error.nl, highlight=False, markup=False, soft_wrap=True)


def show_internal_error(command: str, error: BaseException, workspace: Path | None) -> None:
    """One English line: what failed, and where the full traceback is."""
    text = "".join(traceback.format_exception(error))
    written = write_to_log(error_log_path(workspace), f"goodwork {command} failed", text)
    where = f"The full traceback is in {written}" if written else "No log file could be written"
    summary = f"{error.__class__.__name__}: {error}".strip().rstrip(":").replace("\n", " ")
    err_console.print(
        f"goodwork {command} failed with an internal error ({summary[:300]}). {where}; "
        "please pass it on to whoever maintains goodwork.",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


class GoodworkGroup(click.Group):
    """The ``goodwork`` group: every command runs inside the boundary described above."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        """Every command's --help ends with the exit codes."""
        kwargs.setdefault("epilog", HELP)
        return super().command(*args, **kwargs)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        outer = ctx.meta.get("goodwork.command") if ctx.parent is not None else None
        ctx.meta["goodwork.command"] = f"{outer} {name}" if outer and name else name
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        with tracebacks_to_log(lambda: error_log_path(_workspace(ctx))):
            try:
                return super().invoke(ctx)
            except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except GoodworkError as error:
                show_error(error)
                sys.exit(int(for_error(error)))
            except Exception as error:
                command = ctx.meta.get("goodwork.command") or "(command)"
                show_internal_error(command, error, _workspace(ctx))
                sys.exit(int(ExitCode.INTERNAL))


def run_command_line(group: click.Group) -> None:
    """The console script: errors inside a command are handled by ``GoodworkGroup``; this
    catches what happens around it (parsing, Ctrl-C) with the same exit codes."""
    try:
        group.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("Afgebroken.")
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GoodworkError as exc:
        show_error(exc)
        sys.exit(for_error(exc))
    except KeyboardInterrupt:
        err_console.print("Gestopt.")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:
        show_internal_error("(start-up)", exc, None)
        sys.exit(ExitCode.INTERNAL)


def _workspace(ctx: click.Context) -> Path | None:
    """The workspace of the programme folder, if its settings load at all."""
    try:
        return ctx.obj.settings.workspace_dir  # type: ignore[no-any-return]
    except Exception:
        return None
