"""Every pair of metrics ranked by how much its relationship changed, in a few matrix products.

The screen puts every series on one calendar per frequency: weekdays for daily data (a 24/7
series keeps its weekday closes), weeks ending Friday, month ends and quarter ends for the
others, each period holding the series' last value in it (for a pair whose coarser metric is an
average, the finer one's average over the period, as align_pair does). A pair is screened on
the calendar of its coarser metric. Changes follow each metric's change kind and only between
consecutive periods (a daily change across more than a week of missing days is left out), so a
gap is never counted as one period.

For each pair it compares the correlation of changes over the recent window (the last
`recent` before the calendar's end) with the correlation over the `long` window just before it
(the two samples do not overlap), as a difference of Fisher z's. A pair's windows end on its
last common date (the earlier of its two series' last dates), kept as `end`. Each side's variance uses
Bartlett's effective size n / (1 + 2 sum_k rho_a(k) rho_b(k)), each series' autocorrelations
taken over that window, as the pair page does. Correlations are pairwise-complete: what
`pandas.DataFrame.corr()` gives on the same changes, computed for all pairs at once.

In each window it also finds every pair's lead: the lag k (A's change at t against B's at t + k,
|k| up to SCREEN_MAX_LAG periods) with the largest |r|, called a lead only where the pair page
would call it: outside the band widened for the lags searched (Bonferroni at 5 %, Bartlett's
factor), with at least MIN_OBSERVATIONS changes at that lag. A pair's lead-lag shifted when the
two windows' calls differ (no call and a same-period peak both count as no lead). That flag is a
screen, not a test corrected across pairs: `RankedScreen.lead_shifts_by_chance` says how many pairs would show
one if no pair had a lead in either window.

`rank_screen` corrects the p-values of the pairs it keeps for multiple testing
(Benjamini-Hochberg, statsmodels' `multipletests`). BH controls the false-discovery rate for
independent or positively dependent tests; pairs sharing a metric are dependent, so the count
is a guide, stated as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from convex.analytics.align import FREQUENCY_RANK, MAX_PERIOD_DAYS
from convex.analytics.correlation import fisher_difference
from convex.analytics.lead_lag import lead_lag_max_lag
from convex.analytics.pair_data import MIN_OBSERVATIONS, SIGNIFICANCE_LEVEL, autocorrelation_lags

PERIOD_RULES = {"weekly": "W-FRI", "monthly": "ME", "quarterly": "QE"}
PERIOD_ALIASES = {"weekly": "W-FRI", "monthly": "M", "quarterly": "Q"}
FDR = 0.05
# Fewer changes than this in a window give no correlation.
MIN_WINDOW_CHANGES = 8
# The leads the screen looks for, in periods: two weeks of trading days, a month of weeks, a
# quarter of months, half a year of quarters (the pair page searches further, on one pair).
SCREEN_MAX_LAG = {"daily": 10, "weekly": 4, "monthly": 3, "quarterly": 2}


@dataclass(frozen=True)
class ScreenSeries:
    """One metric as the screen needs it: its values, frequency, change kind and aggregation."""

    id: str
    series: pd.Series
    frequency: str
    change: str  # "pct" | "diff"
    aggregation: str = "end"  # "end" | "average" | "sum"


@dataclass(frozen=True)
class Screen:
    """One row per unordered pair (a before b in input order), unranked: see rank_screen."""

    table: pd.DataFrame
    end: pd.Timestamp
    recent: pd.DateOffset
    long: pd.DateOffset


# --------------------------------------------------------------------------- one calendar per frequency


def _period_values(wide: pd.DataFrame, frequency: str, how: str) -> pd.DataFrame:
    """Each column's value per period of `frequency` (its last, average or total in the period),
    on the full calendar of periods, so a period without data is a row of NaN."""
    if frequency == "daily":
        return wide[wide.index.day_of_week < 5]
    resampled = wide.resample(PERIOD_RULES[frequency])
    if how == "sum":
        return resampled.sum(min_count=1)
    return resampled.mean() if how == "average" else resampled.last()


def _changes(values: pd.DataFrame, pct: np.ndarray, frequency: str) -> pd.DataFrame:
    """Per-column changes between consecutive periods (percent where `pct`, else differences).
    Daily: from each column's previous value, left out across more than a week of missing days."""
    if frequency == "daily":
        dates = pd.DataFrame(
            np.where(values.notna(), values.index.values[:, None], np.datetime64("NaT")),
            index=values.index,
            columns=values.columns,
        )
        previous = values.ffill().shift(1)
        gap = (values.index.values[:, None] - dates.ffill().shift(1).to_numpy()) / np.timedelta64(1, "D")
        too_long = ~(gap <= MAX_PERIOD_DAYS["daily"])
    else:
        previous = values.shift(1)  # the calendar is complete: a missing period is a NaN row
        too_long = np.zeros(values.shape, dtype=bool)
    v, p = values.to_numpy(), previous.to_numpy()
    with np.errstate(all="ignore"):
        out = np.where(pct[None, :], np.where(p > 0, v / p - 1, np.nan), v - p)
    out[too_long | ~np.isfinite(v)] = np.nan
    return pd.DataFrame(out, index=values.index, columns=values.columns)


def _levels(values: pd.DataFrame, pct: np.ndarray) -> pd.DataFrame:
    """What the spread compares: logs of a positive series whose changes are in percent."""
    v = values.to_numpy()
    with np.errstate(all="ignore"):
        positive = np.nanmin(np.where(np.isfinite(v), v, np.inf), axis=0) > 0
        out = np.where((pct & positive)[None, :], np.log(v), v)
    return pd.DataFrame(out, index=values.index, columns=values.columns)


# --------------------------------------------------------------------------- all pairs at once


def pairwise_correlation(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of every column of x with every column of y over the rows where both have a
    value (pandas' pairwise-complete DataFrame.corr), and the number of those rows."""
    mx, my = np.isfinite(x), np.isfinite(y)
    # Centred first: the sums of squares then do not cancel for tiny daily changes.
    x, y = np.where(mx, x - _column_means(x, mx), 0.0), np.where(my, y - _column_means(y, my), 0.0)
    fx, fy = mx.astype(float), my.astype(float)
    n = fx.T @ fy
    with np.errstate(all="ignore"):
        sx, sy = x.T @ fy, fx.T @ y
        cov = x.T @ y - sx * sy / n
        vx = (x * x).T @ fy - sx * sx / n
        vy = fx.T @ (y * y) - sy * sy / n
        r = cov / np.sqrt(vx * vy)
    r[(n < MIN_WINDOW_CHANGES) | ~(vx > 1e-300) | ~(vy > 1e-300)] = np.nan
    return np.clip(r, -1.0, 1.0), n


def _column_means(x: np.ndarray, present: np.ndarray) -> np.ndarray:
    count = present.sum(axis=0)
    return np.where(present, x, 0.0).sum(axis=0) / np.maximum(count, 1)


def _autocorrelation_rows(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Each column's autocorrelations at lags 1..max_lag over its own values (NaNs dropped)."""
    out = np.zeros((x.shape[1], max_lag))
    for j in range(x.shape[1]):
        col = x[:, j][np.isfinite(x[:, j])]
        centred = col - col.mean() if len(col) else col
        denominator = float(centred @ centred)
        if denominator > 0:
            out[j] = [float(centred[k:] @ centred[:-k]) / denominator for k in range(1, max_lag + 1)]
    return out


def _bartlett(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lags = max(autocorrelation_lags(len(x)), 1)
    factor = 1.0 + 2.0 * (_autocorrelation_rows(x, lags) @ _autocorrelation_rows(y, lags).T)
    return np.maximum(factor, 1.0)


def lagged_correlations(
    x: np.ndarray, y: np.ndarray, max_lag: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """r and pair counts of x_i[t] with y_j[t + k] for every column pair (i, j), for the lags k in
    the order a tie is settled: 0, 1, -1, 2, -2, ... (the smallest |k| first, as lead_lag does)."""
    lags = np.array([0] + [s * k for k in range(1, max_lag + 1) for s in (1, -1)], dtype=int)
    total = len(x)
    r = np.full((len(lags), x.shape[1], y.shape[1]), np.nan)
    n = np.zeros(r.shape)
    for index, k in enumerate(lags):
        if abs(k) >= total:
            continue
        xs, ys = (x[: total - k], y[k:]) if k >= 0 else (x[-k:], y[: total + k])
        r[index], n[index] = pairwise_correlation(xs, ys)
    return lags, r, n


def _leads(x: np.ndarray, y: np.ndarray, factor: np.ndarray, frequency: str) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's lag of largest |r| (x_i leading y_j by k > 0) where it is a lead the pair page
    would call (NaN where not), and the r at that lag."""
    max_lag = lead_lag_max_lag(len(x), SCREEN_MAX_LAG[frequency])
    shape = (x.shape[1], y.shape[1])
    if max_lag < 1:
        return np.full(shape, np.nan), np.full(shape, np.nan)
    lags, r, n = lagged_correlations(x, y, max_lag)
    r = np.where(n >= MIN_OBSERVATIONS, r, np.nan)
    strength = np.where(np.isfinite(r), np.abs(r), -1.0)
    best = np.argmax(strength, axis=0)  # the first maximum: the smallest |k| on a tie
    best_r = np.take_along_axis(r, best[None], axis=0)[0]
    z = sps.norm.ppf(1 - SIGNIFICANCE_LEVEL / 2 / (2 * max_lag + 1))
    with np.errstate(all="ignore"):
        band = z * np.sqrt(factor / n[0])
        called = np.abs(best_r) > band
    return np.where(called, lags[best].astype(float), np.nan), best_r


def _spread_zscore(levels: np.ndarray, last: np.ndarray) -> np.ndarray:
    """For every pair (i, j): the latest gap between the two z-scored levels, in standard
    deviations of that gap over the window's common rows."""
    mask = np.isfinite(levels)
    mean = _column_means(levels, mask)
    sd = np.sqrt(_column_means((np.where(mask, levels, 0.0) - mean) ** 2, mask))
    with np.errstate(all="ignore"):
        z = np.where(mask, (levels - mean) / sd, 0.0)
        f = mask.astype(float)
        n = f.T @ f
        sum_i, sum_j = z.T @ f, f.T @ z
        sq_i, sq_j = (z * z).T @ f, f.T @ (z * z)
        gap_mean = (sum_i - sum_j) / n
        gap_var = (sq_i + sq_j - 2 * (z.T @ z)) / n - gap_mean**2
        current = ((last - mean) / sd)[:, None] - ((last - mean) / sd)[None, :]
        out = (current - gap_mean) / np.sqrt(gap_var)
    out[(n < MIN_WINDOW_CHANGES) | ~(gap_var > 1e-12)] = np.nan
    return out


# --------------------------------------------------------------------------- the screen


def screen_pairs(
    items: list[ScreenSeries],
    *,
    recent: pd.DateOffset,
    long: pd.DateOffset,
    progress: Callable[[float, str], None] | None = None,
) -> Screen:
    """The correlation of changes of every pair over the recent window against the long window
    before it, and the spread's z-score now. Each pair's windows end on its last common date
    (the earlier of its two series' last dates), so a stale series never empties a live pair's
    recent window; `Screen.end` is the latest of them."""
    items = [s for s in items if len(s.series)]
    wide = pd.concat([s.series.rename(s.id) for s in items], axis=1, sort=True) if items else None
    frames = []
    used = sorted({s.frequency for s in items}, key=FREQUENCY_RANK.get)
    for step, frequency in enumerate(used):
        if progress:
            progress(step / len(used), f"{frequency} pairs")
        frames.append(_screen_frequency(items, wide, frequency, recent, long))
    if progress:
        progress(1.0, "done")
    table = pd.concat(frames, ignore_index=True) if frames else _empty_table()
    end = table["end"].max() if len(table) else pd.NaT
    return Screen(table, end, recent, long)


def _screen_frequency(items, wide, frequency, recent, long) -> pd.DataFrame:
    rank = FREQUENCY_RANK[frequency]
    members = [s for s in items if FREQUENCY_RANK[s.frequency] <= rank]
    wide = wide[[s.id for s in members]]
    pct = np.array([s.change == "pct" for s in members], dtype=bool)
    is_coarse = np.array([s.frequency == frequency for s in members], dtype=bool)
    if not is_coarse.any():
        return _empty_table()
    # Every pair with at least one metric of this frequency: c the coarser one, f the other.
    first, second = np.triu_indices(len(members), 1)
    on_this = is_coarse[first] | is_coarse[second]
    first, second = first[on_this], second[on_this]
    c = np.where(is_coarse[first], first, second)
    f = np.where(is_coarse[first], second, first)
    aggregation = np.array([s.aggregation for s in members])
    how = np.where(is_coarse[f], "end", aggregation[c])
    last = np.array([s.series.index[-1] for s in members], dtype="datetime64[ns]")
    pair_end = np.minimum(last[first], last[second])
    starts = np.array([s.series.index[0] for s in members], dtype="datetime64[ns]")
    pair_first = np.maximum(starts[first], starts[second])
    columns = {k: np.full(len(c), np.nan) for k in _RAW_COLUMNS[3:-2]}
    ends_frame = _changes(_period_values(wide, frequency, "end"), pct, frequency)
    frames = {
        kind: ends_frame if kind == "end" else _changes(_period_values(wide, frequency, kind), pct, frequency)
        for kind in np.unique(how)
    }
    levels = _levels(_period_values(wide, frequency, "end"), pct)
    for end in np.unique(pair_end):
        group = pair_end == end
        end = pd.Timestamp(end)
        split, start = end - recent, end - recent - long
        for kind, changes in frames.items():
            pick = group & (how == kind)
            if not pick.any():
                continue
            for name, lo, hi in (("recent", split, end), ("long", start, split)):
                rows = (changes.index > lo) & (changes.index <= hi)
                x, y = ends_frame[rows].to_numpy(), changes[rows].to_numpy()
                r, n = pairwise_correlation(x, y)
                factor = _bartlett(x, y)
                lead, lead_r = _leads(x, y, factor, frequency)
                cp, fp = c[pick], f[pick]
                columns[f"r_{name}"][pick] = r[cp, fp]
                columns[f"n_{name}"][pick] = n[cp, fp]
                columns[f"factor_{name}"][pick] = factor[cp, fp]
                # The matrices hold "c leads f by k": turned to "a leads b by k".
                sign = np.where(c[pick] == first[pick], 1.0, -1.0)
                columns[f"lead_{name}"][pick] = sign * lead[cp, fp]
                columns[f"lead_r_{name}"][pick] = lead_r[cp, fp]
        window = levels[(levels.index > start) & (levels.index <= end)]
        if len(window):
            spread = _spread_zscore(window.to_numpy(), window.ffill().iloc[-1].to_numpy())
            columns["spread_z"][group] = spread[first[group], second[group]]
    ids = np.array([s.id for s in members])
    table = pd.DataFrame(
        {"a": ids[first], "b": ids[second], "frequency": frequency, **columns, "first": pair_first,
         "end": pair_end}
    )
    return _finish(table)


_RAW_COLUMNS = [
    "a",
    "b",
    "frequency",
    "r_long",
    "n_long",
    "factor_long",
    "r_recent",
    "n_recent",
    "factor_recent",
    "lead_long",
    "lead_r_long",
    "lead_recent",
    "lead_r_recent",
    "spread_z",
    # The pair's first common date: a window asked for 3 years of a pair whose shorter series started
    # 7 months ago holds 7 months (jobs/screening.py sets such pairs apart).
    "first",
    "end",
]


def _empty_table() -> pd.DataFrame:
    return _finish(pd.DataFrame(columns=_RAW_COLUMNS))


def _finish(t: pd.DataFrame) -> pd.DataFrame:
    """Adds the change of correlation, its Fisher-z test at the effective sizes, and the sizes."""
    t = t.astype({"n_long": float, "n_recent": float, "r_long": float, "r_recent": float})
    n_eff_long = t["n_long"] / t["factor_long"].astype(float)
    n_eff_recent = t["n_recent"] / t["factor_recent"].astype(float)
    z, pvalue = fisher_difference(t["r_long"], n_eff_long, t["r_recent"], n_eff_recent)
    leads = t[["lead_long", "lead_recent"]].astype(float).fillna(0.0)
    return t.assign(
        # Both windows long enough to search (an r at some lag), and the calls differ.
        lead_shift=t["lead_r_long"].notna()
        & t["lead_r_recent"].notna()
        & (leads["lead_long"] != leads["lead_recent"]),
        change=t["r_recent"] - t["r_long"],
        n_effective_long=n_eff_long,
        n_effective_recent=n_eff_recent,
        z=z,
        pvalue=pvalue,
    )


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankedScreen:
    table: pd.DataFrame  # ranked: smallest p first; with qvalue (BH) and passes
    tested: int  # pairs with a p-value
    below_threshold: int  # raw p < FDR
    expected_by_chance: float  # FDR x tested: raw p < FDR expected with no change anywhere
    discoveries: int  # pass BH at FDR
    lead_searched: int = 0  # pairs whose lead could be called in both windows
    lead_shifts: int = 0
    # Shifts expected if no pair had a relationship at any lag: a spurious call in one window or
    # the other, each at most SIGNIFICANCE_LEVEL (Bonferroni over its lags).
    lead_shifts_by_chance: float = 0.0
    # Pairs the filters keep but the ranking leaves out, with why (`apart`): see jobs/screening.rank.
    set_apart: pd.DataFrame | None = None
    samples_left_out: int = 0  # pairs with an offline sample, not ranked beside other data


def rank_screen(
    table: pd.DataFrame, *, keep: Callable[[pd.DataFrame], pd.Series] | None = None, min_points: int = 0
) -> RankedScreen:
    """The pairs `keep` selects (and with at least `min_points` changes in each window), smallest
    p first, with Benjamini-Hochberg q-values over exactly those pairs."""
    t = table
    if keep is not None and len(t):
        t = t[keep(t)]
    t = t[(t["n_recent"] >= min_points) & (t["n_long"] >= min_points)]
    tested = t["pvalue"].notna()
    q = pd.Series(np.nan, index=t.index)
    passes = pd.Series(False, index=t.index)
    if tested.any():
        reject, qvalues, _, _ = multipletests(t.loc[tested, "pvalue"], alpha=FDR, method="fdr_bh")
        q[tested] = qvalues
        passes[tested] = reject
    t = t.assign(qvalue=q, passes=passes)
    order = np.lexsort((-t["change"].abs().fillna(0).to_numpy(), t["pvalue"].fillna(2).to_numpy()))
    t = t.iloc[order].reset_index(drop=True)
    count = int(tested.sum())
    searched = int((t["lead_r_long"].notna() & t["lead_r_recent"].notna()).sum())
    return RankedScreen(
        t,
        count,
        int((t["pvalue"] < FDR).sum()),
        FDR * count,
        int(t["passes"].sum()),
        lead_searched=searched,
        lead_shifts=int(t["lead_shift"].sum()),
        lead_shifts_by_chance=searched * (1 - (1 - SIGNIFICANCE_LEVEL) ** 2),
    )
