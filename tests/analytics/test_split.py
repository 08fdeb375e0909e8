"""A pair's window cut at a date: each side's correlation of changes is pandas' (and scipy's), its
interval at Bartlett's effective size, and the difference tested exactly as the screener tests it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from convex.analytics import screener
from convex.analytics.pair_data import autocorrelation_lags, bartlett_factor
from convex.analytics.split import split_correlation
from tests.analytics.pairs import correlated_prices, daily_pair


def halves(seed: int):
    """A pair whose correlation changes: +0.8 for 300 days, then -0.5 for 200."""
    a1, b1 = correlated_prices(300, seed, 0.8)
    a2, b2 = correlated_prices(200, seed + 1, -0.5)
    dates = pd.bdate_range("2020-01-01", periods=500)
    a = pd.Series(np.r_[a1.to_numpy(), a2.to_numpy() / a2.iloc[0] * a1.iloc[-1]], index=dates)
    b = pd.Series(np.r_[b1.to_numpy(), b2.to_numpy() / b2.iloc[0] * b1.iloc[-1]], index=dates)
    return daily_pair(a, b), dates[300]


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_each_window_is_pandas_correlation_of_its_changes_and_the_test_is_the_screeners(seed):
    aligned, split = halves(seed)
    result = split_correlation(aligned, split)
    changes = aligned.frame[["a_chg", "b_chg"]].dropna()
    before, after = changes[changes.index < split], changes[changes.index >= split]
    assert result.before.r == pytest.approx(before.corr().iloc[0, 1], abs=1e-12)
    assert result.after.r == pytest.approx(
        stats.pearsonr(after["a_chg"], after["b_chg"]).statistic, abs=1e-12
    )
    assert (result.before.n, result.after.n) == (len(before), len(after))
    assert result.before.last < split <= result.after.first
    assert result.change == pytest.approx(result.after.r - result.before.r)
    # The difference is tested as the screener tests its two windows (one row of its table).
    factors = [
        bartlett_factor(w["a_chg"].to_numpy(), w["b_chg"].to_numpy(), autocorrelation_lags(len(w)))
        for w in (before, after)
    ]
    row = pd.DataFrame({
        "r_long": [result.before.r], "n_long": [len(before)], "factor_long": [factors[0]],
        "r_recent": [result.after.r], "n_recent": [len(after)], "factor_recent": [factors[1]],
        "lead_long": [np.nan], "lead_r_long": [np.nan], "lead_recent": [np.nan], "lead_r_recent": [np.nan],
    })  # fmt: skip
    tested = screener._finish(row).iloc[0]
    assert result.pvalue == pytest.approx(tested["pvalue"], rel=1e-12)
    assert result.z == pytest.approx(tested["z"], rel=1e-12)
    assert result.pvalue < 0.001  # +0.8 then -0.5: a change this size is found
    assert result.before.ci_low < result.before.r < result.before.ci_high


def test_a_window_too_short_says_why_and_nothing_is_tested():
    aligned, _ = halves(3)
    late = aligned.frame.index[-5]
    result = split_correlation(aligned, late)
    assert result.after.r is None and "need at least" in result.after.insufficient
    assert result.pvalue is None and result.change is None
