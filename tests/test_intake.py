import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from goodwork_pipeline.intake.inbox import Kind, is_locked, scan_inbox, wait_until_complete


def test_scan_classifies_and_ignores_temporary_files(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "teruggestuurd").mkdir(parents=True)
    for name in (
        "b.m4a",
        "a.MP3",
        "a.yaml",
        "notitie.pdf",
        "foto.jpg",
        ".verborgen.wav",
        "~$concept.docx",
        "half.m4a.part",
        "teams.vtt",
        "notulen.txt",
    ):
        (inbox / name).write_bytes(b"x")
    (inbox / "teruggestuurd" / "concept.docx").write_bytes(b"x")
    items = [(item.path.relative_to(inbox).as_posix(), item.kind) for item in scan_inbox(inbox)]
    assert items == [
        ("a.MP3", Kind.RECORDING),
        ("b.m4a", Kind.RECORDING),
        ("notulen.txt", Kind.TRANSCRIPT),
        ("teams.vtt", Kind.TRANSCRIPT),
        ("notitie.pdf", Kind.DOCUMENT),  # a returned draft as a PDF (a paper answer)
        ("teruggestuurd/concept.docx", Kind.DOCUMENT),
        ("foto.jpg", Kind.UNSUPPORTED),
        ("a.yaml", Kind.SIDECAR),
    ]


def test_symlink_out_of_the_inbox_is_not_a_recording(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "geheim.wav"
    secret.write_bytes(b"x")
    os.symlink(secret, inbox / "link.wav")
    [item] = scan_inbox(inbox)
    assert item.kind == Kind.UNSUPPORTED


def test_waits_while_a_file_is_still_growing(tmp_path: Path) -> None:
    path = tmp_path / "groot.wav"
    path.write_bytes(b"")
    stop = threading.Event()

    def slow_copy() -> None:
        with path.open("ab") as handle:
            for _ in range(12):
                handle.write(b"\0" * 4096)
                handle.flush()
                time.sleep(0.1)
        stop.set()

    writer = threading.Thread(target=slow_copy)
    writer.start()
    assert wait_until_complete(path, quiet_seconds=0.5, timeout=10, poll=0.05)
    assert stop.is_set(), "returned while the file was still being written"
    writer.join()
    assert path.stat().st_size == 12 * 4096


def test_gives_up_on_a_file_that_never_settles(tmp_path: Path) -> None:
    path = tmp_path / "nooit-klaar.wav"
    path.write_bytes(b"x")
    assert not wait_until_complete(path, quiet_seconds=5, timeout=0.5, poll=0.05)


def _hold(path: Path, code: str) -> subprocess.Popen[bytes]:
    """Another process that opens the file and keeps it until it is told to stop."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl, sys\nf = open({str(path)!r}, 'ab')\n{code}\n"
            "print('ready', flush=True)\nsys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
    return holder


@pytest.mark.parametrize(
    "code",
    ["pass", "fcntl.flock(f, fcntl.LOCK_EX)"],
    ids=["open-for-writing", "exclusive-lock"],
)
def test_a_locked_file_is_waited_for(tmp_path: Path, code: str) -> None:
    """Linux has no mandatory locks: a file another process holds open for writing, or has
    an exclusive lock on, counts as still being copied, even when its size stands still."""
    path = tmp_path / "kopie.m4a"
    path.write_bytes(b"\0" * 1000)
    holder = _hold(path, code)
    try:
        assert is_locked(path)
        assert not wait_until_complete(path, quiet_seconds=0.2, timeout=1.0, poll=0.05)
    finally:
        holder.communicate(b"")
    assert not is_locked(path)
    assert wait_until_complete(path, quiet_seconds=0.2, timeout=5.0, poll=0.05)


def test_a_reader_does_not_lock(tmp_path: Path) -> None:
    path = tmp_path / "luisteren.m4a"
    path.write_bytes(b"\0" * 1000)
    with path.open("rb"):
        assert not is_locked(path)
