"""The screener in a real browser: the ranked table drawn, a filter written back to the URL, a
row's link opening the pair; and the digest's Atom feed served from the app's static folder."""

from __future__ import annotations

import subprocess
import sys
import uuid

import feedparser
import pytest
import requests

from tests.e2e.conftest import DATA_END, ROOT, wait_for_app
from tests.e2e.test_compare_browser import assert_healthy, params

pytestmark = pytest.mark.browser


def test_the_screener_draws_its_table_and_writes_its_filters_to_the_url(page, app_url):
    page.goto(f"{app_url}/screener?recent=26+weeks")
    wait_for_app(page, timeout=120_000)
    assert page.get_by_role("heading", name="Divergence screener").is_visible()
    assert page.get_by_text("pass Benjamini-Hochberg at a 5% false-discovery rate").is_visible()
    page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=30_000)
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    assert_healthy(page)
    page.get_by_text("Exclude mechanically linked pairs").click()
    wait_for_app(page)
    assert params(page) == {"recent": "26 weeks", "mechanical": "false"}
    assert_healthy(page)
    page.get_by_text("Only pairs whose lead-lag shifted").click()
    wait_for_app(page)
    assert params(page) == {"recent": "26 weeks", "mechanical": "false", "leads": "true"}
    assert page.get_by_text("changed their lead, where about").is_visible()
    assert_healthy(page)


def test_the_digest_feed_is_served_from_the_static_folder(app_url, served_store):
    name = f"e2e-{uuid.uuid4().hex}.atom"
    feed = subprocess.run(
        [sys.executable, "-m", "convex", "digest", "--date", DATA_END, "--atom"],
        env={"CONVEX_DATA_DIR": str(served_store), "CONVEX_OFFLINE": "1", "PATH": ""},
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    path = ROOT / "static" / name
    path.write_text(feed)
    try:
        served = requests.get(f"{app_url}/app/static/{name}", timeout=10)
        assert served.status_code == 200
        parsed = feedparser.parse(served.content)
        assert not parsed.bozo and parsed.entries[0].id.endswith(f"/digest/{DATA_END}")
    finally:
        path.unlink()
