"""The inbox watcher: files dropped before and after start, a slow copy ignored until done.

These run the real watcher (watchfiles on inotify) in a thread against a real folder; what
the watcher hands out is recorded with the file's size at that moment.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from goodwork_pipeline.intake.inbox import Kind
from goodwork_pipeline.intake.watch import InboxWatcher


class Recorder:
    """Runs a watcher in a thread and records (time, path, size) of every item handed out."""

    def __init__(self, inbox: Path, settle: float = 0.5):
        self.stop = threading.Event()
        self.watcher = InboxWatcher(inbox, settle_seconds=settle, rescan_seconds=2, stop=self.stop)
        self.seen: list[tuple[float, Path, int, Kind]] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = threading.Event()

    def _run(self) -> None:
        for batch in self.watcher.batches():
            for item in batch:
                self.seen.append((time.monotonic(), item.path, item.path.stat().st_size, item.kind))
            self.started.set()

    def __enter__(self) -> Recorder:
        self.thread.start()
        assert self.started.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()

    def names(self) -> list[str]:
        return [path.name for _, path, _, _ in self.seen]

    def wait_for(self, name: str, timeout: float = 10) -> tuple[float, Path, int, Kind]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.seen:
                if entry[1].name == name:
                    return entry
            time.sleep(0.05)
        raise AssertionError(f"{name} was not handed out; seen {self.names()}")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def old(path: Path, data: bytes = b"RIFF....") -> Path:
    path.write_bytes(data)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def test_files_before_and_after_start_are_each_handed_out_once(inbox: Path) -> None:
    old(inbox / "voor-de-start.wav")
    (inbox / "teruggestuurd").mkdir()
    old(inbox / "teruggestuurd" / "concept.docx")
    with Recorder(inbox) as recorder:
        recorder.wait_for("voor-de-start.wav", timeout=2)
        recorder.wait_for("concept.docx", timeout=2)
        (inbox / "na-de-start.m4a").write_bytes(b"\0" * 1000)
        _, _path, size, kind = recorder.wait_for("na-de-start.m4a")
        assert size == 1000 and kind == Kind.RECORDING
        (inbox / ".~lock.concept.docx#").write_bytes(b"x")  # office lock files: ignored
        (inbox / "download.wav.part").write_bytes(b"x")  # partial downloads: ignored
        time.sleep(2.5)  # a full rescan passes
    assert sorted(recorder.names()) == ["concept.docx", "na-de-start.m4a", "voor-de-start.wav"]


def test_a_large_file_written_slowly_is_ignored_until_complete(inbox: Path) -> None:
    chunk = os.urandom(256 * 1024)
    chunks = 24  # 6 MiB over about 3.6 s: never quiet for the 1 s settle time
    target = inbox / "grote-opname.wav"
    with Recorder(inbox, settle=1.0) as recorder:
        with target.open("wb") as out:
            for _ in range(chunks):
                out.write(chunk)
                out.flush()
                time.sleep(0.15)
                assert "grote-opname.wav" not in recorder.names()
        finished = time.monotonic()
        at, _path, size, _kind = recorder.wait_for("grote-opname.wav")
    assert size == chunks * len(chunk)  # handed out whole
    assert at - finished >= 0.9  # and only after it had been quiet for the settle time
    assert recorder.names() == ["grote-opname.wav"]


def test_a_file_left_in_the_inbox_comes_again_only_when_it_or_its_sidecar_changes(
    inbox: Path,
) -> None:
    recording = old(inbox / "gesprek.wav")
    with Recorder(inbox) as recorder:
        recorder.wait_for("gesprek.wav", timeout=2)
        time.sleep(2.5)  # rescans: not handed out again while unchanged
        assert recorder.names() == ["gesprek.wav"]
        (inbox / "gesprek.yaml").write_text("participant: Anna\n")  # the sidecar is fixed
        deadline = time.monotonic() + 10
        while recorder.names().count("gesprek.wav") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorder.names() == ["gesprek.wav", "gesprek.wav"]
        recording.write_bytes(b"RIFF.... changed")
        deadline = time.monotonic() + 10
        while recorder.names().count("gesprek.wav") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert recorder.names() == ["gesprek.wav"] * 3  # the sidecar itself is never handed out


def test_a_file_dated_in_the_future_is_handed_out_once_it_stays_unchanged(inbox: Path) -> None:
    """A recorder whose clock runs an hour ahead: the copy keeps its time. Its age says
    nothing then; unchanged for the settle time while watched, it is complete (it waited
    for ever: its modification time never lay far enough in the past)."""
    from goodwork_pipeline.intake.inbox import wait_until_complete

    ahead = inbox / "klok-voor.wav"
    ahead.write_bytes(b"RIFF....")
    future = time.time() + 3600
    os.utime(ahead, (future, future))
    started = time.monotonic()
    assert wait_until_complete(ahead, quiet_seconds=0.5, timeout=10)
    assert 0.4 <= time.monotonic() - started < 5  # watched for the settle time, not at once
    with Recorder(inbox, settle=0.5) as recorder:
        recorder.wait_for("klok-voor.wav", timeout=5)
        time.sleep(2.5)  # a full rescan passes: not handed out twice
    assert recorder.names() == ["klok-voor.wav"]
