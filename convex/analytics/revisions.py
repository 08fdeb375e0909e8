"""Revisions of a metric with vintages: first release against latest for each period, and whether the
pair's statistics depend on them. Pure: takes the revision frame (sources/vintages.revision_frame:
first, released, latest, revisions, previous_then per date) and statistics already computed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .serialise import JsonResult

# How many of the latest periods the explorer lists with their revisions.
RECENT_PERIODS = 6
# A pair statistic "differs materially" between first-release and revised data beyond these: a
# correlation of changes 0.10 apart, or a beta that moves by a fifth (and 0.05 at least).
MATERIAL_R = 0.10
MATERIAL_BETA_SHARE = 0.20
MATERIAL_BETA_FLOOR = 0.05


@dataclass(frozen=True)
class RevisionStats(JsonResult):
    """How much a metric's values moved between their first release and now."""

    n: int  # periods with both a first release and a value now
    revised: int  # periods whose value now differs from the first release
    mean_revision: float | None  # latest minus first release, in the metric's units
    mean_abs_revision: float | None
    largest_revision: float | None  # signed, the largest in absolute value
    largest_date: pd.Timestamp | None
    n_changes: int  # period changes with both a first-published and a latest value
    sign_revised: int  # of those, changes whose sign differs now from when first published
    first_vintage: pd.Timestamp | None
    last_vintage: pd.Timestamp | None

    @property
    def sign_revised_share(self) -> float | None:
        return self.sign_revised / self.n_changes if self.n_changes else None


def revision_stats(frame: pd.DataFrame) -> RevisionStats:
    """The revision statistics of a revision frame. The change as first published is the first
    release minus the previous period's value as published that day; the latest change is measured
    between the latest values."""
    both = frame.dropna(subset=["first", "latest"])
    revision = (both["latest"] - both["first"]).to_numpy()
    largest = int(np.argmax(np.abs(revision))) if len(revision) else None
    first_change = (frame["first"] - frame["previous_then"]).to_numpy()
    latest_change = frame["latest"].diff().to_numpy()
    known = ~np.isnan(first_change) & ~np.isnan(latest_change)
    flipped = np.sign(first_change[known]) != np.sign(latest_change[known])
    released = frame["released"]
    return RevisionStats(
        n=len(both),
        revised=int((revision != 0).sum()),
        mean_revision=float(revision.mean()) if len(revision) else None,
        mean_abs_revision=float(np.abs(revision).mean()) if len(revision) else None,
        largest_revision=None if largest is None else float(revision[largest]),
        largest_date=None if largest is None else both.index[largest],
        n_changes=int(known.sum()),
        sign_revised=int(flipped.sum()),
        first_vintage=released.min() if len(released) else None,
        last_vintage=released.max() if len(released) else None,
    )


def recent_revisions(frame: pd.DataFrame, periods: int = RECENT_PERIODS) -> pd.DataFrame:
    """The latest periods: first release, its day, the value now, the revision and how many times
    it was revised, newest first."""
    recent = frame.tail(periods).iloc[::-1]
    return pd.DataFrame(
        {
            "released": recent["released"],
            "first": recent["first"],
            "latest": recent["latest"],
            "revision": recent["latest"] - recent["first"],
            "revisions": recent["revisions"],
        }
    )


@dataclass(frozen=True)
class RevisionImpact(JsonResult):
    """A pair statistic on revised (today's) data against the same on first releases."""

    r_latest: float | None
    r_first: float | None
    beta_latest: float | None
    beta_first: float | None

    @property
    def r_change(self) -> float | None:
        if self.r_latest is None or self.r_first is None:
            return None
        return self.r_latest - self.r_first

    @property
    def material(self) -> bool:
        """Whether the correlation of changes or the beta differ beyond the thresholds above."""
        if self.r_change is not None and abs(self.r_change) >= MATERIAL_R:
            return True
        if self.beta_latest is None or self.beta_first is None:
            return False
        gap = abs(self.beta_latest - self.beta_first)
        return gap >= MATERIAL_BETA_FLOOR and gap >= MATERIAL_BETA_SHARE * abs(self.beta_first)


def revision_impact(latest_stats, first_stats) -> RevisionImpact:
    """The pair's correlation of changes and beta on today's data (`latest_stats`) and on first
    releases (`first_stats`), both PairStats of the same window."""
    return RevisionImpact(
        r_latest=latest_stats.correlation.changes,
        r_first=first_stats.correlation.changes,
        beta_latest=latest_stats.regression.beta,
        beta_first=first_stats.regression.beta,
    )
