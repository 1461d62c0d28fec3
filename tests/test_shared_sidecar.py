"""One sidecar beside two inputs (g.txt, g.vtt, g.yaml): the first by name gets it, the
other is refused until staff rename it, and 'goodwork status' says who got the sidecar."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from goodwork_pipeline.models import State

TXT = (
    "Sam: Wat heb je toen gedaan?\nAnna: Ik ben met de dochter gaan praten.\n"
    "Sam: En toen?\nAnna: Toen hebben we samen gekeken naar wat haar moeder wilde.\n"
)
VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Sam>Wat heb je toen gedaan?</v>\n\n"
    "00:00:03.500 --> 00:00:06.000\n<v Anna>Ik ben met de dochter gaan praten.</v>\n"
)
SIDECAR = "participant: Anna de Vries\ninterviewer: Sam\nrole: Teammanager\ngroup: VVT\n"


@pytest.fixture
def inbox(pipeline) -> Path:
    inbox = pipeline.settings.inbox_dir
    (inbox / "g.txt").write_text(TXT, encoding="utf-8")
    (inbox / "g.vtt").write_text(VTT, encoding="utf-8")
    (inbox / "g.yaml").write_text(SIDECAR, encoding="utf-8")
    return inbox


def status(pipeline) -> str:
    done = CliRunner().invoke(
        cli, ["-C", str(pipeline.settings.base_dir), "status"], env={"COLUMNS": "2000"}
    )
    assert done.exception is None, done.output
    return " ".join(done.output.split())


@pytest.mark.parametrize("order", ["inbox order", "reverse (a watcher)"])
def test_the_second_input_of_one_sidecar_is_refused_and_says_who_got_it(
    pipeline, inbox, order
) -> None:
    first, second = inbox / "g.txt", inbox / "g.vtt"
    if order == "inbox order":
        results = [pipeline.receive_transcript(first), pipeline.receive_transcript(second)]
        taken, refused = results
    else:  # g.vtt is looked at first, while g.yaml still lies beside both
        refused, taken = pipeline.receive_transcript(second), pipeline.receive_transcript(first)
    assert taken.ok and not refused.ok
    story = pipeline.store.story(taken.story_id)
    assert story.sidecar.participant == "Anna de Vries" and story.sidecar.group == "VVT"
    assert story.source_name == "g.txt"
    assert "g.yaml" in refused.message_nl and "g.txt" in refused.message_nl
    assert "eigen naam" in refused.message_nl and "blijft in de inbox" in refused.message_nl
    assert second.is_file() and not first.exists() and not (inbox / "g.yaml").exists()
    assert len(pipeline.store.stories()) == 1  # no story '(onbekend)' made of g.vtt

    # 'goodwork status' names the refused file and the one that got the sidecar, with the code
    shown = status(pipeline)
    assert "g.vtt" in shown and f"is gegeven aan g.txt (verhaal {story.id})" in shown, shown
    history = [e.message_nl for e in pipeline.store.events(story.id)]
    assert any("g.yaml is gegeven aan g.txt" in (m or "") for m in history), history

    # the next run still refuses it (its sidecar has gone with g.txt): nothing silent
    again = pipeline.receive_transcript(second)
    assert not again.ok and second.is_file() and len(pipeline.store.stories()) == 1

    # renamed by staff, with its own sidecar: taken in as its own story
    renamed = second.rename(inbox / "g-2.vtt")
    (inbox / "g-2.yaml").write_text("participant: Bram Smit\ninterviewer: Sam\n", "utf-8")
    own = pipeline.receive_transcript(renamed)
    assert own.ok, own.message
    assert pipeline.store.story(own.story_id).sidecar.participant == "Bram Smit"
    assert pipeline.store.story(own.story_id).state == State.TRANSCRIBED


def test_a_sidecar_beside_one_input_is_unchanged(pipeline, inbox) -> None:
    (inbox / "g.vtt").unlink()
    taken = pipeline.receive_transcript(inbox / "g.txt")
    assert taken.ok
    assert pipeline.store.story(taken.story_id).sidecar.participant == "Anna de Vries"
    assert not any(e.kind == "sidecar" for e in pipeline.store.events(taken.story_id))
