"""Which of two voices is the interviewer, from how the two behave in the conversation.

Six signals each cast a weighted vote for one voice as the interviewer, with a strength
(its weight times how clearly the signal leans, 0 when there is no evidence):

- **asking**: the share of a voice's sentences that ask, by their form (``speech_acts``: a
  question mark, or question word order, which speech recognition keeps when it drops the "?");
- **turns**: the interviewer takes shorter turns;
- **opens** and **closes**: the interviewer usually speaks first and last (weak votes);
- **addressing**: "je"/"u" rather than "ik"/"mijn" (shrunk when there are few pronouns);
- **share of talk**: the interviewer speaks less.

The voice with the larger sum is the interviewer. The decision is trusted when the sum is
``ROLE_MARGIN`` clearer than a tie, both voices take at least two turns, and no *strong* vote
(strength over ``CONFLICT``) points to the other voice: one weak signal that disagrees (a
participant who asks a rhetorical question, an interviewer who says "ik" now and then) does
not block a clear decision, but two strong signals that disagree leave the roles unknown.
What the sidecar says (a stereo channel named, a profile matched) always wins over the
conversation (``decide``).

Weights and limits were chosen on the tune half of the development set (``bench/speakers.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, Word
from goodwork_pipeline.speech_acts import is_question

# Who is addressed and who speaks of themselves (Dutch and English).
_YOU = frozenset({"je", "jij", "jou", "jouw", "jullie", "u", "uw", "you", "your"})
_ME = frozenset({"ik", "mij", "me", "mijn", "i", "my", "mine", "we", "wij", "ons", "onze"})
_SENTENCE_END_WORD = re.compile(r"[.!?…]['\")\]]*$")

WEIGHTS = {
    "asking": 1.5,
    "turns": 1.0,
    "opens": 0.25,
    "closes": 0.25,
    "addressing": 1.0,
    "share of talk": 0.6,
}
ROLE_MARGIN = 0.8  # the sum of votes must favour one voice by this much
CONFLICT = 0.5  # a vote this strong against the decision makes it unknown
PRONOUNS_FULL = 6  # pronouns per voice at which the addressing vote counts fully
MIN_TURNS = 2


@dataclass(frozen=True)
class Vote:
    """One signal's vote: for which voice as the interviewer, and how strongly."""

    signal: str
    voice: int | None  # None: no evidence
    strength: float


@dataclass(frozen=True)
class RoleEvidence:
    """Which voice is the interviewer, how clearly, and whether strong votes disagree."""

    roles: dict[int, str]
    margin: float
    consistent: bool
    votes: tuple[Vote, ...] = ()
    source: str = "conversation"

    @property
    def trusted(self) -> bool:
        return self.consistent and self.margin >= ROLE_MARGIN

    @property
    def interviewer(self) -> int:
        return next(v for v, role in self.roles.items() if role == INTERVIEWER)


@dataclass
class _Tally:
    turns: list[float]
    talk: float = 0.0
    you: int = 0
    me: int = 0
    asked: int = 0
    ended: int = 0
    sentence: list[str] = field(default_factory=list)  # the words of the sentence under way


def _tally(
    words: Sequence[Word], voices: Sequence[int | None]
) -> tuple[dict[int, _Tally], list[int]]:
    tally = {0: _Tally([]), 1: _Tally([])}
    order: list[int] = []  # who speaks, turn by turn
    current: tuple[int, float, float] | None = None
    for word, voice in zip(words, voices, strict=True):
        if voice not in (0, 1):
            continue
        assert voice is not None
        mine = tally[voice]
        token = word.text.lower().strip(".,!?…:;\"'()")
        mine.talk += max(word.end - word.start, 0.05)
        mine.you += token in _YOU
        mine.me += token in _ME
        mine.sentence.append(word.text)
        if _SENTENCE_END_WORD.search(word.text):
            mine.ended += 1
            mine.asked += is_question(" ".join(mine.sentence))  # by form: '?' is often lost
            mine.sentence.clear()
        if current is not None and current[0] == voice:
            current = (voice, current[1], word.end)
            continue
        if current is not None:
            tally[current[0]].turns.append(current[2] - current[1])
        current = (voice, word.start, word.end)
        order.append(voice)
    if current is not None:
        tally[current[0]].turns.append(current[2] - current[1])
    return tally, order


def _lean(value_0: float, value_1: float) -> float:
    """How much a 'more is interviewer-like' measure favours voice 0 (+1) or voice 1 (-1)."""
    total = value_0 + value_1
    return (value_0 - value_1) / total if total > 0 else 0.0


def signals(words: Sequence[Word], voices: Sequence[int | None]) -> tuple[dict[str, float], bool]:
    """Each signal's lean, -1 (voice 1 is the interviewer) .. +1 (voice 0), and whether both
    voices take enough turns to be a conversation."""
    tally, order = _tally(words, voices)
    a, b = tally[0], tally[1]
    mean_turn = [sum(t.turns) / len(t.turns) if t.turns else 0.0 for t in (a, b)]
    leans: dict[str, float] = {}
    # question marks, shrunk towards 'no evidence' for few sentences (one sentence more)
    leans["asking"] = a.asked / (a.ended + 1) - b.asked / (b.ended + 1)
    leans["turns"] = _lean(mean_turn[1], mean_turn[0])
    leans["opens"] = 0.0 if not order else (1.0 if order[0] == 0 else -1.0)
    leans["closes"] = 0.0 if not order else (1.0 if order[-1] == 0 else -1.0)
    addressed = [(t.you + 0.5) / (t.you + t.me + 1) for t in (a, b)]
    evidence = min(min(t.you + t.me for t in (a, b)) / PRONOUNS_FULL, 1.0)
    leans["addressing"] = (addressed[0] - addressed[1]) * evidence
    leans["share of talk"] = _lean(b.talk, a.talk)
    enough = all(len(t.turns) >= MIN_TURNS for t in (a, b))
    return leans, enough


def roles_from_conversation(words: Sequence[Word], voices: Sequence[int | None]) -> RoleEvidence:
    """Which voice (0 or 1) is the interviewer: weighted votes, decided by their sum, refused
    when strong votes disagree (see the module's docstring)."""
    leans, enough = signals(words, voices)
    votes = tuple(
        Vote(name, None if lean == 0 else (0 if lean > 0 else 1), abs(lean) * WEIGHTS[name])
        for name, lean in leans.items()
    )
    total = sum(lean * WEIGHTS[name] for name, lean in leans.items())
    interviewer = 0 if total >= 0 else 1
    against = max((v.strength for v in votes if v.voice == 1 - interviewer), default=0.0)
    return RoleEvidence(
        {interviewer: INTERVIEWER, 1 - interviewer: PARTICIPANT},
        abs(total),
        enough and against <= CONFLICT,
        votes,
    )


def decide(
    words: Sequence[Word],
    voices: Sequence[int | None],
    told: Mapping[int, str] | None = None,
    *,
    source: str = "sidecar",
) -> RoleEvidence:
    """The roles: what the sidecar (or a profile) says wins; otherwise the conversation."""
    if told is not None and INTERVIEWER in told.values():
        interviewer = next(v for v, role in told.items() if role == INTERVIEWER)
        roles = {v: (INTERVIEWER if v == interviewer else PARTICIPANT) for v in (0, 1)}
        roles.update(told)
        return RoleEvidence(roles, float("inf"), True, (), source)
    return roles_from_conversation(words, voices)
