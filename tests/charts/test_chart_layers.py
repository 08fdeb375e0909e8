"""What the time charts add and how they read: recession shading exactly where a window spans a
recession (dates from the NBER table), marked dates, a log scale when asked, date ticks chosen from
the window with no label twice, values in the header's units, one legend naming every layer."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convex import charts
from convex.charts.axes import _DATE_TICKS, TICK_COUNT, TICK_LABEL
from convex.metrics.catalog import catalog
from convex.metrics.formatting import format_value
from convex.metrics.recessions import nber_recessions
from tests.metrics.test_recessions import expected_from_table

WALCL, TLT, DGS10 = (catalog().get(i) for i in ("walcl", "tlt", "dgs10"))


def layers(spec: dict) -> list[dict]:
    """Every unit view of a spec (layers and concatenations flattened)."""
    out = []
    for child in spec.get("layer", []) + spec.get("vconcat", []):
        out += layers(child) if ("layer" in child or "vconcat" in child) else [child]
    return out


def shading_layers(spec: dict) -> list[dict]:
    return [v for v in layers(spec) if v["encoding"].get("x", {}).get("field") == "recession_start"]


def legend_domains(spec: dict) -> list[list[str]]:
    return [
        v["encoding"]["color"]["scale"]["domain"]
        for v in layers(spec)
        if "scale" in v["encoding"].get("color", {})
    ]


def legend_values(spec: dict) -> list[str]:
    """The Vega expressions of the labels each legend shows (when it names them by the data)."""
    return [
        v["encoding"]["color"]["legend"]["values"]["expr"]
        for v in layers(spec)
        if "values" in v["encoding"].get("color", {}).get("legend", {})
    ][:1]


def shaded_spans(data: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The (first, last day) of each recession a chart's data shades."""
    if "recession_start" not in data:
        return []
    drawn = data.dropna(subset=["recession_start"])
    ends = drawn["recession_end"] - pd.Timedelta(days=1)  # drawn to the day after the last
    return list(zip(drawn["recession_start"], ends, strict=True))


def walk(first: str, last: str, freq: str = "B") -> pd.Series:
    index = pd.date_range(first, last, freq=freq)
    rng = np.random.default_rng(len(index))
    return pd.Series(4e6 * np.exp(np.cumsum(rng.normal(0, 0.01, len(index)))), index=index)


def history(series: pd.Series, *, shading=True, log=False) -> charts.ChartSpec:
    extras = charts.Extras(nber_recessions() if shading else None)
    return charts.history_chart(charts.shown(series, WALCL), name=WALCL.name, log=log, extras=extras)


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(pd.Timestamp("1850-01-01").date(), pd.Timestamp("2024-01-01").date()),
    days=st.integers(20, 40 * 365),
    freq=st.sampled_from(["B", "W-WED", "MS"]),
)
def test_the_shading_is_there_exactly_for_windows_that_span_a_recession(start, days, freq):
    series = walk(str(start), str(pd.Timestamp(start) + pd.Timedelta(days=days)), freq)
    if len(series) < 2:
        return
    chart = history(series)
    first, last = series.index[0], series.index[-1]
    expected = [
        (max(s.start, first), min(s.end, last))
        for s in expected_from_table()
        if s.start <= last and s.end >= first
    ]
    assert shading_layers(chart.spec)  # shading on: one spec for every window, shaded or not
    assert shaded_spans(chart.data) == expected
    # The shading is named in the legend, with its source, exactly when it is drawn: its rows are
    # flagged, and the legend lists it only when a row is (a browser test reads the legend drawn).
    flagged = chart.data.get("shaded", pd.Series(dtype=object)).eq(True)
    assert flagged.sum() == len(expected)
    assert flagged.equals(chart.data.get("recession_start", pd.Series(dtype=object)).notna()) or not expected
    assert legend_values(chart.spec) == [
        "(indata('source', \"shaded\", true) ? [\"Fed Balance Sheet\", \"US recession (NBER)\"]"
        " : [\"Fed Balance Sheet\"])"
    ]


def test_shading_off_draws_none_even_over_a_recession():
    series = walk("2007-01-01", "2010-12-31")
    assert shading_layers(history(series).spec)
    off = history(series, shading=False)
    assert not shading_layers(off.spec) and "recession_start" not in off.data


def every_time_chart(first: str, last: str, extras: charts.Extras) -> dict[str, charts.ChartSpec]:
    frame = pd.DataFrame({"a": walk(first, last), "b": walk(first, last) / 1e4})
    a, b = charts.shown(frame["a"], WALCL), charts.shown(frame["b"], TLT)
    band = pd.DataFrame(
        {"value": frame["b"], "mean": frame["b"], "upper": frame["b"] + 1, "lower": frame["b"] - 1}
    )
    rolling = frame["a"].pct_change().rolling(5).corr(frame["b"].pct_change())
    return {
        "side by side": charts.side_by_side_chart(a, b, name_a="A", name_b="B", extras=extras),
        "overlay": charts.overlay_chart(a, b, name_a="A", name_b="B", dual_axis=True, extras=extras),
        "spread": charts.band_chart(band, title="t", units="u", value_label="v", band_label="b",
                                    extras=extras),
        "rolling": charts.rolling_line_chart(rolling, title="t", label="r", text=str, extras=extras),
        "history": history(frame["a"], shading=extras.recessions is not None),
    }  # fmt: skip


def test_every_time_chart_shades_the_same_recessions():
    built = every_time_chart("2019-01-01", "2021-12-31", charts.Extras(nber_recessions()))
    covid = [(pd.Timestamp("2020-03-01"), pd.Timestamp("2020-04-30"))]
    for name, chart in built.items():
        assert shading_layers(chart.spec), name
        assert shaded_spans(chart.data) == covid, name


@pytest.mark.parametrize("shading", [True, False])
def test_a_time_chart_s_spec_is_the_same_for_every_window_shaded_or_not(shading):
    # Issue 35: a new spec makes the browser build a chart anew (about 170 ms of a lookback change);
    # the same spec with new data is only redrawn. Ticks, labels and legend follow the data drawn.
    extras = charts.Extras(nber_recessions() if shading else None)
    windows = [("2025-11-03", "2025-11-21"), ("2024-06-03", "2025-11-21"), ("2016-11-21", "2025-11-21")]
    built = [every_time_chart(first, last, extras) for first, last in windows]
    assert bool(shaded_spans(built[-1]["overlay"].data)) == shading  # the longest spans 2020's
    for name in built[0]:
        assert built[0][name].spec == built[1][name].spec == built[2][name].spec, name


def test_marked_dates_are_drawn_inside_the_window_and_named_in_the_legend():
    frame = pd.DataFrame({"a": walk("2019-01-01", "2019-12-31"), "b": walk("2019-01-01", "2019-12-31")})
    a, b = charts.shown(frame["a"], WALCL), charts.shown(frame["b"], TLT)
    inside, outside = pd.Timestamp("2019-06-03"), pd.Timestamp("2021-01-04")
    extras = charts.Extras(None, ((inside, "A's move starts"), (outside, "later")), "A's move starts")
    chart = charts.overlay_chart(a, b, name_a="A", name_b="B", dual_axis=False, extras=extras)
    assert list(chart.data["mark_date"].dropna()) == [inside]
    assert chart.data["mark_label"].dropna().tolist() == ["A's move starts, Mon 2019-06-03"]
    assert any("A's move starts" in d for d in legend_domains(chart.spec))


def test_a_log_scale_is_drawn_when_asked():
    series = walk("2015-01-01", "2020-01-01")

    def y_scales(spec):
        return [v["encoding"]["y"].get("scale", {}).get("type") for v in layers(spec) if "y" in v["encoding"]]

    assert "log" in y_scales(history(series, log=True).spec)
    assert "log" not in y_scales(history(series).spec)


def test_a_series_with_values_at_or_below_zero_cannot_take_a_log_scale():
    assert charts.shown(walk("2020-01-01", "2021-01-01"), WALCL).positive
    rates = pd.Series([0.5, 0.1, -0.2, 0.3], index=pd.date_range("2020-01-01", periods=4))
    assert not charts.shown(rates, DGS10).positive
    assert not charts.shown(walk("2020-01-01", "2021-01-01"), WALCL, "zscore").positive


def ticks_for(days: int) -> tuple[str, int, str, str]:
    """The row of the date tick table for a window of `days`, as the axis' expressions choose it."""
    return next(row[1:] for row in _DATE_TICKS if row[0] is None or days <= row[0])


def test_the_axis_expressions_choose_the_ticks_and_labels_of_the_window_s_row_in_order():
    # The axis reads the days its domain spans (Vega); each row's choice follows its limit, in order.
    days = "span(domain('x')) / 864e5"
    count = [f"{days} <= {limit} ? {{interval: '{interval}', step: {step}}}"
             for limit, interval, step, *_ in _DATE_TICKS[:-1]]  # fmt: skip
    assert [TICK_COUNT.index(part) for part in count] == sorted(TICK_COUNT.index(part) for part in count)
    assert TICK_COUNT.endswith(": {interval: 'year', step: 10}")
    positions = [TICK_LABEL.index(f"{days} <= {limit} ? ") for limit, *_ in _DATE_TICKS[:-1]]
    assert positions == sorted(positions)
    # Each row's labels sit between its limit and the next one's (the last row's after them all).
    ends = [*positions[1:], len(TICK_LABEL), len(TICK_LABEL)]
    segments = zip([*positions, positions[-1]], ends, strict=True)
    for (_, interval, step, label, first_label), (start, end) in zip(_DATE_TICKS, segments, strict=True):
        chosen = TICK_LABEL[start:end]
        for text in (first_label, label):
            assert f'utcFormat(datum.value, "{text}")' in chosen
        assert ("utcmonth(datum.value) == 0" in chosen) == ((interval, step) == ("month", 1))
    last = _DATE_TICKS[-1]
    assert TICK_LABEL.endswith(f': (datum.index == 0 ? utcFormat(datum.value, "{last[4]}")'
                               f' : utcFormat(datum.value, "{last[3]}"))')  # fmt: skip


def _labels(first: pd.Timestamp, last: pd.Timestamp) -> list[str]:
    """The tick labels Vega draws for a window: ticks every `step` intervals (days of the month,
    Sundays, months, years, as d3's UTC intervals count), each formatted as the axis says."""
    interval, step, label, first_label = ticks_for((last - first).days)
    if interval == "day":
        ticks = [d for d in pd.date_range(first, last, freq="D") if (d.day - 1) % step == 0]
    elif interval == "week":
        sundays = pd.date_range(first, last, freq="W-SUN")
        ticks = [d for d in sundays if ((d - pd.Timestamp("1970-01-04")).days // 7) % step == 0]
    elif interval == "month":
        ticks = [d for d in pd.date_range(first, last, freq="MS") if d.month % step == 1 % step]
    else:
        ticks = [d for d in pd.date_range(first, last, freq="YS") if d.year % step == 0]
    formats = [first_label] + [label] * (len(ticks) - 1)
    return [
        d.strftime(f.replace("%-d", "%d").replace("%d", str(d.day)))
        for d, f in zip(ticks, formats, strict=False)
    ]


@pytest.mark.parametrize(
    "days", [7, 12, 21, 25, 45, 70, 90, 140, 366, 700, 1100, 1826, 3653, 7000, 12000, 40000]
)
def test_date_ticks_never_repeat_a_label_and_come_in_a_readable_number(days):
    last = pd.Timestamp("2025-12-31")
    labels = _labels(last - pd.Timedelta(days=days), last)
    assert len(labels) == len(set(labels)), labels
    assert 2 <= len(labels) <= 16, labels


def test_short_windows_tick_days_or_weeks_and_long_ones_years():
    assert ticks_for(21)[0] == "day"
    assert ticks_for(90)[0] == "week"
    assert ticks_for(9132)[0] == "year"
    assert [row[0] for row in _DATE_TICKS][-1] is None  # every window has a row


def test_the_date_axis_keeps_its_last_label_inside_the_chart():
    x = [v["encoding"]["x"] for v in layers(history(walk("2025-10-01", "2025-12-30")).spec)
         if v["encoding"].get("x", {}).get("field") == "date"]  # fmt: skip
    assert x and all(e["axis"]["labelFlush"] and e["axis"]["labelOverlap"] for e in x)
    assert all(e["scale"]["type"] == "utc" for e in x)


def test_values_are_drawn_in_the_headers_scale_and_tooltips_in_the_metrics_units():
    series = walk("2020-01-01", "2025-01-01") * 1.5  # millions of USD, about $6T
    drawn = charts.shown(series, WALCL)
    assert (drawn.axis.prefix, drawn.axis.suffix, drawn.axis.words) == ("$", "T", "Trillions of USD")
    header = format_value(series.iloc[-1], WALCL)  # "$6.63T" as the page's header writes it
    assert header == f"${drawn.values.iloc[-1]:,.2f}T"
    assert list(drawn.text) == [format_value(v, WALCL) for v in series]
    chart = history(series)
    assert chart.data["value_text"].iloc[-1] == header
    y_axes = [v["encoding"]["y"]["axis"] for v in layers(chart.spec) if "axis" in v["encoding"].get("y", {})]
    assert any('"$"' in a["labelExpr"] and '"T"' in a["labelExpr"] for a in y_axes)
    assert all(a.get("title") is None for a in y_axes)  # the units are in the chart's title instead
    assert json.dumps(chart.spec).count("Trillions of USD") == 1


def test_every_band_and_marker_is_in_a_legend():
    frame = pd.DataFrame({"a_chg": np.linspace(-0.02, 0.02, 50), "b_chg": np.linspace(0.01, -0.01, 50)},
                         index=pd.date_range("2024-01-01", periods=50))  # fmt: skip
    scatter = charts.scatter_chart(
        frame, name_a="A", name_b="B", units_a="% change", units_b="% change", pct_a=True, pct_b=True,
        beta=-0.5, alpha=0.0, text_a=str, text_b=str, period="week",
    )  # fmt: skip
    assert ["Each week's changes", "Hedge line (β = -0.5)", "Latest week (◆)"] in legend_domains(scatter.spec)
    lead_lag = charts.lead_lag_chart(
        [-1, 0, 1], [0.1, 0.2, 0.0], band=0.1, band_adjusted=0.2, best_lag=0, period="week"
    )
    dashed = [v for v in layers(lead_lag.spec) if "strokeDash" in v["encoding"]]
    dashes = [v["encoding"]["strokeDash"]["scale"]["domain"] for v in dashed]
    assert dashes and all(
        d == ["Noise band at one lag (±0.100)", "Band for 3 lags searched (±0.200)"] for d in dashes
    )
    value = pd.Series(np.arange(40.0), index=pd.date_range("2024-01-01", periods=40))
    lines = pd.DataFrame({"value": value, "mean": value, "upper": value + 1, "lower": value - 1})
    band = charts.band_chart(lines, title="t", units="u", value_label="Spread", band_label="Band ± 2 sd")
    assert ["Spread", "Its mean", "Band ± 2 sd"] in legend_domains(band.spec)
