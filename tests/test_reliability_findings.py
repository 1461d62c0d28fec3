"""What the reliability suite (histories, load, faults, bad input) found, kept as small tests.

Each test names the suite and the history or run that showed the problem.
"""

from __future__ import annotations

import unicodedata

from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.pseudonymise import Pseudonymiser, assign

NFD = "NFD"


def test_a_decomposed_name_in_the_sidecar_still_hides_the_composed_one_in_the_text() -> None:
    """Histories: the sidecar said 'Zoë Kaka' with 'e' + combining diaeresis (as pasted from
    a macOS file name), the text 'Zoë' composed; with 'role only' the name was published."""
    for sidecar_form, text_form in (("NFD", "NFC"), ("NFC", "NFD")):
        participant = unicodedata.normalize(sidecar_form, "Zoë Kaka")
        text = unicodedata.normalize(text_form, "Ik ben Zoë Kaka. Zoë zegt het zelf.")
        hidden = Pseudonymiser(
            assign([unicodedata.normalize(sidecar_form, "Ömer")]),
            participant=participant,
            name_display=NameDisplay.ROLE,
            role="Teammanager",
        ).text(text + unicodedata.normalize(text_form, " Ömer ook."))
        assert hidden == "Ik ben de teammanager. De teammanager zegt het zelf. Persoon A ook."


def test_a_name_typed_in_capitals_is_hidden_too() -> None:
    """Histories: a participant who chose 'role only' typed 'ZOË' into the text; parts of a
    name were matched only capitalised, so it was published."""
    pseudonymiser = Pseudonymiser(
        assign(["Karel"]),
        participant="Zoë de Kaka",
        name_display=NameDisplay.ROLE,
        role="Teammanager",
    )
    assert pseudonymiser.text("ZOË, DE KAKA en KAREL; roos en Roos.") == (
        "De teammanager, de teammanager en persoon A; roos en Roos."
    )
    first_only = Pseudonymiser(participant="Zoë de Kaka", name_display=NameDisplay.FIRST)
    assert first_only.text("ZOË DE KAKA, DE KAKA.") == "Zoë, Zoë."
