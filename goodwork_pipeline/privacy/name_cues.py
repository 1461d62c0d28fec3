"""How names are written in a beeld: the Dutch cues that tell where a third party's name
starts and ends (``third_parties.py`` finds the candidates with deduce, then cleans them here).

- a span never crosses a sentence ("De Linde. Op de ..." is two);
- a role word before a name ("collega Priya", "haar dochter Karin") is kept apart: it is the
  stand-in, not the name; a title ("mevrouw Jansen", "tante Riek") belongs to the name;
- a single word after a lower-case article ("op de Merel") is a ward or a thing, not a
  person, and a thing named after a person ("de ziekte van Parkinson") is not that person;
- an organisation is written with a kind of organisation before or after its name
  ("Zorggroep De Linde", "het Deltion College"), or as a capitalised name staff work at or
  come from ("bij Carinova"): those are found by pattern, beside deduce's lookup lists.

Spans are ``(start, end, kind)`` with kind one of ``KINDS``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

from goodwork_pipeline.privacy.pseudonymise import HONORIFICS, PARTICLES

PERSON = "persoon"
PLACE = "plaats"
INSTITUTION = "instelling"
KINDS = (PERSON, PLACE, INSTITUTION)

Span = tuple[int, int, str]  # (start, end, kind)

# Words that say who someone is, when written right before their name ("haar dochter Karin").
ROLE_WORDS = frozenset(
    [
        "collega",
        "oud-collega",
        "collega-teammanager",
        "teamleider",
        "teammanager",
        "leidinggevende",
        "manager",
        "voorganger",
        "bestuurder",
        "directeur",
        "coördinator",
        "planner",
        "roosterplanner",
        "stagiair",
        "stagiaire",
        "student",
        "studente",
        "leerling",
        "cursist",
        "mentor",
        "docent",
        "leraar",
        "lerares",
        "slb'er",
        "praktijkopleider",
        "stagebegeleider",
        "werkbegeleider",
        "begeleider",
        "leercoach",
        "coach",
        "huisarts",
        "arts",
        "specialist",
        "verpleegkundige",
        "verzorgende",
        "helpende",
        "fysiotherapeut",
        "ergotherapeut",
        "psycholoog",
        "casemanager",
        "vrijwilliger",
        "bewoner",
        "bewoonster",
        "cliënt",
        "client",
        "patiënt",
        "patiënte",
        "dochter",
        "zoon",
        "moeder",
        "vader",
        "man",
        "vrouw",
        "partner",
        "echtgenoot",
        "echtgenote",
        "broer",
        "zus",
        "zuster",
        "kleindochter",
        "kleinzoon",
        "schoondochter",
        "schoonzoon",
        "nicht",
        "neef",
        "tante",
        "oom",
        "opa",
        "oma",
        "buurvrouw",
        "buurman",
        "vriend",
        "vriendin",
        "kennis",
        "mantelzorger",
    ]
)
_DETERMINERS = frozenset(["haar", "zijn", "mijn", "onze", "ons", "hun", "de", "een", "die", "deze"])
_SENTENCE_END = regex.compile(r"[.!?…]\s+")
_WORD = regex.compile(r"[\p{L}][\p{L}'’-]*")


def name_key(name: str) -> str:
    """How two spellings of one name compare: NFC, case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def cleaned_spans(text: str, found: Iterable[Span]) -> list[Span]:
    """deduce's spans in ``text`` cleaned up for beelden, with the institutions found by
    pattern; overlapping spans become one."""
    spans = []
    for start, end, kind in found:
        for piece_start, piece_end in _within_sentences(text, start, end):
            span = _clean_span(text, piece_start, piece_end)
            if span is None or (kind == PERSON and _after_article(text, *span)):
                continue
            if _NAMED_AFTER.search(text[max(0, span[0] - 30) : span[0]]):
                continue
            spans.append((*_with_title(text, *span), kind))
    spans.extend(_institutions(text))
    return _merged(spans)


def _within_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """deduce may join two capitalised words across a full stop ("De Linde. Op de ...")."""
    pieces = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, end))
    return [(a, b) for a, b in pieces if b > a]


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name itself: no role word before it ('collega Priya'), no quotes or genitive."""
    words = list(_WORD.finditer(text, start, end))
    while len(words) > 1 and (
        words[0].group().lower() in ROLE_WORDS or words[0].group() in _DETERMINERS
    ):
        words.pop(0)
    if not words:
        return None
    start, end = words[0].start(), words[-1].end()
    if text[start:end].endswith(("'s", "’s")) and end - start > 3:
        end -= 2
    return (start, end) if _is_name(text[start:end]) else None


# How an organisation is written in a beeld: a kind of organisation before or after its name
# ("Zorggroep De Linde", "ROC Friese Poort", "het Deltion College"), or a capitalised name
# that staff work at, come from or call ("bij Carinova", "met Humanitas", "van Vitaal
# Thuis"); a ward or team is written "op de Zonnebloem", "de Vlinder", "afdeling Hoop".
INSTITUTION_WORDS = frozenset(
    [
        "zorggroep",
        "zorgcentrum",
        "woonzorgcentrum",
        "verpleeghuis",
        "verzorgingshuis",
        "ziekenhuis",
        "stichting",
        "thuiszorg",
        "roc",
        "college",
        "hogeschool",
        "universiteit",
        "school",
        "academie",
        "kliniek",
        "gemeente",
    ]
)
_CAPITALISED = r"(?:\p{Lu}[\p{L}'’-]*|\p{Lu}{2,})"
_INSTITUTION = regex.compile(
    rf"(?<![\p{{L}}])(?:(?i:{'|'.join(sorted(INSTITUTION_WORDS))})\s+{_CAPITALISED}"
    rf"(?:\s+(?:{_CAPITALISED}|de|van|der|het))*(?<![\s]de|[\s]van|[\s]der|[\s]het)"
    rf"|{_CAPITALISED}(?:\s+{_CAPITALISED})*\s+(?i:college|ziekenhuis|thuis|zorg))(?![\p{{L}}])"
)
_AT_ORGANISATION = regex.compile(
    rf"(?<=\b(?i:bij|met|van|voor)\s+(?:het\s+)?)(?-i:{_CAPITALISED}(?:\s+{_CAPITALISED})*)"
)


# Things named after a person are not that person: "de ziekte van Parkinson", "de methode
# van Feil".
_NAMED_AFTER = regex.compile(
    r"(?i:ziekte|syndroom|methode|model|theorie|wet|principe)\s+(?:van|volgens)\s+$"
)


def _institutions(text: str) -> list[Span]:
    found = [(m.start(), m.end(), INSTITUTION) for m in _INSTITUTION.finditer(text)]
    for match in _AT_ORGANISATION.finditer(text):
        if not _NAMED_AFTER.search(text[max(0, match.start() - 30) : match.start()]):
            found.append((match.start(), match.end(), INSTITUTION))
    return found


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one (the longest's kind; deduce's person over a guess)."""
    result: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if result and start < result[-1][1]:
            last = result[-1]
            if end > last[1]:
                result[-1] = (last[0], end, last[2])
            continue
        result.append((start, end, kind))
    return result


def _after_article(text: str, start: int, end: int) -> bool:
    """'op de Merel', 'de Lijster': a single word after a lower-case article is a ward, a
    team or a thing, not a person (people are 'Merel', or 'mevrouw de Vries')."""
    if " " in text[start:end].strip():
        return False
    before = _WORD.findall(text[max(0, start - 20) : start])
    return bool(before) and before[-1] in {"de", "het"}


def _with_title(text: str, start: int, end: int) -> tuple[int, int]:
    """'Zuster Anneke', 'tante Riek', 'mevrouw Jansen': the title belongs to the name."""
    before = _WORD.findall(text[max(0, start - 15) : start])
    if before and before[-1].lower().rstrip(".") in _TITLES and text[:start].endswith(" "):
        return text.rindex(before[-1], 0, start), end
    return start, end


_TITLES = frozenset(h.rstrip(".") for h in HONORIFICS)


def role_before(before: str) -> str | None:
    """The role word written right before a name ('haar dochter' Karin)."""
    previous = _WORD.findall(before[-40:])
    if previous and previous[-1].lower() in ROLE_WORDS and before.endswith((" ", "\u00a0")):
        return previous[-1].lower()
    return None


def _is_name(name: str) -> bool:
    words = name.split()
    if not words:
        return False
    core = [w for w in words if w.lower().rstrip(".") not in HONORIFICS]
    # a stand-in already put in ('mevrouw A', 'persoon B') is not a name
    return any(w[:1].isupper() and len(w) > 1 and w.lower() not in PARTICLES for w in core)


def words_key(name: str) -> frozenset[str]:
    """The words of a name that identify someone (no particles, no titles), compared as keys."""
    return frozenset(
        name_key(w)
        for w in _WORD.findall(name)
        if w.lower() not in PARTICLES and w.lower().rstrip(".") not in HONORIFICS
    )


def excluded_words(names: Iterable[str]) -> frozenset[str]:
    """Every identifying word of ``names`` (the participant, the interviewer, the programme)."""
    words: set[str] = set()
    for name in names:
        if name:
            words |= words_key(name)
    return frozenset(words)


def sentence_of(text: str, index: int) -> str:
    """The sentence around ``text[index]`` (at most 200 characters), to show staff."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, index):
        start = match.end()
    end_match = _SENTENCE_END.search(text, index)
    return text[start : end_match.start() + 1 if end_match else len(text)].strip()[:200]
