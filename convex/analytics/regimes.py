"""Regimes of A: the correlation of changes while A is expanding and while it is contracting.

A period's regime is known before the period starts: A's level at the end of the previous
period against its level `window` periods before that. Labelling a period by its own closing
level would put the change being correlated inside its own label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from convex.analytics.align import LEVEL_A
from convex.analytics.comovement import run_at_end
from convex.analytics.correlation import pearson
from convex.analytics.pair_data import MIN_OBSERVATIONS, PairData, too_few
from convex.analytics.serialise import JsonResult


@dataclass(frozen=True)
class RegimeCorrelation(JsonResult):
    regime: str
    correlation: float | None
    pvalue: float | None
    n: int
    mean_a_change: float | None
    mean_b_change: float | None
    insufficient: str | None = None


@dataclass(frozen=True)
class Regimes(JsonResult):
    """Correlation of changes while A is expanding vs contracting.

    A period is "expanding" when, at its start, A's level was above its level `window` periods
    earlier (QE for the Fed balance sheet), "contracting" when below; equal or not yet known is
    unclassified. The current regime is the state at the latest level.
    """

    window: int
    expanding: RegimeCorrelation
    contracting: RegimeCorrelation
    n: int
    n_unclassified: int
    current_regime: str | None
    current_regime_since: pd.Timestamp | None
    insufficient: str | None = None


def regime_states(levels: np.ndarray, window: int) -> np.ndarray:
    """At the end of each period: +1 where the level is above its value `window` periods
    earlier, -1 below, 0 equal or unknown."""
    states = np.zeros(len(levels), dtype=int)
    if len(levels) > window:
        states[window:] = np.sign(levels[window:] - levels[:-window]).astype(int)
    return states


def regime_labels(levels: np.ndarray, window: int) -> np.ndarray:
    """Each period's regime as known when it starts: the state at the end of the period before."""
    states = regime_states(levels, window)
    return np.r_[0, states[:-1]] if len(states) else states


def regimes(data: PairData, window: int) -> Regimes:
    levels = data.history[LEVEL_A].to_numpy()
    labels = regime_labels(levels, window)[data.offset :][data.both]
    states = regime_states(levels, window)
    name_a = data.names[0]
    # Within a regime the changes keep the window's autocorrelation: the same Bartlett factor.
    factor = data.changes_factor()

    def regime(label: int, name: str) -> RegimeCorrelation:
        rows = labels == label
        a, b = data.a_chg[rows], data.b_chg[rows]
        result = pearson(a, b, data.names, f"changes while {name_a} is {name}", factor=factor)
        return RegimeCorrelation(
            regime=name,
            correlation=result.r,
            pvalue=result.pvalue,
            n=len(a),
            mean_a_change=float(a.mean()) if len(a) else None,
            mean_b_change=float(b.mean()) if len(b) else None,
            insufficient=result.insufficient,
        )

    expanding = regime(1, "expanding")
    contracting = regime(-1, "contracting")
    n = len(labels)
    current_name, since = None, None
    if len(states) and states[-1] != 0:
        start, _ = run_at_end(states)
        current_name = "expanding" if states[-1] > 0 else "contracting"
        since = data.history.index[start]
    reason = None
    if expanding.insufficient and contracting.insufficient:
        reason = (
            "insufficient data: neither regime has enough periods"
            if n >= MIN_OBSERVATIONS
            else too_few(n, "changes")
        )
    return Regimes(
        window=window,
        expanding=expanding,
        contracting=contracting,
        n=n,
        n_unclassified=n - expanding.n - contracting.n,
        current_regime=current_name,
        current_regime_since=since,
        insufficient=reason,
    )
