"""Hostile or broken returned documents: refused with a clear message, the file kept.

Each file goes through the pipeline as staff would drop it in the inbox: it must stay there,
untouched, with a message in the status that says what is wrong and what to do, and nothing
may change in the story, the ledger or the outbox.
"""

import io
import os
import zipfile
from pathlib import Path

import pytest
from helpers import drop, make_tone, published_files

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.status import status_rows
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
    b"<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _parts(draft: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(draft) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def docm(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["word/vbaProject.bin"] = b'\xd0\xcf\x11\xe0 Attribute VB_Name = "AutoOpen"'
    return "concept.docm", _zip(parts)


def macros_in_a_docx(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 Sub AutoOpen()"
    return "concept-met-macro.docx", _zip(parts)


def zip_bomb(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["word/media/image1.png"] = b"\0" * (200 * 1024 * 1024)  # 200 MB of zeros, ~200 KB
    return "bom.docx", _zip(parts)


def entity_bomb(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["word/document.xml"] = ENTITY_BOMB
    return "entiteiten.docx", _zip(parts)


def huge_file(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["word/media/image1.jpeg"] = os.urandom(25 * 1024 * 1024)  # does not compress
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return "met-fotos.docx", buffer.getvalue()


def too_many_paragraphs(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    body = b"".join(b"<w:p><w:r><w:t>regel %d</w:t></w:r></w:p>" % i for i in range(30_000))
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + body, 1
    )
    return "heel-lang.docx", _zip(parts)


def not_a_zip(_draft: Path) -> tuple[str, bytes]:
    return "brief.docx", b"Beste Sam, hierbij mijn reactie. Groet, Anna\n" * 20


def traversal(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["../../../etc/cron.d/evil"] = b"* * * * * root rm -rf /"
    return "pad.docx", _zip(parts)


def absolute_path(draft: Path) -> tuple[str, bytes]:
    parts = _parts(draft)
    parts["/tmp/evil.txt"] = b"x"
    return "absoluut.docx", _zip(parts)


def empty(_draft: Path) -> tuple[str, bytes]:
    return "leeg.docx", b""


def odt(_draft: Path) -> tuple[str, bytes]:
    return "concept.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"})


HOSTILE = {
    "docm-with-macros": (docm, "macro"),
    "macros-in-docx": (macros_in_a_docx, "macro"),
    "zip-bomb": (zip_bomb, "zip bomb"),
    "entity-expansion": (entity_bomb, "entity"),
    "huge-file": (huge_file, "larger than a draft"),
    "too-many-paragraphs": (too_many_paragraphs, "paragraphs"),
    "not-a-zip": (not_a_zip, "not a .docx"),
    "dotdot-path": (traversal, "unsafe path"),
    "absolute-path": (absolute_path, "unsafe path"),
    "empty": (empty, "empty"),
    "odt": (odt, "OpenDocument"),
}


@pytest.fixture
def story(pipeline, tone_wav):
    path = drop(pipeline.settings, tone_wav, "gesprek.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(path).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    return pipeline.store.story(story_id)


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_document_is_refused_and_kept(pipeline, story, kind) -> None:
    make, fragment = HOSTILE[kind]
    # made from the real draft (the story id inside), as an attacker or a broken tool would
    draft = pipeline.draft_outbox_path(story.id, 1)
    filled = fill_in_as_participant(draft, draft.with_name("filled.docx"))
    name, data = make(filled)
    path = pipeline.settings.inbox_dir / name
    path.write_bytes(data)
    checksum = sha256_file(path)
    events_before = len(pipeline.store.events(story.id))

    result = pipeline.review(path)

    assert not result.ok
    assert fragment.lower() in result.message.lower(), result.message
    assert name in result.message and name in result.message_nl
    assert "inbox" in result.message_nl  # says where the file is
    assert path.exists() and sha256_file(path) == checksum  # kept, byte for byte
    assert pipeline.store.consent_records(story.id) == []
    assert len(pipeline.store.events(story.id)) == events_before
    assert published_files(pipeline.settings.outbox_dir) == []
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    assert [r.name for r in rejected] == [name]
    assert rejected[0].message_nl == result.message_nl
    # a second run does not read it again
    assert not pipeline.review(path).ok and path.exists()


@pytest.mark.prefect
def test_hostile_documents_do_not_stop_the_flow(pipeline, story, run_flow) -> None:
    draft = pipeline.draft_outbox_path(story.id, 1)
    for kind in ("zip-bomb", "entity-expansion", "not-a-zip", "dotdot-path"):
        name, data = HOSTILE[kind][0](draft)
        (pipeline.settings.inbox_dir / name).write_bytes(data)
    good = fill_in_as_participant(draft, pipeline.settings.inbox_dir / "zz-goed.docx")
    results = run_flow(pipeline)
    assert sum(not r.ok for r in results) == 4
    assert not good.exists()  # the good one was read
    assert pipeline.store.story(story.id).state.value == "published"
    assert len(list(pipeline.settings.inbox_dir.iterdir())) == 4


def _mixed(filled: Path, other: str, part: str) -> bytes:
    """The filled draft of one story with the other story's code in one hidden place."""
    parts = _parts(filled)
    ours = filled_story_id(filled)
    names = [n for n in parts if n.startswith(part)]
    assert names, part
    for name in names:
        parts[name] = parts[name].replace(ours.encode(), other.encode())
    return _zip(parts)


def filled_story_id(path: Path) -> str:
    from goodwork_pipeline.review.returned_document import read_document

    return read_document(path).ids.custom_property


@pytest.mark.parametrize("part", ["word/footer", "docProps/custom.xml"])
def test_a_document_whose_hidden_codes_disagree_is_refused(pipeline, story, tmp_path, part) -> None:
    """Parts of two drafts in one file (e.g. one story's code in the properties, another's
    in the footer): neither story's consent can be read from it, so nothing is recorded."""
    other_path = drop(pipeline.settings, make_tone(tmp_path / "ander.wav", seconds=6), "b.wav")
    other = pipeline.receive(other_path).story_id
    assert pipeline.transcribe(other).ok and pipeline.draft(other).ok
    from goodwork_pipeline.models import Channel

    draft = pipeline.draft_outbox_path(story.id, 1)
    filled = fill_in_as_participant(draft, draft.with_name("filled.docx"), channels=list(Channel))
    path = pipeline.settings.inbox_dir / "mijn concept.docx"
    path.write_bytes(_mixed(filled, other, part))
    checksum = sha256_file(path)

    result = pipeline.review(path)

    assert not result.ok
    assert "codes of different stories" in result.message
    for code in (story.id, other):
        assert code in result.message and code in result.message_nl
    assert "twee verschillende concepten" in result.message_nl
    assert "mijn concept.docx" in result.message_nl and "blijft in de inbox" in result.message_nl
    assert path.exists() and sha256_file(path) == checksum
    for code in (story.id, other):
        assert pipeline.store.consent_records(code) == []
    assert published_files(pipeline.settings.outbox_dir) == []
    _rows, rejected = status_rows(pipeline.store, pipeline.settings)
    assert [r.message_nl for r in rejected] == [result.message_nl]
