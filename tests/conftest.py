"""Shared fixtures: real SQLite, real files, the real model cache, a sample interview.

Tests that need a system tool (espeak-ng, LibreOffice) skip with a reason on a developer
machine without it, and fail in CI (where CI=true), which installs everything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# pytest-xdist's workers (scripts/check runs two) start with COLUMNS=80 and LINES set, which
# would fix the width of the CLI's Rich consoles when flows.cli is imported; a test asks for
# the width it needs (CliRunner env={"COLUMNS": ...}), as in a plain run.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

from helpers import IN_CI, SCRIPT, make_tone, require_tool
from postgres_server import PostgresServer, find_bindir

from goodwork_pipeline.clock import FixedClock
from goodwork_pipeline.pipeline import Pipeline, StepResult
from goodwork_pipeline.privacy.third_parties import deduce_cache_dir
from goodwork_pipeline.settings import Settings, _default_model_cache, load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, Turn, synthesize
from goodwork_pipeline.transcription.engine import ScriptedTranscriber


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One assembled model for the whole run (assembling costs about a second)."""
    configured = os.environ.get("GOODWORK_TEST_MODEL_CACHE")
    if configured:
        return Path(configured)
    cache = tmp_path_factory.mktemp("model-cache")
    # deduce's lookup structures take a minute of CPU to build: build them once per machine
    # in the user's model cache (scripts/setup does) and share them with every test run.
    user_cache = deduce_cache_dir(_default_model_cache())
    user_cache.mkdir(parents=True, exist_ok=True)
    shared = cache / user_cache.name
    shared.symlink_to(user_cache, target_is_directory=True)
    return cache


@pytest.fixture
def settings(tmp_path: Path, model_cache: Path) -> Settings:
    folder = tmp_path / "programme"
    folder.mkdir()
    for name in ("inbox", "outbox", "workspace"):
        (folder / name).mkdir()
    return load_settings(folder, environ={}, settle_seconds=0, model_cache=model_cache, threads=2)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def store(settings: Settings, clock: FixedClock) -> Iterator[Store]:
    store = Store(settings.database_url, clock=clock)
    yield store
    store.close()


@pytest.fixture
def scripted() -> ScriptedTranscriber:
    return ScriptedTranscriber(SCRIPT)


@pytest.fixture
def pipeline(
    settings: Settings, store: Store, clock: FixedClock, scripted: ScriptedTranscriber
) -> Pipeline:
    """The real pipeline with a scripted transcriber (fast); other components are real."""
    return Pipeline(settings, store=store, transcriber=scripted, clock=clock, source="test")


@pytest.fixture(scope="session")
def sample_recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Turn]]:
    """The demo's sample interview, spoken by espeak-ng once per test run."""
    require_tool("espeak-ng")
    folder = tmp_path_factory.mktemp("sample")
    path = folder / "gesprek-anna.wav"
    turns = synthesize(SAMPLE_CONVERSATION, path)
    return path, turns


@pytest.fixture
def tone_wav(tmp_path: Path) -> Path:
    """Five seconds of a voice-like tone: audible, decodable, fast to transcribe."""
    return make_tone(tmp_path / "toon.wav", seconds=5.0)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real temporary Prefect server (with its own database) for the whole test run."""
    from prefect.testing.utilities import prefect_test_harness

    import flows  # noqa: F401  (sets quiet, offline Prefect defaults before Prefect loads)

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def run_flow(prefect_server: None) -> Callable[[Pipeline], list[StepResult]]:
    """Run the real process-inbox flow body (Prefect tasks) with a given pipeline."""
    from prefect import flow

    from flows.process_inbox import run_once

    @flow(name="process-inbox-test")
    def process(pipeline: Pipeline) -> list[StepResult]:
        return run_once(pipeline)

    return process


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole run (stopped by PID at the end)."""
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed (scripts/setup test installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite the golden files in tests/goldens/ from the current output. Only on "
        "purpose: review the diff before committing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
