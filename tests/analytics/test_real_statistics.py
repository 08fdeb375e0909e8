"""Every pair statistic against the statsmodels call it claims to equal, on real recorded data
(../shared/data/real; skipped where it is absent)."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.tsa.stattools import adfuller, coint, grangercausalitytests
from statsmodels.tsa.vector_ar.vecm import coint_johansen, select_order

from convex.analytics.align import align_pair
from convex.analytics.cointegration import johansen_max_lag
from convex.analytics.pair_stats import DEFAULT_MAX_LAG, pair_statistics
from convex.data.importers import read_series_file
from convex.metrics.catalog import catalog

FILES = {
    "walcl": "fred/matemadrigal/WALCL_api.csv",
    "tlt": "yahoo/alitalbi/TLT.csv",
    "spy": "yahoo/alitalbi/SPY.csv",
    "vix": "cboe/VIX_History.csv",
    "btc": "coingecko/btc-usd-max.csv",
    "m2sl": "fred/bellingxu_processed/M2SL.csv",
    "dgs10": "fred/matemadrigal/DGS10_api.csv",
}
PAIRS = [("walcl", "tlt", "5Y"), ("vix", "spy", "1Y"), ("m2sl", "btc", "3Y"), ("spy", "btc", "3Y"),
         ("dgs10", "tlt", "3Y")]  # fmt: skip


def quiet(call, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def aligned_pair(shared_real, a_id, b_id, lookback):
    a, b = catalog().get(a_id), catalog().get(b_id)
    series_a, series_b = (read_series_file(shared_real / FILES[i]).series for i in (a_id, b_id))
    return align_pair(
        series_a, series_b,
        freq_a=a.frequency, freq_b=b.frequency, change_a=a.change, change_b=b.change, lookback=lookback,
        name_a=a.name, name_b=b.name,
    )  # fmt: skip


@pytest.mark.parametrize(("a_id", "b_id", "lookback"), PAIRS)
def test_every_test_equals_statsmodels_on_real_data(shared_real, a_id, b_id, lookback):
    aligned = aligned_pair(shared_real, a_id, b_id, lookback)
    s = pair_statistics(aligned)
    frame = aligned.frame
    levels = {}
    for column, root in (("a", s.unit_roots.level_a), ("b", s.unit_roots.level_b)):
        values = frame[column].to_numpy()
        values = np.log(values) if root.series == "log" else values
        levels[column] = values
        expected = quiet(adfuller, values, result_object=True)
        assert (root.lag, root.nobs) == (expected.lags, expected.nobs)
        assert root.pvalue == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-12)
    co = s.cointegration
    if co.verdict not in ("not_applicable", None):
        for ours, (y0, y1) in ((co.a_on_b, ("a", "b")), (co.b_on_a, ("b", "a"))):
            assert ours.pvalue == pytest.approx(quiet(coint, levels[y0], levels[y1])[1], rel=1e-6, abs=1e-12)
        both = np.column_stack([levels["a"], levels["b"]])
        max_lag = johansen_max_lag(len(both), DEFAULT_MAX_LAG[aligned.frequency])
        lags = quiet(select_order, both, maxlags=max_lag, deterministic="co").aic
        assert co.johansen_lags == lags
        if lags:
            assert co.johansen_trace == pytest.approx(quiet(coint_johansen, both, 0, lags).lr1[0], rel=1e-7)
    changes = frame[["a_chg", "b_chg"]].dropna()
    g = s.granger
    if g.lag is not None and len(changes) == g.n:
        for direction, columns in ((g.a_to_b, ["b_chg", "a_chg"]), (g.b_to_a, ["a_chg", "b_chg"])):
            result = quiet(grangercausalitytests, changes[columns].to_numpy(), [g.lag])
            assert direction.pvalue == pytest.approx(result[g.lag][0]["ssr_ftest"][1], rel=1e-6, abs=1e-12)
    fit = sm.OLS(changes["b_chg"].to_numpy(), sm.add_constant(changes["a_chg"].to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": s.regression.hac_lags}
    )
    assert s.regression.beta == pytest.approx(fit.params[1], rel=1e-9)
    assert s.regression.beta_stderr == pytest.approx(fit.bse[1], rel=1e-8)


def test_vix_against_spy_over_a_year_uses_the_default_lag_search(shared_real):
    # With Schwert's fixed lag VIX looked non-stationary (p 0.416 for the pair); statsmodels'
    # default AIC search, which Convex now uses, finds it stationary.
    s = pair_statistics(aligned_pair(shared_real, "vix", "spy", "1Y"))
    assert s.unit_roots.level_a.stationary is True
    assert s.cointegration.verdict == "not_applicable"  # a stationary series is never "cointegrated"


def test_spy_against_bitcoin_levels_are_flagged_whenever_one_has_a_unit_root(shared_real):
    s = pair_statistics(aligned_pair(shared_real, "spy", "btc", "Max"))
    roots = (s.unit_roots.level_a.stationary, s.unit_roots.level_b.stationary)
    assert False in roots
    assert s.correlation.levels_possibly_spurious is (s.cointegration.cointegrated is not True)
    assert s.correlation.levels_pvalue is None  # no independence-based interval for trending levels


def test_monthly_m2_changes_are_autocorrelated_and_the_interval_widens(shared_real):
    # M2's monthly changes have a lag-1 autocorrelation of about 0.7 and bitcoin's about 0.2:
    # Bartlett's factor makes 185 months worth about 140 independent ones.
    c = pair_statistics(aligned_pair(shared_real, "m2sl", "btc", "Max")).correlation
    assert c.n_changes_effective < 0.8 * c.n_changes


def test_a_short_sample_still_gets_both_engle_granger_orderings(shared_real):
    co = pair_statistics(aligned_pair(shared_real, "m2sl", "btc", "3Y")).cointegration
    assert co.insufficient is None
    assert co.a_on_b.pvalue is not None and co.b_on_a.pvalue is not None
