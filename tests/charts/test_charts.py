"""Chart specs: valid Vega-Lite (the app skips Altair's validation at run time), data as drawn."""

from __future__ import annotations

import json
from datetime import datetime

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from convex import charts
from convex.charts import changes as change_charts
from convex.charts import metric as metric_charts
from convex.charts import pair as pair_charts
from convex.charts import scenario as scenario_charts
from convex.charts.base import date_texts, views_of
from convex.metrics.catalog import catalog
from convex.metrics.recessions import nber_recessions

SCHEMA = alt.vegalite.v6.schema.load_schema()


def pair_frame(n: int = 400, freq: str = "B") -> pd.DataFrame:
    rng = np.random.default_rng(3)
    index = pd.date_range("2020-01-01", periods=n, freq=freq, name="date")
    walk = rng.normal(size=(n, 2)).cumsum(axis=0)
    return pd.DataFrame({"a": 100 + walk[:, 0], "b": 50 + walk[:, 1]}, index)


WALCL, TLT = catalog().get("walcl"), catalog().get("tlt")


def every_chart() -> dict[str, charts.ChartSpec]:
    frame = pair_frame()
    frame = frame.assign(a=frame["a"] * 60_000)  # about $6T, in WALCL's millions of USD
    shown_a, shown_b = charts.shown(frame["a"], WALCL), charts.shown(frame["b"], TLT)
    names = {"name_a": "Fed Balance Sheet", "name_b": "20Y+ Treasury (TLT)"}
    units = {"units_a": "Millions of USD", "units_b": "USD per share"}
    changes = frame.pct_change().add_suffix("_chg") * 100
    value = frame["a"] - frame["b"]
    band = pd.DataFrame({"value": value, "mean": value.rolling(20).mean()})
    band = band.assign(upper=value + 1, lower=value - 1)
    rolling = frame["a"].pct_change().rolling(20).corr(frame["b"].pct_change())
    shaded = charts.Extras(nber_recessions(), ((frame.index[100], "A's move starts"),), "A's move starts")
    return {
        "side by side": charts.side_by_side_chart(shown_a, shown_b, **names),
        "side by side, log, shaded": charts.side_by_side_chart(
            shown_a, shown_b, **names, log_a=True, log_b=True, extras=shaded
        ),
        "overlay": charts.overlay_chart(shown_a, shown_b, **names, dual_axis=False),
        "overlay, two axes": charts.overlay_chart(shown_a, shown_b, **names, dual_axis=True, extras=shaded),
        "spread band": charts.band_chart(
            band, title="Spread", units="points", value_label="Spread", band_label="±2 sd", extras=shaded
        ),
        "rolling correlation": charts.rolling_line_chart(
            rolling,
            title="r",
            label="r",
            text=str,
            domain=(-1, 1),
            extras=shaded,
            levels=[
                (frame.index[30], frame.index[200], 0.3, "+0.30"),
                (frame.index[201], frame.index[-1], -0.2, "-0.20"),
            ],
            level_label="Each window's correlation",
        ),
        "rolling beta": charts.rolling_line_chart(rolling * 2, title="beta", label="beta", text=str),
        "lead-lag": charts.lead_lag_chart(
            list(range(-3, 4)),
            [0.1, -0.2, 0.05, 0.3, None, 0.0, 0.1],
            band=0.12,
            band_adjusted=0.2,
            best_lag=0,
            period="week",
        ),
        "scatter": charts.scatter_chart(
            changes,
            **names,
            **units,
            pct_a=True,
            pct_b=True,
            beta=0.5,
            alpha=0.01,
            text_a=str,
            text_b=str,
        ),
        "history": charts.history_chart(shown_a, name="Fed Balance Sheet", extras=shaded),
        "episode paths": scenario_charts.episode_paths_chart(
            pd.DataFrame(
                {"2020-03-02": [0, -0.01, 0.02], "2021-06-01": [0, 0.01, 0.03], "median": [0, 0.0, 0.025]},
                index=pd.Index([0, 1, 2], name="step"),
            ),
            scale=100,
            step_title="Weeks after A's move",
            value_title="TLT, change since the signal (%)",
        ),
        "forecast fan": scenario_charts.fan_chart(
            pd.DataFrame(
                {
                    "value": [0, 0.01, 0.015],
                    "low_95": [0, -0.03, -0.05],
                    "high_95": [0, 0.05, 0.08],
                    "low_80": [0, -0.02, -0.03],
                    "high_80": [0, 0.04, 0.06],
                }
            ),
            scale=100,
            x_title="Weeks ahead",
            value_title="TLT's cumulative change (%)",
            line_label="Forecast",
        ),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_is_valid_vega_lite_with_its_data_named_and_tooltips(name):
    chart = every_chart()[name]
    assert validate_jsonschema(chart.spec, SCHEMA, raise_error=False) is None
    text = json.dumps(chart.spec)
    assert '"tooltip"' in text
    assert len(chart.data) > 0 and {"date", "lag", "step"} & set(chart.data.columns)


@pytest.mark.parametrize("name", list(every_chart()))
def test_what_the_pointer_shows_is_drawn_for_the_hovered_date_only(name):
    # Issue 35: a mark per date kept invisible until hovered cost the browser a node per date on every
    # rerun (3 years of the side-by-side chart: 1,235 SVG nodes, 607 without them). The crosshair's
    # rule and dots are filtered to the hovered date; only the pointer's catcher points are per date.
    spec = every_chart()[name].spec
    views = list(views_of(spec))
    for view in views:
        opacity = view.get("encoding", {}).get("opacity", {})
        assert "hover" not in json.dumps(opacity), view  # no opacity switched on by the hover
    hovered = [
        v
        for v in views
        if any(
            t.get("filter", {}) == {"param": "hover", "empty": False}
            for t in v.get("transform", [])
            if isinstance(t.get("filter"), dict)
        )
    ]
    if '"name": "hover"' in json.dumps(spec):
        assert hovered and {v["mark"]["type"] for v in hovered} <= {"rule", "circle"}


def test_a_chart_with_more_than_2000_marks_per_row_is_drawn_on_a_canvas_as_before_the_filter():
    # Side by side: dot, catcher and rule in each panel, six per row as Streamlit counted them before the
    # rule and dots were filtered to the hovered date; a recession's shading is not per row.
    shaded = charts.Extras(nber_recessions())
    drawn = {}
    for rows in (400, 300):
        frame = pair_frame(rows)  # from 2020-01-01: the 2020 recession shaded
        a, b = charts.shown(frame["a"], WALCL), charts.shown(frame["b"], TLT)
        drawn[rows] = charts.side_by_side_chart(a, b, name_a="A", name_b="B", extras=shaded)
    wide, short = drawn[400], drawn[300]
    assert "recession_start" in wide.data and len(wide.data) == 400
    assert wide.as_drawn()["usermeta"] == {"embedOptions": {"renderer": "canvas"}}  # 400 x 6 > 2,000
    assert "usermeta" not in short.as_drawn()  # 300 x 6 = 1,800: an SVG, readable by screen readers
    assert "usermeta" not in wide.spec  # the cached spec itself is left as it is


def test_an_invalid_spec_is_caught_by_the_same_check():
    spec = every_chart()["history"].spec
    broken = {**spec, "mark": {"type": "not-a-mark"}}
    assert validate_jsonschema(broken, SCHEMA, raise_error=False) is not None


def test_cached_specs_are_copies_the_caller_may_change():
    first = every_chart()["history"].spec
    first["added by a caller"] = True
    assert "added by a caller" not in every_chart()["history"].spec


# Labels of any text, placeholders of the spec cache among them.
LABELS = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["@@name_a@@", '"@@name_b@@"', "@@title@@ x", '"', "\\", "two\nlines"]),
)
LINES = st.lists(LABELS, min_size=1, max_size=3).map(tuple)  # a title's lines (axes.wrapped): labels
DECOR = (st.booleans(), LABELS, st.booleans(), LABELS)  # shade, its label, mark, its label
DOMAINS = st.sampled_from([None, (-1, 1)])
SPEC_BUILDERS = {
    "side by side": (
        pair_charts._side_by_side_spec,
        st.tuples(LABELS, LABELS, LINES, LINES, *[LABELS] * 4, st.booleans(), st.booleans(), *DECOR),
    ),
    "overlay": (
        pair_charts._overlay_spec,
        st.tuples(LABELS, LABELS, LINES, *[LABELS] * 4, st.booleans(), st.booleans(), *DECOR),
    ),
    "band": (pair_charts._band_spec, st.tuples(LABELS, LINES, LABELS, LABELS, *DECOR)),
    "rolling": (
        pair_charts._rolling_spec,
        st.tuples(*[LABELS] * 3, DOMAINS, *DECOR, st.booleans(), LABELS),
    ),
    "lead-lag": (change_charts._lead_lag_spec, st.tuples(LABELS, LABELS, LABELS)),
    "scatter": (
        change_charts._scatter_spec,
        st.tuples(*[LABELS] * 4, st.booleans(), st.booleans(), LABELS, LABELS, LABELS),
    ),
    "history": (
        metric_charts._history_spec,
        st.tuples(LABELS, LINES, LABELS, LABELS, st.booleans(), *DECOR),
    ),
    "episode paths": (scenario_charts._paths_spec, st.tuples(LABELS, LABELS)),
    "fan": (scenario_charts._fan_spec, st.tuples(LABELS, LABELS, st.just(("95", "80")), LABELS)),
}


@pytest.mark.parametrize("kind", SPEC_BUILDERS)
def test_a_spec_built_once_per_shape_is_the_spec_built_with_its_labels(kind):
    from streamlit.elements.vega_charts import _stabilize_vega_json_spec as as_sent

    builder, arguments = SPEC_BUILDERS[kind]

    # Altair names views by a hash of their encoding, labels included; Streamlit renames them in
    # order before sending (as_sent), so what the browser gets is compared.
    @settings(max_examples=8, deadline=None)
    @given(arguments)
    def check(args):
        assert as_sent(json.dumps(builder(*args))) == as_sent(json.dumps(builder.direct(*args)))

    check()
    assert builder.cache_info().currsize >= 1


def test_a_title_s_lines_are_labels_their_number_the_shape():
    # Issue 35: each new pair's units rebuilt its charts in Altair (a fifth of the server's CPU under
    # 20 sessions); lines of the same number now share one template.
    builder = pair_charts._side_by_side_spec
    builder.cache_clear()  # other tests in this process may have built these shapes already
    shape = (False, False, True, "US recession (NBER)", False, "")
    builder("A", "B", ("Millions of USD",), ("Percent",), "$", "M", "", "%", *shape)
    misses = builder.cache_info().misses
    spec = builder("C", "D", ("Index 2015=100",), ("USD per share",), "", "", "$", "", *shape)
    assert builder.cache_info().misses == misses  # the same template
    assert spec["vconcat"][0]["title"]["subtitle"] == ["Index 2015=100"]
    builder("C", "D", ("Index", "2015=100"), ("USD per share",), "", "", "$", "", *shape)
    assert builder.cache_info().misses == misses + 1  # two lines: another shape


def test_short_frames_are_drawn_whole():
    frame = pair_frame(300)
    shown, note = charts.thin_for_display(frame, max_points=300)
    assert shown is frame and note is None


def test_daily_data_is_thinned_to_the_last_trading_day_of_each_week():
    frame = pair_frame(2000)  # business days
    shown, note = charts.thin_for_display(frame, max_points=1500)
    weeks = frame.index.to_period("W-FRI")
    assert len(shown) == weeks.nunique() <= 1500
    expected = frame.groupby(weeks).tail(1)
    pd.testing.assert_frame_equal(shown, expected)  # real rows, on their real dates
    assert note == f"chart shows weekly points ({len(shown):,} of 2,000); statistics use all"


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12_000), max_points=st.integers(10, 2_000), freq=st.sampled_from(["D", "B", "h"]))
def test_thinning_never_exceeds_the_cap_and_keeps_the_last_row(n, max_points, freq):
    frame = pair_frame(n, freq)
    shown, note = charts.thin_for_display(frame, max_points=max_points)
    assert len(shown) <= max_points
    assert shown.index.is_monotonic_increasing and shown.index.is_unique
    assert shown.index[-1] == frame.index[-1]  # the latest point is always drawn
    assert shown.index.isin(frame.index).all()
    assert (note is None) == (len(frame) <= max_points)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.datetimes(datetime(1800, 1, 1), datetime(2200, 1, 1)), max_size=40))
def test_a_tooltip_writes_each_date_as_strftime_would(dates):
    index = pd.DatetimeIndex(dates)
    assert list(date_texts(index)) == list(index.strftime("%a %Y-%m-%d"))
    assert list(date_texts(pd.Series([pd.NaT, pd.Timestamp("2024-03-01")]))) == ["n/a", "Fri 2024-03-01"]
