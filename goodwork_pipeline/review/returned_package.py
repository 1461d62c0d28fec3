"""Opening a returned .docx safely, before a word of it is read.

The zip and its XML are treated as hostile: macro-enabled, encrypted, oversized, zip-bomb,
path-traversal and entity-expansion documents are refused with a clear message (in English
for staff and in Dutch for the participant), and the file stays in the inbox.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from goodwork_pipeline.errors import DocumentError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member that inflates more than this is a zip bomb
# What a damaged zip raises besides BadZipFile: offsets that point nowhere (OSError), a
# compression method Python lacks (NotImplementedError), a broken compressed stream
# (zlib.error, lzma.LZMAError; bzip2 raises OSError), a member cut off (EOFError), a member
# name flagged UTF-8 that is not (UnicodeDecodeError).
DAMAGED_ZIP = (
    zipfile.BadZipFile,
    UnicodeDecodeError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    OSError,
    EOFError,
)


def check_container(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".docm":
        raise refused(
            path,
            "is a macro-enabled document (.docm); macros are never opened",
            "is een document met macro's (.docm). Dat openen we niet. Sla het op als gewoon "
            "Word-document (.docx) en stuur het opnieuw",
        )
    size = path.stat().st_size
    if size == 0:
        raise refused(path, "is empty", "is leeg. Stuur het document opnieuw")
    if size > MAX_FILE_BYTES:
        raise refused(
            path,
            f"is {size // (1024 * 1024)} MB, larger than a draft can be",
            "is veel groter dan een conceptbeeld kan zijn. Verwijder afbeeldingen en "
            "sla het opnieuw op als .docx",
        )
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise refused(
            path,
            "is password-protected or an old .doc file",
            "is beveiligd met een wachtwoord of is een oud .doc-bestand. Haal het wachtwoord "
            "weg en sla het op als .docx",
        )
    if not magic.startswith(b"PK"):
        raise not_a_draft(path, "it is not a .docx (zip) file")


def checked_members(archive: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _bomb(path)
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            raise refused(
                path,
                f"contains an unsafe path ({name!r})",
                "bevat onveilige onderdelen. Sla het opnieuw op als .docx",
            )
        if info.flag_bits & 0x1:
            raise refused(
                path,
                "is encrypted",
                "is versleuteld. Haal het wachtwoord weg en sla het op als .docx",
            )
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _bomb(path)
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and (info.file_size > 1024 * 1024)
        ):
            raise _bomb(path)
        if name.lower().endswith("vbaproject.bin"):
            raise refused(
                path,
                "contains macros",
                "bevat macro's. Sla het op als gewoon Word-document (.docx) zonder macro's",
            )
        members[name] = info
    return members


def read_member(
    archive: zipfile.ZipFile, name: str, members: dict[str, zipfile.ZipInfo], path: Path
) -> bytes | None:
    info = members.get(name)
    if info is None:
        return None
    # Never trust the declared size: stop reading once the limit is passed.
    with archive.open(info) as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise _bomb(path)
    return data


def parse_xml(data: bytes, path: Path) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise refused(
            path,
            "contains XML entity declarations (a known attack); refused",
            "bevat onveilige XML. Sla het opnieuw op als .docx in Word of LibreOffice",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise not_a_draft(path, "its text cannot be read (damaged XML)") from exc


# Errors ------------------------------------------------------------------------------------------


def _bomb(path: Path) -> DocumentError:
    return refused(
        path,
        "unpacks to far more data than a draft can hold (zip bomb); refused",
        "is beschadigd of onveilig (het pakt uit tot veel te veel gegevens). Sla het "
        "opnieuw op als .docx",
    )


def not_a_draft(path: Path, why: str) -> DocumentError:
    return DocumentError(
        f"{path.name} cannot be read as a returned draft: {why}. The file stays in the inbox.",
        nl=(
            f"{path.name} is geen leesbaar conceptbeeld. Open het in Word of LibreOffice, sla "
            "het op als .docx en zet het opnieuw in de inbox."
        ),
        path=path,
    )


def refused(path: Path, problem_en: str, problem_nl: str) -> DocumentError:
    return DocumentError(
        f"{path.name} {problem_en}. The file stays in the inbox.",
        nl=f"{path.name} {problem_nl}. Het bestand blijft in de inbox staan.",
        path=path,
    )
