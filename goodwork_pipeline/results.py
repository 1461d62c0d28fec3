"""What a pipeline step returns: whether it went well, about which story, the messages for
operators (English) and staff (Dutch), the files it wrote, and details for the flows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class StepResult:
    """What one step did: ``ok`` false means it was recorded as a problem, with messages."""

    ok: bool
    story_id: str | None = None
    message: str = ""
    message_nl: str = ""
    outputs: tuple[Path, ...] = ()
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ThenPublish:
    """A step that changed what may be published (consent, names), done up to publishing.

    The composition (``Pipeline``) brings the outbox in line in the same run and hands what
    that did to ``finish``, which ends the step and says what happened. With ``publish``
    false nothing changed: nothing is published and ``finish`` gets an empty result."""

    story_id: str
    finish: Callable[[StepResult], StepResult]
    publish: bool = True
