"""The goodwork command as people use it: help, errors, status."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from goodwork_pipeline.models import Sidecar, State
from goodwork_pipeline.store import Store

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: cli " + command in result.output or "Usage:" in result.output
    assert len(cli.commands[command].help or "") > 20


def test_the_installed_command_runs() -> None:
    goodwork = Path(sys.executable).parent / "goodwork"
    result = subprocess.run([goodwork, "--help"], capture_output=True, text=True, check=True)
    assert "goodwork run" in result.stdout


def test_status_of_an_empty_folder_creates_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "status"])
    assert result.exit_code == 0
    assert "Nog geen verhalen" in result.output
    assert list(tmp_path.iterdir()) == []


def test_status_lists_stories_and_one_story_history(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'workspace' / 'goodwork.sqlite'}")
    story, _ = store.create_story(
        source_sha256="c" * 64,
        source_name="gesprek.wav",
        kind="audio",
        sidecar=Sidecar(participant="Bob Jansen", role="coach"),
        actor="t",
        source="t",
    )
    store.fail(
        story.id, message="model broke", message_nl="Het model is kapot", actor="t", source="t"
    )
    runner = CliRunner()
    table = runner.invoke(cli, ["-C", str(tmp_path), "status"], env={"COLUMNS": "200"})
    assert story.id in table.output and "mislukt" in table.output
    assert f"goodwork retry {story.id}" in table.output
    only_failed = runner.invoke(cli, ["-C", str(tmp_path), "status", "--state", "published"])
    assert story.id not in only_failed.output
    history = runner.invoke(
        cli, ["-C", str(tmp_path), "status", story.id.lower()], env={"COLUMNS": "200"}
    )
    assert history.exit_code == 0, history.output
    assert "Het model is kapot" in history.output and "ontvangen" in history.output
    assert store.story(story.id).state == State.FAILED


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "goodwork.toml").write_text('inboks = "x"\n')
    goodwork = Path(sys.executable).parent / "goodwork"
    result = subprocess.run(
        [goodwork, "-C", str(tmp_path), "status"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "inboks" in result.stderr and "Traceback" not in result.stderr
