"""The goodwork command as people use it: help, errors, status."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli, main
from goodwork_pipeline.models import Sidecar, State
from goodwork_pipeline.store.repository import Store

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
    assert "Geen verhalen die aan het filter voldoen" in only_failed.output
    assert "Nog geen verhalen" not in only_failed.output  # there is one, in another state
    for other in (["--group", "elders"], ["--state", "concept_klaar", "--failed"]):
        shown = runner.invoke(cli, ["-C", str(tmp_path), "status", *other]).output
        assert "Geen verhalen die aan het filter voldoen" in shown, shown
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


# Every command that works in a programme folder, with the arguments it needs.
FOLDER_COMMANDS = [
    ["run"], ["watch"], ["serve"], ["purge"], ["status"], ["status", "GW-0NBEKEND"],
    ["retry", "GW-0NBEKEND"], ["consent", "GW-0NBEKEND", "--by", "Sam"],
    ["withdraw", "GW-0NBEKEND", "--by", "Sam"], ["send", "GW-0NBEKEND"],
    ["sent", "GW-0NBEKEND", "--by", "Sam"], ["draft", "GW-0NBEKEND"], ["settings"],
    ["booklet"], ["booklet", "groep"], ["pseudonymise", "GW-0NBEKEND"],
    ["transcribe", "{file}"], ["review", "GW-0NBEKEND", "--no-browser"],
    ["names", "GW-0NBEKEND"], ["interviewer", "list"],
]  # fmt: skip


def test_every_folder_command_is_listed() -> None:
    assert {args[0] for args in FOLDER_COMMANDS} == set(cli.commands) - {"demo"}


@pytest.mark.parametrize("args", FOLDER_COMMANDS, ids=" ".join)
def test_overlapping_folders_stop_every_command(
    tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """outbox = "inbox": the second run would read the unsent draft as the participant's
    answer. Every command refuses such settings before it touches anything (exit 2)."""
    (tmp_path / "goodwork.toml").write_text('outbox = "inbox"\n', encoding="utf-8")
    recording = tmp_path / "gesprek.wav"
    recording.write_bytes(b"RIFF")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # 'serve' asks first
    argv = [a.replace("{file}", str(recording)) for a in args]
    monkeypatch.setattr(sys, "argv", ["goodwork", "-C", str(tmp_path), *argv])
    with pytest.raises(SystemExit) as done:
        main()
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2, err
    assert "'outbox' (" in err and "is the same folder as 'inbox'" in err, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gesprek.wav", "goodwork.toml"]


def test_the_command_table_refuses_a_misspelt_key() -> None:
    """commands.yaml is data: a typo in an option's keys must not be ignored silently."""
    from flows.cli import table

    with pytest.raises(ValueError, match="unknown keys"):
        table.parameters({"options": {"--by": {"help": "Who.", "requierd": True}}})
    with pytest.raises(ValueError, match="unknown keys"):
        table.parameters({"arguments": {"story": {"requierd": False}}})


def test_an_unknown_state_is_a_usage_error_also_before_anything_was_processed(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "status", "--state", "bogus"])
    assert result.exit_code == 2, result.output
    assert "unknown state 'bogus'" in result.output


def test_serve_without_a_prefect_server_is_a_settings_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """'goodwork serve' needs PREFECT_API_URL: without it, exit 2 and what to do."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(sys, "argv", ["goodwork", "-C", str(tmp_path), "serve"])
    with pytest.raises(SystemExit) as done:
        main()
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2, err
    assert "PREFECT_API_URL" in err and "prefect server start" in err, err
    assert "Traceback" not in err
