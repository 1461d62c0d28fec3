"""Golden files for rendered texts and HTML, and the PDF's text and page count.

A change to a template shows up here as a diff. When the change is intended, regenerate
with ``pytest tests/test_goldens.py --update-goldens`` and review ``git diff tests/goldens``.
A missing golden file fails; it is never written silently.
"""

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from publishing import consented_story, folder_of, pdf_text_of

from goodwork_pipeline.models import NameDisplay
from goodwork_pipeline.privacy.pseudonymise import Pseudonymiser, assign
from goodwork_pipeline.publishing.outbox import OVERVIEW
from goodwork_pipeline.publishing.platform_texts import PLATFORMS
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.publishing.view import public_view
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.testing.sample_beelden import ANNA, SARA

GOLDENS = Path(__file__).parent / "goldens"


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDENS / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {name} is missing; create it with --update-goldens")
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{name} differs; if intended, run with --update-goldens"

    return check


@pytest.fixture(scope="module")
def view():
    pseudonymiser = Pseudonymiser(assign(ANNA.sidecar.pseudonymise))
    return public_view(
        pseudonymiser.beeld(ANNA.beeld),
        ANNA.sidecar,
        NameDisplay.FIRST,
        programme="Beelden van Goed Werk",
        date=dt.date(2026, 3, 12),
    )


@pytest.mark.parametrize("platform", [p.key for p in PLATFORMS])
def test_platform_texts(golden, view, platform) -> None:
    renderer = Renderer(bundled_templates_dir())
    golden(f"{platform}.txt", renderer.platform_text(view, platform, link=True).text)


def test_website_fragment_and_markdown(golden, view) -> None:
    renderer = Renderer(bundled_templates_dir())
    golden("website.html", renderer.website_html(view))
    golden("website.md", renderer.markdown(view))


def running_text(text: str) -> str:
    """The PDF's words in reading order, without where its lines happened to break.

    Line breaks and the hyphens WeasyPrint inserts there (U+2010) follow from glyph widths,
    not from content; the words, their order and the page count are what the golden pins.
    Rewrapped at 100 columns so that a change still shows as a readable diff.
    """
    text = text.replace("\r\n", "\n").replace("\u2010\n", "").replace("-\n", "-")
    return textwrap.fill(" ".join(text.split()), 100)


def test_running_text_ignores_line_breaks_only() -> None:
    assert running_text("Auto\u2010\nnomie houdt\r\nniet op") == "Autonomie houdt niet op"
    assert running_text("zorg-\nverlener") == "zorg-verlener"
    assert running_text("Auto\u2010\nnomie") != running_text("Autonomie niet")


def test_pdf_text_and_page_count(golden, view) -> None:
    data = Renderer(bundled_templates_dir()).pdf(view)
    import pypdfium2 as pdfium

    text = running_text(pdf_text_of(data))
    pages = len(pdfium.PdfDocument(data))
    golden("beeld.pdf.txt", f"pages: {pages}\n\n{text}\n")


def test_overview_page(golden, pipeline) -> None:
    consented_story(pipeline, ANNA.beeld, ANNA.sidecar, name_display=NameDisplay.FIRST)
    consented_story(pipeline, SARA.beeld, SARA.sidecar, name_display=NameDisplay.ROLE)
    html = (pipeline.settings.outbox_dir / OVERVIEW).read_text(encoding="utf-8")
    for story in pipeline.store.stories():  # story codes are random: name them by folder
        html = html.replace(story.id, f"GW-{folder_of(pipeline, story.id).name[11:19].upper()}")
    golden("overview.html", html)
