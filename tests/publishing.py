"""Helpers for the publishing tests: approved, consented stories without a recording.

``consented_story`` takes a story through the real store (its lifecycle, the consent ledger)
to 'approved' with the given channels and name choice, exactly as the review step leaves it,
then runs the real ``Pipeline.publish``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.models import Beeld, Channel, NameDisplay, Sidecar, State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import story_folders


def consented_story(
    pipeline: Pipeline,
    beeld: Beeld,
    sidecar: Sidecar,
    *,
    channels=frozenset(Channel),
    name_display: NameDisplay = NameDisplay.FULL,
    publish: bool = True,
) -> str:
    store = pipeline.store
    seed = f"{beeld.title}|{sidecar.participant}|{len(store.stories())}"
    story, _ = store.create_story(
        source_sha256=hashlib.sha256(seed.encode()).hexdigest(),
        source_name="gesprek.wav",
        kind="audio",
        sidecar=sidecar,
        actor="test",
        source="test",
    )
    for state in (State.TRANSCRIBED, State.DRAFTED):
        store.transition(story.id, state, actor="test", source="test", message=state.value)
    text_sha = pipeline.save_approved(story.id, beeld)
    grant(pipeline, story.id, channels, name_display, text_sha)
    store.transition(
        story.id,
        State.APPROVED,
        actor="test",
        source="test",
        message="approved",
        approved_sha256=text_sha,
    )
    if publish:
        result = pipeline.publish(story.id)
        assert result.ok, result
    return story.id


def grant(pipeline: Pipeline, story_id: str, channels, name_display, text_sha: str) -> None:
    consent_rules.grant(
        pipeline.store,
        story_id,
        channels=frozenset(channels),
        name_display=name_display,
        text_sha256=text_sha,
        actor="participant",
        source="test",
    )


def withdraw(pipeline: Pipeline, story_id: str, channels=()) -> None:
    consent_rules.withdraw(
        pipeline.store, story_id, channels=channels, actor="participant", source="test"
    )
    assert pipeline.publish(story_id).ok


def folder_of(pipeline: Pipeline, story_id: str) -> Path | None:
    folders = story_folders(pipeline.settings.outbox_dir, story_id)
    assert len(folders) <= 1
    return folders[0] if folders else None


def words(text: str) -> list[str]:
    """Words of extracted PDF text, with hyphenation at line ends undone."""
    text = text.replace("\u00ad", "").replace("\u2010", "-").replace("\ufffe", "")
    text = re.sub(r"-\s*\r?\n\s*", "", text)
    text = re.sub(r"\x02\s*", "", text)  # pdfium marks a soft hyphen at a line end as STX
    return re.findall(r"\w+", text.lower())


def contains_words(haystack: list[str], needle: list[str]) -> bool:
    return f" {' '.join(needle)} " in f" {' '.join(haystack)} "


def pdf_internals(data: bytes) -> str:
    """The PDF's raw objects and every Flate stream decompressed (metadata, tags, contents)."""
    import zlib

    parts = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            decoded = zlib.decompressobj().decompress(data[match.end() : match.end() + 4_000_000])
        except zlib.error:
            continue
        parts.append(decoded.decode("latin-1"))
    return "\n".join(parts)


def pdf_metadata(data: bytes) -> dict[str, str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return document.get_metadata_dict()
    finally:
        document.close()


def pdf_text_of(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def readable_text(path: Path) -> str:
    """Everything a person or a program could read from an output file, for name scans.

    PDF: extracted text, metadata, and every decompressed stream (XMP, tags, alt texts).
    PNG: its text chunks (the picture itself is described by its alt text and manifest,
    which are scanned as files of their own). Other files: their text.
    """
    data = path.read_bytes()
    if path.suffix == ".pdf":
        text = pdf_text_of(data)
        internals = pdf_internals(data)
        utf16 = re.findall(r"\xfe\xff((?:[\x00-\xff][\x00-\xff])+?)\)", internals)
        decoded = [u.encode("latin-1").decode("utf-16-be", "ignore") for u in utf16]
        metadata = " ".join(pdf_metadata(data).values())
        return "\n".join([text, " ".join(words(text)), internals, *decoded, metadata])
    if path.suffix == ".png":
        from PIL import Image

        with Image.open(path) as image:
            return " ".join(f"{k} {v}" for k, v in getattr(image, "text", {}).items())
    return data.decode("utf-8")


def find_names(root: Path, names) -> list[tuple[str, str]]:
    """(file, name) for every output file under ``root`` that mentions a name (whole word)."""
    hits = []
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        text = readable_text(path)
        for name in names:
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)"
            if re.search(pattern, text, flags=re.IGNORECASE):
                hits.append((str(path), name))
    return hits
