"""The compare page in a real browser: charts drawn, URL written back, links restored."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest

from tests.e2e.conftest import ARTIFACTS, running_app, wait_for_app

pytestmark = pytest.mark.browser


def params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def assert_healthy(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert page.js_errors == []


def drawn_charts(page) -> int:
    """Charts whose Vega view actually rendered marks (a canvas or svg with a size)."""
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=30_000
    )
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].filter(el => {
               const g = el.querySelector('canvas, svg.marks');
               return g && g.getBoundingClientRect().width > 100 && g.getBoundingClientRect().height > 100;
           }).length"""
    )


def test_default_page_draws_charts_and_metrics(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    assert page.get_by_role("heading", name="Fed Balance Sheet vs 20Y+ Treasury (TLT)").is_visible()
    page.locator("[data-testid='stMetric']").nth(9).wait_for(timeout=30_000)  # ten tiles at least
    assert drawn_charts(page) >= 1
    assert_healthy(page)
    assert params(page)["a"] == "walcl" and params(page)["b"] == "tlt"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=False)


def test_shared_link_restores_the_view(page, app_url):
    page.goto(f"{app_url}/?a=spy&b=gld&lookback=1Y&view=Overlay&spread=Ratio&dual=true")
    wait_for_app(page)
    assert page.get_by_role("heading", name="S&P 500 ETF (SPY) vs Gold (GLD)").is_visible()
    selected = page.locator("[data-testid='stButtonGroup'] button[aria-checked='true']")
    assert selected.inner_text().strip() == "1Y"
    assert page.get_by_role("tab", name="Overlay", selected=True).is_visible()
    assert drawn_charts(page) >= 1
    kept = params(page)
    assert (kept["a"], kept["b"], kept["lookback"], kept["view"], kept["spread"]) == (
        "spy",
        "gld",
        "1Y",
        "Overlay",
        "Ratio",
    )
    assert_healthy(page)


def test_a_link_with_two_dates_keeps_them_until_the_lookback_is_chosen(page, app_url):
    page.goto(f"{app_url}/?a=spy&b=gld&dates=2024-01-02..2024-06-28&view=Overlay")
    wait_for_app(page)
    assert page.get_by_text("over the chosen dates (2 Jan 2024 to 28 Jun 2024)").first.is_visible()
    assert drawn_charts(page) >= 1
    assert params(page)["dates"] == "2024-01-02..2024-06-28"
    assert_healthy(page)
    page.get_by_role("button", name="Use the lookback instead").click()
    wait_for_app(page)
    page.wait_for_function("() => !new URLSearchParams(location.search).has('dates')", timeout=20_000)
    assert page.get_by_text("over the last 3 years (").first.is_visible()
    assert_healthy(page)


def test_a_formula_link_draws_the_pair_and_keeps_the_formula_in_the_url(page, app_url):
    page.goto(f"{app_url}/?a=f:SPY%20/%20TLT&b=gld")
    wait_for_app(page)
    assert page.get_by_role("heading", name="SPY / TLT vs Gold (GLD)").is_visible()
    assert drawn_charts(page) >= 1
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('a') === 'f:spy/tlt'", timeout=20_000
    )
    assert_healthy(page)


def keep_and_use_as_a(page, path) -> None:
    """Upload a daily file in the sidebar's "Your data" box, keep it in the store, use it as A."""
    wait_for_app(page)
    box = page.locator("[data-testid='stExpander']").filter(has_text="Your data")
    box.get_by_text("Your data").click()
    box.locator("input[type='file']").set_input_files(str(path))
    box.get_by_text("looks daily, compared by percent changes").wait_for(timeout=60_000)
    wait_for_app(page)  # the upload's rerun is over: the click below is not lost in it
    box.get_by_text("Keep it in this deployment's store").click()  # so that its link works elsewhere
    wait_for_app(page)
    box.get_by_role("button", name="Use as A").click()


def test_an_uploaded_file_is_compared_with_walcl_and_its_link_restores_it(page, app_url, tmp_path):
    days = pd.bdate_range("2021-01-01", "2026-11-18")
    values = 100 * np.exp(np.cumsum(np.random.default_rng(5).normal(0, 0.01, len(days))))
    path = tmp_path / "browser fund.csv"
    path.write_text(
        "date,value\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, values, strict=True))
    )
    page.goto(f"{app_url}/?a=spy&b=walcl")
    keep_and_use_as_a(page, path)
    heading = page.get_by_role("heading", name="browser fund vs Fed Balance Sheet")
    try:
        heading.wait_for(timeout=60_000)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "upload-failed.png"), full_page=True)
        raise
    page.wait_for_function(
        "() => (new URLSearchParams(location.search).get('a') || '').startsWith('u:')", timeout=60_000
    )
    assert drawn_charts(page) >= 1
    assert_healthy(page)
    link = page.url
    page.goto(link)  # a new session: the upload comes back from the store
    wait_for_app(page)
    page.get_by_role("heading", name="browser fund vs Fed Balance Sheet").wait_for(timeout=60_000)
    assert_healthy(page)


def test_a_formula_typed_into_a_pickers_search_box_is_compared(page, app_url):
    page.goto(f"{app_url}/?a=spy&b=walcl")
    wait_for_app(page)
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Metric A")
    picker.click()
    page.keyboard.type("tlt / gld")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_role("heading", name="TLT / GLD vs Fed Balance Sheet").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('a') === 'f:tlt/gld'", timeout=60_000
    )
    assert_healthy(page)


def test_changing_a_picker_updates_the_url(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Metric B")
    picker.click()
    page.keyboard.type("Gold (GLD)")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('b') === 'gld'", timeout=20_000)
    assert page.get_by_role("heading", name="Fed Balance Sheet vs Gold (GLD)").is_visible()
    page.locator("[data-testid='stButtonGroup'] button").filter(has_text="10Y").click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('lookback') === '10Y'", timeout=20_000
    )
    wait_for_app(page)
    page.get_by_role("button", name="Share this view").click()
    share = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").first  # then the API's
    share.wait_for(timeout=20_000)
    shown = parse_qs(urlparse(share.inner_text().strip()).query)
    assert {k: v[-1] for k, v in shown.items()} == params(page)  # the share link is the address bar
    assert_healthy(page)


def test_hostile_link_falls_back_with_a_notice(page, app_url):
    page.goto(f"{app_url}/?a=%3Cscript%3Ealert(1)%3C/script%3E&b=tlt&lookback=99999999999&zzz=1")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Fed Balance Sheet vs 20Y+ Treasury (TLT)").is_visible()
    assert page.locator("[data-testid='stAlertContentWarning']").count() >= 2
    body = page.content().split("</head>", 1)[1].replace("&lt;script&gt;", "")
    # The app's own script (convex/ui/narrow_sidebar.js) is the only one the page may hold.
    own = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stHtml] script')].map(s => s.outerHTML)"
    )
    assert len(own) == 1 and "narrow screen" in own[0]
    assert "<script>" not in body.replace(own[0], "")
    assert_healthy(page)


def test_related_comparison_link_opens_that_pair(page, app_url):
    page.goto(f"{app_url}/?a=walcl&b=tlt")
    wait_for_app(page)
    page.get_by_role("heading", name="Related comparisons").scroll_into_view_if_needed()
    links = page.locator("[data-testid='stPageLink'] a").filter(has_text=" vs ")
    links.first.wait_for(timeout=30_000)
    wait_for_app(page)  # the section draws its links one by one once the ranking is ready
    assert links.count() >= 3
    # The link names the pair by short names; the page it opens is the pair its address holds.
    target = {k: v[-1] for k, v in parse_qs(urlparse(links.first.get_attribute("href")).query).items()}
    links.first.click()
    same_pair = (
        "(t) => { const q = new URLSearchParams(location.search); "
        "return q.get('a') === t.a && q.get('b') === t.b }"
    )
    page.wait_for_function(same_pair, arg=target, timeout=30_000)
    wait_for_app(page)
    assert params(page)["a"] != "walcl" or params(page)["b"] != "tlt"
    assert drawn_charts(page) >= 1
    assert_healthy(page)


def test_explorer_page_and_its_relationship_links(page, app_url):
    page.goto(f"{app_url}/metric?metric=tlt&lookback=10Y")
    wait_for_app(page)
    assert page.get_by_role("heading", name="20Y+ Treasury (TLT)").first.is_visible()
    assert drawn_charts(page) >= 1
    assert page.locator("[data-testid='stMetric']").count() >= 3
    assert params(page)["metric"] == "tlt"
    links = page.locator("[data-testid='stPageLink'] a").filter(has_text="r ")
    links.first.wait_for(timeout=30_000)
    assert links.count() >= 3
    links.first.click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('a') === 'tlt'", timeout=30_000)
    pair_title = "() => [...document.querySelectorAll('h1')].some(h => h.innerText.includes(' vs '))"
    page.wait_for_function(pair_title, timeout=30_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().startswith("20Y+ Treasury (TLT) vs ")
    assert_healthy(page)


def test_a_fresh_server_opened_on_a_page_address_keeps_the_app_navigation(browser, served_store):
    """The first visitor of a new server lands on /metric: the page still runs inside app.py."""
    with running_app(served_store) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        page.goto(f"{url}/metric?metric=gld")
        wait_for_app(page)
        page.get_by_role("heading", name="Gold (GLD)").first.wait_for(timeout=30_000)
        nav = page.locator("[data-testid='stSidebarNavLink']")
        labels = [text.strip().splitlines()[-1] for text in nav.all_inner_texts()]
        assert labels == ["Compare", "Metric explorer", "Screener", "Release calendar", "Data status"]
        assert_healthy(page)
        context.close()


def test_an_upload_named_in_markdown_renders_as_text_for_every_visitor(page, browser, app_url, tmp_path):
    # Issue 28, 1: the name drew an image and a phishing link on every page of its shared link.
    days = pd.bdate_range("2022-01-03", "2026-11-18")
    values = 50 * np.exp(np.cumsum(np.random.default_rng(8).normal(0, 0.01, len(days))))
    path = tmp_path / "![t](https:evil.example)[Verify your account](https:evil.example).csv"
    path.write_text(
        "date,value\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, values, strict=True))
    )
    page.goto(f"{app_url}/?a=spy&b=walcl")
    keep_and_use_as_a(page, path)
    page.wait_for_function(
        "() => (new URLSearchParams(location.search).get('a') || '').startsWith('u:')", timeout=60_000
    )
    link = page.url
    visitor = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    requested: list[str] = []
    visitor.on("request", lambda request: requested.append(request.url))
    visitor.goto(link)  # another visitor opens the shared link
    wait_for_app(visitor)
    heading = visitor.locator("h1").first
    heading.wait_for(timeout=60_000)
    assert "Verify your account" in heading.inner_text()
    # (Streamlit's own anchor to a heading, "#t-https-evil-example-...", stays on the page.)
    evil = "[href*='evil']:not([href^='#']), [src*='evil']"
    assert visitor.locator(evil).count() == 0 and page.locator(evil).count() == 0
    assert not [url for url in requested if "evil" in url]
    assert visitor.locator("[data-testid='stException']").count() == 0
    visitor.context.close()


def test_dates_typed_and_entered_apply_exact_dates(page, app_url):
    # Issue 29: Enter in the date field applied nothing; the typed field applies on Enter.
    page.goto(f"{app_url}/?a=spy&b=gld")
    wait_for_app(page)
    box = page.locator("[data-testid='stExpander']").filter(has_text="Exact dates")
    box.get_by_text("Exact dates").click()
    field = box.get_by_role("textbox", name="Dates, typed")
    field.fill("2022-03-01..2022-06-30")
    field.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('dates') === '2022-03-01..2022-06-30'", timeout=30_000
    )
    page.get_by_text("(1 Mar 2022 to 30 Jun 2022)").first.wait_for(timeout=30_000)
    assert_healthy(page)


def _quiet(page, frames: list[int], quiet_ms: int = 1_500, timeout_ms: int = 60_000) -> None:
    """Until the server has sent nothing for `quiet_ms` (a deferred ranking's rerun included)."""
    waited, seen = 0, None
    while waited < timeout_ms:
        if frames[0] == seen:
            return
        seen = frames[0]
        page.wait_for_timeout(quiet_ms)
        waited += quiet_ms
    raise AssertionError("the server kept sending")


def _picker(where, label: str):
    """The select box labelled `label` within `where` (the page or a part of it)."""
    return where.locator("[data-testid='stSelectbox']").filter(has=where.get_by_text(label, exact=True))


def _choose(page, label: str, option: str) -> None:
    _picker(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


def _counting(page, app_url: str, query: str) -> list[int]:
    """Open the compare page at `query`, counting the websocket frames the server sends (about one
    per element message), and wait until it is drawn and quiet."""
    frames = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.__setitem__(0, frames[0] + 1)))
    page.goto(f"{app_url}/{query}")
    wait_for_app(page)
    drawn_charts(page)
    _quiet(page, frames)
    return frames


def _lookback_run(page, frames: list[int], lookback: str) -> int:
    """The messages a lookback change (a rerun of the whole page) sends."""
    before = frames[0]
    page.locator("[data-testid='stButtonGroup'] button").filter(has_text=lookback).click()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('lookback') === '{lookback}'")
    wait_for_app(page)
    _quiet(page, frames)
    return frames[0] - before


def _statistics_json(page) -> dict:
    """The page's JSON download, as made when it is asked for."""
    button = page.locator("[data-testid='stDownloadButton']").filter(has_text="Statistics (JSON)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as download:
        button.click()
    with open(download.value.path()) as f:
        return json.load(f)


def test_chart_controls_beside_the_charts_redraw_them_alone(page, app_url):
    # Issue 35: the controls that change only the charts sit beside them in an st.fragment; a change
    # there reruns that part (a few messages), not the page (about 150), and the link, the URL and
    # the JSON download follow it.
    frames = _counting(page, app_url, "?a=spy&b=gld")
    sidebar = page.locator("[data-testid='stSidebar']")
    for label in ("Chart transform", "Spread", "Value axis"):
        assert _picker(page, label).count() == 1 and _picker(sidebar, label).count() == 0
    page_run = _lookback_run(page, frames, "10Y")
    before = frames[0]
    _choose(page, "Chart transform", "Rebased")
    page.wait_for_function("() => new URLSearchParams(location.search).get('transform') === 'Rebased'")
    wait_for_app(page)
    _quiet(page, frames)
    chart_run = frames[0] - before
    assert chart_run * 3 < page_run, (chart_run, page_run)
    _choose(page, "Spread", "Ratio")
    page.wait_for_function("() => new URLSearchParams(location.search).get('spread') === 'Ratio'")
    wait_for_app(page)
    page.get_by_role("button", name="Share this view").click()
    share = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']").first
    share.wait_for(timeout=20_000)
    shown = {k: v[-1] for k, v in parse_qs(urlparse(share.inner_text().strip()).query).items()}
    assert shown == params(page) and shown["transform"] == "Rebased" and shown["spread"] == "Ratio"
    page.keyboard.press("Escape")
    # The JSON holds the spread drawn, chosen beside the charts after the page's own run.
    assert list(_statistics_json(page)["spreads"]) == ["ratio"]
    assert_healthy(page)


def test_opening_the_scenarios_reruns_that_section_alone_and_the_json_download_holds_it(page, app_url):
    # Issue 35: the scenario section is an st.fragment: opening it sends its own elements, not the
    # page's again, and the page's JSON download, made when asked for, holds the scenario drawn.
    frames = _counting(page, app_url, "?a=walcl&b=tlt")
    page_run = _lookback_run(page, frames, "5Y")
    before = frames[0]
    summary = page.locator("[data-testid='stExpander'] summary").filter(has_text="moved like this")
    summary.scroll_into_view_if_needed()
    summary.click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('scenario') === 'true'")
    page.get_by_text("Response over horizons").wait_for(timeout=60_000)
    wait_for_app(page)
    _quiet(page, frames)
    section_run = frames[0] - before
    assert section_run * 3 < page_run, (section_run, page_run)
    # The episodes are a plain table whose links open each episode's dates in a new tab (no data grid).
    link = page.locator("[data-testid='stMarkdown'] table a").filter(has_text="Episode").first
    assert "dates=" in link.get_attribute("href") and "signal=" in link.get_attribute("href")
    assert link.get_attribute("target") == "_blank"
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    held = _statistics_json(page)
    assert held["scenario"]["lookback"] == "5Y" and held["scenario"]["event_study"]["horizon"] >= 1
    assert_healthy(page)
