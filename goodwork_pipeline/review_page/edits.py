"""The interviewer's corrections, applied to a draft version: a new beeld that keeps its sources.

The review page sends the whole layout it shows (``DraftEdit``): per section, in order, each
sentence as a reference to a sentence of the version it was loaded from (``"<section>/<n>"``)
with its (possibly changed) text, or as an utterance of the transcript to add (its index in
``draft.utterances``). Times, segment ids and the spoken words are never taken from the page:
they come from the earlier version's ``beeld.json`` or from the transcript, so an edited or
moved sentence keeps exactly where it was said, and a sentence can only be added from what
the participant said (as in the draft builder, the interviewer's words never become beeld
text). ``apply_edit`` returns the new beeld, every sentence's source and the list of
changes (what the story's history records); ``edited_beeld_json`` writes them in the shape
``draft.beeld_json`` has, plus what the review changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from goodwork_pipeline.drafting.cleanup import clean_sentence
from goodwork_pipeline.drafting.placement_evidence import Utterance
from goodwork_pipeline.errors import EditError
from goodwork_pipeline.intake.transcript_files import format_timestamp
from goodwork_pipeline.models import PARTICIPANT, Beeld, Section, Sentence

MAX_TEXT = 2000  # characters of one sentence, title or quote
ADDED_WHY = "toegevoegd uit het transcript bij de controle door de interviewer"
REMOVED_WHY = "weggehaald bij de controle door de interviewer"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SentenceEdit:
    """One sentence as the page shows it: an earlier sentence (``ref``) or an utterance to add."""

    text: str
    ref: str | None = None
    add: int | None = None


@dataclass(frozen=True)
class DraftEdit:
    base_version: int
    title: str
    quote: str
    sections: tuple[tuple[str, tuple[SentenceEdit, ...]], ...]


@dataclass(frozen=True)
class Change:
    """One thing the interviewer changed, for the story's history."""

    kind: str  # text, move, remove, add, title, quote
    section: str | None
    before: str | None
    after: str | None
    start: float | None = None
    from_section: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "section": self.section,
            "from_section": self.from_section,
            "before": self.before,
            "after": self.after,
            "start": self.start,
        }

    def describe(self, headings: dict[str, str]) -> tuple[str, str]:
        """(English for operators without the text, Dutch for staff with it)."""
        at = f" at {_stamp(self.start)}" if self.start is not None else ""
        bij = f" bij {_stamp(self.start)}" if self.start is not None else ""
        where = headings.get(self.section or "", self.section or "")
        if self.kind == "text":
            return (
                f"sentence{at} in '{self.section}' corrected",
                f"Zin{bij} ({where}) aangepast: “{self.before}” → “{self.after}”",
            )
        if self.kind == "move":
            origin = headings.get(self.from_section or "", self.from_section or "")
            return (
                f"sentence{at} moved from '{self.from_section}' to '{self.section}'",
                f"Zin{bij} verplaatst van ‘{origin}’ naar ‘{where}’: “{self.after}”",
            )
        if self.kind == "remove":
            return (
                f"sentence{at} removed from '{self.section}'",
                f"Zin{bij} weggehaald uit ‘{where}’: “{self.before}”",
            )
        if self.kind == "add":
            return (
                f"sentence{at} added to '{self.section}' from the transcript",
                f"Zin{bij} uit het transcript toegevoegd aan ‘{where}’: “{self.after}”",
            )
        label = {"title": ("title", "Titel"), "quote": ("quote", "Citaat")}[self.kind]
        return (
            f"{label[0]} changed",
            f"{label[1]} aangepast: “{self.before}” → “{self.after}”",
        )


@dataclass(frozen=True)
class EditedDraft:
    beeld: Beeld
    sources: tuple[tuple[dict[str, Any], ...], ...]  # per section, per sentence
    changes: tuple[Change, ...]
    removed: tuple[tuple[str, dict[str, Any]], ...]  # (section, source) of removed sentences


def parse_edit(data: Any) -> DraftEdit:
    """The page's JSON as a ``DraftEdit``; anything malformed is an ``EditError``."""
    if not isinstance(data, dict):
        raise _bad("the request is not a JSON object")
    version = data.get("base_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad("'base_version' must be a draft version number")
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise _bad("'sections' must be a list")
    parsed = []
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("key"), str):
            raise _bad("every section needs a 'key'")
        items = section.get("sentences")
        if not isinstance(items, list):
            raise _bad(f"section '{section['key']}' needs a list of 'sentences'")
        parsed.append((section["key"], tuple(_sentence(item) for item in items)))
    return DraftEdit(
        base_version=version,
        title=_text(data.get("title"), "title", allow_empty=False),
        quote=_text(data.get("quote", ""), "quote", allow_empty=True),
        sections=tuple(parsed),
    )


def _sentence(item: Any) -> SentenceEdit:
    if not isinstance(item, dict):
        raise _bad("a sentence must be an object")
    ref, add = item.get("ref"), item.get("add")
    if (ref is None) == (add is None):
        raise _bad("a sentence has either 'ref' (from the draft) or 'add' (from the transcript)")
    if ref is not None and not isinstance(ref, str):
        raise _bad("'ref' must be a string")
    if add is not None and (not isinstance(add, int) or isinstance(add, bool)):
        raise _bad("'add' must be the number of a transcript sentence")
    return SentenceEdit(
        text=_text(item.get("text"), "sentence", allow_empty=False), ref=ref, add=add
    )


def _text(value: Any, what: str, *, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise _bad(f"the {what} must be text")
    text = _SPACE.sub(" ", value).strip()
    if not text and not allow_empty:
        raise EditError(
            f"An empty {what} cannot be saved; remove the sentence instead.",
            nl="Een lege zin of titel kan niet worden opgeslagen. Haal de zin weg met ✕, "
            "of schrijf er tekst in.",
        )
    if len(text) > MAX_TEXT:
        raise EditError(
            f"A {what} of {len(text)} characters is too long (at most {MAX_TEXT}).",
            nl=f"Deze tekst is te lang ({len(text)} tekens, hooguit {MAX_TEXT}).",
        )
    return text


def _bad(what: str) -> EditError:
    return EditError(
        f"The review page sent a correction goodwork cannot read: {what}. Reload the page.",
        nl="De wijzigingen konden niet worden gelezen. Laad de pagina opnieuw.",
    )


def sentence_refs(base: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every sentence of a version's beeld.json by its reference ``"<section>/<n>"``."""
    return {
        f"{section['key']}/{index}": (section["key"], sentence)
        for section in base["sections"]
        for index, sentence in enumerate(section["sentences"])
    }


def apply_edit(base: dict[str, Any], spoken: Sequence[Utterance], edit: DraftEdit) -> EditedDraft:
    """The beeld the page describes, built on version ``base`` (its beeld.json)."""
    keys = [section["key"] for section in base["sections"]]
    if [key for key, _items in edit.sections] != keys:
        raise EditError(
            "The review page's sections do not match the draft's; reload the page.",
            nl="De onderdelen op de pagina passen niet bij het concept. Laad de pagina opnieuw.",
        )
    refs = sentence_refs(base)
    used: set[str] = set()
    changes: list[Change] = []
    sections: list[Section] = []
    sources: list[tuple[dict[str, Any], ...]] = []
    for base_section, (key, items) in zip(base["sections"], edit.sections, strict=True):
        sentences: list[Sentence] = []
        section_sources: list[dict[str, Any]] = []
        for item in items:
            if item.ref is not None:
                source = _kept(item, refs, used, key, changes)
            else:
                source = _added(item, spoken, key, changes)
            sentences.append(
                Sentence(item.text, source["start"], source["end"], tuple(source["segment_ids"]))
            )
            section_sources.append(source)
        sections.append(Section(key, base_section["heading"], tuple(sentences)))
        sources.append(tuple(section_sources))
    removed = []
    for ref, (key, sentence) in refs.items():
        if ref not in used:
            changes.append(Change("remove", key, sentence["text"], None, sentence.get("start")))
            removed.append((key, _without_text(sentence)))
    for kind, before, after in (
        ("title", base["title"], edit.title),
        ("quote", base.get("quote", ""), edit.quote),
    ):
        if before != after:
            changes.append(Change(kind, None, before, after))
    beeld = Beeld(
        title=edit.title,
        sections=tuple(sections),
        quote=edit.quote,
        closing_question=base.get("closing_question", ""),
        title_suggestions=tuple(base.get("title_suggestions", ())),
    )
    return EditedDraft(beeld, tuple(sources), tuple(changes), tuple(removed))


def _kept(
    item: SentenceEdit,
    refs: dict[str, tuple[str, dict[str, Any]]],
    used: set[str],
    key: str,
    changes: list[Change],
) -> dict[str, Any]:
    if item.ref not in refs or item.ref in used:
        raise EditError(
            f"The review page refers to sentence {item.ref!r}, which the draft does not have "
            "(or twice); reload the page.",
            nl="Een zin op de pagina hoort niet (meer) bij dit concept. Laad de pagina opnieuw.",
        )
    used.add(item.ref)
    from_key, sentence = refs[item.ref]
    source = _without_text(sentence)
    start = sentence.get("start")
    if item.text != sentence["text"]:
        source.setdefault("drafted_text", sentence["text"])
        source["edited"] = True
        changes.append(Change("text", key, sentence["text"], item.text, start))
    if from_key != key:
        changes.append(Change("move", key, None, item.text, start, from_section=from_key))
    return source


def _added(
    item: SentenceEdit, spoken: Sequence[Utterance], key: str, changes: list[Change]
) -> dict[str, Any]:
    if item.add is None or not 0 <= item.add < len(spoken):
        raise EditError(
            f"The review page adds transcript sentence {item.add}, which does not exist.",
            nl="Deze zin staat niet in het transcript. Laad de pagina opnieuw.",
        )
    utterance = spoken[item.add]
    if utterance.role != PARTICIPANT:
        raise EditError(
            "Only the participant's own words can be added to the beeld.",
            nl="Alleen zinnen van de deelnemer kunnen in het beeld; de woorden van de "
            "interviewer niet.",
        )
    changes.append(Change("add", key, None, item.text, utterance.start))
    return {**utterance_source(utterance), "why": [ADDED_WHY]}


def utterance_source(utterance: Utterance) -> dict[str, Any]:
    """Where an utterance was said, in the keys every beeld.json sentence has."""
    return {
        "start": utterance.start,
        "end": utterance.end,
        "time": _stamp(utterance.start),
        "segment_ids": list(utterance.segment_ids),
        "spoken": utterance.text,
        "score": None,
        "why": [],
    }


def suggested_text(utterance: Utterance) -> str:
    """An utterance as a beeld sentence: cleaned as the draft builder cleans."""
    return clean_sentence(utterance.text) or utterance.text.strip()


def edited_beeld_json(
    base: dict[str, Any],
    edited: EditedDraft,
    written: Beeld,
    *,
    version: int,
    by: str,
    empty_note: str,
) -> dict[str, Any]:
    """beeld.json of the corrected version: ``written`` (the beeld as it goes into the .docx,
    names pseudonymised) with every sentence's source, and what the review changed."""
    data = json.loads(json.dumps(written.to_json()))
    chosen = {_place(s) for section in edited.sources for s in section}
    removed: dict[str, list[dict[str, Any]]] = {}
    for key, source in edited.removed:
        removed.setdefault(key, []).append({**source, "why": [*source.get("why", []), REMOVED_WHY]})
    for section, base_section, section_sources in zip(
        data["sections"], base["sections"], edited.sources, strict=True
    ):
        for sentence, source in zip(section["sentences"], section_sources, strict=True):
            sentence.update({k: v for k, v in source.items() if k != "text"})
        section["words"] = sum(len(s["text"].split()) for s in section["sentences"])
        section["budget"] = base_section.get("budget")
        section["note"] = None if section["sentences"] else base_section.get("note") or empty_note
        left_out = [s for s in base_section.get("left_out", []) if _place(s) not in chosen]
        section["left_out"] = left_out + removed.get(section["key"], [])
    quote_source = base.get("quote_source") if written.quote == base.get("quote") else None
    data["quote_source"] = quote_source or _source_of(written.quote, data)
    data["title_sources"] = base.get("title_sources", [])
    data["not_placed"] = [u for u in base.get("not_placed", []) if _place(u) not in chosen]
    data["words"] = sum(section["words"] for section in data["sections"])
    data["guide"] = base.get("guide")
    data["version"] = version
    data["review"] = {
        "from_version": base.get("version"),
        "by": by,
        "changes": [change.to_json() for change in edited.changes],
    }
    return data


def _place(source: dict[str, Any]) -> tuple[float | None, tuple[int, ...]]:
    return (source.get("start"), tuple(source.get("segment_ids") or ()))


def _without_text(sentence: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sentence.items() if k != "text"}


def _source_of(quote: str, data: dict[str, Any]) -> dict[str, Any] | None:
    wanted = quote.lower().rstrip(".!?")
    for section in data["sections"]:
        for sentence in section["sentences"]:
            if wanted and wanted in sentence["text"].lower():
                return _without_text(sentence)
    return None


def _stamp(seconds: float | None) -> str:
    return format_timestamp(seconds or 0.0, style="short")
