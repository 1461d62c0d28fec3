"""The exact consent wording shown to participants, and its version.

Consent is bound to this wording: change a label below and bump ``WORDING_VERSION``, so the
ledger can tell under which text each consent was given. Labels are how the reader
recognises each box, also after LibreOffice has dropped the content-control tags.
"""

from __future__ import annotations

from goodwork_pipeline.models import Channel, NameDisplay

WORDING_VERSION = "nl-2026.1"

CONSENT_HEADING = "Jouw toestemming"
APPROVE_HEADING = "Tekst goedkeuren"
APPROVE_LABEL = "Ik keur deze tekst goed."
CHANNELS_INTRO = "Mijn beeld mag gedeeld worden via (kruis aan wat je goed vindt):"
NAME_INTRO = "Mijn naam wordt getoond als (kies er één):"
SIGNATURE_LABEL = "Naam:"
DATE_LABEL = "Datum:"

CHANNEL_BOXES: dict[Channel, str] = {
    Channel.WEBSITE: "de website van het programma",
    Channel.SOCIAL: "LinkedIn en andere sociale media",
    Channel.GROUP: "groepsgesprekken met collega's in dezelfde rol",
    Channel.INTERNAL: "intern leren binnen het programma",
}

NAME_BOXES: dict[NameDisplay, str] = {
    NameDisplay.FULL: "mijn volledige naam",
    NameDisplay.FIRST: "alleen mijn voornaam",
    NameDisplay.ROLE: "alleen mijn functie (geen naam)",
}

CONSENT_EXPLANATION = (
    "Niets wordt gedeeld zonder jouw ja. Je kiest hieronder per plek of je beeld daar gedeeld "
    "mag worden. Kruis je niets aan, dan wordt je beeld nergens gedeeld. Je kunt je toestemming "
    "later altijd intrekken: laat het ons weten, dan halen we je beeld weg."
)


def standard_wording() -> tuple[str, ...]:
    """Every fixed text of the consent part, in the order the draft shows them."""
    return (
        CONSENT_EXPLANATION,
        APPROVE_HEADING,
        APPROVE_LABEL,
        CHANNELS_INTRO,
        *CHANNEL_BOXES.values(),
        NAME_INTRO,
        *NAME_BOXES.values(),
        SIGNATURE_LABEL,
        DATE_LABEL,
    )
