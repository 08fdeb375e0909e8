"""The architecture, checked: the folders of convex/ draw the data flow (metrics -> sources -> store ->
data -> analytics -> content and charts -> ui; jobs and cli beside the views), imports go one way
with no cycle, no room is too big to read, only the view layer imports streamlit, and analytics,
content, chart builders and formatting are pure (no I/O, no clock, no mutable module state)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CONVEX = Path(__file__).resolve().parents[1] / "convex"
PURE = sorted(
    [
        *CONVEX.joinpath("analytics").rglob("*.py"),
        *CONVEX.joinpath("content").rglob("*.py"),
        *CONVEX.joinpath("charts").rglob("*.py"),
        CONVEX / "metrics" / "formatting.py",
        CONVEX / "metrics" / "derived.py",
    ]
)
MODULES = sorted(CONVEX.rglob("*.py"))
# Each folder of convex/ and the folders it may import from: the data flow, one way.
FOLDERS = {
    "metrics": set(),
    "sources": set(),
    "store": set(),
    "data": {"metrics", "sources", "store"},
    "analytics": {"metrics"},
    "content": {"metrics", "analytics"},
    "charts": {"metrics"},
    "jobs": {"metrics", "sources", "store", "data", "analytics", "content"},
    # The Python and HTTP APIs: the command line and the views use its one serialiser and readers.
    "api": {"metrics", "sources", "store", "data", "analytics", "content", "jobs"},
    "cli": {"metrics", "sources", "store", "data", "analytics", "content", "jobs", "api"},
    "ui": {"metrics", "sources", "store", "data", "analytics", "content", "charts", "jobs", "api"},
}
MAX_LINES = 450
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
    assert {"convex/analytics/pair_stats.py", "convex/content/pair.py", "convex/charts/pair.py"} <= names


def test_only_the_entry_points_are_loose_in_the_package():
    loose = {p.name for p in CONVEX.glob("*.py")}
    assert loose == {"__init__.py", "__main__.py"}
    assert {p.name for p in CONVEX.iterdir() if p.is_dir() and not p.name.startswith("__")} == set(FOLDERS)


def _module_name(path: Path) -> str:
    parts = path.relative_to(CONVEX.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _convex_imports(path: Path) -> set[str]:
    """The convex modules a module imports, anywhere in it (functions included), resolved."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "convex"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "convex":
                continue
            for alias in node.names:  # `from convex.jobs import digest` imports a module
                candidate = f"{module}.{alias.name}"
                found.add(candidate if _path_of(candidate) else module)
    return {m for m in found if _path_of(m)}


def _path_of(module: str) -> Path | None:
    base = CONVEX.parent.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _folder(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else None


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_imports_flow_one_way(module):
    own = _folder(_module_name(module))
    if own is None:  # convex/__init__.py, __main__.py
        return
    for imported in _convex_imports(module):
        other = _folder(imported)
        allowed = other is None or other == own or other in FOLDERS[own]
        assert allowed, f"{_name(module)} imports {imported}"


def test_no_import_cycle_inside_convex():
    graph = {_module_name(p): _convex_imports(p) - {_module_name(p)} for p in MODULES}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(module):], module]))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            # A package imports its own submodules (a facade); a submodule importing its package's
            # facade back would be the cycle, and is caught from the submodule's side.
            if not module.startswith(imported + ".") and not imported.startswith(module + "."):
                visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_no_room_is_too_big_to_read(module):
    assert len(module.read_text().splitlines()) <= MAX_LINES, f"{_name(module)}: split it along its names"


def test_the_ui_facade_reads_at_a_glance():
    assert len((CONVEX / "ui" / "__init__.py").read_text().splitlines()) <= 80


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
    code = "import sys, convex.analytics, convex.content, convex.charts, convex.data.loader\n"
    code += "import convex.jobs.digest, convex.cli, convex.api.python, convex.api.http\n"
    code += "print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=CONVEX.parent)  # fmt: skip
    assert result.stdout.strip() == "False"


def test_importing_convex_stays_light():
    # `import convex` in a notebook loads the Python API's names only when first used.
    code = "import sys, convex\n"
    code += "print(sorted(m for m in ('streamlit', 'statsmodels', 'altair', 'scipy') if m in sys.modules))\n"
    code += "convex.compare\n"  # the facade resolves: the API module itself is still light
    code += "print(sorted(m for m in ('streamlit', 'statsmodels', 'altair') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=CONVEX.parent)  # fmt: skip
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]


SCRIPTS = sorted(
    [CONVEX.parent / "app.py", CONVEX.parent / "serve.py", *CONVEX.parent.joinpath("pages").glob("*.py")]
)
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_page_writes_by_magic(script):
    """Streamlit's magic is off (.streamlit/config.toml): a bare value on a line of its own would
    show nothing. Only calls, yields and docstrings stand alone."""
    tree = ast.parse(script.read_text())
    docstrings = {
        id(scope.body[0])
        for scope in ast.walk(tree)
        if isinstance(scope, _SCOPES) and ast.get_docstring(scope, clean=False) is not None
    }
    bare = [
        f"{script.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and id(node) not in docstrings
        and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
    ]
    assert not bare, bare
