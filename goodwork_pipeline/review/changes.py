"""A readable account, for staff, of what the participant changed in a returned draft.

Word by word per section (``[-weg-]{+nieuw+}``), the participant's comments with the text
they point at, and anything changed outside the beeld (instructions, headings, consent
wording). Written in Dutch, as plain text, next to the returned document in the workspace;
``goodwork status STORY`` shows the latest one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from goodwork_pipeline.drafting.draft_document import QUESTION_HEADING, QUOTE_HEADING, TITLE_HEADING
from goodwork_pipeline.models import Beeld
from goodwork_pipeline.review.decision import ReturnedDraft, ReviewDecision


@dataclass(frozen=True)
class ChangeSummary:
    changed: tuple[str, ...]  # headings of the parts with changes
    words_added: int
    words_removed: int
    comments: int

    def to_json(self) -> dict[str, object]:
        return {
            "changed": list(self.changed),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "comments": self.comments,
        }


def parts(beeld: Beeld) -> list[tuple[str, str]]:
    """The beeld as (heading, text) pairs, in reading order."""
    return [
        (TITLE_HEADING, beeld.title),
        *[(s.heading, s.text) for s in beeld.sections],
        (QUOTE_HEADING, beeld.quote),
        (QUESTION_HEADING, beeld.closing_question),
    ]


def word_diff(before: str, after: str) -> tuple[str, int, int]:
    """``before`` with deletions as [-…-] and insertions as {+…+}; words added and removed."""
    old, new = before.split(), after.split()
    pieces: list[str] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(" ".join(old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append("[-" + " ".join(old[i1:i2]) + "-]")
            removed += i2 - i1
        if j2 > j1:
            pieces.append("{+" + " ".join(new[j1:j2]) + "+}")
            added += j2 - j1
    return " ".join(pieces), added, removed


def summarise(draft: Beeld, returned: ReturnedDraft) -> ChangeSummary:
    changed = []
    added = removed = 0
    for (heading, before), (_, after) in zip(parts(draft), parts(returned.beeld), strict=True):
        if before.split() != after.split():
            changed.append(heading)
            _, plus, minus = word_diff(before, after)
            added, removed = added + plus, removed + minus
    return ChangeSummary(tuple(changed), added, removed, len(returned.comments))


def report(
    draft: Beeld,
    returned: ReturnedDraft,
    decision: ReviewDecision,
    *,
    story_id: str,
    file_name: str,
    document_sha256: str,
    received: str,
) -> str:
    """The whole account as plain text (Dutch, for staff)."""
    lines = [
        f"Wijzigingen van de deelnemer in {story_id}",
        f"Teruggestuurd als: {file_name} (conceptversie {returned.version or '?'})",
        f"Ontvangen: {received}",
        f"SHA-256 van het document: {document_sha256}",
        f"Besluit: {decision.message_nl}",
        "",
        "Legenda: [-weggehaald-] {+toegevoegd+}",
        "",
    ]
    any_change = False
    for (heading, before), (_, after) in zip(parts(draft), parts(returned.beeld), strict=True):
        if before.split() == after.split():
            continue
        any_change = True
        marked, _, _ = word_diff(before, after)
        lines += [f"== {heading} ==", marked or "(leeg)", ""]
    if not any_change:
        lines += ["De tekst van het beeld is niet veranderd.", ""]
    if returned.comments:
        lines.append("== Opmerkingen van de deelnemer ==")
        for comment in returned.comments:
            where = f" bij “{comment.anchor}”" if comment.anchor else ""
            lines.append(f"- {comment.author or 'deelnemer'}{where}: {comment.text}")
        lines.append("")
    outside = _outside(returned)
    if outside:
        lines += ["== Buiten de tekst van het beeld ==", *outside, ""]
    return "\n".join(lines).rstrip() + "\n"


def _outside(returned: ReturnedDraft) -> list[str]:
    lines = []
    if returned.title_emptied:
        lines.append(
            f"- De titel is leeggemaakt; in de publicatie staat de titelsuggestie "
            f"“{returned.beeld.title}”. Vraag de deelnemer of die goed is."
        )
    for before, after in returned.renamed_headings:
        lines.append(
            f"- Kopje “{before}” is veranderd in “{after}” (in de publicatie blijft “{before}”)."
        )
    for heading in returned.missing_headings:
        lines.append(
            f"- Kopje “{heading}” is niet gevonden; de tekst eronder telt mee bij het kopje ervoor."
        )
    for change in returned.instruction_changes:
        lines.append(f"- Uitleg bovenaan: {change.describe_nl()} (telt niet mee).")
    for change in returned.wording_changes:
        lines.append(f"- Toestemming: {change.describe_nl()}.")
    for comment in returned.consent_comments:
        lines.append(f"- Opmerking bij de toestemming: “{comment.text}”.")
    if returned.signer:
        lines.append(f"- Ondertekend met: {returned.signer}")
    return lines
