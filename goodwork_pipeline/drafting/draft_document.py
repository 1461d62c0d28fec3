"""Writing the draft ``.docx`` the participant corrects in Word or LibreOffice.

The styles come from ``templates/draft.docx`` (see ``draft_template.py``): staff restyle the
draft there without touching code. The document has four parts, each starting at a fixed
heading the reader of returned drafts looks for (keep these stable: issue 5 reads them):

1. the cover note ("Zo werkt het") and the title suggestions;
2. the beeld, from the heading ``Titel`` to the closing question: the guide's section headings,
   then ``Citaat`` and ``Vraag aan de lezer``. Every sentence carries a comment ``[mm:ss]``
   (author ``goodwork``): where in the recording it was said. A section the conversation did
   not reach stays empty, with a note in the margin;
3. the consent form (``Jouw toestemming``, written by ``draft_consent_form.py``): real Word
   content-control checkboxes, each a paragraph of the box and exactly its label from
   ``consent_wording.py``;
4. a footer with the short story code and the draft version.

The story id and version are also hidden three ways (custom document property,
``dc:identifier``, a custom XML part; ``draft_properties.py``), because word processors keep
different subsets.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from goodwork_pipeline.consent_wording import CONSENT_HEADING
from goodwork_pipeline.drafting.draft_consent_form import add_consent_form
from goodwork_pipeline.drafting.draft_properties import drop_foreign_parts, set_properties
from goodwork_pipeline.drafting.draft_template import TEMPLATE_FILE
from goodwork_pipeline.drafting.guide import DEFAULT_EMPTY_NOTE
from goodwork_pipeline.errors import TemplateError
from goodwork_pipeline.files import atomic_write_bytes
from goodwork_pipeline.intake.transcript_files import format_timestamp
from goodwork_pipeline.models import Beeld, Sentence
from goodwork_pipeline.settings import bundled_templates_dir
from goodwork_pipeline.text_nl import date_nl

DOC_TITLE = "Jouw beeld van goed werk"
INSTRUCTIONS_HEADING = "Zo werkt het"
TITLE_HEADING = "Titel"
QUOTE_HEADING = "Citaat"
QUESTION_HEADING = "Vraag aan de lezer"

COMMENT_AUTHOR = "goodwork"

# Styles the draft needs from the template (staff may restyle them, not remove them).
REQUIRED_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Quote",
    "List Bullet",
    "Footer",
    "Toelichting",
    "Beeldtitel",
    "Beeldtekst",
    "Slotvraag",
    "Keuze",
    "Keuzevraag",
    "Invulregel",
)
PARAGRAPH_WORDS = 45  # a new paragraph after this many words, where the answer paused


@dataclass(frozen=True)
class DraftInfo:
    story_id: str
    version: int
    programme: str
    participant: str | None = None
    date: dt.date | None = None
    interviewer: str | None = None
    empty_note: str = DEFAULT_EMPTY_NOTE
    created: dt.datetime | None = None  # for the document's and comments' dates
    # third parties found in the text: (name as written, the note beside its first mention)
    name_notes: tuple[tuple[str, str], ...] = ()


def instructions(info: DraftInfo) -> list[tuple[str, str]]:
    """The cover note: (bold lead, text) pairs."""
    hello = f"Beste {info.participant.split()[0]}," if info.participant else "Hallo,"
    to_whom = f"naar {info.interviewer}" if info.interviewer else "naar ons"
    return [
        ("", hello),
        (
            "",
            "Dank je wel voor het gesprek. Hierna staat je verhaal zoals wij het uit het gesprek "
            "hebben opgeschreven, zoveel mogelijk in je eigen woorden. Het is een concept: jij "
            "bepaalt hoe het wordt.",
        ),
        (
            "Verbeteren. ",
            "Lees de tekst rustig door en pas aan wat niet klopt of wat je anders wilt zeggen. "
            "Je mag zinnen veranderen, schrappen en toevoegen. In de kantlijn staat bij elke "
            "zin een tijd, zoals [03:12]: daar in de opname komt de zin vandaan. Wil je iets "
            "uitleggen of vragen? Zet het gerust als opmerking in de kantlijn.",
        ),
        (
            "Kiezen. ",
            "Op de laatste pagina kies je of en waar je beeld gedeeld mag worden en hoe je naam "
            "erbij komt. Klik op een vakje om het aan te kruisen.",
        ),
        (
            "Terugsturen. ",
            f"Sla het bestand op als Word-document (.docx) en stuur het terug {to_whom}. De "
            "naam van het bestand mag je veranderen: aan de code onderaan de pagina herkennen "
            "we je verhaal.",
        ),
        (
            "Niets wordt gedeeld zonder jouw ja. ",
            "Je kunt later altijd nog van gedachten veranderen; laat het ons dan weten.",
        ),
    ]


def write_draft(beeld: Beeld, info: DraftInfo, path: Path, *, template: Path | None = None) -> Path:
    """Write the draft document atomically to ``path``."""
    return atomic_write_bytes(path, render_draft(beeld, info, template=template))


def template_path(templates_dir: Path | None) -> Path:
    """The draft template in a templates folder, else the bundled one."""
    if templates_dir is not None and (templates_dir / TEMPLATE_FILE).is_file():
        return templates_dir / TEMPLATE_FILE
    return bundled_templates_dir() / TEMPLATE_FILE


def render_draft(beeld: Beeld, info: DraftInfo, *, template: Path | None = None) -> bytes:
    document = _open_template(template or template_path(None))
    when = info.created or dt.datetime.now(dt.UTC)
    writer = _Writer(document, when, info.name_notes)
    _page_setup(document)
    set_properties(
        document,
        story_id=info.story_id,
        version=info.version,
        programme=info.programme,
        title=DOC_TITLE,
        when=when,
    )

    document.add_paragraph(DOC_TITLE, style="Title")
    document.add_paragraph(_subtitle(info), style="Subtitle")
    document.add_paragraph(INSTRUCTIONS_HEADING, style="Heading 1")
    for lead, text in instructions(info):
        paragraph = document.add_paragraph(style="Toelichting")
        if lead:
            paragraph.add_run(lead).bold = True
        paragraph.add_run(text)
    if beeld.title_suggestions:
        document.add_paragraph(
            "Voor de titel stellen we voor (kies er een, of bedenk zelf een betere):"
        )
        for suggestion in beeld.title_suggestions:
            paragraph = document.add_paragraph(style="List Bullet")
            writer.traced(paragraph.add_run(suggestion), _source_of(suggestion, beeld))

    _new_page(document.add_paragraph(TITLE_HEADING, style="Heading 1"))
    title = document.add_paragraph(style="Beeldtitel")
    writer.traced(title.add_run(beeld.title), _source_of(beeld.title, beeld))
    for section in beeld.sections:
        heading = document.add_paragraph(section.heading, style="Heading 2")
        if not section.sentences:
            document.add_paragraph(style="Beeldtekst")
            writer.note(heading.runs[0], info.empty_note)
            continue
        for group in _paragraphs(section.sentences):
            paragraph = document.add_paragraph(style="Beeldtekst")
            for index, sentence in enumerate(group):
                runs = writer.runs(paragraph, sentence.text if index == 0 else " " + sentence.text)
                writer.traced(runs, sentence)
    document.add_paragraph(QUOTE_HEADING, style="Heading 2")
    quote = document.add_paragraph(style="Quote")
    if beeld.quote:
        writer.traced(quote.add_run(beeld.quote), _source_of(beeld.quote, beeld))
    document.add_paragraph(QUESTION_HEADING, style="Heading 2")
    document.add_paragraph(beeld.closing_question, style="Slotvraag")

    _new_page(document.add_paragraph(CONSENT_HEADING, style="Heading 1"))
    add_consent_form(document)

    _footer(document, info)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Writer:
    """Adds the margin comments: a time for every traced run, a note for empty sections."""

    def __init__(
        self,
        document: docx.document.Document,
        when: dt.datetime,
        name_notes: Sequence[tuple[str, str]] = (),
    ):
        self.document = document
        self.when = when
        self._pending = list(name_notes)  # each name's note goes beside its first mention

    def runs(self, paragraph: Paragraph, text: str) -> list[Run]:
        """``text`` as runs, a third party's first mention a run of its own with its note."""
        runs: list[Run] = []
        while self._pending:
            hit = _first_mention(text, [name for name, _note in self._pending])
            if hit is None:
                break
            start, end, name = hit
            if start:
                runs.append(paragraph.add_run(text[:start]))
            named = paragraph.add_run(text[start:end])
            runs.append(named)
            note = next(n for m, n in self._pending if m == name)
            self._pending = [(m, n) for m, n in self._pending if m != name]
            self._comment(named, note)
            text = text[end:]
        if text or not runs:
            runs.append(paragraph.add_run(text))
        return runs

    def traced(self, run: Run | Sequence[Run], source: Sentence | None) -> None:
        if source is not None and source.start is not None:
            self._comment(run, f"[{format_timestamp(source.start, style='short')}]")

    def note(self, run: Run, text: str) -> None:
        self._comment(run, text)

    def _comment(self, run: Run | Sequence[Run], text: str) -> None:
        comment = self.document.add_comment(run, text=text, author=COMMENT_AUTHOR, initials="GW")
        comment._comment_elm.date = self.when


def _first_mention(text: str, names: Sequence[str]) -> tuple[int, int, str] | None:
    """The earliest whole-word mention of any of ``names`` in ``text``."""
    best = None
    for name in names:
        match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end(), name)
    return best


def _source_of(text: str, beeld: Beeld) -> Sentence | None:
    """The beeld sentence a title or quote was taken from (case and end mark ignored)."""
    wanted = text.lower().rstrip(".!?")
    for section in beeld.sections:
        for sentence in section.sentences:
            if wanted and wanted in sentence.text.lower():
                return sentence
    return None


def _paragraphs(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    """Sentences in paragraphs: a new one where the answer paused and the last is long enough."""
    groups: list[list[Sentence]] = [[]]
    words = 0
    for sentence in sentences:
        previous = groups[-1][-1] if groups[-1] else None
        paused = (
            previous is not None
            and bool(previous.segment_ids and sentence.segment_ids)
            and min(sentence.segment_ids) > max(previous.segment_ids) + 1
        )
        if paused and words >= PARAGRAPH_WORDS:
            groups.append([])
            words = 0
        groups[-1].append(sentence)
        words += len(sentence.text.split())
    return groups


def _subtitle(info: DraftInfo) -> str:
    parts = [info.programme, f"concept, versie {info.version}"]
    if info.date:
        parts.append(f"gesprek van {date_nl(info.date)}")
    return " · ".join(parts)


def _open_template(path: Path) -> docx.document.Document:
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise TemplateError(
            f"The draft template {path} cannot be opened as a Word document ({exc}). Restore "
            "it from templates/draft.docx in goodwork-pipeline.",
            nl=f"Het sjabloon voor concepten ({path.name}) kan niet worden geopend. Zet het "
            "oorspronkelijke sjabloon terug.",
            path=path,
        ) from exc
    names = {style.name for style in document.styles}
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        raise TemplateError(
            f"The draft template {path} lacks the paragraph style(s) {', '.join(missing)}. "
            "Restyle styles in Word or LibreOffice, but do not delete or rename them.",
            nl=f"In het sjabloon {path.name} ontbreken de opmaakprofielen "
            f"{', '.join(missing)}. Je mag ze aanpassen, maar niet verwijderen of hernoemen.",
            path=path,
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    drop_foreign_parts(document)
    return document


def _page_setup(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)


def _new_page(heading: Paragraph) -> None:
    """Start a part on a new page with the heading's own "page break before".

    Not an empty paragraph holding a page break: when the part before it fills its last page
    exactly, that paragraph lands alone on the next page and its break leaves it empty
    (LibreOffice and Word both render it so)."""
    heading.paragraph_format.page_break_before = True


def _footer(document: docx.document.Document, info: DraftInfo) -> None:
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraphs = footer.paragraphs
    paragraph = paragraphs[0] if paragraphs else footer.add_paragraph()
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph.text = f"{info.programme} · code {info.story_id} · versie {info.version}"
    paragraph.style = document.styles["Footer"]
