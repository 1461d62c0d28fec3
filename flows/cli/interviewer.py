"""``goodwork interviewer add/list/remove``: interviewers' voice profiles (see profiles.py).

Exit codes: 0 done, 1 the recording needs attention (too little speech, more than one voice,
unreadable), 2 usage (no such profile, a name that cannot be used) or setup (the voice model
is not installed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from flows.boundary import GoodworkGroup, show_error
from flows.cli.output import console, err_console, result_line
from flows.exit_codes import ExitCode, for_error
from goodwork_pipeline import GoodworkError, InputError


def _fail(error: GoodworkError, code: ExitCode | None = None) -> None:
    """The message, then the exit code of the one rule (flows/exit_codes.py): a recording
    that needs attention 1, usage, settings or the model 2."""
    show_error(error)
    sys.exit(int(for_error(error) if code is None else code))


@click.group(cls=GoodworkGroup)
def interviewer() -> None:
    """Interviewers' voice profiles: with one, a mono recording knows who the interviewer is.

    A profile is a voiceprint (256 numbers, not the audio) kept in workspace/voice-profiles/;
    it is personal data: it never goes to outbox/ and 'remove' deletes it.
    """


@interviewer.command("add")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def add(obj: object, name: str, file: Path) -> None:
    """Store the voice of interviewer NAME from FILE (the interviewer alone, ideally 1 min)."""
    from goodwork_pipeline import make_profile, save_profile

    settings = obj.settings  # type: ignore[attr-defined]
    try:
        profile = make_profile(name, file, threads=settings.threads)
        path = save_profile(settings.workspace_dir, profile)
    except InputError as error:
        _fail(error, ExitCode.ATTENTION if error.path is not None else ExitCode.USAGE)
    except GoodworkError as error:
        _fail(error)
    saved = f"Stemprofiel van {profile.name} opgeslagen ({profile.speech_s:.0f} s spraak) in {path}"
    console.print(result_line(True, saved))


@interviewer.command("list")
@click.pass_obj
def list_(obj: object) -> None:
    """The stored profiles."""
    from goodwork_pipeline import load_profiles

    try:
        profiles = load_profiles(obj.settings.workspace_dir)  # type: ignore[attr-defined]
    except GoodworkError as error:
        _fail(error)
    if not profiles:
        console.print("Nog geen stemprofielen. Voeg er een toe: goodwork interviewer add NAAM FILE")
        return
    table = Table(expand=False)
    for column in ("Naam", "Spraak", "Gemaakt"):
        table.add_column(column)
    for profile in profiles.values():
        table.add_row(escape(profile.name), f"{profile.speech_s:.0f} s", profile.created[:10])
    console.print(table)


@interviewer.command("remove")
@click.argument("name")
@click.pass_obj
def remove(obj: object, name: str) -> None:
    """Delete interviewer NAME's profile."""
    from goodwork_pipeline import remove_profile

    try:
        removed = remove_profile(obj.settings.workspace_dir, name)  # type: ignore[attr-defined]
    except GoodworkError as error:
        _fail(error)
    if not removed:
        err_console.print(f"[red]goodwork:[/] no voice profile named '{escape(name)}'.")
        err_console.print("Zie: goodwork interviewer list")
        sys.exit(int(ExitCode.USAGE))
    console.print(result_line(True, f"Stemprofiel van {name} verwijderd."))
