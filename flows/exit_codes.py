"""One rule for the exit code of every ``goodwork`` command (scripts and deployments rely on it).

    0   everything asked was done
    1   a file or story needs attention (the message says which and what to do)
    2   a usage or settings error (a wrong argument, an unknown story code or voice profile,
        goodwork.toml, the model, the database URL)
    70  an internal error: goodwork itself failed (the full traceback is in a log file)
    130 interrupted (Ctrl-C)

Commands print what happened, then end with ``finish(results)``: the worst code of their
step results. Errors that end a command early get theirs from ``for_error`` at the CLI
boundary (``flows/boundary.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from enum import IntEnum

from goodwork_pipeline import (
    GoodworkError,
    GuideError,
    ModelError,
    ProfileError,
    SettingsError,
    StoreError,
    TemplateError,
)

# A failed step result that stands for a crash, not for a refused input (set by the flows).
INTERNAL = "internal_error"

HELP = (
    "Exit codes: 0 everything asked was done; 1 a file or story needs attention; "
    "2 usage or settings error (also an unknown story code); 70 internal error "
    "(traceback in a log file); 130 interrupted."
)


class ExitCode(IntEnum):
    OK = 0
    ATTENTION = 1
    USAGE = 2
    INTERNAL = 70  # EX_SOFTWARE in sysexits.h
    INTERRUPTED = 130


# Errors an operator fixes in the command, the settings or the installation.
_USAGE_ERRORS = (SettingsError, ModelError, GuideError, TemplateError, StoreError, ProfileError)


def for_result(result: Mapping[str, object]) -> ExitCode:
    """A step result (``asdict(StepResult)``) as an exit code."""
    if result.get("ok"):
        return ExitCode.OK
    details = result.get("details")
    if isinstance(details, Mapping) and details.get(INTERNAL):
        return ExitCode.INTERNAL
    return ExitCode.ATTENTION


def for_results(results: Iterable[Mapping[str, object]]) -> ExitCode:
    """The worst code of several step results (none at all: everything was done)."""
    return max((for_result(result) for result in results), default=ExitCode.OK)


def for_error(error: BaseException) -> ExitCode:
    """An error that ended a command early."""
    if isinstance(error, _USAGE_ERRORS):
        return ExitCode.USAGE
    if isinstance(error, GoodworkError):
        return ExitCode.ATTENTION
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.INTERNAL


def finish(results: Iterable[Mapping[str, object]]) -> None:
    """End a command with the code its results call for (returns when it is 0)."""
    code = for_results(results)
    if code != ExitCode.OK:
        sys.exit(int(code))
