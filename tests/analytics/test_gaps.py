"""Lagged regressions on data with a gap: every row of the window is used except those whose
change, lags or outcome reach across the gap, as statsmodels' OLS with missing="drop" on a lag
matrix built with NaN does.

The references below put the data on its full calendar, with NaN for the missing period, build
the lag matrix with statsmodels' `lagmat` and fit with `sm.OLS(..., missing="drop")`: nothing in
them knows how Convex marks a gap (a NaN change on the first row after it, a `gaps` mask for
levels), so they check that marking as well as the arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.adfvalues import mackinnonp
from statsmodels.tsa.tsatools import lagmat

from convex.analytics import econometrics
from convex.analytics.align import align_pair
from convex.analytics.forecast import backtest, fit_var, model_changes
from convex.analytics.johansen import johansen_trace
from convex.analytics.pair_data import PairData, autocorrelation_lags
from convex.analytics.pair_stats import pair_statistics
from convex.analytics.response import local_projections
from tests.analytics.references import reference_adf, reference_granger, reference_var_order

MONTHS = pd.date_range("2000-01-01", periods=240, freq="MS", name="date")


def monthly_pair(seed: int, *, missing: int = 150, coupling: float = 0.4):
    """Two monthly series whose changes are AR(1), B's responding to A's of the month before;
    A misses one month (`missing`), as CPI misses October 2025. Levels as prices (pct)."""
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    da, db = np.zeros(n), np.zeros(n)
    for t in range(1, n):
        da[t] = 0.002 + 0.4 * da[t - 1] + rng.normal(0, 0.003)
        db[t] = 0.2 * db[t - 1] + coupling * da[t - 1] + rng.normal(0, 0.004)
    a = pd.Series(100 * np.exp(np.cumsum(da)), index=MONTHS)
    b = pd.Series(50 * np.exp(np.cumsum(db)), index=MONTHS)
    return a.drop(MONTHS[missing]), b


def align_monthly(a: pd.Series, b: pd.Series, lookback: str = "Max"):
    return align_pair(a, b, freq_a="monthly", freq_b="monthly", change_a="pct", change_b="pct",
                      lookback=lookback, name_a="A", name_b="B")  # fmt: skip


def calendar_changes(levels: pd.Series) -> np.ndarray:
    """Per-period changes on the full calendar: NaN into and out of a missing period."""
    return levels.reindex(MONTHS).pct_change(fill_method=None).to_numpy()


# --------------------------------------------------------------------------- unit roots


@pytest.mark.parametrize("seed", range(4))
def test_unit_roots_with_a_missing_month_equal_the_lag_matrix_with_its_rows_dropped(seed):
    a, b = monthly_pair(seed)
    aligned = align_monthly(a, b)
    assert aligned.gap_changes_dropped == 1
    roots = pair_statistics(aligned).unit_roots
    calendar = aligned.frame[["a", "b"]].reindex(MONTHS)
    for root, column in ((roots.level_a, "a"), (roots.level_b, "b")):
        expected = reference_adf(np.log(calendar[column].to_numpy()), root.max_lag)
        assert root.series == "log"
        assert (root.lag, root.nobs) == expected[2:]
        assert root.statistic == pytest.approx(expected[0], rel=1e-9)
        assert root.pvalue == pytest.approx(expected[1], rel=1e-8, abs=1e-14)
    for root, column in ((roots.changes_a, "a"), (roots.changes_b, "b")):
        expected = reference_adf(calendar_changes(aligned.frame[column]), root.max_lag)
        assert (root.lag, root.nobs) == expected[2:]
        assert root.statistic == pytest.approx(expected[0], rel=1e-9)


def test_the_default_lag_bound_counts_the_one_period_steps():
    # statsmodels' rule on len(x) for a gap-free series; with a gap, on the one-period steps + 1.
    x = np.cumsum(np.random.default_rng(0).normal(size=200))
    gaps = np.zeros(200, dtype=bool)
    gaps[120] = True
    assert econometrics.adf_test(x).max_lag == econometrics.default_max_lag(200, deterministic=1)
    assert econometrics.adf_test(x, gaps=gaps).max_lag == econometrics.default_max_lag(199, deterministic=1)


@pytest.mark.parametrize("seed", range(4))
def test_engle_granger_with_a_missing_month_equals_the_reference(seed):
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    y1 = np.cumsum(rng.normal(size=n))
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = 0.7 * noise[t - 1] + rng.normal()
    y0 = 0.8 * y1 + noise
    missing = 90 + seed * 20
    keep = np.arange(n) != missing
    gaps = np.zeros(n - 1, dtype=bool)
    gaps[missing] = True  # the row after the missing month, in the rows that are kept
    ours = econometrics.engle_granger(y0[keep], y1[keep], gaps=gaps)
    slope_fit = sm.OLS(y0[keep], sm.add_constant(y1[keep])).fit()
    resid = np.full(n, np.nan)
    resid[keep] = slope_fit.resid
    size = int(np.isfinite(np.diff(resid)).sum()) + 1
    max_lag = econometrics.default_max_lag(size, deterministic=0)
    statistic, _, lag, _ = reference_adf(resid, max_lag, constant=False)
    assert ours.lag == lag
    assert ours.statistic == pytest.approx(statistic, rel=1e-9)
    assert ours.pvalue == pytest.approx(float(mackinnonp(statistic, regression="c", N=2)), rel=1e-8)


def textbook_johansen_with_gaps(levels: np.ndarray, lags: int) -> float:
    """Johansen's trace for r = 0 from the residual moments, on the calendar levels (NaN for a
    missing period) with every row that has a NaN among its differences or lags dropped."""
    diffs = np.diff(levels, axis=0)
    lagged = [lagmat(diffs[:, s], lags, trim="both", original="in") for s in range(2)]
    rows = np.column_stack([*lagged, levels[lags:-1]])  # dx0_t.., dx1_t.., level before dx_t
    rows = rows[np.isfinite(rows).all(axis=1)]
    dependent = rows[:, [0, lags + 1]]
    controls = np.column_stack([np.ones(len(rows)), rows[:, 1 : lags + 1], rows[:, lags + 2 : 2 * lags + 2]])
    level = rows[:, -2:]
    project = controls @ np.linalg.pinv(controls)
    r0, r1 = dependent - project @ dependent, level - project @ level
    s00, s11, s01 = r0.T @ r0, r1.T @ r1, r0.T @ r1
    eigenvalues = np.linalg.eigvals(np.linalg.solve(s11, s01.T @ np.linalg.solve(s00, s01))).real
    return float(-len(rows) * np.sum(np.log(1 - eigenvalues)))


@pytest.mark.parametrize("seed", range(3))
def test_johansen_with_a_missing_month_equals_the_textbook_on_the_rows_left(seed):
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    a = np.cumsum(rng.normal(size=n))
    spread = np.zeros(n)
    for t in range(1, n):
        spread[t] = 0.6 * spread[t - 1] + rng.normal()
    levels = np.column_stack([a, 0.7 * a + spread])
    missing = 100 + 30 * seed
    keep = np.arange(n) != missing
    gaps = np.zeros(n - 1, dtype=bool)
    gaps[missing] = True
    ours = johansen_trace(levels[keep, 0], levels[keep, 1], 6, gaps=gaps)
    calendar = levels.copy()
    calendar[missing] = np.nan
    assert ours.lags + 1 == reference_var_order(calendar, 7, min_lag=1)
    assert ours.trace == pytest.approx(textbook_johansen_with_gaps(calendar, ours.lags), rel=1e-8)


# --------------------------------------------------------------------------- Granger and the VAR


@pytest.mark.parametrize("seed", range(4))
def test_granger_with_one_missing_month_equals_the_full_lag_matrix_with_that_row_dropped(seed):
    a, b = monthly_pair(seed, missing=120 + 10 * seed)
    aligned = align_monthly(a, b)
    g = pair_statistics(aligned, max_lag=6).granger
    changes_a, changes_b = calendar_changes(aligned.frame["a"]), calendar_changes(aligned.frame["b"])
    assert g.lag_by_aic == reference_var_order(np.column_stack([changes_a, changes_b]), g.max_lag)
    assert g.n == len(aligned.frame) - 2  # every row with both changes: all but the first and the gap's
    for direction, (effect, cause) in (
        (g.a_to_b, (changes_b, changes_a)),
        (g.b_to_a, (changes_a, changes_b)),
    ):
        fstat, pvalue = reference_granger(effect, cause, g.lag)
        assert direction.fstat == pytest.approx(fstat, rel=1e-9)
        assert direction.pvalue == pytest.approx(pvalue, rel=1e-8, abs=1e-300)
    assert g.a_to_b.pvalue < 0.001  # the planted link is found across the gap


def test_a_gap_no_longer_cuts_the_sample_to_the_rows_after_it():
    a, b = monthly_pair(3, missing=200, coupling=0.4)
    g = pair_statistics(align_monthly(a, b), max_lag=6).granger
    # Before, only the 38 changes after month 200 were used; now all but the rows whose lags
    # reach across the gap.
    assert g.lag is not None and g.a_to_b.df_denom > 200


def test_the_var_fit_with_a_gap_equals_ols_per_equation_with_rows_dropped():
    a, b = monthly_pair(5, missing=80)
    data = PairData.build(align_monthly(a, b))
    y = model_changes(data)
    assert np.isnan(y[0]).all() and np.isnan(y[80]).all() and np.isfinite(np.delete(y, [0, 80], 0)).all()
    lag = 2
    fit = fit_var(y, lag)
    calendar = np.column_stack(
        [np.log1p(calendar_changes(pd.Series(c, index=data.dates))) for c in (data.a, data.b)]
    )
    full = np.column_stack([lagmat(calendar[:, s], lag, trim="both", original="in") for s in range(2)])
    regressors = sm.add_constant(full[:, [1, 4, 2, 5]], has_constant="add")  # y_t-1 (a, b), y_t-2 (a, b)
    for s in range(2):
        ols = sm.OLS(full[:, 3 * s], regressors, missing="drop").fit()
        assert fit.intercept[s] == pytest.approx(ols.params[0], abs=1e-12)
        np.testing.assert_allclose(fit.coefs[:, s, :].ravel(), ols.params[1:], atol=1e-10)
        assert fit.nobs == ols.nobs
    assert econometrics.var_lag_order(y.T, 6) == reference_var_order(calendar, 6)


def test_local_projections_with_a_gap_equal_ols_with_rows_dropped():
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2005-01-03", periods=2000, name="date")
    da, db = rng.normal(0, 0.01, 2000), rng.normal(0, 0.01, 2000)
    db[2:] += 0.4 * da[:-2]
    a = pd.Series(100 * np.cumprod(1 + da), index=days)
    b = pd.Series(50 * np.cumprod(1 + db), index=days)
    closed = days[1000:1008]  # an eight-day closure: the change across it spans more than a period
    aligned = align_pair(a.drop(closed), b.drop(closed), freq_a="daily", freq_b="daily",
                         change_a="pct", change_b="pct")  # fmt: skip
    assert aligned.gap_changes_dropped == 1
    horizon = 5
    r = local_projections(PairData.build(aligned), horizon)
    frame = aligned.frame[["a", "b"]].reindex(days)
    ya, yb = (np.log1p(frame[c].pct_change(fill_method=None).to_numpy()) for c in ("a", "b"))
    lags = r.lags
    n = len(days)
    rows = np.arange(lags, n - horizon)
    controls = [yb[rows - j] for j in range(lags)] + [ya[rows - j] for j in range(1, lags + 1)]
    design = sm.add_constant(np.column_stack([ya[rows], *controls]), has_constant="add")
    assert r.shock == pytest.approx(np.nanstd(ya, ddof=1), rel=1e-12)
    for h in range(1, horizon + 1):
        target = np.sum([yb[rows + k] for k in range(1, h + 1)], axis=0)  # NaN if any period is
        usable = int((np.isfinite(target) & np.isfinite(design).all(axis=1)).sum())
        fit = sm.OLS(target, design, missing="drop").fit(
            cov_type="HAC", cov_kwds={"maxlags": h + autocorrelation_lags(usable)}
        )
        assert r.response[h - 1] == pytest.approx(fit.params[1] * r.shock, rel=1e-9)
        assert r.high[h - 1] - r.low[h - 1] == pytest.approx(
            2 * stats.norm.ppf(0.95) * fit.bse[1] * r.shock, rel=1e-9
        )


def test_backtest_skips_origins_whose_inputs_or_outcome_cross_a_gap():
    rng = np.random.default_rng(2)
    y = rng.normal(0, 0.01, (400, 2))
    y[:, 1] += 0.001
    gap = 330
    y[gap] = np.nan
    steps, max_lag = 5, 2
    result = backtest(y, steps, "diff", max_lag)
    grid = list(range(200, 400 - steps + 1, max(1, -(-(400 - steps - 200) // 40))))
    # An origin's outcome is rows o .. o + steps - 1, its inputs at most max_lag rows before o.
    outcome_crosses = [o for o in grid if o <= gap < o + steps]
    may_cross = [o for o in grid if o - max_lag <= gap < o + steps]
    assert len(outcome_crosses) <= result.skipped <= len(may_cross)
    assert result.origins + result.skipped == len(grid)
    clean = backtest(np.delete(y, gap, axis=0), steps, "diff", max_lag)
    assert clean.skipped == 0


# --------------------------------------------------------------------------- real files


def read(shared_real, path: str) -> pd.Series:
    from convex.data.importers import read_series_file

    return read_series_file(shared_real / path).series


def real_pair(shared_real, a_id: str, b_id: str, lookback: str, *, as_published: bool = False, **files):
    from convex.metrics.catalog import catalog

    cat = catalog()
    ma, mb = cat.get(a_id), cat.get(b_id)
    return align_pair(
        read(shared_real, files[a_id]), read(shared_real, files[b_id]),
        freq_a=ma.frequency, freq_b=mb.frequency, change_a=ma.change, change_b=mb.change,
        lookback=lookback, name_a=ma.name, name_b=mb.name, dating_a=ma.dating, dating_b=mb.dating,
        as_published=as_published,
    )  # fmt: skip


REAL = {"unrate": "fred/baeyunjae/UNRATE.csv", "spy": "yahoo/alitalbi/SPY.csv",
        "cpiaucsl": "fred/baeyunjae/CPIAUCSL.csv", "m2sl": "fred/bellingxu_processed/M2SL.csv",
        "btc": "coingecko/btc-usd-max.csv"}  # fmt: skip


def test_spy_unrate_granger_uses_every_month_around_the_october_2025_gap(shared_real):
    published = real_pair(shared_real, "spy", "unrate", "Max", as_published=True, **REAL)
    aligned = real_pair(shared_real, "spy", "unrate", "Max", **REAL)
    g = pair_statistics(aligned, published=published).granger
    frame = published.frame
    assert published.gap_changes_dropped == 1  # October 2025 was never published
    assert g.lag is not None and g.n == int(frame[["a_chg", "b_chg"]].notna().all(axis=1).sum())
    pair = frame[["a_chg", "b_chg"]].to_numpy().copy()
    pair[~np.isfinite(pair).all(axis=1)] = np.nan
    for direction, (effect, cause) in (
        (g.a_to_b, (pair[:, 1], pair[:, 0])),
        (g.b_to_a, (pair[:, 0], pair[:, 1])),
    ):
        fstat, pvalue = reference_granger(effect, cause, g.lag)
        assert direction.fstat == pytest.approx(fstat, rel=1e-9)
        assert direction.pvalue == pytest.approx(pvalue, rel=1e-8)
    assert g.a_to_b.significant  # SPY's changes help predict unemployment's (p about 3e-7)


def test_cpi_unit_root_with_the_gap_equals_the_lag_matrix_reference(shared_real):
    aligned = real_pair(shared_real, "cpiaucsl", "spy", "Max", **REAL)
    root = pair_statistics(aligned).unit_roots.level_a
    frame = aligned.frame
    calendar = np.log(
        frame["a"].reindex(pd.date_range(frame.index[0], frame.index[-1], freq="MS")).to_numpy()
    )
    statistic, pvalue, lag, nobs = reference_adf(calendar, root.max_lag)
    assert (root.lag, root.nobs) == (lag, nobs)
    assert root.statistic == pytest.approx(statistic, rel=1e-9)
    assert root.pvalue == pytest.approx(pvalue, rel=1e-8)


def test_granger_reads_the_unit_root_verdict_the_page_shows(shared_real):
    # M2 against bitcoin over 5 years: the table (reference dates) calls M2's changes stationary
    # (p 0.037); the "as published" rows, two months later, once gave Granger a second test that
    # said they were not (p 0.223). One verdict now: Granger runs.
    aligned = real_pair(shared_real, "m2sl", "btc", "5Y", **REAL)
    published = real_pair(shared_real, "m2sl", "btc", "5Y", as_published=True, **REAL)
    s = pair_statistics(aligned, published=published)
    assert s.unit_roots.changes_a.stationary and s.unit_roots.changes_b.stationary
    assert s.granger.insufficient is None and s.granger.a_to_b.pvalue is not None


def test_the_scenario_section_reads_the_unit_root_verdict_the_page_shows(shared_real):
    # The same M2 and bitcoin months "as published" gave the forecast its own ADF (p 0.22, not
    # stationary) beside the table's p 0.037; with the page's verdicts it models them.
    from convex.analytics.cointegration import unit_roots
    from convex.analytics.scenarios import scenario_report

    aligned = real_pair(shared_real, "m2sl", "btc", "5Y", **REAL)
    published = real_pair(shared_real, "m2sl", "btc", "5Y", as_published=True, **REAL)
    roots = unit_roots(PairData.build(aligned))
    assert roots.changes_a.stationary and roots.changes_b.stationary
    alone = scenario_report(published, 0.01, 6)
    assert "not stationary" in alone.forecast.insufficient  # its own test of other rows disagrees
    report = scenario_report(published, 0.01, 6, roots=roots)
    assert report.forecast.insufficient is None and report.forecast.backtest.origins >= 8
    assert report.response.insufficient is None or "not stationary" not in report.response.insufficient
