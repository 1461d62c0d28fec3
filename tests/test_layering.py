"""The engine's shape: stage packages in data-flow order, no arrow back up, no import cycles,
and never Prefect (only flows/ wires it). Lazy imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "goodwork_pipeline"
PACKAGE = "goodwork_pipeline"

# Lowest first. A module may import its own layer and the ones below it, never one above.
LAYERS: tuple[tuple[str, ...], ...] = (
    # the kernel every stage shares
    (
        "models",
        "errors",
        "settings",
        "files",
        "text_nl",
        "speech_acts",
        "clock",
        "logs",
        "lifecycle",
        "results",
        "own_name",
        "consent_wording",
    ),
    ("store",),
    ("intake",),
    ("transcription",),
    ("drafting",),
    ("privacy",),
    ("review",),
    ("consent",),
    ("publishing",),
    # the composition of the stages, and the tools built on it
    ("pipeline", "status", "review_page"),
    ("testing",),
)
STAGES = ("intake", "transcription", "drafting", "review", "consent", "publishing", "store")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in ENGINE.rglob("*.py")}


def imports_of(name: str, path: Path, known: dict[str, Path], *, typing: bool = True) -> set[str]:
    """The engine modules ``name`` imports, at the top or inside functions; with ``typing``
    false, without those under ``if TYPE_CHECKING:`` (they never run, so make no cycle)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if not typing and id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" for alias in node.names] + [origin]
        else:
            continue
        for target in targets:
            # the longest known module that the target names (a module, or a name in it)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(name: str) -> int:
    top = name.split(".")[1] if "." in name else ""
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS in tests/test_layering.py")


def graph(*, typing: bool = True) -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known, typing=typing) for name, path in known.items()}


def test_every_module_has_a_layer_and_the_stage_packages_exist() -> None:
    for name in modules():
        if name != PACKAGE:
            layer_of(name)
    for stage in STAGES:
        init = ENGINE / stage / "__init__.py"
        assert init.is_file(), f"{stage}/ is not a package"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "In:" in doc and "Out:" in doc, (
            f"{stage}/__init__.py: say what goes in and out"
        )


def test_no_module_imports_a_higher_layer() -> None:
    upward = {
        f"{name} -> {target}"
        for name, targets in graph().items()
        if name != PACKAGE
        for target in targets
        if target != PACKAGE and layer_of(target) > layer_of(name)
    }
    assert sorted(upward) == []


def test_no_import_cycles() -> None:
    runtime = graph(typing=False)
    edges = {name: {t for t in targets if t != PACKAGE} for name, targets in runtime.items()}
    cycles = [sorted(component) for component in strongly_connected(edges) if len(component) > 1]
    assert cycles == []


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_engine_never_imports_prefect_or_flows() -> None:
    offenders = {}
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        if names & {"prefect", "flows"}:
            offenders[str(path.relative_to(ROOT))] = sorted(names & {"prefect", "flows"})
    assert offenders == {}


FLOWS = ROOT / "flows"


def test_flows_use_only_the_public_face_and_no_private_names_of_other_flows() -> None:
    """``flows/`` imports the engine from ``goodwork_pipeline`` (its ``__all__``), never from
    a submodule, and never another flow file's ``_private`` names."""
    import goodwork_pipeline

    public = set(goodwork_pipeline.__all__)
    offenders = []
    for path in sorted(FLOWS.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                offenders += [
                    f"{where}: import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith(f"{PACKAGE}.")
                ]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [alias.name for alias in node.names]
                if node.module.startswith(f"{PACKAGE}."):
                    offenders.append(f"{where}: from {node.module} import {', '.join(names)}")
                elif node.module == PACKAGE:
                    offenders += [
                        f"{where}: {name} is not in goodwork_pipeline.__all__"
                        for name in names
                        if name not in public
                    ]
                elif node.module.split(".")[0] == "flows":
                    offenders += [
                        f"{where}: from {node.module} import {name} (private)"
                        for name in names
                        if name.startswith("_") and not name.startswith("__")
                    ]
    assert offenders == []


def test_the_public_face_is_lazy_and_complete() -> None:
    """Every name in ``__all__`` resolves, and importing the package imports no stage."""
    import subprocess
    import sys

    import goodwork_pipeline

    for name in goodwork_pipeline.__all__:
        assert getattr(goodwork_pipeline, name) is not None, name
    code = (
        "import sys, goodwork_pipeline; "
        "print(sorted(m for m in sys.modules if m.startswith('goodwork_pipeline.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.strip() == "[]"
