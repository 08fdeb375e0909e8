"""The chart controls through AppTest: the value axis (`scale=log`) and recession shading
(`recessions=false`) round-trip through the URL on the compare page and the explorer, a log scale is
refused with a message for a series that is not all positive, and a stored FRED recession
indicator takes precedence over the NBER table in what the charts shade."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from convex.metrics.recessions import indicator_source
from convex.store import Store
from tests.fakes import synthetic_series
from tests.ui.test_pages import APP, chart_specs, fresh_caches, run, texts  # noqa: F401 (fixture)

NEGATIVE = "t10y2y"  # the 10Y-2Y spread: below zero for much of the synthetic history


@pytest.fixture
def store() -> Store:
    store = Store()
    for seed, metric_id in enumerate(("walcl", "tlt", "spy", "gld")):
        store.write_series(metric_id, synthetic_series(metric_id, years=8, seed=seed), provenance="live",
                           source="test")  # fmt: skip
    spread = synthetic_series(NEGATIVE, years=8, seed=7)
    store.write_series(NEGATIVE, spread - spread.mean(), provenance="live", source="test")  # crosses zero
    return store


def chart_data(at) -> list[pd.DataFrame]:
    """Each chart's rows as the browser receives them (Arrow)."""
    frames = []
    for el in at.get("vega_lite_chart"):
        buffers = [ds.data.data for ds in el.proto.datasets] or [el.proto.data.data]
        frames.append(pa.ipc.open_stream(buffers[0]).read_all().to_pandas())
    return frames


def y_scale_types(spec: dict) -> list[str | None]:
    found = []

    def visit(node):
        if isinstance(node, dict):
            y = node.get("encoding", {}).get("y")
            if isinstance(y, dict) and "axis" in y:  # the layer that draws the axis
                found.append(y.get("scale", {}).get("type"))
            for child in node.get("layer", []) + node.get("vconcat", []):
                visit(child)

    visit(spec)
    return found


def shaded(data: pd.DataFrame) -> bool:
    """Whether a chart shades a recession: its data has a flagged row (its spec is the same for
    every window; the legend names the shading by the same flag)."""
    return "shaded" in data and bool(data["shaded"].eq(True).any())


def test_recessions_are_shaded_by_default_and_a_link_turns_them_off(store):
    at = run(a="spy", b="tlt", dates="2019-06-03..2021-06-30")
    assert at.toggle(key="recessions").value is True
    assert shaded(chart_data(at)[0])
    rows = chart_data(at)[0].dropna(subset=["recession_start"])
    assert rows["recession_start"].tolist() == [pd.Timestamp("2020-03-01")]
    assert rows["recession_end"].tolist() == [pd.Timestamp("2020-05-01")]  # the day after 30 April
    assert "Grey bars: US recessions (Mar 2020–Apr 2020)" in texts(at)
    assert "US recession (NBER)" in json.dumps(chart_specs(at)[0])

    off = run(a="spy", b="tlt", dates="2019-06-03..2021-06-30", recessions="false")
    assert off.toggle(key="recessions").value is False
    assert not any(shaded(d) for d in chart_data(off)) and "Grey bars" not in texts(off)
    assert "recessions=false" in off.code[0].value


def test_a_window_without_a_recession_has_no_shading(store):
    at = run(a="spy", b="tlt", dates="2022-01-03..2023-06-30")
    assert not shaded(chart_data(at)[0]) and "Grey bars" not in texts(at)


def test_scale_log_round_trips_and_draws_both_panels_on_a_log_scale(store):
    at = run(a="spy", b="tlt", scale="log")
    assert at.selectbox(key="scale").value == "log"
    assert y_scale_types(chart_specs(at)[0]) and set(y_scale_types(chart_specs(at)[0])) == {"log"}
    assert at.code[0].value == "?a=spy&b=tlt&scale=log"
    at.selectbox(key="scale").select("linear").run()
    assert "log" not in y_scale_types(chart_specs(at)[0]) and "scale" not in at.code[0].value


def test_every_chart_control_is_a_widget_that_changes_the_charts(store):
    at = run(a="spy", b="tlt", lookback="Max")
    before = chart_data(at)[0]
    at.toggle(key="recessions").set_value(False).run()
    assert shaded(before) and not shaded(chart_data(at)[0])
    assert at.code[0].value == "?a=spy&b=tlt&lookback=Max&recessions=false"


def test_a_log_scale_is_refused_with_a_message_for_a_series_not_all_positive(store):
    at = run(a=NEGATIVE, b="spy", scale="log")
    name = "10Y-2Y Treasury Spread"
    notes = [c.value for c in at.caption if "Log scale needs values above zero" in c.value]
    assert len(notes) == 1 and name in notes[0] and "so its axis stays linear" in notes[0]
    # The lowest value the page names is the lowest drawn, with its date.
    data = chart_data(at)[0]
    lowest = data.loc[data["a"].idxmin()]
    assert f"is {lowest['a_text']} on {lowest['date']:%Y-%m-%d}" in notes[0]
    assert y_scale_types(chart_specs(at)[0]) == [None, "log"]  # A linear, B (SPY) on a log scale
    overlay = run(a=NEGATIVE, b="spy", scale="log", view="Overlay")
    assert "log" not in y_scale_types(chart_specs(overlay)[0])  # one axis: linear for both


def test_a_stored_fred_indicator_takes_precedence_in_the_shading(store):
    indicator = pd.Series(0.0, index=pd.date_range("2015-01-01", "2026-06-01", freq="MS"))
    indicator["2022-01-01":"2022-06-01"] = 1.0  # not an NBER recession: only the indicator says so
    store.write_series(indicator_source().id, indicator, provenance="import", source="fred")
    at = run(a="spy", b="tlt", dates="2019-06-03..2023-06-30")
    assert "US recession (FRED USREC)" in json.dumps(chart_specs(at)[0])
    assert "Grey bars: US recessions (Jan 2022–Jun 2022)" in texts(at)
    assert "Mar 2020" not in texts(at)


def explorer(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/metric.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_explorer_takes_both_controls_from_its_link(store):
    at = explorer(metric="walcl", scale="log", recessions="false", lookback="Max")
    assert at.selectbox(key="scale").value == "log" and at.toggle(key="recessions").value is False
    spec = chart_specs(at)[0]
    assert "log" in y_scale_types(spec) and not shaded(chart_data(at)[0])
    default = explorer(metric="walcl", lookback="Max")
    assert shaded(chart_data(default)[0])
    # The axis is in the header's scale: its units in words follow the header's suffix ("$113.25M").
    latest = next(m.value for m in default.metric if m.label == "Latest")
    words = {"T": "Trillions", "B": "Billions", "M": "Millions"}[latest[-1]]
    assert f"{words} of USD" in json.dumps(chart_specs(default)[0])
    assert "Grey bars: US recessions (Mar 2020–Apr 2020)" in texts(default)


def test_fred_units_and_frequency_round_trip_and_apply_to_charts_and_statistics(store):
    at = run(a="walcl", b="spy", units="pc1", freq="m", agg="avg", lookback="5Y")
    assert (at.selectbox(key="units").value, at.selectbox(key="freq").value) == ("pc1", "m")
    assert at.selectbox(key="agg").value == "avg"
    assert "units=pc1&freq=m&agg=avg" in at.code[0].value
    note = next(c.value for c in at.caption if c.value.startswith("Units in the charts and every statistic"))
    assert "Fed Balance Sheet: Percent Change from Year Ago of monthly averages" in note
    assert "aggregation, then units" in note
    assert any("Aligned monthly" in c.value for c in at.caption)  # the statistics are of monthly values
    panels = chart_specs(at)[0]["vconcat"]  # each panel's units, in lines that fit a phone
    assert [" ".join(p["title"]["subtitle"]) for p in panels] == [
        "Percent Change from Year Ago of monthly averages"
    ] * 2
    # Each drawn value is the year-ago percent change of a month's average of what is stored.
    stored = Store().read_series("spy")
    months = stored.resample("MS").mean()
    expected = (months / months.shift(12) - 1) * 100
    data = chart_data(at)[0].dropna(subset=["b"]).set_index("date")
    np.testing.assert_allclose(data["b"].to_numpy(), expected.reindex(data.index).to_numpy(), rtol=1e-9)
    # Back to levels from the control: the URL forgets the units.
    at.selectbox(key="units").select("lin").run()
    assert "units=" not in at.code[0].value and "freq=m" in at.code[0].value


def test_as_published_the_page_says_which_changes_the_statistics_compare(store):
    at = run(a="walcl", b="spy")
    note = next(c.value for c in at.caption if c.value.startswith("Units: each series as published"))
    assert "Fed Balance Sheet in Millions of USD, compared by % changes" in note


def test_a_link_with_units_the_page_does_not_offer_falls_back_with_a_notice(store):
    at = run(a="walcl", b="spy", units="log", freq="d")
    assert at.selectbox(key="units").value == "lin" and at.selectbox(key="freq").value is None
    assert sum("is not valid here" in w.value for w in at.warning) == 2


def test_units_that_leave_a_series_without_values_are_refused_with_its_dates(store):
    short = synthetic_series("qqq", years=0.3, seed=11)
    store.write_series("qqq", short, provenance="live", source="test")
    at = run(a="qqq", b="spy", units="pc1")
    notice = next(w.value for w in at.warning if "has no values as Percent Change from Year Ago" in w.value)
    assert (
        f"its {len(short):,} observations ({short.index[0]:%Y-%m-%d} to {short.index[-1]:%Y-%m-%d})" in notice
    )
    assert chart_specs(at) and "Units: each series as published" in texts(at)
