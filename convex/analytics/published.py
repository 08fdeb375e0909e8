"""The pair as lead-lag, Granger and the scenarios use it ("as published"), as a table anyone can
check: each row at the first day whose close can reflect both values, with the date of the value
each side with a publication lag carries there (the period it refers to), so that when a value
entered the statistics can be read off, row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from convex.analytics.align import AlignedPair
from convex.metrics.metric import Release


def value_dates(rows: pd.DatetimeIndex, own_dates: pd.DatetimeIndex, release: Release) -> pd.DatetimeIndex:
    """The date of the latest value of a series (dated `own_dates`, published as `release` says)
    out by each row's day: what an "as published" row dated there carries (align.reference_date,
    for every row at once; values released together count at their common day)."""
    available = np.asarray(release.available(own_dates), dtype="datetime64[ns]")
    order = np.argsort(available, kind="stable")
    latest = np.maximum.accumulate(np.asarray(own_dates, dtype="datetime64[ns]")[order])
    position = np.searchsorted(available[order], np.asarray(rows, dtype="datetime64[ns]"), side="right") - 1
    out = np.where(position >= 0, latest[np.clip(position, 0, None)], np.datetime64("NaT"))
    return pd.DatetimeIndex(out)


def published_table(
    published: AlignedPair,
    *,
    dates_a: pd.DatetimeIndex,
    dates_b: pd.DatetimeIndex,
    release_a: Release | None,
    release_b: Release | None,
) -> pd.DataFrame:
    """`published.frame` (levels and changes at each row's day) with `a_value_date` / `b_value_date`
    for each side that has a publication lag."""
    table = published.frame.copy()
    for side, dates, release in (("a", dates_a, release_a), ("b", dates_b, release_b)):
        if release is not None:
            table[f"{side}_value_date"] = value_dates(table.index, dates, release)
    return table

