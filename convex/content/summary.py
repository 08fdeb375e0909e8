"""A pair's headline figures in one line of plain text: the window as held (its real first and last
dates), the correlation of changes with its 95% interval and p-value, the beta, who leads if anyone
and the out-of-sample hedge effectiveness. The top of the page's statistics reads it too. What
`convex.compare(...).summary()` prints and the JSON's `summary` holds.

It calls changes "correlated" only when p < 0.05, the interval excludes zero and the rank correlation
has the same sign; otherwise it says they are not (robustly) correlated and still gives the figures."""

from __future__ import annotations

import math

from convex.analytics.report import PairReport
from convex.content.claims.base import SIGNIFICANCE, lead_untestable
from convex.content.words import CHANGES_WORD
from convex.metrics.formatting import (
    beta_in_units,
    format_change,
    format_pvalue,
    format_r,
    format_share,
    periods,
)
from convex.metrics.metric import Metric


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def correlated(r_low: float | None, r_high: float | None, p: float | None) -> bool:
    """Significant at 5% with an interval on one side of zero: the only case called "correlated"."""
    if not (_finite(r_low) and _finite(r_high) and _finite(p)):
        return False
    return p < SIGNIFICANCE and (r_low > 0 or r_high < 0)


def _beta(report: PairReport, metrics: tuple[Metric, Metric] | None) -> str:
    """ "0.55" where both changes are returns (a hedge ratio), else in the metrics' units as the Beta
    line says it: "-0.49% per +1.00 pts" (B's change per a round move of A)."""
    reg, aligned = report.stats.regression, report.aligned
    if not _finite(reg.beta):
        return "n/a"
    if metrics is None or (aligned.change_a == "pct" and aligned.change_b == "pct"):
        return f"{reg.beta:.3g}"
    metric_a, metric_b = metrics
    moves = beta_in_units(reg.beta, metric_a, metric_b)
    if moves is None:
        return f"near zero ({reg.beta:.3g})"
    move_a, move_b = moves
    return f"{format_change(move_b, metric_b)} per {format_change(move_a, metric_a)}"


def _lead(report: PairReport) -> str:
    ll, aligned = report.stats.lead_lag, report.aligned
    if lead_untestable(report):
        return "leads not tested"
    fragility = report.stats.release_fragility
    if fragility is not None and fragility.lead_fragile:
        return "no robust lead (the call changes within the release dates the data allow)"
    if ll.insufficient is not None or ll.best_lag is None or not ll.significant_adjusted or ll.best_lag == 0:
        return "no lagged correlation stands out"  # the lead-lag search; Granger is said apart
    names = (aligned.name_a, aligned.name_b)
    leader, follower = names if ll.best_lag > 0 else names[::-1]
    return f"{leader} leads {follower} by {periods(abs(ll.best_lag), aligned.frequency)}"


def _hedge(value: float | None) -> str:
    if not _finite(value):
        return "the out-of-sample hedge could not be measured"
    if value < 0:
        return f"the beta hedge added variance out of sample (effectiveness {value * 100:+.1f}%)"
    return f"the beta hedge removed {format_share(value)} of the variance out of sample"


def pair_summary(report: PairReport, metrics: tuple[Metric, Metric] | None = None) -> str:
    """ "Fed Balance Sheet vs TLT over the last 3 years (24 Nov 2021 to 20 Nov 2024): weekly changes
    correlated at -0.21 (95% interval -0.36 to -0.05, p 0.008, n=156); beta -0.35; no lagged correlation
    stands out; the beta hedge removed 4% of the variance out of sample." """
    aligned, stats = report.aligned, report.stats
    head = f"{aligned.name_a} vs {aligned.name_b}"
    if aligned.n == 0 or aligned.start is None or aligned.end is None:
        return f"{head}: {aligned.window.words()}."
    head += f" over {aligned.window.words()}"
    changes = CHANGES_WORD[aligned.frequency]
    c = stats.correlation
    if c.changes_insufficient or not _finite(c.changes):
        return f"{head}: too few {changes} in common to correlate (n={c.n_changes:,})."
    figures = (
        f"(95% interval {format_r(c.changes_ci_low)} to {format_r(c.changes_ci_high)}, "
        f"p {format_pvalue(c.changes_pvalue)}, n={c.n_changes:,})"
    )
    rank = c.changes_spearman
    rank_disagrees = _finite(rank) and _finite(c.changes) and rank * c.changes <= 0
    if correlated(c.changes_ci_low, c.changes_ci_high, c.changes_pvalue) and rank_disagrees:
        correlation = (
            f"{changes} not robustly correlated: r {format_r(c.changes)} {figures}, but the rank correlation "
            f"{format_r(c.changes_spearman)} has the other sign"
        )
    elif correlated(c.changes_ci_low, c.changes_ci_high, c.changes_pvalue):
        correlation = f"{changes} correlated at {format_r(c.changes)} {figures}"
    else:
        correlation = f"{changes} not significantly correlated: r {format_r(c.changes)} {figures}"
    reg = stats.regression
    return (
        f"{head}: {correlation}; beta of {aligned.name_b} on {aligned.name_a} {_beta(report, metrics)}; "
        f"{_lead(report)}; {_hedge(reg.hedge_effectiveness_out_of_sample)}."
    )
