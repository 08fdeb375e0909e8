from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from convex.analytics.align import align_pair
from convex.analytics.pair_stats import DEFAULT_ROLLING_WINDOW
from convex.analytics.spreads import SPREAD_KINDS, all_spreads, spread_series
from tests.analytics.synthetic import business_days, level_walk, price_walk


def pair(change_a="pct", change_b="pct", *, n=400, lookback="Max", a=None, b=None):
    days = business_days("2018-01-01", n)
    a = price_walk(days, seed=1) if a is None else a
    b = price_walk(days, seed=2, start=30.0) if b is None else b
    return align_pair(a, b, freq_a="daily", freq_b="daily", change_a=change_a, change_b=change_b,
                      lookback=lookback, name_a="SPY", name_b="TLT")  # fmt: skip


def test_performance_spread_rebases_both_to_100_at_the_window_start():
    aligned = pair(lookback="1Y")
    spread = spread_series(aligned, "performance")
    a, b = aligned.frame["a"], aligned.frame["b"]
    expected = a / a.iloc[0] * 100 - b / b.iloc[0] * 100
    np.testing.assert_allclose(spread.series.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert spread.series.iloc[0] == 0.0
    assert spread.units == "points"


def test_zscore_spread_is_z_of_a_minus_z_of_b_over_the_window():
    aligned = pair()
    spread = spread_series(aligned, "zscore")
    a, b = aligned.frame["a"], aligned.frame["b"]
    expected = (a - a.mean()) / a.std() - (b - b.mean()) / b.std()
    np.testing.assert_allclose(spread.series.to_numpy(), expected.to_numpy(), rtol=1e-10, atol=1e-12)
    assert spread.series.mean() == pytest.approx(0.0, abs=1e-10)


def test_ratio_spread_only_for_two_positive_price_like_series():
    aligned = pair()
    ratio = spread_series(aligned, "ratio")
    np.testing.assert_allclose(ratio.series.to_numpy(), (aligned.frame["a"] / aligned.frame["b"]).to_numpy())
    assert ratio.units == "SPY / TLT"
    with_rate = spread_series(pair(change_b="diff"), "ratio")
    assert with_rate.insufficient and "price-like" in with_rate.insufficient
    assert with_rate.series.empty and with_rate.current is None
    days = business_days("2018-01-01", 400)
    negative = spread_series(pair(a=price_walk(days, seed=1) - 1000.0), "ratio")
    assert "positive" in negative.insufficient


def test_residual_spread_equals_the_ols_residual_of_a_on_b():
    days = business_days("2018-01-01", 400)
    aligned = pair(change_b="diff", b=level_walk(days, seed=5, start=3.0, step=0.05))
    spread = spread_series(aligned, "residual")
    fit = sm.OLS(aligned.frame["a"].to_numpy(), sm.add_constant(aligned.frame["b"].to_numpy())).fit()
    np.testing.assert_allclose(spread.series.to_numpy(), fit.resid, rtol=1e-9, atol=1e-9)
    assert (spread.alpha, spread.beta) == pytest.approx(tuple(fit.params))
    assert spread.series.mean() == pytest.approx(0.0, abs=1e-8)
    assert spread.units == "SPY units"


@pytest.mark.parametrize("kind", [k for k in SPREAD_KINDS if k != "residual"])
def test_band_is_rolling_mean_plus_minus_two_std_and_current_z_is_against_it(kind):
    aligned = pair()
    spread = spread_series(aligned, kind, window=30)
    mean = spread.series.rolling(30).mean()
    std = spread.series.rolling(30).std()
    np.testing.assert_allclose(spread.rolling_mean.to_numpy(), mean.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        spread.upper_band.to_numpy(), (mean + 2 * std).to_numpy(), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        spread.lower_band.to_numpy(), (mean - 2 * std).to_numpy(), rtol=1e-9, atol=1e-12
    )
    assert spread.current == spread.series.iloc[-1]
    assert spread.current_zscore == pytest.approx((spread.current - mean.iloc[-1]) / std.iloc[-1])
    json.dumps(spread.to_dict(include_series=True), allow_nan=False)


def test_default_window_follows_the_frequency_and_a_short_window_has_no_band():
    aligned = pair(n=40)
    spread = spread_series(aligned, "performance")
    assert spread.window == DEFAULT_ROLLING_WINDOW["daily"]
    assert spread.current is not None
    assert spread.current_zscore is None and "needs 63 points" in spread.band_insufficient


def test_too_few_points_constant_series_and_bad_kind():
    short = all_spreads(pair(n=10))
    assert all("insufficient data" in s.insufficient for s in short.values())
    days = business_days("2018-01-01", 100)
    flat = pair(b=pd.Series(10.0, index=days), n=100)
    assert "constant" in spread_series(flat, "zscore").insufficient
    assert "constant" in spread_series(flat, "residual").insufficient
    assert spread_series(flat, "performance").insufficient is None
    for result in all_spreads(flat).values():
        json.dumps(result.to_dict(include_series=True), allow_nan=False)
    with pytest.raises(ValueError):
        spread_series(pair(), "difference")
    with pytest.raises(ValueError):
        spread_series(pair(), "zscore", window=1)


def test_the_residual_band_is_drawn_only_for_a_cointegrated_pair_on_the_tests_transform():
    from convex.analytics.pair_stats import pair_statistics
    from tests.analytics.synthetic import cointegrated_pair

    a, b = cointegrated_pair(800, seed=1)
    aligned = align_pair(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct")
    co = pair_statistics(aligned).cointegration
    assert co.cointegrated and co.input_a == "log"
    spread = spread_series(aligned, "residual", cointegration=co)
    logs = np.log(aligned.frame[["a", "b"]].to_numpy())
    fit = sm.OLS(logs[:, 0], sm.add_constant(logs[:, 1])).fit()
    np.testing.assert_allclose(spread.series.to_numpy(), fit.resid, rtol=1e-9, atol=1e-12)
    assert spread.units.startswith("log points of")
    std = spread.series.std()
    np.testing.assert_allclose(spread.upper_band.to_numpy(), spread.series.mean() + 2 * std, rtol=1e-9)
    assert spread.current_zscore == pytest.approx((spread.current - spread.series.mean()) / std)

    from tests.analytics.pairs import daily_pair
    from tests.analytics.pairs import walks as independent_walks

    walks = daily_pair(*independent_walks(800, 3))
    co = pair_statistics(walks).cointegration
    assert not co.cointegrated
    unrelated = spread_series(walks, "residual", cointegration=co)
    assert unrelated.upper_band.isna().all() and unrelated.current_zscore is None
    assert unrelated.band_insufficient.startswith("no band:")
