"""The layers of DESIGN.md section 2 (docs/architecture.md), read from the source: every import,
at the top of a module or inside a function, must run down the layers, never up or across;
nothing is imported by a name in a string; no two modules import each other in a ring."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import hospital_client

PACKAGE = Path(hospital_client.__file__).parent
SHARED = {"config", "paths", "privacy", "credentials", "errors", "launcher", "selftest", "__main__"}

# What each layer may import of the project, besides itself and the shared modules. The shared
# modules themselves may import only each other, except the two entry points.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "rules": set(),
    "protocol": set(),
    "store": {"protocol", "rules"},
    "sync": {"protocol", "store", "rules"},
    "app": {"sync", "store", "protocol", "rules"},
    "ui": {"app"},
    "cli": {"app", "central", "ui"},
    "central": {"rules", "protocol", "store"},
}
ENTRY_POINTS = {"launcher", "selftest", "__main__"}


def _layer(module: str) -> str:
    """'hospital_client.store.journal' -> 'store'; a shared module is its own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in the file, wherever it stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from _imports_of(node, path)


def _project_imports() -> Iterator[tuple[str, int, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, target in _imports(path):
            if target.startswith("hospital_client."):
                yield _module_name(path), line, target


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


def test_every_import_runs_down_the_layers() -> None:
    wrong = []
    for source, line, target in _project_imports():
        if not _is_module(target):
            continue  # a name imported from a module, not a module
        here, there = _layer(source), _layer(target)
        if here == there or there == "errors":
            continue
        if here in SHARED:
            ok = there in SHARED or here in ENTRY_POINTS
        else:
            ok = there in SHARED - ENTRY_POINTS or there in ALLOWED.get(here, set())
        if not ok:
            wrong.append(f"{source}:{line} imports {target} ({here} -> {there})")
    assert wrong == []


def test_no_qt_outside_ui() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if _layer(module) in ("ui", "cli", "selftest"):  # the self-test checks that Qt loads
            continue
        qt = [line for line, target in _imports(path) if target.split(".")[0] in ("PySide6", "shiboken6")]
        wrong += [f"{module}:{line}" for line in qt]
    assert wrong == []


def test_nothing_is_imported_by_a_name_in_a_string() -> None:
    """A lazy ``__getattr__`` table inside a package is allowed; a module of another layer is not."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
                wrong.append(f"{_module_name(path)}:{node.lineno} __import__")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and str(first.value).startswith("hospital_client"):
                    wrong.append(f"{_module_name(path)}:{node.lineno} import_module({first.value!r})")
    assert wrong == []


def test_no_module_is_named_like_a_standard_library_one() -> None:
    import sys

    clashes = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.stem in sys.stdlib_module_names]
    assert clashes == []


def test_no_import_rings_between_modules() -> None:
    """Top-level imports only (a function-level import runs later and cannot deadlock a start)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _module_name(path)
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        targets = set()
        for node in top:
            for _, target in _imports_of(node, path):
                if target.startswith("hospital_client.") and _is_module(target) and target != module:
                    targets.add(target)
        graph[module] = targets
    rings = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            # a package's __init__ importing its own submodules is how packages are built
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                rings.append(" -> ".join([*stack[stack.index(nxt):], nxt]) if nxt in stack else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert rings == []


def _imports_of(node: ast.stmt, path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for one import statement; ``from .. import store`` also yields
    the subpackage ``store`` it imports."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield node.lineno, alias.name
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        yield node.lineno, target
        for alias in node.names:
            yield node.lineno, f"{target}.{alias.name}"


def test_environment_variables_are_named_in_config_only() -> None:
    """config.py lists every environment variable the program reads; other modules use its names."""
    import re

    from hospital_client import config

    listed = {value for name, value in vars(config).items() if name.startswith("ENV_")}
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "config.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and re.fullmatch(r"HOSPITAL_[A-Z_]+", node.value):
                outside.append(f"{_module_name(path)}:{node.lineno} {node.value}")
    assert outside == []
    assert all(name in (config.__doc__ or "") for name in listed)
