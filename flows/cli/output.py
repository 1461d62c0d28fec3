"""What every ``goodwork`` command prints with: the consoles, the one ✓/✗ result line, and
text from files and messages shown as it is (never read as Rich markup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from flows.exit_codes import HELP

console = Console()
err_console = Console(stderr=True)


def command(name: str | None = None) -> Callable[[Callable[..., Any]], click.Command]:
    """A ``goodwork`` command: its --help ends with the exit codes (as the group's own)."""
    return click.command(name, epilog=HELP)


def plain(value: object) -> str:
    """Text from files, names and messages, shown as it is: '[definitief]' in a file name
    is not Rich markup (it vanished, and '[/]' stopped the command with a MarkupError)."""
    return escape(str(value))


def result_line(ok: bool, text: str) -> str:
    """The one line that says whether a step was done: ✓ (green) or ✗ (red), then the text."""
    return f"{'[green]✓[/]' if ok else '[red]✗[/]'} {plain(text)}"


def print_result(
    result: Mapping[str, Any], *, story: bool = True, outputs: bool = True, indent: str = ""
) -> None:
    """A step result (``asdict(StepResult)``): its line (with ``story``, the story code
    first), then (with ``outputs``) the files it made."""
    code = f"{result['story_id']}: " if story and result.get("story_id") else ""
    text = code + (result["message_nl"] or result["message"])
    console.print(indent + result_line(result["ok"], text))
    for output in result.get("outputs") or () if outputs else ():
        console.print(f"    → {plain(output)}")


def day(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")
