"""Property: whatever happens, the outbox never holds more than the latest valid consent allows.

Hypothesis draws sequences of events (returned drafts that approve, decline, edit, contradict
or are out of date; staff consent; withdrawal of some or all channels; a change to the
approved text; a new draft version) and drives the real Pipeline and publish step against a
temporary outbox. After every event the published channels must be a subset of what a
simple model of consent allows for the current approved text (in fact equal to it).

For speed, PDFs of the same view are rendered once (real WeasyPrint, cached) and consent
snapshots are stubbed here (test_consent_steps.py renders them for real).
"""

from __future__ import annotations

import functools
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import SCRIPT, make_tone, programme_pipeline
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from goodwork_pipeline.consent.ledger import consent_for
from goodwork_pipeline.consent.snapshot import Snapshot
from goodwork_pipeline.models import Channel, NameDisplay
from goodwork_pipeline.pipeline import Pipeline
from goodwork_pipeline.publishing.outbox import CHANNEL_FOLDERS, MANIFEST
from goodwork_pipeline.publishing.render import Renderer
from goodwork_pipeline.testing.samples import fill_in_as_participant
from goodwork_pipeline.transcription.engine import ScriptedTranscriber

FOLDER_CHANNEL = {folder: channel for channel, folder in CHANNEL_FOLDERS.items()}
channel_sets = st.frozensets(st.sampled_from(list(Channel)))
names = st.sampled_from(list(NameDisplay))

events = st.one_of(
    st.tuples(st.just("document"), st.booleans(), channel_sets, st.booleans()),
    st.tuples(st.just("contradictory"), st.booleans(), channel_sets),
    st.tuples(st.just("stale"), channel_sets),
    st.tuples(st.just("consent"), channel_sets, names),
    st.tuples(st.just("withdraw"), channel_sets),
    st.tuples(
        st.just("text"),
    ),
    st.tuples(
        st.just("redraft"),
    ),
)


class CachedRenderer(Renderer):
    """The real renderer; the same view is rendered once per test run."""

    @functools.cache  # noqa: B019 (one instance per view set; kept for the run on purpose)
    def pdf(self, view):  # type: ignore[override]
        return super().pdf(view)


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tone(tmp_path_factory.mktemp("tone") / "gesprek.wav", seconds=4.0)


@pytest.fixture
def fast_pipeline(monkeypatch: pytest.MonkeyPatch, model_cache: Path):
    renderer: dict[Path, Renderer] = {}

    def shared_renderer(templates_dir: Path, **options) -> Renderer:
        return renderer.setdefault(templates_dir, CachedRenderer(templates_dir, **options))

    monkeypatch.setattr("goodwork_pipeline.pipeline.core.Renderer", shared_renderer)
    monkeypatch.setattr(
        "goodwork_pipeline.consent.steps.write_snapshot",
        lambda folder, record, **_: Snapshot(folder / f"{record.id}.pdf", "0" * 64),
    )

    def make(folder: Path) -> Pipeline:
        return programme_pipeline(
            folder, model_cache, source="property", transcriber=ScriptedTranscriber(SCRIPT)
        )

    return make


def published(pipeline: Pipeline) -> tuple[frozenset[Channel], str | None]:
    outbox = pipeline.settings.outbox_dir
    channels: set[Channel] = set()
    text = None
    for manifest in outbox.glob(f"*/{MANIFEST}"):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        text = data["consent"]["text_sha256"]
        channels |= {FOLDER_CHANNEL[p.name] for p in manifest.parent.iterdir() if p.is_dir()}
    return frozenset(channels), text


@settings(
    max_examples=6,
    deadline=None,
    # Each example runs a whole story (about a second); shrinking would take minutes, and a
    # failure already prints the full history of events that broke the property.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(events, min_size=4, max_size=14))
def test_outbox_never_exceeds_the_latest_valid_consent(fast_pipeline, tone, history) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = fast_pipeline(Path(folder))
        try:
            run_history(pipeline, tone, history)
        finally:
            pipeline.store.close()


def run_history(pipeline: Pipeline, tone: Path, history: list[tuple]) -> None:
    inbox = pipeline.settings.inbox_dir
    story_id = pipeline.receive(_copy(tone, inbox / "gesprek.wav")).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    allowed: frozenset[Channel] = frozenset()  # the model: default deny
    for step, event in enumerate(history):
        kind = event[0]
        story = pipeline.store.story(story_id)
        newest = pipeline.draft_outbox_path(story_id, story.draft_version)
        signer = f"Deelnemer {step}"  # every returned document is a different file
        if kind == "document":
            _, approve, channels, edited = event
            document = fill_in_as_participant(
                newest,
                inbox / f"terug-{step}.docx",
                approve=approve,
                channels=channels,
                signer=signer,
                replace={"twaalf jaar": f"{step + 13} jaar"} if edited else None,
            )
            pipeline.review(document)
            allowed = channels if approve else frozenset()
        elif kind == "contradictory":
            _, approve, channels = event
            document = fill_in_as_participant(
                newest,
                inbox / f"terug-{step}.docx",
                approve=approve,
                channels=channels,
                name_display=[NameDisplay.FULL, NameDisplay.ROLE],
                signer=signer,
            )
            assert not pipeline.review(document).ok
            allowed = allowed & channels if approve else frozenset()  # withdrawals still count
        elif kind == "stale":
            if story.draft_version > 1:
                # a copy of version 1 the participant kept (the outbox only holds the newest)
                old = pipeline.workspace.story(story_id).draft_docx(1)
                document = fill_in_as_participant(
                    old, inbox / f"oud-{step}.docx", channels=event[1], signer=signer
                )
                assert not pipeline.review(document).ok
                allowed = allowed & event[1]  # an old version may only withdraw
        elif kind == "consent":
            _, channels, name = event
            pipeline.record_consent(story_id, channels=channels, name_display=name, by="Sam")
            allowed = channels
        elif kind == "withdraw":
            pipeline.withdraw(story_id, channels=event[1], by="Sam")
            allowed = allowed - event[1] if event[1] else frozenset()
        elif kind == "text" and story.approved_sha256:
            # the approved text is changed after consent (e.g. a correction by staff)
            approved = pipeline.approved_beeld(story_id, story.approved_sha256)
            changed = replace(approved, title=f"{approved.title} ({step})")
            pipeline.store.update_story(
                story_id, approved_sha256=pipeline.save_approved(story_id, changed)
            )
            pipeline.publish(story_id)
            allowed = frozenset()
        elif kind == "redraft":
            assert pipeline.draft(story_id).ok

        channels, text = published(pipeline)
        story = pipeline.store.story(story_id)
        current = consent_for(pipeline.store, story_id)
        assert channels <= allowed, (step, event, channels, allowed)
        assert channels == allowed, (step, event, channels, allowed)
        assert (current.channels if current else frozenset()) == allowed
        if channels:
            assert text == story.approved_sha256 == current.text_sha256


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target
