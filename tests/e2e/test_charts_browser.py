"""The charts in a real browser at a desktop's and a phone's width: every label inside its chart
(none clipped), date labels never repeated, recession shading drawn, the sidebar closing after a
control change on a phone (and staying on a wide screen), the chart's own menu offering its data
as CSV and its picture as PNG. Screenshots go to tests/artifacts (compared by eye once)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, wait_for_app
from tests.e2e.test_compare_browser import assert_healthy, drawn_charts, params

pytestmark = pytest.mark.browser

SIDEBAR = "[data-testid=stSidebar]"
WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}
VIEWS = {
    "side-by-side-3y": "?a=walcl&b=tlt",
    "overlay-two-axes-max": "?a=walcl&b=tlt&lookback=Max&view=Overlay&dual=true",
    "spread-90d": "?a=spy&b=tlt&lookback=90D&view=Spread",
    "rolling-10y-log": "?a=spy&b=gld&lookback=10Y&view=Rolling+correlation&scale=log",
    "side-by-side-fred-units": "?a=walcl&b=spy&units=pc1&freq=m&agg=eop&lookback=10Y",
    "explorer-max": "metric?metric=walcl&lookback=Max",
}

# Every text node of every chart's SVG: its box, the chart's box, and which axis it labels.
TEXTS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] svg.marks")].map(svg => {
    const box = svg.getBoundingClientRect();
    const axes = [...svg.querySelectorAll('g.role-axis')];
    return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() &&
            getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0').map(t => {
        const r = t.getBoundingClientRect();
        const axis = t.closest('g[aria-label]');
        return {text: t.textContent, left: r.left - box.left, right: box.right - r.right,
                top: r.top - box.top, bottom: box.bottom - r.bottom,
                axis: axis ? axis.getAttribute('aria-label') : '', label: !!t.closest('.role-axis-label'),
                axisIndex: axes.indexOf(t.closest('g.role-axis'))};
    });
})"""


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.width_name = request.param
    yield page
    context.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_chart_label_is_inside_its_chart_and_dates_never_repeat(sized_page, app_url, view):
    page = sized_page
    page.goto(f"{app_url}/{VIEWS[view]}")
    wait_for_app(page)
    assert drawn_charts(page) >= 1
    page.locator("[data-testid='stVegaLiteChart']").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"charts-{page.width_name}-{view}.png"))
    charts = page.evaluate(TEXTS)
    assert charts and all(charts)
    for texts in charts:
        clipped = [t for t in texts if min(t["left"], t["right"], t["top"], t["bottom"]) < -1]
        assert not clipped, clipped
        date_axes = {t["axisIndex"] for t in texts if t["label"] and t["axis"].startswith("X-axis")}
        assert date_axes
        for axis in date_axes:  # one date axis per panel: within each, no label twice
            dates = [t["text"] for t in texts if t["label"] and t["axisIndex"] == axis]
            assert len(dates) == len(set(dates)), dates
    assert_healthy(page)


def test_recessions_are_shaded_and_named_in_the_legend(page, app_url):
    page.goto(f"{app_url}/?a=walcl&b=tlt&lookback=Max&view=Overlay&dual=true")
    wait_for_app(page)
    drawn_charts(page)
    legend = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] svg .role-legend text")]
                 .map(t => t.textContent)"""
    )
    assert "US recession (NBER)" in legend
    assert page.get_by_text("Grey bars: US recessions (Mar 2020–Apr 2020)").is_visible()


@pytest.mark.parametrize(("width", "closes"), [(390, True), (1440, False)])
def test_the_sidebar_closes_after_a_change_on_a_phone_and_stays_on_a_wide_screen(
    browser, app_url, width, closes
):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?a=spy&b=tlt")
        wait_for_app(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        if sidebar.get_attribute("data-collapsed") == "true":
            page.locator("[data-testid='stExpandSidebarButton']").click()
        page.wait_for_function(f"() => document.querySelector({SIDEBAR!r}).dataset.collapsed === 'false'")
        page.locator("[data-testid='stButtonGroup'] button").filter(has_text="1Y").click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('lookback') === '1Y'")
        wait_for_app(page)
        page.wait_for_timeout(500)
        assert (sidebar.get_attribute("data-collapsed") == "true") is closes
        if closes:
            page.screenshot(path=str(ARTIFACTS / "charts-phone-after-a-change.png"))
        assert params(page)["lookback"] == "1Y"
    finally:
        context.close()


def test_each_chart_offers_its_data_as_csv_and_a_png_from_its_own_menu(page, app_url):
    page.goto(f"{app_url}/?a=spy&b=tlt&view=Overlay")
    wait_for_app(page)
    drawn_charts(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    assert page.get_by_role("button", name="Download as PNG").first.is_visible()
    page.get_by_role("button", name="Show data").first.click()
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=20_000)
    grid.hover()
    # Chromium would ask where to save it (the File System Access API): a download is what a test sees.
    page.evaluate("() => { delete window.showSaveFilePicker; }")
    with page.expect_download(timeout=20_000) as download:
        page.get_by_role("button", name="Download as CSV").first.click()
    header = open(download.value.path()).readline()  # noqa: SIM115
    assert {"date", "a", "b", "a_text", "b_text"} <= set(header.strip().split(","))


# The crosshair: rule lines of the chart's SVG (a date's vertical rule), and the tooltip's text.
RULES = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] svg.marks")]
    .map(svg => svg.querySelectorAll('g.mark-rule.role-mark line').length)"""


def test_hovering_a_date_draws_its_crosshair_and_tooltip_and_nothing_is_drawn_for_other_dates(page, app_url):
    page.goto(f"{app_url}/?a=walcl&b=tlt")  # side by side, 3 years: a panel per metric
    wait_for_app(page)
    assert drawn_charts(page) == 1
    svg = page.locator("[data-testid='stVegaLiteChart'] svg.marks").first
    svg.scroll_into_view_if_needed()
    page.mouse.move(1, 1)
    page.wait_for_timeout(300)
    assert page.evaluate(RULES) == [0]  # no hidden mark per date: nothing is drawn until a date is hovered
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.25)  # the top panel
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    text = tooltip.inner_text()
    assert "Date" in text and "Fed Balance Sheet" in text and "20Y+ Treasury" in text, text
    page.wait_for_function(f"() => ({RULES})()[0] === 2")  # the hovered date's rule in both panels
    assert_healthy(page)


# The first chart's svg (tagged by the test so that a new one is told from it), its date labels and
# its legend's entries.
DRAWN = """() => {
    const svg = document.querySelector("[data-testid='stVegaLiteChart'] svg.marks");
    const x = [...svg.querySelectorAll('g.role-axis')]
        .filter(a => (a.closest('g[aria-label]')?.getAttribute('aria-label') || '').startsWith('X-axis'));
    return {tagged: svg.dataset.seen === 'yes',
            dates: [...new Set(x.flatMap(a => [...a.querySelectorAll('.role-axis-label text')]
                                          .map(t => t.textContent)))],
            legend: [...svg.querySelectorAll('.role-legend text')].map(t => t.textContent)};
}"""


def test_a_zoom_or_a_new_lookback_redraws_the_same_chart_with_its_own_ticks_and_legend(page, app_url):
    # Issue 35: every window draws one spec (its ticks and legend are Vega expressions of the data),
    # so a lookback change sends new data to the chart drawn instead of building a new one.
    page.goto(f"{app_url}/?a=walcl&b=tlt&lookback=10Y&view=Overlay")
    wait_for_app(page)
    assert drawn_charts(page) == 1
    page.evaluate("""() => { document.querySelector("[data-testid='stVegaLiteChart'] svg.marks")
                                 .dataset.seen = 'yes'; }""")
    drawn = page.evaluate(DRAWN)
    assert "US recession (NBER)" in drawn["legend"]  # 10 years hold 2020's
    assert drawn["dates"] and all(d.isdigit() and len(d) == 4 for d in drawn["dates"]), drawn
    # A zoom re-ticks the axis from the dates it shows; a double-click brings the years back.
    svg = page.locator("[data-testid='stVegaLiteChart'] svg.marks").first
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.6)
    for _ in range(12):
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(100)
    page.wait_for_function(f"() => ({DRAWN})().dates.some(d => !/^[0-9]{{4}}$/.test(d))")
    page.mouse.dblclick(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.6)
    page.wait_for_function(f"() => ({DRAWN})().dates.every(d => /^[0-9]{{4}}$/.test(d))")
    month = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    looks = {"1Y": rf"{month}( \d{{4}})?", "90D": rf"{month} \d{{1,2}}(, \d{{4}})?"}
    for lookback, look in looks.items():
        page.locator("[data-testid='stButtonGroup'] button").filter(has_text=lookback).click()
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('lookback') === '{lookback}'")
        wait_for_app(page)
        page.wait_for_function(f"() => ({DRAWN})().legend.indexOf('US recession (NBER)') < 0")
        drawn = page.evaluate(DRAWN)
        assert drawn["tagged"], lookback  # the chart drawn before, not a new one
        assert drawn["dates"] and all(re.fullmatch(look, d) for d in drawn["dates"]), (lookback, drawn)
        assert len([d for d in drawn["dates"] if re.search(r"\d{4}", d)]) <= 2, drawn  # the first, January
    assert_healthy(page)


def test_a_legend_with_nothing_to_name_takes_no_room(page, app_url):
    # The side-by-side chart's legend names only the shading, which 3 years without a recession do
    # not draw: the chart is as tall as with shading off (Vega keeps 18 px for an empty legend).
    heights = []
    for query in ("?a=walcl&b=tlt", "?a=walcl&b=tlt&recessions=false"):
        page.goto(f"{app_url}/{query}")
        wait_for_app(page)
        assert drawn_charts(page) == 1
        svg = page.locator("[data-testid='stVegaLiteChart'] svg.marks").first
        heights.append(svg.get_attribute("height"))
    assert heights[0] == heights[1], heights
