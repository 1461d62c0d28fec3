"""Faults: ``kill -9`` at points inside a real ``goodwork run``, and a full disk while publishing.

One programme is made once (tests/test_faults.py::programme): in its inbox a Dutch recording
(espeak-ng, transcribed by the real Whisper model) and a returned, consented draft of story B;
story A is transcribed and waits for its draft. One un-killed ``goodwork run`` of a copy gives
the reference outcome. Then, per scenario, a copy is run by ``tests/fault_runner.py`` (the real
CLI in a subprocess, with one seam patched to SIGKILL itself at a chosen call), and run again
normally. After the restart everything must be as in the reference: same states, one story per
recording, originals archived byte for byte (or still in the inbox), no temporary or partial
file in ``outbox/``, every manifest's files present with their SHA-256 and openable, state
events along ``ALLOWED``, nothing published beyond the current consent.

Kill points: several per stage (transcription, docx writing, publishing), some fixed (the
worst places: mid-write, between the two renames of ``replace_dir``) and some drawn with a
seeded random choice (printed; set GWTEST_FAULT_SEED to replay).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
from docx import Document
from helpers import SCRIPT, make_tone, programme_pipeline, published_files, require_tool
from PIL import Image

from goodwork_pipeline.consent import ledger as consent_rules
from goodwork_pipeline.files import TMP_PREFIX, sha256_file
from goodwork_pipeline.lifecycle import ALLOWED
from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import read_manifest, story_folders
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import (
    INTERVIEWER,
    PARTICIPANT,
    fill_in_as_participant,
    synthesize,
)
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

pytestmark = pytest.mark.slow
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")
ROOT = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).resolve().parent / "fault_runner.py"
SEED = int(os.environ.get("GWTEST_FAULT_SEED", "8"))
SIDECAR = "participant: Anna de Vries\nrole: Teammanager\ngroup: teammanagers VVT 2026\n"
SPEECH = "gesprek.wav"
RETURNED = "terug-b.docx"


def open_pipeline(folder: Path, model_cache: Path, *, scripted: bool = True) -> Pipeline:
    transcriber = ScriptedTranscriber(SCRIPT) if scripted else None
    return programme_pipeline(folder, model_cache, source="faults", transcriber=transcriber)


@dataclass
class Programme:
    folder: Path
    inputs: dict[str, str]  # inbox name -> SHA-256
    model_cache: Path


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Programme:
    require_tool("espeak-ng")
    folder = tmp_path_factory.mktemp("faults") / "programma"
    pipeline = open_pipeline(folder, model_cache)
    inbox = pipeline.settings.inbox_dir
    ids = []
    for index in range(2):
        tone = make_tone(inbox / f"verhaal-{index}.wav", seconds=4 + index)
        tone.with_suffix(".yaml").write_text(SIDECAR, encoding="utf-8")
        story_id = pipeline.receive(tone).story_id
        assert pipeline.transcribe(story_id).ok
        ids.append(story_id)
    assert pipeline.draft(ids[1]).ok  # B is drafted; A waits for its draft
    fill_in_as_participant(
        pipeline.draft_outbox_path(ids[1], 1),
        inbox / RETURNED,
        channels=[Channel.WEBSITE, Channel.SOCIAL, Channel.INTERNAL],
        name_display=NameDisplay.FIRST,
    )
    synthesize(
        [
            (INTERVIEWER, "Wat is voor jou goed werk?"),
            (PARTICIPANT, "Goed werk is dat je echt luistert naar de bewoner en de familie."),
        ],
        inbox / SPEECH,
    )
    pipeline.store.close()
    inputs = {p.name: sha256_file(p) for p in inbox.iterdir()}
    return Programme(folder, inputs, model_cache)


@pytest.fixture(scope="module")
def api_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``goodwork run`` as an operator starts it: embedded Prefect, its own Prefect home
    (shared by every run of this module, as on one machine: slots a killed run held stay)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def goodwork(folder: Path, env: dict, fault: dict | None = None, *args: str):
    """Run the CLI in its own session; afterwards end what it left running (a killed embedded
    run leaves its Prefect server process behind, holding our pipes), by process group id."""
    command = (
        [sys.executable, str(RUNNER), json.dumps(fault), "--"]
        if fault
        else [sys.executable, "-m", "flows.cli"]
    )
    log = folder.parent / f"goodwork-{time.monotonic_ns()}.log"
    with log.open("w+", encoding="utf-8") as output:
        process = subprocess.Popen(
            [*command, "-C", str(folder), *(args or ("run",))],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=300)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        output.seek(0)
        text = output.read()
    return subprocess.CompletedProcess(process.args, returncode, text, text)


@dataclass
class Outcome:
    states: dict[str, str]  # first source name -> state
    outbox: set[str]  # relative paths of the files in outbox/ (folder names kept)
    folder: Path | None = None


def outcome(folder: Path) -> Outcome:
    store = Store(load_settings(folder, environ={}).database_url)
    try:
        stories = store.stories()
    finally:
        store.close()
    outbox = folder / "outbox"
    files = set()
    for path in outbox.rglob("*"):
        if path.is_file():
            name = str(path.relative_to(outbox))
            for story in stories:  # story ids are random: name them by their recording
                name = name.replace(story.id, story.source_name)
            files.add(name)
    return Outcome({s.source_name: s.state.value for s in stories}, files)


@pytest.fixture(scope="module")
def reference_folder(reference: Outcome) -> Path:
    return reference.folder


@pytest.fixture(scope="module")
def reference(programme: Programme, api_env: dict, tmp_path_factory) -> Outcome:
    folder = tmp_path_factory.mktemp("referentie") / "programma"
    shutil.copytree(programme.folder, folder)
    done = goodwork(folder, api_env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = outcome(folder)
    result.folder = folder
    assert result.states == {
        "verhaal-0.wav": "drafted",
        "verhaal-1.wav": "published",
        SPEECH: "drafted",
    }, result.states
    assert not any(n.startswith(".") for n in result.outbox)
    return result


@dataclass
class Check:
    files_lost: int = 0
    unconsented_assets: int = 0
    duplicates: int = 0
    partial_files_visible: int = 0
    problems: list[str] | None = None

    def fail(self, text: str) -> None:
        self.problems = [*(self.problems or []), text]


def check_programme(folder: Path, programme: Programme) -> Check:
    """Every promise that must hold after any crash and a restart."""
    check = Check()
    settings = load_settings(folder, environ={})
    store = Store(settings.database_url)
    pipeline = Pipeline(settings, store=store)
    try:
        stories = store.stories()
        by_source: dict[str, int] = {}
        for story in stories:
            by_source[story.source_sha256] = by_source.get(story.source_sha256, 0) + 1
        check.duplicates = sum(n - 1 for n in by_source.values())
        # Nothing lost: every input is in the inbox byte for byte, or kept in the workspace.
        kept = {
            sha256_file(p)
            for story in stories
            for sub in ("original", "returned")
            for p in (pipeline.workspace.story(story.id).root / sub).glob("*")
            if p.is_file()
        }
        for name, sha in programme.inputs.items():
            here = settings.inbox_dir / name
            if not (here.is_file() and sha256_file(here) == sha) and sha not in kept:
                check.files_lost += 1
                check.fail(f"{name} is neither in the inbox nor kept")
        # No temporary or partial file visible in the outbox.
        outbox = settings.outbox_dir
        for path in outbox.rglob("*"):
            if path.name.startswith(TMP_PREFIX):
                check.partial_files_visible += 1
                check.fail(f"temporary file left: {path.relative_to(outbox)}")
        for path in outbox.rglob("*"):
            if path.is_file() and not path.name.startswith(TMP_PREFIX) and not opens(path):
                check.partial_files_visible += 1
                check.fail(f"{path.relative_to(outbox)} does not open")
        listed = set()
        for story in stories:
            consent = consent_rules.consent_for(store, story.id)
            for folder_path in story_folders(outbox, story.id):
                manifest = read_manifest(folder_path)
                for entry in manifest["files"]:
                    path = folder_path / entry["path"]
                    listed.add(path)
                    if not path.is_file() or sha256_file(path) != entry["sha256"]:
                        check.partial_files_visible += 1
                        check.fail(f"{path} missing or not as listed in its manifest")
                    if (
                        consent is None
                        or Channel(entry["channel"]) not in consent.channels
                        or manifest["consent"]["text_sha256"] != consent.text_sha256
                        or manifest["consent"]["ledger_record"] != consent.record_id
                    ):
                        check.unconsented_assets += 1
                        check.fail(f"{path} is not covered by the current consent")
            # States only along ALLOWED.
            previous = None
            for event in store.events(story.id):
                if event.kind != "state":
                    continue
                if event.state not in ALLOWED[previous]:
                    check.fail(f"{story.id}: {previous} -> {event.state} is not allowed")
                previous = event.state
        for path in published_files(outbox):
            if path.name != "manifest.json" and path not in listed:
                check.unconsented_assets += 1
                check.fail(f"{path.relative_to(outbox)} is in no manifest")
    finally:
        store.close()
    return check


def opens(path: Path) -> bool:
    try:
        if path.suffix == ".pdf":
            pypdfium2.PdfDocument(path).close()
        elif path.suffix == ".png":
            Image.open(path).verify()
        elif path.suffix == ".docx":
            Document(str(path))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".html", ".txt", ".md", ".eml"):
            path.read_text(encoding="utf-8")
    except Exception:
        return False
    return True


def report(stage: str, point: str, check: Check, outcome_name: str) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as handle:
            line = {
                "kind": "fault",
                "stage": stage,
                "point": point,
                "files_lost": check.files_lost,
                "unconsented_assets": check.unconsented_assets,
                "duplicates": check.duplicates,
                "partial_files_visible": check.partial_files_visible,
                "outcome": outcome_name,
            }
            handle.write(json.dumps(line) + "\n")


def _points() -> list[tuple[str, dict]]:
    rng = random.Random(SEED)
    drawn = [
        # transcription: the N-th of the 4 transcript files (.json .txt .srt .vtt)
        (
            "transcription",
            {
                "seam": "atomic_write_bytes",
                "match": "transcript",
                "mode": "mid",
                "nth": rng.randint(1, 4),
            },
        ),
        # docx: the draft, the copy to send or its e-mail
        (
            "docx",
            {
                "seam": "atomic_write_bytes",
                "match": "drafts",
                "mode": rng.choice(["mid", "after"]),
                "nth": rng.randint(1, 2),
            },
        ),
        # publish: the N-th staged asset of story B
        (
            "publish",
            {
                "seam": "atomic_write_bytes",
                "match": TMP_PREFIX,
                "mode": "mid",
                "nth": rng.randint(1, 8),
            },
        ),
    ]
    fixed = [
        ("transcription", {"seam": "run_chunk", "mode": "after", "nth": 1}),
        ("docx", {"seam": "atomic_copy", "match": "concepten", "mode": "mid", "nth": 1}),
        ("publish", {"seam": "replace_dir", "mode": "mid", "nth": 1}),
    ]
    print(f"fault points (GWTEST_FAULT_SEED={SEED}): {drawn}")
    return fixed + drawn


POINTS = _points()


@pytest.mark.parametrize(
    ("stage", "fault"),
    POINTS,
    ids=[f"{s}-{f['seam']}-{f['mode']}-{f['nth']}" for s, f in POINTS],
)
def test_kill_and_restart(
    stage: str, fault: dict, programme, reference, api_env, tmp_path: Path
) -> None:
    folder = tmp_path / "programma"
    shutil.copytree(programme.folder, folder)
    killed = goodwork(folder, api_env, {**fault, "error": "kill"})
    assert killed.returncode == -9, (
        f"the fault {fault} was never reached: rc={killed.returncode}\n{killed.stderr[-3000:]}"
    )
    again = goodwork(folder, api_env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Traceback" not in again.stdout + again.stderr
    check = check_programme(folder, programme)
    after = outcome(folder)
    recovered = not check.problems and after.states == reference.states
    report(stage, json.dumps(fault, sort_keys=True), check, "recovered" if recovered else "lost")
    assert not check.problems, check.problems
    assert after.states == reference.states
    assert after.outbox == reference.outbox


def snapshot(outbox: Path) -> dict[str, str]:
    return {str(p.relative_to(outbox)): sha256_file(p) for p in outbox.rglob("*") if p.is_file()}


def republish_on_full_disk(folder: Path, programme: Programme):
    """Give story B one more channel (staff record it), so its outbox folder is made again."""
    pipeline = open_pipeline(folder, programme.model_cache, scripted=True)
    story = next(s for s in pipeline.store.stories() if s.source_name == "verhaal-1.wav")
    before = snapshot(pipeline.settings.outbox_dir)
    result = pipeline.record_consent(
        story.id,
        channels=[Channel.WEBSITE, Channel.SOCIAL, Channel.INTERNAL, Channel.GROUP],
        name_display=NameDisplay.FIRST,
        by="Medewerker Communicatie",
    )
    return pipeline, story.id, before, result


def test_disk_full_while_republishing_keeps_the_previous_outputs(
    reference_folder: Path, programme: Programme, api_env: dict, tmp_path: Path, monkeypatch
) -> None:
    """A simulated ENOSPC at the write seam, on the 3rd asset of the new folder."""
    from goodwork_pipeline import files

    folder = tmp_path / "programma"
    shutil.copytree(reference_folder, folder)
    original = files.atomic_write_bytes
    calls = {"n": 0}

    def full_disk_write(path: Path, data: bytes) -> Path:
        calls["n"] += 1
        if calls["n"] == 3:
            with files._temp_beside(path) as temp:  # the real seam: half written, then full
                temp.write_bytes(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(path, data)

    monkeypatch.setattr("goodwork_pipeline.publishing.publish.atomic_write_bytes", full_disk_write)
    pipeline, story_id, before, result = republish_on_full_disk(folder, programme)
    outbox = pipeline.settings.outbox_dir
    try:
        assert calls["n"] == 3, "the full disk was never reached"
        assert snapshot(outbox) == before  # byte for byte, and nothing added
        assert not [p for p in outbox.rglob(f"{TMP_PREFIX}*")]
        story = pipeline.store.story(story_id)
        assert story.state.value == "failed"
        assert "No space left on the disk" in (story.last_error or "")
        assert "De schijf is vol" in (story.last_error_nl or "")
        assert "No space left" in f"{result.message} {result.details}"
    finally:
        pipeline.store.close()
    # Space back: the next run brings the outbox in line with the new consent.
    monkeypatch.undo()
    done = goodwork(folder, api_env)
    assert done.returncode == 0, done.stderr[-3000:]
    recovered_from_full_disk(folder, programme, "ENOSPC at the 3rd staged asset (simulated)")


def recovered_from_full_disk(folder: Path, programme, point: str) -> None:
    """After the disk had room again: all consistent, the new channel published."""
    final = check_programme(folder, programme)
    after = outcome(folder)
    published = after.states["verhaal-1.wav"] == "published"
    report("disk-full", point, final, "recovered" if not final.problems and published else "lost")
    assert not final.problems, final.problems
    assert published
    assert any("/groepsgesprek/" in n for n in after.outbox), after.outbox


def test_real_full_tmpfs_outbox_keeps_the_previous_outputs(
    reference_folder: Path, programme: Programme, api_env: dict, tmp_path: Path
) -> None:
    """The same on a real full disk: outbox/ is a tmpfs just big enough for what is there."""
    folder = tmp_path / "programma"
    shutil.copytree(reference_folder, folder)
    outbox = folder / "outbox"
    used = sum(p.stat().st_size for p in outbox.rglob("*") if p.is_file())
    shutil.move(outbox, tmp_path / "outbox-vooraf")
    outbox.mkdir()
    size = used + 96 * 1024
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(outbox)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        shutil.copytree(tmp_path / "outbox-vooraf", outbox, dirs_exist_ok=True)
        pipeline, story_id, before, _result = republish_on_full_disk(folder, programme)
        try:
            story = pipeline.store.story(story_id)
            assert story.state.value == "failed", story.last_error
            assert "No space left on the disk" in (story.last_error or "")
            assert "De schijf is vol" in (story.last_error_nl or "")
            assert snapshot(outbox) == before
            assert not list(outbox.rglob(f"{TMP_PREFIX}*"))
        finally:
            pipeline.store.close()
        subprocess.run(["mount", "-o", "remount,size=64m", str(outbox)], check=True)
        done = goodwork(folder, api_env)
        assert done.returncode == 0, done.stderr[-3000:]
        recovered_from_full_disk(folder, programme, f"real ENOSPC: tmpfs outbox of {size} bytes")
    finally:
        subprocess.run(["umount", str(outbox)], check=False)
