"""What fuzzing (tests/test_fuzz.py) found, kept as fast regression tests.

Each input made a parser raise something other than our own clear errors: a traceback in
the run instead of a message naming the file. Each is now a ``GoodworkError`` (or, where the
input is in fact fine, a value).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from goodwork_pipeline.errors import DocumentError, SidecarError
from goodwork_pipeline.intake.sidecar import parse_sidecar
from goodwork_pipeline.review.returned_document import read_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return bytearray(buffer.getvalue())


def _document(text: bytes) -> bytes:
    return (
        f"<w:document xmlns:w='{W}'><w:body><w:p><w:r><w:t>".encode()
        + text
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def corrupt_deflate_stream() -> bytes:
    data = _zip({"word/document.xml": _document(b"hallo " * 2000)})
    start = data.find(b"word/document.xml") + len("word/document.xml") + 10
    for index in range(start, start + 20):
        data[index] ^= 0x55
    return bytes(data)  # zlib.error: invalid bit length repeat


def unknown_compression_method() -> bytes:
    data = _zip({"word/document.xml": _document(b"hallo")}, zipfile.ZIP_STORED)
    data[8:10] = struct.pack("<H", 99)  # 99: AES encryption (WinZip), not in Python
    central = data.find(b"PK\x01\x02")
    data[central + 10 : central + 12] = struct.pack("<H", 99)
    return bytes(data)  # NotImplementedError: That compression method is not supported


def central_directory_points_nowhere() -> bytes:
    data = _zip({"word/document.xml": _document(b"hallo")})
    end = data.rfind(b"PK\x05\x06")
    (offset,) = struct.unpack("<I", data[end + 16 : end + 20])
    data[end + 16 : end + 20] = struct.pack("<I", offset + 1000)
    return bytes(data)  # OSError: [Errno 22] Invalid argument (a negative seek)


def member_name_not_utf8() -> bytes:
    data = _zip({"word/document.xml": _document(b"hallo")})
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(header)
        flags = 6 if header == b"PK\x03\x04" else 8
        data[at + flags + 1] |= 0x08  # bit 11: the name is UTF-8
    name = data.find(b"word/document.xml", data.find(b"PK\x01\x02"))
    data[name] = 0xBF  # ...but it is not
    return bytes(data)  # UnicodeDecodeError from zipfile.ZipFile()


def footer_with_a_huge_version() -> bytes:
    footer = (
        f"<w:ftr xmlns:w='{W}'><w:p><w:r><w:t>code GW-ABCDEFGH versie ".encode()
        + b"9" * 5000
        + b"</w:t></w:r></w:p></w:ftr>"
    )
    # ValueError: Exceeds the limit (4300 digits) for integer string conversion
    return bytes(_zip({"word/document.xml": _document(b"x"), "word/footer1.xml": footer}))


@pytest.mark.parametrize(
    "make",
    [
        corrupt_deflate_stream,
        unknown_compression_method,
        central_directory_points_nowhere,
        member_name_not_utf8,
    ],
)
def test_damaged_zip_is_a_clear_document_error(tmp_path: Path, make) -> None:
    path = tmp_path / "terug.docx"
    path.write_bytes(make())
    with pytest.raises(DocumentError) as raised:
        read_document(path)
    assert "terug.docx" in str(raised.value) and "damaged" in str(raised.value)
    assert "terug.docx" in raised.value.nl and "opnieuw" in raised.value.nl


def test_a_long_number_after_versie_is_no_version(tmp_path: Path) -> None:
    path = tmp_path / "terug.docx"
    path.write_bytes(footer_with_a_huge_version())
    assert read_document(path).ids.version is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("date: 2026-02-30\n", "date"),  # ValueError: day is out of range for month
        ("date: 2026-13-01\n", "date"),  # ValueError: month must be in 1..12
        ("participant: " + "1" * 5000 + "\n", "participant"),  # ValueError: int too long
    ],
)
def test_sidecar_value_python_cannot_convert_names_the_key(text: str, key: str) -> None:
    with pytest.raises(SidecarError) as raised:
        parse_sidecar(text.encode(), Path("gesprek-anna.yaml"))
    assert "gesprek-anna.yaml" in str(raised.value) and f"'{key}'" in str(raised.value)
    assert f"'{key}'" in raised.value.nl


@pytest.mark.parametrize(
    ("text", "participant"),
    [
        ("participant: !!bool misschien\n", "misschien"),  # KeyError in PyYAML
        ("participant: !!int abc\n", "abc"),  # ValueError in PyYAML
        ("email: x\nparticipant: !!timestamp 2001-12-14x\n", "2001-12-14x"),  # AttributeError
    ],
)
def test_explicit_yaml_tags_that_do_not_fit_stay_text(text: str, participant: str) -> None:
    assert parse_sidecar(text.encode(), Path("gesprek.yaml")).participant == participant
