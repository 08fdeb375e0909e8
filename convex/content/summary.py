"""A pair's headline figures in one line of plain text: the window's real first and last dates, the
correlation of changes with its 95% interval and p-value, the beta and the out-of-sample hedge
effectiveness. What `convex.compare(...).summary()` prints and the JSON's `summary` holds.

It calls changes "correlated" only when p < 0.05 and the interval excludes zero; otherwise it says
they are not significantly correlated and still gives the figures.
"""

from __future__ import annotations

import math

from convex.analytics.report import PairReport
from convex.analytics.serialise import format_date
from convex.analytics.windows import lookback_label
from convex.content.claims.base import SIGNIFICANCE
from convex.content.words import CHANGES_WORD
from convex.metrics.formatting import format_pvalue, format_r, format_share


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def correlated(r_low: float | None, r_high: float | None, p: float | None) -> bool:
    """Significant at 5% with an interval on one side of zero: the only case called "correlated"."""
    if not (_finite(r_low) and _finite(r_high) and _finite(p)):
        return False
    return p < SIGNIFICANCE and (r_low > 0 or r_high < 0)


def _beta(value: float | None) -> str:
    return f"{value:.3g}" if _finite(value) else "n/a"


def pair_summary(report: PairReport) -> str:
    """ "A vs B, weekly, 2021-11-24 to 2024-11-20 (157 points): weekly changes correlated at -0.21
    (95% interval -0.36 to -0.05, p 0.008, n=156); beta of B on A -0.35; hedge effectiveness out of
    sample 4%." """
    aligned, stats = report.aligned, report.stats
    head = f"{aligned.name_a} vs {aligned.name_b}"
    if aligned.n == 0 or aligned.start is None or aligned.end is None:
        return f"{head}: no dates in common over the {lookback_label(aligned.lookback)}."
    points = "point" if aligned.n == 1 else "points"
    head += (
        f", {aligned.frequency}, {format_date(aligned.start)} to {format_date(aligned.end)} "
        f"({aligned.n:,} {points})"
    )
    changes = CHANGES_WORD[aligned.frequency]
    c = stats.correlation
    if c.changes_insufficient or not _finite(c.changes):
        return f"{head}: too few {changes} in common to correlate (n={c.n_changes:,})."
    figures = (
        f"(95% interval {format_r(c.changes_ci_low)} to {format_r(c.changes_ci_high)}, "
        f"p {format_pvalue(c.changes_pvalue)}, n={c.n_changes:,})"
    )
    if correlated(c.changes_ci_low, c.changes_ci_high, c.changes_pvalue):
        correlation = f"{changes} correlated at {format_r(c.changes)} {figures}"
    else:
        correlation = f"{changes} not significantly correlated: r {format_r(c.changes)} {figures}"
    reg = stats.regression
    hedge = reg.hedge_effectiveness_out_of_sample
    hedge_words = format_share(hedge) if _finite(hedge) else "n/a (too few changes)"
    hedge_words = "0%" if hedge_words == "-0%" else hedge_words  # a loss smaller than half a percent
    return (
        f"{head}: {correlation}; beta of {aligned.name_b} on {aligned.name_a} {_beta(reg.beta)}; "
        f"hedge effectiveness out of sample {hedge_words}."
    )
