"""One story's third parties: what was found in its drafts, what was cleared, what is replaced.

Every name found is remembered in ``derden.json`` (so a name corrected out of a later draft
is still known); the names staff or the participant cleared are in ``derden-behouden.yaml``,
and stay as written. Everything else found is replaced when published (default deny).

The participant is asked in the draft's margin, beside a name's first mention (``note_for``),
and answers there: a clear yes on that note clears the name (``cleared_by_comments``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import regex
import yaml

from goodwork_pipeline.files import atomic_write_text
from goodwork_pipeline.models import Beeld
from goodwork_pipeline.privacy.name_cues import name_key
from goodwork_pipeline.privacy.name_lists import read_name_list
from goodwork_pipeline.privacy.third_parties import FoundName, NameFinder, entries_for

FOUND_FILE = "derden.json"  # every third party found in the story's drafts and approved texts
KEPT_FILE = "derden-behouden.yaml"  # names staff or the participant cleared: they stay


def beeld_texts(beeld: Beeld) -> list[str]:
    """Every text of a beeld a name may be in: title and suggestions, sentences, quote, question."""
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
        return read_name_list(
            self.story_dir / KEPT_FILE,
            redo="clear the names again with 'goodwork names STORY --keep'",
            redo_nl="geef de namen opnieuw vrij met 'goodwork names VERHAAL --keep'",
        )

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
