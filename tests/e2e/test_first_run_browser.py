"""What a newcomer sees: a fresh server with nothing stored, offline, and pages that fit a laptop
and a phone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import running_app, wait_for_app
from tests.e2e.test_compare_browser import assert_healthy, drawn_charts

pytestmark = pytest.mark.browser

# Text cut off with an ellipsis: an element that clips its text and whose text is wider than it.
CLIPPED_TEXT = """() => [...document.querySelectorAll("[data-testid='stMain'] *")].filter(el => {
    if (!el.offsetParent || !el.innerText || !el.innerText.trim()) return false;
    const style = getComputedStyle(el);
    const clips = style.textOverflow === 'ellipsis' || style.overflowX === 'hidden';
    return clips && el.scrollWidth > el.clientWidth + 1;
}).map(el => el.innerText.trim().slice(0, 80))"""


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("nothing-stored")) as url:
        yield url


def test_a_fresh_server_with_nothing_stored_and_no_network_opens_on_a_working_comparison(page, fresh_url):
    page.goto(fresh_url)
    wait_for_app(page)
    assert page.get_by_role("heading", name="S&P 500 Index vs VIX (S&P 500 Volatility)").is_visible()
    assert drawn_charts(page) >= 1
    assert_healthy(page)
    assert page.get_by_text("Offline sample · arch", exact=False).first.is_visible()
    why = "The default pair, Fed Balance Sheet vs 20Y+ Treasury (TLT), has no data here"
    assert page.get_by_text(why, exact=False).is_visible()
    # The requested pair is one click away, and keeps its own explanation.
    page.get_by_role("link", name="Open Fed Balance Sheet vs TLT anyway").click()
    wait_for_app(page)
    assert page.get_by_role("heading", name="Fed Balance Sheet vs 20Y+ Treasury (TLT)").is_visible()
    assert page.get_by_text("No data to compare yet", exact=False).is_visible()
    assert "a=walcl" in page.url and "b=tlt" in page.url


@pytest.mark.parametrize("width", [1440, 390])
def test_nothing_on_the_pages_is_cut_off_on_a_laptop_or_a_phone(browser, app_url, fresh_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    clipped = {}
    for url in (
        f"{app_url}/?a=walcl&b=tlt",
        f"{app_url}/?a=spy&b=qqq&lookback=1Y",  # daily: the longest period words
        f"{app_url}/metric?metric=tlt",
        f"{app_url}/status",
        f"{fresh_url}/?a=spx&b=vix",
    ):
        page.goto(url)
        wait_for_app(page)
        page.wait_for_timeout(1000)
        found = page.evaluate(CLIPPED_TEXT)
        if found:
            clipped[url] = found
    context.close()
    assert clipped == {}
