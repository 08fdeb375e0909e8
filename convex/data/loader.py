"""One call gives a metric's series with its provenance: store first, refresh when stale.

- Fresh stored data is served as is (how long data stays fresh depends on its frequency).
- Stale data triggers a refresh; a failed refresh serves the stored data marked stale, with why.
- Nothing stored: fetch; if that fails, the offline sample where one exists; else `NoDataError`.
- `CONVEX_OFFLINE=1` never touches the network.
- A read-only loader (page views of a store that replicas share) never fetches and never writes:
  the refresh worker keeps that store fresh (worker.py). Neither does a loader of a store that
  cannot be written (a read-only SQLite file; page views after a write found the disk full): it
  serves what is stored, and offline samples without keeping them.
- Derived metrics are computed from their inputs' loaded data, never stored.
- Every fetch is logged in the store's attempt log, with who made it (page, cli, worker).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from convex.data.loaded import LoadedSeries, NoDataError, offline_mode
from convex.data.uploads import is_upload_id, upload_metric
from convex.data.vintage_refresh import refresh_vintages
from convex.metrics.catalog import Catalog, catalog
from convex.metrics.derived import combine_inputs
from convex.metrics.metric import Metric
from convex.sources.base import Source, SourceError
from convex.sources.sample import SAMPLES, SampleSeries, has_sample, load_sample
from convex.store import Attempt, SeriesMeta, Store, StoreNotWritable, utcnow

# How long a successful fetch counts as current, by native frequency.
FRESH_FOR = {
    "daily": timedelta(hours=6),
    "weekly": timedelta(hours=12),
    "monthly": timedelta(hours=24),
    "quarterly": timedelta(hours=24),
}
# After a failed attempt, wait this long before trying the source again (pages rerun often).
RETRY_FAILED_AFTER = timedelta(minutes=10)
# Incremental refresh re-fetches this far back so that revisions in the overlap are applied.
REFRESH_OVERLAP = {
    "daily": timedelta(days=14),
    "weekly": timedelta(days=56),
    "monthly": timedelta(days=400),
    "quarterly": timedelta(days=800),
}
HISTORY_START = date(1990, 1, 1)
# A full fetch with fewer points than this share of what is stored would lose history: keep the store.
WORSE_FETCH_SHARE = 0.5
_TRUST_ORDER = ("live", "import", "sample")


def with_blanks(metric: Metric, series: pd.Series) -> pd.Series:
    """The series with its blanks read as the catalog says: for a metric whose blank means zero
    (no reverse-repo operations that day), every weekday without an observation between its
    first and last is 0, rather than a gap that alignment would bridge or drop."""
    if metric.blank != "zero" or series.empty or metric.frequency != "daily":
        return series
    weekdays = pd.bdate_range(series.index[0], series.index[-1], name=series.index.name)
    return series.reindex(weekdays.union(series.index), fill_value=0.0)


@dataclass(frozen=True)
class RefreshOutcome:
    metric_id: str
    status: str  # fresh | updated | stale | failed | offline | read-only
    new_points: int = 0
    revised_points: int = 0
    reason: str | None = None


class Loader:
    def __init__(
        self,
        store: Store,
        *,
        sources: Mapping[str, Source] | None = None,
        offline: bool | None = None,
        read_only: bool = False,
        actor: str = "page",
        clock: Callable[[], datetime] = utcnow,
        cat: Catalog | None = None,
    ):
        self.store = store
        self.catalog = cat or catalog()
        self.offline = offline_mode() if offline is None else offline
        # A store opened read-only is read as such: fetched data could not be kept.
        self.read_only = read_only or store.read_only
        self.actor = actor  # who fetches, in the attempt log: page, cli or worker
        self._sources = dict(sources or {})
        self._clock = clock
        # Called right before each fetch from a source: the refresh worker checks there that it still
        # holds its lock (and raises when it does not, so that nothing is fetched).
        self.before_fetch: Callable[[], None] = lambda: None

    def now(self) -> datetime:
        return self._clock()

    def source_for(self, metric: Metric) -> Source:
        if metric.source not in self._sources:
            from convex.sources import get_source

            self._sources[metric.source] = get_source(metric.source)
        return self._sources[metric.source]

    # ------------------------------------------------------------------ load
    def load(self, metric_id: str) -> LoadedSeries:
        metric = self.upload(metric_id) if is_upload_id(metric_id) else self.catalog.get(metric_id)
        if metric.is_derived:
            return self._load_derived(metric)
        meta = self.store.meta(metric_id)
        failure: str | None = None
        if (
            metric.source != "upload"
            and not self.offline
            and not self.read_only
            and self.needs_refresh(metric, meta)
            and self.store.write_problem() is None  # what a fetch brings could not be kept
        ):
            try:
                outcome = self.refresh(metric_id)
                failure = outcome.reason if outcome.status in ("failed", "stale") else None
            except StoreNotWritable:
                # Said without the store's location: this reason is shown on pages.
                failure = "the data fetched could not be stored (the store cannot be written)"
            meta = self.store.meta(metric_id)
        elif meta is not None and self._recently_failed(meta):
            failure = meta.last_error
        if meta is not None and meta.has_data:
            return self._from_store(metric, meta, failure)
        return self._from_sample(metric, failure)

    def load_as_of(self, metric_id: str, day) -> LoadedSeries:
        """The metric as known on `day` (data/asof.py: the vintage in force, else first releases or
        the release rule over today's values, else the values dated up to the day); NoDataError when
        nothing of it was known then."""
        from convex.data.asof import as_known_on_day, inputs_as_of

        metric = self.upload(metric_id) if is_upload_id(metric_id) else self.catalog.get(metric_id)
        if metric.is_derived:
            parts = {}
            for item in metric.inputs:
                try:
                    parts[item.id] = self.load_as_of(item.id, day)
                except NoDataError as exc:
                    raise NoDataError(metric.id, f"its input {item.id} has no data ({exc.reason})") from None
            return dataclasses.replace(self._derive(metric, parts), as_of=inputs_as_of(day, parts))
        loaded = self.load(metric_id)
        held = self.store.vintage_set(metric_id) if loaded.provenance != "sample" else None
        vintages = self.store.read_vintages(metric_id) if held is not None else None
        return as_known_on_day(loaded, day, vintages, held)

    def vintages(self, metric_id: str):
        """(vintage table, what it is) of a metric with stored vintages, else None."""
        held = self.store.vintage_set(metric_id)
        return None if held is None else (self.store.read_vintages(metric_id), held)

    def upload(self, metric_id: str) -> Metric:
        """A stored upload's metric (and the catalog knows it from now on); NoDataError when this
        deployment's store does not hold it."""
        stored = self.store.read_upload(metric_id)
        if stored is None:
            raise NoDataError(metric_id, "this uploaded series is not stored on this deployment")
        metric = upload_metric(metric_id, *stored)
        self.catalog.remember_upload(metric)
        return metric

    def needs_refresh(self, metric: Metric, meta: SeriesMeta | None) -> bool:
        """Whether `metric` is due a fetch: nothing stored, or not fresh live data for its frequency,
        unless its last attempt failed recently (failed sources are retried at a slower pace)."""
        if meta is None:
            return True
        if self._recently_failed(meta):
            return False
        return not (meta.has_data and meta.provenance == "live" and self._is_fresh(metric, meta))

    def _recently_failed(self, meta: SeriesMeta) -> bool:
        return bool(
            meta.last_error
            and meta.last_attempt_at
            and self._clock() - meta.last_attempt_at < RETRY_FAILED_AFTER
        )

    def _is_fresh(self, metric: Metric, meta: SeriesMeta) -> bool:
        return bool(meta.fetched_at and self._clock() - meta.fetched_at < FRESH_FOR[metric.frequency])

    def _from_store(
        self, metric: Metric, meta: SeriesMeta, failure: str | None, *, series: pd.Series | None = None
    ) -> LoadedSeries:
        stale_reason = None
        if failure:
            stale_reason = f"the last refresh failed: {failure}"
        elif meta.provenance == "live" and not self._is_fresh(metric, meta):
            stale_reason = (
                "offline mode: not refreshed"
                if self.offline
                else "the refresh worker has not updated it recently"
                if self.read_only
                else "not refreshed recently"
            )
        frequency = metric.frequency
        if meta.provenance == "sample" and metric.id in SAMPLES:
            frequency = SAMPLES[metric.id].frequency
        return LoadedSeries(
            metric=metric,
            series=with_blanks(metric, self.store.read_series(metric.id) if series is None else series),
            provenance=meta.provenance or "live",
            detail=meta.detail,
            fetched_at=meta.fetched_at,
            stale=stale_reason is not None,
            stale_reason=stale_reason,
            frequency=frequency,
            first_releases=self.store.read_release_dates(metric.id) if metric.release else None,
        )

    def _from_sample(self, metric: Metric, failure: str | None) -> LoadedSeries:
        sample = load_sample(metric.id)
        why = "offline mode (CONVEX_OFFLINE=1) and nothing stored" if self.offline else None
        why = why or (f"the source failed: {failure}" if failure else "nothing stored yet")
        if sample is None:
            raise NoDataError(metric.id, f"{why}, and no offline sample covers it")
        if not self.read_only:
            # Served all the same when it cannot be kept: the store's trouble is told elsewhere.
            with contextlib.suppress(StoreNotWritable):
                self._store_sample(metric.id, sample)
        return LoadedSeries(
            metric=metric,
            series=sample.series,
            provenance="sample",
            detail=sample.detail,
            fetched_at=None,
            stale=False,
            stale_reason=None,
            frequency=sample.frequency,
        )

    def _load_derived(self, metric: Metric) -> LoadedSeries:
        loaded: dict[str, LoadedSeries] = {}
        for item in metric.inputs:
            try:
                loaded[item.id] = self.load(item.id)
            except NoDataError as exc:
                raise NoDataError(metric.id, f"its input {item.id} has no data ({exc.reason})") from None
        return self._derive(metric, loaded)

    def _derive(self, metric: Metric, loaded: dict[str, LoadedSeries]) -> LoadedSeries:
        parts = {i: (ls.series, ls.metric) for i, ls in loaded.items()}
        series = combine_inputs(metric, parts)
        if series.empty:
            raise NoDataError(metric.id, "its inputs have no dates in common")
        provenance = max((ls.provenance for ls in loaded.values()), key=_TRUST_ORDER.index)
        stale = [f"{i}: {ls.stale_reason}" for i, ls in loaded.items() if ls.stale]
        fetched = [ls.fetched_at for ls in loaded.values() if ls.fetched_at]
        return LoadedSeries(
            metric=metric,
            series=series,
            provenance=provenance,
            detail="computed from " + ", ".join(f"{i} ({ls.provenance})" for i, ls in loaded.items()),
            fetched_at=min(fetched) if fetched else None,
            stale=bool(stale),
            stale_reason="; ".join(stale) or None,
            frequency=metric.frequency,
        )

    def seed_samples(self) -> list[str]:
        """Store the offline sample of every metric that has nothing stored; the ids seeded.

        Whatever counts or ranks what is stored (the status page, related comparisons, strongest
        relationships, a first visit's choice of pair) then sees every series the app can serve,
        samples included and labelled as such. Live data replaces a sample on its first refresh.
        """
        metas = self.store.all_meta()
        seeded = []
        for metric in self.catalog:
            meta = metas.get(metric.id)
            if metric.is_derived or (meta is not None and meta.has_data) or not has_sample(metric.id):
                continue
            sample = load_sample(metric.id)
            if sample is None:
                continue
            self._store_sample(metric.id, sample)
            seeded.append(metric.id)
        return seeded

    def _store_sample(self, metric_id: str, sample: SampleSeries) -> None:
        # Writing clears the attempt record; a failed fetch before it must still pace the retries.
        before = self.store.meta(metric_id)
        self.store.write_series(
            metric_id, sample.series, provenance="sample", source="sample", detail=sample.detail
        )
        if before is not None and before.last_attempt_at is not None:
            self.store.record_attempt(metric_id, before.last_error, at=before.last_attempt_at)

    def stored_provenance(self) -> dict[str, str]:
        """Where the stored data of every metric with data comes from (live, import or sample);
        a derived metric's is its least trustworthy input's. One read of the metadata."""
        metas = self.store.all_meta()
        out = {
            i: meta.provenance or "live" for i, meta in metas.items() if meta.has_data and i in self.catalog
        }
        for metric in self.catalog:
            if metric.is_derived and all(i.id in out for i in metric.inputs):
                out[metric.id] = max((out[i.id] for i in metric.inputs), key=_TRUST_ORDER.index)
        return out

    def pairs_with_data(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
        """The given pairs whose two metrics both have data, as (a, b, provenance), in order, those
        with live or imported data on both sides first; provenance is the less trustworthy side's."""
        provenance = self.stored_provenance()
        found = [
            (a, b, max(provenance[a], provenance[b], key=_TRUST_ORDER.index))
            for a, b in pairs
            if a in provenance and b in provenance
        ]
        return sorted(found, key=lambda pair: pair[2] == "sample")

    def stored(self) -> dict[str, LoadedSeries]:
        """Every metric with stored data, derived ones included: one read, no fetching.

        What cross-metric rankings (related pairs, strongest relationships) work from.
        """
        metas = self.store.all_meta()
        everything = self.store.read_all()
        out: dict[str, LoadedSeries] = {}
        for metric in self.catalog:
            meta = metas.get(metric.id)
            if metric.is_derived or meta is None or metric.id not in everything:
                continue
            failure = meta.last_error if self._recently_failed(meta) else None
            out[metric.id] = self._from_store(metric, meta, failure, series=everything[metric.id])
        for metric in self.catalog:
            if metric.is_derived and all(i.id in out for i in metric.inputs):
                with contextlib.suppress(NoDataError):
                    out[metric.id] = self._derive(metric, {i.id: out[i.id] for i in metric.inputs})
        return out

    # --------------------------------------------------------------- refresh
    def refresh(self, metric_id: str, *, force: bool = False) -> RefreshOutcome:
        """Fetch into the store: incremental over live data, full otherwise. Never raises SourceError."""
        metric = self.catalog.get(metric_id)
        if metric.is_derived:
            outcomes = [self.refresh(i.id, force=force) for i in metric.inputs]
            failed = [o for o in outcomes if o.status == "failed"]
            status = (
                "failed"
                if failed
                else ("updated" if any(o.status == "updated" for o in outcomes) else "fresh")
            )
            return RefreshOutcome(
                metric_id, status, reason="; ".join(f"{o.metric_id}: {o.reason}" for o in failed) or None
            )
        if self.offline:
            return RefreshOutcome(metric_id, "offline", reason="offline mode (CONVEX_OFFLINE=1)")
        if self.read_only:
            reason = (
                "the store cannot be written"
                if self.store.read_only
                else "page views only read this shared store"
            )
            return RefreshOutcome(metric_id, "read-only", reason=reason)
        meta = self.store.meta(metric_id)
        if (
            not force
            and meta is not None
            and meta.has_data
            and meta.provenance == "live"
            and self._is_fresh(metric, meta)
        ):
            return RefreshOutcome(metric_id, "fresh")
        started = self._clock()
        outcome = self._fetch_and_store(metric, meta)
        self.store.log_attempt(
            Attempt(
                metric_id, metric.source, self.actor, started, self._clock(), outcome.status,
                outcome.new_points, outcome.revised_points, outcome.reason,
            )
        )  # fmt: skip
        return outcome

    def _fetch_and_store(self, metric: Metric, meta: SeriesMeta | None) -> RefreshOutcome:
        metric_id = metric.id
        incremental = meta is not None and meta.has_data and meta.provenance == "live"
        start = (meta.last_date - REFRESH_OVERLAP[metric.frequency]).date() if incremental else HISTORY_START
        self.before_fetch()
        try:
            fetched = self.source_for(metric).fetch(metric.symbol, start)
        except SourceError as exc:
            reason = str(exc.for_metric(metric_id))
            self.store.record_attempt(metric_id, reason, at=self._clock())
            has_data = meta is not None and meta.has_data
            return RefreshOutcome(metric_id, "stale" if has_data else "failed", reason=reason)
        if (
            not incremental
            and meta is not None
            and meta.points
            and len(fetched) < WORSE_FETCH_SHARE * meta.points
        ):
            reason = (
                f"{metric.source} returned {len(fetched)} points, far fewer than the {meta.points} stored "
                f"({meta.provenance}); kept the stored data"
            )
            self.store.record_attempt(metric_id, reason, at=self._clock())
            return RefreshOutcome(metric_id, "stale", reason=reason)
        last_stored = meta.last_date if meta is not None else None
        new_dates = last_stored is None or (len(fetched) > 0 and fetched.index[-1] > last_stored)
        result = self.store.write_series(
            metric_id,
            fetched,
            provenance="live",
            source=metric.source,
            replace=not incremental,
            fetched_at=self._clock(),
        )
        changed = result.new_points or result.revised_points
        # A new vintage has appeared when values are new or revised (data/vintage_refresh.py); its
        # first-release dates date the series. A source without vintages gives those dates alone.
        if not refresh_vintages(self, metric, changed=bool(changed)):
            self._store_first_releases(metric, new_dates=new_dates)
        return RefreshOutcome(
            metric_id, "updated" if changed else "fresh", result.new_points, result.revised_points
        )

    def _store_first_releases(self, metric: Metric, *, new_dates: bool) -> None:
        """ALFRED's first-release dates, for a FRED metric with a publication lag, when the key is
        set, on the first refresh and whenever new dates arrive. Not for daily series (FRED refuses
        more than 2,000 vintages); a failure keeps the rule (the dates are a refinement, never a
        reason to fail a refresh)."""
        source = self.source_for(metric)
        if metric.release is None or metric.frequency == "daily" or getattr(source, "mode", None) != "api":
            return
        if not new_dates and self.store.read_release_dates(metric.id) is not None:
            return
        with contextlib.suppress(SourceError):
            self.store.write_release_dates(metric.id, source.first_releases(metric.symbol))
