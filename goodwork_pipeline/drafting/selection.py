"""Choosing the most telling sentences within a word budget, a key quote and title ideas.

Every choice is explainable: a sentence's score is a sum of named parts (first person,
content words, values words, length), listed in ``Candidate.why``. Nothing is rewritten:
sentences are chosen whole and keep their order; the quote is one of the chosen sentences;
titles are phrases cut from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from goodwork_pipeline.text_nl import FIRST_PERSON, content_stems, fold, normal_phrase, stem, words

QUOTE_MIN, QUOTE_MAX = 8, 30
TITLE_MIN, TITLE_MAX = 3, 9
MIN_SENTENCE_WORDS = 3
GROWTH = 1.5  # a section may grow to this times its budget to reach the beeld's minimum
DUPLICATE = 0.6  # share of content words in common above which a sentence repeats another
REDUNDANT = 3.0  # points off per share of a chosen sentence's content words a sentence repeats
ABUNDANT = 2  # said this many times the beeld's maximum: the sections share all of its room


@dataclass(frozen=True)
class Candidate:
    """A cleaned sentence that could go into a section, with its score and why."""

    section: str
    text: str
    spoken: str
    start: float
    end: float
    segment_ids: tuple[int, ...]
    score: float = 0.0
    why: tuple[str, ...] = ()
    chosen: bool = False
    placement: tuple[tuple[str, float, str], ...] = ()  # (evidence, points, what): placement.py

    @property
    def words(self) -> int:
        return len(words(self.text))


VALUES = 1.0  # per values word of the guide (at most three)
DENSE = 12  # content words beyond which a sentence is not counted as more telling
ASKED = 3  # for a direct answer to a question that named the section (at most)
FITS = 0.8  # per point of answer evidence for the sentence's own section (at most 3 points)


def score(
    candidate: Candidate,
    values: Sequence[str],
    cues: Sequence[str],
    *,
    first: bool = False,
    fits: float = 0.0,
    asked: float = 0.0,
) -> Candidate:
    """Score a sentence: first person, content, values words, section words, length.

    ``first``: the first sentence of the section, the most direct answer to its question.
    ``fits``: how clearly the sentence does what its section asks (placement's answer
    evidence: an action told in the past tense under 'Wat ik deed', "ik vind" under values).
    ``asked``: how clearly the question it answers named its section (a direct answer is more
    likely the core than a remark that drifted there).
    """
    tokens = words(candidate.text)
    count = len(tokens)
    points = 0.0
    why: list[str] = []
    if first:
        points += 1.0
        why.append("eerste antwoord +1")
    if any(t in FIRST_PERSON for t in tokens):
        points += 1.0
        why.append("ik-vorm +1")
    content = len(set(content_stems(candidate.text)))
    if content:
        part = min(content, DENSE) / 6
        points += part
        why.append(f"{content} inhoudswoorden +{part:.1f}")
    phrase = f" {normal_phrase(candidate.text)} "
    found = [v for v in values if f" {normal_phrase(v)} " in phrase]
    if found:
        part = VALUES * min(len(found), 3)
        points += part
        why.append(f"waarden ({', '.join(found[:3])}) +{part:.0f}")
    if any(f" {normal_phrase(c)} " in phrase for c in cues):
        points += 0.5
        why.append("past bij de sectie +0.5")
    if asked > 0:
        part = ASKED * min(asked, 3.0) / 3.0
        points += part
        why.append(f"antwoord op de vraag naar dit onderdeel +{part:.1f}")
    if fits > 0:
        part = FITS * min(fits, 3.0)
        points += part
        why.append(f"doet wat het onderdeel vraagt +{part:.1f}")
    if count < 6:
        points -= 2.0
        why.append(f"kort ({count} woorden) -2")
    elif count > 40:
        points -= 1.0
        why.append(f"lang ({count} woorden) -1")
    if candidate.text.endswith("?"):
        points -= 0.5
        why.append("vraag -0.5")
    return replace(candidate, score=round(points, 2), why=tuple(why))


CENTRAL = 3  # for the sentence closest to the rest of its section (the story's core)


def with_centrality(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Add to each score how central the sentence is in its section: how many content words
    it shares with the section's other sentences (the people, the problem, the steps that come
    back). In a long conversation this tells the core of the story from its side paths."""
    stems = [set(content_stems(c.text)) for c in candidates]
    result = list(candidates)
    for key in dict.fromkeys(c.section for c in candidates):
        members = [i for i, c in enumerate(candidates) if c.section == key and stems[i]]
        if len(members) < 3:
            continue
        raw = {
            i: sum(
                len(stems[i] & stems[j]) / (len(stems[i]) * len(stems[j])) ** 0.5
                for j in members
                if j != i
            )
            for i in members
        }
        top = max(raw.values()) or 1.0
        for i in members:
            part = round(CENTRAL * raw[i] / top, 2)
            c = result[i]
            result[i] = replace(
                c, score=round(c.score + part, 2), why=(*c.why, f"kern van het onderdeel +{part}")
            )
    return result


def similarity(a: str, b: str) -> float:
    sa, sb = set(content_stems(a)), set(content_stems(b))
    if not sa or not sb:
        return 1.0 if normal_phrase(a) == normal_phrase(b) else 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def choose(
    candidates: Sequence[Candidate],
    budgets: dict[str, int],
    *,
    min_words: int,
    max_words: int,
) -> list[Candidate]:
    """Mark the best sentences per section within its budget; return all, in spoken order.

    A section gets its best sentences until its budget is used (its best sentence always,
    even if long). If the beeld is then shorter than ``min_words``, more sentences are added
    (a section may grow to 1.5 times its budget, and beyond when the beeld is still short:
    a participant may have said most under one heading); if longer than ``max_words``, the
    weakest go. Repeats of a chosen sentence and fragments are never chosen, and a sentence
    that partly repeats one chosen in its section loses points for it (``REDUNDANT``). When
    far more was said than fits, the budgets are scaled up to the maximum (``room``).
    """
    pool = [c for c in candidates if c.words >= MIN_SENTENCE_WORDS]
    budgets = room(budgets, sum(c.words for c in pool), max_words)
    chosen: list[Candidate] = []
    used = dict.fromkeys(budgets, 0)
    # each pick lowers the rest of its section by how much they repeat it (MMR): the second
    # sentence about the same thing then gives way to one that tells something new
    stems = {id(c): frozenset(content_stems(c.text)) for c in pool}
    overlap = dict.fromkeys(stems, 0.0)
    repeated: dict[int, float] = {}  # points off, when chosen, for what it repeats
    left = list(pool)
    while left:
        candidate = max(left, key=lambda c: c.score - REDUNDANT * overlap[id(c)])
        left.remove(candidate)
        budget = budgets.get(candidate.section, 0)
        first = used[candidate.section] == 0
        fits = used[candidate.section] + candidate.words <= budget
        if (first or fits) and not _repeats(candidate, chosen):
            chosen.append(candidate)
            used[candidate.section] += candidate.words
            repeated[id(candidate)] = round(REDUNDANT * overlap[id(candidate)], 2)
            mine = stems[id(candidate)]
            for other in left:
                if other.section == candidate.section and mine:
                    shared = _shared(stems[id(other)], mine)
                    overlap[id(other)] = max(overlap[id(other)], shared)
    total = sum(used.values())
    # short of the minimum: sections may grow to 1.5 times their budget, then (when most was
    # said under one or two headings) as far as the beeld needs
    for growth in (GROWTH, None):
        for candidate in sorted(pool, key=lambda c: -c.score):
            if total >= min_words:
                break
            if candidate in chosen or _repeats(candidate, chosen):
                continue
            limit = budgets.get(candidate.section, 0) * growth if growth else max_words
            if used[candidate.section] + candidate.words <= limit and (
                total + candidate.words <= max_words
            ):
                chosen.append(candidate)
                used[candidate.section] += candidate.words
                total += candidate.words
    while total > max_words and len(chosen) > 1:
        weakest = min(chosen, key=lambda c: c.score)
        chosen.remove(weakest)
        total -= weakest.words
    ids = {id(c) for c in chosen}
    return [_marked(c, id(c) in ids, repeated.get(id(c), 0.0)) for c in candidates]


def _marked(candidate: Candidate, chosen: bool, repeated: float) -> Candidate:
    if not (chosen and repeated):
        return replace(candidate, chosen=chosen)
    why = (*candidate.why, f"herhaalt deels een gekozen zin -{repeated}")
    return replace(candidate, chosen=True, why=why)


def room(budgets: dict[str, int], said: int, max_words: int) -> dict[str, int]:
    """The section budgets, scaled up to the beeld's maximum when far more was said than fits.

    The guide's budgets add up to less than the maximum so that an ordinary conversation gives
    an ordinary beeld; a long one (``ABUNDANT`` times the maximum said) would otherwise leave
    the room between them unused while telling sentences are left out."""
    total = sum(budgets.values())
    if not total or said < ABUNDANT * max_words or total >= max_words:
        return dict(budgets)
    return {key: int(words * max_words / total) for key, words in budgets.items()}


def _shared(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _repeats(candidate: Candidate, chosen: Iterable[Candidate]) -> bool:
    return any(similarity(candidate.text, other.text) > DUPLICATE for other in chosen)


def key_quote(
    chosen: Sequence[Candidate], values: Sequence[str], prefer: Sequence[str]
) -> Candidate | None:
    """A complete sentence of 8-30 words, ideally about values or good work."""
    fitting = [
        c
        for c in chosen
        if QUOTE_MIN <= c.words <= QUOTE_MAX and c.text[-1:] in ".!" and c.text[:1].isupper()
    ]
    if not fitting:
        return None
    preferred = [c for c in fitting if c.section in prefer]
    fitting = preferred or fitting

    def rank(candidate: Candidate) -> float:
        bonus = 0.0
        if candidate.section in prefer:
            bonus += 2.0 - 0.5 * prefer.index(candidate.section)
        phrase = f" {normal_phrase(candidate.text)} "
        bonus += sum(1.0 for v in values if f" {normal_phrase(v)} " in phrase)
        if re.match(r"(?i)^(en|maar|dus|want|toen|daarna|die|dat)\b", candidate.text):
            bonus -= 2.0  # leans on the sentence before it
        return candidate.score + bonus

    return max(fitting, key=rank)


# Titles come from main clauses (Dutch subordinate clauses put the verb last and read oddly):
# the start of a sentence up to a comma, or a clause after 'maar' or 'want'.
_CLAUSE = re.compile(r",|;|:|\b(?:want|maar)\b", re.IGNORECASE)
_MAIN = re.compile(r"(?i)^(want|maar)\s+")
# A cut phrase must start like a sentence does: a subject, an article or a name.
_GOOD_START = frozenset(
    [
        "ik",
        "je",
        "jij",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "de",
        "het",
        "een",
        "mijn",
        "onze",
        "iedereen",
        "mensen",
        "niemand",
        "elke",
        "ieder",
    ]
)
_BLAND = frozenset({"vind", "belangrijk", "denk", "weet", "vond", "war", "zeg"})
_WEAK_START = frozenset(
    [
        "en",
        "maar",
        "dus",
        "want",
        "toen",
        "dan",
        "daarna",
        "ook",
        "of",
        "het",
        "er",
        "die",
        "dat",
        "dit",
        "deze",
        "daar",
        "hier",
        "is",
        "was",
        "o",
        "nou",
        "ja",
        "als",
        "eerlijk",
    ]
)
_WEAK_END = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "maar",
        "dat",
        "die",
        "van",
        "voor",
        "met",
        "naar",
        "in",
        "op",
        "aan",
        "te",
        "is",
        "was",
        "om",
        "bij",
        "wat",
        "niet",
        "ook",
        "er",
        "zo",
        "mij",
        "me",
        "hem",
        "zei",
        "als",
        "gezegd",
        "vroeg",
        "gevraagd",
    ]
)


def title_ideas(
    chosen: Sequence[Candidate], values: Sequence[str], limit: int = 3
) -> list[tuple[str, Candidate]]:
    """Two or three phrases (3-8 words) cut from the participant's own sentences."""
    scored: list[tuple[float, str, Candidate]] = []
    value_stems = {stem(w) for v in values for w in v.split()}
    for candidate in chosen:
        if candidate.section == "wie":
            continue  # who someone is makes a poor title
        whole = candidate.text.rstrip(".!")
        phrases = _clauses(candidate.text)
        if len(whole.split()) <= TITLE_MAX:
            phrases = [whole, *phrases]  # a short sentence, a question too, is a title itself
        for phrase in dict.fromkeys(phrases):
            tokens = phrase.split()
            if not TITLE_MIN <= len(tokens) <= TITLE_MAX:
                continue
            first, last = fold(tokens[0].strip(".,!?")), fold(tokens[-1].strip(".,!?"))
            if (first in _WEAK_START and phrase != whole) or last in _WEAK_END:
                continue
            if phrase != whole and not (first in _GOOD_START or tokens[0][:1].isupper()):
                continue
            stems = set(content_stems(phrase))
            if len(stems - _BLAND) < 2:
                continue
            points = 2.0 * len(stems & value_stems) + 0.3 * len(stems)
            if first in FIRST_PERSON:
                points -= 0.5
            if candidate.section in ("goed-werk", "belangrijk"):
                points += 1.0
            if phrase.endswith("?"):
                points += 1.0  # a question invites the reader in
            scored.append((points, phrase, candidate))
    ideas: list[tuple[str, Candidate]] = []
    for _points, phrase, candidate in sorted(scored, key=lambda item: -item[0]):
        title = phrase[:1].upper() + phrase[1:]
        if all(similarity(title, other) <= 0.5 for other, _ in ideas):
            ideas.append((title, candidate))
        if len(ideas) == limit:
            break
    return ideas


def _clauses(sentence: str) -> list[str]:
    """Main clauses: the sentence's opening up to a clause break, and clauses after want/maar."""
    text = sentence.rstrip(".!?… ")
    pieces, start = [], 0
    for match in _CLAUSE.finditer(text):
        pieces.append(text[start : match.start()])
        start = match.end() if match.group(0) in ",;:" else match.start()
    pieces.append(text[start:])
    result = []
    for index, piece in enumerate(pieces):
        piece = piece.strip(" ,;:")
        if index == 0 or _MAIN.match(piece):
            piece = _MAIN.sub("", piece)
            if piece:
                result.append(piece)
    return result
