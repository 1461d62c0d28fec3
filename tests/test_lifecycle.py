"""The lifecycle table is complete, and the store, the flows, retry and status read it."""

from __future__ import annotations

import ast
from pathlib import Path

from goodwork_pipeline.lifecycle import (
    ALLOWED,
    AUTOMATIC,
    LEADS_TO,
    NEXT_NL,
    STATE_NL,
    Step,
    next_automatic,
    retry_steps,
)
from goodwork_pipeline.models import State

ROOT = Path(__file__).resolve().parents[1]


def test_every_state_has_its_moves_and_a_next_step() -> None:
    assert set(ALLOWED) == {None, *State}
    assert ALLOWED[State.FAILED] == frozenset(State)
    # a drafted story's next step depends on the check and sending (status completes it)
    assert set(NEXT_NL) == set(State) - {State.DRAFTED}
    assert set(STATE_NL) == set(State)
    for state, step in AUTOMATIC.items():
        assert LEADS_TO[step] in ALLOWED[state]


def test_automatic_steps_and_where_a_retry_starts() -> None:
    assert next_automatic(State.RECEIVED) == Step.TRANSCRIBE
    assert next_automatic(State.TRANSCRIBED) == Step.DRAFT
    assert next_automatic(State.DRAFTED) is None
    assert retry_steps(None) == (Step.TRANSCRIBE, Step.DRAFT)
    assert retry_steps(State.RECEIVED) == (Step.TRANSCRIBE, Step.DRAFT)
    assert retry_steps(State.TRANSCRIBED) == (Step.DRAFT,)
    for later in (State.DRAFTED, State.APPROVED, State.PUBLISHED, State.WITHDRAWN):
        assert retry_steps(later) == (Step.PUBLISH,)


def test_the_lifecycle_is_spelled_out_only_in_lifecycle_py() -> None:
    """No other module writes its own table of the states (a dict keyed by most of them;
    a colour for three states in the CLI is presentation, not the lifecycle)."""
    offenders = []
    for path in [*(ROOT / "goodwork_pipeline").rglob("*.py"), *(ROOT / "flows").glob("*.py")]:
        if path.name == "lifecycle.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and len(node.keys) >= 2:
                keys = [ast.unparse(k) for k in node.keys if k is not None]
                if sum(k.startswith(("State.", "S.", "StoryState.")) for k in keys) > 3:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
