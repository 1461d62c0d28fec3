"""What a pipeline step returns: whether it went well, about which story, the messages for
operators (English) and staff (Dutch), the files it wrote, and details for the flows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from goodwork_pipeline.errors import GoodworkError

S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


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


def refused(story_id: str | None, error: GoodworkError) -> StepResult:
    """A step's bad input as its result: not done, with the error's messages."""
    return StepResult(False, story_id, str(error), error.nl)


def bad_input_as_result(
    step: Callable[Concatenate[S, str, P], R],
) -> Callable[Concatenate[S, str, P], R | StepResult]:
    """The guard of the steps staff start for one story (consent, sending): a bad input
    (any ``GoodworkError``: no such text, nobody named, the mail server refused) becomes
    the step's failed result, so the flows and the CLI read one kind of answer."""

    @functools.wraps(step)
    def guarded(owner: S, story_id: str, /, *args: P.args, **kwargs: P.kwargs) -> R | StepResult:
        try:
            return step(owner, story_id, *args, **kwargs)
        except GoodworkError as error:
            return refused(story_id, error)

    return guarded
