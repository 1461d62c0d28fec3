"""Which section of the beeld each of the participant's sentences belongs to.

One decision over the whole conversation. Every participant sentence could sit in any
section of the guide, or in none (small talk before the interview starts, or after its
closing); the best sequence of sections is the one with the most evidence, found with a
Viterbi pass. Three kinds of evidence add up:

1. the interviewer's question just before an answer (questions.py): how close it comes to
   each section's cues, typical questions and paraphrases;
2. the answer itself (placement_evidence.py, with answer_kinds.py): what the sentence does
   (introduce someone, tell what happened, act, weigh, say what matters, define good work),
   matched with each section's ``answer_kinds``; the section's ``answer_words`` anywhere and
   ``answer_cues`` at the start;
3. the guide's order: interviews mostly move forward through the sections; going back costs
   a little, a question that names nothing is more likely the next section than the same one,
   and inside one answer the section only changes on clear evidence (the participant answering
   the next question before it is asked).

An acknowledgement ("hm hm", "oké") or a summary ("dus je ...") asks nothing new: the answer
after it stays where it was. Before the first question that names a section the participant
is making small talk (unless the answer is long: then its question was probably misheard);
after a closing ("dank je wel voor het gesprek") nothing is placed.

Every placement keeps its evidence (question, answer, order, with their points), so a
reviewer can see in ``beeld.json`` why a sentence sits where it does. The weights of the
question and the order are named below, those of the answer in ``placement_evidence.py``;
bench/DRAFTS.md says how they were chosen (on the tune/ split only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.drafting.placement_evidence import (
    AFTER,
    BEFORE,
    Evidence,
    Unit,
    Utterance,
    units_of,
)
from goodwork_pipeline.drafting.questions import (
    ENOUGH,
    QuestionMatch,
    contains_phrase,
    match_question,
)

__all__ = [
    "Placement",
    "QuestionMatch",
    "contains_phrase",
    "match_question",
    "place",
]

# Weights (points; the best sequence has the most). Chosen on tests/data/interviews/tune.
QUESTION = 1.6  # per point of question match (a clear cue is ~1-2 points)
NEXT = 0.8  # a question moves on to the next section
NEXT_UNMATCHED = 0.9  # ... when it names no section at all (likely the next one, reworded)
# ... scaled by the conversation's pace: in a long interview the interviewer asks many
# follow-ups per section, so a question that names nothing is more often one of them. The
# bonus is full up to PACE participant sentences per section and shrinks in proportion above.
PACE = 8.0
# With fewer questions than sections, changing section inside an answer costs less, in
# proportion (to at least this share): the participant tells the story without prompts.
FEW_QUESTIONS = 0.25
NEXT_FOLLOW_UP = 0.3  # ... after a follow-up ("en?"): the answer may move on by itself
STAY_FOLLOW_UP = 1.5  # a follow-up ("en toen?") keeps the section
STAY_QUESTION = 0.3  # any other question keeps the section
SKIP = 1.2  # per section skipped when moving forward
BACK = 1.2  # going back to an earlier section
STAY_ACK = 3.0  # after 'hm hm' or a summary the answer runs on
STAY_REMARK = 1.5  # after a remark without '?' (or a question whose '?' was not heard)
IN_TURN_JUMP = 2.2  # changing section inside one answer
SKIP_FROM_START = 0.2  # per section skipped by the first question of the interview
SKIP_IN_TURN = 1.2  # per section skipped inside one answer
IN_TURN_BACK = 8.0  # going back inside one answer
TURN_ASKED = 0.2  # per sentence of an answer that stays in the section its question named

# ... less when the answer goes on about the new section: per point of answer evidence it has
# over the current one in this sentence and the next few of the answer (Unit.ahead), when this
# sentence already speaks more for it; down to SUSTAINED_MIN of the cost
SUSTAINED = 0.2
SUSTAINED_MIN = 0.5
COMBINED = 0.8  # per point of the question's match with the section jumped to in a turn
CLOSING = 6.0  # a closing ends the interview
THANKS = 0.5  # thanks without a new question may end it: more than the answer running on
SMALL_TALK = 0.3  # a sentence with no evidence for any section fits small talk
LONG_ANSWER = 18  # words: an answer this long before any recognised question is no small talk
SMALL_TALK_LONG = 3.0  # ... so small talk pays this much for it
IMPOSSIBLE = -1e9
# A participant sentence whose voice the model is less sure of is left out (bench/SPEAKERS.md)
UNSURE_SPEAKER = 0.5


@dataclass(frozen=True)
class Placement:
    utterance: Utterance
    section: str | None  # None: small talk, not part of the beeld
    reason: str  # one line for a reviewer
    evidence: tuple[tuple[str, float, str], ...] = ()  # (kind of evidence, points, what)
    asked: float = 0.0  # how clearly the question this answer followed named its section


def place(utterances: list[Utterance], guide: Guide) -> list[Placement]:
    """Place every participant sentence; the interviewer's sentences only steer."""
    units = units_of(utterances, guide)
    if not units:
        return []
    states = (BEFORE, *guide.keys, AFTER)
    pace = _pace(units, len(guide.keys))
    path = _viterbi(units, states, pace)
    placed = [_placement(unit, path, t, states, pace) for t, unit in enumerate(units)]
    return [_unless_unsure(p) for p in _asked_through(placed)]


def _asked_through(placements: Sequence[Placement]) -> list[Placement]:
    """How clearly a sentence's section was asked for, carried through the follow-ups.

    A section is asked for once ("Wat heb je toen gedaan?") and then told over many answers
    to follow-ups that name nothing ("En toen?", "Hoe reageerde ze?"). While the conversation
    stays in the section (a remark of no section in between does not end it), those answers
    answer the same question, so they keep its score; a change of section ends it (a stretch
    that drifted into a section was not asked for)."""
    result: list[Placement] = []
    section, carried = None, 0.0
    for placement in placements:
        if placement.section is None:  # small talk or a bare "Ja." in between
            result.append(placement)
            continue
        if placement.section != section:
            section, carried = placement.section, 0.0
        carried = max(carried, placement.asked)
        result.append(replace(placement, asked=carried) if carried else placement)
    return result


@dataclass(frozen=True)
class Pace:
    """How the conversation's pace scales the order's weights."""

    unmatched: float  # the 'next section' bonus of a question that names nothing
    in_turn: float  # the cost of changing section inside one answer


def _pace(units: Sequence[Unit], sections: int) -> Pace:
    """A long interview has many questions per section; a silent interviewer fewer questions
    than sections, so that the answers must move through the sections by themselves."""
    questions = sum(1 for u in units if u.question is not None and u.question.asks)
    asked = min(1.0, max(FEW_QUESTIONS, questions / max(1, sections)))
    return Pace(NEXT_UNMATCHED * pace_scale(len(units), sections), asked)


def pace_scale(sentences: int, sections: int) -> float:
    """How much of the 'next section' bonus a question that names nothing keeps: all of it
    in a conversation of up to PACE participant sentences per section, less in a longer one."""
    pace = sentences / max(1, sections)
    return min(1.0, PACE / pace) if pace > 0 else 1.0


def _unless_unsure(placement: Placement) -> Placement:
    """A sentence whose voice the model is unsure of may be the interviewer's (or someone
    else's) words: never silently in the beeld; beeld.json's not_placed says why."""
    sure = placement.utterance.speaker_confidence
    if sure is None or sure >= UNSURE_SPEAKER or placement.section is None:
        return placement
    why = f"spreker onzeker (stemherkenning {sure:.0%} zeker)"
    return Placement(placement.utterance, None, why, placement.evidence, placement.asked)


# The best sequence ---------------------------------------------------------------------------


State = tuple[int, int, bool]  # (section, furthest reached, asked for and stayed with since)


def _viterbi(units: Sequence[Unit], states: tuple[str, ...], pace: Pace) -> list[State]:
    """The best path of (section, furthest section reached so far, asked for) over all
    sentences.

    Remembering how far the conversation got lets it go back for a moment (a digression to
    an earlier section) and return without paying for the sections in between twice. The
    third part says whether the interviewer asked for the section and the conversation
    stayed there since: only then do its ``later_kinds`` count (an answer that runs on from
    the puzzle into what was done does not get them for the puzzle's sentences).
    """
    last = len(states) - 1
    pairs = [(0, 0)] + [(c, f) for f in range(1, last) for c in range(1, f + 1)] + [(last, last)]
    starts = [pair for pair in pairs if pair[0] == pair[1]]
    best: dict[State, float] = {
        (c, f, False): _transition(units[0], 0, 0, c, pace) + _emission(units[0], states[c], f)
        for c, f in starts
    }
    back: list[dict[State, State]] = [{}]
    for unit in units[1:]:
        emissions: dict[tuple[int, int], float] = {}  # (section, furthest) -> points
        later = [_later(unit, state) for state in states]
        named = [_names(unit, state) for state in states]
        cache: dict[tuple[int, int, int], float] = {}
        step: dict[State, float] = {}
        pointers: dict[State, State] = {}
        for (a, fa, ready), score in best.items():
            for b in range(len(states)):
                fb = b if b in (0, last) else max(fa, b)
                if fb < fa and b != last:
                    continue
                if b == last:
                    fb = last
                key = (a, fa if b > a else 0, b)
                if key not in cache:
                    cache[key] = _transition(unit, a, fa, b, pace)
                total = score + cache[key]
                if total <= IMPOSSIBLE / 2:
                    continue
                reached = _reached(unit, a, fa, b, ready, named[b])
                if reached:
                    total += later[b]
                target = (b, fb, reached)
                if total > step.get(target, IMPOSSIBLE):
                    step[target] = total
                    pointers[target] = (a, fa, ready)
        for c, f, _asked_for in step:
            if (c, f) not in emissions:
                emissions[c, f] = _emission(unit, states[c], f)
        best = {target: score + emissions[target[:2]] for target, score in step.items()}
        back.append(pointers)
    state = max(best, key=lambda target: best[target])
    path = [state]
    for t in range(len(units) - 1, 0, -1):
        state = back[t][state]
        path.append(state)
    return path[::-1]


def _reached(unit: Unit, a: int, furthest: int, b: int, ready: bool, named: bool) -> bool:
    """Whether section b's ``later_kinds`` count: it was asked for (by this question, or by
    one before it that the conversation has stayed with since), or the conversation comes
    back to it after a digression; not when an answer ran on into it."""
    returns = unit.turn_start and b != a and 0 < b <= furthest
    return (ready and a == b) or (unit.turn_start and named) or returns


def _emission(unit: Unit, state: str, furthest: int) -> float:
    if state in (BEFORE, AFTER):
        fits = 0.0 if unit.signs else SMALL_TALK
        long = state == BEFORE and unit.turn_words >= LONG_ANSWER
        return fits - SMALL_TALK_LONG if long else fits
    return sum(points for _kind, points, _what in _answer(unit, state, furthest))


def _answer(unit: Unit, state: str, furthest: int) -> Evidence:
    """The answer evidence for a section; once the conversation has reached a later section
    that takes over some of its kinds (``later_kinds``), without those."""
    taker, without = unit.taken.get(state, (0, []))
    return without if taker and furthest >= taker else unit.answer.get(state, [])


def _names(unit: Unit, state: str) -> bool:
    """The question before this unit asks for this section."""
    question = unit.question
    return question is not None and question.asks and question.score_of(state) >= ENOUGH


def _later(unit: Unit, state: str) -> float:
    """Points of the section's later_kinds: they count once the section was reached."""
    return sum(points for _kind, points, _what in unit.later.get(state, ()))


def _transition(unit: Unit, a: int, furthest: int, b: int, pace: Pace) -> float:
    return sum(points for _kind, points, _what in _order(unit, a, furthest, b, pace))


def _order(unit: Unit, a: int, furthest: int, b: int, pace: Pace) -> Evidence:
    """The points for moving from state a to state b at this unit, with what they are for.

    States: 0 is small talk before the interview, 1..n the guide's sections, n+1 after the
    closing. ``furthest``: the furthest section the conversation reached before (>= a).
    ``pace``: how the conversation's pace scales some of the weights.
    """
    states = unit.states
    last = len(states) - 1
    if a == last:
        return [] if b == last else [("volgorde", IMPOSSIBLE, "na de afsluiting")]
    question = unit.question
    if question is None:  # the same answer runs on
        return _within_turn(unit, a, furthest, b, pace)
    if question.kind == "closing":
        if b == last:
            return [("vraag", CLOSING, question.evidence)]
        if b == a:
            return []
    if b == last and question.thanks and question.score < ENOUGH and a != 0:
        return [("vraag", STAY_ACK + THANKS, "bedankt, zonder nieuwe vraag: het einde")]
    if b == last:
        return [("volgorde", IMPOSSIBLE, "geen afsluiting")]
    if b == 0:
        if a != 0:
            return [("volgorde", IMPOSSIBLE, "terug naar de kennismaking")]
        small_talk = question.score < ENOUGH
        return [("volgorde", NEXT_UNMATCHED if small_talk else 0.0, "nog kennismaking")]
    if not question.asks and not question.remark and a != 0:
        # 'hm hm', 'oké', a summary: the answer runs on
        if b == a:
            return [("volgorde", STAY_ACK, question.evidence + "; antwoord loopt door")]
        return _within_turn(unit, a, furthest, b, pace)
    points: Evidence = [("vraag", QUESTION * question.score_of(states[b]), _asked(unit, states[b]))]
    if b == a:
        stay = STAY_FOLLOW_UP if question.kind == "follow-up" else STAY_QUESTION
        if question.remark:
            stay = STAY_REMARK
        if question.back:  # "even terug naar ...": the interviewer leaves this section
            return [*points, ("volgorde", 0.0, "de interviewer gaat terug; zelfde onderdeel")]
        return [*points, ("volgorde", stay, f"{question.evidence}; zelfde onderdeel")]
    if b < a:
        if question.back:
            return [
                *points,
                ("volgorde", 0.0, "de interviewer gaat terug naar een eerder onderdeel"),
            ]
        return [*points, ("volgorde", -BACK, "terug naar een eerder onderdeel")]
    if b < furthest:
        return [*points, ("volgorde", 0.0, "terug naar waar het gesprek was")]
    if b == furthest:
        back_to = 0.0 if question.kind == "follow-up" else NEXT
        return [*points, ("volgorde", back_to, "terug naar waar het gesprek was")]
    # forward: the next section gets a bonus, every section skipped costs (counted from the
    # furthest section reached, so a path pays for a skipped section once)
    unmatched = question.score < ENOUGH and question.kind != "follow-up"
    # the bonus for the next section goes to a question that names it, or that names nothing
    named = question.score_of(states[b]) >= ENOUGH
    if unmatched:
        # a question that names nothing moves on to the next section, but it does not end
        # the small talk before the interview: that takes a named question or a long answer
        bonus = pace.unmatched if a != 0 else 0.0
    elif question.kind == "follow-up":
        bonus = NEXT_FOLLOW_UP
    else:
        bonus = NEXT if named else 0.0
    skipped = b - max(a, furthest) - 1
    what = "volgend onderdeel" + (" (vraag past nergens)" if unmatched else "")
    if skipped > 0:
        what += f", {skipped} overgeslagen"
    cost = SKIP_FROM_START if a == 0 else SKIP  # a conversation may start at any section
    return [*points, ("volgorde", bonus - cost * skipped, what)]


def _within_turn(unit: Unit, a: int, furthest: int, b: int, pace: Pace) -> Evidence:
    last = len(unit.states) - 1
    if b == a:
        asked = unit.turn_question.score_of(unit.states[b]) if unit.turn_question else 0.0
        if asked < ENOUGH or not TURN_ASKED:
            return []
        return [("vraag", TURN_ASKED * min(asked, 2.0), "het antwoord op de vraag loopt door")]
    if a == 0 or b in (0, last):
        return [("volgorde", IMPOSSIBLE, "binnen een antwoord")]
    if b < a:
        return [("volgorde", -IN_TURN_BACK, "terug binnen een antwoord")]
    share = _sustained(unit, unit.states[a], unit.states[b])
    points = (
        -pace.in_turn * share * (IN_TURN_JUMP + SKIP_IN_TURN * max(0, b - max(a, furthest) - 1))
    )
    asked = unit.turn_question.score_of(unit.states[b]) if unit.turn_question else 0.0
    if asked:  # a combined question ("wat deed je, en waarom?") asked for this one too
        points += COMBINED * min(asked, 2.0)
    return [("volgorde", points, "binnen een antwoord naar een volgend onderdeel")]


def _sustained(unit: Unit, here: str, there: str) -> float:
    """The share of the cost of changing section inside an answer: less when this sentence
    and the next few speak clearly more for the new section than for the current one (the
    participant tells what they did, then goes on weighing it or saying what matters)."""
    if _points(unit, there) <= _points(unit, here):
        return 1.0
    more = unit.ahead.get(there, 0.0) - unit.ahead.get(here, 0.0)
    return max(SUSTAINED_MIN, 1.0 - SUSTAINED * max(0.0, more))


def _points(unit: Unit, state: str) -> float:
    return sum(points for _kind, points, _what in unit.answer.get(state, ()))


def _asked(unit: Unit, key: str) -> str:
    assert unit.question is not None
    what = unit.question.evidence_of(key)
    stamp = _stamp(unit.question_start)
    return f"vraag om {stamp}: {what}" if what else f"vraag om {stamp}: past niet bij dit onderdeel"


def _placement(
    unit: Unit, path: list[State], t: int, states: tuple[str, ...], pace: Pace
) -> Placement:
    here, _furthest, reached = path[t]
    state = states[here]
    previous, furthest, _ready = path[t - 1] if t else (0, 0, False)
    order = _order(unit, previous, furthest, here, pace)
    evidence = list(order)
    if state not in (BEFORE, AFTER):
        evidence += _answer(unit, state, path[t][1])
        if reached:
            evidence += unit.later.get(state, [])
    evidence = [(kind, round(points, 2), what) for kind, points, what in evidence]
    section = None if state in (BEFORE, AFTER) or unit.aside else state
    if unit.aside:
        reason = unit.aside
    elif section is None:
        reason = "na de afsluiting" if state == AFTER else "voor de eerste vraag (kennismaking)"
    elif not unit.turn_start and previous == here:
        reason = "hetzelfde antwoord loopt door"
    else:
        reason = "; ".join(f"{what} ({points:+.1f})" for _k, points, what in evidence) or (
            "antwoord loopt door"
        )
    asked = unit.turn_question.score_of(section) if section and unit.turn_question else 0.0
    return Placement(unit.utterance, section, reason, tuple(evidence), asked)


def _stamp(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
