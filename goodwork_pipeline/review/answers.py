"""Which returned documents may only shrink consent, and what they leave of it.

One rule covers every doubtful answer: a document that cannot be taken as the participant's
current, unambiguous answer to the current text may withdraw (what it leaves unticked, or
everything when it does not approve) and may make the name more private, but never grants a
channel, a less private name or a new text. Doubtful are:

- a document whose own choices cannot be accepted: the consent part changed or commented
  on, contradictory boxes, an older draft version than the newest (``review.decide``);
- an earlier document that comes back after a later answer changed the decision
  (the same file dropped twice in a row still changes nothing);
- two or more answers for one story in one run that disagree: each is read, none grants,
  and the latest (by when the participant saved it) withdraws what it unticks.

Answers in one run are ordered by when the participant saved them (``dcterms:modified`` in
the document, then the file's modification time), never by file name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.models import Channel, Consent, ConsentChoices, NameDisplay
from goodwork_pipeline.review.decision import Outcome

# From the least to the most private; a doubtful document may only move to the right.
PRIVACY = (NameDisplay.FULL, NameDisplay.FIRST, NameDisplay.ROLE)
SHRINK_ONLY_OUTCOMES = frozenset({Outcome.STALE, Outcome.WORDING_CHANGED, Outcome.CONTRADICTORY})

RESENT = "resent"
DISAGREEING = "disagreeing"
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Doubt:
    """Why a document may only shrink consent, said for staff (English and Dutch)."""

    kind: str
    message: str
    message_nl: str
    documents: tuple[str, ...] = ()  # the file names involved, for 'disagreeing'


@dataclass(frozen=True)
class Shrunk:
    """What a doubtful document leaves of the current consent."""

    channels: frozenset[Channel]
    withdrawn: frozenset[Channel]
    name_display: NameDisplay | None  # the more private name, when it changes

    @property
    def changes(self) -> bool:
        return bool(self.withdrawn) or self.name_display is not None


def more_private(a: NameDisplay, b: NameDisplay) -> NameDisplay:
    return a if PRIVACY.index(a) >= PRIVACY.index(b) else b


def shrink(current: Consent | None, choices: ConsentChoices) -> Shrunk:
    """The consent left when a doubtful document is honoured: never more than ``current``."""
    if current is None:
        return Shrunk(frozenset(), frozenset(), None)
    keep = current.channels & choices.channels if choices.approved else frozenset()
    name = more_private(current.name_display, choices.name_display or NameDisplay.ROLE)
    narrower = name if keep and name != current.name_display else None
    return Shrunk(keep, current.channels - keep, narrower)


def resent(file_name: str) -> Doubt:
    return Doubt(
        RESENT,
        f"{file_name} is a document read before, sent again after a later answer changed the "
        "decision: it is taken as a new answer that may only withdraw, never grant.",
        f"{file_name} is een eerder document dat opnieuw binnenkwam, nadat een later antwoord "
        "de keuze had veranderd. Het telt als nieuw antwoord dat alleen kan intrekken, niet "
        "opnieuw toestemming geven.",
    )


def disagreeing(names: Sequence[str], *, latest: bool) -> Doubt:
    listed = ", ".join(names)
    if latest:
        return Doubt(
            DISAGREEING,
            f"{len(names)} answers for this story arrived at once and disagree ({listed}); "
            "no new consent was recorded from any of them. What the latest one unticks is "
            "withdrawn. Ask the participant which answer holds.",
            f"Er kwamen {len(names)} antwoorden tegelijk binnen die elkaar tegenspreken "
            f"({listed}). Uit geen ervan is nieuwe toestemming vastgelegd; wat het laatste "
            "uitvinkt, is ingetrokken. Vraag de deelnemer welk antwoord geldt.",
            tuple(names),
        )
    return Doubt(
        SUPERSEDED,
        f"one of {len(names)} disagreeing answers that arrived at once ({listed}); a later "
        "one was saved after it, so this one changes nothing.",
        f"Een van {len(names)} antwoorden die tegelijk binnenkwamen en elkaar tegenspreken "
        f"({listed}); er is een later opgeslagen antwoord, dus dit verandert niets.",
        tuple(names),
    )


@dataclass(frozen=True)
class Answer:
    """A returned document in this run, as far as ordering and comparing need."""

    path: Path
    story_id: str | None
    saved_at: dt.datetime | None
    mtime: float
    says: tuple[object, ...] | None  # what it decides; None when it cannot be read


def saved_time(value: str | None) -> dt.datetime | None:
    """``dcterms:modified`` as a time (UTC when no zone is given); None when unreadable."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def in_saved_order(answers: Iterable[Answer]) -> list[Answer]:
    def key(answer: Answer) -> tuple[float, float, str]:
        saved = answer.saved_at.timestamp() if answer.saved_at else answer.mtime
        return (saved, answer.mtime, answer.path.name)

    return sorted(answers, key=key)


def plan(answers: Iterable[Answer]) -> list[tuple[Path, Doubt | None]]:
    """The order to read this run's documents in, and the doubt each one carries.

    Documents of one story that all say the same are read in saved order, as they are;
    when they disagree, the earlier ones are superseded and the latest may only shrink.
    """
    ordered = in_saved_order(answers)
    groups: dict[str | None, list[Answer]] = {}
    for answer in ordered:
        groups.setdefault(answer.story_id, []).append(answer)
    result: list[tuple[Path, Doubt | None]] = []
    for story_id, group in groups.items():
        says = {answer.says for answer in group}
        if story_id is None or len(group) < 2 or (len(says) == 1 and None not in says):
            result += [(answer.path, None) for answer in group]
            continue
        names = [answer.path.name for answer in group]
        for answer in group[:-1]:
            result.append((answer.path, disagreeing(names, latest=False)))
        result.append((group[-1].path, disagreeing(names, latest=True)))
    return result


def what_it_says(outcome: Outcome, choices: ConsentChoices, text_sha256: str, version: int | None):
    """The part of a reading two answers must share to agree."""
    return (
        outcome.value,
        choices.approved,
        tuple(sorted(c.value for c in choices.channels)),
        (choices.name_display or NameDisplay.ROLE).value,
        text_sha256,
        version,
    )
