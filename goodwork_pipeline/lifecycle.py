"""A story's lifecycle, in one table: its states, the moves allowed between them, the steps
that happen by themselves, where a retry starts, and what staff do next.

The store refuses any move not in ``ALLOWED``; ``Pipeline.pending`` and the inbox flow run
``next_automatic``; ``goodwork retry`` runs ``retry_steps``; ``goodwork status`` says
``NEXT_NL`` (and adds what depends on the story, such as a paper answer or a check).

    state        may move to                                  by itself        next (staff)
    (new)        received
    received     transcribed, failed                          transcribe, draft
    transcribed  drafted, failed                              draft
    drafted      drafted, in_review, approved, declined, failed                send the draft
    in_review    in_review, drafted, approved, declined, failed                wait for it
    approved     approved, published, declined, drafted, withdrawn, failed  publish
    declined     approved, declined, drafted, withdrawn, failed                contact them
    published    published, approved, declined, withdrawn, drafted, failed  use the outbox
    withdrawn    approved, published, declined, withdrawn, drafted, failed  nothing
    failed       any (a retry goes on from where it stopped)                   fix, then retry
"""

from __future__ import annotations

from enum import StrEnum

from goodwork_pipeline.models import State

S = State


class Step(StrEnum):
    """The steps that happen without anyone deciding anything."""

    TRANSCRIBE = "transcribe"
    DRAFT = "draft"
    PUBLISH = "publish"


ALLOWED: dict[State | None, frozenset[State]] = {
    None: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.TRANSCRIBED, S.FAILED}),
    S.TRANSCRIBED: frozenset({S.DRAFTED, S.FAILED}),
    S.DRAFTED: frozenset({S.DRAFTED, S.IN_REVIEW, S.APPROVED, S.DECLINED, S.FAILED}),
    S.IN_REVIEW: frozenset({S.IN_REVIEW, S.DRAFTED, S.APPROVED, S.DECLINED, S.FAILED}),
    S.APPROVED: frozenset({S.APPROVED, S.PUBLISHED, S.DECLINED, S.DRAFTED, S.WITHDRAWN, S.FAILED}),
    # A participant may take back their approval (declined) at any time after it.
    S.DECLINED: frozenset({S.APPROVED, S.DECLINED, S.DRAFTED, S.WITHDRAWN, S.FAILED}),
    S.PUBLISHED: frozenset({S.PUBLISHED, S.APPROVED, S.DECLINED, S.WITHDRAWN, S.DRAFTED, S.FAILED}),
    S.WITHDRAWN: frozenset({S.APPROVED, S.PUBLISHED, S.DECLINED, S.WITHDRAWN, S.DRAFTED, S.FAILED}),
    # A failed story can be retried from where it stopped.
    S.FAILED: frozenset(set(State)),
}

# The step a story in this state takes by itself, and the state that step leads to.
AUTOMATIC: dict[State, Step] = {S.RECEIVED: Step.TRANSCRIBE, S.TRANSCRIBED: Step.DRAFT}
LEADS_TO: dict[Step, State] = {Step.TRANSCRIBE: S.TRANSCRIBED, Step.DRAFT: S.DRAFTED}

# The participant has answered: consent decides what is in the outbox.
REVIEWED = frozenset({S.APPROVED, S.DECLINED, S.PUBLISHED, S.WITHDRAWN})

# States in which staff have something to do (send a draft, talk to someone, fix a problem).
NEEDS_STAFF = frozenset({S.DRAFTED, S.DECLINED, S.FAILED})

# Each state in Dutch, as staff see it.
STATE_NL: dict[State, str] = {
    S.RECEIVED: "ontvangen",
    S.TRANSCRIBED: "uitgeschreven",
    S.DRAFTED: "concept klaar",
    S.IN_REVIEW: "bij deelnemer",
    S.APPROVED: "goedgekeurd",
    S.DECLINED: "niet goedgekeurd",
    S.PUBLISHED: "klaar voor publicatie",
    S.WITHDRAWN: "ingetrokken",
    S.FAILED: "mislukt",
}

# What staff do next, per state, in Dutch (``goodwork status``). Drafted and approved
# stories depend on more than their state; the status view completes those.
NEXT_NL: dict[State, str] = {
    S.RECEIVED: "wordt uitgeschreven bij de volgende 'goodwork run'",
    S.TRANSCRIBED: "concept wordt gemaakt bij de volgende 'goodwork run'",
    S.IN_REVIEW: "wacht op het teruggestuurde concept",
    S.APPROVED: "wordt klaargezet bij de volgende 'goodwork run'",
    S.DECLINED: "neem contact op met de deelnemer",
    S.PUBLISHED: "communicatie kan de bestanden in de outbox gebruiken",
    S.WITHDRAWN: "niets: toestemming ingetrokken",
    S.FAILED: "los het probleem op, dan: goodwork retry {story}",
}


def next_automatic(state: State) -> Step | None:
    """What a story in ``state`` does next by itself (None: it waits for staff or the
    participant)."""
    return AUTOMATIC.get(state)


def retry_steps(failed_in: State | None) -> tuple[Step, ...]:
    """Where a failed story goes on: the automatic steps from the state it failed in (each
    only if the one before went well); a story that failed later is published again."""
    steps: list[Step] = []
    state = failed_in or S.RECEIVED
    while (step := AUTOMATIC.get(state)) is not None:
        steps.append(step)
        state = LEADS_TO[step]
    return tuple(steps) or (Step.PUBLISH,)
