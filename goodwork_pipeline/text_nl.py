"""Small, explainable helpers for Dutch text: words, normal forms, a light stemmer.

Used to match an interviewer's question loosely against the guide and to score sentences.
Nothing here changes the participant's text; it only compares.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"[’']?\w+(?:[-’']\w+)*", re.UNICODE)

# Function words that say nothing about what a question or sentence is about.
STOPWORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "alles",
        "als",
        "ben",
        "bij",
        "ook",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doe",
        "doen",
        "door",
        "dus",
        "een",
        "en",
        "er",
        "had",
        "heb",
        "hebben",
        "heeft",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "jij",
        "jou",
        "jouw",
        "kan",
        "kon",
        "kun",
        "kunnen",
        "maar",
        "me",
        "meer",
        "met",
        "mij",
        "mijn",
        "moet",
        "na",
        "naar",
        "niet",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "op",
        "over",
        "te",
        "toe",
        "toen",
        "tot",
        "u",
        "uit",
        "van",
        "veel",
        "voor",
        "waar",
        "wanneer",
        "want",
        "was",
        "wat",
        "we",
        "wel",
        "werd",
        "wie",
        "wij",
        "wil",
        "zal",
        "ze",
        "zei",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zou",
        "zoals",
        "'n",
        "zo'n",
        "m'n",
        "z'n",
        "d'r",
        "'t",
        "ja",
        "nee",
        "nou",
        "oke",
        "oké",
        "eens",
        "even",
        "eigenlijk",
        "gewoon",
        "echt",
        "heel",
        "erg",
        "toch",
        "dan",
        "daar",
        "daarin",
        "daarover",
        "daarmee",
        "hè",
        # formal and Flemish forms of the same function words ("u", "ge", "zijt")
        "uw",
        "ge",
        "gij",
        "zijt",
        "bent",
        "hebt",
        "kunt",
        "wilt",
        "zoudt",
        "da",
        "wa",
        "ne",
        "nen",
        "efkes",
        "allez",
        "awel",
        "amai",
        "bon",
    ]
)

# The same word in another register: formal "u", Flemish "ge/gij", verb forms with "u"/"ge".
# Questions are compared after this, so "Wat heeft u toen gedaan?" meets "Wat heb je gedaan?".
REGISTER = {
    "u": "je",
    "uw": "je",
    "ge": "je",
    "gij": "je",
    "jij": "je",
    "jou": "je",
    "jouw": "je",
    "heeft": "heb",
    "hebt": "heb",
    "hebde": "heb",
    "bent": "ben",
    "zijt": "ben",
    "kunt": "kun",
    "wilt": "wil",
    "zoudt": "zou",
    "da": "dat",
    "wa": "wat",
    "doet": "doe",
    "gaat": "ga",
    "staat": "sta",
    "ziet": "zie",
    "komt": "kom",
    "zegt": "zeg",
}

FIRST_PERSON = frozenset({"ik", "mij", "me", "mijn", "m'n", "we", "wij", "ons", "onze", "mezelf"})

_SUFFIXES = (
    "heden",
    "ingen",
    "ing",
    "lijke",
    "lijk",
    "tjes",
    "tje",
    "en",
    "es",
    "e",
    "st",  # superlatives: 'moeilijkst' ~ 'moeilijk'
    "s",
    "t",
)


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, without punctuation (apostrophe words kept)."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents: 'één' and 'een', 'oké' and 'oke' compare equal."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: enough to make 'situaties' meet 'situatie' and 'keuzes' meet 'keuze'."""
    word = fold(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # Double consonants at the end are spelling, not meaning: 'wenn' (wennen) ~ 'wen'.
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    return [
        stem(REGISTER.get(w, w)) for w in words(text) if fold(w) not in STOPWORDS and len(w) > 1
    ]


def normal_phrase(text: str) -> str:
    """Lower case, accents folded, punctuation gone, register evened out, words stemmed."""
    return " ".join(stem(REGISTER.get(w, w)) for w in words(text))


MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def date_nl(date: dt.date) -> str:
    """A date as Dutch readers write it: '12 maart 2026'."""
    return f"{date.day} {MONTHS_NL[date.month - 1]} {date.year}"
