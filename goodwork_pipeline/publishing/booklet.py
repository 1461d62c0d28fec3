"""A group's booklet: every beeld consented for group sessions, side by side.

The booklet holds only beelden whose *current* consent includes the group channel, each
pseudonymised and named as its participant chose (the same ``PublicView`` as every other
asset). After the beelden comes the comparison: the shared themes, the puzzles, the options
and the values in one table, and questions for the conversation.

Shared themes are computed, not written: every beeld's own words (title, sections, quote)
are split into words, Dutch stop-words and the method's own vocabulary
(``templates/publish/stopwoorden.txt``) are left out, the rest is reduced to its stem
(``text_nl.stem``: ``bewoner``/``bewoners`` are one term), and a term is shared when it
occurs in at least two beelden. Terms are ranked by how many beelden share them, then by
how often they occur, and shown in their most frequent written form.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
from markupsafe import Markup, escape

from goodwork_pipeline.models import Beeld, Channel, Consent
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import PublicView, public_view
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.text_nl import date_nl, stem

STOPWORDS_FILE = "stopwoorden.txt"
MAX_THEMES = 16
MIN_WORD_LENGTH = 3
OPTION_SECTIONS = ("deed", "afweging")
VALUE_SECTIONS = ("belangrijk", "goed-werk")
INTRODUCTION_SECTIONS = ("wie",)

_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*\p{L}|\p{L}")


@dataclass(frozen=True)
class BookletEntry:
    """One beeld in the booklet and the consent it rests on."""

    story_id: str
    view: PublicView
    consent_record: int
    text_sha256: str

    @property
    def anchor(self) -> str:
        return f"beeld-{self.story_id.lower()}"

    @property
    def label(self) -> str:
        """How the participant is named in the comparison: as they chose, else the role."""
        return self.view.who or self.view.role or "Deelnemer"

    @property
    def puzzle(self) -> str:
        return " ".join(self.view.sentences(("puzzel",)))

    @property
    def options(self) -> str:
        return " ".join(self.view.sentences(OPTION_SECTIONS))

    @property
    def values(self) -> str:
        return " ".join(self.view.sentences(VALUE_SECTIONS))

    def words(self) -> list[str]:
        """The beeld's own words about the puzzle (not 'who I am', which names roles)."""
        keys = [key for key in _all_keys(self.view) if key not in INTRODUCTION_SECTIONS]
        texts = [self.view.title, self.view.quote, *self.view.sentences(keys)]
        return [w for text in texts for w in _WORD.findall(text)]


@dataclass(frozen=True)
class Theme:
    term: str
    stem: str
    stories: tuple[BookletEntry, ...]
    occurrences: int


def _all_keys(view: PublicView) -> list[str]:
    return [section.key for section in view.sections]


@lru_cache(maxsize=8)
def load_stopwords(path: Path) -> frozenset[str]:
    if not path.is_file():
        return frozenset()
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip().startswith("#"):
            words.update(w.lower() for w in line.split())
    return frozenset(words)


def shared_themes(
    entries: Sequence[BookletEntry], stopwords: frozenset[str], limit: int = MAX_THEMES
) -> list[Theme]:
    """Terms that recur across beelden: in at least two, most widely shared first."""
    document_frequency: dict[str, set[int]] = defaultdict(set)
    occurrences: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    stop_stems = {stem(w) for w in stopwords}
    for index, entry in enumerate(entries):
        for word in entry.words():
            lower = word.lower().replace("’", "'")
            if len(lower) < MIN_WORD_LENGTH or lower in stopwords:
                continue
            term = stem(lower)
            if term in stop_stems:
                continue
            document_frequency[term].add(index)
            occurrences[term] += 1
            forms[term][lower] += 1
    shared = [stem for stem, where in document_frequency.items() if len(where) >= 2]
    shared.sort(key=lambda s: (-len(document_frequency[s]), -occurrences[s], s))
    return [
        Theme(
            term=forms[stem].most_common(1)[0][0],
            stem=stem,
            stories=tuple(entries[i] for i in sorted(document_frequency[stem])),
            occurrences=occurrences[stem],
        )
        for stem in shared[:limit]
    ]


def highlighter(themes: Iterable[Theme]):
    """A template filter: the text, HTML-escaped, with the themes' words marked."""
    stems = {theme.stem for theme in themes}

    def highlight(text: str) -> Markup:
        out = []
        last = 0
        for match in _WORD.finditer(text):
            word = match.group()
            if stem(word.lower().replace("’", "'")) in stems:
                out.append(escape(text[last : match.start()]))
                out.append(Markup('<mark class="theme">{}</mark>').format(word))
                last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    return highlight


def booklet_html(
    renderer: Renderer,
    *,
    group: str,
    programme: str,
    entries: Sequence[BookletEntry],
    built: dt.date,
) -> str:
    stopwords = load_stopwords(renderer.publish_dir / STOPWORDS_FILE)
    themes = shared_themes(entries, stopwords)
    return renderer.render_html(
        "booklet.html.j2",
        group=group,
        programme=programme,
        entries=entries,
        themes=themes,
        highlight=highlighter(themes),
        built=built,
        built_nl=date_nl(built),
    )


def render_booklet(
    renderer: Renderer,
    *,
    group: str,
    programme: str,
    entries: Sequence[BookletEntry],
    built: dt.date,
) -> bytes:
    html = booklet_html(renderer, group=group, programme=programme, entries=entries, built=built)
    return renderer.pdf_from_html(html)


def same_group(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def group_entries(
    stories: Iterable[Story],
    *,
    group: str,
    consent_of: Callable[[str], Consent | None],
    approved_of: Callable[[str, str], Beeld | None],
    names_of: Callable[[str], Sequence[str]],
    programme: str,
) -> list[BookletEntry]:
    """The group's beelden whose current consent includes group sessions, oldest first."""
    entries = []
    for story in stories:
        if not same_group(story.sidecar.group, group):
            continue
        consent = consent_of(story.id)
        if consent is None or Channel.GROUP not in consent.channels:
            continue
        approved = approved_of(story.id, consent.text_sha256)
        if approved is None:
            continue
        pseudonymiser = Pseudonymiser.for_publishing(
            story.sidecar, names_of(story.id), consent.name_display
        )
        view = public_view(
            pseudonymiser.beeld(approved),
            story.sidecar,
            consent.name_display,
            programme=programme,
            date=story.sidecar.date or story.created_at.date(),
        )
        entries.append(BookletEntry(story.id, view, consent.record_id, consent.text_sha256))
    entries.sort(key=lambda e: (e.view.date, e.view.title, e.story_id))
    return entries


def membership(entries: Sequence[BookletEntry]) -> list[dict[str, object]]:
    """What a booklet's manifest records of each beeld: enough to know when to rebuild."""
    return [
        {
            "story": e.story_id,
            "consent_record": e.consent_record,
            "text_sha256": e.text_sha256,
        }
        for e in entries
    ]


def groups(stories: Iterable[Story]) -> dict[str, int]:
    """Every group named in a sidecar, with how many stories it has."""
    found: dict[str, int] = {}
    for story in stories:
        if story.sidecar.group:
            key = next((g for g in found if same_group(g, story.sidecar.group)), None)
            name = key or " ".join(story.sidecar.group.split())
            found[name] = found.get(name, 0) + 1
    return found
