"""Finding third parties nobody listed: persons, places and institutions in a beeld.

A beeld is about a real situation, so it names real people who never agreed to anything
("mevrouw Jansen", "haar dochter Karin", "Jan de Boer van de thuiszorg in Zwolle"). They are
found with ``deduce`` (a de-identification library for Dutch text, with lookup lists of Dutch
first names, surnames, places and care institutions), then cleaned up for the way beelden
are written: a span never crosses a sentence, a role word before a name ("collega Priya") is
kept apart as the stand-in, and the participant, the interviewer and the programme are not
third parties.

Every name found gets a stand-in proposal: the role written before it ("haar dochter Karin"
-> "haar dochter", and "Karin" alone -> "de dochter"), a lettered one after a title
("mevrouw A"), "de regio" for a place, a kind of organisation for an institution. What is
found is default deny: publishing replaces it unless staff or the participant cleared it.

deduce builds its lookup structures once (about a minute of CPU); they are cached in
``<model_cache>/deduce-<version>`` and loaded in a few seconds after that.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

import regex
import yaml

from goodwork_pipeline.errors import NamesFileError
from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.models import Beeld
from goodwork_pipeline.privacy.pseudonymise import HONORIFICS, PARTICLES

PERSON = "persoon"
PLACE = "plaats"
INSTITUTION = "instelling"
KINDS = (PERSON, PLACE, INSTITUTION)
# deduce's tags, as the three kinds a beeld cares about (dates, ages, phone numbers are not
# names; e-mail addresses and links are handled by the participant's own-name rule)
_TAGS = {
    "persoon": PERSON,
    "patient": PERSON,
    "locatie": PLACE,
    "ziekenhuis": INSTITUTION,
    "zorginstelling": INSTITUTION,
    "instelling": INSTITUTION,
}

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


@dataclass(frozen=True)
class FoundName:
    """A third party found in the text, and what publishing puts in its place."""

    name: str  # as written (first occurrence), without a role word before it
    kind: str  # persoon, plaats or instelling
    stand_in: str  # for the name on its own
    role: str | None = None  # the role word written before it, if any ("dochter")
    context: str = ""  # the sentence it was found in (for staff)

    @property
    def key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """How two spellings of one name compare: NFC, case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


class NameFinder:
    """deduce, loaded once per process and per cache folder (loading takes seconds)."""

    _lock = threading.Lock()
    _loaded: ClassVar[dict[Path, object]] = {}

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir

    def _deduce(self) -> object:
        with self._lock:
            found = self._loaded.get(self.cache_dir)
            if found is None:
                from deduce import Deduce

                self.cache_dir.mkdir(parents=True, exist_ok=True)
                found = Deduce(cache_path=str(self.cache_dir))
                self._loaded[self.cache_dir] = found
            return found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every name in ``text``, cleaned up for beelden."""
        if not text.strip():
            return []
        document = self._deduce().deidentify(text)  # type: ignore[attr-defined]
        spans = []
        for annotation in document.annotations:
            kind = _TAGS.get(annotation.tag)
            if kind is None:
                continue
            for start, end in _within_sentences(text, annotation.start_char, annotation.end_char):
                span = _clean_span(text, start, end)
                if span is None or (kind == PERSON and _after_article(text, *span)):
                    continue
                if _NAMED_AFTER.search(text[max(0, span[0] - 30) : span[0]]):
                    continue
                spans.append((*_with_title(text, *span), kind))
        spans.extend(_institutions(text))
        return _merged(spans)

    def find(
        self, texts: Iterable[str], *, not_third_parties: Iterable[str] = ()
    ) -> list[FoundName]:
        """Every distinct third party in ``texts``, in order of first appearance."""
        excluded = _excluded_words(not_third_parties)
        found: dict[str, FoundName] = {}
        roles: dict[str, str] = {}
        for text in texts:
            for start, end, kind in self.spans(text):
                name = text[start:end]
                role = _role_before(text[:start])
                if _words_key(name) <= excluded:
                    continue
                key = name_key(name)
                if role:
                    roles.setdefault(key, role)
                if key not in found:
                    found[key] = FoundName(name, kind, "", None, _sentence_of(text, start))
        result = []
        letters = iter(_letters())
        for key, item in found.items():
            role = roles.get(key)
            result.append(
                FoundName(item.name, item.kind, _stand_in(item, role, letters), role, item.context)
            )
        return result


def entries_for(found: Sequence[FoundName], kept: Iterable[str] = ()) -> list[str]:
    """Pseudonymisation entries (``"name = stand-in"``) for every found name not cleared.

    A name written after its role ("haar dochter Karin") loses the name and keeps the role
    ("haar dochter"); on its own it becomes the role with an article ("de dochter")."""
    cleared = {name_key(name) for name in kept}
    entries = []
    for item in found:
        if item.key in cleared:
            continue
        # the name alone first: where both give a stand-in for it, the first listed wins
        entries.append(f"{item.name} = {item.stand_in}")
        if item.role:
            entries.append(f"{item.role} {item.name} = {item.role}")
    return entries


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


def _institutions(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), INSTITUTION) for m in _INSTITUTION.finditer(text)]
    for match in _AT_ORGANISATION.finditer(text):
        if not _NAMED_AFTER.search(text[max(0, match.start() - 30) : match.start()]):
            found.append((match.start(), match.end(), INSTITUTION))
    return found


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one (the longest's kind; deduce's person over a guess)."""
    result: list[tuple[int, int, str]] = []
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


def _role_before(before: str) -> str | None:
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


def _words_key(name: str) -> frozenset[str]:
    return frozenset(
        name_key(w)
        for w in _WORD.findall(name)
        if w.lower() not in PARTICLES and w.lower().rstrip(".") not in HONORIFICS
    )


def _excluded_words(names: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for name in names:
        if name:
            words |= _words_key(name)
    return frozenset(words)


def _sentence_of(text: str, index: int) -> str:
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, index):
        start = match.end()
    end_match = _SENTENCE_END.search(text, index)
    return text[start : end_match.start() + 1 if end_match else len(text)].strip()[:200]


def _letters() -> Iterable[str]:
    from string import ascii_uppercase

    yield from ascii_uppercase
    for first in ascii_uppercase:
        for second in ascii_uppercase:
            yield first + second


_INSTITUTION_KINDS = (
    (("ziekenhuis", "umc", "kliniek", "medisch"), "een ziekenhuis in de regio"),
    (
        ("college", "roc", "school", "hogeschool", "universiteit", "saxion"),
        "een school in de regio",
    ),
)


def _stand_in(item: FoundName, role: str | None, letters: Iterable[str]) -> str:
    if item.kind == PLACE:
        return "de regio"
    if item.kind == INSTITUTION:
        lowered = item.name.lower()
        for words, stand_in in _INSTITUTION_KINDS:
            if any(word in lowered for word in words):
                return stand_in
        return "een zorgorganisatie in de regio"
    if role:
        return f"de {role}"
    first = item.name.split()[0].lower().rstrip(".")
    title = (
        first
        if first in {h.rstrip(".") for h in HONORIFICS} and len(item.name.split()) > 1
        else None
    )
    title = {"dhr": "meneer", "mw": "mevrouw", "mevr": "mevrouw", "heer": "meneer"}.get(
        title or "", title
    )
    return f"{title or 'persoon'} {next(iter(letters))}"


def deduce_cache_dir(model_cache: Path) -> Path:
    """Where deduce's lookup structures are kept: beside the models, per deduce version."""
    from importlib.metadata import version

    return model_cache / f"deduce-{version('deduce')}"


# One story's third parties ------------------------------------------------------------------

FOUND_FILE = "derden.json"  # every third party found in the story's drafts and approved texts
KEPT_FILE = "derden-behouden.yaml"  # names staff or the participant cleared: they stay


def beeld_texts(beeld: Beeld) -> list[str]:
    texts = [beeld.title, *beeld.title_suggestions]
    for section in beeld.sections:
        texts.extend(sentence.text for sentence in section.sentences)
    texts.extend([beeld.quote, beeld.closing_question])
    return [text for text in texts if text]


class StoryNames:
    """The third parties of one story: what was found, what was cleared, what is replaced."""

    def __init__(self, story_dir: Path, finder: NameFinder, not_third_parties: Iterable[str]):
        self.story_dir = story_dir
        self.finder = finder
        self.not_third_parties = tuple(n for n in not_third_parties if n)

    def find(self, beeld: Beeld) -> list[FoundName]:
        """The third parties in ``beeld``, remembered with those found before."""
        found = self.finder.find(beeld_texts(beeld), not_third_parties=self.not_third_parties)
        known = {item.key: item for item in self.remembered()}
        added = [item for item in found if item.key not in known]
        if added:
            everything = [*known.values(), *added]
            atomic_write_text(
                self.story_dir / FOUND_FILE,
                json.dumps([asdict(i) for i in everything], ensure_ascii=False, indent=1),
            )
        return found

    def remembered(self) -> list[FoundName]:
        path = self.story_dir / FOUND_FILE
        if not path.is_file():
            return []
        return [FoundName(**item) for item in json.loads(path.read_text(encoding="utf-8"))]

    def kept(self) -> list[str]:
        path = self.story_dir / KEPT_FILE
        if not path.is_file():
            return []
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise NamesFileError(
                f"{path} is not a valid YAML list of names ({exc.__class__.__name__}). Fix it, "
                "or remove it and clear the names again with 'goodwork names STORY --keep'.",
                nl=f"{path.name} is geen geldige lijst met namen. Herstel of verwijder het.",
                path=path,
            ) from exc
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise NamesFileError(
                f"{path} must be a YAML list of names, one '- Naam' per line.",
                nl=f"{path.name} moet een lijst met namen zijn, één '- Naam' per regel.",
                path=path,
            )
        return [item.strip() for item in data if item.strip()]

    def keep(self, names: Iterable[str]) -> list[str]:
        """Clear names: publishing leaves them as written. Returns the newly cleared ones."""
        return self._write_kept(add=names)

    def replace_again(self, names: Iterable[str]) -> list[str]:
        """Undo a clearance: the names are replaced again."""
        return self._write_kept(remove=names)

    def _write_kept(self, add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
        current = self.kept()
        keys = {name_key(n) for n in current}
        changed = [n for n in (" ".join(a.split()) for a in add) if n and name_key(n) not in keys]
        dropped = {name_key(n) for n in remove}
        changed += [n for n in current if name_key(n) in dropped]
        result = [n for n in current if name_key(n) not in dropped] + [
            n for n in changed if name_key(n) not in dropped
        ]
        if changed:
            header = (
                "# Namen van derden die in de gepubliceerde tekst mogen blijven staan (door\n"
                "# medewerkers of de deelnemer vrijgegeven). Andere gevonden namen worden\n"
                "# vervangen; zie 'goodwork names STORY'.\n"
            )
            body = yaml.safe_dump(result, allow_unicode=True, default_flow_style=False)
            atomic_write_text(self.story_dir / KEPT_FILE, header + body)
        return changed

    def entries(self, beeld: Beeld | None) -> list[str]:
        """Pseudonymisation entries for publishing: every third party found (before, and in
        ``beeld`` now, so a name typed in while correcting is caught too) not cleared."""
        found = {item.key: item for item in self.remembered()}
        if beeld is not None:
            for item in self.find(beeld):
                found.setdefault(item.key, item)
        return entries_for(list(found.values()), self.kept())


# A participant's answer in the margin: "ja, mag blijven" on a name's note clears it.
_YES = regex.compile(
    r"(?i)\b(?:ja|jawel|mag(?:\s+\w+){0,3}\s+blijven|mag\s+(?:er\s+)?(?:in|staan)|prima|akkoord"
    r"|is\s+goed|geen\s+probleem|laat\s+maar\s+staan|mag)\b"
)
_NO = regex.compile(r"(?i)\b(?:nee|niet|liever\s+niet|geen|vervang|weg)\b")


def cleared_by_comments(found: Sequence[FoundName], comments: Iterable[object]) -> list[str]:
    """Names whose note the participant answered with a yes, in a comment (or a reply) on the
    name itself. A no, or a doubtful answer, keeps the name replaced (default deny)."""
    cleared = []
    for comment in comments:
        text = str(getattr(comment, "text", ""))
        anchor = name_key(str(getattr(comment, "anchor", "")))
        if not _YES.search(text) or _NO.search(text):
            continue
        for item in found:
            if item.key and item.key in anchor and item.name not in cleared:
                cleared.append(item.name)
    return cleared


def note_for(item: FoundName) -> str:
    """The margin note beside a found name in the draft, in the participant's language."""
    return (
        f"Deze naam vervangen we bij publicatie door '{item.stand_in}'. Mag de naam blijven? "
        "Schrijf dat dan hier."
    )


def main() -> None:
    """``python -m goodwork_pipeline.privacy.third_parties [MODEL_CACHE]``: build deduce's lookup
    structures once (scripts/setup does this), so no run pays the minute it takes."""
    import sys

    from goodwork_pipeline.settings import _default_model_cache

    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else _default_model_cache()
    NameFinder(deduce_cache_dir(cache)).spans("Mevrouw Jansen woont in Zwolle.")
    print(f"deduce lookup structures ready in {deduce_cache_dir(cache)}")


if __name__ == "__main__":
    main()
