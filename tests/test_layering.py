"""The architecture, checked: only the view layer imports streamlit; analytics, content, chart
builders and formatting are pure (no I/O, no clock, no mutable module state)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CONVEX = Path(__file__).resolve().parents[1] / "convex"
PURE = sorted(
    [
        *CONVEX.joinpath("analytics").glob("*.py"),
        *CONVEX.joinpath("content").glob("*.py"),
        CONVEX / "charts.py",
        CONVEX / "formatting.py",
        CONVEX / "derived.py",
    ]
)
BELOW_THE_VIEWS = sorted(p for p in CONVEX.rglob("*.py") if "ui" not in p.relative_to(CONVEX).parts)
IO_AND_UI = {"streamlit", "requests", "httpx", "urllib", "socket", "sqlite3", "yfinance", "fredapi", "os"}
FORBIDDEN_CALLS = {"open", "print", "input"}
CLOCK_AND_FILES = {"now", "today", "utcnow", "time", "perf_counter", "read_csv", "read_parquet", "to_csv"}
# The catalog loader reads a file: pure code takes Metric objects instead of calling it.
FORBIDDEN_NAMES = {"catalog", "load_catalog"}


def _imported_roots(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        return {(node.module or "").split(".")[0]}
    return set()


def _name(path: Path) -> str:
    return str(path.relative_to(CONVEX.parent))


def test_the_layers_are_all_there():
    names = {_name(p) for p in PURE}
    assert {"convex/analytics/pair_stats.py", "convex/content/pair.py", "convex/charts.py"} <= names


@pytest.mark.parametrize("module", BELOW_THE_VIEWS, ids=_name)
def test_nothing_below_the_views_imports_streamlit(module):
    for node in ast.walk(ast.parse(module.read_text())):
        assert "streamlit" not in _imported_roots(node), f"{_name(module)}:{node.lineno}"


@pytest.mark.parametrize("module", PURE, ids=_name)
def test_pure_modules_do_no_io_and_read_no_clock(module):
    for node in ast.walk(ast.parse(module.read_text())):
        where = f"{_name(module)}:{getattr(node, 'lineno', '?')}"
        assert not _imported_roots(node) & IO_AND_UI, where
        if isinstance(node, ast.ImportFrom):
            assert not {alias.name for alias in node.names} & FORBIDDEN_NAMES, where
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, where
        if isinstance(node, ast.Attribute):
            assert node.attr not in CLOCK_AND_FILES, where
        assert not isinstance(node, ast.Global), where


@pytest.mark.parametrize("module", PURE, ids=_name)
def test_pure_modules_keep_only_constants_at_module_level(module):
    for node in ast.parse(module.read_text()).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name):
                assert target.id.isupper() or target.id.startswith("_"), f"{_name(module)}: {target.id}"


def test_importing_the_library_does_not_import_streamlit():
    code = "import sys, convex.analytics, convex.content, convex.loader, convex.cli\n"
    code += "print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=CONVEX.parent)  # fmt: skip
    assert result.stdout.strip() == "False"
