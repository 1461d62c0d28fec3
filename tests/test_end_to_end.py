"""The walking skeleton through real components only.

A Dutch conversation spoken by espeak-ng -> real Whisper (the bundled base model) -> draft
.docx -> a returned .docx with ticked boxes -> PDF and LinkedIn text, all through the real
'process-inbox' Prefect flow. espeak-ng is hard for the base model, so this asserts what
matters: key words, timestamps, sections, ids, and that the PDF holds the approved text.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import pdf_text

from goodwork_pipeline.files import sha256_file
from goodwork_pipeline.intake.transcript_files import read_transcript
from goodwork_pipeline.models import State
from goodwork_pipeline.review.returned_document import read_document
from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import SAMPLE_SIDECAR, fill_in_as_participant

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

KEY_WORDS = (
    "dochter",
    "familie",
    "teammanager",
    "ouderenzorg",
    "belangrijk",
    "situatie",
    "moeilijk",
    "luistert",
    "regels",
    "gekozen",
)


def words(text: str) -> list[str]:
    text = text.replace("\u00ad", "").replace("\u2010", "-")
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated at a line break
    return re.findall(r"\w+", text.lower())


def contains_in_order(haystack: list[str], needle: list[str]) -> bool:
    joined = " " + " ".join(haystack) + " "
    return " " + " ".join(needle) + " " in joined


@pytest.fixture
def programme(tmp_path: Path, model_cache: Path) -> Path:
    folder = tmp_path / "programma"
    (folder / "inbox").mkdir(parents=True)
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nsettle_seconds = 0\nthreads = 2\n', encoding="utf-8"
    )
    return folder


def test_recording_to_consented_pdf(programme: Path, sample_recording, prefect_server) -> None:
    from flows.process_inbox import process_inbox

    recording, turns = sample_recording
    shutil.copyfile(recording, programme / "inbox" / "gesprek-anna.wav")
    (programme / "inbox" / "gesprek-anna.yaml").write_text(SAMPLE_SIDECAR, encoding="utf-8")

    first = process_inbox(str(programme))
    assert all(r["ok"] for r in first), first
    settings = load_settings(programme, environ={})
    store = Store(settings.database_url)
    [story] = store.stories()
    assert story.state == State.DRAFTED

    # transcript: key words and timestamps
    files = settings.workspace_dir / "stories" / story.id / "transcript"
    transcript = read_transcript(files / "transcript.json")
    heard = words(transcript.text)
    found = [w for w in KEY_WORDS if w in heard]
    assert len(found) >= 5, f"only {found} of {KEY_WORDS} in: {transcript.text}"
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and starts[0] < 2.0
    assert transcript.segments[-1].end <= transcript.duration + 0.5
    assert transcript.duration == pytest.approx(turns[-1].end + 0.7, abs=1.0)
    # every segment that heard "dochter" lies near a turn that said it (two turns do)
    daughters = [s for s in transcript.segments if "dochter" in s.text.lower()]
    assert daughters, transcript.text
    for daughter in daughters:
        spoken = [t for t in turns if "dochter" in t.text]
        assert any(t.start - 1 <= daughter.start <= t.end for t in spoken), (daughter, spoken)
    assert "[00:" in (files / "transcript.txt").read_text(encoding="utf-8")

    # draft: sections and the hidden id
    draft = settings.outbox_dir / "concepten" / f"{story.id}-v1.docx"
    raw = read_document(draft)
    assert raw.ids.custom_property == story.id and raw.ids.footer == story.id
    texts = [p.text for p in raw.paragraphs]
    for heading in (
        "Wie ik ben",
        "De puzzel",
        "Wat ik deed",
        "Wat ik afwoog",
        "Wat ik belangrijk vind",
        "Mijn beeld van goed werk",
        "Jouw toestemming",
    ):
        assert heading in texts
    assert sum(p.checked is False for p in raw.paragraphs) == 8  # approve + 4 channels + 3 names

    # the participant ticks boxes and sends it back under another name
    fill_in_as_participant(draft, programme / "inbox" / "Beeld Anna - akkoord.docx")
    second = process_inbox(str(programme))
    assert all(r["ok"] for r in second), second
    story = store.story(story.id)
    assert story.state == State.PUBLISHED

    [folder] = [p for p in settings.outbox_dir.iterdir() if p.is_dir() and p.name != "concepten"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert sha256_file(folder / entry["path"]) == entry["sha256"]
    assert manifest["consent"]["text_sha256"] == story.approved_sha256
    approved = json.loads(
        (
            settings.workspace_dir
            / "stories"
            / story.id
            / "approved"
            / f"{story.approved_sha256}.json"
        ).read_text(encoding="utf-8")
    )
    pdf = words(pdf_text(folder / "website" / "beeld.pdf"))
    for section in approved["sections"]:
        for sentence in section["sentences"]:
            assert contains_in_order(pdf, words(sentence["text"])), sentence["text"]
    assert (folder / "sociale-media" / "linkedin.txt").is_file()

    # idempotence through the flow: nothing is transcribed twice
    third = process_inbox(str(programme))
    assert third == []
    transcribed = [e for e in store.events(story.id) if e.state == State.TRANSCRIBED]
    assert len(transcribed) == 1
