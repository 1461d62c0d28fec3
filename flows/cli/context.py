"""What every ``goodwork`` command is handed (``click``'s ``obj``): the programme folder and
its settings, loaded on first use."""

from __future__ import annotations

import os
from pathlib import Path

from flows.cli.output import err_console
from goodwork_pipeline import Settings, load_settings

# Commands that only read the store or the settings never talk to Prefect.
PREFECT_FREE = frozenset({"settings", "status", "transcribe"})


class Context:
    def __init__(self, folder: Path | None, insecure_api: bool = False, checks_api: bool = True):
        self.folder = folder
        self.insecure_api = insecure_api
        self.checks_api = checks_api
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The settings, loaded when a command first needs them; a command that may reach
        Prefect is refused here, before any connection, if that API is not safe."""
        if self._settings is None:
            self._settings = load_settings(
                self.folder, insecure_api=True if self.insecure_api else None
            )
            if self.checks_api:
                refuse_unsafe_api(self)
        return self._settings


def refuse_unsafe_api(obj: Context) -> None:
    """Before any command that may reach Prefect: refuse an unauthenticated remote API."""
    from flows.api_guard import require_safe_api, warning_for

    insecure = obj.settings.insecure_api
    if insecure:  # flows started from here (in this process or a child) inherit the choice
        os.environ["GOODWORK_INSECURE_API"] = "true"
    warning = warning_for(require_safe_api(insecure), insecure)
    if warning:
        err_console.print(warning, markup=False, highlight=False)
