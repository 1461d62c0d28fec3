"""What an interviewer's turn asks: how close it comes to each section of the guide.

A turn is split into sentences. Acknowledgements ("hm hm", "oké", "mooi") and summaries
("Dus je hebt eerst met de familie gepraat.") ask nothing: the answer runs on. The rest is
compared with every section, after lower-casing, dropping punctuation and word endings,
evening out the register ("u", "ge" and "je" alike) and the guide's ``synonyms``:

- the section's ``cues``: words or phrases whose words appear in order (a word or two may sit
  between them);
- the section's ``questions`` and ``paraphrases``: the share of content words in common
  (at least two; a short paraphrase of one or two content words may match on all of them).

A follow-up ("en toen?", "kun je daar meer over vertellen?") and a closing ("dank je wel voor
het gesprek") are recognised from the guide's lists too. The result is evidence, not a
decision: placement.py weighs it with the answer and the guide's order.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from goodwork_pipeline.drafting.cleanup import sentence_spans
from goodwork_pipeline.drafting.guide import Guide, GuideSection
from goodwork_pipeline.speech_acts import QUESTION_WORDS
from goodwork_pipeline.text_nl import content_stems, normal_phrase

MAX_GAP = 2  # words allowed between a cue's words
STRONG = 2.0  # a follow-up or closing names another section only with a match this strong
ENOUGH = 0.9  # a question names a section with a match this strong
MAX_SCORE = 3.0
OPENING = 0.5  # a cue that opens a question: its question word says what it asks
OPENING_WORDS = 6
SHORT = 2  # words: a question this short that names nothing ("En?", "Hoezo?") is a follow-up
_REQUESTS = ("vertel", "beschrijf", "leg", "noem", "geef", "schets", "neem me mee", "zeg eens")


@dataclass(frozen=True)
class QuestionMatch:
    section: str | None  # the section it names best (or the current one when it names none)
    score: float
    kind: str  # "section", "follow-up", "closing", "none" (nothing asked, or nothing named)
    evidence: str
    scores: tuple[tuple[str, float, str], ...] = ()  # per section: score, the words that matched
    asks: bool = False  # a real question or request (not only 'hm hm' or a summary)
    # a statement that is no reaction or summary: a question whose '?' speech recognition
    # lost ("wat heb je toen gedaan"), or a remark ("Dat is heftig.")
    remark: bool = False
    thanks: bool = False  # the interviewer thanks ("Dank je wel."): maybe the end
    back: bool = False  # the interviewer goes back ("Even terug naar ..."): leaves this section

    def with_thanks(self, thanks: bool) -> QuestionMatch:
        return replace(self, thanks=thanks)

    def score_of(self, key: str) -> float:
        return next((score for k, score, _ in self.scores if k == key), 0.0)

    def evidence_of(self, key: str) -> str:
        return next((why for k, _, why in self.scores if k == key), "")


def match_question(text: str, guide: Guide, current: str | None = None) -> QuestionMatch:
    """What an interviewer's turn asks about: a section, a follow-up, a closing, or nothing."""
    match = _match(text, guide, current)
    back = match.asks and bool(_BACK.search(text))
    return replace(match, thanks=bool(_THANKS.search(text)), back=back)


_THANKS = re.compile(r"(?i)\b(?:dank|bedankt|merci)")
# "Even terug naar het begin.", "Ik ga nog even terug.", "Terug naar Wilma."
_BACK = re.compile(r"(?i)\b(?:(?:nog )?even terug|terug naar|ga (?:nog )?(?:even )?terug)\b")
# "op dat moment", "op een gegeven moment": when, not which situation ("Waarom vond je dat
# belangrijk, op dat moment al?" asks for values, not for a moment to tell about)
_TIME_PHRASE = re.compile(
    r"(?i)\b(?:op|vanaf|tot|na|voor|in) (?:dat|dit|het|die|datzelfde|hetzelfde|zo'n|"
    r"een gegeven|dat ene|elk|ieder) (?:moment|ogenblik)\b"
)


def _match(text: str, guide: Guide, current: str | None) -> QuestionMatch:
    index = _index(guide)
    sentences = [s for s in _sentences(text) if not _only_ack(s, index)]
    asked_sentences = [a for a in (_asked_part(s, index) for s in sentences) if a]
    questions = [s for s in asked_sentences if _asks(s)]
    # statements count too: "Vertel maar. Wie ben je, en dan een moment ..." names two sections
    asked = " ".join(asked_sentences)
    closing = _first_phrase(normal_phrase(text), index.closings)
    if not asked.strip():
        if closing:
            return QuestionMatch(None, 0.0, "closing", f"afsluiting '{closing[0]}'")
        what = "samenvatting" if sentences else "alleen een reactie ('hm hm', 'oké')"
        return QuestionMatch(current, 0.0, "none", f"{what}: geen nieuwe vraag")
    phrase = normal_phrase(_TIME_PHRASE.sub(" ", asked))
    follow_up = _first_phrase(phrase, index.follow_ups)
    if follow_up:
        # "Wat gebeurde er daarna?" is a follow-up, even though "wat gebeurde er" is a cue.
        phrase = _without(phrase, follow_up[1])
    openings = [_opening(normal_phrase(q)) for q in questions]
    scores = tuple((s.key, *_score(index, s, phrase, openings)) for s in guide.sections)
    best_key, best, evidence = max(scores, key=lambda item: item[1])
    asks = bool(questions)
    if closing and best < STRONG:
        return QuestionMatch(None, best, "closing", f"afsluiting '{closing[0]}'", scores, asks)
    if follow_up and best < STRONG:
        why = f"doorvraag '{follow_up[0]}'"
        return QuestionMatch(current, best, "follow-up", why, scores, True)
    if best >= ENOUGH:
        # a remark that names a section ("Dat is ook een optie.") asks only when it names it
        # clearly; otherwise it is a reaction and the answer runs on
        asks = asks or best >= STRONG
        return QuestionMatch(best_key, best, "section", evidence, scores, asks)
    if asks and len(phrase.split()) <= SHORT:
        return QuestionMatch(current, best, "follow-up", "korte doorvraag", scores, True)
    if not asks:
        return QuestionMatch(
            current, best, "none", "opmerking zonder vraag", scores, False, remark=True
        )
    return QuestionMatch(current, best, "none", "vraag die bij geen onderdeel past", scores, asks)


# Matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """A guide's phrases in normal form, computed once per guide."""

    synonyms: dict[str, str]
    cues: dict[str, tuple[tuple[str, str], ...]]  # section -> (cue as written, normal form)
    asked: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # section -> (question, stems)
    follow_ups: tuple[tuple[str, str], ...]
    closings: tuple[tuple[str, str], ...]
    acknowledgements: frozenset[str]
    summaries: tuple[str, ...]


@lru_cache(maxsize=16)
def _index(guide: Guide) -> _Index:
    synonyms: dict[str, str] = {}
    for group in guide.synonyms:
        forms = [normal_phrase(w) for w in group]
        for s in forms:
            synonyms.setdefault(s, forms[0])

    def norm(text: str) -> str:
        return " ".join(synonyms.get(w, w) for w in normal_phrase(text).split())

    def stems(text: str) -> frozenset[str]:
        return frozenset(synonyms.get(s, s) for s in content_stems(text))

    return _Index(
        synonyms=synonyms,
        cues={s.key: _distinct((c, norm(c)) for c in s.cues) for s in guide.sections},
        asked={
            s.key: tuple((q, stems(q)) for q in (*s.questions, *s.paraphrases) if stems(q))
            for s in guide.sections
        },
        follow_ups=tuple((f, norm(f)) for f in guide.follow_ups),
        closings=tuple((c, norm(c)) for c in guide.closings),
        acknowledgements=frozenset(normal_phrase(a) for a in guide.acknowledgements),
        summaries=tuple(normal_phrase(s) for s in guide.summaries),
    )


def _distinct(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One entry per normal form: synonyms make 'gedaan' and 'ondernomen' one cue."""
    seen: dict[str, str] = {}
    for written, normal in pairs:
        seen.setdefault(normal, written)
    return tuple((written, normal) for normal, written in seen.items())


def _opening(phrase: str) -> str:
    """The first words of a question, where its question word sits."""
    return " ".join(phrase.split()[:OPENING_WORDS])


def _score(
    index: _Index, section: GuideSection, phrase: str, openings: list[str] | None = None
) -> tuple[float, str]:
    """How close a question comes to a section: its best cue counts fully, a second half,
    the closest typical question or paraphrase up to 2 points; at most MAX_SCORE in all (a long
    question that touches many cues is no clearer than one that names the section once).
    A cue that opens a question ("Waarom heb je het zo gedaan?") names what it asks: the
    question word decides, the rest is what the question is about (OPENING more)."""
    phrase = " ".join(index.synonyms.get(w, w) for w in phrase.split())
    opened = [" ".join(index.synonyms.get(w, w) for w in o.split()) for o in openings or ()]
    hits: list[tuple[float, str]] = []
    for cue, cue_phrase in index.cues[section.key]:
        if contains_phrase(phrase, cue_phrase):
            size = len(cue_phrase.split())
            # words that follow each other count for more than words with others between
            exact = contains_phrase(phrase, cue_phrase, max_gap=0)
            hits.append(((1.0 + 0.5 * (size - 1)) * (1.0 if exact else 0.75), cue))
    hits.sort(reverse=True)
    cue_score = sum(
        points * weight
        for (points, _), weight in zip(hits[:3], (1.0, 0.5, 0.25)[: len(hits)], strict=True)
    )
    asked = frozenset(w for w in phrase.split() if w in _content(phrase))
    similarity, closest = 0.0, ""
    for question, stems in index.asked[section.key]:
        shared = len(stems & asked)
        if shared >= 2:  # one shared word is chance (cues name single words)
            dice = 2 * shared / (len(stems) + len(asked))
            if dice > similarity:
                similarity, closest = dice, question
    opens = any(
        o.startswith(cue_phrase.split()[0]) and contains_phrase(o, cue_phrase)
        for o in opened
        for _cue, cue_phrase in index.cues[section.key]
    )
    score = min(MAX_SCORE, cue_score + 2.0 * similarity + (OPENING if opens else 0.0))
    parts = [f"'{hits[0][1]}'"] if hits else []
    if closest:
        parts.append(f"lijkt op '{closest}'")
    return round(score, 2), ", ".join(parts)


def _content(phrase: str) -> frozenset[str]:
    return frozenset(content_stems(phrase))


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


@lru_cache(maxsize=65536)
def _same(word: str, wanted: str) -> bool:
    if word == wanted:
        return True
    compound = len(wanted) >= COMPOUND_MIN_LENGTH and len(word) > len(wanted) + 2
    if compound and (word.startswith(wanted) or word.endswith(wanted)):
        return True
    if min(len(word), len(wanted)) < FUZZY_MIN_LENGTH or abs(len(word) - len(wanted)) > 3:
        return False
    return difflib.SequenceMatcher(None, word, wanted).ratio() >= FUZZY_RATIO


def _without(text: str, found: str) -> str:
    """The text with the words of the phrase's first in-order occurrence taken out."""
    words, wanted = text.split(), found.split()
    kept, index = [], 0
    for word in words:
        if index < len(wanted) and word == wanted[index]:
            index += 1
            continue
        kept.append(word)
    return " ".join(kept) if index == len(wanted) else text


def _first_phrase(phrase: str, candidates: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The first candidate (as written, in normal form) found in the phrase."""
    for candidate, normal in candidates:
        if contains_phrase(phrase, normal, max_gap=1):
            return candidate, normal
    return None


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)] or [text]


# A tag at the end makes a statement a question ("Dat is voor jou belangrijk, hè."): it
# asks the participant to confirm and go on, even when speech recognition heard no '?'
_TAG = re.compile(r",\s*(?:hè|he|toch|niet|niet waar|nietwaar)\s*[.!]*$")


def _asks(sentence: str) -> bool:
    low = sentence.strip().lower()
    return (
        low.endswith("?") or low.startswith(_REQUESTS) or " vertel" in low or bool(_TAG.search(low))
    )


def _only_ack(sentence: str, index: _Index) -> bool:
    """'Hm hm.', 'Oké, mooi.', 'Ja, dat snap ik.': a reaction, no question."""
    words = normal_phrase(sentence).split()
    if sentence.rstrip().endswith("?") and len(words) > 2:
        return False
    while words and words[0] in index.acknowledgements:
        words = words[1:]
    while words and words[-1] in index.acknowledgements:
        words = words[:-1]
    return not words or " ".join(words) in index.acknowledgements


def _asked_part(sentence: str, index: _Index) -> str:
    """The part of a sentence that asks something new; '' for a summary.

    'Dus je hebt eerst gebeld.', 'Als ik het goed begrijp ...' sum up; so does a summary that
    ends in a question mark ("Dus je twijfelde?"): it checks what was said. A summary that
    goes on to ask ("Dus je belde, en wat deed je daarna?") asks from its question word on.
    """
    phrase = normal_phrase(sentence)
    if not any(phrase == s or phrase.startswith(s + " ") for s in index.summaries):
        return sentence
    if sentence.strip().lower().startswith(_REQUESTS):
        return sentence
    tokens = sentence.split()
    for position, token in enumerate(tokens):
        if position and token.strip(",.?!").lower() in QUESTION_WORDS:
            return " ".join(tokens[position:])
    return ""
