"""The CLI boundary: whatever goes wrong, the terminal gets a clear message, never a traceback.

``GoodworkGroup`` is the ``goodwork`` click group. Around every command it

- turns a ``GoodworkError`` into its English message (and the Dutch one), with the exit code
  of ``exit_codes.for_error`` (2 for settings, model and unknown story codes, else 1);
- turns anything unexpected into one English line saying what failed and where the full
  traceback was written, exit code 70;
- keeps tracebacks out of log lines on the terminal (Prefect logs a failed flow run with its
  traceback): the line stays, the traceback goes to the same log file.

The log file is ``logs/goodwork-errors.log`` in the workspace when there is one; otherwise
(no programme folder yet, settings that do not load) ``$XDG_STATE_HOME/goodwork/`` (default
``~/.local/state/goodwork/``), and the temporary folder as a last resort.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from flows.exit_codes import HELP, ExitCode, for_error
from goodwork_pipeline import __version__
from goodwork_pipeline.errors import GoodworkError

LOG_NAME = "goodwork-errors.log"
err_console = Console(stderr=True)


def error_log_path(workspace: Path | None) -> Path:
    """Where tracebacks go: the workspace's logs folder, else the user's state folder."""
    candidates = []
    if workspace is not None and workspace.is_dir():
        candidates.append(workspace / "logs")
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    candidates += [
        Path(state) / "goodwork",
        Path(tempfile.gettempdir()) / f"goodwork-{os.getuid()}",
    ]
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder / LOG_NAME
    return candidates[-1] / LOG_NAME


def write_to_log(path: Path, title: str, text: str) -> Path | None:
    """Append one entry (a header line and the traceback); None when even that fails."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = f"--- {stamp} goodwork {__version__} pid {os.getpid()}: {title}\n{text.rstrip()}\n\n"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(entry)
    except OSError:
        return None
    return path


@contextlib.contextmanager
def tracebacks_to_log(where: Callable[[], Path]) -> Iterator[None]:
    """While a command runs, log records keep their line but leave their traceback in the
    error log: every handler (goodwork's and Prefect's console) then prints one line. A
    thread that dies gets one line too instead of Python's traceback."""
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.exc_info and record.exc_info[0] is not None:
            try:
                message = record.getMessage()
            except Exception:  # a broken log call must not break the command
                message = str(record.msg)
            text = "".join(traceback.format_exception(*record.exc_info))
            written = write_to_log(where(), f"{record.name}: {message}", text)
            record.exc_info, record.exc_text = None, None
            record.msg, record.args = message, None
            if written is not None:
                record.msg = f"{message} (traceback in {written})"
        return record

    def thread_failed(args: threading.ExceptHookArgs) -> None:
        # Python would print the traceback of a thread that died (Prefect runs some).
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread else "a thread"
        text = "".join(traceback.format_exception(args.exc_value))
        written = write_to_log(where(), f"thread {name} failed", text)
        err_console.print(
            f"goodwork: background thread {name} failed ({args.exc_type.__name__}: "
            f"{args.exc_value}); traceback in {written or 'no log file (it could not be written)'}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )

    previous_hook = threading.excepthook
    logging.setLogRecordFactory(factory)
    threading.excepthook = thread_failed
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)
        threading.excepthook = previous_hook


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


def _workspace(ctx: click.Context) -> Path | None:
    """The workspace of the programme folder, if its settings load at all."""
    try:
        return ctx.obj.settings.workspace_dir  # type: ignore[no-any-return]
    except Exception:
        return None
