"""Scale-out on Prefect's own machinery: a real server, a process work pool, two workers.

A Prefect server on 127.0.0.1 (a free port, its own PREFECT_HOME), the deployments from
``prefect.yaml`` deployed with ``prefect deploy``, two ``prefect worker`` processes, the store
in a real PostgreSQL server and the programme folder shared by all. ``goodwork watch`` in
server mode sees 10 recordings and hands each to the ``process-recording/goodwork``
deployment; the workers run them with the real bundled Whisper model (short recordings, beam
1: the same pipeline, just less audio). Each story must be processed exactly once, and both
workers must have done some. Every process is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from postgres_server import free_port

from goodwork_pipeline.models import INTERVIEWER, PARTICIPANT, State
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import synthesize

pytestmark = [pytest.mark.slow, pytest.mark.scaleout]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SENTENCES = [
    "Goed werk is echt luisteren naar de bewoner.",
    "Ik vind het belangrijk dat de familie meedoet.",
    "De dochter wilde dat wij haar moeder dwongen.",
    "Ik twijfelde tussen de regels en het gesprek.",
    "Samen zoeken naar wat iemand wil, dat is goed werk.",
    "Ik werk al twaalf jaar in de ouderenzorg.",
    "Een bewoner wilde niet meer eten.",
    "Ik heb gekozen voor het gesprek met de familie.",
    "Als teammanager wil ik ruimte geven aan mijn team.",
    "Het was een moeilijke situatie zonder standaard antwoord.",
]


class Processes:
    """Started processes, stopped by PID (children first) at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=(self.logs / f"{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def prefect_env(home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GOODWORK_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_LOGGING_LEVEL="WARNING",
        GW_PROJECT_DIR=str(ROOT),
        **extra,
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def wait_until(condition, timeout: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for name, process in processes.started:
            assert process.poll() is None, f"{name} exited:\n{processes.log(name)}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {n}\n{processes.log(n)}" for n, _ in processes.started)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.5)


def test_ten_recordings_on_two_workers_each_processed_exactly_once(
    tmp_path: Path, processes: Processes, postgres_server, model_cache: Path
) -> None:
    home = tmp_path / "prefect-home"
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    # Prefect's own database on PostgreSQL too, as for several machines (SQLite locks up
    # under two workers and a watcher on a busy 2-core machine).
    prefect_database = postgres_server.new_database().replace("+psycopg", "+asyncpg")
    # Authenticated, as the README's scale-out guide sets it up: the server checks the
    # secret, every client (workers, the watcher, prefect deploy) sends it.
    secret = f"goodwork:{secrets.token_urlsafe(24)}"
    processes.start(
        "server",
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        prefect_env(
            home,
            PREFECT_UI_ENABLED="false",
            PREFECT_API_DATABASE_CONNECTION_URL=prefect_database,
            PREFECT_SERVER_API_AUTH_STRING=secret,
        ),
    )

    def healthy() -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{api}/health", timeout=2).status_code == 200
        return False

    wait_until(healthy, 180, "the Prefect server", processes)
    env = prefect_env(home, api, PREFECT_API_AUTH_STRING=secret)
    run([str(BIN / "prefect"), "work-pool", "create", "goodwork-process", "--type", "process"], env)
    for deployment in ("process-recording/goodwork", "record-consent/goodwork"):
        run([str(BIN / "prefect"), "--no-prompt", "deploy", "--name", deployment], env)
    _nobody_else_gets_in(api, secret)

    # the shared programme folder; the store in PostgreSQL
    folder = tmp_path / "gedeeld" / "programma"
    (folder / "inbox").mkdir(parents=True)
    database = postgres_server.new_database()
    (folder / "goodwork.toml").write_text(
        f'database = "{database}"\nmodel_cache = "{model_cache}"\n'
        "threads = 1\nbeam_size = 1\nsettle_seconds = 0.5\ntranscription_slots = 2\n",
        encoding="utf-8",
    )
    for worker in ("worker-a", "worker-b"):
        processes.start(
            worker,
            [
                str(BIN / "prefect"),
                "worker",
                "start",
                "--pool",
                "goodwork-process",
                "--name",
                worker,
                "--limit",
                "1",
            ],
            # each worker records itself as the actor of what it does
            prefect_env(home, api, GOODWORK_ACTOR=worker, PREFECT_API_AUTH_STRING=secret),
        )

    for number, sentence in enumerate(SENTENCES):
        synthesize(
            [(INTERVIEWER, "Wat is voor jou goed werk?"), (PARTICIPANT, sentence)],
            folder / "inbox" / f"gesprek-{number:02d}.wav",
        )
    processes.start(
        "watch", [str(BIN / "goodwork"), "-C", str(folder), "-v", "watch", "--rescan", "1"], env
    )

    store = Store(load_settings(folder, environ={}).database_url)
    drafted = lambda: [s.state for s in store.stories()] == [State.DRAFTED] * 10  # noqa: E731
    wait_until(drafted, 900, "10 drafts", processes)

    stories = store.stories()
    assert len({s.source_sha256 for s in stories}) == 10
    transcribed_by = {}
    for story in stories:
        history = [e for e in store.events(story.id) if e.kind == "state"]
        assert [e.state for e in history] == [State.RECEIVED, State.TRANSCRIBED, State.DRAFTED]
        actors = {e.actor for e in history}
        assert len(actors) == 1, actors  # one worker did the whole story
        transcribed_by[story.id] = actors.pop()
        assert history[1].detail["engine"] == "faster-whisper"
    assert set(transcribed_by.values()) == {"worker-a", "worker-b"}, transcribed_by
    assert list((folder / "inbox").iterdir()) == []
    assert len(list((folder / "outbox" / "concepten").glob("*-v1.docx"))) == 10

    # Prefect saw the same: 10 completed runs of the deployment, one per recording
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with SyncPrefectClient(api, auth_string=secret) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["process-recording"]))
        )
        limit = client.read_concurrency_limit_by_tag("goodwork-transcription")
    assert len(runs) == 10 and all(r.state.is_completed() for r in runs), [
        (r.name, r.state.name) for r in runs
    ]
    assert sorted(r.parameters["path"] for r in runs) == [f"gesprek-{n:02d}.wav" for n in range(10)]
    assert limit.concurrency_limit == 2
    print({story: actor for story, actor in sorted(transcribed_by.items())})


def _nobody_else_gets_in(api: str, secret: str) -> None:
    """Without the secret (or with a wrong one) the server answers 401 to reading runs and to
    starting the record-consent deployment, the one that would publish a person's beeld."""
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(api, auth_string=secret) as client:
        consent = client.read_deployment_by_name("record-consent/goodwork")
    requests = [
        ("POST", f"{api}/flow_runs/filter", {}),
        ("GET", f"{api}/deployments/{consent.id}", None),
        (
            "POST",
            f"{api}/deployments/{consent.id}/create_flow_run",
            {"parameters": {"story": "GW-7K3QM2XD", "channels": ["website"], "recorded_by": "x"}},
        ),
    ]
    for auth in (None, ("goodwork", "guessed")):
        for method, url, body in requests:
            answer = httpx.request(method, url, json=body, auth=auth, timeout=10)
            assert answer.status_code == 401, (method, url, answer.status_code, answer.text)
    with SyncPrefectClient(api, auth_string=secret) as client:
        assert client.read_flow_runs(deployment_filter=None) == []  # nothing was started
