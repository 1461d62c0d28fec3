"""The command line given bad input: a clear message, never a traceback (the real binary).

The cases are ``corpus.CLI_CASES``. Each runs ``goodwork`` as staff do, in a copy of a
programme with one drafted story; commands that start a flow use the test's Prefect
server (PREFECT_API_URL) instead of starting an embedded one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import CLI_CASES, CliCase
from helpers import SCRIPT, make_tone

from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

pytestmark = pytest.mark.prefect
GOODWORK = Path(sys.executable).parent / "goodwork"
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cli") / "programma"
    for name in ("inbox", "outbox", "workspace"):
        (folder / name).mkdir(parents=True)
    pipeline = Pipeline(
        load_settings(folder, environ={}, settle_seconds=0),
        transcriber=ScriptedTranscriber(SCRIPT),
    )
    story_id = pipeline.receive(make_tone(folder / "inbox" / "gesprek.wav", seconds=5)).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    pipeline.store.close()
    return folder, story_id


@pytest.fixture(scope="module")
def api_url(prefect_server: None) -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.id for case in CLI_CASES])
def test_bad_command_line_input_gets_a_clear_message(
    case: CliCase, programme, api_url: str, tmp_path: Path
) -> None:
    template, story_id = programme
    folder = tmp_path / "programma"
    shutil.copytree(template, folder)
    if case.setup is not None:
        case.setup(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODWORK_", "PREFECT_"))}
    env.update(PREFECT_API_URL=api_url, PREFECT_HOME=str(tmp_path / "prefect"), COLUMNS="200")
    env.update(case.env)
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    if case.inject:
        inject(case.inject, tmp_path / "inject", env)
    args = [a.replace("{story}", story_id).replace("{folder}", str(folder)) for a in case.args]
    done = subprocess.run(
        [GOODWORK, "-C", str(folder), *args], capture_output=True, text=True, env=env, timeout=300
    )
    output = " ".join((done.stdout + done.stderr).split())
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as log:
            log.write(
                json.dumps(
                    {"kind": "cli", "case": case.id, "what": case.what, "exit": done.returncode,
                     "traceback": "Traceback" in output, "output": output[:300]},
                    ensure_ascii=False,
                )
                + "\n"
            )  # fmt: skip
    assert "Traceback" not in output, output
    for fragment in case.says:
        assert fragment in output, output
    failed = done.returncode != 0 or "✗" in output
    assert failed, f"'goodwork {' '.join(args)}' did not say it failed: {output}"
    if case.exit is not None:
        assert done.returncode == case.exit, output


def inject(target: str, folder: Path, env: dict[str, str]) -> None:
    """Make ``module:Class.attribute`` raise in the command's process (a sitecustomize on
    its PYTHONPATH): an internal error where no real one is known."""
    module, attribute = target.split(":")
    owner, _, name = attribute.rpartition(".")
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import importlib\n"
        f"_module = importlib.import_module({module!r})\n"
        f"_owner = getattr(_module, {owner!r}) if {owner!r} else _module\n"
        "def _broken(*args, **kwargs):\n"
        "    raise RuntimeError('injected internal error (test)')\n"
        f"setattr(_owner, {name!r}, _broken)\n",
        encoding="utf-8",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
