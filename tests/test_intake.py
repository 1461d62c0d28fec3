import os
import threading
import time
from pathlib import Path

from goodwork_pipeline.intake import Kind, scan_inbox, wait_until_complete


def test_scan_classifies_and_ignores_temporary_files(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "teruggestuurd").mkdir(parents=True)
    for name in (
        "b.m4a",
        "a.MP3",
        "a.yaml",
        "notitie.pdf",
        ".verborgen.wav",
        "~$concept.docx",
        "half.m4a.part",
    ):
        (inbox / name).write_bytes(b"x")
    (inbox / "teruggestuurd" / "concept.docx").write_bytes(b"x")
    items = [(item.path.relative_to(inbox).as_posix(), item.kind) for item in scan_inbox(inbox)]
    assert items == [
        ("a.MP3", Kind.RECORDING),
        ("b.m4a", Kind.RECORDING),
        ("teruggestuurd/concept.docx", Kind.DOCUMENT),
        ("notitie.pdf", Kind.UNSUPPORTED),
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
