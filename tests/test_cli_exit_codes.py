"""One exit-code rule for every command, and no traceback ever reaches the terminal.

0 everything asked was done, 1 a file or story needs attention, 2 usage or settings error,
70 internal error (``flows/exit_codes.py``). Every command of the click group (new ones
included, they are enumerated) is run with an injected unexpected error: one English line
naming the command and the log file that holds the traceback, exit 70. The bad command
lines of the corpus (``tests/test_cli_bad_input.py``) check the codes of real mistakes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import drop, make_tone

from flows.boundary import LOG_NAME
from flows.cli import cli
from flows.exit_codes import INTERNAL, ExitCode, for_error, for_result, for_results
from goodwork_pipeline.errors import (
    AudioError,
    ConsentError,
    DocumentError,
    ModelError,
    SettingsError,
    UnknownStoryError,
)
from goodwork_pipeline.models import State

# every command, the commands of a group (goodwork interviewer add/list/remove) one by one
COMMANDS = sorted(
    f"{name} {sub}" if sub else name
    for name, command in cli.commands.items()
    for sub in (sorted(command.commands) if isinstance(command, click.Group) else [None])
)


def find(name: str) -> click.Command:
    command: click.Command = cli
    for part in name.split():
        command = command.commands[part]  # type: ignore[attr-defined]
    return command


REPORT = os.environ.get("GWTEST_RELIABILITY_LOG")


def test_one_mapping_from_results_and_errors_to_exit_codes() -> None:
    done = {"ok": True, "details": {}}
    refused = {"ok": False, "details": {}}
    crashed = {"ok": False, "details": {INTERNAL: True}}
    assert [for_result(r) for r in (done, refused, crashed)] == [0, 1, 70]
    assert for_results([]) == for_results([done, done]) == ExitCode.OK
    assert for_results([done, refused]) == ExitCode.ATTENTION
    assert for_results([refused, crashed, done]) == ExitCode.INTERNAL
    for usage in (SettingsError("x"), ModelError("x"), UnknownStoryError("x")):
        assert for_error(usage) == ExitCode.USAGE
    for attention in (AudioError("x"), DocumentError("x"), ConsentError("x")):
        assert for_error(attention) == ExitCode.ATTENTION
    assert for_error(RuntimeError("x")) == for_error(AssertionError()) == ExitCode.INTERNAL


def sample_value(param: click.Parameter, folder: Path) -> str:
    """A value click accepts for the parameter (the command never gets to use it)."""
    kind = param.type
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, click.Path):
        return str(make_tone(folder / "gesprek.wav", seconds=1))
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return "1"
    return "GW-7K3QM2XD"


def command_line(command: click.Command, folder: Path) -> list[str]:
    args: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            args.append(sample_value(param, folder))
        elif isinstance(param, click.Option) and param.required:
            args += [param.opts[0], sample_value(param, folder)]
    return args


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    folder = tmp_path / "programma"
    for name in ("inbox", "outbox", "workspace"):
        (folder / name).mkdir(parents=True)
    return folder


@pytest.mark.parametrize("name", COMMANDS)
def test_an_unexpected_error_in_any_command_is_one_line_and_exit_70(
    name: str, programme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = find(name)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected: the disk controller said no")

    monkeypatch.setattr(command, "callback", broken)
    result = CliRunner().invoke(
        cli,
        ["-C", str(programme), *name.split(), *command_line(command, tmp_path)],
        env={"XDG_STATE_HOME": str(tmp_path / "state")},
    )
    log = programme / "workspace" / "logs" / LOG_NAME
    assert result.exit_code == ExitCode.INTERNAL, result.output
    assert isinstance(result.exception, SystemExit)  # handled, not escaped
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert f"goodwork {name} failed with an internal error" in lines[0]
    assert "RuntimeError: injected" in lines[0] and str(log) in lines[0]
    assert "Traceback" not in result.output
    written = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written and "disk controller" in written
    if REPORT:  # for bench/reliability.py, after every check held
        row = {
            "kind": "boundary",
            "command": name,
            "exit": result.exit_code,
            "lines": 1,
            "traceback": False,
            "log": str(log.relative_to(programme)),
        }
        with open(REPORT, "a", encoding="utf-8") as report:
            report.write(json.dumps(row) + "\n")  # fmt: skip


def test_without_a_workspace_the_traceback_goes_to_the_state_folder(tmp_path: Path) -> None:
    """An error before any programme folder exists still leaves its traceback somewhere."""
    state = tmp_path / "state"
    from flows import cli as cli_module

    def broken(self: object) -> None:
        raise RuntimeError("injected before the settings")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli_module.Context, "settings", property(broken))
        result = CliRunner().invoke(
            cli, ["-C", str(tmp_path / "nergens"), "status"], env={"XDG_STATE_HOME": str(state)}
        )
    assert result.exit_code == ExitCode.INTERNAL
    log = state / "goodwork" / LOG_NAME
    assert str(log) in result.output and "Traceback" not in result.output
    assert "injected before the settings" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "nergens").exists()  # no workspace made just for a log


@pytest.mark.prefect
def test_a_crashed_task_in_run_is_exit_70_without_a_traceback(
    programme: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    """The step crashes inside a Prefect task: Prefect logs it with its traceback, the
    terminal gets the line only and the exit code says internal error."""
    from goodwork_pipeline.pipeline import Pipeline

    def broken(self: Pipeline, path: Path) -> None:
        raise RuntimeError("injected inside the task")

    monkeypatch.setattr(Pipeline, "receive", broken)
    make_tone(programme / "inbox" / "gesprek.wav", seconds=4)
    result = CliRunner().invoke(cli, ["-C", str(programme), "run"], env={"COLUMNS": "200"})
    terminal = result.output + "".join(capfd.readouterr())
    assert result.exit_code == ExitCode.INTERNAL, terminal
    assert "Traceback" not in terminal
    assert "injected inside the task" in terminal  # the line stays, with its message
    log = (programme / "workspace" / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "injected inside the task" in log


@pytest.mark.prefect
def test_each_command_says_done_attention_or_usage(pipeline, prefect_server, tone_wav) -> None:
    """The commands that used to exit 0 on a failed step (and send, draft: 1) follow the
    rule: 0 done, 1 the story needs attention, 2 an unknown story code."""
    story_id = pipeline.receive(drop(pipeline.settings, tone_wav, "gesprek.wav")).story_id
    assert pipeline.transcribe(story_id).ok and pipeline.draft(story_id).ok
    folder = str(pipeline.settings.base_dir)

    def code(*args: str) -> int:
        result = CliRunner().invoke(cli, ["-C", folder, *args], env={"COLUMNS": "200"})
        assert "Traceback" not in result.output, result.output
        assert not isinstance(result.exception, (RuntimeError, AssertionError)), result.output
        return result.exit_code

    by = ("--by", "Sam")
    assert code("retry", story_id) == ExitCode.ATTENTION  # it has not failed
    assert code("booklet", "een groep zonder beelden") == ExitCode.OK  # no booklet: a decision
    assert code("send", story_id) == ExitCode.ATTENTION  # no SMTP server set
    assert code("consent", story_id, "--version", "9", *by) == ExitCode.ATTENTION
    assert code("consent", story_id, "--channels", "website", *by) == ExitCode.OK
    assert code("withdraw", story_id, *by) == ExitCode.OK
    assert code("draft", story_id) == ExitCode.ATTENTION  # answered: needs --force
    assert code("draft", story_id, "--force") == ExitCode.OK
    assert code("sent", story_id, *by) == ExitCode.OK
    for command in (("retry",), ("draft",), ("send",), ("sent", *by), ("withdraw", *by)):
        assert code(command[0], "GW-NOPE", *command[1:]) == ExitCode.USAGE, command
    assert code("pseudonymise", "GW-NOPE", "Karel") == ExitCode.USAGE
    assert code("consent", story_id, "--channels", "tiktok", *by) == ExitCode.USAGE
    assert pipeline.store.story(story_id).state != State.FAILED


def test_an_error_message_with_brackets_is_shown_as_it_is(tmp_path: Path) -> None:
    """A file named in a message may hold '[bold]': text, not Rich markup."""
    folder = tmp_path / "map [bold] [definitief]"
    folder.mkdir()
    (folder / "goodwork.toml").write_text("threads = = 2\n")
    result = CliRunner().invoke(cli, ["-C", str(folder), "status"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "map [bold] [definitief]" in " ".join(result.output.split())
    assert "not valid TOML" in result.output and "Traceback" not in result.output


def test_a_thread_that_dies_leaves_one_line_not_a_traceback(
    programme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    def in_a_thread(*_args: object, **_kwargs: object) -> None:
        def work() -> None:
            raise ValueError("injected in a thread")

        thread = threading.Thread(target=work, name="werker")
        thread.start()
        thread.join()

    monkeypatch.setattr(cli.commands["status"], "callback", in_a_thread)
    result = CliRunner().invoke(cli, ["-C", str(programme), "status"])
    assert "background thread werker failed (ValueError: injected in a thread)" in result.output
    assert "Traceback" not in result.output
    log = programme / "workspace" / "logs" / LOG_NAME
    assert "injected in a thread" in log.read_text(encoding="utf-8")
