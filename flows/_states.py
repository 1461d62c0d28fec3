"""How a flow run ends in Prefect, from what its steps did: the UI and automations tell apart
a run where everything was done, one where an input was refused or a story needs someone, and
one where goodwork itself failed.

    Completed                    every step done
    Completed "Refused"          an input was refused (empty file, not audio, not our document)
    Completed "Needs attention"  a story stopped at a problem staff can solve (the message says how)
    Failed                       a step ended in an internal error (a bug, a crash): the message

A run ends in the worst state of its steps and child runs. Messages name story codes but
never the files (names of people may be in them): those stay in 'goodwork status'. The
return value is the same list of results either way; callers that need it whatever the
state use ``results_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from prefect.states import Completed, Failed, State

from flows.exit_codes import INTERNAL  # StepResult.details key: an internal error
from goodwork_pipeline import StepResult

REFUSED = "Refused"
NEEDS_ATTENTION = "Needs attention"

MESSAGE_LIMIT = 2000


def internal(result: StepResult) -> StepResult:
    """``result`` marked as an internal error (a task that raised, a chunk that crashed)."""
    return replace(result, ok=False, details={**result.details, INTERNAL: True})


def severity(result: StepResult) -> int:
    if result.ok:
        return 0
    if result.details.get(INTERNAL):
        return 3
    return 2 if result.story_id else 1


NAMES = {1: REFUSED, 2: NEEDS_ATTENTION}


def end_state(results: Sequence[StepResult], hide: Iterable[Path] = (), data: Any = None) -> State:
    """The state a flow run ends in; its return value is ``data`` (default: the results as
    dicts), whatever the state."""
    if data is None:
        data = [asdict(result) for result in results]
    worst = max((severity(r) for r in results), default=0)
    if worst == 0:
        return Completed(data=data)
    problems = [r for r in results if severity(r) == worst]
    message = _message(problems, list(hide))
    if worst == 3:
        return Failed(message=message, data=data)
    return Completed(name=NAMES[worst], message=message, data=data)


def _message(problems: Sequence[StepResult], hide: list[Path]) -> str:
    lines = []
    for result in problems:
        where = f"{result.story_id}: " if result.story_id else ""
        text = result.message
        if result.message_nl and result.message_nl != result.message:
            text += f" / NL: {result.message_nl}"
        lines.append(where + _without_names(text, hide))
    head = f"{len(problems)} problems: " if len(problems) > 1 else ""
    message = head + " | ".join(lines)
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def _without_names(text: str, hide: list[Path]) -> str:
    """File names (and stems) of the inputs replaced by a placeholder, longest first."""
    names = {p.name for p in hide} | {p.stem for p in hide if len(p.stem) >= 3}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "(bestand)")
    return text


def results_of(state: State) -> Any:
    """A flow run's return value whatever state it ended in (the CLI prints it either way);
    a run that raised raises here, as calling the flow directly would."""
    value = state.result(raise_on_failure=False)
    if isinstance(value, BaseException):
        raise value
    return value


def step_result(state: State, story_id: str | None = None) -> StepResult:
    """A task's or child run's StepResult; one that raised becomes an internal-error result
    (a child run that failed but returned what it did keeps its own result, marked)."""
    if state.is_completed():
        return state.result()
    try:
        value = state.result(raise_on_failure=False)
    except Exception:  # a result that cannot be read is no result
        value = None
    if isinstance(value, StepResult):
        return internal(value)
    return internal(StepResult(False, story_id, message=f"task {state.name}: {state.message}"))
