"""`?asof=` on the compare page and the explorer (AppTest): the day said at the top and in the share
box, every figure from the data as known then (equal to the Python API's `asof`), strict parsing of
the link and the typed day, and the way back to today's data. The stored series and vintages are
the planted revision of tests/data/test_asof.py (made up), and made-up market closes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import convex
from convex.metrics.catalog import catalog
from convex.metrics.formatting import format_r, format_value
from convex.store import Store
from tests.data.test_asof import MONTHS, _payems, _vintages
from tests.ui.test_pages import (
    fresh_caches,  # noqa: F401 (autouse fixture: empty st caches per test)
    tables,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def store() -> Store:
    payems = _payems()
    table, cpi = _vintages(payems)
    store = Store()
    store.write_series("cpiaucsl", cpi, provenance="live", source="fred")
    store.write_vintages("cpiaucsl", table, kind="releases", origin="fred-api")
    store.write_series("payems", payems, provenance="live", source="fred")
    days = pd.bdate_range(MONTHS[0], "2023-06-30", name="date")
    spy = 200 * np.exp(np.cumsum(np.random.default_rng(5).normal(0.0003, 0.01, len(days))))
    store.write_series("spy", pd.Series(spy, index=days), provenance="live", source="yahoo")
    return store


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def infos(at: AppTest) -> str:
    """The info boxes as read (markdown's escapes taken away)."""
    return "\n".join(i.value for i in at.info).replace("\\", "")


def test_the_compare_page_as_known_on_a_day(store):
    at = run(a="cpiaucsl", b="spy", asof="2021-06-15", lookback="Max")
    banner = infos(at)
    assert "**As known on 15 Jun 2021**" in banner
    assert "- CPI (All Items): the vintage in force on 15 Jun 2021 (every release from the FRED API" in banner
    assert "- S&P 500 ETF (SPY): values dated up to 15 Jun 2021" in banner
    link, address, snippet = (c.value for c in at.code[:3])
    assert "asof=2021-06-15" in link and address.endswith("&asof=2021-06-15")
    assert "asof='2021-06-15'" in snippet
    assert any("As known on 15 Jun 2021: the link, the API and the Python" in c.value for c in at.caption)
    expected = convex.compare("cpiaucsl", "spy", lookback="Max", asof="2021-06-15")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Correlation of changes"] == format_r(expected.r)
    assert expected.end == pd.Timestamp("2021-05-01")  # May's CPI, out 10 Jun, is the last value known
    cpi = catalog().get("cpiaucsl")
    assert shown["CPI (All Items)"] == format_value(_known_may(), cpi)
    today = convex.compare("cpiaucsl", "spy", lookback="Max")
    assert today.end > expected.end and shown["Correlation of changes"] != format_r(today.r)


def _known_may() -> float:
    table, _ = _vintages(_payems())
    row = table[(table["date"] == pd.Timestamp("2021-05-01"))].iloc[0]  # its first release, in force then
    return float(row["value"])


@pytest.mark.parametrize("given", ["2021-02-30", "2999-01-01", "<script>alert(1)</script>", "15/06/2021"])
def test_a_day_that_cannot_be_used_falls_back_to_todays_data_with_a_notice(store, given):
    at = run(a="cpiaucsl", b="spy", asof=given)
    assert any("“asof” is not valid here" in w.value for w in at.warning)
    assert "As known on" not in infos(at) and "asof" not in at.code[0].value
    assert given not in "\n".join(str(e.value) for e in (*at.warning, *at.info, *at.markdown, *at.caption))


def test_typing_a_day_applies_it_and_the_way_back_clears_it(store):
    at = run(a="cpiaucsl", b="spy")
    field = next(t for t in at.text_input if t.label == "Day")
    field.input("2021-06-15").run()
    assert "As known on 15 Jun 2021" in infos(at) and "asof=2021-06-15" in at.code[0].value
    field = next(t for t in at.text_input if t.label == "Day")
    field.input("2021-13-01").run()
    assert any("Write a day from 1900 to today" in e.value for e in at.error)
    assert "As known on 15 Jun 2021" in infos(at)  # the day in force stays
    next(b for b in at.button if b.label == "Back to today's data").click().run()
    assert "As known on" not in infos(at) and "asof" not in at.code[0].value


def test_the_explorer_as_known_on_a_day(store):
    at = run("pages/metric.py", metric="cpiaucsl", asof="2021-06-15")
    assert "As known on 15 Jun 2021" in infos(at) and "the vintage in force" in infos(at)
    latest = {m.label: m.value for m in at.metric}["Latest"]
    assert latest == format_value(_known_may(), catalog().get("cpiaucsl"))
    assert any("left out of a view as known on a past day" in c.value for c in at.caption)
    bad = run("pages/metric.py", metric="cpiaucsl", asof="2021-6-15")
    assert any("“asof” is not valid here" in w.value for w in bad.warning)


# ------------------------------------------------------------------ revisions
def test_the_explorer_shows_the_revisions_of_a_metric_with_vintages(store):
    from convex.analytics.revisions import revision_stats
    from convex.metrics.formatting import format_share
    from convex.sources.vintages import revision_frame

    at = run("pages/metric.py", metric="cpiaucsl", lookback="Max")
    assert "Revisions" in [s.value for s in at.subheader]
    table, _ = _vintages(_payems())
    stats = revision_stats(revision_frame(table))
    cpi = catalog().get("cpiaucsl")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Mean absolute revision"] == format_value(stats.mean_abs_revision, cpi)
    assert shown["Largest revision"] == format_value(stats.largest_revision, cpi)
    assert shown["Sign of the change revised"] == format_share(stats.sign_revised_share)
    assert stats.revised == 96 and stats.n == 96  # every month rewritten on 15 Jan 2023 (Dec 2022 too)
    assert len(at.get("vega_lite_chart")) == 2  # the history, and first release against today
    assert tables(at)[-1].shape[0] == 6  # the latest six periods
    # Without vintages, a macro release says how to get them; a market close says nothing.
    payems = run("pages/metric.py", metric="payems")
    assert any("No vintages of Nonfarm Payrolls are stored" in c.value for c in payems.caption)
    assert "Revisions" not in [s.value for s in payems.subheader]


def test_the_pair_page_says_when_revisions_change_its_figures(store):
    at = run(a="cpiaucsl", b="payems", lookback="Max")
    note = next(w.value for w in at.warning if "Revisions matter here" in w.value)
    today = convex.compare("cpiaucsl", "payems", lookback="Max")
    # By hand: CPI as first published (each month's first vintage), payrolls as they are today.
    table, _ = _vintages(_payems())
    first = table.sort_values("realtime_start").drop_duplicates("date").set_index("date")["value"]
    payems = Store().read_series("payems")
    common = first.index.intersection(payems.index)
    a, b = first.loc[common].to_numpy(), payems.loc[common].to_numpy()
    r_first = np.corrcoef(a[1:] / a[:-1] - 1, b[1:] / b[:-1] - 1)[0, 1]
    assert f"the correlation of changes is {format_r(r_first)} against {format_r(today.r)}" in note
    assert "CPI (All Items) as first published (96 of 96 values)" in note
    # A view as known on a day uses the vintages in force: no such note.
    asof = run(a="cpiaucsl", b="payems", lookback="Max", asof="2021-06-15")
    assert not any("Revisions" in w.value for w in asof.warning)
