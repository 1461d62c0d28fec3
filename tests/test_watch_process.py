"""'goodwork watch' as an operator runs it: a real process, Prefect's embedded mode, the real
Whisper model on spoken Dutch, Ctrl-C, and 'kill -9' in the middle of a transcription.

Each watcher gets its own PREFECT_HOME (no server, no PREFECT_API_URL); every process a test
starts is stopped by its PID, including the embedded Prefect server a killed watcher leaves.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, State
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import synthesize

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

GOODWORK = Path(sys.executable).parent / "goodwork"


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc, before anything is killed)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found.append(int(child))
                found.extend(descendants(int(child)))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    with contextlib.suppress(OSError):
        if "\nState:\tZ" in status.read_text():
            return False
    return True


class Watcher:
    def __init__(self, folder: Path, prefect_home: Path, log: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GOODWORK_"))}
        env.update(PREFECT_HOME=str(prefect_home), COLUMNS="200")
        self.log = log
        self.process = subprocess.Popen(
            [GOODWORK, "-C", str(folder), "-v", "watch", "--rescan", "1"],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            env=env,
        )
        self.seen_children: set[int] = set()

    def remember_children(self) -> None:
        self.seen_children.update(descendants(self.process.pid))

    def interrupt(self) -> int:
        self.remember_children()
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)

    def kill_9(self) -> None:
        self.remember_children()
        self.process.kill()
        self.process.wait()

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.kill_9()
        for pid in self.seen_children:
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def programme(tmp_path: Path, model_cache: Path) -> Path:
    folder = tmp_path / "programma"
    (folder / "inbox").mkdir(parents=True)
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nsettle_seconds = 0.5\nthreads = 2\nbeam_size = 1\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def start_watcher(tmp_path: Path, programme: Path) -> Iterator[Callable[[], Watcher]]:
    started: list[Watcher] = []
    home = tmp_path / "prefect-home"

    def start() -> Watcher:
        watcher = Watcher(programme, home, tmp_path / "watch.log")
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        watcher.cleanup()


def short_recording(path: Path, sentence: str) -> Path:
    synthesize(
        [(INTERVIEWER, "Wat is voor jou goed werk?"), (PARTICIPANT, sentence)], path, lead_in_s=0.3
    )
    return path


def open_store(programme: Path, timeout: float = 120) -> Store:
    database = programme / "workspace" / "goodwork.sqlite"
    deadline = time.monotonic() + timeout
    while not database.exists():
        assert time.monotonic() < deadline, "the watcher never opened its store"
        time.sleep(0.1)
    return Store(load_settings(programme, environ={}).database_url)


def wait_for(
    condition: Callable[[], bool], watcher: Watcher, timeout: float, what: str, poll: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert watcher.process.poll() is None, f"watcher exited early:\n{watcher.output()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{watcher.output()}"
        watcher.remember_children()
        time.sleep(poll)


def states(store: Store) -> list[State]:
    return [story.state for story in store.stories()]


def test_watch_handles_files_before_and_after_start_and_stops_on_ctrl_c(
    programme: Path, start_watcher, tmp_path: Path
) -> None:
    short_recording(
        programme / "inbox" / "voor.wav", "Goed werk is echt luisteren naar de bewoner."
    )
    watcher = start_watcher()
    store = open_store(programme)
    wait_for(lambda: states(store) == [State.DRAFTED], watcher, 240, "the first draft")
    # staff drop a second recording while it runs; copied in, as a file manager does
    later = short_recording(tmp_path / "na.wav", "Ik vind het belangrijk dat de familie meedoet.")
    shutil.copyfile(later, programme / "inbox" / "na.wav")
    wait_for(lambda: states(store) == [State.DRAFTED] * 2, watcher, 240, "the second draft")

    assert watcher.interrupt() == 0, watcher.output()
    assert "Gestopt" in watcher.output()
    time.sleep(1)
    assert [pid for pid in watcher.seen_children if alive(pid)] == []  # nothing left running
    assert list((programme / "inbox").iterdir()) == []
    drafts = sorted((programme / "outbox" / "concepten").glob("*.docx"))
    assert [d.name.split("-v")[0] for d in drafts] == sorted(s.id for s in store.stories())
    for story in store.stories():
        transcribed = [e for e in store.events(story.id) if e.state == State.TRANSCRIBED]
        assert len(transcribed) == 1 and transcribed[0].detail["engine"] == "faster-whisper"


def test_kill_9_during_transcription_then_restart_completes_once(
    programme: Path, start_watcher, sample_recording
) -> None:
    recording, _turns = sample_recording  # about a minute of speech: a wide enough window
    shutil.copyfile(recording, programme / "inbox" / "gesprek.wav")
    source_sha = sha256_file(recording)
    first = start_watcher()
    store = open_store(programme)
    # 'received' is recorded before transcription starts and left only when it is done
    wait_for(lambda: states(store) == [State.RECEIVED], first, 240, "transcription", poll=0.05)
    time.sleep(1.0)  # well inside the transcription
    assert states(store) == [State.RECEIVED]
    first.kill_9()

    [story] = store.stories()
    files = programme / "workspace" / "stories" / story.id
    assert sha256_file(next((files / "original").glob("*.wav"))) == source_sha  # nothing lost
    assert not (files / "transcript" / "transcript.json").exists()
    assert list((programme / "inbox").iterdir()) == []

    second = start_watcher()
    wait_for(lambda: states(store) == [State.DRAFTED], second, 300, "the draft after restart")
    assert second.interrupt() == 0, second.output()

    [story] = store.stories()  # one story: nothing duplicated
    kinds = [e.state for e in store.events(story.id) if e.kind == "state"]
    assert kinds == [State.RECEIVED, State.TRANSCRIBED, State.DRAFTED]
    assert story.source_sha256 == source_sha and story.draft_version == 1
    assert sorted(p.name for p in (programme / "outbox" / "concepten").iterdir()) == [
        f"{story.id}-v1.docx",
        f"{story.id}-v1.eml",  # the ready-to-send e-mail next to the draft
    ]
    assert sorted(p.name for p in (files / "original").iterdir()) == [
        f"{source_sha}.wav",
        f"{source_sha}.wav.sha256",
    ]
