"""What every ``goodwork`` command prints with: the consoles, the one ✓/✗ result line (and the
exit code its results call for), the engine's reports drawn with Rich, a progress bar.
Text from files and messages is shown as it is (never read as Rich markup)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table as RichTable
from rich.text import Text

from flows.exit_codes import finish

if TYPE_CHECKING:
    from goodwork_pipeline import Line, ProgressMeter, Table

console = Console()
err_console = Console(stderr=True)


def plain(value: object) -> str:
    """Text from files, names and messages, shown as it is: '[definitief]' in a file name
    is not Rich markup (it vanished, and '[/]' stopped the command with a MarkupError)."""
    return escape(str(value))


def say(ok: bool, text: str, *, to: Console = console, indent: str = "") -> None:
    """The one line that says whether a step was done: ✓ (green) or ✗ (red), then the text;
    soft_wrap: a path in it is never broken in two (it gets copied)."""
    to.print(f"{indent}{'[green]✓[/]' if ok else '[red]✗[/]'} {plain(text)}", soft_wrap=True)


def print_result(
    result: Mapping[str, Any], *, story: bool = True, outputs: bool = True, notes: bool = False
) -> None:
    """A step result (``asdict(StepResult)``): its line (with ``story``, the story code
    first), then (with ``outputs``) the files it made, (with ``notes``) what its details say."""
    code = f"{result['story_id']}: " if story and result.get("story_id") else ""
    say(result["ok"], code + (result["message_nl"] or result["message"]))
    for output in result.get("outputs") or () if outputs else ():
        console.print(f"    → {plain(output)}", soft_wrap=True)
    if notes:
        from goodwork_pipeline import result_notes

        show(result_notes(result))


def report(done: Any, **how: bool) -> None:
    """Print what a command's call returned, in order: a step result (``StepResult`` or its
    dict) as its line (``how``: see ``print_result``), a report block as it comes, a list or
    a report of both; then end with the exit code its step results call for (0 returns)."""
    from goodwork_pipeline import StepResult

    results = []
    for item in [done] if isinstance(done, StepResult | Mapping) else done or ():
        if isinstance(item, StepResult | Mapping):
            results.append(asdict(item) if isinstance(item, StepResult) else item)
            print_result(results[-1], **how)
        else:
            show([item])
    finish(results)


def show(blocks: Iterable[Line | Table]) -> None:
    """An engine report (``goodwork_pipeline.reports``), block by block as it comes."""
    from goodwork_pipeline import Line

    for block in blocks:
        if isinstance(block, Line):
            console.print(Text.assemble(*block.spans), soft_wrap=block.unbroken)
            continue
        table = RichTable(title=Text(block.title) if block.title else None, expand=False)
        for name in block.columns:
            table.add_column(
                name, overflow="fold", justify="right" if name in block.numeric else "left"
            )
        for row in block.rows:
            table.add_row(
                *(Text.assemble(*c.spans) if isinstance(c, Line) else Text(c) for c in row)
            )
        console.print(table)


@contextlib.contextmanager
def progress_bar(name: str) -> Iterator[Callable[[ProgressMeter], None]]:
    """A progress bar on stderr: the percentage of the speech done and the time left."""
    from goodwork_pipeline import time_left

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, TextColumn("{task.fields[left]}"), console=err_console) as bar:
        task = bar.add_task(f"{name}: transcribing", total=None, left="")

        def update(meter: ProgressMeter) -> None:
            total = max(meter.total, 0.001)
            bar.update(task, total=total, completed=meter.done, left=time_left(meter))

        yield update
