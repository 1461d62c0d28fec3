"""The draft .docx: structure, ids, comments, the template, golden files and LibreOffice.

Golden files (tests/goldens/draft-*.json) hold a normalised dump of two drafts (text, styles,
boxes, comments, ids; no bytes, no dates). They change only on purpose:
``pytest tests/test_draft_document.py --update-goldens``, then review the diff.
"""

import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx_dump import dump_docx
from helpers import IN_CI, pdf_text, require_tool

from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.drafting.draft import build_draft
from goodwork_pipeline.drafting.draft_document import (
    CONSENT_HEADING,
    DOC_TITLE,
    QUESTION_HEADING,
    QUOTE_HEADING,
    REQUIRED_STYLES,
    TITLE_HEADING,
    DraftInfo,
    render_draft,
    template_path,
    write_draft,
)
from goodwork_pipeline.drafting.draft_template import build_template
from goodwork_pipeline.drafting.guide import load_guide
from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.models import Beeld, Channel, NameDisplay, Section, Sentence
from goodwork_pipeline.review.decision import interpret
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.conversations import load_conversation

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "conversations"
GOLDEN = Path(__file__).parent / "goldens"
GUIDE = load_guide(bundled_templates_dir())
LABELS = [APPROVE_LABEL, *CHANNEL_BOXES.values(), *NAME_BOXES.values()]
WHEN = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)


def info(version: int = 1) -> DraftInfo:
    return DraftInfo(
        story_id="GW-7K3QM2XD",
        version=version,
        programme="Beelden van Goed Werk",
        participant="Ruud Jansen",
        date=dt.date(2026, 3, 12),
        interviewer="Sam",
        empty_note=GUIDE.empty_note,
        created=WHEN,
    )


def drafted(name: str):
    conversation = load_conversation(DATA / f"{name}.yaml")
    return build_draft(conversation.transcript(), conversation.sidecar, GUIDE)


@pytest.fixture(scope="module")
def ruud(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    draft = drafted("teammanager-ruud")
    path = tmp_path_factory.mktemp("draft") / "GW-7K3QM2XD-v1.docx"
    write_draft(draft.beeld, info(), path)
    return path, draft


def test_headings_follow_the_contract(ruud) -> None:
    path, draft = ruud
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    sections = [s.heading for s in draft.beeld.sections]
    assert headings == [
        "Zo werkt het",
        TITLE_HEADING,
        *sections,
        QUOTE_HEADING,
        QUESTION_HEADING,
        CONSENT_HEADING,
    ]
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_boxes_ids_and_comments_read_back_as_written(ruud) -> None:
    path, draft = ruud
    raw = read_document(path)
    boxes = [(p.text, p.checked) for p in raw.paragraphs if p.checked is not None]
    assert boxes == [(label, False) for label in LABELS]
    ids = raw.ids
    assert (ids.custom_property, ids.identifier, ids.custom_xml, ids.footer) == ("GW-7K3QM2XD",) * 4
    assert ids.version == 1 and ids.wording_version
    sentences = [s for sec in draft.beeld.sections for s in sec.sentences]
    stamps = [c.text for c in raw.comments if c.author == "goodwork"]
    # one per sentence, plus the title, each title idea and the quote
    assert len(stamps) == len(sentences) + 1 + len(draft.beeld.title_suggestions) + 1
    assert all(s.startswith("[") and s.endswith("]") and ":" in s for s in stamps)
    returned = interpret(raw, draft.beeld)
    assert returned is not None
    assert returned.beeld.canonical_text() == draft.beeld.canonical_text()


def test_every_sentence_has_its_time_in_the_margin(ruud) -> None:
    path, draft = ruud
    dump = dump_docx(path)
    on = {c["on"].strip(): c["text"] for c in dump["comments"]}
    for section in draft.beeld.sections:
        for sentence in section.sentences:
            minutes, seconds = divmod(int(sentence.start), 60)
            assert on[sentence.text] == f"[{minutes:02d}:{seconds:02d}]"


def test_an_empty_section_has_a_note_not_text(tmp_path: Path) -> None:
    draft = drafted("leercoach-fatima")
    path = write_draft(draft.beeld, info(), tmp_path / "d.docx")
    dump = dump_docx(path)
    notes = [c for c in dump["comments"] if c["text"] == GUIDE.empty_note]
    assert [n["on"] for n in notes] == ["Wat ik afwoog"]
    texts = [p["text"] for p in dump["paragraphs"]]
    after = texts[texts.index("Wat ik afwoog") + 1]
    assert after == ""  # nothing the participant did not say
    returned = interpret(read_document(path), draft.beeld)
    assert returned is not None and returned.beeld.sections[3].text == ""


def test_the_version_is_visible_and_hidden(tmp_path: Path) -> None:
    draft = drafted("student-noor")
    path = write_draft(draft.beeld, info(3), tmp_path / "d.docx")
    dump = dump_docx(path)
    assert "versie 3" in dump["paragraphs"][1]["text"]  # the subtitle
    assert dump["footer"] == "Beelden van Goed Werk · code GW-7K3QM2XD · versie 3"
    assert dump["custom_properties"]["goodwork_draft_version"] == "3"
    assert dump["core"]["identifier"] == "goodwork:GW-7K3QM2XD:v3"
    assert read_document(path).ids.version == 3


# The template --------------------------------------------------------------------------------


def test_the_committed_template_is_what_the_script_makes() -> None:
    committed = bundled_templates_dir() / "draft.docx"
    made = build_template()
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(io.BytesIO(made)) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in ("word/styles.xml", "word/document.xml", "word/footer1.xml"):
            assert a.read(name) == b.read(name), (
                f"{name}: run python -m goodwork_pipeline.drafting.draft_template"
            )


def test_the_template_carries_nothing_stale() -> None:
    with zipfile.ZipFile(bundled_templates_dir() / "draft.docx") as archive:
        names = archive.namelist()
        core = archive.read("docProps/core.xml").decode()
    assert not [n for n in names if "thumbnail" in n or n.startswith("customXml")]
    assert "word/stylesWithEffects.xml" not in names
    assert "python-docx" not in core
    document = docx.Document(str(bundled_templates_dir() / "draft.docx"))
    assert {s.name for s in document.styles} >= set(REQUIRED_STYLES)
    assert not any(p.text for p in document.paragraphs)


def test_a_restyled_template_is_used(tmp_path: Path) -> None:
    document = docx.Document(str(template_path(None)))
    document.styles["Heading 2"].font.size = docx.shared.Pt(20)
    document.save(str(tmp_path / "draft.docx"))
    assert template_path(tmp_path) == tmp_path / "draft.docx"
    draft = drafted("student-noor")
    data = render_draft(draft.beeld, info(), template=template_path(tmp_path))
    written = docx.Document(io.BytesIO(data))
    assert written.styles["Heading 2"].font.size == docx.shared.Pt(20)


def test_a_template_without_a_needed_style_is_a_clear_error(tmp_path: Path) -> None:
    document = docx.Document(str(template_path(None)))
    style = document.styles["Keuze"].element
    style.getparent().remove(style)
    document.save(str(tmp_path / "draft.docx"))
    with pytest.raises(TemplateError, match="Keuze") as caught:
        render_draft(drafted("student-noor").beeld, info(), template=tmp_path / "draft.docx")
    assert "niet verwijderen" in caught.value.nl
    (tmp_path / "kapot.docx").write_bytes(b"geen docx")
    with pytest.raises(TemplateError, match="cannot be opened"):
        render_draft(drafted("student-noor").beeld, info(), template=tmp_path / "kapot.docx")


# Golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["teammanager-ruud", "leercoach-fatima"])
def test_draft_matches_its_golden_file(name: str, tmp_path: Path, update_goldens: bool) -> None:
    draft = drafted(name)
    path = write_draft(draft.beeld, info(), tmp_path / "draft.docx")
    actual = json.dumps(dump_docx(path), ensure_ascii=False, indent=1) + "\n"
    golden = GOLDEN / f"draft-{name}.json"
    if update_goldens:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        pytest.skip(f"rewrote {golden.name}: review the diff before committing")
    assert golden.is_file(), f"{golden} is missing: run pytest --update-goldens on purpose"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"the draft differs from {golden.name}; if the change is intended, run "
        "pytest tests/test_draft_document.py --update-goldens and review the diff"
    )


# LibreOffice -----------------------------------------------------------------------------------


def soffice(tmp_path: Path, *args: str) -> None:
    require_tool("soffice")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", *args],
        check=True,
        capture_output=True,
        timeout=240,
    )


@pytest.mark.slow
def test_libreoffice_renders_the_draft_to_pdf(ruud, tmp_path: Path) -> None:
    path, draft = ruud
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(tmp_path), str(path))
    pdf = tmp_path / (path.stem + ".pdf")
    assert pdf.is_file()
    text = pdf_text(pdf)
    for expected in ("Zo werkt het", TITLE_HEADING, CONSENT_HEADING, *LABELS):
        assert expected in text.replace("\r", ""), expected
    assert draft.beeld.sections[1].sentences[0].text[:40] in " ".join(text.split())
    assert "code GW-7K3QM2XD · versie 1" in text


@pytest.mark.slow
def test_libreoffice_keeps_boxes_headings_ids_and_comments(ruud, tmp_path: Path) -> None:
    """Opened and saved by LibreOffice (as a participant would), everything reads back."""
    path, draft = ruud
    out = tmp_path / "out"
    soffice(tmp_path, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path))
    saved = read_document(out / path.name)
    assert [(p.text, p.checked) for p in saved.paragraphs if p.checked is not None] == [
        (label, False) for label in LABELS
    ]
    assert saved.ids.story_id == "GW-7K3QM2XD" and saved.ids.version == 1
    assert saved.ids.footer == "GW-7K3QM2XD"
    original = read_document(path)
    assert [c.text for c in saved.comments] == [c.text for c in original.comments]
    returned = interpret(saved, draft.beeld)
    assert returned is not None
    assert returned.beeld.canonical_text() == draft.beeld.canonical_text()


def uno_python() -> str:
    python = shutil.which("python3", path="/usr/bin")
    ok = (
        python and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0
    )
    if not ok:
        message = "LibreOffice's Python (python3-uno) is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return str(python)


@pytest.mark.slow
def test_boxes_can_be_ticked_in_libreoffice(ruud, tmp_path: Path) -> None:
    """LibreOffice ticks the content controls itself (UNO), saves, and the reader agrees."""
    require_tool("soffice")
    path, draft = ruud
    ticked = tmp_path / "aangekruist.docx"
    wanted = [APPROVE_LABEL, CHANNEL_BOXES[Channel.WEBSITE], NAME_BOXES[NameDisplay.FIRST]]
    result = subprocess.run(
        [
            uno_python(),
            str(ROOT / "tests" / "tools" / "lo_tick.py"),
            str(path),
            str(ticked),
            str(tmp_path / "lo-profile"),
            *wanted,
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "3"
    raw = read_document(ticked)
    assert {p.text for p in raw.paragraphs if p.checked} == set(wanted)
    returned = interpret(raw, draft.beeld)
    assert returned is not None and returned.choices.approved
    assert returned.choices.channels == {Channel.WEBSITE}
    assert returned.choices.name_display == NameDisplay.FIRST


def _sized_beeld(words: int) -> Beeld:
    """A beeld whose last section has ``words`` words: a sweep of these crosses a page end."""
    sections = [
        Section(s.key, s.heading, (Sentence("Dit zei ik in het gesprek.", 1.0, 2.0, (i,)),))
        for i, s in enumerate(GUIDE.sections)
    ]
    longest = Sentence(" ".join(["werk"] * words) + ".", 3.0, 4.0, (99,))
    sections[-1] = replace(sections[-1], sentences=(longest,))
    return Beeld(
        title="Dit zei ik",
        sections=tuple(sections),
        quote="Dit zei ik in het gesprek.",
        closing_question=GUIDE.closing_question,
        title_suggestions=("Dit zei ik",),
    )


def _pdf_pages(folder: Path, tmp_path: Path, counts: Sequence[int]) -> dict[int, list[str]]:
    """Each draft of the sweep rendered by LibreOffice: its pages' text, footer left out."""
    for words in counts:
        write_draft(_sized_beeld(words), info(), folder / f"w{words:04d}.docx")
    out = folder / "pdf"
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(out), *map(str, folder.glob("*.docx")))
    footer = "Beelden van Goed Werk · code GW-7K3QM2XD · versie 1"
    pages = {}
    for words in counts:
        document = pdfium.PdfDocument(str(out / f"w{words:04d}.pdf"))
        try:
            pages[words] = [
                page.get_textpage().get_text_range().replace(footer, "").strip()
                for page in document
            ]
        finally:
            document.close()
    return pages


@pytest.mark.slow
def test_no_empty_page_when_the_beeld_fills_its_page(tmp_path: Path) -> None:
    """A beeld that ends at the very bottom of its page: the consent part follows on the next
    page, with no empty page between (an empty paragraph holding a page break gave one).

    First a coarse sweep finds the last length at which the beeld still fits on page 2, then
    a sweep word by word up to the next length fills that page to less than a line."""
    coarse = range(0, 480, 12)
    pages = _pdf_pages(tmp_path / "coarse", tmp_path, coarse)
    fits = [w for w in coarse if len(pages[w]) >= 2 and QUESTION_HEADING in pages[w][1]]
    assert fits and fits[-1] < coarse[-1], "the sweep never crossed the end of page 2"
    fine = range(fits[-1] + 1, fits[-1] + 12)
    pages |= _pdf_pages(tmp_path / "fine", tmp_path, fine)
    for words, texts in pages.items():
        assert all(texts), f"{words} words: page {texts.index('') + 1} is empty"
        assert texts[0].startswith(DOC_TITLE)
        assert texts[1].startswith(TITLE_HEADING), f"{words} words: the beeld starts mid-page"
        assert texts[-1].startswith(CONSENT_HEADING), f"{words} words: consent starts mid-page"
        beeld_fits = QUESTION_HEADING in texts[1]
        assert len(texts) == (3 if beeld_fits else 4), (words, len(texts))
