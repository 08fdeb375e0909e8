"""A real `streamlit run` on localhost, driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from convex.store import Store
from tests.fakes import synthetic_series
from tests.servers import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Metrics the served store holds, so the pages have real work to do.
SERVED_METRICS = (
    "walcl",
    "tlt",
    "spy",
    "gld",
    "uup",
    "vix",
    "dgs10",
    "bamlh0a0hym2",
    "qqq",
    "wtregen",
    "rrpontsyd",
)


# The served data end on the last weekday before the day the suite runs, as a live store's would: a
# real server reads windows and ages from the real clock, so a fixed end date would make the pages
# say "old data" more with every day that passes.
DATA_END = f"{pd.Timestamp.today().normalize() - pd.offsets.BDay(1):%Y-%m-%d}"


@pytest.fixture(scope="session")
def served_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("served-store")
    store = Store(folder / "convex.sqlite3")
    for seed, metric_id in enumerate(SERVED_METRICS):
        store.write_series(
            metric_id,
            synthetic_series(metric_id, end=DATA_END, years=12, seed=seed),
            provenance="live",
            source="test",
        )
    return folder


@contextlib.contextmanager
def running_app(store_dir: Path, script: str = "app.py", env: dict[str, str] | None = None, **settings: str):
    """`streamlit run app.py` (or `script`) on a free loopback port, serving `store_dir` offline (or
    the store `settings`, extra environment variables, name); its URL."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with streamlit_server(store_dir, script, {**(env or {}), **settings}) as url:
        yield url


@pytest.fixture(scope="session")
def app_url(served_store) -> str:
    with running_app(served_store) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Until the script has finished running and the page holds no running spinner."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
