"""How ``goodwork watch`` hands on a file: run its flow in this process (embedded), or start a
run of its deployment on the Prefect server (see flows/watch_inbox.py for the two modes)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from goodwork_pipeline import InboxItem, Kind, Settings, fields

log = logging.getLogger("goodwork_pipeline.intake.watch")

DEPLOYMENT = {
    Kind.RECORDING: "process-recording/goodwork",
    Kind.TRANSCRIPT: "process-recording/goodwork",  # a meeting transcript: same path
    Kind.DOCUMENT: "process-returned-draft/goodwork",
}
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
        relative = relative_to_inbox(self.settings, item.path)
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

        from flows._prefect_env import synchronous

        stat = item.path.stat()
        relative = relative_to_inbox(self.settings, item.path)
        run = synchronous(
            run_deployment(
                DEPLOYMENT[item.kind],
                parameters={"path": relative, "folder": str(self.settings.base_dir)},
                timeout=0,
                idempotency_key=f"{self.settings.base_dir}:{relative}:{stat.st_size}:{stat.st_mtime_ns}",
                tags=["goodwork-watch"],
            )
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


def relative_to_inbox(settings: Settings, path: Path) -> str:
    try:
        return str(path.relative_to(settings.inbox_dir))
    except ValueError:
        return str(path)
