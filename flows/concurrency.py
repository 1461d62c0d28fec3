"""The transcription concurrency limit: Prefect's tag limit on ``goodwork-transcription``.

Transcription is CPU-bound and uses ``threads`` cores; the limit keeps the sum of running
transcriptions within the machine (``transcription_slots``, default CPUs // threads). Every
task that transcribes carries the tag (also the chunk tasks), so the limit covers them all,
whichever worker or process runs them; other stages are not limited and run in parallel.
Creating the limit is an upsert, so calling this at every start is safe.
"""

from __future__ import annotations

import logging

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate

from goodwork_pipeline import Settings, fields

TRANSCRIPTION_TAG = "goodwork-transcription"

log = logging.getLogger("goodwork_pipeline.concurrency")


def ensure_transcription_limit(settings: Settings, *, reset: bool = False) -> int:
    """Create or update the tag limit; ``reset`` frees slots a killed process still held."""
    limit = settings.transcription_limit
    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag=TRANSCRIPTION_TAG, concurrency_limit=limit)
        if reset:
            # Tag limits are global limits named 'tag:<tag>' whose slots are held by leases;
            # the V1 reset does not touch those, so set the active slots to zero directly.
            client.update_global_concurrency_limit(
                f"tag:{TRANSCRIPTION_TAG}", GlobalConcurrencyLimitUpdate(active_slots=0)
            )
    log.info(
        "transcription concurrency limit: %d at a time (tag %s)",
        limit,
        TRANSCRIPTION_TAG,
        extra=fields(event="limit", count=limit),
    )
    return limit


def transcription_limit() -> int | None:
    """The limit in effect on the Prefect API, or None when there is none."""
    with get_client(sync_client=True) as client:
        try:
            return client.read_concurrency_limit_by_tag(TRANSCRIPTION_TAG).concurrency_limit
        except Exception:  # ObjectNotFound: no limit set
            return None
