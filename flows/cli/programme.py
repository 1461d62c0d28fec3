"""``goodwork settings`` and ``demo``: the programme folder's settings, and a demo folder."""

from __future__ import annotations

from pathlib import Path

from flows.cli.context import Context
from flows.cli.output import console, show


def settings(obj: Context) -> None:
    from flows.api_guard import current_api, describe
    from goodwork_pipeline import settings_report

    show(settings_report(obj.settings, prefect=describe(current_api())))


def demo(obj: Context, demo_folder: Path) -> None:
    from flows.api_guard import require_safe_api
    from flows.demo import run_demo

    require_safe_api(obj.insecure_api)
    run_demo(demo_folder.resolve(), console)
