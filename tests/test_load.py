"""Load: many inputs at once, each handled exactly once, nothing lost, nothing unconsented.

- **20 recordings at once** through ``goodwork watch`` (a real process, Prefect's embedded
  mode, the real Whisper model with beam 1 and 2 threads on short espeak-ng clips): 8 are in
  the inbox before it starts, 4 are still being copied when it starts; while it runs, 4 land
  at once and 4 more are copied slowly. Half of the slow ones are written by a copier that
  keeps the file open (and open for a while after its last byte, quiet for longer than
  ``settle_seconds``), the other half by one that reopens the file for every piece, so only
  the quiet time protects those.
- **200 returned drafts in one run**: 200 stories drafted cheaply (ScriptedTranscriber: the
  subject is the review stage), filled in as participants would (declined, approved with and
  without channels, name choices, contradictory name choices, edited text), all put in the
  inbox at once and taken by ONE run of the real process-inbox flow body.

With ``GWTEST_RELIABILITY_LOG`` set, each scenario appends one JSON line with its figures
(``bench/reliability.py`` collects them). ``GWTEST_LOAD_DRAFTS`` changes the number of
returned drafts (default 200).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import SCRIPT, make_tone, programme_pipeline, published_files, require_tool
from test_watch_process import Watcher, alive, open_store, wait_for

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, NameDisplay, State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import CHANNEL_FOLDERS, story_folders
from goodwork_pipeline.testing.samples import (
    INTERVIEWER,
    PARTICIPANT,
    fill_in_as_participant,
    synthesize,
)
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")
DRAFTS = int(os.environ.get("GWTEST_LOAD_DRAFTS", "200"))
SETTLE = 1.0  # seconds a file must be quiet; the slow copiers pause 0.25 s between pieces


def report(row: dict[str, object]) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as log:
            log.write(json.dumps({"kind": "load", **row}, ensure_ascii=False) + "\n")


# 20 recordings at once ------------------------------------------------------------------

WHAT = [
    "echt luisteren naar de bewoner",
    "samen zoeken naar wat iemand wil",
    "de familie op tijd betrekken",
    "eerlijk zeggen wat je niet weet",
    "rust nemen voor een gesprek",
    "goed overdragen aan je collega",
    "vragen stellen in plaats van invullen",
    "de regels uitleggen aan de familie",
    "een fout durven toegeven",
    "iemand laten kiezen, ook als het moeilijk is",
    "hulp vragen aan het team",
    "afspraken nakomen",
    "met aandacht het eten brengen",
    "een grens aangeven bij de dokter",
    "zorgen dat iemand zich thuis voelt",
    "samen met de bewoner wandelen",
    "op tijd stoppen met een behandeling",
    "de nachtdienst goed voorbereiden",
    "naar de wensen van de moeder vragen",
    "geduld hebben met een nieuwe collega",
]


@dataclass
class Copier:
    """Copies ``source`` to ``target`` in pieces, as a slow file manager or network copy."""

    source: Path
    target: Path
    hold_open: bool
    pieces: int
    pause: float = 0.25
    linger: float = 0.0  # keep the file open, unchanged, this long after the last piece

    def start(self) -> Copier:
        self.thread = threading.Thread(target=self._copy, daemon=True)
        self.thread.start()
        return self

    def running(self) -> bool:
        return self.thread.is_alive()

    def _copy(self) -> None:
        data = self.source.read_bytes()
        size = -(-len(data) // self.pieces)
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        if self.hold_open:
            with self.target.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    out.flush()
                    time.sleep(self.pause)
                time.sleep(self.linger)
        else:
            self.target.write_bytes(b"")
            for chunk in chunks:
                with self.target.open("ab") as out:
                    out.write(chunk)
                time.sleep(self.pause)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """20 short, different Dutch conversations by espeak-ng (about 4 s each)."""
    require_tool("espeak-ng")
    folder = tmp_path_factory.mktemp("clips")
    paths = []
    for index, what in enumerate(WHAT):
        path = folder / f"gesprek-{index:02d}.wav"
        lines = [(INTERVIEWER, "Wat is goed werk?"), (PARTICIPANT, f"Goed werk is {what}.")]
        synthesize(lines, path, lead_in_s=0.3)
        paths.append(path)
    return paths


@pytest.fixture
def watched(tmp_path: Path, model_cache: Path) -> Iterator[tuple[Path, list[Watcher]]]:
    folder = tmp_path / "programma"
    (folder / "inbox").mkdir(parents=True)
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nsettle_seconds = {SETTLE}\nthreads = 2\nbeam_size = 1\n',
        encoding="utf-8",
    )
    started: list[Watcher] = []
    yield folder, started
    for watcher in started:
        watcher.cleanup()


@pytest.mark.slow
@pytest.mark.prefect
def test_twenty_recordings_at_once_some_still_copying_each_processed_once(
    clips: list[Path], watched: tuple[Path, list[Watcher]], tmp_path: Path
) -> None:
    pytest.importorskip("faster_whisper")
    folder, started = watched
    inbox = folder / "inbox"
    sources = {clip.name: sha256_file(clip) for clip in clips}
    assert len(set(sources.values())) == 20
    for clip in clips[:8]:  # dropped at once before the watcher starts
        shutil.copyfile(clip, inbox / clip.name)
    # still being copied when the watcher starts (about 15 s of copying each)
    first_wave = [
        Copier(clip, inbox / clip.name, hold_open=i % 2 == 0, pieces=60, linger=2.5 * (i % 2 == 0))
        for i, clip in enumerate(clips[8:12])
    ]
    for copier in first_wave:
        copier.start()
    began = time.monotonic()
    watcher = Watcher(folder, tmp_path / "prefect-home", tmp_path / "watch.log")
    # counted as the process starts: opening the store waits for the watcher's start-up,
    # which on a busy machine can outlast the copies
    copying_at_start = sum(copier.running() for copier in first_wave)
    started.append(watcher)
    store = open_store(folder)
    wait_for(lambda: len(store.stories()) >= 1, watcher, 240, "the first story")
    # while it runs: a burst of 4 at once, and 4 more copied slowly
    for clip in clips[12:16]:
        shutil.copyfile(clip, inbox / clip.name)
    second_wave = [
        Copier(clip, inbox / clip.name, hold_open=i % 2 == 0, pieces=24, linger=2.5 * (i % 2 == 0))
        for i, clip in enumerate(clips[16:])
    ]
    for copier in second_wave:
        copier.start()

    def all_drafted() -> bool:
        stories = store.stories()
        return len(stories) >= 20 and all(s.state == State.DRAFTED for s in stories)

    def settled() -> bool:  # everything drafted, or something went wrong: stop waiting
        stories = store.stories()
        return all_drafted() or any(s.state == State.FAILED for s in stories)

    wait_for(settled, watcher, 600, "20 drafts", poll=0.5)
    seconds = time.monotonic() - began
    time.sleep(2 * SETTLE + 1)  # time enough to take anything twice, if it would
    assert watcher.interrupt() == 0, watcher.output()
    assert [pid for pid in watcher.seen_children if alive(pid)] == []

    stories = store.stories()
    by_sha = Counter(s.source_sha256 for s in stories)
    archived_ok = {}
    received_once = {}
    failures = []
    for story in stories:
        original = folder / "workspace" / "stories" / story.id / "original"
        archived = [p for p in original.glob("*.wav")]
        archived_ok[story.id] = len(archived) == 1 and sha256_file(archived[0]) == (
            story.source_sha256
        )
        events = store.events(story.id)
        states = [e.state for e in events if e.kind == "state"]
        received_once[story.id] = states.count(State.RECEIVED) == 1
        failures += [(story.id, e.kind, e.message) for e in events if e.state == State.FAILED]
        failures += [(story.id, e.kind, e.message) for e in events if e.kind == "duplicate"]
    processed_once = sum(
        1
        for s in stories
        if by_sha[s.source_sha256] == 1 and received_once[s.id] and archived_ok[s.id]
    )
    lost = [name for name, sha in sources.items() if sha not in by_sha]
    report(
        {
            "scenario": "20-recordings",
            "items": len(sources),
            "processed_once": processed_once,
            "duplicates": sum(n - 1 for n in by_sha.values()) + len(failures),
            "files_lost": len(lost),
            "unconsented_assets": len(published_files(folder / "outbox")),
            "still_copying_at_start": copying_at_start,
            "seconds": round(seconds, 1),
        }
    )
    output = watcher.output()
    assert copying_at_start >= 1, "the watcher started after every copy was done"
    assert not failures, failures
    assert lost == [], f"never became a story: {lost}\n{output}"
    assert sorted(by_sha) == sorted(sources.values()), "a story of a half-written file"
    assert all(n == 1 for n in by_sha.values()), by_sha
    assert all(received_once.values()) and all(archived_ok.values())
    assert processed_once == 20
    for story in stories:
        kinds = [e.state for e in store.events(story.id) if e.kind == "state"]
        assert kinds == [State.RECEIVED, State.TRANSCRIBED, State.DRAFTED], (story.id, kinds)
        transcribed = [e for e in store.events(story.id) if e.state == State.TRANSCRIBED]
        assert transcribed[0].detail["engine"] == "faster-whisper"
    assert list(inbox.iterdir()) == []
    assert store.rejected_inputs() == [], "a file was refused (read while half-written?)"
    assert published_files(folder / "outbox") == []
    store.close()


# 200 returned drafts in one run ---------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What one participant did with their draft, and what must follow from it."""

    approve: bool
    channels: tuple[Channel, ...]
    names: tuple[NameDisplay, ...]
    edit: bool = False

    @property
    def outcome(self) -> str:
        if len(self.names) > 1:
            return "contradictory"
        if not self.approve:
            return "declined"
        return "approved" if self.channels else "approved-no-channel"


CHANNEL_MIXES = [
    (Channel.WEBSITE,),
    (Channel.SOCIAL,),
    (Channel.GROUP, Channel.INTERNAL),
    (Channel.WEBSITE, Channel.SOCIAL, Channel.GROUP, Channel.INTERNAL),
    (Channel.INTERNAL,),
    (Channel.WEBSITE, Channel.GROUP),
]
NAMES = [(NameDisplay.FIRST,), (NameDisplay.FULL,), (NameDisplay.ROLE,), ()]
EDIT = ("bewoner", "cliënt")


def choice(index: int) -> Choice:
    kind = index % 10
    if kind == 0:
        return Choice(False, (), ())
    if kind == 1:
        return Choice(False, (Channel.WEBSITE,), (NameDisplay.FIRST,))  # ticked, not approved
    if kind == 2:
        return Choice(True, (), NAMES[index % 4])
    if kind == 3:
        return Choice(True, (Channel.INTERNAL,), (NameDisplay.FULL, NameDisplay.ROLE))
    return Choice(
        True,
        CHANNEL_MIXES[index % len(CHANNEL_MIXES)],
        NAMES[index % len(NAMES)],
        edit=kind == 4,
    )


def open_pipeline(folder: Path, model_cache: Path, settle: float = 0) -> Pipeline:
    return programme_pipeline(
        folder, model_cache, source="load", transcriber=ScriptedTranscriber(SCRIPT), settle=settle
    )


def drafted_stories(pipeline: Pipeline, count: int, scratch: Path) -> list[str]:
    """``count`` drafted stories through the real receive, transcribe and draft steps."""
    tone = make_tone(scratch / "toon.wav", seconds=4).read_bytes()
    ids = []
    for index in range(count):
        # a distinct recording each (a few bytes of padding after the samples)
        path = pipeline.settings.inbox_dir / f"gesprek-{index:03d}.wav"
        path.write_bytes(tone + index.to_bytes(4, "little"))
        received = pipeline.receive(path)
        assert received.ok, received
        story_id = received.story_id
        assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
        ids.append(story_id)
    return ids


@pytest.mark.prefect
def test_two_hundred_returned_drafts_in_one_run(tmp_path: Path, model_cache: Path, run_flow):
    pipeline = open_pipeline(tmp_path / "programma", model_cache)
    store, settings = pipeline.store, pipeline.settings
    ids = drafted_stories(pipeline, DRAFTS, tmp_path)
    # the returned drafts are copied in just before the run: the run waits for them to settle
    pipeline.settings = settings.model_copy(update={"settle_seconds": SETTLE})
    returned: dict[str, tuple[Path, str, Choice]] = {}
    for index, story_id in enumerate(ids):
        want = choice(index)
        path = fill_in_as_participant(
            pipeline.draft_outbox_path(story_id, 1),
            tmp_path / "terug" / f"{story_id}-terug.docx",
            approve=want.approve,
            channels=want.channels,
            name_display=want.names,
            replace=dict([EDIT]) if want.edit else None,
        )
        returned[story_id] = (path, sha256_file(path), want)
    for path, _sha, _want in returned.values():  # all copied into the inbox at once
        shutil.copyfile(path, settings.inbox_dir / path.name)

    began = time.monotonic()
    results = run_flow(pipeline)
    seconds = time.monotonic() - began
    again = run_flow(pipeline)  # a second run finds nothing to do

    crashed = [r.message for r in [*results, *again] if r.message.startswith("task ")]
    read_once = duplicates = lost = unconsented = wrong = 0
    problems: list[str] = []
    outbox = settings.outbox_dir
    for story_id, (_path, sha, want) in returned.items():
        story = store.story(story_id)
        events = [e for e in store.events(story_id) if (e.detail or {}).get("document") == sha]
        ledger = [r for r in store.consent_records(story_id)]
        archived = pipeline.workspace.story(story_id).returned_dir / f"{sha}.docx"
        if not (archived.is_file() and sha256_file(archived) == sha):
            lost += 1
            problems.append(f"{story_id}: returned document not archived")
        if len(events) == 1:
            read_once += 1
        else:
            duplicates += max(0, len(events) - 1)
            problems.append(f"{story_id}: read {len(events)} times")
        published = {
            channel
            for folder in story_folders(outbox, story_id)
            for channel, name in CHANNEL_FOLDERS.items()
            if (folder / name).is_dir() and any((folder / name).iterdir())
        }
        consented = set(want.channels) if want.outcome == "approved" else set()
        unconsented += len(published - consented)
        expected_state = {
            "approved": State.PUBLISHED,
            "approved-no-channel": State.APPROVED,
            "declined": State.DECLINED,
            "contradictory": State.DRAFTED,
        }[want.outcome]
        fault = _check_decision(pipeline, story_id, sha, want, story.state, ledger)
        if story.state != expected_state:
            fault = fault or f"state {story.state.value}, expected {expected_state.value}"
        if published != consented:
            fault = fault or f"published {sorted(published)}, consented {sorted(consented)}"
        if fault:
            wrong += 1
            problems.append(f"{story_id} ({want}): {fault}")

    left = sorted(p.name for p in settings.inbox_dir.iterdir())
    report(
        {
            "scenario": "200-returned",
            "items": len(returned),
            "processed_once": read_once,
            "duplicates": duplicates,
            "files_lost": lost,
            "unconsented_assets": unconsented,
            "wrong_decisions": wrong,
            "left_in_inbox": len(left),
            "seconds": round(seconds, 1),
            "seconds_per_document": round(seconds / len(returned), 3),
        }
    )
    assert not crashed, crashed[:5]
    assert left == [], left[:5]
    assert not problems, "\n".join(problems[:20])
    assert read_once == len(returned) and unconsented == 0 and lost == 0
    outcomes = Counter(want.outcome for _p, _s, want in returned.values())
    assert set(outcomes) == {"approved", "approved-no-channel", "declined", "contradictory"}
    store.close()


def _check_decision(pipeline, story_id, sha, want: Choice, state, ledger) -> str | None:
    """The consent ledger holds exactly what the participant ticked (or nothing)."""
    if want.outcome == "contradictory":
        return f"ledger has {len(ledger)} record(s), expected none" if ledger else None
    if len(ledger) != 1:
        return f"ledger has {len(ledger)} record(s), expected one"
    [record] = ledger
    if record.source_ref != sha:
        return "the ledger record does not point at the returned document"
    if want.outcome == "declined":
        return None if record.action == "decline" else f"ledger says {record.action}"
    if record.action != "grant" or record.channels != frozenset(want.channels):
        return f"ledger says {record.action} {sorted(record.channels)}"
    expected_name = want.names[0] if want.names else NameDisplay.ROLE
    if record.name_display != expected_name:
        return f"name {record.name_display}, ticked {want.names}"
    beeld = pipeline.approved_beeld(story_id, record.text_sha256)
    if beeld is None:
        return "the approved text is not kept under its SHA-256"
    edited = EDIT[1] in beeld.canonical_text()
    if edited != want.edit:
        return f"approved text {'has' if edited else 'lacks'} the participant's edit"
    return None


# Two runs at once ---------------------------------------------------------------------------


@pytest.mark.prefect
def test_two_runs_at_once_take_each_recording_once(tmp_path: Path, model_cache: Path, run_flow):
    """Load found: a watcher and a 'goodwork run' (or two overlapping runs) on one inbox both
    transcribed and drafted the same recordings: stories marked failed ('cannot go from
    transcribed to transcribed'), drafted twice, and a false 'duplicate' for the same file."""
    first = open_pipeline(tmp_path / "programma", model_cache)
    second = open_pipeline(tmp_path / "programma", model_cache)
    tone = make_tone(tmp_path / "toon.wav", seconds=4).read_bytes()
    shas = set()
    for index in range(12):
        path = first.settings.inbox_dir / f"gesprek-{index:02d}.wav"
        path.write_bytes(tone + index.to_bytes(4, "little"))
        shas.add(sha256_file(path))
    results = run_both(first, second, run_flow)
    assert not [r.message for r in results if not r.ok], [r.message for r in results]
    store = first.store
    stories = store.stories()
    assert sorted(s.source_sha256 for s in stories) == sorted(shas)  # one story each
    for story in stories:
        events = store.events(story.id)
        states = [e.state for e in events if e.kind == "state"]
        assert states == [State.RECEIVED, State.TRANSCRIBED, State.DRAFTED], (story.id, states)
        assert [e for e in events if e.kind == "duplicate"] == []
        assert story.draft_version == 1
    assert list(first.settings.inbox_dir.iterdir()) == []
    first.store.close()
    second.store.close()


@pytest.mark.prefect
def test_two_runs_at_once_read_each_returned_draft_once(
    tmp_path: Path, model_cache: Path, run_flow
):
    """Load found: two runs at once both read the same returned drafts, so the ledger got
    two grants for one document and the story was approved and published twice."""
    first = open_pipeline(tmp_path / "programma", model_cache)
    second = open_pipeline(tmp_path / "programma", model_cache)
    returned = {}
    for story_id in drafted_stories(first, 10, tmp_path):
        path = fill_in_as_participant(
            first.draft_outbox_path(story_id, 1),
            first.settings.inbox_dir / f"{story_id}-terug.docx",
            channels=[Channel.INTERNAL],
        )
        returned[story_id] = sha256_file(path)
    results = run_both(first, second, run_flow)
    assert not [r.message for r in results if not r.ok], [r.message for r in results]
    store = first.store
    for story_id, sha in returned.items():
        ledger = store.consent_records(story_id)
        assert [(r.action, r.source_ref) for r in ledger] == [("grant", sha)], ledger
        decided = [e for e in store.events(story_id) if (e.detail or {}).get("document") == sha]
        assert len(decided) == 1, [e.message for e in decided]
        assert store.story(story_id).state == State.PUBLISHED
    assert list(first.settings.inbox_dir.iterdir()) == []
    first.store.close()
    second.store.close()


def run_both(first: Pipeline, second: Pipeline, run_flow) -> list:
    """Two runs of the inbox flow at the same time (two threads), their results together."""
    outcome: dict[str, list] = {}

    def run(name: str, pipeline: Pipeline) -> None:
        outcome[name] = run_flow(pipeline)

    threads = [threading.Thread(target=run, args=p) for p in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome["a"] + outcome["b"]
