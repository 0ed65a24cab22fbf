"""One blueprint shape and no import circles inside a feature package (read from the source with
ast, nothing imported): each feature's blueprint is defined in its blueprint.py, which imports
nothing of its own package; view modules import it, never the other way."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(init.parent for top in ("academy", "recruitment", "training") for init in (ROOT / top).rglob("__init__.py"))
# The core package itself is not a feature: its one page module, jobs_views.py, keeps its blueprint.
FEATURES = [package for package in PACKAGES if package != ROOT / "academy"]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_nodes(tree: ast.AST):
    """Every node of the tree except those under `if TYPE_CHECKING:` (imports for type checkers only)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (inner for branch in node.orelse for inner in (branch, *runtime_nodes(branch)))
            continue
        yield node
        yield from runtime_nodes(node)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports when it runs, anywhere in it (inside functions too): `a.b` and
    `a.b.c` for `from a.b import c`."""
    names = set()
    for node in runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def package_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    members = {module_name(path): path for path in package.glob("*.py")}
    return {name: (imported_modules(path) & members.keys()) - {name} for name, path in members.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, found = {}, {}, [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_inside_a_package():
    found = sorted(circle for package in PACKAGES for circle in circles(package_graph(package)))
    assert found == []


@pytest.mark.parametrize("package", FEATURES, ids=module_name)
def test_a_feature_defines_its_blueprints_in_blueprint_py_which_imports_nothing_of_its_own(package):
    defining = sorted(path.name for path in package.glob("*.py") if "Blueprint(" in path.read_text())
    assert defining in ([], ["blueprint.py"])
    if defining:
        own = module_name(package)
        assert not {name for name in imported_modules(package / "blueprint.py") if name.startswith(own + ".")}


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
