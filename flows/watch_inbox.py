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
import signal
import threading
from dataclasses import asdict

from flows.concurrency import ensure_transcription_limit
from flows.dispatch import (
    DeploymentDispatcher,
    Dispatcher,
    EmbeddedDispatcher,
    Report,
    server_mode,
)
from goodwork_pipeline import (
    InboxWatcher,
    Kind,
    Pipeline,
    Settings,
    SystemClock,
    fields,
    purge_recordings,
)

log = logging.getLogger("goodwork_pipeline.intake.watch")

PURGE_EVERY = dt.timedelta(days=1)


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
            purge_recordings(pipeline.store, settings, SystemClock())


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
