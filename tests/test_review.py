"""Reading returned drafts: ids, text, ticked boxes, and what they mean."""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from goodwork_pipeline.drafting.draft_document import DraftInfo, write_draft
from goodwork_pipeline.errors import DocumentError
from goodwork_pipeline.models import Beeld, Channel, NameDisplay, Section, Sentence
from goodwork_pipeline.review.decision import Outcome, decide, interpret
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.testing.samples import DEMO_NOTE, fill_in_as_participant

BEELD = Beeld(
    title="Luisteren naar wat iemand wil",
    sections=(
        Section("wie", "Wie ik ben", (Sentence("Ik ben teammanager.", 1.0, 3.0, (0,)),)),
        Section(
            "puzzel",
            "De puzzel",
            (Sentence("Een bewoner wilde niet meer eten.", 4.0, 7.5, (1,)),),
        ),
    ),
    quote="Goed werk is dat je echt luistert en samen zoekt naar wat iemand wil.",
    closing_question="Wat is jouw beeld van goed werk?",
)
INFO = DraftInfo(story_id="GW-ABCD1234", version=2, programme="Beelden van Goed Werk")


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return write_draft(BEELD, INFO, tmp_path / "draft.docx")


def returned(draft: Path, tmp_path: Path, **choices) -> Path:
    return fill_in_as_participant(draft, tmp_path / "Mijn verhaal (1).docx", **choices)


def test_draft_carries_the_id_four_ways(draft: Path) -> None:
    raw = read_document(draft)
    assert raw.ids.custom_property == "GW-ABCD1234"
    assert raw.ids.identifier == "GW-ABCD1234"
    assert raw.ids.custom_xml == "GW-ABCD1234"
    assert raw.ids.footer == "GW-ABCD1234"
    assert raw.ids.version == 2


def test_draft_is_a4_with_the_sections_as_headings(draft: Path) -> None:
    document = docx.Document(str(draft))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Wie ik ben" in headings and "De puzzel" in headings and "Jouw toestemming" in headings


def test_untouched_draft_is_not_approved(draft: Path) -> None:
    result = interpret(read_document(draft), BEELD)
    assert result is not None
    assert not result.choices.approved and not result.choices.channels
    assert decide(result, current_version=2, file_name="x.docx").outcome == Outcome.NOT_APPROVED


def test_ticked_boxes_and_edited_text_are_read(draft: Path, tmp_path: Path) -> None:
    path = returned(
        draft,
        tmp_path,
        channels=[Channel.WEBSITE, Channel.GROUP],
        name_display=NameDisplay.FULL,
        replace={"wilde niet meer eten": "at al dagen niets meer"},
    )
    result = interpret(read_document(path), BEELD)
    assert result is not None
    assert result.choices.approved
    assert result.choices.channels == {Channel.WEBSITE, Channel.GROUP}
    assert result.choices.name_display == NameDisplay.FULL
    assert result.beeld.title == BEELD.title
    puzzel = result.beeld.sections[1]
    assert puzzel.text == "Een bewoner at al dagen niets meer."
    assert result.beeld.quote == BEELD.quote
    assert DEMO_NOTE not in result.beeld.canonical_text()
    decision = decide(result, current_version=2, file_name=path.name)
    assert decision.outcome == Outcome.APPROVED and decision.publishable


def test_unchanged_sentences_keep_their_source_time(draft: Path, tmp_path: Path) -> None:
    result = interpret(read_document(returned(draft, tmp_path)), BEELD)
    assert result is not None
    assert result.beeld.sections[0].sentences[0].start == 1.0


def test_approved_without_channel_publishes_nothing(draft: Path, tmp_path: Path) -> None:
    result = interpret(read_document(returned(draft, tmp_path, channels=[])), BEELD)
    assert result is not None
    decision = decide(result, current_version=2, file_name="x.docx")
    assert decision.outcome == Outcome.APPROVED_NO_CHANNEL and not decision.publishable


def test_two_name_choices_contradict(draft: Path, tmp_path: Path) -> None:
    path = returned(draft, tmp_path, name_display=[NameDisplay.FULL, NameDisplay.ROLE])
    result = interpret(read_document(path), BEELD)
    assert result is not None
    decision = decide(result, current_version=2, file_name="x.docx")
    assert decision.outcome == Outcome.CONTRADICTORY and not decision.publishable


def test_older_version_is_stale(draft: Path, tmp_path: Path) -> None:
    result = interpret(read_document(returned(draft, tmp_path)), BEELD)
    assert result is not None
    decision = decide(result, current_version=3, file_name="x.docx")
    assert decision.outcome == Outcome.STALE and "versie 2" in decision.message_nl


def test_no_name_choice_means_no_name(draft: Path, tmp_path: Path) -> None:
    result = interpret(read_document(returned(draft, tmp_path, name_display=None)), BEELD)
    assert result is not None and result.choices.name_display == NameDisplay.ROLE


def test_foreign_word_document_has_no_id(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    document = docx.Document()
    document.add_paragraph("Curriculum vitae")
    document.save(str(path))
    assert read_document(path).ids.story_id is None


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("leeg.docx", b"", "empty"),
        ("tekst.docx", b"gewoon tekst", "not a .docx"),
        ("oud.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password-protected"),
    ],
)
def test_unreadable_documents_are_refused_clearly(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=fragment) as error:
        read_document(path)
    assert name in str(error.value)


def test_macro_document_is_refused(draft: Path, tmp_path: Path) -> None:
    path = tmp_path / "concept.docm"
    path.write_bytes(draft.read_bytes())
    with pytest.raises(DocumentError, match="macro"):
        read_document(path)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    path = tmp_path / "bom.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(DocumentError, match="zip bomb"):
        read_document(path)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = tmp_path / "entiteiten.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", bomb)
    with pytest.raises(DocumentError, match="entity"):
        read_document(path)


def test_path_traversal_inside_zip_is_refused(draft: Path, tmp_path: Path) -> None:
    path = tmp_path / "pad.docx"
    path.write_bytes(draft.read_bytes())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../evil.txt", b"x")
    with pytest.raises(DocumentError, match="unsafe path"):
        read_document(path)
