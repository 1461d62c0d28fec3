"""The overview page in headless Chromium (Debian's), opened from disk like staff would."""

import shutil
from pathlib import Path

import pytest
from helpers import IN_CI
from publishing import consented_story, withdraw

from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.publishing.outbox import OVERVIEW
from goodwork_pipeline.testing.sample_beelden import ANNA, BRAM, SARA

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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


def open_overview(browser, outbox: Path):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto((outbox / OVERVIEW).as_uri())
    page.wait_for_load_state("load")
    return context, page, problems


def test_overview_lists_stories_and_copies_exact_texts(browser, pipeline) -> None:
    anna = consented_story(pipeline, ANNA.beeld, ANNA.sidecar, name_display=NameDisplay.FIRST)
    bram = consented_story(pipeline, BRAM.beeld, BRAM.sidecar)
    sara = consented_story(
        pipeline, SARA.beeld, SARA.sidecar, channels={Channel.GROUP}, name_display=NameDisplay.ROLE
    )
    outbox = pipeline.settings.outbox_dir
    context, page, problems = open_overview(browser, outbox)
    try:
        stories = page.locator("article.story")
        assert stories.count() == 3
        assert {stories.nth(i).get_attribute("data-story") for i in range(3)} == {anna, bram, sara}
        # every thumbnail loaded from disk
        sizes = page.eval_on_selector_all(
            "article.story img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])"
        )
        assert len(sizes) == 3 and all(done and width > 0 for done, width in sizes)
        # a copy button puts the exact text on the clipboard
        anna_card = page.locator(f"article.story[data-story='{anna}']")
        for platform in ("linkedin", "x", "instagram", "bluesky"):
            anna_card.locator(f".text[data-platform='{platform}'] button.copy").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            folder = next(
                p
                for p in outbox.iterdir()
                if (p / "sociale-media").is_dir() and anna_card.get_attribute("id") == p.name
            )
            expected = (folder / "sociale-media" / f"{platform}.txt").read_text(encoding="utf-8")
            assert copied == expected, platform
        assert anna_card.locator("button.copy").first.text_content() in (
            "Gekopieerd",
            "Kopieer tekst",
        )
        # a group-only story has no texts to copy, but its PDF is linked
        sara_card = page.locator(f"article.story[data-story='{sara}']")
        assert sara_card.locator("button.copy").count() == 0
        assert sara_card.locator("a", has_text="PDF").count() == 1
        assert problems == []
        page.screenshot(path=str(outbox.parent / "overview.png"), full_page=True)
    finally:
        context.close()

    withdraw(pipeline, bram)
    context, page, problems = open_overview(browser, outbox)
    try:
        ids = page.eval_on_selector_all("article.story", "a => a.map(x => x.dataset.story)")
        assert sorted(ids) == sorted([anna, sara])
        assert problems == []
    finally:
        context.close()
