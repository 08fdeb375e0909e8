"""Revisions in words, each sentence with its numbers: the explorer's summary of a metric's revisions
(analytics/revisions.RevisionStats) and the pair page's note on whether first releases would give
other figures (RevisionImpact)."""

from __future__ import annotations

from convex.analytics.revisions import MATERIAL_BETA_SHARE, MATERIAL_R, RevisionImpact, RevisionStats
from convex.metrics.formatting import day_text, format_number, format_r, format_share, format_value
from convex.metrics.metric import Metric


def revision_lines(stats: RevisionStats, metric: Metric) -> list[str]:
    """What the explorer says of a metric's revisions (empty without any period to compare)."""
    if not stats.n:
        return []
    lines = [
        f"Of {stats.n:,} periods first published from {day_text(stats.first_vintage)} to "
        f"{day_text(stats.last_vintage)}, {stats.revised:,} stand revised today "
        f"({format_share(stats.revised / stats.n)})."
    ]
    if stats.mean_abs_revision is not None:
        lines.append(
            f"The mean revision (today's value minus the first release) is "
            f"{format_value(stats.mean_revision, metric)} and the mean absolute revision "
            f"{format_value(stats.mean_abs_revision, metric)}; the largest is "
            f"{format_value(stats.largest_revision, metric)}, for {day_text(stats.largest_date)}."
        )
    if stats.n_changes:
        share = format_share(stats.sign_revised_share)
        lines.append(
            f"The sign of the change from the period before differs today from the one first published "
            f"in {stats.sign_revised:,} of {stats.n_changes:,} periods ({share})."
        )
    return lines


def impact_sentence(impact: RevisionImpact, first_published: list[tuple[str, int, int]]) -> str:
    """The pair page's note: the correlation of changes and beta with the metrics that have vintages
    as first published, against today's revised data. `first_published`: (name, values first
    published, values in the series) of each such metric."""
    which = " and ".join(
        f"{name} as first published ({known:,} of {total:,} values)" for name, known, total in first_published
    )
    figures = (
        f"the correlation of changes is {format_r(impact.r_first)} against {format_r(impact.r_latest)} on "
        f"today's revised data"
    )
    if impact.r_change is not None:
        figures += f" ({format_number(abs(impact.r_change))} apart)"
    if impact.beta_first is not None and impact.beta_latest is not None:
        figures += (
            f", and the beta {format_number(impact.beta_first)} against {format_number(impact.beta_latest)}"
        )
    if impact.material:
        return f"**Revisions matter here**: with {which}, {figures}."
    rule = f"{MATERIAL_R:.2f} in correlation, {MATERIAL_BETA_SHARE:.0%} in beta"
    return f"Revisions change little here (less than {rule}): with {which}, {figures}."
