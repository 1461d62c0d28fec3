"""What a pipeline step returns: whether it went well, about which story, the messages for
operators (English) and staff (Dutch), the files it wrote, and details for the flows."""

from __future__ import annotations

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
