"""The fixed parts of a returned draft (instructions, consent wording) against what was sent.

Every word and punctuation mark counts (consent given under altered wording is never
accepted); box marks are not text, and what follows ``Naam:`` and ``Datum:`` is the
participant's to fill in. Each difference is one ``PartChange``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from goodwork_pipeline.consent_wording import DATE_LABEL, SIGNATURE_LABEL
from goodwork_pipeline.review.matching import exact, short
from goodwork_pipeline.review.returned_paragraphs import Paragraph

_FILLED_IN = (SIGNATURE_LABEL, DATE_LABEL)


@dataclass(frozen=True)
class PartChange:
    """One difference in a fixed part of the document (instructions or consent wording)."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        if self.before is None:
            return f"added: “{short(self.after)}”"
        if self.after is None:
            return f"removed: “{short(self.before)}”"
        return f"“{short(self.before)}” became “{short(self.after)}”"

    def describe_nl(self) -> str:
        if self.before is None:
            return f"toegevoegd: “{short(self.after)}”"
        if self.after is None:
            return f"weggehaald: “{short(self.before)}”"
        return f"“{short(self.before)}” werd “{short(self.after)}”"


def fixed_texts(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The words of a fixed part as the participant was meant to leave them.

    Box marks are not text; what follows 'Naam:' and 'Datum:' is theirs to fill in.
    """
    texts = []
    for paragraph in paragraphs:
        text = exact(paragraph.text)
        if not text:
            continue
        for label in _FILLED_IN:
            if text.lower().startswith(label.lower()):
                text = label
        texts.append(text)
    return texts


def compare_parts(expected: Sequence[str], actual: Sequence[str]) -> tuple[PartChange, ...]:
    expected = [exact(t) for t in expected]
    matcher = difflib.SequenceMatcher(None, expected, list(actual), autojunk=False)
    changes: list[PartChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = expected[i1:i2], list(actual[j1:j2])
        for index in range(max(len(before), len(after))):
            changes.append(
                PartChange(
                    before[index] if index < len(before) else None,
                    after[index] if index < len(after) else None,
                )
            )
    return tuple(changes)
