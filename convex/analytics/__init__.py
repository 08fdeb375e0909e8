"""Pure analytics for a pair of metrics: alignment, per-metric and pair statistics, spreads.

No Streamlit, no I/O, no clock: everything takes series (and `today` where it matters) and
returns frozen dataclasses whose `to_dict()` is JSON-safe.
"""

from convex.analytics.align import LOOKBACKS, AlignedPair, align_pair, compute_changes
from convex.analytics.metric_stats import MetricStats, metric_statistics, percentile_in_history
from convex.analytics.pair_stats import PairStats, pair_statistics
from convex.analytics.report import PairReport, full_report_dict, pair_report, render_text
from convex.analytics.spreads import SPREAD_KINDS, SpreadResult, all_spreads, spread_series

__all__ = [
    "LOOKBACKS",
    "SPREAD_KINDS",
    "AlignedPair",
    "MetricStats",
    "PairReport",
    "PairStats",
    "SpreadResult",
    "align_pair",
    "all_spreads",
    "compute_changes",
    "full_report_dict",
    "metric_statistics",
    "pair_report",
    "pair_statistics",
    "percentile_in_history",
    "render_text",
    "spread_series",
]
