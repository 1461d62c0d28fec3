"""The review page in headless Chromium (Debian's) on a real drafted story with real audio.

One short espeak-ng conversation goes through the real transcription stage (Whisper base)
and the real draft builder once per module; each test works on its own copy of that
programme folder and talks to a real ``ReviewServer`` on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections import Counter
from pathlib import Path

import docx
import pytest
from helpers import IN_CI, programme_pipeline, require_tool

from goodwork_pipeline.intake.transcript_files import read_transcript
from goodwork_pipeline.models import State
from goodwork_pipeline.review_page import UNSURE_BELOW, ReviewServer, ReviewSession
from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION, SAMPLE_SIDECAR, synthesize
from goodwork_pipeline.text_nl import fold, words

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",
]
SHOTS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = "Debian's chromium is not installed (scripts/setup test installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def drafted_folder(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A programme folder with one story drafted from real speech (about 70 s of audio)."""
    require_tool("espeak-ng")
    folder = tmp_path_factory.mktemp("review") / "programme"
    pipeline = programme_pipeline(folder, model_cache, source="test")
    recording = folder / "inbox" / "gesprek-anna.wav"
    # one voice per channel: this module tests the page, not telling espeak voices apart
    synthesize(SAMPLE_CONVERSATION[:8], recording, stereo=True)
    recording.with_suffix(".yaml").write_text(SAMPLE_SIDECAR, encoding="utf-8")
    story_id = pipeline.receive(recording).story_id
    assert pipeline.transcribe(story_id).ok
    assert pipeline.draft(story_id).ok
    pipeline.store.close()
    return folder


@pytest.fixture
def review(drafted_folder: Path, tmp_path: Path, model_cache: Path):
    """A running review server on a fresh copy of the drafted programme."""
    folder = tmp_path / "programme"
    shutil.copytree(drafted_folder, folder)
    pipeline = programme_pipeline(folder, model_cache, source="test")
    [story] = pipeline.store.stories()
    server = ReviewServer(ReviewSession(pipeline, story.id, by="Sam"), idle_seconds=600)
    ended: list[str] = []
    thread = threading.Thread(target=lambda: ended.append(server.run()), daemon=True)
    thread.start()
    yield pipeline, story.id, server, thread, ended
    server.stop()
    thread.join(timeout=10)
    pipeline.store.close()


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector(".sentence")
    return context, page, problems


def beeld(pipeline, story_id: str, version: int) -> dict:
    path = pipeline.workspace.story(story_id).draft_beeld(version)
    return json.loads(path.read_text(encoding="utf-8"))


def test_page_plays_from_a_sentence_and_marks_unsure_words(browser, review) -> None:
    pipeline, story_id, server, _thread, _ended = review
    context, page, problems = open_page(browser, server.url)
    try:
        v1 = beeld(pipeline, story_id, 1)
        shown = page.eval_on_selector_all(".sentence", "els => els.map(e => e.dataset.ref)")
        expected = [f"{s['key']}/{i}" for s in v1["sections"] for i, _ in enumerate(s["sentences"])]
        assert shown == expected and len(shown) >= 3

        # clicking a sentence plays the recording from its start
        section = next(s for s in v1["sections"] if len(s["sentences"]) >= 2)
        ref = f"{section['key']}/1"
        start = section["sentences"][1]["start"]
        page.click(f".sentence[data-ref='{ref}'] .text")
        now = page.evaluate("document.getElementById('audio').currentTime")
        assert abs(now - start) < 0.3, (now, start)
        page.wait_for_selector(f".sentence.playing[data-ref='{ref}']", timeout=10_000)
        assert page.evaluate("!document.getElementById('audio').paused")
        page.keyboard.press(" ")  # space pauses
        assert page.evaluate("document.getElementById('audio').paused")
        page.keyboard.press("ArrowDown")  # the next sentence is selected, the audio follows
        following = section["sentences"][2]["start"] if len(section["sentences"]) > 2 else None
        if following is not None:
            assert page.get_attribute(".sentence.selected", "data-ref") == f"{section['key']}/2"
            now = page.evaluate("document.getElementById('audio').currentTime")
            assert abs(now - following) < 0.3

        # the words Whisper doubted (from transcript.json) are the ones marked
        transcript = read_transcript(pipeline.workspace.story(story_id).transcript_json)
        segments = {s.id: s for s in transcript.segments}
        marked_somewhere = 0
        for section in v1["sections"]:
            for index, sentence in enumerate(section["sentences"]):
                doubted = Counter(
                    fold(token)
                    for i in sentence["segment_ids"]
                    for w in segments[i].words
                    if w.probability < UNSURE_BELOW
                    and sentence["start"] - 0.01 <= (w.start + w.end) / 2 <= sentence["end"] + 0.01
                    for token in words(w.text)
                )
                in_text = Counter(fold(t) for t in words(sentence["text"]))
                marks = page.eval_on_selector_all(
                    f".sentence[data-ref='{section['key']}/{index}'] mark.unsure",
                    "els => els.map(e => e.textContent)",
                )
                assert Counter(fold(m) for m in marks) == doubted & in_text
                marked_somewhere += len(marks)
        assert marked_somewhere > 0

        # the transcript: one click away, every turn with its speaker
        page.click("#toggle-transcript")
        speakers = page.eval_on_selector_all(".turn .speaker", "els => els.map(e => e.textContent)")
        assert {"Interviewer (Sam)", "Deelnemer (Anna de Vries)"} <= set(speakers)
        screenshot(page, "review-page.png")
        page.keyboard.press("t")
        assert page.is_hidden("#transcript")
        assert problems == []
        # leaving the page tells the server (a beacon); it stops unless the page comes back
        page.goto("about:blank")
        for _ in range(50):
            if server.lifetime.leaving_since is not None:
                break
            page.wait_for_timeout(100)
        assert server.lifetime.leaving_since is not None
    finally:
        context.close()


def test_page_is_refused_without_the_token_or_from_another_origin(browser, review) -> None:
    _pipeline, _story_id, server, _thread, _ended = review
    context = browser.new_context()
    try:
        page = context.new_page()
        root = f"http://127.0.0.1:{server.port}/"
        assert page.goto(root).status == 403
        assert page.goto(f"{root}r/{'x' * len(server.token)}/").status == 403
        assert page.goto(server.url).status == 200
        request = context.request
        assert request.get(f"{server.url}api/draft").status == 200
        evil = {"Origin": "http://evil.example"}
        assert request.get(f"{server.url}api/draft", headers=evil).status == 403
        assert request.post(f"{server.url}api/close", headers=evil, data="{}").status == 403
        assert request.get(f"{server.url}api/audio", headers={"Range": "bytes=0-99"}).status == 206
    finally:
        context.close()
    assert not server.lifetime.closed.is_set()


def test_edit_move_save_makes_version_two_that_keeps_the_sources(browser, review) -> None:
    pipeline, story_id, server, _thread, _ended = review
    v1 = beeld(pipeline, story_id, 1)
    section = next(s for s in v1["sections"] if len(s["sentences"]) >= 2)
    empty = next(s for s in v1["sections"] if not s["sentences"])
    edited, moved = section["sentences"][0], section["sentences"][1]
    context, page, problems = open_page(browser, server.url)
    try:
        first = f".sentence[data-ref='{section['key']}/0']"
        page.click(f"{first} button.edit")
        page.fill(f"{first} textarea", "Een bewoner wilde niet meer eten.")
        page.keyboard.press("Enter")
        page.select_option(f".sentence[data-ref='{section['key']}/1'] select.move", empty["key"])
        assert page.get_attribute(f".section[data-key='{empty['key']}'] .sentence", "data-ref") == (
            f"{section['key']}/1"
        )
        # a sentence the draft left out, added from the transcript; a new title
        page.click("#toggle-transcript")
        offered = page.locator(".turn.role-participant .utt select.add")
        assert offered.count() >= 1
        assert page.locator(".turn.role-interviewer select.add").count() == 0
        left_out = offered.first.locator("xpath=ancestor::li[1]")
        added_start = float(left_out.get_attribute("data-start"))
        offered.first.select_option(section["key"])
        page.fill("#title", "Luisteren naar de moeder")
        page.click("#save")
        page.wait_for_selector("#message >> text=Opgeslagen als versie 2")
        assert problems == []
    finally:
        context.close()

    story = pipeline.store.story(story_id)
    assert story.draft_version == 2 and story.state == State.DRAFTED
    files = pipeline.workspace.story(story_id)
    assert files.draft_docx(1).is_file() and files.draft_beeld(1).is_file()  # v1 kept
    v2 = beeld(pipeline, story_id, 2)
    sentences = {s["key"]: s["sentences"] for s in v2["sections"]}
    [fixed] = [x for x in sentences[section["key"]] if x["start"] == edited["start"]]
    assert fixed["text"] == "Een bewoner wilde niet meer eten."
    assert (fixed["start"], fixed["end"], fixed["segment_ids"]) == (
        edited["start"],
        edited["end"],
        edited["segment_ids"],
    )
    assert fixed["spoken"] == edited["spoken"] and fixed["drafted_text"] == edited["text"]
    [there] = sentences[empty["key"]]
    assert (there["text"], there["start"], there["segment_ids"]) == (
        moved["text"],
        moved["start"],
        moved["segment_ids"],
    )
    assert v2["title"] == "Luisteren naar de moeder"
    [added] = [x for x in sentences[section["key"]] if x["start"] == added_start]
    assert added["score"] is None and "toegevoegd" in added["why"][0]
    # the .docx has both changes, under the right headings
    paragraphs = [
        (p.style.name, p.text) for p in docx.Document(str(files.draft_docx(2))).paragraphs
    ]
    texts = [text for _style, text in paragraphs]
    under_empty = texts[texts.index(empty["heading"]) + 1]
    assert moved["text"] in under_empty
    body = "\n".join(texts)
    assert "Een bewoner wilde niet meer eten." in body and edited["text"] not in body
    # who changed what is in the story's history
    changes = [e for e in pipeline.store.events(story_id) if e.kind == "review_edit"]
    assert {(e.actor, e.detail["kind"]) for e in changes} == {
        ("Sam", kind) for kind in ("text", "move", "add", "title")
    }


def test_the_server_stops_when_the_interviewer_closes_the_page(browser, review) -> None:
    _pipeline, _story_id, server, thread, ended = review
    context, page, _problems = open_page(browser, server.url)
    try:
        page.click("#close")
        page.wait_for_selector("#closed", state="visible")
        thread.join(timeout=10)
        assert not thread.is_alive() and ended == ["closed"]
    finally:
        context.close()


def screenshot(page, name: str) -> None:
    """The README's picture of the page, regenerated on purpose: GWTEST_SCREENSHOTS=1."""
    import os

    from PIL import Image

    if os.environ.get("GWTEST_SCREENSHOTS") == "1":
        path = SHOTS / name
        page.screenshot(path=str(path))
        with Image.open(path) as shot:  # a palette PNG: a third of the size, reads the same
            shot.convert("RGB").quantize(colors=128).save(path, optimize=True)
