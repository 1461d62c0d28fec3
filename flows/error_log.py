"""The error log of the CLI boundary: where tracebacks go instead of the terminal.

The log file is ``logs/goodwork-errors.log`` in the workspace when there is one; otherwise
(no programme folder yet, settings that do not load) ``$XDG_STATE_HOME/goodwork/`` (default
``~/.local/state/goodwork/``), and the temporary folder as a last resort.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console

from goodwork_pipeline import __version__

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
