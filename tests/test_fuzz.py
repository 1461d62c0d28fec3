"""Fuzzing the returned-document reader (with review) and the sidecar parser, bounded in time.

atheris (libFuzzer for Python, coverage-guided) runs ``tests/fuzz/fuzz_targets.py`` in a
subprocess per target, seeded with real drafts (as sent, ticked in Word's, LibreOffice's,
legacy and typed ways, with tracked changes, comments, tables) and real sidecars. The only
exceptions allowed are our own ``GoodworkError``s; anything else, a hang (per-input timeout)
or a memory blow-up (RSS limit) fails the test with the traceback and the input.

Each target runs at most ``GWTEST_FUZZ_SECONDS`` seconds (default 25) and
``GWTEST_FUZZ_RUNS`` inputs (default 1,000,000, so time is the bound); the seed is fixed
per target, so a CI failure reproduces with the same command (printed on failure).
``bench/reliability.py`` runs the same targets longer for the report.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx_edits import edit
from helpers import drop

from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

pytestmark = pytest.mark.fuzz

HARNESS = Path(__file__).parent / "fuzz" / "fuzz_targets.py"
TARGETS = ("docx", "document-xml", "parts", "sidecar")
SEEDS = {"docx": 11, "document-xml": 12, "parts": 13, "sidecar": 14}
SECONDS = int(os.environ.get("GWTEST_FUZZ_SECONDS", "25"))
RUNS = int(os.environ.get("GWTEST_FUZZ_RUNS", "1000000"))
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")

SIDECARS = [
    SAMPLE_SIDECAR,
    "participant: Zoë Ørsted\nrole: Leercoach\ndate: 2026-03-12\nlanguage: nl\n",
    "speakers: {left: interviewer, right: participant}\nvocabulary: [VVT, Zorggroep]\n",
    "pseudonymise:\n  - Mevrouw Jansen\n  - 'Karel = haar zoon'\n",
    "participant: 12\nemail: a@b.nl\ngroup: teammanagers VVT 2026\n",
    "# alleen commentaar\n",
    "speakers:\n  Anna: participant\n  Sam: interviewer\ninterviewer: Sam\n",
    "date: 2026-03-12T10:00:00\norganisation: De Linde\n",
]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory, module_pipeline, module_tone: Path) -> Path:
    """Real drafts (as sent, and returned in many shapes) and real sidecars as seed files."""
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    pipeline = module_pipeline
    dropped = drop(pipeline.settings, module_tone, "gesprek.wav", sidecar=SAMPLE_SIDECAR)
    story_id = pipeline.receive(dropped).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    sent = pipeline.workspace.story(story_id).draft_docx(1)
    shutil.copyfile(sent, folder / "sent.docx")
    shutil.copyfile(pipeline.workspace.story(story_id).draft_beeld(1), folder / "beeld.json")
    documents = returned_variants(sent, folder / "variants")
    for target in ("docx", "document-xml", "parts"):
        (folder / target).mkdir()
    for number, document in enumerate(documents):
        shutil.copyfile(document, folder / "docx" / f"{number:02d}.docx")
        with zipfile.ZipFile(document) as archive:
            names = set(archive.namelist())
            (folder / "document-xml" / f"{number:02d}.xml").write_bytes(
                archive.read("word/document.xml")
            )
            for index, part in enumerate(PARTS):
                if part in names:
                    data = bytes([index]) + archive.read(part)
                    (folder / "parts" / f"{number:02d}-{index}.xml").write_bytes(data)
    (folder / "sidecar").mkdir()
    for number, text in enumerate(SIDECARS):
        (folder / "sidecar" / f"{number:02d}.yaml").write_text(text, encoding="utf-8")
    return folder


PARTS = (
    "docProps/custom.xml",
    "docProps/core.xml",
    "customXml/item1.xml",
    "word/footer1.xml",
    "word/comments.xml",
)


def returned_variants(sent: Path, folder: Path) -> list[Path]:
    """The draft as participants return it: every way of ticking, editing and commenting."""
    folder.mkdir()
    made = [sent]
    made.append(fill_in_as_participant(sent, folder / "word.docx"))
    made.append(
        fill_in_as_participant(
            sent,
            folder / "tegenstrijdig.docx",
            channels=list(Channel),
            name_display=[NameDisplay.FULL, NameDisplay.ROLE],
            replace={"twaalf jaar": "dertien jaar"},
        )
    )
    made.append(fill_in_as_participant(sent, folder / "niet.docx", approve=False, channels=[]))
    website = CHANNEL_BOXES[Channel.WEBSITE]
    made.append(
        edit(
            sent,
            folder / "bijgehouden.docx",
            lambda d: d.track_replace("twaalf jaar", "dertien jaar"),
            lambda d: d.add_comment("ouderenzorg", "Klopt dit?"),
            lambda d: d.tick_content_control(APPROVE_LABEL),
            lambda d: d.tick_content_control(website),
        )
    )
    made.append(
        edit(
            sent,
            folder / "oud-model.docx",
            lambda d: d.to_legacy_checkboxes(
                [APPROVE_LABEL, website, NAME_BOXES[NameDisplay.FIRST]]
            ),
        )
    )
    made.append(
        edit(
            sent,
            folder / "getypt.docx",
            lambda d: d.to_typed_boxes({APPROVE_LABEL: "X", website: "[x]"}),
        )
    )
    made.append(
        edit(sent, folder / "symbool.docx", lambda d: d.to_symbol_box(CHANNEL_BOXES[Channel.GROUP]))
    )
    made.append(
        edit(
            sent,
            folder / "tabel.docx",
            lambda d: d.put_in_table("ouderenzorg"),
            lambda d: d.delete_paragraph_mark("ouderenzorg"),
            lambda d: d.restyle("De puzzel", style=None, bold=True),
        )
    )
    return made


@pytest.fixture(scope="module")
def module_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers import make_tone

    return make_tone(tmp_path_factory.mktemp("tone") / "toon.wav", seconds=5.0)


@pytest.fixture(scope="module")
def module_pipeline(tmp_path_factory: pytest.TempPathFactory, model_cache: Path):
    from helpers import SCRIPT

    from goodwork_pipeline.clock import FixedClock
    from goodwork_pipeline.pipeline import Pipeline
    from goodwork_pipeline.settings import load_settings
    from goodwork_pipeline.store.repository import Store
    from goodwork_pipeline.transcription.engine import ScriptedTranscriber

    folder = tmp_path_factory.mktemp("fuzz-programme")
    for name in ("inbox", "outbox", "workspace"):
        (folder / name).mkdir()
    settings = load_settings(folder, environ={}, settle_seconds=0, model_cache=model_cache)
    clock = FixedClock()
    pipeline = Pipeline(
        settings,
        store=Store(settings.database_url, clock=clock),
        transcriber=ScriptedTranscriber(SCRIPT),
        clock=clock,
    )
    yield pipeline
    pipeline.store.close()


def run_target(target: str, seeds: Path, work: Path, seconds: int, runs: int) -> dict:
    """Fuzz one target; return what libFuzzer reported (runs, coverage, crashes)."""
    corpus = work / f"corpus-{target}"
    shutil.copytree(seeds / target, corpus)
    artifacts = work / f"crashes-{target}"
    artifacts.mkdir()
    command = [
        sys.executable,
        str(HARNESS),
        target,
        str(seeds / "beeld.json"),
        str(seeds / "sent.docx"),
        "--rss-limit-mb",
        "3072",
        "--",
        f"-runs={runs}",
        f"-max_total_time={seconds}",
        f"-seed={SEEDS[target]}",
        "-timeout=20",  # one input taking longer is a hang
        "-rss_limit_mb=0",  # the harness bounds its own peak (see fuzz_targets.py)
        "-max_len=200000",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/",
        str(corpus),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 180, cwd=work
    )
    log = completed.stdout + completed.stderr
    executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    coverage = re.findall(r"cov: (\d+)", log)
    crashes = sorted(artifacts.iterdir())
    return {
        "target": target,
        "returncode": completed.returncode,
        "runs": int(executed[-1]) if executed else 0,
        "coverage": int(coverage[-1]) if coverage else 0,
        "crashes": [
            {"file": p.name, "input_b64": base64.b64encode(p.read_bytes()[:4000]).decode()}
            for p in crashes
        ],
        "log_tail": log[-6000:],
        "command": " ".join(command),
    }


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_raises_only_our_own_errors(target: str, seeds: Path, tmp_path: Path) -> None:
    result = run_target(target, seeds, tmp_path, SECONDS, RUNS)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as log:
            log.write(json.dumps({"kind": "fuzz", **result, "log_tail": ""}) + "\n")
    assert result["returncode"] == 0 and not result["crashes"], (
        f"fuzzing {target} found a crash:\n{result['log_tail']}\n"
        f"inputs (base64): {result['crashes']}\nreproduce: {result['command']}"
    )
    assert result["runs"] > 100, result["log_tail"]  # it really ran
