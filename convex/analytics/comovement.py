"""Co-movement: how often the two move in the same direction, period by period, and the
pattern of the latest run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from convex.analytics.align import CHANGE_A, CHANGE_B, LEVEL_A, LEVEL_B
from convex.analytics.pair_data import MIN_OBSERVATIONS, PairData, too_few
from convex.analytics.serialise import JsonResult

COMOVEMENT_STATES = ("both_up", "both_down", "a_up_b_down", "a_down_b_up", "flat")


@dataclass(frozen=True)
class Comovement(JsonResult):
    """How often the two move in the same direction, period by period.

    A period where either change is exactly zero is "flat": it is left out of the four shares
    (which therefore sum to 1 over the n_moving periods) and counted in n_flat. Rates that sit
    unchanged for weeks would otherwise count as neither up nor down anyway.
    """

    n: int
    n_moving: int
    n_flat: int
    both_up: float | None
    both_down: float | None
    a_up_b_down: float | None
    a_down_b_up: float | None
    b_up_when_a_up: float | None
    b_down_when_a_up: float | None
    b_up_when_a_down: float | None
    b_down_when_a_down: float | None
    # Change over the window from the level on its first date to the last level.
    a_change_over_window: float | None
    b_change_over_window: float | None
    # The state of the latest period and how many consecutive periods (back to `since`) share it;
    # counted over all aligned history, so a run that began before the window is not cut short.
    current_state: str | None
    current_run: int
    current_run_since: pd.Timestamp | None
    insufficient: str | None = None


# --------------------------------------------------------------------------- co-movement

# A period's code is 3 * sign(A's change) + sign(B's change); the four codes below are the
# periods in which both moved, every other code has a zero change on one side ("flat").
STATE_BY_CODE = {4: "both_up", -4: "both_down", 2: "a_up_b_down", -2: "a_down_b_up"}
FLAT_CODE = 0


def comovement_codes(a_chg: np.ndarray, b_chg: np.ndarray) -> np.ndarray:
    """Each period's code (see STATE_BY_CODE); every flat period gets FLAT_CODE."""
    codes = 3 * np.sign(a_chg).astype(int) + np.sign(b_chg).astype(int)
    return np.where(np.isin(codes, list(STATE_BY_CODE)), codes, FLAT_CODE)


def comovement_states(a_chg: np.ndarray, b_chg: np.ndarray) -> list[str]:
    """Each period's state, one of COMOVEMENT_STATES ("flat" when either change is exactly zero)."""
    return [STATE_BY_CODE.get(int(code), "flat") for code in comovement_codes(a_chg, b_chg)]


def run_at_end(labels: np.ndarray) -> tuple[int, int]:
    """(start position, length) of the run of equal labels that ends the array."""
    different = np.flatnonzero(labels != labels[-1])
    start = int(different[-1]) + 1 if different.size else 0
    return start, len(labels) - start


def _change_over_window(levels_history: np.ndarray, first: int, change: str) -> float | None:
    # Base: the level on the window's first date, as every change over a window (the text, the
    # tiles, the rebased chart, the downloads) is measured from it.
    base = float(levels_history[first])
    last = float(levels_history[-1])
    if change == "diff":
        return last - base
    return last / base - 1.0 if base > 0 else None


def comovement(data: PairData) -> Comovement:
    a, b = data.a_chg, data.b_chg
    n = len(a)
    codes = comovement_codes(a, b)
    counts = {name: int(np.count_nonzero(codes == code)) for code, name in STATE_BY_CODE.items()}
    n_moving = sum(counts.values())
    n_flat = n - n_moving

    history = data.history
    h_a, h_b = history[CHANGE_A].to_numpy(), history[CHANGE_B].to_numpy()
    h_both = np.isfinite(h_a) & np.isfinite(h_b)
    state, run, since = None, 0, None
    if h_both.any():
        h_codes = comovement_codes(h_a[h_both], h_b[h_both])
        start, run = run_at_end(h_codes)
        state = STATE_BY_CODE.get(int(h_codes[-1]), "flat")
        since = history.index[h_both][start]

    a_change = b_change = None
    if n:
        a_change = _change_over_window(history[LEVEL_A].to_numpy(), data.offset, data.change_a)
        b_change = _change_over_window(history[LEVEL_B].to_numpy(), data.offset, data.change_b)

    if n_moving < MIN_OBSERVATIONS:
        reason = too_few(n_moving, "periods in which both series moved")
        return Comovement(
            n, n_moving, n_flat, None, None, None, None, None, None, None, None,
            a_change, b_change, state, run, since, reason,
        )  # fmt: skip

    def share(count: int, of: int) -> float | None:
        return count / of if of else None

    a_up_total = counts["both_up"] + counts["a_up_b_down"]
    a_down_total = counts["both_down"] + counts["a_down_b_up"]
    return Comovement(
        n=n,
        n_moving=n_moving,
        n_flat=n_flat,
        both_up=counts["both_up"] / n_moving,
        both_down=counts["both_down"] / n_moving,
        a_up_b_down=counts["a_up_b_down"] / n_moving,
        a_down_b_up=counts["a_down_b_up"] / n_moving,
        b_up_when_a_up=share(counts["both_up"], a_up_total),
        b_down_when_a_up=share(counts["a_up_b_down"], a_up_total),
        b_up_when_a_down=share(counts["a_down_b_up"], a_down_total),
        b_down_when_a_down=share(counts["both_down"], a_down_total),
        a_change_over_window=a_change,
        b_change_over_window=b_change,
        current_state=state,
        current_run=run,
        current_run_since=since,
    )
