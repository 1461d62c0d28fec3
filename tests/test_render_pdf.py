"""The PDF: every section, the quote, the question, metadata, Dutch, tagged (PDF/UA-1)."""

import datetime as dt

import pytest
from publishing import contains_words, pdf_internals, pdf_metadata, pdf_text_of, words

from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import public_view
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.sample_beelden import ANNA, long_beeld


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(bundled_templates_dir())


def view_of(beeld, display=NameDisplay.FIRST):
    return public_view(
        beeld, ANNA.sidecar, display, programme="Beelden van Goed Werk", date=dt.date(2026, 3, 12)
    )


@pytest.mark.parametrize("make", [lambda: ANNA.beeld, lambda: long_beeld(4)], ids=["anna", "long"])
def test_pdf_text_contains_every_section(renderer, make) -> None:
    view = view_of(make())
    pdf = renderer.pdf(view)
    text = words(pdf_text_of(pdf))
    for section in view.sections:
        assert contains_words(text, words(section.heading)), section.heading
        for sentence in section.sentences:
            assert contains_words(text, words(sentence.text)), sentence.text
    for part in (view.title, view.quote, view.closing_question, "Vraag aan jou"):
        assert contains_words(text, words(part)), part
    for part in ("Anna", "Teammanager", "Zorggroep De Linde", "12 maart 2026"):
        assert contains_words(text, words(part)), part
    assert "Vries" not in pdf_text_of(pdf)  # first name only, as chosen


def test_a_long_beeld_runs_over_pages_with_a_running_header_and_page_numbers(renderer) -> None:
    pdf = renderer.pdf(view_of(long_beeld(4)))
    text = pdf_text_of(pdf)
    assert "1 / 2" in text or "1 / 3" in text
    assert "Beelden van Goed Werk · Een heel lange titel" in text  # header from page 2 on


def test_pdf_metadata_language_and_tags(renderer) -> None:
    pdf = renderer.pdf(view_of(ANNA.beeld))
    metadata = pdf_metadata(pdf)
    assert metadata["Title"] == ANNA.beeld.title
    assert metadata["Author"] == "Anna"
    assert metadata["Subject"] == ANNA.beeld.quote
    assert "Beelden van Goed Werk" in metadata["Keywords"]
    assert metadata["CreationDate"].startswith("D:20260312")
    internals = pdf_internals(pdf)
    assert "/Lang (nl)" in internals
    assert "/StructTreeRoot" in internals and "/Marked true" in internals
    assert 'pdfuaid:part="1"' in internals or "<pdfuaid:part>1</pdfuaid:part>" in internals
    for tag in ("/H1", "/H2", "/BlockQuote", "/P", "/Art", "/Sect"):
        assert f"/S {tag}" in internals, tag
    assert "/Artifact" in internals  # backgrounds and rules are artifacts (see README)
    assert "/DisplayDocTitle true" in internals


def test_role_only_pdf_has_no_name_in_text_or_metadata(renderer) -> None:
    pdf = renderer.pdf(view_of(ANNA.beeld, NameDisplay.ROLE))
    assert pdf_metadata(pdf)["Author"] == "Beelden van Goed Werk"
    assert "Anna" not in pdf_text_of(pdf).replace("Ik ben Anna", "")  # the view is not yet
    # pseudonymised here: sync_story hides the name in the text too (test_publish_assets)
