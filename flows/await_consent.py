"""Flow: wait, paused, until staff fill in the consent a participant gave another way.

Start it for a story; it shows the text the consent will be bound to and pauses with an input
form (``pause_flow_run(wait_for_input=ConsentForm)``). In the Prefect UI, "Resume" opens the
form; what is filled in is recorded in the ledger and the outbox follows. Without input before
the timeout the flow ends and records nothing: default deny. (``suspend_flow_run`` would free
the process, but needs a deployment; pausing works for any run.)
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, get_run_logger
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from flows._prefect_env import flow_run_ref, flow_settings
from goodwork_pipeline import (
    SOURCE_PREFECT,
    Channel,
    NameDisplay,
    Pipeline,
    StepResult,
)


class ConsentForm(RunInput):
    """What staff fill in when they resume the paused run."""

    channels: list[Channel] = Field(
        default_factory=list,
        description="Where the beeld may be shared; empty means nowhere.",
    )
    name_display: NameDisplay = Field(
        NameDisplay.ROLE, description="full name, first name only, or role only (no name)"
    )
    recorded_by: str = Field(
        min_length=1,
        pattern=r"\S",
        description="Who records this consent (your name); required.",
    )
    note: str = Field("", description="How and when the participant gave consent.")


@flow(name="await-consent")
def await_consent(
    story: str, folder: str | None = None, timeout_hours: float = 72.0
) -> dict[str, object]:
    """Pause until staff record the consent for STORY given by e-mail or phone."""
    logger = get_run_logger()
    pipeline = Pipeline(flow_settings(folder), source="flow:await-consent")
    bound = pipeline.text_for_consent(story)
    if isinstance(bound, StepResult):
        return asdict(bound)
    logger.info(
        "Waiting for the consent for %s, bound to %s. Resume this run to fill in the form.",
        story,
        bound.described,
    )
    try:
        form = pause_flow_run(
            wait_for_input=ConsentForm.with_initial_data(
                description=(
                    f"Consent for **{story}**, bound to {bound.described_nl}. "
                    "Tick only what the participant agreed to."
                ),
            ),
            timeout=int(timeout_hours * 3600),
            poll_interval=5,
        )
    except FlowPauseTimeout:
        message = (
            f"no consent was filled in for {story} within {timeout_hours:g} h; nothing recorded"
        )
        logger.info("%s", message)
        return asdict(
            StepResult(False, story, message, "Geen toestemming ingevuld; niets vastgelegd.")
        )
    now = pipeline.text_for_consent(story, bound.version)
    if isinstance(now, StepResult):
        result = now
    elif now.sha256 != bound.sha256:
        message = (
            f"the text of {story} changed while this run waited (now {now.described}); "
            "nothing recorded. Start the flow again."
        )
        result = StepResult(
            False,
            story,
            message,
            "De tekst is veranderd terwijl dit formulier openstond; er is niets vastgelegd. "
            "Start het opnieuw.",
        )
    else:
        result = pipeline.record_consent(
            story,
            channels=form.channels,
            name_display=form.name_display,
            by=form.recorded_by,
            note=form.note or None,
            source=SOURCE_PREFECT,
            version=bound.version,
            via=flow_run_ref(),
        )
    logger.info("%s", result.message)
    return asdict(result)
