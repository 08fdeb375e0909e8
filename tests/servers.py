"""A real `streamlit run` on a free loopback port, for the tests that talk to a server: the browser
tests (app.py) and the HTTP API's (serve.py, the app with its API)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(store_dir: Path, script: str = "app.py", env: dict[str, str] | None = None):
    """`streamlit run script` serving the store in `store_dir` (offline unless `env` says otherwise);
    its URL once /_stcore/health answers, and the process stopped afterwards."""
    port = free_port()
    child_env = {**os.environ, "CONVEX_DATA_DIR": str(store_dir), "CONVEX_OFFLINE": "1", **(env or {})}
    child_env = {k: v for k, v in child_env.items() if v is not None}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"streamlit did not start: {process.stdout.read()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
