"""The scenario section in a real browser, on real WALCL and TLT files: opened from a link, its
charts drawn, its state written back to the URL."""

from __future__ import annotations

import pytest

from convex.data.importers import read_series_file
from convex.store import Store
from tests.conftest import SHARED_REAL
from tests.e2e.conftest import running_app, wait_for_app
from tests.e2e.test_compare_browser import assert_healthy, params

pytestmark = pytest.mark.browser

SECTION = "[data-testid='stExpander']:has-text('When Fed Balance Sheet moved like this')"


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    if not SHARED_REAL.is_dir():
        pytest.skip("../shared/data/real is not present on this machine")
    shared_real = SHARED_REAL
    folder = tmp_path_factory.mktemp("real-walcl-tlt")
    store = Store(folder / "convex.sqlite3")
    for metric_id, path in (("walcl", "fred/matemadrigal/WALCL.csv"), ("tlt", "yahoo/alitalbi/TLT.csv")):
        store.write_series(
            metric_id,
            read_series_file(shared_real / path).series,
            provenance="import",
            source="file",
            detail=path,
        )
    with running_app(folder) as url:
        yield url


def charts_in(page, selector: str) -> int:
    page.wait_for_selector(
        f"{selector} [data-testid='stVegaLiteChart'] canvas, {selector} [data-testid='stVegaLiteChart'] svg",
        timeout=60_000,
    )
    return page.locator(f"{selector} [data-testid='stVegaLiteChart']").count()


def test_a_scenario_link_opens_the_section_with_its_charts_and_the_url_follows_the_move(page, real_url):
    page.goto(f"{real_url}/?a=walcl&b=tlt&lookback=Max&scenario=true&horizon=13")
    wait_for_app(page, timeout=120_000)
    section = page.locator(SECTION)
    assert section.get_by_text("episodes since 2007 when Fed Balance Sheet").is_visible()
    assert charts_in(page, SECTION) >= 2
    assert_healthy(page)
    move = section.get_by_role("spinbutton", name="Move of Fed Balance Sheet over the horizon (%)")
    move.fill("-2")
    move.press("Enter")
    wait_for_app(page, timeout=120_000)
    assert section.get_by_text("fell 2.00% or more in 13 weeks").is_visible()
    kept = params(page)
    assert (kept.get("scenario"), kept.get("move"), kept.get("horizon")) == ("true", "-2", "13")
    assert_healthy(page)
