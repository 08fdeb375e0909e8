"""`python -m convex import` against hostile files, as real subprocesses: every one must end in a
clear one-line error (no traceback) and a non-zero exit, with the store byte-for-byte unchanged."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from convex.store import Store
from tests.fakes import synthetic_series

from .helpers import ROOT

GOOD_HEAD = "date,value\n2024-01-02,1.5\n2024-01-03,1.6\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fredgraph.csv", GOOD_HEAD)
    return buffer.getvalue()


# name -> file content (bytes), or a callable making the path itself (special files)
FILES: dict[str, object] = {
    "empty": b"",
    "whitespace": b"  \n\n\t\r\n   ",
    "bom only": "\ufeff".encode(),
    "header only": b"date,value\n",
    "binary noise": bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8)),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
    "zip": _zip(),
    "gzip": gzip.compress(GOOD_HEAD.encode()),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "utf-16": GOOD_HEAD.encode("utf-16"),
    "nul in csv": b"date,value\n2024-01-02,1\x00.5\n",
    "html": b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>",
    "json": b'{"error_code": 400, "error_message": "Bad Request."}',
    "xml": b'<?xml version="1.0"?><error code="400" message="Bad Request"/>',
    "huge line": b"x" * 2_000_000,
    "huge line in data": (GOOD_HEAD + "2024-01-04," + "9" * 20_000 + "\n").encode(),
    "many columns": (",".join(f"c{i}" for i in range(5_000)) + "\n" + ",".join("1" * 5_000) + "\n").encode(),
    "wrong columns": b"a,b,c\n1,2,3\n",
    "ragged rows": b"date,value\n2024-01-02,1.5\n2024-01-03,1.6,7\n2024-01-04\n",
    "non-numeric": b"date,value\n2024-01-02,abc\n",
    "formula": b"date,value\n2024-01-02,=cmd|' /C calc'!A0\n",
    "inf": b"date,value\n2024-01-02,inf\n2024-01-03,-inf\n",
    "overflow": b"date,value\n2024-01-02,1e999\n",
    "all missing": b"date,value\n2024-01-02,\n2024-01-03,.\n",
    "bad dates": b"date,value\n2024-13-45,1.5\n",
    "date words": b"date,value\nyesterday,1.5\n",
    "unbalanced quote": b'date,value\n"2024-01-02,1.5\n2024-01-03,1.6\n',
    "semicolons": b"date;value\n2024-01-02;1,5\n",
    "sql": b"date,value\n2024-01-02,1); DROP TABLE observations; --\n",
    "script": b"date,value\n<script>alert(1)</script>,1\n",
    "latin-1 garbage": "date,valeur\n2024-01-02,1\xe9\n".encode("latin-1"),
    "too big": lambda path: _sparse(path, 51 * 1024 * 1024),
    "directory": lambda path: path.mkdir(),
    "fifo": lambda path: os.mkfifo(path),
    "missing": lambda path: None,
    "dangling symlink": lambda path: path.symlink_to(path.with_name("nowhere")),
}


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def snapshot(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.iterdir()) if p.is_file()}


def run_import(name: str, content, folder: Path, template: Path) -> tuple[str, int, str, str, bool]:
    data_dir = folder / "data"
    shutil.copytree(template, data_dir)
    before = snapshot(data_dir / "convex.sqlite3")
    path = folder / "hostile.csv"
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    env = {**os.environ, "CONVEX_DATA_DIR": str(data_dir), "CONVEX_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "convex", "import", "gld", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    unchanged = snapshot(data_dir / "convex.sqlite3") == before
    return name, done.returncode, done.stdout, done.stderr, unchanged


def test_hostile_files_are_refused_with_the_store_unchanged(tmp_path, data_dir, count):
    store = Store(data_dir / "convex.sqlite3")
    gld = synthetic_series("gld", years=1)
    store.write_series("gld", gld, provenance="live", source="yahoo")
    del store
    cases = []
    for i, (name, content) in enumerate(FILES.items()):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        cases.append((name, content, folder))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: run_import(*c, data_dir), cases))

    failures = []
    for name, code, out, err, unchanged in results:
        message = " ".join(err.split())
        problems = []
        if code == 0:
            problems.append("exit 0")
        if "Traceback" in err or "Traceback" in out:
            problems.append("a traceback")
        if not message.startswith("error: ") or "hostile.csv" not in message:
            problems.append(f"no clear error naming the file: {message[:200]!r}")
        if not unchanged:
            problems.append("the store changed")
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    assert Store(data_dir / "convex.sqlite3").read_series("gld").to_numpy().tolist() == gld.tolist()
    count("hostile_import_files_refused", len(results))


def test_unknown_and_derived_ids_are_refused(tmp_path, data_dir, count):
    path = tmp_path / "good.csv"
    path.write_text(GOOD_HEAD)
    env = {**os.environ, "CONVEX_DATA_DIR": str(data_dir), "CONVEX_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    for metric_id, code in (("no_such_metric", 2), ("net_liquidity", 1), ("'; DROP TABLE x; --", 2)):
        done = subprocess.run(
            [sys.executable, "-m", "convex", "import", metric_id, str(path)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == code, done.stderr
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
        count("hostile_import_files_refused")
    assert not (data_dir / "convex.sqlite3").exists() or not Store().all_meta()


def test_a_year_zero_date_is_a_clear_error(tmp_path, data_dir):
    store = Store(data_dir / "convex.sqlite3")
    store.write_series("gld", synthetic_series("gld", years=1), provenance="live", source="yahoo")
    del store
    folder = tmp_path / "case"
    folder.mkdir()
    _, code, _, err, unchanged = run_import("year zero", b"date,value\n0000-01-01,1.5\n", folder, data_dir)
    assert unchanged
    assert code != 0 and "Traceback" not in err and err.startswith("error: "), err[-600:]
