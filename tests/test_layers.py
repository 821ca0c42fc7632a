"""Layering: reading data (workbench.io) and computing (workbench.metrics) never depend on the terminal UI.

Checked two ways: by importing every module of those packages in a fresh interpreter and looking
at sys.modules (catches indirect imports), and by reading their source (catches imports hidden
inside functions, which only run later).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
PURE = ("io", "metrics", "present", "charts", "commands")

IMPORT_ALL = """
import importlib, pkgutil, sys
import workbench.{pkg} as root
for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules
             if m.split(".")[0] == "textual" or m == "workbench.ui" or m.startswith("workbench.ui."))
print("\\n".join(bad))
"""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            names.add("." * node.level + (node.module or ""))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


def _forbidden(name: str) -> bool:
    return (name.split(".")[0] == "textual" or name == "workbench.ui" or name.startswith("workbench.ui.")
            or name.startswith(".") and "ui" in name.lstrip(".").split("."))


@pytest.mark.parametrize("pkg", PURE)
def test_importing_package_loads_no_textual_and_no_ui(pkg: str):
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL.format(pkg=pkg)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [], f"workbench.{pkg} pulls in: {proc.stdout.split()}"


def test_io_and_metrics_together_load_no_textual():
    code = "import workbench.io, workbench.metrics, sys; " \
           "assert not any(m.startswith('textual') for m in sys.modules), 'textual imported'; " \
           "assert not any(m == 'workbench.ui' or m.startswith('workbench.ui.') for m in sys.modules), 'ui imported'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("pkg", PURE)
def test_source_never_imports_textual_or_ui(pkg: str):
    files = sorted((PACKAGE / pkg).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(PACKAGE)): sorted(n for n in _imports(f) if _forbidden(n)) for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}


def test_io_does_not_depend_on_metrics_commands_or_cli():
    """io is the bottom layer: everything else may use it, it uses none of them."""
    upward = ("workbench.metrics", "workbench.commands", "workbench.cli", "workbench.ui")
    offenders = {
        str(f.relative_to(PACKAGE)): sorted(n for n in _imports(f) if n.startswith(upward))
        for f in sorted((PACKAGE / "io").rglob("*.py"))
    }
    assert {f: names for f, names in offenders.items() if names} == {}


def test_validate_command_does_not_load_the_app():
    """`workbench validate` in CI should not pay for importing Textual."""
    code = "import workbench.cli, sys; print(sorted({m.split('.')[0] for m in sys.modules} & {'textual'}))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_import_scanner_sees_hidden_imports(tmp_path: Path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from textual.app import App\n    import importlib\n"
                      "    importlib.import_module('workbench.ui.app')\n")
    assert {n for n in _imports(sample) if _forbidden(n)} == {"textual.app", "textual.app.App", "workbench.ui.app"}


def _package_imports(pkg: str) -> dict[str, list[str]]:
    return {str(f.relative_to(PACKAGE)): sorted(_imports(f)) for f in sorted((PACKAGE / pkg).rglob("*.py"))}


def test_metrics_does_not_read_files_or_present():
    """metrics gets rows from an engine and never from workbench.io, and knows no output. The engines
    (metrics/engines) are the seam where sources meet the reductions: they alone may use io (to load files,
    detect columns and report problems as io does)."""
    upward = ("workbench.io", "workbench.present", "workbench.commands", "workbench.cli", "workbench.ui",
              "workbench.charts")
    offenders = {f: [n for n in names if n.startswith(upward)] for f, names in _package_imports("metrics").items()
                 if not f.startswith("metrics/engines/")}
    engines = {f: [n for n in names if n.startswith(upward[1:])]
               for f, names in _package_imports("metrics").items() if f.startswith("metrics/engines/")}
    assert {f: names for f, names in engines.items() if names} == {}
    assert {f: names for f, names in offenders.items() if names} == {}


def test_present_does_not_depend_on_the_outputs_above_it():
    upward = ("workbench.commands", "workbench.cli", "workbench.ui", "workbench.charts")
    offenders = {f: [n for n in names if n.startswith(upward)] for f, names in _package_imports("present").items()}
    assert {f: names for f, names in offenders.items() if names} == {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_between_modules():
    """Every import between workbench modules (inside functions too: a lazy import that dodges a cycle is
    still one), as a graph: it must have no cycle. A package's __init__ re-exporting its modules is not one."""
    modules = {_module_name(f): f for f in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workbench"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in modules)
        graph[name] = {t for t in targets if t in modules and not name.startswith(t + ".") and t != name}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
