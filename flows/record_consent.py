"""Flow: record consent a participant gave by e-mail or phone (the Prefect UI form).

Its typed parameters are the form: served as a deployment (``python -m flows.record_consent``
serves this one, ``withdraw-consent`` and ``await-consent``), Prefect's UI shows a field per
parameter, with the channels and the name choice as fixed options. The same flow runs behind
``goodwork consent``.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, get_run_logger

from flows._prefect_env import deployment, flow_run_ref, flow_settings
from goodwork_pipeline import (
    SOURCE_CLI,
    SOURCE_PREFECT,
    Channel,
    NameDisplay,
    Pipeline,
)


@flow(name="record-consent")
def record_consent(
    story: str,
    channels: list[Channel],
    recorded_by: str,
    name_display: NameDisplay = NameDisplay.ROLE,
    note: str = "",
    draft_version: int | None = None,
    folder: str | None = None,
    via_cli: bool = False,
) -> dict[str, object]:
    """Record consent for STORY (e.g. GW-7K3QM2XD) given by e-mail or phone.

    channels: where the beeld may be shared (website, social, group, internal); empty means
    nowhere. name_display: full, first (first name only) or role (no name). The consent is
    bound to the newest draft's text while the story waits for the participant, otherwise
    to the approved text; draft_version picks another draft. The outbox follows at once.
    """
    pipeline = Pipeline(flow_settings(folder), source="flow:record-consent")
    result = pipeline.record_consent(
        story,
        channels=channels,
        name_display=NameDisplay(name_display),
        by=recorded_by,
        note=note or None,
        source=SOURCE_CLI if via_cli else SOURCE_PREFECT,
        version=draft_version,
        via=None if via_cli else flow_run_ref(),
    )
    get_run_logger().info("%s", result.message)
    return asdict(result)


def serve() -> None:
    """Serve the consent forms as deployments for the Prefect UI (runs until stopped)."""
    from prefect import serve as prefect_serve

    from flows.await_consent import await_consent
    from flows.withdraw_consent import withdraw_consent

    prefect_serve(
        deployment(record_consent, name="form", tags=["goodwork", "consent"]),
        deployment(withdraw_consent, name="form", tags=["goodwork", "consent"]),
        deployment(await_consent, name="form", tags=["goodwork", "consent"]),
    )


if __name__ == "__main__":
    serve()
