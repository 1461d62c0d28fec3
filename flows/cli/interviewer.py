"""``goodwork interviewer add/list/remove``: interviewers' voice profiles (see profiles.py).

Exit codes follow the one rule: 1 the recording needs attention (too little speech, more than
one voice, unreadable), 2 a profile name that cannot be used or does not exist, or the voice
model is not installed.
"""

from __future__ import annotations

from pathlib import Path

from flows.cli.context import Context
from flows.cli.output import console, result_line, show


def add(obj: Context, name: str, file: Path) -> None:
    from goodwork_pipeline import make_profile, save_profile

    profile = make_profile(name, file, threads=obj.settings.threads)
    path = save_profile(obj.settings.workspace_dir, profile)
    saved = f"Stemprofiel van {profile.name} opgeslagen ({profile.speech_s:.0f} s spraak) in {path}"
    console.print(result_line(True, saved))


def list_(obj: Context) -> None:
    from goodwork_pipeline import profiles_report

    show(profiles_report(obj.settings.workspace_dir))


def remove(obj: Context, name: str) -> None:
    from goodwork_pipeline import remove_profile

    remove_profile(obj.settings.workspace_dir, name)
    console.print(result_line(True, f"Stemprofiel van {name} verwijderd."))
