"""The demo end to end: what it publishes is what the sample interview said, in real Dutch.

Real espeak-ng, real Whisper, the real process-inbox flow twice; in between the DEMO
participant corrects the draft (tracked changes) and approves it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from goodwork_pipeline.settings import load_settings
from goodwork_pipeline.store.repository import Store
from goodwork_pipeline.testing.samples import SAMPLE_CONVERSATION

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_the_demo_publishes_the_corrected_text(
    tmp_path: Path, model_cache: Path, prefect_server
) -> None:
    from flows.demo import approved_text, run_demo
    from goodwork_pipeline.testing.samples import espeak_available

    if not espeak_available():
        pytest.skip("espeak-ng is not installed (scripts/setup installs it)")
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "goodwork.toml").write_text(
        f'model_cache = "{model_cache}"\nsettle_seconds = 0\nthreads = 2\n', encoding="utf-8"
    )
    output = io.StringIO()
    run_demo(folder, Console(file=output, width=200))

    settings = load_settings(folder, environ={})
    store = Store(settings.database_url)
    try:
        [story] = store.stories()
    finally:
        store.close()
    approved = approved_text(settings, story.id)
    assert approved is not None, output.getvalue()
    said = set().union(*(words(text) for _, text in SAMPLE_CONVERSATION))
    text = " ".join(s.text for section in approved.sections for s in section.sentences)
    assert text and approved.quote
    assert words(approved.quote) <= said, approved.quote
    assert words(text) <= said, sorted(words(text) - said)
    # ... and that is what went out: the website page carries the corrected quote.
    [published] = [p for p in settings.outbox_dir.iterdir() if (p / "manifest.json").is_file()]
    assert approved.quote in (published / "website" / "beeld.md").read_text(encoding="utf-8")
    assert f"gepubliceerd citaat: {approved.quote}" in output.getvalue()
