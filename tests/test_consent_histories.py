"""Consent properties over thousands of generated histories.

Hypothesis draws histories of three stories sharing one outbox: returned drafts (approve or
not, any channels, one name choice, two, or none, with or without edits that type the
participant's own name back in, out-of-date versions), staff consent, withdrawal of some or
all channels, a change of the approved text, a new draft version, names marked by staff, a
group booklet, a second publish; and the answers that may only shrink consent (answers.py):
several answers of one story in one run (saved in another order than their names sort),
answers on an old version, an earlier document sent again, a comment on a consent box. Each
story's participant gets a generated name (particles, diacritics, in NFC or NFD,
apostrophes, hyphens) and a role. After every event:

1. no asset exists for a channel without a valid consent for the current approved text: each
   story's outbox folder holds exactly the channels ``current_consent`` allows, its manifest
   rests on the latest ledger record and the current approved text, every file listed is
   there with its checksum and nothing else is; booklets hold only group-consented stories;
   the overview page links only to files that exist;
2. withdrawal always leaves zero assets of the withdrawn channels (a model of consent,
   written independently of the code, must agree with the ledger after every event); a
   doubtful answer (old version, re-sent, commented on, one of several that disagree) never
   grows consent: it leaves exactly the channels it still ticks of those consented before;
3. stories whose participant chose "role only" (or "first name") never expose the name
   (or the surname) in any outbox file, folder name or the overview page; third parties'
   names never appear.

The split, and why. Thousands of histories need about 30 ms per history, so this file runs
the real store, ledger, ``current_consent``, ``Pipeline.review`` / ``record_consent`` /
``withdraw`` / ``publish`` / ``booklet``, ``sync_story`` with the real folder logic,
pseudonymiser, platform texts, website HTML and Markdown and overview page, with two stand-ins:

- ``SketchRenderer`` (in the package) for PDFs, cards, previews and consent snapshots: each
  becomes a text sketch of everything the real file is made from (the whole HTML of the
  PDF, the card's text and alt text), so a name scan of a sketch finds any name the real
  file could show;
- returned documents are given to ``Pipeline.review`` as the reader's output
  (``RawDocument``: the real reader's reading of the real draft, with boxes ticked and text
  edited as a participant would) instead of a .docx file; the reader itself is tested on
  real files in test_returned_variants.py, test_hostile_documents.py and by fuzzing.

A smaller number of histories (``test_histories_with_the_real_renderer``) run the same
checks with the real renderer (WeasyPrint PDFs, rasterised cards) and a real scan of PDF
text, metadata and streams; test_consent_property.py runs histories of real .docx
documents through the real reader. ``GWTEST_HISTORIES`` sets the number of fast
histories (default 1,500; bench/reliability.py runs more).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import programme_pipeline
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publishing import find_names

from goodwork_pipeline.consent.ledger import consent_for
from goodwork_pipeline.consent_wording import APPROVE_LABEL, CHANNEL_BOXES, NAME_BOXES
from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.models import Channel, NameDisplay, Sidecar, State
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import (
    BOOKLETS,
    CHANNEL_FOLDERS,
    MANIFEST,
    OVERVIEW,
    booklets,
    read_manifest,
    story_folders,
)
from goodwork_pipeline.publishing.render import Renderer, SketchRenderer
from goodwork_pipeline.review import steps as review_steps
from goodwork_pipeline.review.returned_comments import Comment
from goodwork_pipeline.review.returned_document import RawDocument, read_document
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

HISTORIES = int(os.environ.get("GWTEST_HISTORIES", "1500"))
REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")
FOLDER_CHANNEL = {folder: channel for channel, folder in CHANNEL_FOLDERS.items()}
PLACEHOLDER = "Anna de Vries"
THIRD_PARTIES = ("Mevrouw Jansen", "Karel")
# A third party nobody listed: found in the draft (goodwork_pipeline/privacy/third_parties.py) and,
# never cleared here, never published (default deny)
UNLISTED = ("Priya",)
GROUP = "teammanagers VVT 2026"
ROLES = ("Teammanager", "Leercoach", "Student verpleegkunde")

SCRIPT = [
    ("interviewer", "Goedemiddag. Wie ben je en wat voor werk doe je?"),
    ("participant", f"Ik ben {PLACEHOLDER}. Ik werk als teammanager in de ouderenzorg."),
    ("interviewer", "Kun je een situatie beschrijven waarin je niet meteen wist wat goed was?"),
    (
        "participant",
        "Mevrouw Jansen wilde niet meer eten. Haar zoon Karel wilde dat wij haar dwongen.",
    ),
    ("interviewer", "Wat heb je toen gedaan?"),
    (
        "participant",
        "Ik ben met Karel gaan praten over de wensen van zijn moeder. Mijn collega Priya "
        "dacht mee.",
    ),
    ("interviewer", "Welke mogelijkheden heb je afgewogen?"),
    ("participant", "Ik twijfelde tussen de regels volgen en luisteren naar de bewoner."),
    ("interviewer", "Wat vind je daarin belangrijk?"),
    ("participant", "Ik vind het belangrijk dat de bewoner zelf mag kiezen, ook als dat schuurt."),
    ("interviewer", "Wat is voor jou goed werk in zo'n situatie?"),
    ("participant", "Goed werk is dat je echt luistert en samen zoekt naar wat iemand wil."),
]


# Names -----------------------------------------------------------------------------------

FIRST_NAMES = ("Zoë", "Ömer", "Anne-Fleur", "Joséphine", "Bram", "Ayşe", "Nguyễn", "Lieke")
SURNAMES = ("Ørsted", "D'Souza", "El Amrani", "Jansen-Bakker", "Yılmaz", "Smit", "Kuipers")
PARTICLES = ("", "", "de ", "van ", "van der ", "van 't ", "ter ")
SYLLABLES = ("ka", "lo", "mi", "re", "su", "vin", "dor", "pe", "ti", "gu", "zel", "bry")


@st.composite
def names(draw: st.DrawFn) -> str:
    def made_up() -> str:
        word = "".join(draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4)))
        return word.capitalize()

    first = draw(st.sampled_from(FIRST_NAMES)) if draw(st.booleans()) else made_up()
    last = draw(st.sampled_from(SURNAMES)) if draw(st.booleans()) else made_up()
    return f"{first} {draw(st.sampled_from(PARTICLES))}{last}"


STAFF_MARKED = ("Mevrouw de Groot", "Pieter Post")


def forms(name: str) -> list[str]:
    """How a participant types their own name (or a third party's) back into the text."""
    words = name.split()
    first, last = words[0], " ".join(words[1:])
    surname = last[0].upper() + last[1:]
    own = [name, first, f"{first}'s", surname, name.upper(), first.upper()]
    return [*own, *THIRD_PARTIES, *STAFF_MARKED]


# The world: three drafted stories, made once, copied for every history --------------------


@dataclasses.dataclass
class World:
    folder: Path
    pipeline: Pipeline
    story_ids: list[str]
    sent: dict[tuple[int, int], RawDocument]  # (story, version) -> the draft as the reader reads it
    names: list[str]
    roles: list[str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    folder = tmp_path_factory.mktemp("histories") / "programma"
    pipeline = make_pipeline(folder, model_cache, SketchRenderer(bundled_templates(folder)))
    tone = folder / "gesprek.wav"
    from helpers import make_tone

    for index in range(3):
        make_tone(tone, seconds=4.0 + index)  # three recordings, three stories
        sidecar = (
            f"participant: {PLACEHOLDER}\nrole: Teammanager\norganisation: Zorggroep De Linde\n"
            f"group: {GROUP if index < 2 else 'leercoaches'}\n"
            f"pseudonymise: [{', '.join(THIRD_PARTIES)}]\n"
        )
        shutil.copyfile(tone, pipeline.settings.inbox_dir / f"gesprek-{index}.wav")
        (pipeline.settings.inbox_dir / f"gesprek-{index}.yaml").write_text(sidecar)
        story_id = pipeline.receive(pipeline.settings.inbox_dir / f"gesprek-{index}.wav").story_id
        assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
        # the unlisted third party is in the text the participant sees, and was found
        found = [item.name for item, _kept in pipeline.third_parties(story_id)]
        assert "Priya" in found, found
    tone.unlink()
    pipeline.store.close()
    return folder


def bundled_templates(folder: Path) -> Path:
    return load_settings(folder, environ={}).templates_dir


def make_pipeline(folder: Path, model_cache: Path, renderer: Renderer) -> Pipeline:
    return programme_pipeline(
        folder,
        model_cache,
        source="histories",
        transcriber=ScriptedTranscriber(SCRIPT),
        renderer=renderer,
    )


@pytest.fixture(scope="module")
def sketch_renderer(template: Path) -> SketchRenderer:
    return SketchRenderer(bundled_templates(template))


@pytest.fixture(scope="module")
def real_renderer(template: Path) -> Renderer:
    return Renderer(bundled_templates(template))


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """Fresh programme folders live in memory (tmpfs) when the machine has one: thousands of
    small atomic writes, each with its fsync."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="goodwork-histories-", dir=base) as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def read_as_returned(template: Path) -> Iterator[dict[Path, RawDocument]]:
    """``Pipeline.review`` gets the reader's output for our returned 'documents'."""
    documents: dict[Path, RawDocument] = {}

    def read(path: Path) -> RawDocument:
        # (kept, not popped: several answers of one run are read once to order them)
        return documents[path] if path in documents else _read(path)

    patch = pytest.MonkeyPatch()
    patch.setattr(review_steps, "read_document", read)
    yield documents
    patch.undo()


def new_world(template: Path, scratch: Path, renderer: Renderer, model_cache: Path, people):
    folder = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copytree(template, folder, dirs_exist_ok=True)
    pipeline = make_pipeline(folder, model_cache, renderer)
    story_ids = [story.id for story in pipeline.store.stories()]
    sent = {}
    names, roles = [], []
    for index, story_id in enumerate(story_ids):
        name, role, in_sidecar_nfd, in_text_nfd = people[index]
        names.append(name)
        roles.append(role)
        story = pipeline.store.story(story_id)
        sidecar = dataclasses.replace(
            story.sidecar, participant=_nf(name, in_sidecar_nfd), role=role
        )
        pipeline.store.update_story(story_id, sidecar=sidecar.to_json())
        draft = pipeline.workspace.story(story_id).draft_beeld(1)
        draft.write_text(draft.read_text().replace(PLACEHOLDER, _nf(name, in_text_nfd)))
        sent[(index, 1)] = _renamed(_read(pipeline.workspace.story(story_id).draft_docx(1)), name)
    return World(folder, pipeline, story_ids, sent, names, roles)


_READ: dict[str, RawDocument] = {}


def _read(path: Path) -> RawDocument:
    """The real reader's reading of a draft (the same bytes are read once)."""
    key = sha256_file(path)
    if key not in _READ:
        _READ[key] = read_document(path)
    return _READ[key]


def _nf(text: str, nfd: bool) -> str:
    return unicodedata.normalize("NFD" if nfd else "NFC", text)


def _renamed(raw: RawDocument, name: str) -> RawDocument:
    first = name.split()[0]
    paragraphs = tuple(
        dataclasses.replace(
            p, text=p.text.replace(PLACEHOLDER, name).replace("Beste Anna", f"Beste {first}")
        )
        for p in raw.paragraphs
    )
    return dataclasses.replace(raw, paragraphs=paragraphs)


# Returned documents as the reader reads them -----------------------------------------------


def returned(
    sent: RawDocument,
    *,
    approve: bool,
    channels: frozenset[Channel],
    name_choices: tuple[NameDisplay, ...],
    mention: str | None,
    signer: str,
) -> RawDocument:
    ticked = {CHANNEL_BOXES[c] for c in channels} | {NAME_BOXES[n] for n in name_choices}
    if approve:
        ticked.add(APPROVE_LABEL)
    paragraphs = []
    for p in sent.paragraphs:
        if p.checked is not None:
            p = dataclasses.replace(p, checked=p.text in ticked)
        elif p.text == "Naam:":
            p = dataclasses.replace(p, text=f"Naam: {signer}")
        elif mention and p.style == "Beeldtekst":
            p = dataclasses.replace(p, text=f"{p.text} Dat zei {mention} ook.")
            mention = None  # once, in the first section with text
        paragraphs.append(p)
    return dataclasses.replace(sent, paragraphs=tuple(paragraphs))


# Histories ---------------------------------------------------------------------------------

stories = st.integers(min_value=0, max_value=2)
channel_sets = st.frozensets(st.sampled_from(list(Channel)))
NAME_CHOICES = [
    (),  # no name box ticked: role only
    (NameDisplay.FULL,),
    (NameDisplay.FIRST,),
    (NameDisplay.ROLE,),
    (NameDisplay.FULL, NameDisplay.ROLE),  # contradictory
    (NameDisplay.FIRST, NameDisplay.ROLE),
]
name_choice = st.sampled_from(NAME_CHOICES)
document = st.tuples(
    st.just("document"),
    stories,
    st.booleans(),
    channel_sets,
    name_choice,
    st.integers(min_value=-1, max_value=9),
)
approving = st.tuples(
    st.just("document"), stories, st.just(True), channel_sets, name_choice, st.just(-1)
)
consent = st.tuples(st.just("consent"), stories, channel_sets, st.sampled_from(list(NameDisplay)))
withdraw = st.tuples(st.just("withdraw"), stories, channel_sets)
answer = st.tuples(st.booleans(), channel_sets, name_choice)
# Several answers of one story in one run, saved in the order given by the permutation.
answers = st.tuples(
    st.just("answers"),
    stories,
    st.lists(answer, min_size=2, max_size=3),
    st.permutations([0, 1, 2]),
)
# Branches are drawn evenly, so the common events are listed more than once; a new draft
# version (python-docx, ~0.15 s) is rarer, and run_history makes at most one per history.
events = st.one_of(
    document,
    document,
    approving,
    consent,
    consent,
    withdraw,
    withdraw,
    st.tuples(st.just("stale"), stories, st.booleans(), channel_sets, name_choice),
    st.tuples(st.just("commented"), stories, st.booleans(), channel_sets, name_choice),
    st.tuples(st.just("resend"), stories, st.integers(min_value=0, max_value=3)),
    answers,
    st.tuples(st.just("text"), stories),
    # a new draft version costs python-docx ~0.15 s: only one drawn in four is made
    st.tuples(st.just("redraft"), stories, st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("pseudonymise"), stories),
    st.tuples(st.just("booklet"), st.sampled_from([GROUP, "leercoaches"])),
    st.tuples(st.just("publish"), stories),
)
people = st.tuples(names(), st.sampled_from(ROLES), st.booleans(), st.booleans())


class Model:
    """What consent should allow, per story, written from the rules, not from the code."""

    def __init__(self) -> None:
        self.allowed: list[frozenset[Channel]] = [frozenset()] * 3
        self.marked: list[bool] = [False] * 3  # staff marked STAFF_MARKED for this story
        self.unsure: list[frozenset[frozenset[Channel]] | None] = [None] * 3

    def shrink(self, index: int, approve: bool, channels: frozenset[Channel]) -> None:
        """A doubtful answer: what it still ticks of what was consented, nothing more."""
        self.allowed[index] = self.allowed[index] & channels if approve else frozenset()

    @staticmethod
    def says(approve: bool, channels: frozenset[Channel], choices: tuple) -> tuple:
        name = choices[0] if len(choices) == 1 else NameDisplay.ROLE
        return (approve, channels, name, len(choices) > 1)

    def after(self, world: World, event: tuple) -> None:
        kind, index = event[0], event[1] if len(event) > 1 else None
        if kind == "document":
            _, _, approve, channels, choices, _mention = event
            self.answer(index, approve, channels, choices)
        elif kind in ("stale", "commented"):
            self.shrink(index, event[2], event[3])
        elif kind == "answers":
            given = event[2]
            if len({self.says(*a) for a in given}) == 1:
                for a in given:  # they agree: read as they came
                    self.answer(index, *a)
            else:  # nothing new from any; the latest (saved last) withdraws what it unticks
                latest = max(range(len(given)), key=lambda i: _saved_rank(event)[i])
                self.shrink(index, given[latest][0], given[latest][1])
        elif kind == "consent":
            self.allowed[index] = event[2]
        elif kind == "pseudonymise":
            self.marked[index] = True
        elif kind == "withdraw":
            withdrawn = event[2]
            self.allowed[index] = self.allowed[index] - withdrawn if withdrawn else frozenset()
        elif kind == "text" and world.pipeline.store.story(world.story_ids[index]).approved_sha256:
            self.allowed[index] = frozenset()

    def answer(self, index: int, approve: bool, channels: frozenset[Channel], choices) -> None:
        if len(choices) > 1:  # contradictory: no new consent; unticked boxes withdraw
            self.shrink(index, approve, channels)
        elif not approve:
            self.allowed[index] = frozenset()
        else:
            self.allowed[index] = channels

    def resent(self, index: int, approve: bool, channels, *, in_a_row: bool, actual) -> None:
        """An earlier document again: unchanged when it is the same drop again (or nothing
        changed since), else what it still ticks of the consent; never more."""
        before = self.allowed[index]
        shrunk = before & channels if approve else frozenset()
        possible = {before} if in_a_row else {before, shrunk}
        self.allowed[index] = actual if actual in possible else shrunk


def run_history(world: World, history: list[tuple], documents: dict, *, real: bool) -> dict:
    pipeline = world.pipeline
    model = Model()
    stats = {"events": 0, "assets_checked": 0, "withdrawals": 0, "anonymous_scans": 0}
    dropped: dict[int, list] = {0: [], 1: [], 2: []}  # documents returned per story
    last_drop: dict[int, bytes] = {}  # the last document dropped per story
    for step, event in enumerate(history):
        if kind_drops(event) and event[0] != "resend":
            last_drop.pop(event[1], None)
        kind = event[0]
        index = event[1] if kind != "booklet" else None
        story_id = world.story_ids[index] if index is not None else None
        story = pipeline.store.story(story_id) if story_id else None
        if kind in ("document", "stale", "commented"):
            version = story.draft_version if kind != "stale" else 1
            if kind == "stale" and story.draft_version == 1:
                continue  # nothing older than the newest yet
            if kind == "document":
                _, _, approve, channels, choices, mention = event
            else:
                _, _, approve, channels, choices = event
                mention = -1
            name = world.names[index]
            typed = forms(name)[mention] if mention >= 0 else None
            raw = returned(
                world.sent[(index, version)],
                approve=approve,
                channels=channels,
                name_choices=choices,
                mention=typed,
                signer=name if step % 2 else f"{name} ({step})",
            )
            if kind == "commented":
                raw = _commented(raw)
            path = pipeline.settings.inbox_dir / f"terug-{step}.docx"
            path.write_bytes(f"document {step} of {story_id}".encode())
            documents[path] = raw
            pipeline.review(path)
            data = f"document {step} of {story_id}".encode()
            dropped[index].append((data, raw, approve, channels))
            last_drop[index] = data
        elif kind == "resend":
            if not dropped[index]:
                continue
            data, raw, approve, channels = dropped[index][-1 - event[2] % len(dropped[index])]
            in_a_row = last_drop.get(index) == data
            path = pipeline.settings.inbox_dir / f"opnieuw-{step}.docx"
            path.write_bytes(data)
            documents[path] = raw
            pipeline.review(path)
            current = consent_for(pipeline.store, story_id)
            actual = current.channels if current else frozenset()
            model.resent(index, approve, channels, in_a_row=in_a_row, actual=actual)
            last_drop[index] = data
            stats["resent"] = stats.get("resent", 0) + 1
        elif kind == "answers":
            order = _saved_rank(event)
            paths = []
            for number, (approve, channels, choices) in enumerate(event[2]):
                raw = returned(
                    world.sent[(index, story.draft_version)],
                    approve=approve,
                    channels=channels,
                    name_choices=choices,
                    mention=None,
                    signer=f"{world.names[index]} ({step}.{number})",
                )
                saved = f"2026-03-{10 + order[number]:02d}T10:00:00Z"
                path = pipeline.settings.inbox_dir / f"antwoord-{step}-{number}.docx"
                data = f"answer {step}.{number} of {story_id}".encode()
                path.write_bytes(data)
                documents[path] = dataclasses.replace(raw, saved_at=saved)
                dropped[index].append((data, documents[path], approve, channels))
                paths.append(path)
            for path, doubt in pipeline.plan_answers(paths):
                pipeline.review(path, doubt)
            stats["answer_runs"] = stats.get("answer_runs", 0) + 1
        elif kind == "consent":
            pipeline.record_consent(story_id, channels=event[2], name_display=event[3], by="Sam")
        elif kind == "withdraw":
            pipeline.withdraw(story_id, channels=event[2], by="Sam")
            stats["withdrawals"] += 1
        elif kind == "text" and story.approved_sha256:
            approved = pipeline.approved_beeld(story_id, story.approved_sha256)
            changed = dataclasses.replace(approved, title=f"{approved.title} ({step})")
            pipeline.store.update_story(
                story_id, approved_sha256=pipeline.save_approved(story_id, changed)
            )
            pipeline.publish(story_id)
        elif kind == "redraft":
            if event[2] or stats.get("redrafts"):
                continue  # (rare by design; at most one per history)
            stats["redrafts"] = 1
            assert pipeline.draft(story_id).ok
            version = pipeline.store.story(story_id).draft_version
            draft = pipeline.workspace.story(story_id).draft_beeld(version)
            draft.write_text(draft.read_text().replace(PLACEHOLDER, world.names[index]))
            world.sent[(index, version)] = _renamed(
                _read(pipeline.workspace.story(story_id).draft_docx(version)), world.names[index]
            )
        elif kind == "pseudonymise":
            pipeline.pseudonymise(story_id, list(STAFF_MARKED))
        elif kind == "booklet":
            pipeline.booklet(event[1])
        elif kind == "publish":
            pipeline.publish(story_id)
        model.after(world, event)
        stats["events"] += 1
        check(world, model, event, stats, real=real)
    return stats


def kind_drops(event: tuple) -> bool:
    """Events that change what the last document of a story was, or consent besides it."""
    return event[0] in ("document", "stale", "commented", "answers", "consent", "withdraw")


def _saved_rank(event: tuple) -> list[int]:
    """The order in which the answers of an 'answers' event were saved (a permutation drawn
    with the event), so file names and saved times disagree as often as they agree."""
    order = [i for i in event[3] if i < len(event[2])]
    return [order.index(i) for i in range(len(event[2]))]


def _commented(raw: RawDocument) -> RawDocument:
    """A comment on a consent box with no range, as LibreOffice leaves one (12.2)."""
    boxes = [i for i, p in enumerate(raw.paragraphs) if p.checked is not None]
    where = boxes[len(boxes) // 2]
    comment = Comment(author="Anna", text="NEE, dit niet!", anchor="", paragraphs=(where, where))
    return dataclasses.replace(raw, comments=(*raw.comments, comment))


def check(world: World, model: Model, event: tuple, stats: dict, *, real: bool) -> None:
    pipeline = world.pipeline
    outbox = pipeline.settings.outbox_dir
    for index, story_id in enumerate(world.story_ids):
        story = pipeline.store.story(story_id)
        assert story.state != State.FAILED, (event, index, story.last_error)
        consent = consent_for(pipeline.store, story_id)
        allowed = consent.channels if consent else frozenset()
        assert allowed == model.allowed[index], (event, index, allowed, model.allowed[index])
        folders = story_folders(outbox, story_id)
        if consent is None:
            assert folders == [], (event, index, "assets without a valid consent", folders)
            continue
        assert len(folders) == 1, (event, index, folders)
        folder = folders[0]
        manifest = read_manifest(folder)
        published = {FOLDER_CHANNEL[p.name] for p in folder.iterdir() if p.is_dir()}
        assert published == set(consent.channels), (event, index, published, consent.channels)
        assert manifest["consent"]["text_sha256"] == story.approved_sha256 == consent.text_sha256
        assert manifest["consent"]["ledger_record"] == consent.record_id
        listed = {entry["path"] for entry in manifest["files"]}
        present = {
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.name != MANIFEST
        }
        assert listed == present, (event, index, listed ^ present)
        for entry in manifest["files"]:
            assert sha256_file(folder / entry["path"]) == entry["sha256"]
            assert Channel(entry["channel"]) in consent.channels
        stats["assets_checked"] += len(listed)
        hidden = _hidden_parts(world.names[index], consent.name_display)
        third = [*THIRD_PARTIES, *UNLISTED, *(STAFF_MARKED if model.marked[index] else ())]
        if hidden:
            stats["anonymous_scans"] += 1
            assert not _mentions(folder.name, hidden), (event, folder.name, hidden)
        found = scan(folder, [*hidden, *third], real=real)
        assert not found, (event, index, consent.name_display, found)
    consents = [consent_for(pipeline.store, story_id) for story_id in world.story_ids]
    by_id = dict(zip(world.story_ids, consents, strict=True))
    # booklets hold only group-consented stories
    for book in booklets(outbox):
        for entry in book["stories"]:
            consent = by_id[entry["story"]]
            assert consent is not None and Channel.GROUP in consent.channels, (event, book)
    # the overview page only links to files that are there, and names nobody anonymous
    overview = outbox / OVERVIEW
    if overview.is_file():
        html = unescape(overview.read_text(encoding="utf-8"))
        assert not _mentions(html, [*THIRD_PARTIES, *UNLISTED]), event
        for href in re.findall(r'(?:href|src)="([^"#:]+)"', html):
            assert (outbox / unquote(href)).exists(), (event, href)
        for index in range(len(world.story_ids)):
            assert not _mentions(html, hidden_here(world, index, consents)), (event, index)
    if (outbox / BOOKLETS).is_dir():
        for pdf in (outbox / BOOKLETS).glob("*.pdf"):
            assert not scan(pdf, [*THIRD_PARTIES, *UNLISTED], real=real), (event, pdf)
            for index in range(len(world.story_ids)):
                hidden = hidden_here(world, index, consents)
                assert not scan(pdf, hidden, real=real), (event, index, hidden)


def hidden_here(world: World, index: int, consents: list) -> list[str]:
    """The name parts of story ``index`` that no page shared by several stories may show:
    those it hides, unless another published story's participant shows the same word."""
    consent = consents[index]
    if consent is None:
        return []
    shown = set()
    for other, theirs in enumerate(consents):
        if other != index and theirs is not None:
            words = unicodedata.normalize("NFC", world.names[other]).split()
            if theirs.name_display == NameDisplay.FULL:
                shown.update(w.casefold() for w in words)
            elif theirs.name_display == NameDisplay.FIRST:
                shown.add(words[0].casefold())
    hidden = _hidden_parts(world.names[index], consent.name_display)
    return [part for part in hidden if part.casefold() not in shown]


def scan(root: Path, names: list[str], *, real: bool) -> list[tuple[str, str]]:
    """(file, name) for every file under ``root`` that mentions a name: real files are read
    as publishing.find_names reads them (PDF text, metadata and streams; PNG text chunks),
    sketches as text."""
    names = [n for n in names if n]
    if real:
        return find_names(root, names)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return [
        (str(path), name)
        for path in files
        for name in names
        if _mentions(unescape(path.read_bytes().decode("utf-8", "replace")), [name])
    ]


def _hidden_parts(name: str, display: NameDisplay) -> list[str]:
    """The parts of the name that must not appear for this choice (particles are words)."""
    words = unicodedata.normalize("NFC", name).split()
    particles = {"de", "van", "der", "'t", "ter", "den", "het", "ten", "te"}
    if display == NameDisplay.FULL:
        return []
    if display == NameDisplay.ROLE:
        parts = words
    else:  # the first name is shown, also where the surname is the same word
        parts = [w for w in words[1:] if w.casefold() != words[0].casefold()]
    return [w for w in parts if w.lower() not in particles]


def _mentions(text: str, parts: list[str]) -> bool:
    """A name (part) in the text, as written or as a slug (a folder name, a link)."""
    text = unicodedata.normalize("NFC", text)
    for part in parts:
        pattern = r"\s+".join(re.escape(w) for w in unicodedata.normalize("NFC", part).split())
        if re.search(rf"(?<!\w){pattern}(?!\w)", text, flags=re.IGNORECASE):
            return True
        slug = _slug(part)
        if len(slug) > 2 and re.search(rf"(?<![a-z0-9]){re.escape(slug)}(?![a-z0-9])", text):
            return True
    return False


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _log(kind: str, stats: dict) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as log:
            log.write(json.dumps({"kind": kind, **stats}) + "\n")


@pytest.fixture(scope="module")
def totals() -> Iterator[dict]:
    found: dict[str, int] = {}
    yield found


@settings(
    max_examples=HISTORIES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    history=st.lists(events, min_size=1, max_size=14),
    who=st.tuples(people, people, people),
)
def test_consent_holds_in_every_history(
    template, scratch, sketch_renderer, read_as_returned, model_cache, totals, history, who
) -> None:
    world = new_world(template, scratch, sketch_renderer, model_cache, who)
    try:
        stats = run_history(world, history, read_as_returned, real=False)
    finally:
        world.pipeline.store.close()
        shutil.rmtree(world.folder, ignore_errors=True)
    totals["histories"] = totals.get("histories", 0) + 1
    for key, value in stats.items():
        totals[key] = totals.get(key, 0) + value


def test_report_fast_histories(totals) -> None:
    """(Runs after the property: the figures for bench/RELIABILITY.md.)"""
    _log("histories", {"renderer": "sketch", **totals})
    assert totals.get("histories", 0) >= min(HISTORIES, 100)


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("GWTEST_REAL_HISTORIES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    history=st.lists(events, min_size=2, max_size=6),
    who=st.tuples(people, people, people),
)
def test_histories_with_the_real_renderer(
    template, scratch, real_renderer, read_as_returned, model_cache, history, who
) -> None:
    world = new_world(template, scratch, real_renderer, model_cache, who)
    try:
        stats = run_history(world, history, read_as_returned, real=True)
    finally:
        world.pipeline.store.close()
        shutil.rmtree(world.folder, ignore_errors=True)
    _log("histories", {"renderer": "real", "histories": 1, **stats})


def test_a_sketch_holds_everything_the_real_files_show(template, real_renderer) -> None:
    """The stand-in is only as honest as this: every word of the real PDF's text, every card's
    alt text and quote, are in the sketch."""
    from publishing import pdf_text_of, words

    from goodwork_pipeline.publishing.cards import CARDS
    from goodwork_pipeline.publishing.view import public_view

    sketch = SketchRenderer(real_renderer.templates_dir)
    pipeline = make_pipeline(template, Path(tempfile.gettempdir()), real_renderer)
    try:
        story = pipeline.store.stories()[0]
        beeld = pipeline.draft_beeld(story.id, 1)
    finally:
        pipeline.store.close()
    view = public_view(
        beeld,
        Sidecar(participant="Zoë Ørsted", role="Leercoach"),
        NameDisplay.FIRST,
        programme="Beelden van Goed Werk",
        date=story.created_at.date(),
    )
    # (page numbers come from the stylesheet, not the beeld)
    real_words = {w for w in words(pdf_text_of(real_renderer.pdf(view))) if not w.isdigit()}
    sketch_words = set(words(sketch.pdf(view).decode("utf-8")))
    assert real_words <= sketch_words, real_words - sketch_words
    for spec in CARDS:
        real_card, sketched = real_renderer.card(view, spec), sketch.card(view, spec)
        assert real_card.alt_text == sketched.alt_text
        assert real_card.text.quote.rstrip(" …") in sketched.png.decode("utf-8")


def test_the_history_runner_catches_an_unconsented_asset(
    template, scratch, sketch_renderer, read_as_returned, model_cache
) -> None:
    """The checks can fail: a file left behind after a withdrawal is caught."""
    who = [("Bram de Wit", "Leercoach", False, False)] * 3
    world = new_world(template, scratch, sketch_renderer, model_cache, who)
    try:
        history = [("consent", 0, frozenset({Channel.WEBSITE, Channel.SOCIAL}), NameDisplay.ROLE)]
        run_history(world, history, read_as_returned, real=False)
        [folder] = story_folders(world.pipeline.settings.outbox_dir, world.story_ids[0])
        kept = (folder / "sociale-media").rename(folder.parent / "bewaard")
        world.pipeline.withdraw(world.story_ids[0], channels={Channel.SOCIAL}, by="Sam")
        kept.rename(folder / "sociale-media")  # a bug that would leave the files behind
        model = Model()
        model.allowed[0] = frozenset({Channel.WEBSITE})
        stats = {"assets_checked": 0, "anonymous_scans": 0}
        with pytest.raises(AssertionError):
            check(world, model, ("withdraw", 0, {Channel.SOCIAL}), stats, real=False)
    finally:
        world.pipeline.store.close()
        shutil.rmtree(world.folder, ignore_errors=True)
