"""The ``goodwork`` commands, built from ``commands.yaml``: one table of every command, its
arguments, options and help text, read as data (a reviewer or translator needs no Python). A
command's ``do: run`` is the handler ``flows.cli.commands.run``, called with the ``Context``
and the parsed values; every command's --help ends with the exit codes."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import yaml

from flows.boundary import GoodworkGroup
from flows.exit_codes import HELP

TABLE = Path(__file__).with_name("commands.yaml")
TYPES: dict[str, click.ParamType] = {
    "folder": click.Path(file_okay=False, path_type=Path),
    "file": click.Path(dir_okay=False, path_type=Path),
    "existing-file": click.Path(exists=True, dir_okay=False, path_type=Path),
    "int": click.INT,
}


def load() -> dict[str, Any]:
    """The table's top entry: the ``goodwork`` group."""
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return table["goodwork"]  # type: ignore[no-any-return]


def handler(name: str) -> Callable[..., Any]:
    """``run`` -> ``flows.cli.commands.run``."""
    return getattr(importlib.import_module("flows.cli.commands"), name)  # type: ignore[no-any-return]


def group(name: str, spec: dict[str, Any], **attrs: Any) -> click.Group:
    """A group and, recursively, its commands (``attrs``: Click's, e.g. the callback)."""
    made = GoodworkGroup(name, help=spec["help"], params=parameters(spec), **attrs)
    for sub, sub_spec in spec["commands"].items():
        made.add_command(group(sub, sub_spec) if "commands" in sub_spec else command(sub, sub_spec))
    return made


def command(name: str, spec: dict[str, Any]) -> click.Command:
    run = handler(spec["do"])
    if spec["do"] in ("flow", "call"):  # a shared handler, told what to run (commands.yaml)
        run = functools.partial(run, **{spec["do"]: spec[spec["do"]]})
    run = click.pass_obj(run)
    return click.Command(
        name, callback=run, params=parameters(spec), help=spec["help"], epilog=HELP
    )


def parameters(spec: dict[str, Any]) -> list[click.Parameter]:
    made: list[click.Parameter] = []
    for name, how in (spec.get("arguments") or {}).items():
        many = {"nargs": -1} if how.get("many") else {"required": how.get("required", True)}
        made.append(click.Argument([name], type=param_type(checked(name, how)), **many))
    for decls, how in (spec.get("options") or {}).items():
        made.append(option(decls.split() + ([how["dest"]] if "dest" in how else []), how))
    return made


KEYS = {"dest", "flag", "multiple", "required", "default", "show_default", "choices", "min"}
KEYS |= {"type", "callback", "help", "many"}


def option(decls: list[str], how: dict[str, Any]) -> click.Option:
    checked(decls[0], how)
    given: dict[str, Any] = {
        key: how[key] for key in ("default", "required", "multiple", "show_default") if key in how
    }
    if "callback" in how:
        given["callback"] = handler(how["callback"])
    if how.get("flag"):
        given["is_flag"] = True
    return click.Option(decls, type=param_type(how), help=how["help"], **given)


def checked(name: str, how: dict[str, Any]) -> dict[str, Any]:
    """A misspelt key would be ignored silently: refuse it."""
    if set(how) - KEYS:
        raise ValueError(f"{TABLE.name}: {name}: unknown keys {sorted(set(how) - KEYS)}")
    return how


def param_type(how: dict[str, Any]) -> click.ParamType | None:
    if "choices" in how:
        return click.Choice(how["choices"])
    if "min" in how:
        kind = click.IntRange if how.get("type") == "int" else click.FloatRange
        return kind(min=how["min"])
    return TYPES[how["type"]] if "type" in how else None
