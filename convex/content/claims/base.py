"""The unit every sentence of pair text is built from (Claim), what every claim reads (Context), and
the sentences that come before any statistic: too little data, the window's moves, a note's evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from convex.analytics.pair_data import MIN_OBSERVATIONS
from convex.analytics.report import PairReport
from convex.content import words as w
from convex.metrics.metric import Metric

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Claim:
    text: str
    short: str
    verdict: str


@dataclass(frozen=True)
class Context:
    """The pair and its report, with the words every sentence needs (computed once each)."""

    a: Metric
    b: Metric
    report: PairReport

    @cached_property
    def name_a(self) -> str:
        return w.short_name(self.a)

    @cached_property
    def name_b(self) -> str:
        return w.short_name(self.b)

    @cached_property
    def frequency(self) -> str:
        return self.report.aligned.frequency

    @cached_property
    def window(self) -> str:
        """The span held, in full (analytics.windows.Window.words): "the last 3 years (8 Mar 2023 to
        4 Mar 2026)", or "7 months held (16 Jul 2025 to 23 Feb 2026) of the 5 years asked". A section
        says it once; its other sentences say "this window"."""
        return self.report.aligned.window.words()

    @cached_property
    def age(self) -> str | None:
        """ "ends 277 days before 6 Dec 2026, old data" when the window ends more than a period
        before today, else None: said once a page, beside the data it describes."""
        return self.report.aligned.window.age_words()

    @property
    def lookback(self) -> str:
        """The window as a sentence refers back to it, once a section has named it in full."""
        return "this window"

    @property
    def over(self) -> str:
        return "Over this window"

    @cached_property
    def changes(self) -> str:
        """ "weekly changes"."""
        return w.CHANGES_WORD[self.frequency]

    @property
    def period(self) -> str:
        return w.PERIOD_SINGULAR[self.frequency]

    @property
    def plural(self) -> str:
        return w.PERIOD_PLURAL[self.frequency]

    @cached_property
    def shortfall(self) -> str | None:
        return _shortfall(self)

    def periods(self, count: int) -> str:
        return w.periods(count, self.frequency)

    def date(self, value) -> str:
        return w.date_words(value, self.frequency)


# --------------------------------------------------------------------------- data shortfall


def shortfall(ctx: Context) -> str | None:
    """A plain statement when there is too little data to measure the relationship at all."""
    return ctx.shortfall


def _shortfall(ctx: Context) -> str | None:
    aligned, c = ctx.report.aligned, ctx.report.stats.correlation
    a, b = ctx.name_a, ctx.name_b
    if aligned.n == 0:
        return (
            f"{a} and {b} have no dates in common over {ctx.lookback}, so their relationship cannot be "
            "measured."
        )
    if c.changes_insufficient is None:
        return None
    if c.n_changes < MIN_OBSERVATIONS:
        return (
            f"Not enough data: {a} and {b} have only {w.counted(c.n_changes, ctx.changes[:-1])} in common "
            f"over {ctx.lookback}, and at least {MIN_OBSERVATIONS} are needed, so nothing is claimed about "
            "how they relate."
        )
    return (
        f"One of {a} and {b} did not move over {ctx.lookback}, so their changes cannot be correlated and "
        "nothing is claimed about how they relate."
    )


def interval_words(low: float | None, high: float | None) -> str:
    return f"95% interval {w.signed_r(low)} to {w.signed_r(high)}"


def is_significant(p: float | None) -> bool:
    return p is not None and math.isfinite(p) and p < SIGNIFICANCE


def robust_sign(ctx: Context) -> int | None:
    """+1 or -1 when the correlation of changes has a sign the page may state: p below 5%, a 95%
    interval on one side of zero, and a rank (Spearman) correlation of the same sign (a Pearson r
    that outliers alone carry across zero is not a direction); else None."""
    c = ctx.report.stats.correlation
    if c.changes is None or not is_significant(c.changes_pvalue) or c.changes_ci_low is None:
        return None
    if c.changes_ci_low <= 0 <= c.changes_ci_high:
        return None
    sign = 1 if c.changes > 0 else -1
    if c.changes_spearman is not None and c.changes_spearman * sign <= 0:
        return None
    return sign


def correlation_words(ctx: Context) -> str:
    """What the correlation of changes is, in words no stronger than its test: the size word from
    the end of the 95% interval nearest zero ("strongly" only when the interval is strong
    throughout)."""
    c = ctx.report.stats.correlation
    if (
        not is_significant(c.changes_pvalue)
        or c.changes_ci_low is None
        or c.changes_ci_low <= 0 <= c.changes_ci_high
    ):
        return w.strength(float(c.changes), False)
    if robust_sign(ctx) is None:
        return (
            "not a robust link: significant at 5%, but the rank correlation "
            f"({w.signed_r(c.changes_spearman)}) has the other sign"
        )
    nearest_zero = min(abs(c.changes_ci_low), abs(c.changes_ci_high))
    return f"{w.size_word(nearest_zero)} {'positively' if c.changes > 0 else 'negatively'} correlated"


# --------------------------------------------------------------------------- notes against the data


def window_moves(ctx: Context) -> str | None:
    """ "From 8 Mar 2023 (the window's first date), Fed Balance Sheet changed -12.0% and TLT +4.1%":
    every change over a window is measured from its first date, as the rebased chart is."""
    cm, start = ctx.report.stats.comovement, ctx.report.aligned.start
    if cm.a_change_over_window is None or cm.b_change_over_window is None or start is None:
        return None
    moved_a, moved_b = w.change(ctx.a, cm.a_change_over_window), w.change(ctx.b, cm.b_change_over_window)
    return (
        f"From {w.date_words(start, 'daily')} (the window's first date), {ctx.name_a} changed {moved_a} "
        f"and {ctx.name_b} {moved_b}"
    )


def lead_untestable(report) -> str | None:
    """Why no lead may be called on this pair whatever the lagged correlations say, or None: a series
    that moves on a handful of days (a policy rate) has no lagged correlations to speak of, and the
    noise bands assume changes that are not themselves persistent (the Granger test's ADF check)."""
    stats, aligned = report.stats, report.aligned
    moving = stats.comovement.n_moving
    if moving is not None and moving < MIN_OBSERVATIONS:
        return (
            f"only {w.periods(moving, aligned.frequency)} had both of them moving over this window, too few "
            "for lagged correlations to mean anything"
        )
    for name, root in (
        (aligned.name_a, stats.unit_roots.changes_a),
        (aligned.name_b, stats.unit_roots.changes_b),
    ):
        if root.stationary is False:
            return (
                f"the ADF test does not reject a unit root in {name}'s changes ({w.pvalue(root.pvalue)}), "
                "and lagged correlations of changes that persistent are not reliable"
            )
    return None


def thesis_verdict(ctx: Context, expected_sign: int | None, leader: str | None = None) -> str:
    """What this window says about a hand-written thesis: borne out, not borne out, contradicted or
    not testable here, always with the figure it rests on (a thesis is a hypothesis, never a fact).
    The sign is tested on the correlation of changes; a view of who moves first (`leader`, an id) on
    the lead-lag search."""
    if shortfall(ctx):
        return "Not testable here: this window holds too little data in common (see the cross-asset list)."
    c = ctx.report.stats.correlation
    measured = (
        f"correlated {w.signed_r(c.changes)} "
        f"({interval_words(c.changes_ci_low, c.changes_ci_high)}, {w.pvalue(c.changes_pvalue)})"
    )
    figure = f"{ctx.changes} {measured}"
    usual = "positive" if expected_sign and expected_sign > 0 else "negative"
    sign = robust_sign(ctx)
    if expected_sign is None:
        verdict = f"Not testable here: the view gives no single sign for the {ctx.changes}, which {measured}."
    elif not is_significant(c.changes_pvalue) or c.changes_ci_low <= 0 <= c.changes_ci_high:
        verdict = (
            f"Not borne out over this window: the usual link is {usual}; {figure}, not significant, so "
            "this window neither confirms nor contradicts it."
        )
    elif sign is None:
        verdict = (
            f"Not borne out over this window: the usual link is {usual}, but {figure}, and the rank "
            f"correlation ({w.signed_r(c.changes_spearman)}) has the other sign: no robust link either way."
        )
    elif (c.changes > 0) == (expected_sign > 0):
        verdict = f"Borne out over this window (the usual {usual} link): {figure}."
    else:
        verdict = f"**Contradicted over this window**: the usual link is {usual}, but {figure}."
    return verdict if leader is None else f"{verdict} {_lead_verdict(ctx, leader)}"


def _lead_verdict(ctx: Context, leader: str) -> str:
    ll = ctx.report.stats.lead_lag
    head = f"The view has {ctx.name_a if leader == ctx.a.id else ctx.name_b} moving first"
    untestable = lead_untestable(ctx.report)
    if untestable:
        return f"{head}: not testable here, as {untestable}."
    if (
        ll.insufficient
        or ll.best_lag is None
        or ll.correlation is None
        or not ll.band_adjusted
        or ll.max_lag < 1
    ):
        return f"{head}: not testable here, too few consecutive {ctx.changes}."
    k = ll.best_lag
    best = (
        f"the strongest lagged correlation is {w.signed_r(ll.correlation)} at lag {k:+d}, where a positive "
        f"lag means {ctx.name_a} moves first, against a ±{w.number(ll.band_adjusted)} noise band for the "
        f"{len(ll.lags)} lags tried"
    )
    if not ll.significant_adjusted or k == 0:
        return f"{head}: not borne out over this window, as no lead clears the band ({best})."
    if (ctx.a.id if k > 0 else ctx.b.id) == leader:
        return f"{head}: borne out over this window ({best})."
    return f"{head}: **contradicted over this window**, the other one leads ({best})."
