"""The pair's one-line summary: the window's real dates and the figures, and "correlated" only when the
evidence says so (p < 0.05 and an interval that excludes zero)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convex.analytics.report import pair_report
from convex.content.summary import correlated, pair_summary
from convex.metrics.formatting import day_text, format_pvalue, format_r, format_share


def _report(coupling: float, *, n: int = 600, seed: int = 3, start: str = "2020-01-01"):
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=n)
    a_moves = rng.normal(0, 0.01, n)
    b_moves = coupling * a_moves + rng.normal(0, 0.01, n)
    a = pd.Series(100 * np.exp(np.cumsum(a_moves)), dates)
    b = pd.Series(50 * np.exp(np.cumsum(b_moves)), dates)
    return pair_report(a, b, freq_a="daily", freq_b="daily", change_a="pct", change_b="pct", lookback="Max",
                       name_a="Alpha", name_b="Beta")  # fmt: skip


def test_a_related_pair_is_called_correlated_with_its_figures_and_dates():
    report = _report(1.0)
    c, reg, aligned = report.stats.correlation, report.stats.regression, report.aligned
    line = pair_summary(report)
    assert line == (
        f"Alpha vs Beta over all the common history held ({day_text(aligned.start)} to "
        f"{day_text(aligned.end)}): "
        f"daily changes correlated at {format_r(c.changes)} (95% interval {format_r(c.changes_ci_low)} to "
        f"{format_r(c.changes_ci_high)}, p {format_pvalue(c.changes_pvalue)}, n={c.n_changes:,}); "
        f"beta of Beta on Alpha {reg.beta:.3g}; no lagged correlation stands out; the beta hedge removed "
        f"{format_share(reg.hedge_effectiveness_out_of_sample)} of the variance out of sample."
    )
    assert c.changes > 0.5 and reg.hedge_effectiveness_out_of_sample > 0 and "\n" not in line
    assert not report.stats.lead_lag.significant_adjusted or report.stats.lead_lag.best_lag == 0


def test_an_unrelated_pair_is_not_called_correlated_but_keeps_its_figures():
    report = _report(0.0, seed=5)
    line = pair_summary(report)
    c = report.stats.correlation
    assert c.changes_pvalue > 0.05  # the seed gives an insignificant r, as independence should
    assert "daily changes not significantly correlated: r " in line and " correlated at " not in line
    assert f"p {format_pvalue(c.changes_pvalue)}" in line


@pytest.mark.parametrize(
    ("low", "high", "p", "called"),
    [
        (0.01, 0.30, 0.04, True),
        (-0.30, -0.01, 0.001, True),
        (-0.01, 0.30, 0.04, False),  # p says significant, the interval does not exclude zero
        (0.01, 0.30, 0.06, False),
        (None, 0.30, 0.001, False),
        (0.01, 0.30, float("nan"), False),
    ],
)
def test_correlated_needs_both_the_p_value_and_the_interval(low, high, p, called):
    assert correlated(low, high, p) is called


def test_too_few_changes_and_no_common_dates_say_so():
    assert "too few daily changes in common to correlate" in pair_summary(_report(1.0, n=6))
    report = pair_report(
        pd.Series(1.0 + np.arange(10.0), pd.bdate_range("2020-01-01", periods=10)),
        pd.Series(1.0 + np.arange(10.0), pd.bdate_range("2021-01-01", periods=10)),
        freq_a="daily", freq_b="daily", change_a="pct", change_b="pct", lookback="Max", name_a="Alpha",
        name_b="Beta",
    )  # fmt: skip
    assert pair_summary(report) == "Alpha vs Beta: no dates in common."


def test_a_hedge_that_adds_variance_out_of_sample_is_never_said_to_remove_any():
    report = _report(0.0, seed=5)
    value = report.stats.regression.hedge_effectiveness_out_of_sample
    line = pair_summary(report)
    assert value < 0  # an unrelated pair: the hedge fitted in sample adds noise out of it
    assert f"added variance out of sample (effectiveness {value * 100:+.1f}%)" in line
    assert "removed" not in line


def test_a_beta_between_unlike_units_is_said_in_them_as_the_beta_line_says_it():
    """VIX points against SPY's returns: "-0.49% per +1.00 pts", not a bare -0.0049 (a fraction per
    point) beside the Beta line's percent."""
    from convex.metrics.catalog import catalog
    from convex.metrics.formatting import beta_in_units, format_change

    rng = np.random.default_rng(11)
    dates = pd.bdate_range("2021-01-01", periods=500)
    vix_moves = rng.normal(0, 1.5, 500)
    spy_moves = -0.005 * vix_moves + rng.normal(0, 0.004, 500)
    vix = pd.Series(20 + np.cumsum(vix_moves) * 0.1, dates)
    spy = pd.Series(400 * np.exp(np.cumsum(spy_moves)), dates)
    report = pair_report(vix, spy, freq_a="daily", freq_b="daily", change_a="diff", change_b="pct",
                         lookback="Max", name_a="VIX", name_b="SPY")  # fmt: skip
    vix_metric, spy_metric = catalog().get("vix"), catalog().get("spy")
    move_a, move_b = beta_in_units(report.stats.regression.beta, vix_metric, spy_metric)
    line = pair_summary(report, (vix_metric, spy_metric))
    said = f"beta of SPY on VIX {format_change(move_b, spy_metric)} per {format_change(move_a, vix_metric)};"
    assert said in line and move_a == 1.0 and " pts" in said and "%" in said
    assert f"{report.stats.regression.beta:.3g}" not in line
