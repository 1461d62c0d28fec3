"""Reading a returned draft as the participant left it, at the XML level.

python-docx's API drops text inside tracked changes and paragraphs inside block-level content
controls, so ``read_document`` reads ``word/document.xml`` directly. It opens the package
safely (``returned_package``: macro-enabled, encrypted, oversized, zip-bomb, path-traversal
and entity-expansion documents are refused with a clear message), reads the paragraphs with
tracked changes accepted (``returned_paragraphs``, on ``returned_text``) and their consent
boxes (``returned_checkboxes``), the comments (``returned_comments``) and the story id and
version (``returned_ids``), into one ``RawDocument``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from goodwork_pipeline.review.returned_comments import Comment, read_comments
from goodwork_pipeline.review.returned_ids import DocumentIds, mixed_drafts, read_ids
from goodwork_pipeline.review.returned_package import (
    DAMAGED_ZIP,
    check_container,
    checked_members,
    not_a_draft,
    parse_xml,
    read_member,
    refused,
)
from goodwork_pipeline.review.returned_paragraphs import Paragraph, read_paragraphs


@dataclass(frozen=True)
class RawDocument:
    """What a returned .docx contains, before anything is decided about it."""

    ids: DocumentIds
    paragraphs: tuple[Paragraph, ...]
    comments: tuple[Comment, ...] = field(default=())
    tracked_changes: int = 0
    saved_at: str | None = None  # docProps/core.xml dcterms:modified, as written (ISO 8601)


def read_document(path: Path) -> RawDocument:
    """Open a returned document safely and read its ids, paragraphs and comments."""
    check_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = checked_members(archive, path)
            document_xml = read_member(archive, "word/document.xml", members, path)
            if document_xml is None:
                mimetype = read_member(archive, "mimetype", members, path) or b""
                if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                    raise refused(
                        path,
                        "is an OpenDocument file (.odt), not a Word document; save it as .docx "
                        "(File > Save as > Word 2007-365)",
                        "is een OpenDocument-bestand (.odt). Sla het op als Word-document "
                        "(Bestand > Opslaan als > Word 2007-365 (.docx)) en stuur het opnieuw",
                    )
                raise not_a_draft(path, "it has no word/document.xml")
            body = parse_xml(document_xml, path)
            paragraphs, tracked, index_of = read_paragraphs(body, path)
            ids = read_ids(archive, members, path, paragraphs)
            comments = read_comments(archive, members, path, body, index_of)
            saved_at = _saved_at(archive, members, path)
    except DAMAGED_ZIP as exc:
        raise not_a_draft(path, "it is not a valid .docx (zip) file, or it is damaged") from exc
    if ids.disagreeing:
        raise mixed_drafts(path, ids)
    return RawDocument(
        ids=ids,
        paragraphs=paragraphs,
        comments=comments,
        tracked_changes=tracked,
        saved_at=saved_at,
    )


def _saved_at(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: Path
) -> str | None:
    core = read_member(archive, "docProps/core.xml", members, path)
    if not core:
        return None
    element = parse_xml(core, path).find("{http://purl.org/dc/terms/}modified")
    text = (element.text or "").strip() if element is not None else ""
    return text or None
