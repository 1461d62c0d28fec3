"""A transcription killed half way (a real kill -9) resumes where it stopped.

The first run is a separate process running the real 'process-inbox' flow against the test
Prefect server; it is killed with SIGKILL as soon as its first chunk result is stored in the
workspace. The second run, in this process, must transcribe only the chunks that were not
finished, and give the same text as an uninterrupted run in a fresh programme folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.transcribe_story import CACHE_FOLDER
from goodwork_pipeline.intake.transcript_files import read_transcript
from goodwork_pipeline.models import State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import Settings, load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import Turn
from goodwork_pipeline.transcription.stage import Transcription

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def programme(root: Path, model_cache: Path) -> Settings:
    root.mkdir()
    (root / "inbox").mkdir()
    (root / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nthreads = 2\nsettle_seconds = 0\nchunk_seconds = 20\n',
        encoding="utf-8",
    )
    return load_settings(root, environ={})


def start_flow(folder: Path, log: Path) -> subprocess.Popen[bytes]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    code = "import sys; from flows.process_inbox import process_inbox; process_inbox(sys.argv[1])"
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(folder)], env=env, stdout=output, stderr=output
        )


def wait_for_first_chunk(process: subprocess.Popen[bytes], cache: Path, log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if cache.is_dir() and any(cache.iterdir()):
            return
        if process.poll() is not None:
            pytest.fail(f"the flow ended before a chunk was stored:\n{log.read_text()}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"no chunk was stored in time:\n{log.read_text()}")


def test_killed_halfway_it_resumes_without_redoing_chunks(
    tmp_path: Path,
    model_cache: Path,
    sample_recording: tuple[Path, list[Turn]],
    run_flow,
) -> None:
    recording, _turns = sample_recording
    settings = programme(tmp_path / "onderbroken", model_cache)
    shutil.copyfile(recording, settings.inbox_dir / "gesprek.wav")
    cache = settings.workspace_dir / CACHE_FOLDER

    log = tmp_path / "first-run.log"
    first = start_flow(settings.base_dir, log)
    wait_for_first_chunk(first, cache, log)
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    stored = {path.name for path in cache.iterdir()}

    store = Store(settings.database_url)
    [story] = store.stories()
    assert story.state == State.RECEIVED  # killed while transcribing
    original = settings.workspace_dir / "stories" / story.id / "original"
    [audio] = [p for p in original.iterdir() if p.suffix == ".wav"]
    plan = Transcription(settings).plan(audio, sha256=story.source_sha256)
    keys = [plan.chunk_key(i) for i in range(len(plan.chunks))]
    finished = {i for i, key in enumerate(keys) if key in stored}
    assert 0 < len(finished) < len(keys), (finished, len(keys))

    # resume: only the unfinished chunks are transcribed. The killed run still holds its
    # transcription slot (when a test before this one set the limit on the test server);
    # free it as an embedded 'goodwork run' does at start (flows/concurrency.py).
    from flows.concurrency import ensure_transcription_limit

    ensure_transcription_limit(settings, reset=True)
    pipeline = Pipeline(settings, store=store, source="test")
    transcribed: list[int] = []
    run_chunk = pipeline.transcription.run_chunk

    def counting(plan, index, progress=None):  # type: ignore[no-untyped-def]
        transcribed.append(index)
        return run_chunk(plan, index, progress)

    pipeline.transcription.run_chunk = counting  # type: ignore[method-assign]
    results = run_flow(pipeline)
    assert all(r.ok for r in results), results
    assert sorted(transcribed) == sorted(set(range(len(keys))) - finished)
    assert store.story(story.id).state == State.DRAFTED
    resumed = read_transcript(pipeline.workspace.story(story.id).transcript_json)
    assert not cache.exists() or not any(cache.iterdir())  # chunk results removed when done

    # the same text as a run that was never interrupted
    fresh = programme(tmp_path / "ononderbroken", model_cache)
    shutil.copyfile(recording, fresh.inbox_dir / "gesprek.wav")
    fresh_pipeline = Pipeline(fresh, source="test")
    assert all(r.ok for r in run_flow(fresh_pipeline))
    [fresh_story] = fresh_pipeline.store.stories()
    uninterrupted = read_transcript(fresh_pipeline.workspace.story(fresh_story.id).transcript_json)
    assert resumed.text == uninterrupted.text
    assert [s.speaker for s in resumed.segments] == [s.speaker for s in uninterrupted.segments]
