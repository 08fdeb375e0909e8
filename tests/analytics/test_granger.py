"""Granger tests: one lag chosen in advance by AIC, equal to statsmodels at that lag."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.api import VAR
from statsmodels.tsa.stattools import grangercausalitytests

from convex.analytics.pair_stats import pair_statistics
from tests.analytics.pairs import daily_pair
from tests.analytics.references import reference_granger
from tests.analytics.synthetic import business_days, lead_lag_pair, price_walk


def statsmodels_at(effect_first: np.ndarray, lag: int) -> tuple[float, float]:
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = grangercausalitytests(effect_first, [lag])
    fstat, pvalue, _, _ = result[lag][0]["ssr_ftest"]
    return fstat, pvalue


def test_granger_uses_the_var_aic_lag_and_equals_statsmodels_there():
    a, b = lead_lag_pair(800, 2, seed=5, strength=0.3)
    aligned = daily_pair(a, b, name_a="A", name_b="B")
    g = pair_statistics(aligned, max_lag=8).granger
    changes = aligned.frame[["a_chg", "b_chg"]].dropna().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = VAR(changes).select_order(8).selected_orders["aic"]
    assert g.lag_by_aic == chosen and g.lag == max(chosen, 1)
    f_ab, p_ab = statsmodels_at(changes[:, [1, 0]], g.lag)  # does A help predict B: B first
    f_ba, p_ba = statsmodels_at(changes[:, [0, 1]], g.lag)
    assert g.a_to_b.fstat == pytest.approx(f_ab, rel=1e-7) and g.a_to_b.pvalue == pytest.approx(
        p_ab, rel=1e-6
    )
    assert g.b_to_a.fstat == pytest.approx(f_ba, rel=1e-7) and g.b_to_a.pvalue == pytest.approx(
        p_ba, rel=1e-6
    )
    assert g.a_to_b.significant is True and g.b_to_a.significant is False
    assert g.a_to_b.cause == "A" and g.a_to_b.effect == "B"


def test_independent_series_rarely_granger_predict_each_other():
    rejections = 0
    for seed in range(40):
        days = business_days("2001-01-02", 600)
        g = pair_statistics(
            daily_pair(price_walk(days, seed=seed), price_walk(days, seed=seed + 500))
        ).granger
        rejections += bool(g.a_to_b.significant) + bool(g.b_to_a.significant)
    assert rejections <= 8  # 80 tests at 5 %: about 4


def test_granger_refuses_changes_that_are_not_stationary():
    # A "diff" metric whose level is integrated twice: its changes are a random walk.
    days = business_days("2001-01-02", 800)
    rng = np.random.default_rng(3)
    level = pd.Series(np.cumsum(np.cumsum(rng.normal(size=800))), index=days)
    g = pair_statistics(daily_pair(level, price_walk(days, seed=4), change_a="diff")).granger
    assert g.a_to_b.pvalue is None and g.lag is None
    assert "the ADF test does not reject a unit root in" in g.insufficient


def test_granger_uses_the_rows_on_both_sides_of_an_undefined_change():
    days = business_days("2001-01-02", 200)
    a, b = price_walk(days, seed=1), price_walk(days, seed=2)
    a.iloc[50] = -1.0  # the change out of a non-positive level is undefined
    aligned = daily_pair(a, b)
    g = pair_statistics(aligned, max_lag=3).granger
    # Every row with both changes (all but the first and row 51), not only the 148 after row 51.
    assert g.n == 198
    changes = aligned.frame[["a_chg", "b_chg"]].to_numpy().copy()
    changes[~np.isfinite(changes).all(axis=1)] = np.nan
    for direction, (effect, cause) in ((g.a_to_b, (1, 0)), (g.b_to_a, (0, 1))):
        fstat, pvalue = reference_granger(changes[:, effect], changes[:, cause], g.lag)
        assert direction.fstat == pytest.approx(fstat, rel=1e-9)
        assert direction.pvalue == pytest.approx(pvalue, rel=1e-8)
