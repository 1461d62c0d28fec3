"""The staff's commands that are one call (``goodwork send``, ``sent``, ``names``, ``purge``,
``interviewer add/list/remove``): each takes the programme's settings and the command's values,
does it, and returns what to show: a step result (its line and exit code) or a report. Errors
that end a command (an unknown profile, a recording that cannot make one) are raised as
``GoodworkError`` for the caller's boundary, as everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from goodwork_pipeline.clock import SystemClock
from goodwork_pipeline.pipeline.core import Pipeline
from goodwork_pipeline.pipeline.report_lines import Line, Report, Table
from goodwork_pipeline.pipeline.reports import names_report, profiles_report, purge_report
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.store.retention import purge_programme
from goodwork_pipeline.transcription.profiles import make_profile, remove_profile, save_profile


def send_newest_draft(settings: Settings, story: str, by: str, to: str | None) -> StepResult:
    """E-mail the newest draft (``by`` empty: the settings' actor)."""
    return Pipeline(settings).send_draft(story, by=by or settings.actor, to=to)


def mark_newest_sent(settings: Settings, story: str, by: str, note: str) -> StepResult:
    """The newest draft was mailed by hand: it now waits for the reply."""
    return Pipeline(settings).mark_sent(story, by=by, note=note or None)


def change_names(
    settings: Settings, story: str, keep: tuple[str, ...], replace_: tuple[str, ...], by: str
) -> Iterator[StepResult | Line | Table]:
    """``goodwork names``: keep names as they are, or replace them again (each a step result),
    then the story's third parties as they stand."""
    pipeline, actor = Pipeline(settings), by or settings.actor
    if keep:
        yield pipeline.keep_names(story, list(keep), by=actor, source="cli")
    if replace_:
        yield pipeline.replace_names_again(story, list(replace_), by=actor)
    yield from names_report(pipeline, story)


def purge_now(settings: Settings, dry_run: bool) -> Report:
    """The retention purge, now (or only what it would delete)."""
    done = purge_programme(settings, SystemClock(), dry_run=dry_run)
    return purge_report(settings, done, dry_run=dry_run)


def add_interviewer(settings: Settings, name: str, file: Path) -> StepResult:
    """A voice profile of interviewer ``name`` from ``file``: an ``InputError`` (exit 1) when
    the recording holds too little speech or more than one voice, a ``ProfileError`` (exit 2)
    for a name that cannot be used, a ``ModelError`` when the voice model is missing."""
    profile = make_profile(name, file, threads=settings.threads)
    path = save_profile(settings.workspace_dir, profile)
    speech = f"{profile.speech_s:.0f} s"
    return StepResult(
        ok=True,
        message=f"Voice profile of {profile.name} saved ({speech} of speech) in {path}",
        message_nl=f"Stemprofiel van {profile.name} opgeslagen ({speech} spraak) in {path}",
    )


def list_interviewers(settings: Settings) -> Report:
    return profiles_report(settings.workspace_dir)


def remove_interviewer(settings: Settings, name: str) -> StepResult:
    remove_profile(settings.workspace_dir, name)
    return StepResult(
        ok=True,
        message=f"Voice profile of {name} removed.",
        message_nl=f"Stemprofiel van {name} verwijderd.",
    )
