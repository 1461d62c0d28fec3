import pytest
import sqlalchemy as sa

from goodwork_pipeline.errors import StoreError, UnknownStoryError
from goodwork_pipeline.models import Channel, NameDisplay, Sidecar, State
from goodwork_pipeline.store.repository import Store, normalise_story_id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, settings, clock):
    """The same store tests on SQLite (the default) and on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = settings.database_url
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    store = Store(url, clock=clock)
    assert store.engine.dialect.name == request.param
    yield store
    store.close()


def new(store: Store, sha: str = "a" * 64):
    return store.create_story(
        source_sha256=sha,
        source_name="gesprek.wav",
        kind="audio",
        sidecar=Sidecar(participant="Anna"),
        actor="test",
        source="test",
    )


def test_story_ids_are_random_codes_not_names(store: Store) -> None:
    story, created = new(store)
    assert created
    assert story.id.startswith("GW-") and len(story.id) == 11
    assert "ANNA" not in story.id
    assert story.state == State.RECEIVED


def test_same_audio_is_one_story(store: Store) -> None:
    first, _ = new(store)
    again, created = new(store)
    assert not created
    assert again.id == first.id
    assert len(store.stories()) == 1


def test_transitions_follow_the_lifecycle_and_are_recorded(store: Store, clock) -> None:
    story, _ = new(store)
    clock.advance(minutes=5)
    store.transition(story.id, State.TRANSCRIBED, actor="t", source="s", message="ok")
    with pytest.raises(StoreError, match="cannot go from transcribed to published"):
        store.transition(story.id, State.PUBLISHED, actor="t", source="s", message="no")
    history = store.events(story.id)
    assert [e.state for e in history] == [State.RECEIVED, State.TRANSCRIBED]
    assert history[1].at > history[0].at
    assert store.story(story.id).state_since == history[1].at


def test_failure_keeps_the_reason_and_a_retry_clears_it(store: Store) -> None:
    story, _ = new(store)
    failed = store.fail(story.id, message="boom", message_nl="mis", actor="t", source="s")
    assert failed.state == State.FAILED and failed.last_error_nl == "mis"
    retried = store.transition(story.id, State.TRANSCRIBED, actor="t", source="s", message="ok")
    assert retried.last_error is None


@pytest.mark.parametrize("table", ["events", "consents"])
def test_history_tables_refuse_update_and_delete(store: Store, table: str) -> None:
    story, _ = new(store)
    store.append_consent(
        story.id,
        action="grant",
        channels=[Channel.WEBSITE],
        name_display=NameDisplay.FULL,
        text_sha256="b" * 64,
        wording_version="v",
        actor="t",
        source="cli",
    )
    with store.engine.begin() as conn, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        conn.exec_driver_sql(f"UPDATE {table} SET actor = 'someone else'")
    with store.engine.begin() as conn, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        conn.exec_driver_sql(f"DELETE FROM {table}")


def test_unknown_story_is_a_clear_error(store: Store) -> None:
    with pytest.raises(UnknownStoryError, match="goodwork status"):
        store.story("GW-00000000")


def test_story_codes_as_staff_type_them() -> None:
    assert normalise_story_id("gw-7k3q m2xd") == "GW-7K3QM2XD"
    assert normalise_story_id("GW7K3QM2XD") == "GW-7K3QM2XD"
    assert normalise_story_id("gw-7k3qm2xo") == "GW-7K3QM2X0"
