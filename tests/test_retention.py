"""Retention deletes exactly the recordings that are due, records and logs every deletion."""

import logging

import pytest
from helpers import drop

from goodwork_pipeline.models import State
from goodwork_pipeline.store import retention


def story_at(pipeline, tone_wav, name: str, *, gain: int) -> str:
    """A real story (received, transcribed, drafted) from its own recording."""
    data = bytearray(tone_wav.read_bytes())
    data[-1] = gain  # a different last sample: a different recording
    path = pipeline.settings.inbox_dir / name
    path.write_bytes(bytes(data))
    received = pipeline.receive(path)
    assert received.ok, received
    assert pipeline.transcribe(received.story_id).ok
    assert pipeline.draft(received.story_id).ok
    return received.story_id


def move(pipeline, story_id: str, *states: State) -> None:
    for state in states:
        pipeline.store.transition(story_id, state, actor="t", source="test", message=state)


def recording_files(pipeline, story_id: str) -> list:
    root = pipeline.workspace.story(story_id).root
    return sorted(p for d in ("original", "duplicates") for p in (root / d).rglob("*"))


@pytest.fixture
def stories(pipeline, tone_wav, clock):
    """Six stories whose decisions lie at different moments; the clock then stands 'today'."""
    s = {}
    s["approved_long_ago"] = story_at(pipeline, tone_wav, "a.wav", gain=1)
    s["declined_long_ago"] = story_at(pipeline, tone_wav, "b.wav", gain=2)
    s["published_long_ago"] = story_at(pipeline, tone_wav, "c.wav", gain=3)
    s["open_long_ago"] = story_at(pipeline, tone_wav, "d.wav", gain=4)
    s["reopened"] = story_at(pipeline, tone_wav, "e.wav", gain=5)
    move(pipeline, s["approved_long_ago"], State.APPROVED)
    move(pipeline, s["declined_long_ago"], State.DECLINED)
    move(pipeline, s["published_long_ago"], State.APPROVED, State.PUBLISHED)
    move(pipeline, s["reopened"], State.APPROVED, State.DRAFTED)  # a new draft: open again
    # the same recording dropped again: a copy kept under duplicates/, a recording too
    drop(pipeline.settings, pipeline.workspace.story(s["approved_long_ago"]).original(), "x.wav")
    assert pipeline.receive(pipeline.settings.inbox_dir / "x.wav").ok
    clock.advance(days=2)
    s["approved_recently"] = story_at(pipeline, tone_wav, "f.wav", gain=6)
    move(pipeline, s["approved_recently"], State.APPROVED)
    clock.advance(days=29)  # 31 days after the first decisions, 29 after the recent one
    return s


def test_purge_deletes_exactly_the_recordings_that_are_due(
    pipeline, stories, clock, caplog
) -> None:
    due = {"approved_long_ago", "declined_long_ago", "published_long_ago"}
    before = {name: recording_files(pipeline, sid) for name, sid in stories.items()}
    assert all(before.values())
    assert len(before["approved_long_ago"]) == 3  # original, its .sha256, the duplicate copy

    planned = retention.purge(pipeline.store, pipeline.settings, clock, dry_run=True)
    assert {d.story_id for d in planned} == {stories[n] for n in due}
    assert {name: recording_files(pipeline, sid) for name, sid in stories.items()} == before
    assert not any(
        e.kind == "purge" for sid in stories.values() for e in pipeline.store.events(sid)
    )

    with caplog.at_level(logging.INFO, logger="goodwork_pipeline"):
        done = retention.purge(pipeline.store, pipeline.settings, clock)
    assert [d.story_id for d in done] == [d.story_id for d in planned]
    for name, story_id in stories.items():
        files = pipeline.workspace.story(story_id)
        assert files.transcript_json.is_file(), name  # transcripts kept by default
        assert files.draft_docx(1).is_file(), name  # the record of the draft stays
        if name in due:
            assert recording_files(pipeline, story_id) == [], name
            [event] = [e for e in pipeline.store.events(story_id) if e.kind == "purge"]
            assert sorted(event.detail["deleted"]) == sorted(
                str(p.relative_to(pipeline.settings.workspace_dir)) for p in before[name]
            )
            assert "30 dagen" in event.message_nl and event.source == "retention"
        else:
            assert recording_files(pipeline, story_id) == before[name], name
            assert pipeline.store.last_event(story_id, "purge") is None

    logged = {r.gw_story for r in caplog.records if getattr(r, "gw_event", None) == "purged"}
    assert logged == {stories[n] for n in due}
    assert retention.purge(pipeline.store, pipeline.settings, clock) == []  # nothing twice


def test_the_recent_decision_becomes_due_on_its_day(pipeline, stories, clock) -> None:
    retention.purge(pipeline.store, pipeline.settings, clock)
    clock.advance(days=1, minutes=1)
    [deletion] = retention.purge(pipeline.store, pipeline.settings, clock)
    assert deletion.story_id == stories["approved_recently"]
    assert recording_files(pipeline, stories["open_long_ago"])  # still open: never


def test_transcripts_go_too_when_the_setting_says_so(pipeline, stories, clock) -> None:
    settings = pipeline.settings.model_copy(update={"keep_transcripts": False})
    retention.purge(pipeline.store, settings, clock)
    gone = pipeline.workspace.story(stories["declined_long_ago"])
    kept = pipeline.workspace.story(stories["approved_recently"])
    assert not gone.transcript_dir.exists() and kept.transcript_json.is_file()
    event = pipeline.store.last_event(stories["declined_long_ago"], "purge")
    assert any(path.endswith("transcript.json") for path in event.detail["deleted"])


def test_a_purged_recording_dropped_again_is_not_taken_in_again(
    pipeline, stories, clock, tone_wav
) -> None:
    story_id = stories["approved_long_ago"]
    copy = pipeline.settings.inbox_dir / "y.wav"
    copy.write_bytes(pipeline.workspace.story(story_id).original().read_bytes())
    retention.purge(pipeline.store, pipeline.settings, clock)
    result = pipeline.receive(copy)
    assert result.ok and result.story_id == story_id
    assert pipeline.workspace.story(story_id).original() is None
    assert pipeline.store.story(story_id).state == State.APPROVED
    assert len(pipeline.store.stories()) == len(stories)
