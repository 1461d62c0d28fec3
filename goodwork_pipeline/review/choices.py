"""The consent choices in a returned draft's consent part, read from its boxes by their labels.

Approval, channels and how the name is shown come from the ticked boxes, each known by its
label text. A box that appears twice ticked and unticked, a box that shows one state but is
stored as the other, or more than one name choice is a contradiction (in English and Dutch);
no name choice means the most private one.
"""

from __future__ import annotations

from typing import TypeVar

from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.models import Channel, ConsentChoices, NameDisplay
from goodwork_pipeline.review.matching import matches, short
from goodwork_pipeline.review.returned_paragraphs import Paragraph

K = TypeVar("K")


def read_choices(
    paragraphs: list[Paragraph],
) -> tuple[ConsentChoices, tuple[str, ...], tuple[str, ...]]:
    approvals: list[bool] = []
    channel_states: dict[Channel, list[bool]] = {}
    name_states: dict[NameDisplay, list[bool]] = {}
    contradictions: list[str] = []
    contradictions_nl: list[str] = []
    for paragraph in paragraphs:
        if paragraph.checked is None and not _is_label(paragraph.text):
            continue
        ticked = paragraph.checked is True
        if paragraph.conflict:
            label = short(paragraph.text)
            contradictions.append(f"the box '{label}' shows one state but is stored as the other")
            contradictions_nl.append(
                f"het vakje bij '{label}' ziet er anders uit dan het is opgeslagen"
            )
        if matches(paragraph.text, APPROVE_LABEL):
            approvals.append(ticked)
            continue
        channel = _label_of(paragraph.text, CHANNEL_BOXES)
        if channel is not None:
            channel_states.setdefault(channel, []).append(ticked)
            continue
        display = _label_of(paragraph.text, NAME_BOXES)
        if display is not None:
            name_states.setdefault(display, []).append(ticked)
    for label, states in (
        [(APPROVE_LABEL, approvals)]
        + [(CHANNEL_BOXES[c], s) for c, s in channel_states.items()]
        + [(NAME_BOXES[n], s) for n, s in name_states.items()]
    ):
        if len(set(states)) > 1:
            contradictions.append(f"the box '{label}' appears twice, ticked and unticked")
            contradictions_nl.append(
                f"het vakje '{label}' staat er twee keer, aangekruist en niet aangekruist"
            )
    names = {n for n, states in name_states.items() if any(states)}
    if len(names) > 1:
        chosen = ", ".join(n.value for n in NameDisplay if n in names)
        contradictions.append(f"more than one way to show the name: {chosen}")
        contradictions_nl.append(
            "meer dan één keuze voor de naam: "
            + ", ".join(NAME_BOXES[n] for n in NameDisplay if n in names)
        )
    # No name choice means the most private one: no name at all.
    name_display = next(iter(names)) if len(names) == 1 else NameDisplay.ROLE
    choices = ConsentChoices(
        approved=any(approvals),
        channels=frozenset(c for c, states in channel_states.items() if any(states)),
        name_display=name_display,
    )
    return choices, tuple(contradictions), tuple(contradictions_nl)


def _is_label(text: str) -> bool:
    return (
        matches(text, APPROVE_LABEL)
        or _label_of(text, CHANNEL_BOXES) is not None
        or _label_of(text, NAME_BOXES) is not None
    )


def _label_of(text: str, labels: dict[K, str]) -> K | None:
    for key, label in labels.items():
        if matches(text, label):
            return key
    return None


def after_label(paragraphs: list[Paragraph], label: str) -> str | None:
    for paragraph in paragraphs:
        if paragraph.text.lower().startswith(label.lower()):
            value = paragraph.text[len(label) :].strip(" :")
            return value or None
    return None
