"""Which section of the beeld each of the participant's sentences belongs to.

The interviewer's questions steer: each question is matched loosely against the guide (cue
phrases and typical questions, after lower-casing, dropping punctuation and word endings), and
the participant's sentences that follow belong to the section it asked about. Evidence, in
order of strength:

1. a question that clearly names a section (a cue phrase, or close to a typical question);
2. a follow-up ("en toen?", "kun je daar meer over vertellen?") or a remark ("mm", "oké")
   keeps the current section: answers run on;
3. among sections that match equally, the next one in the guide wins (interviews mostly follow
   the guide's order);
4. a participant sentence that starts with an answer cue of a later section ("Goed werk is ...")
   goes there, even while answering an earlier question;
5. before the first recognised question and after a closing ("dank je wel voor het gesprek")
   nothing is placed: that is small talk; but a long answer (25+ words) before any recognised
   question goes to the first section (its question was probably misheard).

Every decision carries a reason, so a reviewer can see why a sentence sits where it does.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass

from .cleanup import sentence_spans
from .guide import Guide, GuideSection
from .text_nl import content_stems, normal_phrase

INTERVIEWER = "interviewer"
PARTICIPANT = "participant"

STRONG = 2.0  # a follow-up question moves on only with a match this strong
ENOUGH = 0.9  # any other question moves on with a match this strong
MAX_GAP = 2  # words allowed between a cue's words
LONG_ANSWER = 18  # words: an answer this long is no small talk (bench/DRAFTS.md)
# A participant sentence whose voice the model is less sure of is left out (bench/SPEAKERS.md)
UNSURE_SPEAKER = 0.5


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
class Placement:
    utterance: Utterance
    section: str | None  # None: small talk, not part of the beeld
    reason: str


@dataclass(frozen=True)
class QuestionMatch:
    section: str | None
    score: float
    kind: str  # "section", "follow-up", "closing", "none"
    evidence: str


def place(utterances: list[Utterance], guide: Guide) -> list[Placement]:
    """Place every participant sentence; the interviewer's sentences only steer."""
    placements: list[Placement] = []
    current: str | None = None
    reason = "voor de eerste vraag (kennismaking)"
    started = False  # a question was recognised (small talk is over)
    for turn in _turns(utterances):
        if not started and turn[0].role == PARTICIPANT and _words(turn) >= LONG_ANSWER:
            # A long answer before any recognised question is no small talk: the first
            # question was not recognised (e.g. misheard by speech recognition).
            current, started = guide.keys[0], True
            reason = "lang antwoord voor de eerste herkende vraag"
        if turn[0].role == INTERVIEWER:
            match = match_question(" ".join(u.text for u in turn), guide, current)
            if match.kind == "section":
                current, started = match.section, True
                reason = f"vraag om {_stamp(turn[0].start)}: {match.evidence}"
            elif match.kind == "closing":
                current = None
                reason = f"na de afsluiting om {_stamp(turn[0].start)}"
            elif current is not None:
                reason = f"{match.evidence}; blijft bij '{current}'"
            continue
        for utterance in turn:
            sure = utterance.speaker_confidence
            if sure is not None and sure < UNSURE_SPEAKER:
                # it may be the interviewer's (or someone else's) words: never silently in
                # the beeld; beeld.json's not_placed says why
                why = f"spreker onzeker (stemherkenning {sure:.0%} zeker)"
                placements.append(Placement(utterance, None, why))
                continue
            jump = _answer_cue(utterance.text, guide, current)
            if jump is not None:
                placements.append(Placement(utterance, jump.key, f"begint met '{jump.cue}'"))
                continue
            placements.append(Placement(utterance, current, reason))
    return placements


def match_question(text: str, guide: Guide, current: str | None = None) -> QuestionMatch:
    """What an interviewer's turn asks about: a section, a follow-up, a closing, or nothing."""
    questions = [s for s in _sentences(text) if s.rstrip().endswith("?")]
    asked = " ".join(questions) if questions else text
    phrase = normal_phrase(asked)
    follow_up = _first_phrase(phrase, guide.follow_ups)
    if follow_up:
        # "Wat gebeurde er daarna?" is a follow-up, even though "wat gebeurde er" is a cue.
        phrase = _without(phrase, normal_phrase(follow_up))
        asked = " ".join(w for w in asked.split() if normal_phrase(w) not in follow_up.split())
    scores = {s.key: _score(s, phrase, asked) for s in guide.sections}
    best = _best(scores, guide, current)
    score, evidence = scores[best] if best else (0.0, "")
    closing = _first_phrase(normal_phrase(text), guide.closings)
    if closing and score < STRONG:
        return QuestionMatch(None, score, "closing", f"afsluiting '{closing}'")
    if follow_up and score < STRONG and not (best == _next(guide, current) and score >= ENOUGH):
        return QuestionMatch(current, score, "follow-up", f"doorvraag '{follow_up}'")
    if best and score >= ENOUGH:
        return QuestionMatch(best, score, "section", evidence)
    return QuestionMatch(current, score, "none", "geen nieuwe vraag")


def _score(section: GuideSection, phrase: str, asked: str) -> tuple[float, str]:
    best_cue = ""
    cue_score = 0.0
    for cue in section.cues:
        size = len(cue.split())
        cue_phrase = normal_phrase(cue)
        if contains_phrase(phrase, cue_phrase):
            # words that follow each other count for more than words with others between
            exact = contains_phrase(phrase, cue_phrase, max_gap=0)
            cue_score += (1.0 + 0.5 * (size - 1)) * (1.0 if exact else 0.75)
            if size >= len(best_cue.split()):
                best_cue = cue
    asked_stems = set(content_stems(asked))
    similarity, closest = 0.0, ""
    for question in section.questions:
        stems = set(content_stems(question))
        if len(stems & asked_stems) >= 2:  # one shared word ('vind') is chance
            dice = 2 * len(stems & asked_stems) / (len(stems) + len(asked_stems))
            if dice > similarity:
                similarity, closest = dice, question
    score = cue_score + 2.0 * similarity
    if best_cue:
        evidence = f"'{best_cue}'"
    elif closest:
        evidence = f"lijkt op '{closest}'"
    else:
        evidence = ""
    return score, evidence


def _next(guide: Guide, current: str | None) -> str | None:
    keys = guide.keys
    if current is None:
        return keys[0]
    index = keys.index(current) + 1 if current in keys else len(keys)
    return keys[index] if index < len(keys) else None


def _best(scores: dict[str, tuple[float, str]], guide: Guide, current: str | None) -> str | None:
    keys = guide.keys
    position = keys.index(current) if current in keys else -1

    def rank(key: str) -> tuple[float, int]:
        index = keys.index(key)
        # Ties go to the next section in the guide's order, then to later ones; going back
        # to an earlier section needs clearer words.
        bonus = 0.25 if index == position + 1 else 0.1 if index > position else 0.0
        if 0 <= index < position:
            bonus -= 0.5
        return (scores[key][0] + bonus if scores[key][0] > 0 else 0.0, -index)

    best = max(keys, key=rank)
    return best if scores[best][0] > 0 else None


def _answer_cue(text: str, guide: Guide, current: str | None) -> _Jump | None:
    """A sentence that opens with a later section's answer cue belongs to that section."""
    if current is None:
        return None
    keys = guide.keys
    opening = " ".join(normal_phrase(text).split()[:8])
    for section in guide.sections[keys.index(current) + 1 :]:
        for cue in section.answer_cues:
            cue_phrase = normal_phrase(cue)
            if opening.startswith(cue_phrase) or _near_start(opening, cue_phrase):
                return _Jump(section.key, cue)
    return None


@dataclass(frozen=True)
class _Jump:
    key: str
    cue: str


def _near_start(opening: str, cue: str) -> bool:
    """The cue within the first three words ("en goed werk is ...", "dus wat ik ...")."""
    words = opening.split()
    return any(" ".join(words[i:]).startswith(cue) for i in range(1, 3))


def contains_phrase(text: str, phrase: str, max_gap: int = MAX_GAP) -> bool:
    """The phrase's words appear in order in the text, with at most max_gap words between.

    Long words match when they are nearly the same ('belongrijk' ~ 'belangrijk'): speech
    recognition gets a vowel wrong more often than a whole word.
    """
    words, wanted = text.split(), phrase.split()
    if not wanted:
        return False
    if len(wanted) == 1 and any(_same(a + b, wanted[0]) for a, b in itertools.pairwise(words)):
        return True  # a compound heard as two words: 'aan gepakt' ~ 'aangepakt'
    for start, word in enumerate(words):
        if not _same(word, wanted[0]):
            continue
        position, found = start, 1
        while found < len(wanted):
            window = words[position + 1 : position + 2 + max_gap]
            hit = next((i for i, w in enumerate(window) if _same(w, wanted[found])), None)
            if hit is None:
                break
            position += 1 + hit
            found += 1
        if found == len(wanted):
            return True
    return False


FUZZY_MIN_LENGTH = 7  # words at least this long may differ a little
FUZZY_RATIO = 0.8


COMPOUND_MIN_LENGTH = 6  # a word this long is found inside a compound ('situatiebeschrijving')


def _same(word: str, wanted: str) -> bool:
    if word == wanted:
        return True
    compound = len(wanted) >= COMPOUND_MIN_LENGTH and len(word) > len(wanted) + 2
    if compound and (word.startswith(wanted) or word.endswith(wanted)):
        return True
    if min(len(word), len(wanted)) < FUZZY_MIN_LENGTH:
        return False
    return difflib.SequenceMatcher(None, word, wanted).ratio() >= FUZZY_RATIO


def _without(text: str, phrase: str) -> str:
    """The text with the words of the phrase's first in-order occurrence taken out."""
    words, wanted = text.split(), phrase.split()
    kept, index = [], 0
    for word in words:
        if index < len(wanted) and word == wanted[index]:
            index += 1
            continue
        kept.append(word)
    return " ".join(kept) if index == len(wanted) else text


def _first_phrase(phrase: str, candidates: tuple[str, ...]) -> str | None:
    for candidate in candidates:
        if contains_phrase(phrase, normal_phrase(candidate), max_gap=1):
            return candidate
    return None


def _words(turn: list[Utterance]) -> int:
    return sum(len(u.text.split()) for u in turn)


def _turns(utterances: list[Utterance]) -> list[list[Utterance]]:
    turns: list[list[Utterance]] = []
    for utterance in utterances:
        if turns and turns[-1][-1].role == utterance.role:
            turns[-1].append(utterance)
        else:
            turns.append([utterance])
    return turns


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)] or [text]


def _stamp(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
