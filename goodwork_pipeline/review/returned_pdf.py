"""A returned draft as a PDF: printed, signed and scanned, or saved as PDF.

Only which story (and draft version) the PDF belongs to is read, from

1. its text layer: the footer "code GW-… · versie N" is on every page of a draft;
2. its metadata: the draft's keywords carry the code, and Word and LibreOffice copy them
   into a PDF they save;
3. for a scan without any text: a code staff wrote into the file name.

Ticked boxes are never read. A box in a text layer is not evidence: a draft printed, ticked
with a pen and scanned with text recognition shows the printed ☐ under the pen mark, and a
scan has no text at all. Staff read the choices and record them with ``goodwork consent``;
consent is never guessed from a PDF.

PDFium (pypdfium2) opens the file; damaged, encrypted and oversized files are refused with
a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from goodwork_pipeline.errors import DocumentError
from goodwork_pipeline.review.returned_package import refused

PDF_SUFFIX = ".pdf"
MAX_PDF_BYTES = 60 * 1024 * 1024  # a scan of a few pages at 300 dpi
MAX_PAGES = 60
_FOOTER = re.compile(r"code\s+(GW-[0-9A-Z]{8})\s*·?\s*versie\s+(\d{1,9})(?!\d)", re.IGNORECASE)
_KEYWORDS = re.compile(r"(GW-[0-9A-Z]{8})\W{0,4}v(\d{1,9})(?!\d)", re.IGNORECASE)
_CODE = re.compile(r"(?<![0-9A-Z])(GW-[0-9A-Z]{8})(?![0-9A-Z])", re.IGNORECASE)
_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD


@dataclass(frozen=True)
class PdfAnswer:
    """Which draft a returned PDF is, and where that was read."""

    story_id: str
    version: int | None
    found_in: str  # "text", "metadata" or "file name"
    has_text: bool


def is_pdf(path: Path) -> bool:
    """A PDF by its name, or by its first bytes (a PDF saved under another name)."""
    if path.suffix.lower() == PDF_SUFFIX:
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def read_pdf(path: Path) -> PdfAnswer:
    """The story code and version of a returned PDF; a ``DocumentError`` when it has none."""
    text, metadata = _contents(path)
    found: dict[str, tuple[str, int | None]] = {}
    for match in _FOOTER.finditer(text):
        found.setdefault(match.group(1).upper(), ("text", int(match.group(2))))
    for match in _CODE.finditer(text):
        found.setdefault(match.group(1).upper(), ("text", None))
    for match in _KEYWORDS.finditer(metadata):
        found.setdefault(match.group(1).upper(), ("metadata", int(match.group(2))))
    for match in _CODE.finditer(metadata):
        found.setdefault(match.group(1).upper(), ("metadata", None))
    has_text = bool(text.strip())
    if not found and not has_text:
        for match in _CODE.finditer(path.name):
            found.setdefault(match.group(1).upper(), ("file name", None))
    if len(found) > 1:
        raise _mixed(path, sorted(found))
    if not found:
        raise _no_code(path, has_text)
    [(story_id, (where, version))] = found.items()
    return PdfAnswer(story_id=story_id, version=version, found_in=where, has_text=has_text)


def _contents(path: Path) -> tuple[str, str]:
    import pypdfium2 as pdfium

    size = path.stat().st_size
    if size == 0:
        raise refused(path, "is empty", "is leeg. Vraag de deelnemer het opnieuw te sturen")
    if size > MAX_PDF_BYTES:
        raise refused(
            path,
            f"is {size // (1024 * 1024)} MB, larger than a returned draft can be",
            "is veel groter dan een teruggestuurd concept kan zijn",
        )
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise refused(
                path,
                "is protected with a password",
                "is beveiligd met een wachtwoord. Vraag de deelnemer het zonder wachtwoord "
                "te sturen",
            ) from exc
        raise refused(
            path,
            "cannot be opened as a PDF (damaged, or not a PDF)",
            "kan niet worden geopend als PDF (beschadigd, of geen PDF). Vraag de deelnemer "
            "het opnieuw te sturen",
        ) from exc
    try:
        pages = []
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        metadata = " ".join(str(v) for v in document.get_metadata_dict().values() if v)
    except pdfium.PdfiumError as exc:
        raise refused(
            path,
            "cannot be read (a damaged PDF)",
            "kan niet worden gelezen (een beschadigde PDF). Vraag de deelnemer het opnieuw te "
            "sturen",
        ) from exc
    finally:
        document.close()
    return "\n".join(pages), metadata


def _no_code(path: Path, has_text: bool) -> DocumentError:
    if not has_text:
        return DocumentError(
            f"{path.name} is a PDF without any text (a scan?), so its story code cannot be "
            "read; goodwork never guesses it. Find the code at the bottom of the paper draft "
            f"(GW-…) and put it in the file name, e.g. 'GW-7K3QM2XD {path.name}': it is then "
            "kept with that story. The file stays in the inbox.",
            nl=f"{path.name} is een PDF zonder tekst (een scan?), dus de verhaalcode is niet "
            "te lezen. Zoek de code onderaan het concept op papier (GW-…) en zet die in de "
            f"bestandsnaam, bijvoorbeeld 'GW-7K3QM2XD {path.name}'; dan wordt het bij dat "
            "verhaal bewaard. Het bestand blijft in de inbox staan.",
            path=path,
        )
    return DocumentError(
        f"{path.name} is a PDF without a story code (no 'code GW-…' in its text or "
        "metadata): not one of our drafts, or its footer was removed. The file stays in the "
        "inbox.",
        nl=f"{path.name} is een PDF zonder verhaalcode: het is geen concept van ons, of de "
        "voettekst met de code is weggehaald. Hoort het toch bij een verhaal, zet de code "
        "(GW-…) dan in de bestandsnaam en zet het terug. Het bestand blijft in de inbox staan.",
        path=path,
    )


def _mixed(path: Path, codes: list[str]) -> DocumentError:
    listed = ", ".join(codes)
    return DocumentError(
        f"{path.name} carries the codes of different stories ({listed}): pages of more "
        "than one draft in one PDF. Nothing was recorded. Split it into one PDF per story, or "
        "record each participant's choices with 'goodwork consent'. The file stays in the "
        "inbox.",
        nl=f"{path.name} bevat de codes van verschillende verhalen ({listed}): pagina's van "
        "meer dan één concept in één PDF. Er is niets vastgelegd. Maak er één PDF per verhaal "
        "van, of leg de keuzes per deelnemer vast met 'goodwork consent'. Het bestand blijft "
        "in de inbox staan.",
        path=path,
    )
