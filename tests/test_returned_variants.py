"""Hand-made returned drafts, as Word, LibreOffice and people leave them."""

from pathlib import Path

import pytest
from docx_edits import Docx, edit

from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.drafting.draft_document import DraftInfo, write_draft
from goodwork_pipeline.models import Beeld, Channel, NameDisplay, Section, Sentence
from goodwork_pipeline.review.decision import Outcome, decide, interpret
from goodwork_pipeline.review.returned_document import read_document

BEELD = Beeld(
    title="Luisteren naar wat iemand wil",
    sections=(
        Section("wie", "Wie ik ben", (Sentence("Ik ben teammanager.", 1.0, 3.0, (0,)),)),
        Section(
            "puzzel",
            "De puzzel",
            (
                Sentence("Een bewoner wilde niet meer eten.", 4.0, 7.5, (1,)),
                Sentence("Haar dochter wilde dat wij haar dwongen.", 7.5, 10.0, (2,)),
            ),
        ),
        Section("deed", "Wat ik deed", (Sentence("Ik ging met de dochter praten.", 11.0, 13.0),)),
        Section("afweging", "Wat ik afwoog", (Sentence("Regels tegenover wensen.", 14.0, 15.0),)),
    ),
    quote="Goed werk is dat je echt luistert.",
    closing_question="Wat is jouw beeld van goed werk?",
)
INFO = DraftInfo(story_id="GW-ABCD1234", version=2, programme="Beelden van Goed Werk")
WEBSITE, SOCIAL = CHANNEL_BOXES[Channel.WEBSITE], CHANNEL_BOXES[Channel.SOCIAL]
GROUP = CHANNEL_BOXES[Channel.GROUP]
FIRST, FULL = NAME_BOXES[NameDisplay.FIRST], NAME_BOXES[NameDisplay.FULL]


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return write_draft(BEELD, INFO, tmp_path / "draft.docx")


def read(path: Path, draft: Path):
    returned = interpret(read_document(path), BEELD, read_document(draft))
    assert returned is not None
    return returned, decide(returned, current_version=2, file_name=path.name)


def tick(*labels: str):
    def change(doc: Docx) -> None:
        for label in labels:
            doc.tick_content_control(label)

    return change


def section(returned, key: str) -> str:
    return next(s.text for s in returned.beeld.sections if s.key == key)


def test_word_style_tracked_changes_content_controls_and_a_comment(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "Document1.docx",
        lambda d: d.track_replace("wilde niet meer eten", "at al dagen niets meer"),
        lambda d: d.track_insert_paragraph_after("Ik ging met de dochter", "Dat was spannend."),
        lambda d: d.add_comment("Ik ben teammanager.", "Al twaalf jaar, schrijf dat erbij."),
        tick(APPROVE_LABEL, WEBSITE, SOCIAL, FIRST),
    )
    returned, decision = read(path, draft)
    assert returned.story_id == "GW-ABCD1234" and returned.version == 2
    assert section(returned, "puzzel").startswith("Een bewoner at al dagen niets meer.")
    assert "wilde niet meer eten" not in returned.beeld.canonical_text()
    assert section(returned, "deed") == "Ik ging met de dochter praten. Dat was spannend."
    assert returned.choices.channels == {Channel.WEBSITE, Channel.SOCIAL}
    assert returned.choices.name_display == NameDisplay.FIRST
    [comment] = returned.comments  # goodwork's own timestamp comments are not theirs
    assert comment.author == "Anna" and comment.anchor == "Ik ben teammanager."
    assert decision.outcome == Outcome.APPROVED and not returned.wording_changes


def test_moves_and_a_deleted_paragraph_mark_are_accepted(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.track_move("Regels tegenover wensen.", "Ik ging met de dochter"),
        lambda d: d.delete_paragraph_mark("Ik ging met de dochter"),
        tick(APPROVE_LABEL, GROUP),
    )
    returned, decision = read(path, draft)
    # the moved sentence is where it was moved to, once; the heading after the joined
    # paragraph became part of it, so 'Wat ik afwoog' is gone as a heading
    text = returned.beeld.canonical_text()
    assert text.count("Regels tegenover wensen.") == 1
    assert section(returned, "deed").startswith("Regels tegenover wensen. Ik ging met")
    assert decision.outcome == Outcome.APPROVED


def test_text_in_block_content_controls_and_tables_is_read(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.wrap_in_content_control("Wie ik ben", "Haar dochter wilde"),
        lambda d: d.put_in_table("Ik ging met de dochter"),
        tick(APPROVE_LABEL, WEBSITE),
    )
    returned, decision = read(path, draft)
    assert section(returned, "wie") == "Ik ben teammanager."
    assert "Een bewoner wilde niet meer eten." in section(returned, "puzzel")
    assert section(returned, "deed") == "Ik ging met de dochter praten."
    assert decision.outcome == Outcome.APPROVED


def test_restyled_and_slightly_renamed_headings_are_still_found(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.restyle("De puzzel", style=None, bold=True),  # plain text, bold
        lambda d: d.restyle("Wie ik ben", style="Normal"),  # plain text, same words
        lambda d: d.set_text("Wat ik deed", "Wat ik gedaan heb"),  # renamed, still a heading
        lambda d: d.set_text("Wat ik afwoog", "Wat ik afwoog:"),
        tick(APPROVE_LABEL, WEBSITE),
    )
    returned, decision = read(path, draft)
    assert section(returned, "wie") == "Ik ben teammanager."
    assert section(returned, "puzzel").startswith("Een bewoner wilde")
    assert section(returned, "deed") == "Ik ging met de dochter praten."
    assert section(returned, "afweging") == "Regels tegenover wensen."
    assert ("Wat ik deed", "Wat ik gedaan heb") in returned.renamed_headings
    assert returned.missing_headings == ()
    assert decision.outcome == Outcome.APPROVED


def test_legacy_form_checkboxes(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "oud-word.docx",
        lambda d: d.to_legacy_checkboxes({APPROVE_LABEL, GROUP, FULL}),
    )
    returned, decision = read(path, draft)
    assert returned.choices.approved
    assert returned.choices.channels == {Channel.GROUP}
    assert returned.choices.name_display == NameDisplay.FULL
    assert decision.outcome == Outcome.APPROVED


@pytest.mark.parametrize("mark", ["X", "x", "[x]", "[X]", "☒", "(x)", "✓"])
def test_boxes_typed_by_hand(draft, tmp_path, mark) -> None:
    path = edit(
        draft,
        tmp_path / "getypt.docx",
        lambda d: d.to_typed_boxes({APPROVE_LABEL: mark, WEBSITE: mark, FIRST: mark}),
    )
    returned, decision = read(path, draft)
    assert returned.choices.approved, mark
    assert returned.choices.channels == {Channel.WEBSITE}
    assert returned.choices.name_display == NameDisplay.FIRST
    assert decision.outcome == Outcome.APPROVED
    assert not returned.wording_changes  # a typed box is not a change of wording


def test_an_x_typed_next_to_an_unticked_content_control_counts(draft, tmp_path) -> None:
    def type_x(d: Docx) -> None:
        for label in (APPROVE_LABEL, SOCIAL):
            d.set_text(label, "X " + label)

    returned, _ = read(edit(draft, tmp_path / "x.docx", type_x), draft)
    assert returned.choices.approved and returned.choices.channels == {Channel.SOCIAL}


def test_a_wingdings_box_from_insert_symbol(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        tick(APPROVE_LABEL),
        lambda d: d.to_symbol_box(WEBSITE, "F0FE"),
        lambda d: d.to_symbol_box(SOCIAL, "F0A8"),
    )
    returned, _ = read(path, draft)
    assert returned.choices.channels == {Channel.WEBSITE}


def test_two_name_choices_are_contradictory(draft, tmp_path) -> None:
    path = edit(draft, tmp_path / "x.docx", tick(APPROVE_LABEL, WEBSITE, FIRST, FULL))
    _returned, decision = read(path, draft)
    assert decision.outcome == Outcome.CONTRADICTORY and not decision.accepts_consent
    assert "naam" in decision.message_nl and "name" in decision.message


def test_a_box_ticked_and_unticked_twice_is_contradictory(draft, tmp_path) -> None:
    def twice(d: Docx) -> None:
        d.duplicate_paragraph(WEBSITE)
        d.tick_content_control(APPROVE_LABEL)
        d.tick_content_control(WEBSITE)  # the first copy only

    returned, decision = read(edit(draft, tmp_path / "x.docx", twice), draft)
    assert decision.outcome in (Outcome.CONTRADICTORY, Outcome.WORDING_CHANGED)
    assert any("twee keer" in c for c in returned.contradictions_nl)


def test_a_box_that_shows_unticked_but_is_stored_ticked_is_contradictory(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        tick(APPROVE_LABEL),
        lambda d: d.tick_content_control(WEBSITE, glyph="☐", stored=True),
    )
    _, decision = read(path, draft)
    assert decision.outcome == Outcome.CONTRADICTORY


def test_changed_consent_wording_is_never_accepted(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.set_text(WEBSITE, "de website van het programma, maar zonder foto"),
        tick(APPROVE_LABEL, SOCIAL, FIRST),
    )
    _returned, decision = read(path, draft)
    assert decision.outcome == Outcome.WORDING_CHANGED and not decision.accepts_consent
    assert "zonder foto" in decision.message_nl
    assert "never accepted" in decision.message


def test_a_condition_added_under_the_boxes_is_a_change_of_wording(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.append_paragraph_after(SOCIAL, "Alleen als mijn werkgever akkoord is."),
        tick(APPROVE_LABEL, SOCIAL),
    )
    _, decision = read(path, draft)
    assert decision.outcome == Outcome.WORDING_CHANGED


def test_a_comment_on_the_consent_part_needs_staff(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.add_comment(SOCIAL, "Liever niet op X."),
        tick(APPROVE_LABEL, SOCIAL),
    )
    returned, decision = read(path, draft)
    assert decision.outcome == Outcome.WORDING_CHANGED
    assert returned.consent_comments[0].text == "Liever niet op X."


def test_name_and_date_filled_in_and_instructions_edited_are_fine(draft, tmp_path) -> None:
    path = edit(
        draft,
        tmp_path / "x.docx",
        lambda d: d.set_text("Naam:", "Naam: Anna de Vries"),
        lambda d: d.set_text("Datum:", "Datum: 20 maart 2026"),
        lambda d: d.set_text("Niets wordt gedeeld zonder jouw ja.", "Gelezen!"),
        tick(APPROVE_LABEL, WEBSITE),
    )
    returned, decision = read(path, draft)
    assert decision.outcome == Outcome.APPROVED
    assert returned.signer == "Anna de Vries"
    [change] = returned.instruction_changes
    assert change.after.startswith("Gelezen!") and "Niets wordt gedeeld" not in change.after


def test_placeholder_text_of_an_empty_content_control_is_not_text(draft, tmp_path) -> None:
    from lxml import etree

    from goodwork_pipeline.review.returned_text import W

    def placeholder(d: Docx) -> None:
        p = d.paragraph("Ik ging met de dochter")
        sdt = etree.SubElement(p, f"{W}sdt")
        etree.SubElement(etree.SubElement(sdt, f"{W}sdtPr"), f"{W}showingPlcHdr")
        run = etree.SubElement(etree.SubElement(sdt, f"{W}sdtContent"), f"{W}r")
        etree.SubElement(run, f"{W}t").text = "Klik hier om tekst in te voeren."

    returned, _ = read(edit(draft, tmp_path / "x.docx", placeholder), draft)
    assert section(returned, "deed") == "Ik ging met de dochter praten."


@pytest.mark.parametrize(
    "keep",
    ["custom_property", "identifier", "custom_xml", "footer"],
)
def test_the_id_survives_in_any_one_of_its_four_places(draft, tmp_path, keep) -> None:
    doc = Docx(draft)
    if keep != "custom_property":
        doc.drop("docProps/custom.xml")
    if keep != "identifier":
        core = doc.parts["docProps/core.xml"].decode()
        doc.parts["docProps/core.xml"] = core.replace("goodwork:GW-ABCD1234:v2", "").encode()
    if keep != "custom_xml":
        doc.drop(*[n for n in doc.parts if n.startswith("customXml/")])
    if keep != "footer":
        for name in [n for n in doc.parts if n.startswith("word/footer")]:
            doc.parts[name] = doc.parts[name].replace(b"GW-ABCD1234", b"")
    ids = read_document(doc.save(tmp_path / "zomaar een naam.docx")).ids
    assert ids.story_id == "GW-ABCD1234"
    assert getattr(ids, keep) == "GW-ABCD1234"
    assert ids.version == 2


def test_untouched_draft_against_its_own_sent_copy_has_no_changes(draft) -> None:
    returned, decision = read(draft, draft)
    assert not returned.wording_changes and not returned.instruction_changes
    assert decision.outcome == Outcome.NOT_APPROVED
