"""The whole set of pair statistics: shapes, defaults, and reasons instead of numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convex.analytics.align import align_pair
from convex.analytics.pair_stats import DEFAULT_REGIME_WINDOW, pair_statistics
from tests.analytics.pairs import assert_json, correlated_prices, daily_pair, walks
from tests.analytics.synthetic import business_days, price_walk


def test_a_series_against_itself_correlates_one_everywhere():
    a = price_walk(business_days("2001-01-02", 500), seed=3)
    s = pair_statistics(daily_pair(a, a.copy()))
    assert s.correlation.levels == pytest.approx(1.0, abs=1e-12)
    assert s.correlation.changes == pytest.approx(1.0, abs=1e-12)
    assert s.correlation.changes_spearman == pytest.approx(1.0, abs=1e-12)
    assert s.lead_lag.best_lag == 0
    assert s.lead_lag.correlation == pytest.approx(1.0, abs=1e-12)
    assert s.regression.beta == pytest.approx(1.0)
    assert s.regression.r2 == pytest.approx(1.0)
    assert s.regression.hedge_effectiveness == pytest.approx(1.0)
    # Identical levels: linked by construction, not a finding of the cointegration tests.
    assert s.cointegration.verdict is None and "by construction" in s.cointegration.insufficient
    assert s.correlation.levels_possibly_spurious is None
    assert s.comovement.a_up_b_down == 0.0 and s.comovement.a_down_b_up == 0.0
    assert s.granger.a_to_b.insufficient is not None  # A's lags are B's lags: no test, a reason
    assert_json(s)


# --------------------------------------------------------------------------- insufficient data


def all_reasons(s) -> dict[str, str | None]:
    return {
        "correlation": s.correlation.insufficient,
        "changes": s.correlation.changes_insufficient,
        "rolling": s.rolling_correlation.insufficient,
        "lead_lag": s.lead_lag.insufficient,
        "granger_ab": s.granger.a_to_b.insufficient,
        "granger_ba": s.granger.b_to_a.insufficient,
        "regression": s.regression.insufficient,
        "cointegration": s.cointegration.insufficient,
        "unit_root_a": s.unit_roots.level_a.insufficient,
        "comovement": s.comovement.insufficient,
        "expanding": s.regimes.expanding.insufficient,
    }


@pytest.mark.parametrize("n", [0, 1, 2, 5, 19])
def test_fewer_than_twenty_points_gives_insufficient_data_not_numbers(n):
    days = business_days("2020-01-01", max(n, 1))[:n]
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    s = pair_statistics(daily_pair(a, b))
    reasons = all_reasons(s)
    assert all(reason and "insufficient data" in reason for reason in reasons.values()), reasons
    assert s.correlation.levels is None and s.correlation.changes is None
    assert s.lead_lag.best_lag is None and s.regression.beta is None
    assert s.cointegration.a_on_b.pvalue is None and s.granger.a_to_b.pvalue is None
    assert s.correlation.levels_possibly_spurious is None
    assert_json(s)


def test_twenty_points_is_enough_for_a_levels_correlation():
    days = business_days("2020-01-01", 20)
    s = pair_statistics(daily_pair(price_walk(days, seed=1), price_walk(days, seed=2)))
    assert s.correlation.levels is not None
    assert s.correlation.changes is None  # 19 changes


def test_a_constant_series_gives_reasons_not_exceptions():
    days = business_days("2020-01-01", 300)
    a = price_walk(days, seed=1)
    flat = pd.Series(5.0, index=days)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from a 0/0 either
        s = pair_statistics(daily_pair(a, flat, change_b="diff"))
    assert s.correlation.levels is None and "all equal" in s.correlation.insufficient
    assert "all equal" in s.correlation.changes_insufficient
    assert s.regression.beta is None and s.regression.insufficient
    assert s.cointegration.verdict is None and s.cointegration.insufficient
    assert s.granger.a_to_b.pvalue is None and s.granger.a_to_b.insufficient
    assert s.lead_lag.best_lag is None and s.lead_lag.insufficient
    assert s.comovement.n_flat == 299 and s.comovement.insufficient
    assert s.comovement.current_state == "flat"
    assert_json(s)


def test_all_zero_changes_in_both_series_give_reasons():
    days = business_days("2020-01-01", 100)
    s = pair_statistics(daily_pair(pd.Series(1.0, index=days), pd.Series(2.0, index=days)))
    reasons = all_reasons(s)
    assert all(reasons.values()), reasons
    assert_json(s)


def test_nans_in_the_input_are_dropped_before_alignment():
    days = business_days("2020-01-01", 300)
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    a_holes = a.copy()
    a_holes.iloc[::7] = np.nan
    s = pair_statistics(daily_pair(a_holes, b))
    assert s.n == 300 - len(a.iloc[::7])
    assert s.correlation.changes is not None
    assert_json(s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values_a=st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(0.0), st.just(float("nan"))), max_size=80),
    values_b=st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(1.0)), max_size=80),
    change_a=st.sampled_from(["pct", "diff"]),
    change_b=st.sampled_from(["pct", "diff"]),
    lookback=st.sampled_from(["90D", "1Y", "Max"]),
)
def test_any_input_gives_results_or_reasons_never_an_exception(
    values_a, values_b, change_a, change_b, lookback
):
    a = pd.Series(values_a, index=business_days("2020-01-01", len(values_a)), dtype=float)
    b = pd.Series(values_b, index=business_days("2020-01-01", len(values_b)), dtype=float)
    aligned = daily_pair(a, b, change_a=change_a, change_b=change_b, lookback=lookback)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = pair_statistics(aligned)
    out = assert_json(s)
    for name, reason in all_reasons(s).items():
        assert reason is None or isinstance(reason, str), name
    assert out["comovement"]["n"] == s.comovement.n


# --------------------------------------------------------------------------- output shape


def test_to_dict_has_every_key_the_cli_and_page_rely_on():
    out = assert_json(pair_statistics(daily_pair(*correlated_prices(300, 1, 0.5))))
    required = [
        "correlation.levels",
        "correlation.changes",
        "correlation.changes_spearman",
        "correlation.changes_pvalue",
        "lead_lag.best_lag",
        "lead_lag.correlation",
        "lead_lag.significant",
        "regression.beta",
        "regression.r2",
        "regression.hedge_effectiveness",
        "cointegration.verdict",
        "cointegration.a_on_b.pvalue",
        "cointegration.b_on_a.pvalue",
        "unit_roots.level_a.pvalue",
        "unit_roots.level_a.lag",
        "regression.beta_ci_low",
        "regression.hedge_effectiveness_out_of_sample",
        "granger.lag",
        "granger.a_to_b.pvalue",
        "granger.b_to_a.pvalue",
        "comovement.both_up",
        "comovement.both_down",
        "comovement.a_up_b_down",
        "comovement.a_down_b_up",
        "comovement.current_state",
        "comovement.current_run",
        "comovement.current_run_since",
    ]
    for dotted in required:
        node = out
        for part in dotted.split("."):
            assert part in node, dotted
            node = node[part]
        assert node is not None, dotted
    assert "series" not in out["rolling_correlation"]  # series only on request
    full = pair_statistics(daily_pair(*correlated_prices(300, 1, 0.5))).to_dict(include_series=True)
    assert len(full["rolling_correlation"]["series"]["values"]) == 300


@pytest.mark.parametrize(("name", "value"), [("max_lag", 0), ("rolling_window", 2), ("regime_window", -1)])
def test_invalid_windows_are_argument_errors(name, value):
    with pytest.raises(ValueError):
        pair_statistics(daily_pair(*walks(50, 1)), **{name: value})


def test_quarterly_defaults_give_a_rolling_line_from_short_windows():
    quarters = pd.date_range("1990-01-01", "2024-10-01", freq="QS", name="date")
    gdp = price_walk(quarters, seed=1, start=1e4, vol=0.01)
    spx = price_walk(pd.bdate_range("1990-01-01", "2024-12-31"), seed=2)
    aligned = align_pair(gdp, spx, freq_a="quarterly", freq_b="daily", change_a="pct", change_b="pct")
    s = pair_statistics(aligned)
    assert aligned.frequency == "quarterly" and s.rolling_window == 8 and s.max_lag == 8
    assert s.rolling_correlation.insufficient is None
    assert s.rolling_correlation.series.notna().sum() == aligned.n - 8
    assert s.regression.rolling_insufficient is None
    assert s.regimes.window == DEFAULT_REGIME_WINDOW["quarterly"]


def test_a_rolling_window_never_exceeds_the_frequency_longest():
    from convex.analytics.pair_stats import MAX_ROLLING_WINDOW
    from convex.analytics.spreads import spread_series
    from convex.jobs import screening

    weeks = pd.date_range("2005-01-05", periods=600, freq="W-WED", name="date")
    aligned = align_pair(price_walk(weeks, seed=1), price_walk(weeks, seed=2), freq_a="weekly",
                         freq_b="weekly", change_a="pct", change_b="pct")  # fmt: skip
    # 252 weeks would be five years: a weekly pair gets two years.
    s = pair_statistics(aligned, rolling_window=252)
    assert s.rolling_window == s.rolling_correlation.window == s.regression.rolling_window == 104
    assert s.rolling_correlation.series.notna().sum() == aligned.n - 104
    assert spread_series(aligned, "zscore", window=252).window == 104
    assert pair_statistics(aligned, rolling_window=52).rolling_window == 52  # below the cap: as asked
    for frequency, longest in MAX_ROLLING_WINDOW.items():
        for recent in screening.RECENT_WINDOWS:
            params = screening.compare_params("a", "b", frequency, recent, "3Y", pd.Timestamp("2026-01-02"))
            assert int(params["roll"]) <= longest
