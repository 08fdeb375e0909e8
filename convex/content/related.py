"""Related comparisons and a metric's strongest relationships, from a cheap correlation of changes.

Only `align_pair` and a Pearson correlation of the aligned changes are computed per pair (no
full pair statistics), and only a bounded set of pairs is examined, so the whole ranking takes a
fraction of a second for the full catalog with ten years of daily data.

Ranking of related pairs: score = max(strength, change).

* strength is |r| of changes over the lookback, discounted for sampling noise: the end of its
  95 % interval nearest zero (0 when the interval spans zero). Pairs are compared at different
  frequencies, and an |r| of 0.4 from 36 monthly points is routine noise while 0.3 from 750
  daily points is not.
* change is |r over the last year - r over the lookback|, counted only when the last year's
  correlation differs significantly (Fisher z, 5 %) from the correlation over the rest of the
  lookback (the two samples do not overlap, so the test is valid). Without that test a year of
  weekly data (n = 52, standard error about 0.14) would make noise look like news.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd

from convex.analytics.align import (
    CHANGE_A,
    CHANGE_B,
    LOOKBACKS,
    NATIVE_PERIOD_DAYS,
    align_pair,
    as_of_tolerance,
    clean_series,
    lower_frequency,
)
from convex.analytics.correlation import correlation_pvalue, fisher_interval, pearson_r
from convex.analytics.pair_data import MIN_OBSERVATIONS, autocorrelation_lags, bartlett_factor
from convex.content import words as w
from convex.metrics.metric import AT_THE_CLOSE, Dating, Metric

SIGNIFICANCE = 0.05
_NORMAL = NormalDist()


@dataclass(frozen=True, eq=False)
class CandidateSeries:
    """A metric that has data: its series, its catalog entry and the series' frequency."""

    series: pd.Series
    metric: Metric
    frequency: str
    # live | import | sample: rankings label what does not come from the live source.
    provenance: str = "live"

    @property
    def dating(self) -> Dating:
        return AT_THE_CLOSE if self.provenance == "sample" else self.metric.dating


@dataclass(frozen=True)
class RelatedPair:
    a_id: str
    b_id: str
    reason: str
    correlation: float
    n: int
    frequency: str
    lookback: str
    correlation_last_year: float | None
    n_last_year: int
    score: float
    # "strong" (ranked by |r|) or "changed" (ranked by how far the last year moved from the lookback).
    kind: str
    # "shares_metric" or "domain_pair".
    link: str

    def to_dict(self) -> dict:
        return {
            "a": self.a_id,
            "b": self.b_id,
            "reason": self.reason,
            "correlation": self.correlation,
            "n": self.n,
            "frequency": self.frequency,
            "lookback": self.lookback,
            "correlation_last_year": self.correlation_last_year,
            "n_last_year": self.n_last_year,
            "score": self.score,
            "kind": self.kind,
            "link": self.link,
        }


@dataclass(frozen=True)
class Relationship:
    metric_id: str
    name: str
    domain: str
    correlation: float
    pvalue: float
    significant: bool
    ci_low: float
    ci_high: float
    n: int
    frequency: str
    lookback: str
    provenance: str = "live"

    def to_dict(self) -> dict:
        return {
            "metric": self.metric_id,
            "provenance": self.provenance,
            "name": self.name,
            "domain": self.domain,
            "correlation": self.correlation,
            "pvalue": self.pvalue,
            "significant": self.significant,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "frequency": self.frequency,
            "lookback": self.lookback,
        }


@dataclass(frozen=True)
class _Correlations:
    r: float
    n: int
    frequency: str
    r_last_year: float | None
    n_last_year: int
    r_before: float | None
    n_before: int
    # Bartlett's variance factor of the two change series: every n above is worth n / factor.
    factor: float = 1.0

    @property
    def n_effective(self) -> float:
        return self.n / self.factor


def _corr(a: np.ndarray, b: np.ndarray) -> tuple[float | None, int]:
    ok = np.isfinite(a) & np.isfinite(b)
    n = int(np.count_nonzero(ok))
    if n < MIN_OBSERVATIONS:
        return None, n
    r = pearson_r(a[ok], b[ok])
    return (r if math.isfinite(r) else None), n


def _trim_start(
    x: CandidateSeries, y: CandidateSeries, lookback: str
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(cut, latest usable end) for aligning only the tail both series need, or None for "use all".

    Rows dated at least HALF a buffer after the cut align exactly as with the full series (an
    as-of sample or a previous observation is never older than the half buffer), and the check on
    the aligned end in `changes_correlation` makes sure the window lies inside those rows.
    """
    offset = LOOKBACKS[lookback]
    if offset is None or x.series.empty or y.series.empty:
        return None
    if not (x.series.index.is_monotonic_increasing and y.series.index.is_monotonic_increasing):
        return None  # not cleaned yet: align everything and let align_pair sort it out
    frequency = lower_frequency(x.frequency, y.frequency)
    half = pd.Timedelta(days=2 * NATIVE_PERIOD_DAYS[frequency] + 7) + as_of_tolerance(frequency)
    end = min(x.series.index[-1], y.series.index[-1])
    return end - offset - 2 * half, end - half


def _tail(series: pd.Series, cut: pd.Timestamp) -> pd.Series:
    return series.iloc[series.index.searchsorted(cut) :]


def changes_correlation(x: CandidateSeries, y: CandidateSeries, lookback: str) -> _Correlations | None:
    """Correlation of aligned changes over the lookback, over its last year and over the rest.

    The series are cut to the tail the lookback needs before aligning (3x faster for ten years of
    daily data); if the aligned end falls too far before the series' common end, the full series
    are aligned instead, so the window is never cut short.
    """
    trim = _trim_start(x, y, lookback)
    a_series, b_series = x.series, y.series
    if trim is not None:
        a_series, b_series = _tail(x.series, trim[0]), _tail(y.series, trim[0])
    aligned = _align(x, y, a_series, b_series, lookback)
    if trim is not None and (aligned.end is None or aligned.end < trim[1]):
        aligned = _align(x, y, x.series, y.series, lookback)
    frame = aligned.frame
    if len(frame) < MIN_OBSERVATIONS:
        return None
    values = frame.to_numpy(dtype=float)
    columns = list(frame.columns)
    a, b = values[:, columns.index(CHANGE_A)], values[:, columns.index(CHANGE_B)]
    r, n = _corr(a, b)
    if r is None:
        return None
    start = frame.index[-1] - LOOKBACKS["1Y"]
    recent = np.asarray(frame.index > start)
    r_last, n_last = _corr(a[recent], b[recent]) if recent.any() else (None, 0)
    r_before, n_before = _corr(a[~recent], b[~recent]) if (~recent).any() else (None, 0)
    ok = np.isfinite(a) & np.isfinite(b)
    factor = bartlett_factor(a[ok], b[ok], autocorrelation_lags(n))
    return _Correlations(r, n, aligned.frequency, r_last, n_last, r_before, n_before, factor)


def _known_correlation(
    x_id: str, y_id: str, candidates: Mapping[str, CandidateSeries], lookback: str, known: dict | None
) -> _Correlations | None:
    """changes_correlation of two candidates, looked up in (and added to) `known` when given: a dict
    the caller keeps for one set of candidates, so that rankings over the same data share the pairs
    they have in common."""
    if known is None:
        return changes_correlation(candidates[x_id], candidates[y_id], lookback)
    key = (x_id, y_id, lookback)
    if key not in known:
        known[key] = changes_correlation(candidates[x_id], candidates[y_id], lookback)
    return known[key]


def _align(x: CandidateSeries, y: CandidateSeries, a: pd.Series, b: pd.Series, lookback: str):
    return align_pair(
        a, b, freq_a=x.frequency, freq_b=y.frequency, change_a=x.metric.change, change_b=y.metric.change,
        lookback=lookback, dating_a=x.dating, dating_b=y.dating,
    )  # fmt: skip


def _changed(c: _Correlations, lookback: str) -> float:
    """|r last year - r over the lookback|, or 0 when the difference is not significant."""
    if lookback in ("90D", "1Y") or c.r_last_year is None or c.r_before is None:
        return 0.0
    n_last, n_before = c.n_last_year / c.factor, c.n_before / c.factor
    if abs(c.r_last_year) >= 1 or abs(c.r_before) >= 1 or n_before <= 3 or n_last <= 3:
        return 0.0
    z = (math.atanh(c.r_last_year) - math.atanh(c.r_before)) / math.sqrt(
        1 / (n_last - 3) + 1 / (n_before - 3)
    )
    p = 2 * (1 - _NORMAL.cdf(abs(z)))
    return abs(c.r_last_year - c.r) if p < SIGNIFICANCE else 0.0


def _cleaned(candidates: Mapping[str, CandidateSeries]) -> dict[str, CandidateSeries]:
    """Each series cleaned once (sorted, unique, finite), not once per pair."""
    return {key: replace(c, series=clean_series(c.series)) for key, c in candidates.items()}


def _strength(r: float, n: float) -> float:
    """|r| discounted for sampling noise: the end of its 95% interval nearest zero (0 if it spans zero)."""
    low, high = fisher_interval(r, n)
    if low <= 0 <= high:
        return 0.0
    return min(abs(low), abs(high))


def built_from(x: Metric, y: Metric) -> bool:
    """Whether the two are linked by construction (see Catalog.mechanical_link): their correlation
    is arithmetic or a pricing identity, not a market relationship."""
    return x.mechanical_link(y) is not None


def _candidate_pairs(
    a_id: str, b_id: str, candidates: Mapping[str, CandidateSeries]
) -> dict[frozenset[str], tuple[str, str, str, str]]:
    """Unordered key -> (first id, second id, link kind, link words), current pair and swap excluded."""
    current = frozenset((a_id, b_id))
    pairs: dict[frozenset[str], tuple[str, str, str, str]] = {}

    def add(x: str, y: str, link: str, words: str) -> None:
        key = frozenset((x, y))
        if built_from(candidates[x].metric, candidates[y].metric):
            return
        if len(key) == 2 and key != current and key not in pairs:
            pairs[key] = (x, y, link, words)

    others = sorted(i for i in candidates if i not in current)
    for shared, position in ((a_id, 0), (b_id, 1)):
        if shared not in candidates:
            continue
        words = f"shares {w.short_name(candidates[shared].metric)}"
        for other in others:
            add(*((shared, other) if position == 0 else (other, shared)), "shares_metric", words)
    if a_id in candidates and b_id in candidates:
        da, db = candidates[a_id].metric.domain, candidates[b_id].metric.domain
        words = f"both {da}" if da == db else f"same domains ({da} and {db})"
        firsts = [i for i in others if candidates[i].metric.domain == da]
        seconds = [i for i in others if candidates[i].metric.domain == db]
        for x in firsts:
            for y in seconds:
                add(x, y, "domain_pair", words)
    return pairs


def related_pairs(
    a_id: str,
    b_id: str,
    candidates: Mapping[str, CandidateSeries],
    *,
    lookback: str = "3Y",
    limit: int = 6,
    known: dict | None = None,
) -> list[RelatedPair]:
    """Up to `limit` other pairs that share a metric or the domain pair with (a, b), strongest first.

    Never the current pair or its swap; pairs with too little data (fewer than MIN_OBSERVATIONS
    aligned changes, or a constant series) are skipped. `known`: correlations already computed for
    these candidates (see _known_correlation), added to.
    """
    if limit <= 0:
        return []
    candidates = _cleaned(candidates)
    found: list[RelatedPair] = []
    for x_id, y_id, link, words in _candidate_pairs(a_id, b_id, candidates).values():
        c = _known_correlation(x_id, y_id, candidates, lookback, known)
        if c is None:
            continue
        changed = _changed(c, lookback)
        strength = _strength(c.r, c.n_effective)
        changes = w.CHANGES_WORD[c.frequency]
        if changed > strength:
            kind, score = "changed", changed
            detail = (
                f"correlation of {changes} {w.signed_r(c.r_last_year)} over the last year "
                f"(n={w.count(c.n_last_year)}) against {w.signed_r(c.r)} over {w.lookback_words(lookback)} "
                f"(n={w.count(c.n)})"
            )
        else:
            kind, score = "strong", strength
            detail = f"{changes} correlate {w.signed_r(c.r)} (n={w.count(c.n)})"
        samples = [candidates[i].metric.name for i in (x_id, y_id) if candidates[i].provenance == "sample"]
        if samples:
            detail += f" (offline sample data for {' and '.join(samples)})"
        found.append(
            RelatedPair(
                a_id=x_id,
                b_id=y_id,
                reason=w.md(f"{words}; {detail}"),
                correlation=c.r,
                n=c.n,
                frequency=c.frequency,
                lookback=lookback,
                correlation_last_year=c.r_last_year,
                n_last_year=c.n_last_year,
                score=score,
                kind=kind,
                link=link,
            )
        )
    found.sort(key=lambda p: (-p.score, -abs(p.correlation), p.link != "shares_metric", p.a_id, p.b_id))
    return found[:limit]


def strongest_relationships(
    metric_id: str,
    candidates: Mapping[str, CandidateSeries],
    *,
    lookback: str = "3Y",
    limit: int = 10,
    known: dict | None = None,
) -> list[Relationship]:
    """The catalog metrics with data whose changes correlate most with this one's, by |r|.

    Significant correlations (p < 0.05) come first, each group by |r|: a correlation of +0.40 from
    36 monthly points that could be noise should not outrank a solid -0.35 from 750 daily ones.
    `known`: as for related_pairs.
    """
    if metric_id not in candidates or limit <= 0:
        return []
    candidates = _cleaned(candidates)
    base = candidates[metric_id]
    found: list[Relationship] = []
    for other_id in sorted(candidates):
        other = candidates[other_id]
        if other_id == metric_id or built_from(base.metric, other.metric):
            continue
        c = _known_correlation(metric_id, other_id, candidates, lookback, known)
        if c is None:
            continue
        low, high = fisher_interval(c.r, c.n_effective)
        pvalue = correlation_pvalue(c.r, c.n_effective)
        found.append(
            Relationship(
                metric_id=other_id,
                name=other.metric.name,
                domain=other.metric.domain,
                correlation=c.r,
                pvalue=pvalue,
                significant=pvalue < SIGNIFICANCE,
                ci_low=low,
                ci_high=high,
                n=c.n,
                frequency=c.frequency,
                lookback=lookback,
                provenance=other.provenance,
            )
        )
    found.sort(key=lambda rel: (not rel.significant, -abs(rel.correlation), rel.metric_id))
    return found[:limit]
