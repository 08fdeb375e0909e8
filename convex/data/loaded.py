"""A metric's data as a page, a job or the CLI receives it: the series with where it came from and how
fresh it is (LoadedSeries), or why there is none (NoDataError)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from ..metrics.metric import AT_THE_CLOSE, Dating, Metric
from ..metrics.release_calendar import release_calendars
from ..store import utcnow
from .uploads import Upload, upload_metric

NEW_YORK = ZoneInfo("America/New_York")
# How a series shown as known on a past day was made (data/asof.py), from the faithful to the
# approximate: the vintage in force, today's values of the periods first published by then, those
# its release rule says were, values dated up to the day, a derived metric's inputs as known then.
AS_OF_BASES = ("vintages", "first releases", "release rule", "closes", "inputs")


def offline_mode() -> bool:
    return os.environ.get("CONVEX_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


class NoDataError(Exception):
    """Nothing to show for a metric, and why."""

    def __init__(self, metric_id: str, reason: str):
        self.metric_id = metric_id
        self.reason = reason
        super().__init__(f"No data for {metric_id}: {reason}")


@dataclass(frozen=True)
class AsOf:
    """How a series shown as known on `day` was made (one of AS_OF_BASES) and that, in words."""

    day: pd.Timestamp
    basis: str
    words: str

    @property
    def moment(self) -> datetime:
        """The end of the day in New York: what was published that day is known then."""
        end = pd.Timestamp(self.day).normalize() + pd.Timedelta(hours=23, minutes=59)
        return end.tz_localize(NEW_YORK).tz_convert("UTC").to_pydatetime()


@dataclass(frozen=True)
class LoadedSeries:
    metric: Metric
    series: pd.Series
    provenance: str  # live | import | sample (for derived: the least trustworthy input's)
    detail: str | None  # sample package, imported file, derived inputs
    fetched_at: datetime | None
    stale: bool
    stale_reason: str | None
    frequency: str  # the data's own frequency; a sample can be coarser than the live metric
    # When each value was first published (ALFRED, stored on refresh with a FRED key), or None.
    first_releases: pd.Series | None = field(default=None, compare=False, repr=False)
    # A user's upload that only their session holds (kept in no store): what is computed from it
    # lives and ends with that session.
    held_by_session: bool = False
    # Set when the series is the metric as known on a past day (data/asof.py): that day and how.
    as_of: AsOf | None = field(default=None, compare=False)

    def processed_as(self, series: pd.Series, metric: Metric, frequency: str) -> LoadedSeries:
        """The same data put in other units or at another frequency (analytics.fred_units.processed
        makes the three): ALFRED's first-release dates are of the values as published, so they stay
        only when the dates do."""
        return dataclasses.replace(
            self, series=series, metric=metric, frequency=frequency,
            first_releases=self.first_releases if frequency == self.frequency else None,
        )  # fmt: skip

    @property
    def last_date(self) -> pd.Timestamp:
        return self.series.index[-1]

    @property
    def dating(self) -> Dating:
        """How this data's dates are to be read: the metric's rules, with the day each value was
        first published where it is known (ALFRED's, stored with a FRED key, before the release
        calendar kept as data: convex/metrics/releases.toml), except for an offline sample, which is
        dated by its own period ends and was never "published" on the live schedule."""
        if self.provenance == "sample":
            return AT_THE_CLOSE
        dating = self.metric.dating
        calendar = release_calendars().get(self.metric.id)
        if dating.release is None or (self.first_releases is None and calendar is None):
            return dating
        if calendar is None:
            known, words = self.first_releases, "ALFRED"
        elif self.first_releases is None:
            known, words = calendar.released, "the release calendar"
        else:
            known = self.first_releases.combine_first(calendar.released)
            words = "ALFRED and the release calendar"
        release = dating.release.with_first_releases(known, words)
        if calendar is not None:
            release = dataclasses.replace(release, lowest_days=calendar.lowest)
        return dataclasses.replace(dating, release=release)

    def age(self, now: datetime | None = None) -> timedelta | None:
        return (now or utcnow()) - self.fetched_at if self.fetched_at else None

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the dates and values (and first-release dates): two loads of different data
        never share it, even when written in the same second with the same length and last date."""
        digest = hashlib.blake2b(digest_size=16)
        for series in (self.series, self.first_releases):
            if series is not None:
                digest.update(pd.util.hash_pandas_object(series).to_numpy().tobytes())
        return digest.hexdigest()


def pair_options(la: LoadedSeries, lb: LoadedSeries) -> dict:
    """What alignment needs to know of two loaded series besides their values: frequency, how
    each changes, its name and how its dates are read (keyword arguments of align_pair)."""
    return dict(
        freq_a=la.frequency, freq_b=lb.frequency, change_a=la.metric.change, change_b=lb.metric.change,
        name_a=la.metric.name, name_b=lb.metric.name, dating_a=la.dating, dating_b=lb.dating,
    )  # fmt: skip


def loaded_upload(upload: Upload, frequency: str, change: str) -> LoadedSeries:
    """An upload as read from its file, with the frequency and change kind its user chose: what a
    session holds when the upload is kept in no store."""
    return LoadedSeries(
        metric=upload_metric(upload.metric_id(frequency, change), upload.name, frequency, change),
        series=upload.series,
        provenance="import",
        detail=upload.detail,
        fetched_at=utcnow(),
        stale=False,
        stale_reason=None,
        frequency=frequency,
        held_by_session=True,
    )
