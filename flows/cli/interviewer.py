"""``goodwork interviewer add/list/remove``: interviewers' voice profiles (see profiles.py).

Exit codes: 0 done, 1 the recording needs attention (too little speech, more than one voice,
unreadable), 2 usage (no such profile, a name that cannot be used) or setup (the voice model
is not installed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flows.boundary import GoodworkGroup, show_error
from flows.cli.context import Context
from flows.cli.output import console, err_console, plain, result_line, show
from flows.exit_codes import ExitCode
from goodwork_pipeline import InputError


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
def add(obj: Context, name: str, file: Path) -> None:
    """Store the voice of interviewer NAME from FILE (the interviewer alone, ideally 1 min)."""
    from goodwork_pipeline import make_profile, save_profile

    settings = obj.settings
    try:
        profile = make_profile(name, file, threads=settings.threads)
        path = save_profile(settings.workspace_dir, profile)
    except InputError as error:  # the recording needs attention; a name that cannot be used
        show_error(error)
        sys.exit(ExitCode.ATTENTION if error.path is not None else ExitCode.USAGE)
    saved = f"Stemprofiel van {profile.name} opgeslagen ({profile.speech_s:.0f} s spraak) in {path}"
    console.print(result_line(True, saved))


@interviewer.command("list")
@click.pass_obj
def list_(obj: Context) -> None:
    """The stored profiles."""
    from goodwork_pipeline import profiles_report

    show(profiles_report(obj.settings.workspace_dir))


@interviewer.command("remove")
@click.argument("name")
@click.pass_obj
def remove(obj: Context, name: str) -> None:
    """Delete interviewer NAME's profile."""
    from goodwork_pipeline import remove_profile

    if not remove_profile(obj.settings.workspace_dir, name):
        err_console.print(f"[red]goodwork:[/] no voice profile named '{plain(name)}'.")
        err_console.print("Zie: goodwork interviewer list")
        sys.exit(ExitCode.USAGE)
    console.print(result_line(True, f"Stemprofiel van {name} verwijderd."))
