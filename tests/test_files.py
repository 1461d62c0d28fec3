from pathlib import Path

import pytest

from goodwork_pipeline.files import (
    TMP_PREFIX,
    atomic_copy,
    atomic_write_bytes,
    remove_stale_temp,
    replace_dir,
    sha256_file,
    staging_dir,
)


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"old")

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("goodwork_pipeline.files.os.replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_copy_verifies_checksum(tmp_path: Path) -> None:
    source = tmp_path / "bron.bin"
    source.write_bytes(b"opname")
    digest = sha256_file(source)
    assert atomic_copy(source, tmp_path / "kopie.bin", expected_sha256=digest) == digest
    with pytest.raises(OSError, match="checksum"):
        atomic_copy(source, tmp_path / "fout.bin", expected_sha256="0" * 64)
    assert not (tmp_path / "fout.bin").exists()


def test_replace_dir_swaps_complete_folders(tmp_path: Path) -> None:
    target = tmp_path / "story"
    first = staging_dir(tmp_path, "story")
    (first / "a.txt").write_text("1")
    replace_dir(target, first)
    second = staging_dir(tmp_path, "story")
    (second / "b.txt").write_text("2")
    replace_dir(target, second)
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)]


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / f"{TMP_PREFIX}abc").write_text("half")
    (tmp_path / "real.txt").write_text("keep")
    assert remove_stale_temp(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["real.txt"]
