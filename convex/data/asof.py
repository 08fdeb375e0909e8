"""A metric as it was known on a day: the vintage in force then, or the closest thing the store holds.

For a day D (the end of D, New York time: a release made on D is known on D):

- **vintages**: with stored vintages that reach back to D, each value as published on D (the
  vintage in force: `realtime_start <= D <= realtime_end`), dates not yet published left out;
- **first releases**: without them, today's values of the periods first published by D, where the
  first-release day is known (ALFRED's, stored with a FRED key, or the release calendar kept as data)
  and the catalog's release rule elsewhere: revisions made since are in the values, and the page
  says so;
- **release rule**: for a metric with a publication lag and no first-release day known, the periods
  its release rule says were published by D, with today's values;
- **closes**: market data (no publication lag), a user's file or an offline sample, up to D.

A derived metric or a formula is computed from its inputs as each was known on D.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..metrics.formatting import day_text
from ..sources.vintages import as_known_on, first_releases
from ..store import VintageSet
from .loaded import AsOf, LoadedSeries, NoDataError


def as_known_on_day(
    loaded: LoadedSeries,
    day: pd.Timestamp,
    vintages: pd.DataFrame | None = None,
    held: VintageSet | None = None,
) -> LoadedSeries:
    """`loaded` (today's data) as known on `day`, from its stored `vintages` (and what they are,
    `held`) where they reach back that far; NoDataError when nothing was known by then."""
    day = pd.Timestamp(day).normalize()
    series, as_of = _known(loaded, day, vintages, held)
    if series.empty:
        raise NoDataError(loaded.metric.id, f"nothing of it was published by {day_text(day)}")
    series = series.rename(loaded.series.name)
    first_releases = loaded.first_releases
    if first_releases is not None:
        first_releases = first_releases[first_releases <= day]
    return dataclasses.replace(
        loaded, series=series, first_releases=first_releases, as_of=as_of, stale=False, stale_reason=None
    )


def _known(
    loaded: LoadedSeries, day: pd.Timestamp, vintages: pd.DataFrame | None, held: VintageSet | None
) -> tuple[pd.Series, AsOf]:
    when = day_text(day)
    name = loaded.metric.name
    note = ""
    if vintages is not None and held is not None:
        if day >= held.first_vintage:
            series = as_known_on(vintages, day)
            words = f"{name}: the vintage in force on {when} ({held.words})"
            if day > held.last_vintage and held.origin == "import":
                last = day_text(held.last_vintage)
                words += f"; the file's last vintage is of {last}: later releases are not in it"
            return series, AsOf(day, "vintages", words)
        note = f" (its vintages begin {day_text(held.first_vintage)})"
    release = loaded.dating.release
    series = loaded.series
    if release is None or loaded.provenance == "sample":
        # Market data (known at their date's close), a file of the user's, or an offline sample (which
        # has no publication dates): the values dated up to the day.
        kept = series[series.index <= day]
        words = f"{name}: values dated up to {when}, each known at its date's close" + note
        return kept, AsOf(day, "closes", words)
    published = release.published(series.index)
    kept = series[published <= day]
    if release.known_count:
        words = (
            f"{name}: no vintages stored{note}, so today's values of the periods first published by {when} "
            f"(first-release dates from {release.known_from}, the release rule elsewhere); revisions made "
            "since are in them"
        )
        return kept, AsOf(day, "first releases", words)
    words = (
        f"{name}: no vintages stored{note}, so today's values of the periods its release rule says were "
        f"published by {when} ({release.words()}); revisions made since are in them"
    )
    return kept, AsOf(day, "release rule", words)


def inputs_as_of(day: pd.Timestamp, parts: dict[str, LoadedSeries]) -> AsOf:
    """A derived metric's basis: each input's, in words."""
    words = "; ".join(ls.as_of.words for ls in parts.values() if ls.as_of is not None)
    return AsOf(pd.Timestamp(day).normalize(), "inputs", f"computed from its inputs as known then: {words}")


def first_published(loaded: LoadedSeries, vintages: pd.DataFrame) -> tuple[LoadedSeries, int]:
    """`loaded` with each value as first published where its vintages know it (today's value
    elsewhere, e.g. before the vintages begin), and how many values are first releases: the data a
    pair's statistics are compared on to see whether revisions matter."""
    first = first_releases(vintages)["value"]
    known = loaded.series.index.intersection(first.index)
    series = loaded.series.copy()
    series.loc[known] = first.loc[known].to_numpy()
    return dataclasses.replace(loaded, series=series), len(known)
