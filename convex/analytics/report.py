"""The whole pair analysis in one call, as JSON for the CLI and as readable plain text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from convex.analytics.align import AlignedPair, align_pair
from convex.analytics.metric_stats import MetricStats, metric_statistics
from convex.analytics.pair_stats import PairStats, pair_statistics
from convex.analytics.report_text import render_text
from convex.analytics.spreads import SPREAD_KINDS, SpreadResult, spread_series
from convex.metrics.metric import AT_THE_CLOSE, Dating

_PAIR_KEYS_FROM_ALIGNMENT = ("name_a", "name_b", "frequency", "lookback", "n")


def full_report_dict(
    aligned: AlignedPair,
    stats: PairStats,
    *,
    metric_a: MetricStats | None = None,
    metric_b: MetricStats | None = None,
    spreads: dict[str, SpreadResult] | None = None,
    include_series: bool = False,
) -> dict:
    """aligned.to_dict() (a, b, frequency, n, start, end, method, ...) plus every pair statistic.

    Nested keys follow the result types: correlation.changes, lead_lag.best_lag,
    granger.a_to_b.pvalue, comovement.current_run, ...
    """
    out = aligned.to_dict(include_series=include_series)
    pair = stats.to_dict(include_series=include_series)
    for key in _PAIR_KEYS_FROM_ALIGNMENT:
        pair.pop(key, None)
    out.update(pair)
    if metric_a is not None:
        out["metric_a"] = metric_a.to_dict()
    if metric_b is not None:
        out["metric_b"] = metric_b.to_dict()
    if spreads is not None:
        out["spreads"] = {
            kind: spread.to_dict(include_series=include_series) for kind, spread in spreads.items()
        }
    return out


@dataclass(frozen=True, eq=False)
class PairReport:
    aligned: AlignedPair
    stats: PairStats
    metric_a: MetricStats
    metric_b: MetricStats
    spreads: dict[str, SpreadResult] = field(default_factory=dict)

    def to_dict(self, *, include_series: bool = False) -> dict:
        return full_report_dict(
            self.aligned,
            self.stats,
            metric_a=self.metric_a,
            metric_b=self.metric_b,
            spreads=self.spreads,
            include_series=include_series,
        )

    def render_text(self) -> str:
        return render_text(self.stats, self.aligned, self.metric_a, self.metric_b, spreads=self.spreads)


def pair_core(
    a: pd.Series,
    b: pd.Series,
    *,
    freq_a: str,
    freq_b: str,
    change_a: str,
    change_b: str,
    lookback: str = "Max",
    name_a: str = "A",
    name_b: str = "B",
    today: pd.Timestamp | None = None,
    max_lag: int | None = None,
    rolling_window: int | None = None,
    regime_window: int | None = None,
    dating_a: Dating = AT_THE_CLOSE,
    dating_b: Dating = AT_THE_CLOSE,
) -> tuple[AlignedPair, PairStats]:
    """The aligned pair and every pair statistic: the part of the report that depends on the
    lookback (the metrics' own statistics and the spreads are computed apart, see pair_report).

    With a publication lag on either side (dating_*.release), lead-lag and Granger run on the
    "as published" alignment and everything else on the dates the values refer to; where release
    days are known only as a range, they run again at its earliest end (stats.release_fragility)."""
    common = dict(
        freq_a=freq_a, freq_b=freq_b, change_a=change_a, change_b=change_b, lookback=lookback,
        name_a=name_a, name_b=name_b, dating_a=dating_a, dating_b=dating_b, today=today,
    )  # fmt: skip
    aligned = align_pair(a, b, **common)
    lagged = dating_a.release is not None or dating_b.release is not None
    published = align_pair(a, b, **common, as_published=True) if lagged else None
    # Where a release day is not known, the rule dates a value at the latest it came out; the same
    # tests with the earliest it could have (the shortest recent lag) say whether a call is fragile.
    earliest = {"dating_a": dating_a.earliest(), "dating_b": dating_b.earliest()}
    ranged = lagged and (earliest["dating_a"] != dating_a or earliest["dating_b"] != dating_b)
    published_earliest = align_pair(a, b, **{**common, **earliest}, as_published=True) if ranged else None
    stats = pair_statistics(
        aligned,
        max_lag=max_lag,
        rolling_window=rolling_window,
        regime_window=regime_window,
        published=published,
        published_earliest=published_earliest,
    )
    return aligned, stats


def pair_spread(
    aligned: AlignedPair, stats: PairStats, kind: str, *, rolling_window: int | None
) -> SpreadResult:
    """One spread of the aligned pair (the residual one only for a cointegrated pair)."""
    return spread_series(aligned, kind, window=rolling_window, cointegration=stats.cointegration)


def pair_report(
    a: pd.Series,
    b: pd.Series,
    *,
    metric_window: str = "90D",
    spread_kinds: tuple[str, ...] = SPREAD_KINDS,
    **options,
) -> PairReport:
    """Align, compute every pair statistic (pair_core, which takes `options`: freq_a, change_a,
    lookback...), each metric's own statistics over `metric_window` and the spreads."""
    aligned, stats = pair_core(a, b, **options)
    today, rolling_window = options.get("today"), options.get("rolling_window")

    def own(series: pd.Series, side: str) -> MetricStats:
        frequency, change = options[f"freq_{side}"], options[f"change_{side}"]
        return metric_statistics(
            series, frequency=frequency, change=change, window=metric_window, today=today
        )

    return PairReport(
        aligned=aligned,
        stats=stats,
        metric_a=own(a, "a"),
        metric_b=own(b, "b"),
        spreads={
            kind: pair_spread(aligned, stats, kind, rolling_window=rolling_window) for kind in spread_kinds
        },
    )
