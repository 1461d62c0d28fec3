"""What the operator's commands show, as plain data: lines of styled text, and tables.

The engine decides what is said (the Dutch words, which rows, which colour means what); a
front end only draws it (the CLI with Rich, see ``flows/cli/output.py``). A ``Line`` is
spans of text, each with the name of a style a terminal may show it in ('' for none,
'bold', 'red', 'green', 'yellow'); a ``Table`` has column headers and rows of cells (text
or a ``Line``). Nothing here is markup: file names and messages are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

Span = tuple[str, str]  # (text, style)


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...] = ()
    unbroken: bool = False  # a command to copy: never broken over lines

    @property
    def text(self) -> str:
        return "".join(text for text, _style in self.spans)


def line(*parts: str | Span, unbroken: bool = False) -> Line:
    """A line from plain strings and (text, style) pairs."""
    return Line(tuple((part, "") if isinstance(part, str) else part for part in parts), unbroken)


Cell = str | Line


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    numeric: tuple[str, ...] = field(default=())  # columns aligned to the right


Report = Iterator[Line | Table]  # shown as it comes: what was said stays said if one fails
