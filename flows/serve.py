"""``goodwork serve``: goodwork's flows as served deployments (one process, no workers).

The same deployment names as ``prefect.yaml``, so ``goodwork watch`` dispatches to whichever
runs them: this process on one machine, or workers of the ``goodwork-process`` pool on many.
"""

from __future__ import annotations

import os

from prefect import serve

from flows._prefect_env import deployment
from flows.build_booklet import build_booklet
from flows.concurrency import ensure_transcription_limit
from flows.process_inbox import process_inbox
from flows.process_recording import process_recording
from flows.process_returned_draft import process_returned_draft
from flows.publish import publish_story
from flows.purge import purge
from flows.record_consent import record_consent
from flows.withdraw_consent import withdraw_consent
from goodwork_pipeline import Settings, SettingsError

NAME = "goodwork"


def serve_all(settings: Settings) -> None:
    """Serve every deployment until stopped; without a Prefect server a settings error."""
    if not os.environ.get("PREFECT_API_URL"):
        raise SettingsError(
            "goodwork serve needs a Prefect server: start one ('prefect server start') and "
            "set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)."
        )
    folder = {"folder": str(settings.base_dir)}
    ensure_transcription_limit(settings)
    serve(
        deployment(process_recording, name=NAME, parameters=folder),
        deployment(process_returned_draft, name=NAME, parameters=folder),
        deployment(process_inbox, name=NAME, parameters=folder),
        deployment(publish_story, name=NAME, parameters=folder),
        deployment(withdraw_consent, name=NAME, parameters=folder),
        deployment(record_consent, name=NAME, parameters=folder),
        deployment(build_booklet, name=NAME, parameters=folder),
        deployment(purge, name=NAME, parameters=folder, cron="17 3 * * *"),
    )
