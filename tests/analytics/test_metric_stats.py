from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from convex.analytics.metric_stats import (
    CHANGE_LABELS,
    MIN_VOLATILITY_CHANGES,
    max_drawdown,
    metric_statistics,
    percentile_in_history,
)
from tests.analytics.synthetic import business_days, level_walk, price_walk


def daily_prices(n: int = 800, seed: int = 1) -> pd.Series:
    return price_walk(business_days("2019-01-01", n), seed=seed)


def as_of(series: pd.Series, date) -> tuple[pd.Timestamp, float]:
    upto = series[series.index <= pd.Timestamp(date)]
    return upto.index[-1], float(upto.iloc[-1])


def test_latest_and_horizon_changes_of_a_daily_price_series():
    s = daily_prices()
    m = metric_statistics(s, frequency="daily", change="pct")
    last_date, last = s.index[-1], s.iloc[-1]
    assert m.latest_date == last_date and m.latest_value == last
    assert [c.label for c in m.changes] == list(CHANGE_LABELS)
    assert m.change_over("1 period").change == pytest.approx(last / s.iloc[-2] - 1)
    targets = {
        "1 week": last_date - pd.DateOffset(weeks=1),
        "1 month": last_date - pd.DateOffset(months=1),
        "3 months": last_date - pd.DateOffset(months=3),
        "1 year": last_date - pd.DateOffset(years=1),
        "YTD": pd.Timestamp(year=last_date.year - 1, month=12, day=31),
    }
    for label, target in targets.items():
        base_date, base = as_of(s, target)
        change = m.change_over(label)
        assert change.base_date == base_date, label
        assert change.change == pytest.approx(last / base - 1), label
        assert change.insufficient is None


def test_ytd_is_relative_to_the_last_observation_of_the_previous_year():
    days = pd.bdate_range("2023-12-20", "2024-03-15")
    s = pd.Series(np.arange(len(days), dtype=float) + 100, index=days)
    m = metric_statistics(s, frequency="daily", change="diff")
    ytd = m.change_over("YTD")
    assert ytd.base_date == pd.Timestamp("2023-12-29")  # the last business day of 2023
    assert ytd.change == s.iloc[-1] - s[pd.Timestamp("2023-12-29")]


def test_changes_are_none_with_a_reason_when_the_data_do_not_reach_back():
    s = daily_prices(n=60)
    m = metric_statistics(s, frequency="daily", change="pct")
    assert m.change_over("1 year").change is None
    assert "start after" in m.change_over("1 year").insufficient
    assert m.change_over("1 month").change is not None


def test_a_stale_base_does_not_pass_for_a_horizon_change():
    s = daily_prices(n=600)
    last = s.index[-1]
    gap = (s.index > last - pd.DateOffset(months=4)) & (s.index < last - pd.DateOffset(months=2))
    m = metric_statistics(s[~gap], frequency="daily", change="pct")
    assert m.change_over("3 months").change is None
    assert "within 7 days" in m.change_over("3 months").insufficient


def test_monthly_series_has_no_one_week_change_and_its_one_month_change_is_one_period():
    months = pd.date_range("2015-01-01", "2024-06-01", freq="MS")
    cpi = pd.Series(np.linspace(230, 310, len(months)), index=months)
    m = metric_statistics(cpi, frequency="monthly", change="pct", window="1Y")
    assert m.change_over("1 week").change is None
    assert "shorter than one monthly period" in m.change_over("1 week").insufficient
    assert m.change_over("1 month").change == pytest.approx(m.change_over("1 period").change)
    assert m.change_over("1 year").base_date == pd.Timestamp("2023-06-01")
    assert m.change_over("YTD").base_date == pd.Timestamp("2023-12-01")
    assert m.annualised_volatility is None and "daily series only" in m.volatility_insufficient


@pytest.mark.parametrize("window", ["90D", "1Y", "Max"])
def test_window_statistics_equal_numpy_and_scipy(window):
    s = daily_prices(n=900, seed=4)
    m = metric_statistics(s, frequency="daily", change="pct", window=window)
    last = s.index[-1]
    in_window = (
        s
        if window == "Max"
        else s[s.index > last - {"90D": pd.DateOffset(days=90), "1Y": pd.DateOffset(years=1)}[window]]
    )
    values = in_window.to_numpy()
    assert m.n == len(values)
    assert m.window_start == in_window.index[0]
    assert m.high == values.max() and m.low == values.min()
    assert m.high_date == in_window.idxmax() and m.low_date == in_window.idxmin()
    assert m.mean == pytest.approx(values.mean())
    assert m.std == pytest.approx(values.std(ddof=1))
    assert m.percentile_in_window == pytest.approx(stats.percentileofscore(values, values[-1], kind="weak"))
    assert m.range_position == pytest.approx(
        100 * (values[-1] - values.min()) / (values.max() - values.min())
    )
    assert m.percentile_in_history == pytest.approx(
        stats.percentileofscore(s.to_numpy(), s.iloc[-1], kind="weak")
    )
    # Returns are computed before the cut: the window's first day has its return.
    returns = s.pct_change()[in_window.index].dropna()
    assert len(returns) == len(values) - (1 if window == "Max" else 0)
    assert m.annualised_volatility == pytest.approx(returns.std(ddof=1) * math.sqrt(252))


def test_diff_volatility_is_std_of_differences_times_sqrt_252():
    s = level_walk(business_days("2020-01-01", 400), seed=2, start=2.0, step=0.05)
    m = metric_statistics(s, frequency="daily", change="diff", window="1Y")
    diffs = s.diff()[s.index > s.index[-1] - pd.DateOffset(years=1)]
    assert m.annualised_volatility == pytest.approx(diffs.std(ddof=1) * math.sqrt(252))
    assert m.drawdown_window.max_drawdown is None and "price-like" in m.drawdown_window.insufficient


def test_volatility_needs_enough_changes():
    s = daily_prices(n=MIN_VOLATILITY_CHANGES)  # 19 returns
    m = metric_statistics(s, frequency="daily", change="pct", window="Max")
    assert m.annualised_volatility is None and "insufficient data" in m.volatility_insufficient


def test_max_drawdown_equals_the_running_peak_definition():
    s = daily_prices(n=700, seed=9)
    m = metric_statistics(s, frequency="daily", change="pct", window="1Y")
    expected_history = (s / s.cummax() - 1).min()
    assert m.drawdown_history.max_drawdown == pytest.approx(expected_history)
    trough = (s / s.cummax() - 1).idxmin()
    assert m.drawdown_history.trough_date == trough
    assert m.drawdown_history.peak_date == s[:trough].idxmax()
    window = s[s.index > s.index[-1] - pd.DateOffset(years=1)]
    assert m.drawdown_window.max_drawdown == pytest.approx((window / window.cummax() - 1).min())


def test_drawdown_of_a_rising_series_is_zero_and_of_non_positive_prices_has_a_reason():
    days = business_days("2020-01-01", 30)
    assert max_drawdown(pd.Series(np.arange(1.0, 31.0), index=days), "pct").max_drawdown == 0.0
    oil = pd.Series(np.linspace(20, -10, 30), index=days)
    assert max_drawdown(oil, "pct").max_drawdown is None
    assert "negative" in max_drawdown(oil, "pct").insufficient


def test_percentile_in_history_function():
    s = pd.Series([5.0, 1.0, 3.0, 4.0, 2.0], index=business_days("2020-01-01", 5))
    assert percentile_in_history(s) == 40.0  # 2 is at or above 2 of 5 values
    assert percentile_in_history(s, 5.0) == 100.0
    assert percentile_in_history(pd.Series([], dtype=float, index=pd.DatetimeIndex([]))) is None


def test_age_in_days_needs_today_and_no_clock_is_read_otherwise():
    s = daily_prices(n=50)
    assert metric_statistics(s, frequency="daily", change="pct").age_days is None
    today = s.index[-1] + pd.Timedelta(days=3)
    assert metric_statistics(s, frequency="daily", change="pct", today=today).age_days == 3


def test_empty_and_single_observation_series_give_reasons():
    empty = metric_statistics(
        pd.Series([], dtype=float, index=pd.DatetimeIndex([])), frequency="daily", change="pct"
    )
    assert empty.insufficient == "no observations" and empty.latest_value is None
    json.dumps(empty.to_dict(), allow_nan=False)
    one = metric_statistics(daily_prices(n=1), frequency="weekly", change="pct")
    assert one.latest_value is not None and one.std is None
    assert one.change_over("1 period").change is None
    json.dumps(one.to_dict(), allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(-1e9, 1e9), st.just(0.0), st.just(float("nan"))), max_size=300),
    frequency=st.sampled_from(["daily", "weekly", "monthly", "quarterly"]),
    change=st.sampled_from(["pct", "diff"]),
    window=st.sampled_from(["90D", "1Y", "3Y", "5Y", "10Y", "Max"]),
)
def test_any_series_gives_statistics_or_reasons(values, frequency, change, window):
    step = {"daily": "B", "weekly": "W-WED", "monthly": "MS", "quarterly": "QS"}[frequency]
    index = pd.date_range("1990-01-01", periods=len(values), freq=step)
    m = metric_statistics(pd.Series(values, index=index, dtype=float), frequency=frequency, change=change,
                          window=window)  # fmt: skip
    out = m.to_dict()
    json.dumps(out, allow_nan=False)
    for percentile in (m.percentile_in_window, m.percentile_in_history, m.range_position):
        assert percentile is None or 0.0 <= percentile <= 100.0
    if m.drawdown_history.max_drawdown is not None:
        assert -1.0 <= m.drawdown_history.max_drawdown <= 0.0


def test_unknown_window_is_an_argument_error():
    with pytest.raises(ValueError):
        metric_statistics(daily_prices(n=10), frequency="daily", change="pct", window="2W")


def test_crypto_volatility_annualises_over_a_seven_day_week():
    days = pd.date_range("2024-01-01", periods=200, freq="D")  # every day, weekends included
    rng = np.random.default_rng(3)
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.03, len(days)))), index=days)
    m = metric_statistics(prices, frequency="daily", change="pct", window="Max")
    returns = prices.pct_change().dropna()
    assert m.annualised_volatility == pytest.approx(returns.std(ddof=1) * math.sqrt(365))
