"""Claims about the present against the past: divergence, regimes, where the pair stands."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from convex.analytics.align import CHANGE_A, CHANGE_B
from convex.analytics.comovement import comovement_codes
from convex.content import words as w
from convex.content.claims.base import SIGNIFICANCE, Claim, Context, shortfall, window_moves

_NORMAL = NormalDist()


# --------------------------------------------------------------------------- divergence and regimes


_STATE_WORDS = {
    "both_up": "both rising",
    "both_down": "both falling",
    "a_up_b_down": "{a} up, {b} down",
    "a_down_b_up": "{a} down, {b} up",
}


def current_run(ctx: Context) -> str | None:
    cm = ctx.report.stats.comovement
    if cm.current_state is None or cm.current_run < 1:
        return None
    if cm.current_state == "flat":
        return f"In the latest {ctx.period} at least one of them did not change."
    state = _STATE_WORDS[cm.current_state].format(a=ctx.name_a, b=ctx.name_b)
    return (
        f"The current run: {ctx.periods(cm.current_run)} of {state} (since {ctx.date(cm.current_run_since)})."
    )


def _recent_counts(ctx: Context) -> tuple[int, int, int] | None:
    """(periods, A up & B down, A down & B up) over the last rolling window of the lookback."""
    frame = ctx.report.aligned.frame
    window = ctx.report.stats.rolling_window
    columns = list(frame.columns)
    values = frame.to_numpy(dtype=float)
    a_chg, b_chg = values[:, columns.index(CHANGE_A)], values[:, columns.index(CHANGE_B)]
    both = np.isfinite(a_chg) & np.isfinite(b_chg)
    if int(both.sum()) < 2 * window:
        return None
    codes = comovement_codes(a_chg[both][-window:], b_chg[both][-window:])
    return window, int(np.count_nonzero(codes == 2)), int(np.count_nonzero(codes == -2))


def divergence(ctx: Context) -> Claim:
    gap = shortfall(ctx)
    if gap:
        return Claim(gap, gap, "insufficient")
    cm = ctx.report.stats.comovement
    a, b = ctx.name_a, ctx.name_b
    sentences = []
    short = ""
    if cm.insufficient is None and cm.both_up is not None and cm.both_down is not None:
        same = cm.both_up + cm.both_down
        sentences.append(
            f"{ctx.over}, {a} rose while {b} fell in {w.share(cm.a_up_b_down)} of the "
            f"{w.count(cm.n_moving)} {ctx.plural} in which both moved, and fell while {b} rose in "
            f"{w.share(cm.a_down_b_up)}; they moved the same way in {w.share(same)}."
        )
        short = f"Same direction in {w.share(same)} of {w.count(cm.n_moving)} {ctx.plural}"
        if cm.n_flat:
            sentences.append(f"In {ctx.periods(cm.n_flat)} at least one of them was unchanged.")
    else:
        sentences.append(
            f"{ctx.over} too few {ctx.plural} had both of them moving (n={w.count(cm.n_moving)}) to count "
            "how often they diverged."
        )
    recent = _recent_counts(ctx)
    if recent and cm.insufficient is None:
        window, up_down, down_up = recent
        sentences.append(
            f"In the last {ctx.periods(window)}, {a} rose while {b} fell in {up_down} and fell while {b} "
            f"rose in {down_up}."
        )
    moves = window_moves(ctx)
    if moves:
        sentences.append(f"{moves}.")
    run = current_run(ctx)
    if run:
        sentences.append(run)
        # The run is the list's detail of a count; alone it would say the answer's sentence again.
        short = f"{short}; {run[0].lower()}{run[1:]}" if short else ""
    regime = regimes(ctx)
    if regime.text:
        sentences.append(regime.text)
    return Claim(" ".join(sentences), (short.rstrip(".") + ".") if short else "", "measured")


def _difference_pvalue(r1: float, n1: float, r2: float, n2: float) -> float | None:
    """Two-sided p of equal correlations in two independent samples (Fisher z; n may be effective)."""
    if n1 <= 3 or n2 <= 3 or abs(r1) >= 1 or abs(r2) >= 1:
        return None
    z = (math.atanh(r1) - math.atanh(r2)) / math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3))
    return 2 * (1 - _NORMAL.cdf(abs(z)))


def regimes(ctx: Context) -> Claim:
    rg = ctx.report.stats.regimes
    a = ctx.name_a
    if shortfall(ctx) or rg.insufficient is not None:
        return Claim("", "", "insufficient")
    view = f"{ctx.periods(rg.window)} earlier"

    def measured(regime, label: str) -> str:
        if regime.insufficient is None and regime.correlation is not None:
            return f"{label}, {w.signed_r(regime.correlation)} (n={w.count(regime.n)})"
        return f"{label}, too few {ctx.plural} to measure (n={w.count(regime.n)})"

    # Balance sheets and money stocks expand and contract; prices and rates rise and fall.
    up, down = ("expanding", "contracting") if ctx.a.domain == "Liquidity" else ("rising", "falling")
    rising = measured(
        rg.expanding, f"while {a} was {up} (above its level {view}, as known when each {ctx.period} began)"
    )
    falling = measured(rg.contracting, f"while it was {down}")
    text = f"By regime, the correlation of {ctx.changes} was: {rising}; {falling}."
    e, k = rg.expanding, rg.contracting
    c = ctx.report.stats.correlation
    # Each regime keeps the window's autocorrelation: its effective size shrinks by the same factor.
    shrink = (c.n_changes_effective / c.n_changes) if c.n_changes_effective and c.n_changes else 1.0
    if e.correlation is not None and k.correlation is not None:
        p = _difference_pvalue(e.correlation, e.n * shrink, k.correlation, k.n * shrink)
        if p is not None and p < SIGNIFICANCE:
            text += f" The difference is statistically significant ({w.pvalue(p)})."
        elif p is not None:
            text += f" The difference is within noise ({w.pvalue(p)})."
    # The current regime is news only when both regimes were seen in the window.
    both_seen = e.insufficient is None and k.insufficient is None
    if rg.current_regime and both_seen:
        word = up if rg.current_regime == "expanding" else down
        text += f" {a} has been {word} on that view since {ctx.date(rg.current_regime_since)}."
    return Claim(text, text, "measured")


# --------------------------------------------------------------------------- where they stand


def standing(ctx: Context) -> str | None:
    """Latest values and where they sit in each metric's own history."""
    parts = []
    for metric, stats in ((ctx.a, ctx.report.metric_a), (ctx.b, ctx.report.metric_b)):
        if stats.insufficient is not None or stats.latest_value is None:
            continue
        text = f"{w.short_name(metric)} at {w.value(metric, stats.latest_value)}"
        if stats.latest_date is not None:
            text += f" ({w.date_words(stats.latest_date, metric.frequency)})"
        if stats.percentile_in_history is not None:
            since = (
                f" since {w.date_words(stats.history_start, metric.frequency)}"
                if stats.history_start is not None
                else ""
            )
            text += (
                f", with {w.share(stats.percentile_in_history / 100)} of its history{since} at or below that "
                "level"
            )
        parts.append(text)
    if not parts:
        return None
    return "; ".join(parts) + "."
