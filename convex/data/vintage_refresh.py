"""New vintages, fetched when a refresh of a FRED metric brings new or revised values (a new vintage
has appeared), through the same source and its rate limiter as the series: paced like every fetch.

- With a key (the FRED API): every release from the last vintage stored on (all of real time the
  first time), stitched to the stored vintages; FRED's 2,000-vintage limit is met by chunks of
  vintage dates (sources/alfred.py). The first-release dates that date the series "as published"
  are the vintages' own.
- Keyless (ALFRED's one-vintage CSV): the vintage of today, New York time; ALFRED answers a day
  without a vintage with its latest one, under that vintage's day: that vintage is asked for by its
  own day (a second, paced request) when it is newer than those stored, and added. Vintages skipped
  while nobody fetched are not recovered: a revision is then dated by the first vintage that shows it
  (the vintages are "snapshots"); import an ALFRED download for history.

Only FRED metrics with a publication lag (macro releases, which are revised) get vintages; a
failure keeps the series refresh as it was (vintages are a refinement, never a reason to fail).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import pandas as pd

from convex.metrics.metric import Metric
from convex.sources.alfred import NoSuchVintage
from convex.sources.base import SourceError
from convex.sources.vintages import stitch

log = logging.getLogger("convex.vintages")
NEW_YORK = ZoneInfo("America/New_York")


def wants_vintages(metric: Metric) -> bool:
    """FRED metrics published with a lag: the macro releases whose values are revised."""
    return metric.source == "fred" and metric.release is not None


def refresh_vintages(loader, metric: Metric, *, changed: bool) -> bool:
    """Fetch and store the new vintages of `metric` when the series changed (or none are stored);
    whether the source can give vintages in its mode (then the first-release dates come from them)."""
    source = loader.source_for(metric)
    mode = getattr(source, "mode", None)
    if not wants_vintages(metric) or not hasattr(source, "vintages") or mode not in ("api", "csv"):
        return False
    store = loader.store
    held = store.vintage_set(metric.id)
    if held is not None and not changed:
        return True
    try:
        if mode == "api":
            _from_api(loader, source, metric, held)
        else:
            _from_alfred(loader, source, metric, held)
    except SourceError as exc:
        log.warning("vintages of %s not fetched: %s", metric.id, exc.for_metric(metric.id))
    return True


def _from_api(loader, source, metric: Metric, held) -> None:
    from convex.sources.fred import first_releases_in_reach

    # From the last vintage on when the stored ones came from the API; whole otherwise (imported or
    # keyless vintages are replaced by every release).
    since = held.last_vintage if held is not None and held.origin == "fred-api" else None
    loader.before_fetch()
    table, how = source.vintages(metric.symbol, since=since)
    if since is not None:
        stored = loader.store.read_vintages(metric.id)
        table = stitch(stored, table, since) if stored is not None else table
    if table.empty:
        return
    store = loader.store
    store.write_vintages(metric.id, table, kind="releases", origin="fred-api", detail=how, at=loader.now())
    store.write_release_dates(metric.id, first_releases_in_reach(table))


def _from_alfred(loader, source, metric: Metric, held) -> None:
    today = pd.Timestamp(pd.Timestamp(loader.now()).tz_convert(NEW_YORK).date())
    loader.before_fetch()
    try:
        vintage = source.vintage(metric.symbol, today)
        day = today
    except NoSuchVintage as answer:
        day = answer.answered
        if held is not None and day <= held.last_vintage:
            return  # nothing newer than what is stored
        loader.before_fetch()
        vintage = source.vintage(metric.symbol, day)
    if held is not None and day <= held.last_vintage:
        return
    stored = loader.store.read_vintages(metric.id) if held is not None else None
    table = stitch(stored, vintage, day) if stored is not None else vintage
    origin, detail = ("alfred", None) if held is None else (held.origin, held.detail)
    store = loader.store
    store.write_vintages(metric.id, table, kind="snapshots", origin=origin, detail=detail, at=loader.now())
