"""``goodwork watch``: react to files landing in the inbox by starting the right flow.

The watcher is a long-lived process, not a flow run: a flow run that never ends would sit
'Running' in the Prefect UI for months and hide the work it starts. Instead, every file it
sees becomes its own flow run, so the UI shows one run per recording or returned draft:

- **embedded** (no ``PREFECT_API_URL``): one process. At start it runs 'process-inbox' once
  (files dropped while it was down, stories a crash left half-way), then runs
  'process-recording' or 'process-returned-draft' in-process for each file as it lands.
- **server** (``PREFECT_API_URL`` set): the watcher only dispatches. Each file becomes a run of
  the ``process-recording/goodwork`` or ``process-returned-draft/goodwork`` deployment, which
  workers (``prefect.yaml``, the ``goodwork-process`` pool) or ``goodwork serve`` execute. The
  run's idempotency key is the file's path, size and modification time, so a watcher restarted
  while runs are queued never starts the same file twice.

In both modes the watcher sets the transcription concurrency limit at start and, once a day,
deletes recordings whose retention period is over.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

from flows.concurrency import ensure_transcription_limit
from goodwork_pipeline.clock import SystemClock
from goodwork_pipeline.intake.inbox import InboxItem, Kind
from goodwork_pipeline.intake.watch import InboxWatcher
from goodwork_pipeline.logs import fields
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store import retention

log = logging.getLogger("goodwork_pipeline.intake.watch")

DEPLOYMENT = {
    Kind.RECORDING: "process-recording/goodwork",
    Kind.TRANSCRIPT: "process-recording/goodwork",  # a meeting transcript: same path
    Kind.DOCUMENT: "process-returned-draft/goodwork",
}
PURGE_EVERY = dt.timedelta(days=1)

Report = Callable[[dict[str, object]], None]


class Dispatcher(Protocol):
    def start(self) -> None: ...

    def dispatch(self, item: InboxItem) -> None: ...


def server_mode() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))


class EmbeddedDispatcher:
    """Runs the flows in this process (Prefect's embedded server: no server to start)."""

    def __init__(self, settings: Settings, report: Report):
        self.settings = settings
        self.report = report

    def start(self) -> None:
        from flows._states import results_of
        from flows.process_inbox import process_inbox

        for result in results_of(process_inbox(str(self.settings.base_dir), return_state=True)):
            self.report(result)

    def dispatch(self, item: InboxItem) -> None:
        from flows._states import results_of
        from flows.process_recording import process_recording
        from flows.process_returned_draft import process_returned_draft

        flow = process_returned_draft if item.kind == Kind.DOCUMENT else process_recording
        relative = _relative(self.settings, item.path)
        state = flow(relative, str(self.settings.base_dir), return_state=True)
        for result in results_of(state):
            self.report(result)


class DeploymentDispatcher:
    """Starts deployment runs on the Prefect server; workers or 'goodwork serve' run them."""

    def __init__(self, settings: Settings, report: Report):
        self.settings = settings
        self.report = report

    def start(self) -> None:
        """Files present at start are dispatched like new ones (by ``InboxWatcher``)."""

    def dispatch(self, item: InboxItem) -> None:
        from prefect.deployments import run_deployment

        stat = item.path.stat()
        relative = _relative(self.settings, item.path)
        run = run_deployment(
            DEPLOYMENT[item.kind],
            parameters={"path": relative, "folder": str(self.settings.base_dir)},
            timeout=0,
            idempotency_key=f"{self.settings.base_dir}:{relative}:{stat.st_size}:{stat.st_mtime_ns}",
            tags=["goodwork-watch"],
        )
        log.info(
            "dispatched %s as run %s",
            item.kind.value,
            run.id,
            extra=fields(event="dispatched"),
        )
        self.report(
            {
                "ok": True,
                "story_id": None,
                "message": f"{item.kind.value} handed to deployment {DEPLOYMENT[item.kind]}",
                "message_nl": f"doorgegeven aan {DEPLOYMENT[item.kind]} (run {run.name})",
                "outputs": [],
            }
        )


def watch(
    settings: Settings,
    *,
    report: Report,
    stop: threading.Event | None = None,
    dispatcher: Dispatcher | None = None,
    rescan_seconds: float = 10.0,
) -> None:
    """Watch ``settings.inbox_dir`` until ``stop`` is set (or Ctrl-C)."""
    stop = stop or threading.Event()
    if dispatcher is None:
        dispatcher = (
            DeploymentDispatcher(settings, report)
            if server_mode()
            else EmbeddedDispatcher(settings, report)
        )
    embedded = isinstance(dispatcher, EmbeddedDispatcher)
    # Embedded mode is one process: transcription slots still held by a process that was
    # killed belong to nobody now, so free them. A server frees them when their lease ends.
    ensure_transcription_limit(settings, reset=embedded)
    _stop_on_signals(stop)
    pipeline = Pipeline(settings, source="watch")
    watcher = InboxWatcher(settings.inbox_dir, settings.settle_seconds, rescan_seconds, stop)
    last_purge: dt.datetime | None = None
    log.info("watching the inbox", extra=fields(event="watching"))
    for number, batch in enumerate(watcher.batches()):
        _stop_on_signals(stop)  # again each turn: a flow run may have replaced the handlers
        if number == 0 and embedded:
            # The full scan at start: process-inbox takes what is there and resumes stories
            # a crash left half-way; the watcher only hands out what lands from now on.
            dispatcher.start()
            continue
        for item in batch:
            if stop.is_set():
                return
            if item.kind == Kind.UNSUPPORTED:
                report(asdict(pipeline.reject_unsupported(item)))
                continue
            try:
                dispatcher.dispatch(item)
            except Exception:
                watcher.forget(item.path)  # try again when the file is next seen complete
                log.exception("could not start a run for an inbox %s", item.kind.value)
        now = SystemClock().now()
        if last_purge is None or now - last_purge >= PURGE_EVERY:
            last_purge = now
            retention.purge(pipeline.store, settings, SystemClock())


def _stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C or SIGTERM: finish the current file, then stop; a second one stops at once."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(_signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        log.warning("stopping after the current file; Ctrl-C again to stop now")

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def _relative(settings: Settings, path: Path) -> str:
    try:
        return str(path.relative_to(settings.inbox_dir))
    except ValueError:
        return str(path)
