"""compose.yaml's team deployment as real processes on loopback (bench/topology.py, as Docker cannot run
here): PostgreSQL, one refresh worker, two app replicas behind nginx with the proxy configuration
compose uses. In headless Chromium: sessions spread over both replicas, each stays on its own (sticky:
its reloads and its upload land where its session lives), and no page view fetches from a source."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.topology import NGINX, replicas
from convex.store import Store
from tests.fakes import synthetic_series

from .conftest import wait_for_app
from .test_compare_browser import assert_healthy, drawn_charts

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAIR = ("spy", "walcl")
MOST_SESSIONS = 12  # all on one replica by chance: 2 in 2^12


def fill(store: Store) -> None:
    for seed, metric_id in enumerate(PAIR):
        series = synthetic_series(metric_id, years=6, seed=seed)
        store.write_series(metric_id, series, provenance="live", source="test")


@pytest.fixture(scope="module")
def deployment():
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: `make test` installs it (apt-get install nginx-light)")
    with replicas(apps=2, fill=fill) as running:
        yield running


def established(port: int) -> int:
    """Open TCP connections a server holds on 127.0.0.1:`port` (nginx's websockets to a replica)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        count += local.endswith(f":{port:04X}") and state == "01"
    return count


def replica_of(page, ports: list[int], before: list[int]) -> int:
    """Which replica the page's session is on: the one that gained connections when it opened (its
    websocket, and requests still in flight); the other must have gained none, cookie or not."""
    page.wait_for_timeout(300)
    gained = [established(p) - b for p, b in zip(ports, before, strict=True)]
    assert sorted(g > 0 for g in gained) == [False, True], gained
    return next(i for i, g in enumerate(gained) if g > 0)


def stays_on(replica: int, ports: list[int], before: list[int]) -> None:
    """After a reload: the other replica gained nothing, and this one still holds a websocket."""
    other = 1 - replica
    assert established(ports[other]) - before[other] <= 0 and established(ports[replica]) >= 1


def test_sessions_spread_over_both_replicas_and_each_stays_on_its_own(browser, deployment, tmp_path):
    ports = [int(url.rsplit(":", 1)[1]) for url in deployment.app_urls]
    days = pd.bdate_range("2021-01-01", "2026-11-18")
    values = 100 * np.exp(np.cumsum(np.random.default_rng(7).normal(0, 0.01, len(days))))
    upload = tmp_path / "replica fund.csv"
    upload.write_text(
        "date,value\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, values, strict=True))
    )
    seen: dict[int, int] = {}
    for session in range(MOST_SESSIONS):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc, errors=page.js_errors: errors.append(str(exc)))
        before = [established(p) for p in ports]
        page.goto(f"{deployment.url}/?a={PAIR[0]}&b={PAIR[1]}")
        wait_for_app(page)
        replica = replica_of(page, ports, before)
        assert drawn_charts(page) >= 1
        assert_healthy(page)
        before = [established(p) for p in ports]
        page.reload()  # a new websocket: the cookie takes it back to the same replica
        wait_for_app(page)
        page.wait_for_timeout(300)
        stays_on(replica, ports, before)
        if replica not in seen:  # an upload goes to the replica that holds the session, or fails
            seen[replica] = session
            box = page.locator("[data-testid='stExpander']").filter(has_text="Your data")
            box.get_by_text("Your data").click()
            box.locator("input[type='file']").set_input_files(str(upload))
            box.get_by_text("looks daily, compared by percent changes").wait_for(timeout=60_000)
            wait_for_app(page)
            box.get_by_role("button", name="Use as A").click()
            page.get_by_role("heading", name="replica fund vs Fed Balance Sheet").wait_for(timeout=60_000)
            assert_healthy(page)
        context.close()
        if len(seen) == 2:
            break
    assert sorted(seen) == [0, 1], f"every session of {MOST_SESSIONS} went to one replica"
    attempts = Store(deployment.database_url).attempts(limit=100_000)
    assert attempts and {a.actor for a in attempts} == {"worker"}  # page views never fetched
