"""Prefect defaults for a laptop that may be offline. Explicit settings of the operator win."""

from __future__ import annotations

import os
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from goodwork_pipeline import Settings, load_settings

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment

T = TypeVar("T")

DEFAULTS = {
    # Never phone home.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The embedded server can take a while to start on a busy 2-core laptop.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # Operators read goodwork's own messages; Prefect's chatter stays at warnings.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "goodwork_pipeline",
    # The engine also logs outside flows (CLI commands); that is not an error.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # Task results may hold file names: keep them out of Prefect's storage unless asked.
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    # No promotions in the UI of a server started from goodwork's environment.
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}


def configure_prefect() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def flow_settings(folder: str | None) -> Settings:
    """A flow's settings; a flow refuses to run against an unauthenticated remote Prefect API
    (a worker pointed at such a server records no consent and publishes nothing)."""
    from flows.api_guard import require_safe_api

    settings = load_settings(folder)
    require_safe_api(settings.insecure_api)
    return settings


def flow_run_ref() -> str:
    """How the ledger names the Prefect flow run that recorded something."""
    from prefect.runtime import flow_run

    return f"prefect flow run {flow_run.id}" if flow_run.id else "prefect"


def synchronous(value: T | Coroutine[Any, Any, T]) -> T:
    """What a Prefect call made outside an event loop returned (Prefect types its calls as
    'maybe a coroutine', for async callers; goodwork's are synchronous)."""
    if isinstance(value, Coroutine):
        value.close()
        raise TypeError("a Prefect call returned a coroutine: it was made inside an event loop")
    return value


def deployment(flow: Flow[..., Any], **options: Any) -> RunnerDeployment:
    """``flow.to_deployment(**options)``, made now."""
    return synchronous(flow.to_deployment(**options))
