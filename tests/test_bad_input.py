"""Every case of the bad-input corpus (tests/corpus.py) through the real flow, with good files.

Per case: a fresh programme (copied from one made once: stories A and B with drafts, A in
version 2), a good recording in the same inbox and, for returned documents, a good
returned draft of story B. Then the real 'process-inbox' flow body runs (Prefect tasks on
the test server), twice. Checked for every case:

- no task crashed (a crash becomes 'task …' instead of our message);
- the outcome the table promises: refused files are still there byte for byte and
  ``goodwork status`` (the real CLI command) names them with the Dutch message;
  processed ones are archived byte for byte and drafted once; documents that were read
  leave a message on the story and change no consent; nothing is published from them;
- the good files of the same run were processed (A drafted, B published);
- the second run changes nothing and crashes nothing.

Cases marked ``engine="whisper"`` transcribe with the real model (and the good file is
Dutch speech by espeak-ng); the others use the scripted transcriber, because their subject
is intake, not transcription.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import CASES, Bench, Case
from helpers import SCRIPT, make_tone, programme_pipeline, require_tool

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import story_folders
from goodwork_pipeline.testing.samples import (
    INTERVIEWER,
    PARTICIPANT,
    fill_in_as_participant,
    synthesize,
)
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

pytestmark = pytest.mark.prefect
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")
SIDECAR = "participant: Anna de Vries\nrole: Teammanager\ngroup: teammanagers VVT 2026\n"


@dataclass
class Programme:
    folder: Path
    story_a: str
    story_b: str
    draft_a: Path
    first_draft_a: Path
    draft_b: Path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Programme:
    """Stories A (drafts v1 and v2) and B (v1), made once through the real pipeline."""
    root = tmp_path_factory.mktemp("corpus")
    folder = root / "programma"
    pipeline = open_pipeline(folder, model_cache, scripted=True)
    ids = []
    for index in range(2):
        tone = make_tone(pipeline.settings.inbox_dir / f"verhaal-{index}.wav", seconds=4 + index)
        tone.with_suffix(".yaml").write_text(SIDECAR, encoding="utf-8")
        story_id = pipeline.receive(tone).story_id
        assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
        ids.append(story_id)
    assert pipeline.draft(ids[0]).ok  # A: version 2 is the current one
    pipeline.store.close()
    files = [folder / "workspace" / "stories" / i / "drafts" for i in ids]
    return Programme(
        folder, ids[0], ids[1], files[0] / "v2.docx", files[0] / "v1.docx", files[1] / "v1.docx"
    )


@pytest.fixture(scope="module")
def foreign_draft(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A real draft made by another programme's workspace."""
    folder = tmp_path_factory.mktemp("ander") / "programma"
    pipeline = open_pipeline(folder, model_cache, scripted=True)
    tone = make_tone(pipeline.settings.inbox_dir / "elders.wav", seconds=6)
    story_id = pipeline.receive(tone).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    pipeline.store.close()
    return pipeline.draft_outbox_path(story_id, 1)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("espeak-ng")
    path = tmp_path_factory.mktemp("spraak") / "gesprek.wav"
    synthesize(
        [
            (INTERVIEWER, "Wat is voor jou goed werk?"),
            (PARTICIPANT, "Goed werk is dat je echt luistert naar de bewoner en de familie."),
        ],
        path,
    )
    return path


def open_pipeline(
    folder: Path, model_cache: Path, *, scripted: bool, settle: float = 0
) -> Pipeline:
    transcriber = ScriptedTranscriber(SCRIPT) if scripted else None
    return programme_pipeline(
        folder, model_cache, source="corpus", transcriber=transcriber, settle=settle
    )


def status_output(folder: Path, *story: str) -> str:
    """What 'goodwork status [STORY]' prints (the real command, in a wide terminal)."""
    from flows.cli import cli

    result = CliRunner().invoke(
        cli, ["-C", str(folder), "status", *story], env={"COLUMNS": "2000"}, catch_exceptions=True
    )
    assert result.exception is None, f"goodwork status crashed: {result.exception!r}"
    return " ".join(result.output.split())


def run_case(case: Case, tmp_path: Path, template: Programme, foreign: Path, speech, run_flow):
    folder = tmp_path / "programma"
    shutil.copytree(template.folder, folder)
    settle = 1.0 if case.id == "still-copying" else 0
    pipeline = open_pipeline(
        folder, template_cache(template), scripted=case.engine == "scripted", settle=settle
    )
    outside = tmp_path / "elders"
    outside.mkdir()
    inbox = pipeline.settings.inbox_dir
    good_audio = (
        speech if case.engine == "whisper" else make_tone(outside / "goed.wav", seconds=6.5)
    )
    bench = Bench(
        inbox=inbox,
        outside=outside,
        tone=make_tone(outside / "toon.wav", seconds=5.5),
        speech=speech if case.engine == "whisper" else None,
        draft=folder / template.draft_a.relative_to(template.folder),
        first_draft=folder / template.first_draft_a.relative_to(template.folder),
        foreign_draft=foreign,
        story_a=template.story_a,
        extra={"story_b": template.story_b},
    )
    bad = case.make(bench)
    kept = {path: sha256_file(path) for path in bad if path.is_file()}
    good = shutil.copyfile(good_audio, inbox / "zz-goed-gesprek.wav")
    good_sha = sha256_file(good)
    good_doc = None
    if case.needs_story:
        draft_b = folder / template.draft_b.relative_to(template.folder)
        good_doc = fill_in_as_participant(
            draft_b, inbox / "zz-terug-b.docx", channels=[Channel.INTERNAL]
        )
    grower = _grow(bench) if "grow" in bench.extra else None
    results = run_flow(pipeline)
    if "flow_path" in bench.extra:
        from flows.process_recording import process_recording

        results += [_as_result(r) for r in process_recording(bench.extra["flow_path"], str(folder))]
    if grower is not None:
        grower.join()
        path, _data = bench.extra["grow"]
        kept[path] = bench.extra["full_sha"]  # what must be kept is the complete recording
    again = run_flow(pipeline)
    return pipeline, bench, bad, kept, good_sha, good_doc, results, again


def intake_memory(pipeline: Pipeline, path: Path, tmp_path: Path) -> float:
    """Peak memory (MB) of a fresh process that takes ``path`` in as a run would."""
    folder = tmp_path / "geheugen"
    # without the workspace: a store that already knows the file would not take it in again
    shutil.copytree(pipeline.settings.base_dir, folder, ignore=shutil.ignore_patterns("workspace"))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from goodwork_pipeline.pipeline import Pipeline\n"
        "from goodwork_pipeline.settings import load_settings\n"
        "pipeline = Pipeline(load_settings(Path(sys.argv[1])))\n"
        "result = pipeline.receive(Path(sys.argv[2]))\n"
        "assert not result.ok, result\n"
        # VmHWM, not ru_maxrss: getrusage keeps the peak across fork and execve, so a child of
        # a large pytest process would report the parent's size (what made this figure grow
        # with the tests that ran before it); VmHWM belongs to the new process image only.
        "status = Path('/proc/self/status').read_text()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) / 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(folder / "inbox" / path.name)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"intake peak: {done.stdout.split()[-1]} MB")
    return float(done.stdout.split()[-1])


def template_cache(template: Programme) -> str:
    text = (template.folder / "goodwork.toml").read_text()
    return text.split('model_cache = "')[1].split('"')[0]


def _grow(bench: Bench) -> threading.Thread:
    path, data = bench.extra["grow"]

    def copy_slowly() -> None:
        with path.open("ab") as out:
            for start in range(4096, len(data), len(data) // 8):
                time.sleep(0.3)
                out.write(data[start : start + len(data) // 8])
                out.flush()

    thread = threading.Thread(target=copy_slowly)
    thread.start()
    bench.extra["full_sha"] = __import__("hashlib").sha256(data).hexdigest()
    return thread


def _as_result(data: dict):
    from goodwork_pipeline.pipeline import StepResult

    return StepResult(**{k: v for k, v in data.items() if k in StepResult.__dataclass_fields__})


def _param(case: Case):
    marks = [pytest.mark.xfail(reason=case.pending, strict=True)] if case.pending else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_is_handled_and_the_rest_goes_on(
    case: Case, tmp_path, template, foreign_draft, request, run_flow
) -> None:
    speech = request.getfixturevalue("speech") if case.engine == "whisper" else None
    if case.engine == "whisper":
        pytest.importorskip("faster_whisper")
    pipeline, bench, bad, kept, good_sha, good_doc, results, again = run_case(
        case, tmp_path, template, foreign_draft, speech, run_flow
    )
    store = pipeline.store
    observed: dict[str, object] = {"case": case.id}
    try:
        crashed = [r.message for r in [*results, *again] if r.message.startswith("task ")]
        assert not crashed, f"a task crashed: {crashed}"
        observed["crashed"] = False

        # the good files of the same run went through
        [good_story] = [s for s in store.stories() if s.source_sha256 == good_sha]
        assert good_story.state == State.DRAFTED, (good_story.state, good_story.last_error)
        if good_doc is not None:
            story_b = store.story(bench.extra["story_b"])
            assert story_b.state == State.PUBLISHED, story_b
            assert not good_doc.exists()
        observed["others_processed"] = True

        if case.memory_mb:
            observed["peak_mb"] = peak = intake_memory(pipeline, bad[0], tmp_path)
            assert peak < case.memory_mb, f"taking it in used {peak:.0f} MB"
        status = status_output(pipeline.settings.base_dir)
        check = OUTCOMES[case.outcome]
        observed.update(check(case, pipeline, bench, bad, kept, results, status))
        # nothing a case brought in was lost: kept where it was, or archived byte for byte
        lost = [p for p, sha in kept.items() if not _kept_somewhere(pipeline, p, sha)]
        assert not lost, f"lost: {lost}"
        observed["files_lost"] = 0
        # nothing was published from a bad input (only B's good returned draft)
        published = {
            s.id for s in store.stories() if story_folders(pipeline.settings.outbox_dir, s.id)
        }
        allowed = {bench.extra["story_b"]} | (
            {bench.story_a} if case.id == "returned-twice" else set()
        )
        assert published <= allowed, published
        observed["unconsented_assets"] = 0
        observed["passed"] = True
    finally:
        if REPORT:
            with open(REPORT, "a", encoding="utf-8") as log:
                row = {"kind": "corpus", "entry": case.entry, "what": case.what,
                       "expected": case.outcome, **observed}  # fmt: skip
                log.write(json.dumps(row, ensure_ascii=False) + "\n")
        store.close()


def _kept_somewhere(pipeline: Pipeline, path: Path, sha: str) -> bool:
    if path.is_file() and sha256_file(path) == sha:
        return True
    workspace = pipeline.settings.workspace_dir / "stories"
    return any(
        p.is_file() and not p.name.endswith(".sha256") and sha256_file(p) == sha
        for p in workspace.rglob("*")
        if p.suffix in (".wav", ".docx", ".pdf", ".m4a", ".yaml") or p.parent.name == "original"
    )


def _refused(case, pipeline, bench, bad, kept, results, status) -> dict:
    for path, sha in kept.items():
        assert path.is_file() and sha256_file(path) == sha, f"{path.name} not kept as it was"
    name = case.name or bad[0].name
    shown = " ".join(name.split())
    assert shown in status, f"'goodwork status' does not name {name!r}:\n{status}"
    rows = [r for r in pipeline.store.rejected_inputs() if r.name == name]
    assert rows, f"no rejection recorded for {name}"
    message, message_nl = rows[-1].message or "", rows[-1].message_nl or ""
    for fragment in case.says:
        assert fragment.lower() in message.lower(), (fragment, message)
    for fragment in case.says_nl:
        assert fragment.lower() in message_nl.lower(), (fragment, message_nl)
    # the message names the file at fault (the sidecar, for a recording refused for it)
    named = {" ".join(n.split()) for n in (name, *(p.name for p in bad))}
    assert any(n in " ".join(message_nl.split()) for n in named), message_nl
    assert " ".join(message_nl.split()) in status  # the whole Dutch message is shown
    made = {s.source_sha256 for s in pipeline.store.stories()}
    assert not made & set(kept.values()), "a story was made of a refused file"
    if "target" in bench.extra:
        assert Path(bench.extra["target"]).is_file()  # the file behind the link: untouched
    return {"observed": "refused", "message_nl": message_nl, "files_kept": len(kept)}


def _processed(case, pipeline, bench, bad, kept, results, status) -> dict:
    [path] = bad
    sha = kept[path]
    [story] = [s for s in pipeline.store.stories() if s.source_sha256 == sha]
    assert story.state == State.DRAFTED, (story.state, story.last_error)
    original = pipeline.workspace.story(story.id).original()
    assert original is not None and sha256_file(original) == sha
    assert not path.exists()
    events = [e.state for e in pipeline.store.events(story.id) if e.kind == "state"]
    assert events == [State.RECEIVED, State.TRANSCRIBED, State.DRAFTED]  # once
    if case.engine == "whisper":  # really heard: the spoken words are in the transcript
        text = (pipeline.workspace.story(story.id).transcript_dir / "transcript.txt").read_text()
        # espeak at 8 kHz comes back as "goedmerk ... lauwstert ... de familie": two of the
        # spoken key words are enough to show it was heard, not invented
        heard = [w for w in ("luister", "goed", "werk", "familie", "bewoner") if w in text.lower()]
        assert len(heard) >= 2, text
    return {"observed": "processed", "message_nl": "concept gemaakt", "files_kept": 1}


def _read(case, pipeline, bench, bad, kept, results, status) -> dict:
    [path] = bad
    sha = kept[path]
    returned = pipeline.workspace.story(bench.story_a).returned_dir
    archived = returned / f"{sha}{'.pdf' if path.suffix.lower() == '.pdf' else '.docx'}"
    assert archived.is_file() and sha256_file(archived) == sha
    events = pipeline.store.events(bench.story_a)
    said = [e for e in events if path.name in (e.message_nl or "") or path.name in e.message]
    assert said, [e.message for e in events]
    message, message_nl = said[-1].message, said[-1].message_nl or ""
    for fragment in case.says:
        assert fragment.lower() in message.lower(), (fragment, message)
    for fragment in case.says_nl:
        assert fragment.lower() in message_nl.lower(), (fragment, message_nl)
    history = status_output(pipeline.settings.base_dir, bench.story_a)
    assert " ".join(message_nl.split()) in history, history  # shown as written
    if case.id != "returned-twice":
        assert pipeline.store.consent_records(bench.story_a) == []
        assert story_folders(pipeline.settings.outbox_dir, bench.story_a) == []
    return {"observed": "read", "message_nl": message_nl, "files_kept": 1}


def _ignored(case, pipeline, bench, bad, kept, results, status) -> dict:
    for path, sha in kept.items():
        assert path.is_file() and sha256_file(path) == sha
    assert len(pipeline.store.stories()) == 3  # A, B and the good recording
    return {"observed": "ignored", "message_nl": "", "files_kept": len(kept)}


def _waits(case, pipeline, bench, bad, kept, results, status) -> dict:
    full = bench.extra["full_sha"]
    stories = [s for s in pipeline.store.stories() if s.source_sha256 == full]
    assert len(stories) == 1, "the complete recording, once"
    original = pipeline.workspace.story(stories[0].id).original()
    assert sha256_file(original) == full
    return {"observed": "waited, then processed once", "message_nl": "", "files_kept": 1}


OUTCOMES = {
    "refused": _refused,
    "processed": _processed,
    "read": _read,
    "ignored": _ignored,
    "waits": _waits,
}
