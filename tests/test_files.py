import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodwork_pipeline.errors import DiskFullError
from goodwork_pipeline.files import (
    FOREIGN_TEMP_AGE_S,
    TMP_PREFIX,
    atomic_copy,
    atomic_write_bytes,
    remove_stale_temp,
    replace_dir,
    sha256_file,
    staging_dir,
    temp_prefix,
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
    old = tmp_path / f"{TMP_PREFIX}abc"  # no owner we can check: removed once a day old
    old.write_text("half")
    os.utime(old, (time.time() - 2 * FOREIGN_TEMP_AGE_S,) * 2)
    (tmp_path / "real.txt").write_text("keep")
    assert remove_stale_temp(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["real.txt"]


def test_only_leftovers_of_dead_processes_are_removed(tmp_path: Path) -> None:
    """Faults found: a kill -9 left temporary files and staged folders in the outbox for good
    (nothing called remove_stale_temp); it must not remove a live writer's work either."""
    dead = subprocess.run(
        [sys.executable, "-c", "from goodwork_pipeline.files import temp_prefix as t; print(t())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / f"{dead}half.pdf").write_text("half")
    (tmp_path / f"{dead}staged").mkdir()
    (tmp_path / f"{dead}staged" / "a.png").write_text("x")
    mine = tmp_path / f"{temp_prefix()}busy"
    mine.write_text("being written")
    fresh = tmp_path / f"{TMP_PREFIX}unknown-owner"
    fresh.write_text("maybe another host")
    assert remove_stale_temp(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, fresh.name])


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kaart.png"
    target.write_bytes(b"old")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFullError) as raised:
        atomic_write_bytes(target, b"new")
    assert "No space left" in str(raised.value) and str(target) in str(raised.value)
    assert "De schijf is vol" in raised.value.nl
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kaart.png"]
