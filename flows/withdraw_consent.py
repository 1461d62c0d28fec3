"""Flow: withdraw consent for some channels of a story, or all of them.

The ledger gets a withdrawal record and the outbox loses every asset of those channels in
the same run. Behind ``goodwork withdraw`` and, served, a form in the Prefect UI.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, get_run_logger

from flows._prefect_env import flow_run_ref, flow_settings
from goodwork_pipeline import (
    SOURCE_CLI,
    SOURCE_PREFECT,
    Channel,
    Pipeline,
)


@flow(name="withdraw-consent")
def withdraw_consent(
    story: str,
    recorded_by: str,
    channels: list[Channel] | None = None,
    note: str = "",
    folder: str | None = None,
    via_cli: bool = False,
) -> dict[str, object]:
    """Withdraw consent for STORY: the given channels, or all when none are given."""
    pipeline = Pipeline(flow_settings(folder), source="flow:withdraw-consent")
    result = pipeline.withdraw(
        story,
        channels=channels or (),
        by=recorded_by,
        note=note or None,
        source=SOURCE_CLI if via_cli else SOURCE_PREFECT,
        source_ref=None if via_cli else flow_run_ref(),
    )
    get_run_logger().info("%s", result.message)
    return asdict(result)
