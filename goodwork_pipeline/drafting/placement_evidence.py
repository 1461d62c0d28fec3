"""The evidence for placing each of the participant's sentences (``placement.py`` decides).

The conversation is cut into turns; every participant sentence becomes a ``Unit`` that carries
what speaks for each section of the guide:

1. the interviewer's question just before its turn (``questions.py``), for the sequence
   decision to weigh;
2. the answer itself: what the sentence does (introduce someone, tell what happened, act,
   weigh, say what matters, define good work; ``answer_kinds.py``), matched with each
   section's ``answer_kinds``; the section's ``answer_words`` anywhere and ``answer_cues`` at
   the start. The answer weights are named below.

Some sentences are not for the beeld whatever their section (``Unit.aside``): a bare "Ja.", a
question back to the interviewer, a side story with no sign of any section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from goodwork_pipeline.drafting.answer_kinds import KIND_NL, KindScore, read_kinds
from goodwork_pipeline.drafting.cleanup import remove_fillers
from goodwork_pipeline.drafting.guide import Guide
from goodwork_pipeline.drafting.questions import ENOUGH, QuestionMatch, match_question
from goodwork_pipeline.models import INTERVIEWER
from goodwork_pipeline.text_nl import normal_phrase

BEFORE, AFTER = "<voor>", "<na>"  # small talk before the interview, and after its closing

# Weights of the answer (points; placement.py adds them to the question's and the order's).
# Chosen on tests/data/interviews/tune.
ANSWER = 1.0  # per point of answer evidence (one sign ~0.6, at most 1.5 per kind)
ANSWER_CUE = 2.5  # a sentence opening with a section's answer cue ("Goed werk is ...")
ANSWER_CUE_INSIDE = 1.5  # ... or with the cue further on ("als je vraagt wat goed werk is")
ANSWER_WORD = 0.5  # one of a section's answer words anywhere in the sentence
LATER_KIND = 0.6  # per point of a section's later_kinds, once the section was reached
TAKEN = 0.5  # share of a kind's points once a later section has taken it over (later_kinds)
AHEAD = 3  # sentences after this one whose answer evidence counts for Unit.ahead
SIDE_WORDS = 25  # words: an answer this long without any sign of a section is a side story
# a sentence's kinds: by the hand-written forms, and by the learned reader (read_kinds)
Reading = tuple[dict[str, KindScore], dict[str, KindScore]]
LEARNED = "taalmodel"  # the kind of evidence from the learned reader (read_kinds)

Evidence = list[tuple[str, float, str]]  # (kind of evidence, points, what)


@dataclass(frozen=True)
class Utterance:
    """One sentence as spoken, by one speaker, with the stretch of the recording it came from."""

    text: str
    role: str
    start: float
    end: float
    segment_ids: tuple[int, ...]
    turn: int
    # How sure the voice model is of the speaker (None: not decided by voice)
    speaker_confidence: float | None = None


@dataclass(frozen=True)
class Unit:
    """A participant sentence, the question it followed and its answer evidence per section."""

    utterance: Utterance
    question: QuestionMatch | None  # the interviewer's turn before, for a turn's first sentence
    turn_question: QuestionMatch | None  # the question this answer's turn followed
    states: tuple[str, ...]
    question_start: float
    turn_words: int
    turn_start: bool
    answer: dict[str, Evidence]  # state -> answer evidence
    # state -> evidence that counts only when the conversation reached that section before
    later: dict[str, Evidence] = field(default_factory=dict)
    # state -> (section index, evidence): the answer evidence of an earlier section once the
    # conversation has reached the later section (index in the guide, from 1) whose
    # ``later_kinds`` take over one of its kinds
    taken: dict[str, tuple[int, Evidence]] = field(default_factory=dict)
    aside: str = ""  # not for the beeld: a bare "Ja." or a question back to the interviewer
    signs: bool = False  # a sign of some section besides the learned reader's (_has_signs)
    # state -> answer points for that section in this sentence and the next AHEAD ones of the
    # same answer: a change of section inside an answer is cheaper when they are sustained
    ahead: dict[str, float] = field(default_factory=dict)


def units_of(utterances: list[Utterance], guide: Guide) -> list[Unit]:
    """Every participant sentence as a ``Unit``; the interviewer's turns only give questions."""
    units: list[Unit] = []
    states = (BEFORE, *guide.keys, AFTER)
    # an answer before any question: as after a question that names nothing
    question = QuestionMatch(None, 0.0, "none", "geen vraag vooraf", asks=True)
    question_start = 0.0
    interrupted: QuestionMatch | None = None  # a question the participant answered with one
    turns = _turns(utterances)
    for turn in turns:
        if turn[0].role == INTERVIEWER:
            reply = match_question(" ".join(u.text for u in turn), guide)
            if interrupted is not None and not reply.asks:
                reply = interrupted  # the answer to a question back: the earlier question holds
            question, interrupted = reply, None
            question_start = turn[0].start
            continue
        size = sum(len(u.text.split()) for u in turn)
        bare = all(_only_confirms(u.text, guide) for u in turn)
        readings = [read_kinds(u.text) for u in turn]  # each sentence's kinds, read once
        evidence = [_answer_evidence(u.text, r, guide) for u, r in zip(turn, readings, strict=True)]
        taken = [_taken_evidence(u.text, r, guide) for u, r in zip(turn, readings, strict=True)]
        later = [_later_evidence(r, guide) for r in readings]
        # A side story: after 'hm hm' or a question that names no section, an answer with no
        # sign of any section ("Mijn man zegt altijd dat ik slecht lieg.")
        signs = [_has_signs(e) for e in evidence]
        side = bool(units) and not any(signs) and question.score < ENOUGH and size >= SIDE_WORDS
        for position, utterance in enumerate(turn):
            ahead = _ahead(evidence[position : position + AHEAD + 1])
            aside = "alleen een bevestiging" if bare else _counter_question(utterance.text)
            if side and not aside:
                aside = "zijpad: geen vraag naar een onderdeel en geen teken ervan in het antwoord"
            units.append(
                Unit(
                    utterance=utterance,
                    question=question if position == 0 else None,
                    turn_question=question,
                    states=states,
                    question_start=question_start,
                    turn_words=size,
                    turn_start=position == 0,
                    answer={} if aside else evidence[position],
                    later={} if aside else later[position],
                    taken={} if aside else taken[position],
                    aside=aside,
                    signs=not aside and signs[position],
                    ahead={} if aside else ahead,
                )
            )
        if all(_counter_question(u.text) for u in turn):
            interrupted = question
    return units


@lru_cache(maxsize=16)
def _answer_phrases(guide: Guide) -> dict[str, tuple[tuple[tuple[str, str], ...], ...]]:
    """Per section: its answer cues and answer words in normal form (computed once)."""
    return {
        s.key: (
            tuple((c, normal_phrase(c)) for c in s.answer_cues),
            tuple((w, normal_phrase(w)) for w in s.answer_words),
        )
        for s in guide.sections
    }


@lru_cache(maxsize=16)
def _acknowledgements(guide: Guide) -> frozenset[str]:
    return frozenset(normal_phrase(a) for a in guide.acknowledgements)


@lru_cache(maxsize=16)
def _takers(guide: Guide) -> dict[str, tuple[int, frozenset[str]]]:
    """Per section: the first later section (index from 1) whose ``later_kinds`` take over some
    of its answer kinds, and those kinds. Once "Wat ik deed" has begun, what happened next is
    part of what was done: it no longer points back to "De puzzel"."""
    takers: dict[str, tuple[int, frozenset[str]]] = {}
    for i, section in enumerate(guide.sections):
        for j, later in enumerate(guide.sections[i + 1 :], start=i + 2):
            kinds = frozenset(section.answer_kinds) & frozenset(later.later_kinds)
            if kinds:
                takers[section.key] = (j, kinds)
                break
    return takers


_TAKEN_NOTE = ", al verder in het gesprek"


def _taken_evidence(text: str, reading: Reading, guide: Guide) -> dict[str, tuple[int, Evidence]]:
    """Per section with a taker: its answer evidence without the kinds taken over."""
    takers = _takers(guide)
    if not takers:
        return {}
    return {
        key: (index, _answer_evidence(text, reading, guide, kinds).get(key, []))
        for key, (index, kinds) in takers.items()
    }


def _answer_evidence(
    text: str, reading: Reading, guide: Guide, taken: frozenset[str] = frozenset()
) -> dict[str, Evidence]:
    kinds, learned = reading
    phrase = normal_phrase(remove_fillers(text))  # "ik heb, eh, eerst" opens "ik heb eerst"
    opening = " ".join(phrase.split()[:10])
    padded = f" {phrase} "
    evidence: dict[str, list[tuple[str, float, str]]] = {}
    phrases = _answer_phrases(guide)
    for section in guide.sections:
        found: Evidence = []
        cues, answer_words = phrases[section.key]
        for kind in section.answer_kinds:
            if kind in kinds:
                signs = ", ".join(f"'{s}'" for s in kinds[kind].signs[:3])
                points = ANSWER * kinds[kind].score * (TAKEN if kind in taken else 1.0)
                what = f"{KIND_NL[kind]} ({signs})" + (_TAKEN_NOTE if kind in taken else "")
                found.append(("antwoord", points, what))
            if kind in learned:
                points = ANSWER * learned[kind].score * (TAKEN if kind in taken else 1.0)
                what = f"{KIND_NL[kind]} ({learned[kind].signs[0]})"
                found.append((LEARNED, points, what + (_TAKEN_NOTE if kind in taken else "")))
        cue = next((c for c, normal in cues if _opens_with(opening, normal)), None)
        inside = next((c for c, normal in cues if f" {normal} " in padded), None)
        if cue:
            found.append(("antwoord", ANSWER_CUE, f"begint met '{cue}'"))
        elif inside:
            found.append(("antwoord", ANSWER_CUE_INSIDE, f"zegt '{inside}'"))
        hits = [w for w, normal in answer_words if f" {normal} " in padded]
        if hits:
            points = ANSWER_WORD * min(len(hits), 3)
            found.append(("antwoord", points, "woorden " + ", ".join(f"'{h}'" for h in hits[:3])))
        if found:
            evidence[section.key] = found
    return evidence


def _has_signs(evidence: dict[str, Evidence]) -> bool:
    """Whether a sentence shows a sign of a section besides the learned reader's, which reads
    something in almost every sentence (so small talk and side stories are told by the
    forms)."""
    return any(kind != LEARNED for found in evidence.values() for kind, _p, _w in found)


def _ahead(evidence: list[dict[str, Evidence]]) -> dict[str, float]:
    """Per section: its answer points summed over these sentences (a sentence's at most 2)."""
    points: dict[str, float] = {}
    for sentence in evidence:
        for key, found in sentence.items():
            points[key] = points.get(key, 0.0) + min(2.0, sum(p for _k, p, _w in found))
    return points


def _later_evidence(reading: Reading, guide: Guide) -> dict[str, Evidence]:
    """A section's ``later_kinds``: "Wat ik deed" may go on telling what happened next."""
    if not any(s.later_kinds for s in guide.sections):
        return {}
    kinds, learned = reading
    evidence: dict[str, Evidence] = {}
    for section in guide.sections:
        found: Evidence = []
        for kind in section.later_kinds:
            what = f"{KIND_NL[kind]}, na de start van dit onderdeel"
            if kind in kinds:
                found.append(("antwoord", LATER_KIND * kinds[kind].score, what))
            if kind in learned:
                found.append((LEARNED, LATER_KIND * learned[kind].score, what))
        if found:
            evidence[section.key] = found
    return evidence


def _only_confirms(text: str, guide: Guide) -> bool:
    """'Ja.', 'Klopt.', 'Ja, zo ongeveer.': a confirmation without content."""
    words = normal_phrase(text).split()
    acks = _acknowledgements(guide)
    while words and words[0] in acks:
        words = words[1:]
    return not words or " ".join(words) in acks


_ASKS_BACK = re.compile(
    r"(?i)^(?:\w+,\s*)?(?:bedoel|bedoelt|mag ik|moet ik|zal ik|kan ik|wil je|wilt u|heb je|"
    r"hebt u|heeft u|weet je nog|weet u nog|is het goed|of bedoel)\b"
)


def _counter_question(text: str) -> str:
    """A question back to the interviewer ("Bedoelt u in het algemeen?"): not for the beeld.

    Questions in the story ("Hij zei: ga je mij nou controleren?", "Was ze moe?") stay.
    """
    sentence = text.strip()
    if not sentence.endswith("?") or len(sentence.split()) > 25:
        return ""
    return "een vraag terug aan de interviewer" if _ASKS_BACK.search(sentence) else ""


def _opens_with(opening: str, cue: str) -> bool:
    """The cue at the start, or within the first three words ("en goed werk is ...")."""
    words = opening.split()
    return any(" ".join(words[i:]).startswith(cue) for i in range(0, 3)) if cue else False


def _turns(utterances: list[Utterance]) -> list[list[Utterance]]:
    turns: list[list[Utterance]] = []
    for utterance in utterances:
        if turns and turns[-1][-1].role == utterance.role:
            turns[-1].append(utterance)
        else:
            turns.append([utterance])
    return turns
