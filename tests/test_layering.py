"""The engine never imports Prefect; only flows/ wires it."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "goodwork_pipeline"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_never_imports_prefect_or_flows() -> None:
    offenders = {
        path.name: sorted(imported_modules(path) & {"prefect", "flows"})
        for path in ENGINE.rglob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
