"""The parts of a returned draft, found by their headings, and the beeld rebuilt from them.

A returned draft has instructions (before ``Titel``), the beeld (title, sections by heading,
quote, question) and the consent part (from ``Jouw toestemming``). Headings are found by their
words, and a renamed heading by its place and look; edited text is split into sentences, and
unchanged sentences keep their source time span. A comment anchored in the consent part is
told from one on the beeld by where it stands.
"""

from __future__ import annotations

import re

from goodwork_pipeline.consent_wording import CONSENT_HEADING
from goodwork_pipeline.drafting.draft_document import QUESTION_HEADING, QUOTE_HEADING, TITLE_HEADING
from goodwork_pipeline.models import Beeld, Section, Sentence
from goodwork_pipeline.review.matching import matches, normalise
from goodwork_pipeline.review.returned_comments import Comment
from goodwork_pipeline.review.returned_paragraphs import Paragraph

_SPLIT = re.compile(r"(?<=[.!?…])\s+")


def _find(paragraphs: list[Paragraph], heading: str, *, start: int = 0) -> int | None:
    for index in range(start, len(paragraphs)):
        paragraph = paragraphs[index]
        if paragraph.checked is None and matches(paragraph.text, heading, cutoff=0.9):
            return index
    return None


def part_bounds(paragraphs: list[Paragraph]) -> tuple[int, int] | None:
    """The index of the heading 'Titel' and of 'Jouw toestemming', or None when one is gone."""
    start = _find(paragraphs, TITLE_HEADING)
    if start is None:
        return None
    end = _find(paragraphs, CONSENT_HEADING, start=start + 1)
    if end is None:
        return None
    return start, end


def split_parts(
    paragraphs: list[Paragraph],
) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]] | None:
    """(instructions, beeld, consent part), or None when the two fixed headings are gone."""
    bounds = part_bounds(paragraphs)
    if bounds is None:
        return None
    start, end = bounds
    return paragraphs[:start], paragraphs[start + 1 : end], paragraphs[end + 1 :]


def on_consent_part(comment: Comment, consent_start: int) -> bool:
    """A comment anchored anywhere in the consent part: its heading, a box, a label, an
    empty range or a bare mark there; or one the body does not place (it may be there).

    Where it stands decides, not what it covers: a box glyph or an empty range has no
    words to compare with the beeld's, and a comment on them is a comment on the consent.
    """
    if comment.paragraphs is None:
        return True
    return comment.paragraphs[1] >= consent_start


def read_beeld(
    paragraphs: list[Paragraph], draft: Beeld
) -> tuple[Beeld, tuple[tuple[str, str], ...], tuple[str, ...]]:
    headings = [(s.key, s.heading) for s in draft.sections]
    headings += [("_quote", QUOTE_HEADING), ("_question", QUESTION_HEADING)]
    found = _locate_headings(paragraphs, headings)
    texts: dict[str, list[str]] = {"_title": []}
    current = "_title"
    for index, paragraph in enumerate(paragraphs):
        if index in found:
            current = found[index]
            texts.setdefault(current, [])
            continue
        if paragraph.text:
            texts.setdefault(current, []).append(paragraph.text)
    originals = {s.key: s for s in draft.sections}
    sections = tuple(
        Section(
            key=key,
            heading=heading,
            sentences=_sentences(" ".join(texts.get(key, [])), originals[key]),
        )
        for key, heading in headings
        if key in originals
    )
    beeld = Beeld(
        title=" ".join(texts["_title"]).strip() or _fallback_title(draft),
        sections=sections,
        quote=" ".join(texts.get("_quote", [])).strip(),
        closing_question=" ".join(texts.get("_question", [])).strip(),
        title_suggestions=(),
    )
    by_key = dict(headings)
    renamed = tuple(
        (by_key[key], paragraphs[index].text)
        for index, key in sorted(found.items())
        if normalise(paragraphs[index].text) != normalise(by_key[key])
    )
    missing = tuple(heading for key, heading in headings if key not in found.values())
    return beeld, renamed, missing


def first_heading(paragraphs: list[Paragraph], draft: Beeld) -> int:
    """Where the title part of the beeld ends: at its first section heading."""
    headings = [(s.key, s.heading) for s in draft.sections]
    headings += [("_quote", QUOTE_HEADING), ("_question", QUESTION_HEADING)]
    found = _locate_headings(paragraphs, headings)
    return min(found, default=len(paragraphs))


def _fallback_title(draft: Beeld) -> str:
    """A title for a beeld whose title the participant emptied: the first suggestion made
    for it (the draft lists them), else the draft's own title. A beeld is never untitled."""
    for title in (*draft.title_suggestions, draft.title):
        if title.strip():
            return title.strip()
    return "Beeld van goed werk"


def _locate_headings(
    paragraphs: list[Paragraph], headings: list[tuple[str, str]]
) -> dict[int, str]:
    """Which paragraph starts which section: {paragraph index: section key}.

    A heading is found by its words (exactly, or nearly when it looks like a heading), in
    the draft's order. A heading the participant renamed is still found when a paragraph
    styled as a heading stands where it should, between its neighbours.
    """
    found: dict[int, str] = {}
    position = 0  # headings are searched in order: never before the last one found
    for index, paragraph in enumerate(paragraphs):
        if paragraph.checked is not None or not paragraph.text:
            continue
        if len(paragraph.text.split()) > 10:
            continue
        for offset, (key, heading) in enumerate(headings[position:]):
            if _is_heading(paragraph, heading):
                found[index] = key
                position += offset + 1
                break
    keys = [key for key, _ in headings]
    located = {key: index for index, key in found.items()}
    for number, key in enumerate(keys):
        if key in located:
            continue
        before = max((located[k] for k in keys[:number] if k in located), default=-1)
        after = min((located[k] for k in keys[number + 1 :] if k in located), default=None)
        stop = after if after is not None else len(paragraphs)
        candidates = [
            index
            for index in range(before + 1, stop)
            if index not in found and _looks_like_heading(paragraphs[index])
        ]
        if len(candidates) == 1:
            found[candidates[0]] = key
            located[key] = candidates[0]
    return found


def _is_heading(paragraph: Paragraph, heading: str) -> bool:
    if normalise(paragraph.text) == normalise(heading):
        return True
    return _looks_like_heading(paragraph) and matches(paragraph.text, heading, cutoff=0.8)


def _looks_like_heading(paragraph: Paragraph) -> bool:
    short = 0 < len(paragraph.text.split()) <= 8 and not paragraph.text.rstrip().endswith(".")
    return paragraph.checked is None and (
        (paragraph.heading_level is not None and paragraph.heading_level >= 1)
        or (paragraph.bold and short)
    )


def _sentences(text: str, original: Section) -> tuple[Sentence, ...]:
    """Split edited text into sentences; unchanged ones keep their source time span."""
    sources = {normalise(s.text): s for s in original.sentences}
    result = []
    for piece in _SPLIT.split(text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        source = sources.get(normalise(piece))
        if source is not None:
            result.append(Sentence(piece, source.start, source.end, source.segment_ids))
        else:
            result.append(Sentence(piece))
    return tuple(result)
