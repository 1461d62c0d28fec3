"""What every ``goodwork`` command is handed (``click``'s ``obj``): the programme folder and
its settings, loaded on first use, and a pipeline on them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli.output import err_console
from goodwork_pipeline import Settings, load_settings

if TYPE_CHECKING:
    from goodwork_pipeline import Pipeline

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
            insecure = True if self.insecure_api else None
            self._settings = load_settings(self.folder, insecure_api=insecure)
            if self.checks_api:
                from flows.api_guard import refuse_unsafe_api

                warning = refuse_unsafe_api(self._settings.insecure_api)
                if warning:
                    err_console.print(warning, markup=False, highlight=False)
        return self._settings

    def pipeline(self, source: str = "cli") -> Pipeline:
        from goodwork_pipeline import Pipeline

        return Pipeline(self.settings, source=source)
