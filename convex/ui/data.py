"""The store and the data pages read: one store per server, cached loads keyed by the store's version,
this session's own uploads, and the cache keys of loaded series."""

from __future__ import annotations

import functools
import logging
import threading
import time

import pandas as pd
import streamlit as st

from ..data.asof import as_known_on_day
from ..data.loaded import LoadedSeries, NoDataError
from ..data.loader import Loader
from ..data.uploads import is_upload_id
from ..metrics.catalog import catalog
from ..metrics.metric import Metric
from ..metrics.recessions import Recessions, indicator_source
from ..metrics.recessions import recessions as recession_spells
from ..store import Store, StoreNotWritable, default_location
from ..store.postgres import PAGE_TIMEOUT_S

CACHE_TTL_S = 300
log = logging.getLogger("convex.ui")


def store_location() -> str:
    """The store this server uses: CONVEX_DATABASE_URL (environment or secrets), else the SQLite file."""
    return default_location()


@st.cache_resource(show_spinner=False)
def _store(location: str) -> Store:
    # A store that cannot be opened raises a StoreError, which st.cache_resource does not keep: the
    # next run tries again (and store_guard says why meanwhile).
    store = Store(location, timeout=PAGE_TIMEOUT_S)
    if not store.shared and not store.read_only:
        # Every series the app can serve is in the store from the first view on, offline samples
        # included, so that counts and rankings never depend on which pages were opened first.
        # (A shared store is seeded by its refresh worker: page views only read it.)
        try:
            Loader(store, offline=True).seed_samples()
        except StoreNotWritable as exc:
            # The store still opens: pages show what it holds and say why nothing new is kept
            # (store.write_problem()); samples are served without being stored.
            log.warning("offline samples not stored: %s", exc)
    return store


def get_store() -> Store:
    return _store(store_location())


def _loader(store: Store) -> Loader:
    # A store shared by replicas is read only by page views: the refresh worker fetches for them.
    return Loader(store, read_only=store.shared)


def get_loader() -> Loader:
    return _loader(get_store())


# A replica learns of new data by reading the store's version, at most this often (per process, not
# per widget change); cached data and computations are keyed by it.
VERSION_POLL_S = 5


@st.cache_resource(ttl=VERSION_POLL_S, show_spinner=False)
def _version(location: str) -> int:
    return _store(location).version()


def store_version() -> int:
    """Changes whenever any stored series does: the cache key of data and cross-metric computations."""
    return _version(store_location())


@st.cache_resource(max_entries=4, show_spinner=False)
def _recessions(location: str, version: int) -> Recessions:
    indicator_id = indicator_source().id
    store = _store(location)
    stored = store.read_series(indicator_id) if store.meta(indicator_id) is not None else None
    return recession_spells(stored)


def recessions() -> Recessions:
    """The recessions charts shade: FRED's indicator where the store holds it (`convex import usrec
    FILE`), the NBER table elsewhere (convex/metrics/recessions.toml)."""
    return _recessions(store_location(), store_version())


# Cached results are shared, read-only objects (st.cache_resource): analytics never mutate their
# inputs, and handing each rerun a pickled copy (st.cache_data) cost more than the page's charts.
@st.cache_resource(ttl=CACHE_TTL_S, max_entries=256, show_spinner=False)
def load_metric(metric_id: str, location: str, version: int) -> LoadedSeries:
    """A metric's data through the loader, for one version of the store (`version` is only part of
    the key: new data anywhere is read again, and the read is a single row). NoDataError is raised,
    never cached."""
    return _loader(_store(location)).load(metric_id)


# A user's uploads kept in this session only (id -> LoadedSeries): never in the store, never seen
# by another session.
SESSION_SERIES = "_session_series"


def session_series() -> dict[str, LoadedSeries]:
    """This session's own uploads, which no store holds."""
    return st.session_state.setdefault(SESSION_SERIES, {})


def metric(metric_id: str) -> Metric:
    """A metric by id: this session's own upload first, else the catalog (formulas and stored
    uploads included). UnknownMetricError for anything else."""
    if not is_upload_id(metric_id):  # only uploads are held by a session (and this runs per option)
        return catalog().get(metric_id)
    held = st.session_state.get(SESSION_SERIES, {}).get(metric_id)
    return held.metric if held is not None else catalog().get(metric_id)


# Loads this process made within the cache's lifetime (key -> when): one the cache holds needs no
# spinner, whose timer thread costs more than the cache lookup. Cleared with the caches.
LOADS_KEPT = 1024
_RECENT_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _recent_loads() -> dict[tuple, float]:
    return {}


def load(metric_id: str) -> LoadedSeries:
    held = st.session_state.get(SESSION_SERIES, {}).get(metric_id)
    if held is not None:
        return held
    key = (metric_id, store_location(), store_version())
    recent = _recent_loads()
    if time.monotonic() - recent.get(key, -CACHE_TTL_S) < CACHE_TTL_S:
        return load_metric(*key)
    with st.spinner(f"Loading {metric(metric_id).name}…"):
        loaded = load_metric(*key)
    with _RECENT_LOCK:  # sessions load in threads of their own
        recent[key] = time.monotonic()
        while len(recent) > LOADS_KEPT:
            del recent[next(iter(recent))]
    return loaded


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=256, show_spinner=False)
def load_metric_as_of(metric_id: str, location: str, version: int, day: str) -> LoadedSeries:
    """A metric as known on `day` (YYYY-MM-DD, checked by the page), for one version of the store."""
    return _loader(_store(location)).load_as_of(metric_id, pd.Timestamp(day))


def load_as_of(metric_id: str, day: str) -> LoadedSeries:
    """The metric as known on `day` (data/asof.py); this session's own upload cut at the day."""
    held = st.session_state.get(SESSION_SERIES, {}).get(metric_id)
    if held is not None:
        return as_known_on_day(held, pd.Timestamp(day))
    return load_metric_as_of(metric_id, store_location(), store_version(), day)


def try_load(metric_id: str, asof: str | None = None) -> LoadedSeries | NoDataError:
    """The metric's data, as known on `asof` when given; the NoDataError that says why there is none."""
    try:
        return load(metric_id) if asof is None else load_as_of(metric_id, asof)
    except NoDataError as exc:
        return exc


def data_version(loaded: LoadedSeries) -> tuple:
    """What identifies the data a cached computation was made from."""
    known_on = None if loaded.as_of is None else loaded.as_of.day
    series = loaded.series
    return (loaded.provenance, loaded.fetched_at, loaded.last_date, len(series), loaded.fingerprint, known_on)


def loaded_identity(loaded: LoadedSeries) -> tuple:
    """A loaded series as a cache key: which metric, read how, from which data (never its values,
    whose hashing would cost more than most computations it keys)."""
    m = loaded.metric
    return (m.id, loaded.frequency, m.change, data_version(loaded))


# Cached computations take the loaded series themselves (a session's upload is in no store), keyed
# by their identity.
BY_IDENTITY = {LoadedSeries: loaded_identity}


def cached_by_identity(*, max_entries: int, hash_funcs: dict | None = None):
    """st.cache_resource for computations from loaded series, keyed by their identity and shared by
    every session, except those from a series one session holds (its own upload, in no store): they
    are cached in that session only (Streamlit's session scope), so they are freed when it ends and
    no other session's cache holds them."""
    options = dict(ttl=CACHE_TTL_S, max_entries=max_entries, show_spinner=False,
                   hash_funcs={**BY_IDENTITY, **(hash_funcs or {})})  # fmt: skip

    def wrap(compute):
        shared = st.cache_resource(**options)(compute)
        own = st.cache_resource(**options, scope="session")(compute)

        @functools.wraps(compute)
        def cached(*args):
            held = any(isinstance(arg, LoadedSeries) and arg.held_by_session for arg in args)
            return (own if held else shared)(*args)

        cached.clear = lambda: (shared.clear(), own.clear())  # type: ignore[attr-defined]
        return cached

    return wrap


@st.cache_resource(max_entries=2, show_spinner=False)
def _pairs_with_data(version: int, location: str) -> list[tuple[str, str, str]]:
    return Loader(_store(location), offline=True).pairs_with_data(catalog().featured)


def pairs_with_data() -> list[tuple[str, str, str]]:
    """The catalog's featured pairs that have data here, as (a, b, provenance), live data first."""
    return _pairs_with_data(store_version(), store_location())
