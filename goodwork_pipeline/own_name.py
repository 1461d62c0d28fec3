"""Every form of the participant's own name, and hiding the forms their choice excludes.

A person is written many ways: "mevrouw De Vries", "mw. A.M. de Vries", "Anna", "anna",
"Maria" (a middle name), "Vries" (the surname without its particle), "Jansen" (one part of
"De Vries-Jansen"), "DeVries", "Zoe" for "Zoë", their e-mail address or its local part, and
other names they go by (the sidecar's ``also_known_as``). One rule covers them all: the
words of every name the participant goes by are *name words*; particles (de, van, van den,
ter, ...), initials and titles (mevrouw, dhr., dokter, zuster, ...) are *joining words*
that belong to a name only when a name word follows. A run of these words, read in any
case and with or without accents, is one mention of the person:

- "role only": every mention becomes the role ("de teammanager");
- "first name": every mention that holds any name word other than the first name becomes
  the first name ("mevrouw De Vries" -> "Anna"); "Anna" and "zuster Anna" stay;
- "full name": nothing changes.

The e-mail address (whole, or its local part) counts as a mention under both hiding
choices. Case and accents are ignored on purpose: a false hit costs a word of the text
(a surname that is also a word, "Bakker", is hidden in lower case too), a miss costs the
promise.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from goodwork_pipeline.models import NameDisplay

TITLES = (
    "mevrouw",
    "mevr",
    "mw",
    "mej",
    "mejuffrouw",
    "juffrouw",
    "juf",
    "meneer",
    "mijnheer",
    "menheer",
    "de heer",
    "heer",
    "dhr",
    "hr",
    "dokter",
    "dr",
    "zuster",
    "broeder",
    "meester",
    "mr",
    "ir",
    "ing",
    "drs",
    "prof",
    "professor",
)
PARTICLES = (
    "van de",
    "van der",
    "van den",
    "van het",
    "van 't",
    "in de",
    "in 't",
    "op de",
    "op den",
    "uit de",
    "de",
    "den",
    "der",
    "van",
    "ver",
    "vd",
    "v.d.",
    "het",
    "'t",
    "ter",
    "ten",
    "te",
    "la",
    "le",
    "du",
    "da",
    "di",
    "dos",
    "das",
    "del",
    "della",
    "von",
    "zu",
    "el",
    "al",
)
_PARTICLE_WORDS = frozenset(w for p in PARTICLES for w in p.split())
# Letters without a decomposition that people type plain.
_PLAIN = {"ø": "o", "ł": "l", "ı": "i", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ð": "d"}
_APOSTROPHES = "'’‘`´"
_INITIAL = regex.compile(r"^(?:\p{Lu}\.?){1,4}$|^(?:\p{Lu}\.){1,4}\p{Lu}?$")
_WORD_SPLIT = regex.compile(r"[\s\-‐‑]+")


_FOLD = str.maketrans({**_PLAIN, **dict.fromkeys(_APOSTROPHES, "'")})


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """How two spellings of a name word are compared: no accents, no case, plain letters."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)


def same_name_key(name: str) -> str:
    """Two ways of writing one full name compare equal: titles, case, accents, spaces."""
    words = name.split()
    while len(words) > 1 and is_title(words[0]):
        words = words[1:]
    return " ".join(fold(w) for w in words)


def is_title(word: str) -> bool:
    return fold(word).rstrip(".") in TITLES


def is_particle(word: str) -> bool:
    return fold(word) in _PARTICLE_WORDS


def is_initials(word: str) -> bool:
    """'A.', 'A.M.', 'A.M', 'M': not 'ANNA' (a name in capitals)."""
    return bool(_INITIAL.match(word)) and ("." in word or len(word) == 1)


@dataclass(frozen=True)
class NameParts:
    """A name split as Dutch and Flemish names are written."""

    first: str | None  # the given name, without a title or initials
    middle: tuple[str, ...]  # further given names (initials left out)
    surname: str | None  # the surname without its particles: "Berg", "Vries-Jansen"
    particles: tuple[str, ...]

    @property
    def surname_parts(self) -> tuple[str, ...]:
        """Each part of a double surname, and a surname written after d' or l'."""
        if not self.surname:
            return ()
        parts = [p for p in _WORD_SPLIT.split(self.surname) if p and not is_particle(p)]
        for part in list(parts):
            if len(part) > 2 and part[1] in _APOSTROPHES and part[0].lower() in "dl":
                parts.append(part[2:])
        return tuple(dict.fromkeys([self.surname, *parts]))


def parse(name: str) -> NameParts:
    """Given names, particles and surname: the surname starts at the first particle after
    the first word ("Anna Maria | de Vries"), else it is the last word ("Anna | Jansen")."""
    words = name.split()
    while len(words) > 1 and is_title(words[0]):
        words = words[1:]
    if not words:
        return NameParts(None, (), None, ())
    start = next(
        (i for i in range(1, len(words) - 1) if is_particle(words[i])),
        len(words) - 1 if len(words) > 1 else len(words),
    )
    given, rest = words[:start], words[start:]
    particles = []
    while len(rest) > 1 and is_particle(rest[0]):
        particles.append(rest.pop(0))
    names = [w for w in given if not is_initials(w)]
    first = given[0] if given and not is_initials(given[0]) else None
    return NameParts(
        first=first,
        middle=tuple(names[1:] if first else names),
        surname=" ".join(rest) or None,
        particles=tuple(particles),
    )


def name_words(parts: NameParts) -> list[str]:
    """The words that make a mention of this person (particles and initials do not)."""
    words: list[str] = []
    if parts.first:
        words += [parts.first, *_WORD_SPLIT.split(parts.first)]
    words += parts.middle
    words += parts.surname_parts
    if parts.surname and parts.particles:
        # "DeVries", "Vandenberg": particles written together with the surname
        words.append("".join(parts.particles) + parts.surname.replace(" ", ""))
    return [w for w in dict.fromkeys(words) if w and not is_particle(w) and len(fold(w)) > 1]


@dataclass(frozen=True)
class Mention:
    """One mention of the participant found in a text."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]  # the name words in it, folded
    email: bool = False


class OwnName:
    """Finds every mention of one person; ``hide`` replaces those a choice excludes."""

    def __init__(
        self,
        participant: str | None,
        *,
        also_known_as: Sequence[str] = (),
        email: str | None = None,
    ):
        self.parts = parse(participant) if participant else NameParts(None, (), None, ())
        words: list[str] = name_words(self.parts) if participant else []
        for other in also_known_as:
            words += name_words(parse(other)) if other.strip() else []
        self.words = tuple(dict.fromkeys(words))
        self._folded = frozenset(fold(w) for w in self.words)
        self._pattern = _mention_pattern(self.words, email)

    @property
    def first(self) -> str | None:
        return self.parts.first

    @property
    def active(self) -> bool:
        return self._pattern is not None

    def mentions(self, text: str) -> list[Mention]:
        if self._pattern is None or not text:
            return []
        found = []
        for match in self._pattern.finditer(text):
            if match.groupdict().get("email"):
                found.append(Mention(match.start(), match.end(), match.group(0), (), True))
                continue
            words = tuple(
                fold(w)
                for w in _WORD_SPLIT.split(match.group("run"))
                if w and not is_title(w) and not is_initials(w) and not is_particle(w)
            )
            found.append(Mention(match.start("run"), match.end("run"), match.group("run"), words))
        return found

    def hidden_by(self, mention: Mention, choice: NameDisplay) -> bool:
        """Whether ``choice`` excludes this mention."""
        if choice == NameDisplay.FULL:
            return False
        if choice == NameDisplay.ROLE or mention.email or not self.parts.first:
            return True
        shown = {fold(self.parts.first), *(fold(w) for w in _WORD_SPLIT.split(self.parts.first))}
        return any(word not in shown for word in mention.words)


def _mention_pattern(words: Iterable[str], email: str | None) -> regex.Pattern[str] | None:
    return _compiled(tuple(sorted(set(words), key=lambda w: (-len(w), w))), email)


@functools.cache
def _joining() -> tuple[str, str]:
    title = "(?:" + "|".join(_loose(t) + r"\.?" for t in TITLES) + r")"
    particle = "(?:" + "|".join(_loose(p) for p in PARTICLES) + ")"
    return title, particle


@functools.lru_cache(maxsize=256)
def _compiled(names: tuple[str, ...], email: str | None) -> regex.Pattern[str] | None:
    """(Publishing builds one per story and channel set: compiled once per name.)"""
    alternatives = []
    if email and "@" in email:  # first: its local part may read as a name
        local, _, domain = email.strip().partition("@")
        address = rf"{regex.escape(local)}(?:@{regex.escape(domain)})?"
        alternatives.append(rf"(?<![\w.+\-])(?P<email>{address})(?![\w\-@]|\.\w)")
    if names:
        name = "(?:" + "|".join(_loose(w) for w in names) + ")"
        title, particle = _joining()
        initials = r"(?-i:(?:\p{Lu}\.\s?){1,4})"
        joined = rf"(?:{initials}\s*)?(?:{particle}\s+)*{name}"
        run = rf"(?:{title}\s+)*{joined}(?:(?:\s+|\s*[-‐‑]\s*){joined})*"
        alternatives.append(rf"(?<![\w@.\-])(?P<run>{run})(?:'?s)?(?![\w\-@]|\.\w)")
    if not alternatives:
        return None
    return regex.compile("|".join(alternatives), regex.IGNORECASE | regex.V1)


def _loose(text: str) -> str:
    """A pattern for ``text`` with or without accents (composed or decomposed), any case,
    any apostrophe, any amount of space between its words."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            out.append(r"\s+")
            continue
        if char in _APOSTROPHES:
            out.append(f"[{_APOSTROPHES}]")
            continue
        base = fold(char)
        forms = {char, unicodedata.normalize("NFD", char), base, base.upper()}
        if char.lower() in _PLAIN:
            forms.add(_PLAIN[char.lower()])
        options = sorted((f for f in forms if f), key=len, reverse=True)
        out.append("(?:" + "|".join(regex.escape(f) for f in options) + ")")
    return "".join(out)
