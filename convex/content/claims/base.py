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
    def lookback(self) -> str:
        """The span held (analytics.windows.Window.words): "the last 3 years (8 Mar 2023 to 4 Mar
        2026)", or "7 months held (16 Jul 2025 to 23 Feb 2026) of the 5 years asked", with how long
        before today it ends when that is more than a period, and a flag when it is old."""
        window = self.report.aligned.window
        age = window.age_words()
        return f"{window.words()}, which {age}" if age else window.words()

    @cached_property
    def over(self) -> str:
        """ "Over the last 3 years"."""
        return f"Over {self.lookback}"

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


# --------------------------------------------------------------------------- notes against the data


def window_moves(ctx: Context) -> str | None:
    """ "Over the last 3 years Fed Balance Sheet changed -12.0% and TLT +4.1%"."""
    cm = ctx.report.stats.comovement
    if cm.a_change_over_window is None or cm.b_change_over_window is None:
        return None
    return (
        f"{ctx.over} {ctx.name_a} changed {w.change(ctx.a, cm.a_change_over_window)} and {ctx.name_b} "
        f"{w.change(ctx.b, cm.b_change_over_window)}"
    )


def note_evidence(ctx: Context, expected_sign: int | None) -> str | None:
    """The figures a hand-written note is read against, and, when the note states the usual sign
    of the relationship, whether this window bears it out."""
    c = ctx.report.stats.correlation
    if shortfall(ctx) or c.changes is None:
        return None  # the shortfall sentence says why nothing is measured
    moves = window_moves(ctx)
    figure = f"{ctx.changes} correlated {w.signed_r(c.changes)} ({w.pvalue(c.changes_pvalue)})"
    measured = f"{moves}; {figure}" if moves else figure
    measured = measured[0].lower() + measured[1:]
    if expected_sign is None:
        return f"Measured: {measured}."
    usual = "positive" if expected_sign > 0 else "negative"
    if not is_significant(c.changes_pvalue):
        return f"Not measurable over this window: {measured}, not significant."
    if (c.changes > 0) == (expected_sign > 0):
        return f"Borne out over this window (the usual {usual} link): {measured}."
    return f"**Not borne out over this window**: the usual link is {usual}, but {measured}."


