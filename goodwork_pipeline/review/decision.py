"""What a returned draft says: the participant's text and choices, and what that means.

``interpret`` splits a read document into its parts against the draft version it came from
(``returned_parts``): the instructions (before ``Titel``), the beeld (title, sections by
heading, quote, question) and the consent part (from ``Jouw toestemming``). It reads the
ticked boxes by their label text (``choices``) and compares the fixed parts with what was
sent (``fixed_parts``). ``decide`` turns that into one ``ReviewDecision`` value:

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

from dataclasses import dataclass, field
from enum import StrEnum

from goodwork_pipeline.consent_wording import (
    CHANNEL_BOXES,
    NAME_BOXES,
    SIGNATURE_LABEL,
    standard_wording,
)
from goodwork_pipeline.models import Beeld, Channel, ConsentChoices, NameDisplay
from goodwork_pipeline.review.choices import after_label, read_choices
from goodwork_pipeline.review.fixed_parts import PartChange, compare_parts, fixed_texts
from goodwork_pipeline.review.returned_comments import Comment
from goodwork_pipeline.review.returned_document import RawDocument
from goodwork_pipeline.review.returned_parts import (
    first_heading,
    on_consent_part,
    part_bounds,
    read_beeld,
    split_parts,
)

OUR_AUTHOR = "goodwork"  # comments goodwork writes itself (source timestamps)


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
    parts = split_parts(paragraphs)
    if parts is None:
        return None
    instructions, beeld_part, consent_part = parts
    beeld, renamed, missing = read_beeld(beeld_part, draft)
    title_emptied = not " ".join(
        p.text for p in beeld_part[: first_heading(beeld_part, draft)]
    ).strip()
    choices, contradictions, contradictions_nl = read_choices(consent_part)
    signer = after_label(consent_part, SIGNATURE_LABEL)
    sent_parts = split_parts(list(sent.paragraphs)) if sent is not None else None
    expected_consent = (
        fixed_texts(sent_parts[2]) if sent_parts is not None else list(standard_wording())
    )
    wording_changes = compare_parts(expected_consent, fixed_texts(consent_part))
    instruction_changes = (
        compare_parts(fixed_texts(sent_parts[0]), fixed_texts(instructions))
        if sent_parts is not None
        else ()
    )
    theirs = tuple(c for c in raw.comments if c.author != OUR_AUTHOR)
    bounds = part_bounds(paragraphs)
    assert bounds is not None  # (split_parts found them)
    consent_start = bounds[1]
    on_consent = tuple(c for c in theirs if on_consent_part(c, consent_start))
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


def _channels_nl(channels: frozenset[Channel]) -> str:
    return ", ".join(CHANNEL_BOXES[c] for c in Channel if c in channels)


def _channels_en(channels: frozenset[Channel]) -> str:
    return ", ".join(c.value for c in Channel if c in channels)
