"""What a returned draft says: the participant's text and choices, and what that means.

``interpret`` splits a read document into its parts against the draft version it came from:
the instructions (before ``Titel``), the beeld (title, sections by heading, quote, question)
and the consent part (from ``Jouw toestemming``). It reads the ticked boxes by their label
text and compares the fixed parts with what was sent. ``decide`` turns that into one
``ReviewDecision`` value:

- approved with consent, or approved with no channel ticked (= nothing is published);
- not approved;
- an older draft version (ask for the newest; it may only withdraw, see answers.py);
- contradictory choices (two name options, one box ticked and unticked, a box that shows one
  state but is stored as the other);
- the consent wording was changed (like REDCap e-Consent: consent given under altered
  wording is never accepted; withdrawals in such a document still count).

A document that is not ours (no id, an id this workspace never issued) is refused before
this, as a ``DocumentError``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from goodwork_pipeline.consent_wording import (
    APPROVE_LABEL,
    CHANNEL_BOXES,
    CONSENT_HEADING,
    DATE_LABEL,
    NAME_BOXES,
    SIGNATURE_LABEL,
    standard_wording,
)
from goodwork_pipeline.drafting.draft_document import QUESTION_HEADING, QUOTE_HEADING, TITLE_HEADING
from goodwork_pipeline.models import Beeld, Channel, ConsentChoices, NameDisplay, Section, Sentence
from goodwork_pipeline.review.returned_comments import Comment
from goodwork_pipeline.review.returned_document import RawDocument
from goodwork_pipeline.review.returned_paragraphs import Paragraph

_SPLIT = re.compile(r"(?<=[.!?…])\s+")
K = TypeVar("K")
OUR_AUTHOR = "goodwork"  # comments goodwork writes itself (source timestamps)
_FILLED_IN = (SIGNATURE_LABEL, DATE_LABEL)


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_NO_CHANNEL = "approved_no_channel"
    NOT_APPROVED = "not_approved"
    STALE = "stale_version"
    CONTRADICTORY = "contradictory"
    WORDING_CHANGED = "consent_wording_changed"
    FOREIGN = "not_ours"
    UNREADABLE_STRUCTURE = "structure_lost"


@dataclass(frozen=True)
class PartChange:
    """One difference in a fixed part of the document (instructions or consent wording)."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        if self.before is None:
            return f"added: “{_short(self.after)}”"
        if self.after is None:
            return f"removed: “{_short(self.before)}”"
        return f"“{_short(self.before)}” became “{_short(self.after)}”"

    def describe_nl(self) -> str:
        if self.before is None:
            return f"toegevoegd: “{_short(self.after)}”"
        if self.after is None:
            return f"weggehaald: “{_short(self.before)}”"
        return f"“{_short(self.before)}” werd “{_short(self.after)}”"


@dataclass(frozen=True)
class ReturnedDraft:
    story_id: str | None
    version: int | None
    beeld: Beeld
    choices: ConsentChoices
    contradictions: tuple[str, ...]
    signer: str | None
    comments: tuple[Comment, ...]
    wording_changes: tuple[PartChange, ...] = ()
    instruction_changes: tuple[PartChange, ...] = ()
    consent_comments: tuple[Comment, ...] = ()
    renamed_headings: tuple[tuple[str, str], ...] = ()  # (heading in the draft, as returned)
    title_emptied: bool = False  # the participant emptied the title: a suggestion stands in
    missing_headings: tuple[str, ...] = ()
    wording_version: str | None = None
    contradictions_nl: tuple[str, ...] = field(default=())

    @property
    def wording_altered(self) -> bool:
        return bool(self.wording_changes or self.consent_comments)


@dataclass(frozen=True)
class ReviewDecision:
    outcome: Outcome
    story_id: str | None
    message: str
    message_nl: str
    returned: ReturnedDraft | None = None

    @property
    def publishable(self) -> bool:
        return self.outcome == Outcome.APPROVED

    @property
    def accepts_consent(self) -> bool:
        """Whether the document's choices may be recorded as (new) consent."""
        return self.outcome in (Outcome.APPROVED, Outcome.APPROVED_NO_CHANNEL)


def interpret(
    raw: RawDocument, draft: Beeld, sent: RawDocument | None = None
) -> ReturnedDraft | None:
    """Read the beeld, the choices and any change to the fixed parts.

    ``sent`` is the draft document as it was sent (to compare the instructions and consent
    wording with); without it the consent part is compared with the current wording.
    ``None`` when the headings ``Titel`` or ``Jouw toestemming`` cannot be found.
    """
    paragraphs = list(raw.paragraphs)
    parts = _split(paragraphs)
    if parts is None:
        return None
    instructions, beeld_part, consent_part = parts
    beeld, renamed, missing = _beeld(beeld_part, draft)
    title_emptied = not " ".join(
        p.text for p in beeld_part[: _first_heading(beeld_part, draft)]
    ).strip()
    choices, contradictions, contradictions_nl = _choices(consent_part)
    signer = _after_label(consent_part, SIGNATURE_LABEL)
    sent_parts = _split(list(sent.paragraphs)) if sent is not None else None
    expected_consent = (
        _fixed_texts(sent_parts[2]) if sent_parts is not None else list(standard_wording())
    )
    wording_changes = _compare(expected_consent, _fixed_texts(consent_part))
    instruction_changes = (
        _compare(_fixed_texts(sent_parts[0]), _fixed_texts(instructions))
        if sent_parts is not None
        else ()
    )
    theirs = tuple(c for c in raw.comments if c.author != OUR_AUTHOR)
    bounds = _bounds(paragraphs)
    assert bounds is not None  # (_split found them)
    consent_start = bounds[1]
    on_consent = tuple(c for c in theirs if _on_consent(c, consent_start))
    return ReturnedDraft(
        story_id=raw.ids.story_id,
        version=raw.ids.version,
        beeld=beeld,
        choices=choices,
        contradictions=contradictions,
        contradictions_nl=contradictions_nl,
        signer=signer,
        comments=theirs,
        wording_changes=wording_changes,
        instruction_changes=instruction_changes,
        consent_comments=on_consent,
        renamed_headings=renamed,
        missing_headings=missing,
        title_emptied=title_emptied,
        wording_version=raw.ids.wording_version,
    )


def decide(returned: ReturnedDraft, *, current_version: int, file_name: str) -> ReviewDecision:
    story_id = returned.story_id
    if returned.version is not None and returned.version < current_version:
        return ReviewDecision(
            Outcome.STALE,
            story_id,
            f"{file_name} is draft version {returned.version} of {story_id}, but version "
            f"{current_version} is the current one: the participant answered on an old "
            "version. It gives no new consent; what it unticks or no longer approves is "
            "withdrawn. Ask the participant to return the newest version.",
            f"{file_name} is versie {returned.version} van het concept, maar er is al een "
            f"nieuwere versie ({current_version}): de deelnemer antwoordde op een oude versie. "
            "Daaruit komt geen nieuwe toestemming; wat is uitgevinkt of niet meer is "
            "goedgekeurd, wordt wel ingetrokken. Vraag de deelnemer de nieuwste versie terug "
            "te sturen.",
            returned,
        )
    if returned.wording_altered:
        changes = [c.describe() for c in returned.wording_changes]
        changes += [f"comment on the consent part: “{c.text}”" for c in returned.consent_comments]
        changes_nl = [c.describe_nl() for c in returned.wording_changes]
        changes_nl += [
            f"opmerking bij de toestemming: “{c.text}”" for c in returned.consent_comments
        ]
        return ReviewDecision(
            Outcome.WORDING_CHANGED,
            story_id,
            f"{file_name}: the consent part was changed ({'; '.join(changes)}). Consent given "
            "under altered wording is never accepted, so no new consent was recorded "
            "(boxes unticked there still withdraw). Talk to the participant, then send the "
            "draft again or record their consent with 'goodwork consent'.",
            f"In {file_name} is de tekst van de toestemming veranderd "
            f"({'; '.join(changes_nl)}). Toestemming onder een andere tekst nemen we niet "
            "aan: er is geen nieuwe toestemming vastgelegd (wat is uitgevinkt, wordt wel "
            "ingetrokken). Neem contact op met de deelnemer en stuur het concept opnieuw, "
            "of leg de toestemming vast met 'goodwork consent'.",
            returned,
        )
    if returned.contradictions:
        return ReviewDecision(
            Outcome.CONTRADICTORY,
            story_id,
            f"{file_name} has contradictory choices ({'; '.join(returned.contradictions)}); "
            "no new consent was recorded (boxes unticked there still withdraw). Ask the "
            "participant which one they meant.",
            f"In {file_name} staan keuzes die elkaar tegenspreken "
            f"({'; '.join(returned.contradictions_nl)}). Er is geen nieuwe toestemming "
            "vastgelegd (wat is uitgevinkt, wordt wel ingetrokken). Vraag de deelnemer wat "
            "bedoeld is.",
            returned,
        )
    if not returned.choices.approved:
        ticked = returned.choices.channels
        extra = (
            f" They did tick {_channels_en(ticked)}: ask whether they approve the text."
            if ticked
            else ""
        )
        extra_nl = (
            f" Wel aangekruist: {_channels_nl(ticked)}. Vraag of de tekst goed is zo."
            if ticked
            else ""
        )
        return ReviewDecision(
            Outcome.NOT_APPROVED,
            story_id,
            f"{file_name}: the participant did not approve the text; nothing is published."
            f"{extra} Read their changes and comments, then make a new draft or get in touch.",
            f"{file_name}: de deelnemer heeft de tekst (nog) niet goedgekeurd. Er wordt niets "
            f"gedeeld.{extra_nl} Bekijk de wijzigingen en opmerkingen en neem contact op.",
            returned,
        )
    if not returned.choices.channels:
        return ReviewDecision(
            Outcome.APPROVED_NO_CHANNEL,
            story_id,
            f"{file_name}: text approved, but no channel ticked: nothing is published.",
            f"{file_name}: de tekst is goedgekeurd, maar er is geen plek aangekruist. Het "
            "beeld wordt nergens gedeeld.",
            returned,
        )
    return ReviewDecision(
        Outcome.APPROVED,
        story_id,
        f"{file_name}: text approved with consent for {_channels_en(returned.choices.channels)}"
        f", name shown as: {returned.choices.name_display}.",
        f"{file_name}: de tekst is goedgekeurd, met toestemming voor "
        f"{_channels_nl(returned.choices.channels)}; naam: "
        f"{NAME_BOXES[returned.choices.name_display or NameDisplay.ROLE]}.",
        returned,
    )


# Structure -----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def _exact(text: str) -> str:
    """Whitespace and quote marks evened out; every word and punctuation mark still counts."""
    text = unicodedata.normalize("NFC", text)
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def _matches(text: str, label: str, *, cutoff: float = 0.86) -> bool:
    a, b = normalise(text), normalise(label)
    if not a:
        return False
    if a == b:
        return True
    # ratio() <= quick_ratio() <= real_quick_ratio(): the cheap bounds rule out most pairs
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= cutoff
        and matcher.quick_ratio() >= cutoff
        and matcher.ratio() >= cutoff
    )


def _find(paragraphs: list[Paragraph], heading: str, *, start: int = 0) -> int | None:
    for index in range(start, len(paragraphs)):
        paragraph = paragraphs[index]
        if paragraph.checked is None and _matches(paragraph.text, heading, cutoff=0.9):
            return index
    return None


def _bounds(paragraphs: list[Paragraph]) -> tuple[int, int] | None:
    """The index of the heading 'Titel' and of 'Jouw toestemming', or None when one is gone."""
    start = _find(paragraphs, TITLE_HEADING)
    if start is None:
        return None
    end = _find(paragraphs, CONSENT_HEADING, start=start + 1)
    if end is None:
        return None
    return start, end


def _split(
    paragraphs: list[Paragraph],
) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]] | None:
    """(instructions, beeld, consent part), or None when the two fixed headings are gone."""
    bounds = _bounds(paragraphs)
    if bounds is None:
        return None
    start, end = bounds
    return paragraphs[:start], paragraphs[start + 1 : end], paragraphs[end + 1 :]


def _on_consent(comment: Comment, consent_start: int) -> bool:
    """A comment anchored anywhere in the consent part: its heading, a box, a label, an
    empty range or a bare mark there; or one the body does not place (it may be there).

    Where it stands decides, not what it covers: a box glyph or an empty range has no
    words to compare with the beeld's, and a comment on them is a comment on the consent.
    """
    if comment.paragraphs is None:
        return True
    return comment.paragraphs[1] >= consent_start


def _beeld(
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


def _first_heading(paragraphs: list[Paragraph], draft: Beeld) -> int:
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
    return _looks_like_heading(paragraph) and _matches(paragraph.text, heading, cutoff=0.8)


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


# Fixed parts -----------------------------------------------------------------------------------


def _fixed_texts(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The words of a fixed part as the participant was meant to leave them.

    Box marks are not text; what follows 'Naam:' and 'Datum:' is theirs to fill in.
    """
    texts = []
    for paragraph in paragraphs:
        text = _exact(paragraph.text)
        if not text:
            continue
        for label in _FILLED_IN:
            if text.lower().startswith(label.lower()):
                text = label
        texts.append(text)
    return texts


def _compare(expected: Sequence[str], actual: Sequence[str]) -> tuple[PartChange, ...]:
    expected = [_exact(t) for t in expected]
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


# Consent choices -----------------------------------------------------------------------------


def _choices(
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
            label = _short(paragraph.text)
            contradictions.append(f"the box '{label}' shows one state but is stored as the other")
            contradictions_nl.append(
                f"het vakje bij '{label}' ziet er anders uit dan het is opgeslagen"
            )
        if _matches(paragraph.text, APPROVE_LABEL):
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
        _matches(text, APPROVE_LABEL)
        or _label_of(text, CHANNEL_BOXES) is not None
        or _label_of(text, NAME_BOXES) is not None
    )


def _label_of(text: str, labels: dict[K, str]) -> K | None:
    for key, label in labels.items():
        if _matches(text, label):
            return key
    return None


def _after_label(paragraphs: list[Paragraph], label: str) -> str | None:
    for paragraph in paragraphs:
        if paragraph.text.lower().startswith(label.lower()):
            value = paragraph.text[len(label) :].strip(" :")
            return value or None
    return None


def _channels_nl(channels: frozenset[Channel]) -> str:
    return ", ".join(CHANNEL_BOXES[c] for c in Channel if c in channels)


def _channels_en(channels: frozenset[Channel]) -> str:
    return ", ".join(c.value for c in Channel if c in channels)


def _short(text: str | None, limit: int = 70) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
