"""Finding third parties nobody listed: persons, places and institutions in a beeld.

A beeld is about a real situation, so it names real people who never agreed to anything
("mevrouw Jansen", "haar dochter Karin", "Jan de Boer van de thuiszorg in Zwolle"). They are
found with ``deduce`` (a de-identification library for Dutch text, with lookup lists of Dutch
first names, surnames, places and care institutions), then cleaned up for the way beelden
are written (``name_cues.py``: a span never crosses a sentence, a role word before a name
("collega Priya") is kept apart as the stand-in); the participant, the interviewer and the
programme are not third parties.

Every name found gets a stand-in proposal: the role written before it ("haar dochter Karin"
-> "haar dochter", and "Karin" alone -> "de dochter"), a lettered one after a title
("mevrouw A"), "de regio" for a place, a kind of organisation for an institution. What is
found is default deny: publishing replaces it unless staff or the participant cleared it
(``story_names.py`` keeps one story's names).

deduce builds its lookup structures once (about a minute of CPU); they are cached in
``<model_cache>/deduce-<version>`` and loaded in a few seconds after that.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from goodwork_pipeline.privacy.name_cues import (
    INSTITUTION,
    PERSON,
    PLACE,
    Span,
    cleaned_spans,
    excluded_words,
    name_key,
    role_before,
    sentence_of,
    words_key,
)
from goodwork_pipeline.privacy.pseudonymise import HONORIFICS

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

    def spans(self, text: str) -> list[Span]:
        """(start, end, kind) of every name in ``text``, cleaned up for beelden."""
        if not text.strip():
            return []
        document = self._deduce().deidentify(text)  # type: ignore[attr-defined]
        found = [
            (annotation.start_char, annotation.end_char, _TAGS[annotation.tag])
            for annotation in document.annotations
            if annotation.tag in _TAGS
        ]
        return cleaned_spans(text, found)

    def find(
        self, texts: Iterable[str], *, not_third_parties: Iterable[str] = ()
    ) -> list[FoundName]:
        """Every distinct third party in ``texts``, in order of first appearance."""
        excluded = excluded_words(not_third_parties)
        found: dict[str, FoundName] = {}
        roles: dict[str, str] = {}
        for text in texts:
            for start, end, kind in self.spans(text):
                name = text[start:end]
                role = role_before(text[:start])
                if words_key(name) <= excluded:
                    continue
                key = name_key(name)
                if role:
                    roles.setdefault(key, role)
                if key not in found:
                    found[key] = FoundName(name, kind, "", None, sentence_of(text, start))
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


# The stand-in proposed for a name found -----------------------------------------------------


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
