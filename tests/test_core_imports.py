"""Every pure module imports on its own, and imports between them go one way.

An import cycle works only while the modules happen to be imported in one order: a module
imported first, alone, then meets a half-initialised partner. So each module is imported first
in a fresh interpreter, with its packages' ``__init__`` files skipped (they would otherwise
import their modules in the one order that works), and the graph of relative imports
(including those inside functions) must have no cycle.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("acorn_vendor_edi/core", "acorn_vendor/core")
# Imported by name in the subprocess test; the static graph covers every core module.
FIRST_IMPORT_DIRS = (
    "acorn_vendor_edi/core/x12",
    "acorn_vendor_edi/core/edifact",
    "acorn_vendor/core",
    "acorn_vendor/core/spapi",
)


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _core_files():
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _first_import_modules():
    files = []
    for folder in FIRST_IMPORT_DIRS:
        files += sorted((ROOT / folder).glob("*.py"))
        files += sorted((ROOT / folder).glob("*/*.py")) if "edi" in folder else []
    return [_module_name(p) for p in files]


# Run in a fresh interpreter: every enclosing package becomes an empty module with the right
# ``__path__`` (its ``__init__`` is not run), then the module itself is imported.
_IMPORT_ALONE = """
import importlib, sys, types
from pathlib import Path
name, root = sys.argv[1], Path(sys.argv[2])
parts = name.split(".")
for i in range(1, len(parts)):
    package = types.ModuleType(".".join(parts[:i]))
    package.__path__ = [str(root.joinpath(*parts[:i]))]
    sys.modules[package.__name__] = package
importlib.import_module(name)
"""


@pytest.mark.parametrize("module", _first_import_modules())
def test_each_module_imports_first_and_alone(module):
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALONE, module, str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"import {module} alone fails:\n{done.stderr[-2000:]}"


def _imports(path, modules):
    """Core modules ``path`` imports relatively, anywhere in the file (functions included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        target = f"{base}.{node.module}" if node.module else base
        submodules = {f"{target}.{alias.name}" for alias in node.names} & modules
        # ``from . import x`` of a module imports x; of a name, the package that holds it.
        if submodules:
            found |= submodules
        if len(submodules) < len(node.names) and target in modules:
            found.add(target)
    found.discard(name)
    return found


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state:
                cycle = visit(target, [*trail, target])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            if cycle:
                return cycle
    return None


def test_core_imports_form_no_cycle():
    files = _core_files()
    modules = {_module_name(p) for p in files}
    graph = {_module_name(p): _imports(p, modules) for p in files}
    assert sum(len(targets) for targets in graph.values()) > 50  # the graph was really built
    assert _cycle(graph) is None, "import cycle: " + " -> ".join(_cycle(graph))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
