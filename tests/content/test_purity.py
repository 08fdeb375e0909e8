"""convex.content is pure: no Streamlit, no I/O, no clock, no mutable global state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "convex" / "content"
MODULES = sorted(PACKAGE.glob("*.py"))
FORBIDDEN_IMPORTS = {
    "streamlit",
    "requests",
    "httpx",
    "urllib",
    "socket",
    "sqlite3",
    "duckdb",
    "yfinance",
    "os",
}
FORBIDDEN_CALLS = {"open", "print", "input"}
FORBIDDEN_ATTRIBUTES = {
    "now",
    "today",
    "utcnow",
    "time",
    "perf_counter",
    "read_csv",
    "read_parquet",
    "to_csv",
}
# The catalog loader reads a file; content takes Metric objects instead of calling it.
FORBIDDEN_NAMES = {"catalog", "load_catalog"}


def test_the_package_has_modules():
    assert {m.stem for m in MODULES} >= {"pair", "claims", "domains", "curated", "related", "words"}


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_imports_no_io_or_ui_library_and_reads_no_clock(module):
    tree = ast.parse(module.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
            assert not {alias.name for alias in node.names} & FORBIDDEN_NAMES, f"{module.name}:{node.lineno}"
        else:
            roots = set()
        assert not roots & FORBIDDEN_IMPORTS, (
            f"{module.name}:{node.lineno} imports {roots & FORBIDDEN_IMPORTS}"
        )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{module.name}:{node.lineno} calls {node.func.id}()"
        if isinstance(node, ast.Attribute):
            assert node.attr not in FORBIDDEN_ATTRIBUTES, f"{module.name}:{node.lineno} uses .{node.attr}"
        assert not isinstance(node, ast.Global), f"{module.name}:{node.lineno} uses a global statement"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_level_state_is_constant(module):
    tree = ast.parse(module.read_text())
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                name = target.id
                assert name.isupper() or name.startswith("_") or name == "__all__", f"{module.name}: {name}"
