"""Convex from Python: the compare page's figures in a notebook or a script, without the app.

    >>> import convex
    >>> r = convex.compare("walcl", "tlt", lookback="5Y")   # doctest: +SKIP
    >>> print(r.summary())                                   # doctest: +SKIP

Functions return pandas objects or result objects, as pandas and statsmodels do:

- `list_metrics()`: the catalog as a DataFrame, with what the store holds.
- `series(id)`: one metric's stored series (`pd.Series`), with its provenance and age in `.attrs`.
- `compare(a, b, lookback)`: a `Comparison`, every pair statistic the compare page shows.
- `scenario(a, b, move, horizon)`: a `Scenario`, the compare page's "Scenarios & forecasts".
- `screen(recent, long)`: the screener's ranking as a DataFrame.

Ids are what the page takes: catalog ids ("walcl"), formulas ("f:spy/tlt", "f:Net=walcl-wtregen")
and ids of uploads kept in the store ("u:1a2b3c4d5e6f"). Data comes from the store only, never from
the network: the store the app uses (`CONVEX_DATABASE_URL`, else `$CONVEX_DATA_DIR/convex.sqlite3`),
or the one given as `store=` (a `convex.store.Store`, a SQLite file or a PostgreSQL URL). With
nothing stored, the offline samples shipped in the `arch` and `statsmodels` packages are served, as
on the page, labelled "sample". `convex refresh ID` fetches into the store.

Errors: `UnknownMetricError` (a KeyError) for an unknown id, `InvalidFormulaError` for a formula
that cannot be used, `NoDataError` when the store has no data for a metric, `ParamError` (a
ValueError naming the parameter) for any other argument out of range.

The examples below run as doctests (tests/api/test_doctests.py) on a store holding only the samples.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ..data.loaded import LoadedSeries, NoDataError
from ..data.loader import Loader
from ..metrics.catalog import catalog
from ..metrics.metric import InvalidFormulaError, UnknownMetricError
from ..store import Store, default_location
from . import params, views
from .params import ParamError
from .results import Comparison, Scenario, Summary

if TYPE_CHECKING:
    from ..store import SeriesMeta

__all__ = [
    "Comparison",
    "InvalidFormulaError",
    "NoDataError",
    "ParamError",
    "Scenario",
    "Summary",
    "UnknownMetricError",
    "compare",
    "list_metrics",
    "scenario",
    "screen",
    "series",
]

StoreLike = Store | str | os.PathLike | None
# One Store per location for the process: opening one checks its schema, which a notebook need not
# repeat on every call.
_STORES: dict[str, Store] = {}


def _store(store: StoreLike) -> Store:
    if isinstance(store, Store):
        return store
    location = default_location() if store is None else os.fspath(store)
    if location not in _STORES:
        _STORES[location] = Store(location)
    return _STORES[location]


def _loader(store: StoreLike) -> Loader:
    # The store only: no fetch (offline) and no write, not even of an offline sample (read-only).
    return Loader(_store(store), offline=True, read_only=True)


def list_metrics(*, domain: str | None = None, store: StoreLike = None) -> pd.DataFrame:
    """The catalog, one row per metric (indexed by id): name, domain, frequency, units, how it
    changes (pct or diff), source and symbol, and `provenance` of the stored data (live, import,
    sample; None when nothing is stored).

    >>> m = convex.list_metrics()
    >>> m.loc["spx", ["name", "frequency", "provenance"]].tolist()
    ['S&P 500 Index', 'daily', 'sample']
    >>> convex.list_metrics(domain="Volatility").index.tolist()
    ['vix', 'vix3m', 'vvix', 'vxn', 'ovx', 'gvz']
    """
    from ..metrics.metric import DOMAINS

    wanted = params.choice(domain, DOMAINS, "domain") if domain is not None else None
    stored = _loader(store).stored_provenance()
    rows = [
        {
            "id": m.id, "name": m.name, "domain": m.domain, "frequency": m.frequency, "units": m.units,
            "change": m.change, "source": m.source, "symbol": m.symbol, "provenance": stored.get(m.id),
            "description": m.description,
        }
        for m in catalog()
        if wanted is None or m.domain == wanted
    ]  # fmt: skip
    return pd.DataFrame(rows).set_index("id")


def _attrs(loaded: LoadedSeries, meta: SeriesMeta | None) -> dict:
    age = loaded.age()
    return {
        "id": loaded.metric.id,
        "name": loaded.metric.name,
        "units": loaded.metric.units,
        "frequency": loaded.frequency,
        "change": loaded.metric.change,
        "provenance": loaded.provenance,
        "detail": loaded.detail,
        "fetched_at": pd.Timestamp(loaded.fetched_at) if loaded.fetched_at else None,
        "age": pd.Timedelta(age) if age is not None else None,
        "stale": loaded.stale,
        "stale_reason": loaded.stale_reason,
        "source": loaded.metric.source,
        "last_error": meta.last_error if meta is not None else None,
    }


def series(metric: str, start: object = None, end: object = None, *, store: StoreLike = None) -> pd.Series:
    """One metric's series as stored (a formula computed from its inputs), dates as the index,
    optionally from `start` to `end` (both included). `.attrs` says what it is and where it comes
    from: id, name, units, frequency, provenance (live, import or sample), detail, fetched_at,
    age, stale and stale_reason.

    >>> spx = convex.series("spx", "2018-01-01", "2018-01-05")
    >>> spx.round(2).tolist()
    [2695.81, 2713.06, 2723.99, 2743.15]
    >>> spx.attrs["provenance"], spx.attrs["frequency"], spx.attrs["units"]
    ('sample', 'daily', 'Index points')
    >>> convex.series("f:spx/ixic", "2018-01-02", "2018-01-03").round(4).tolist()
    [0.3847, 0.384]
    """
    loader = _loader(store)
    loaded = loader.load(params.metric_id(metric, "metric"))
    first = None if start is None else _day(start, "start")
    last = None if end is None else _day(end, "end")
    if first is not None and last is not None and first > last:
        raise ParamError("end", "must not be before start")
    values = loaded.series
    values = values[(values.index >= first) if first is not None else slice(None)]
    values = values[(values.index <= last) if last is not None else slice(None)]
    meta = None if loaded.metric.is_derived else loader.store.meta(loaded.metric.id)
    out = values.copy().rename(loaded.metric.id)
    out.attrs = _attrs(loaded, meta)
    return out


def _day(value: object, parameter: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParamError(parameter, "a date such as 2020-03-02") from None
    if pd.isna(stamp):
        raise ParamError(parameter, "a date such as 2020-03-02")
    return stamp


def compare(
    a: str,
    b: str,
    lookback: str = "3Y",
    *,
    dates: str | tuple[object, object] | None = None,
    rolling_window: int | str | None = None,
    stats_window: str = "90D",
    asof: object = None,
    store: StoreLike = None,
) -> Comparison:
    """Compare metric `a` with metric `b` over `lookback` ("90D", "1Y", "3Y" (the page's default),
    "5Y", "10Y", "Max") back from their last common date, or over `dates` (both included:
    "2020-03-02..2020-06-26" or a pair of dates), exactly as the compare page does: the same
    alignment and statistics. `rolling_window` (periods: 8, 12, 13, 20, 26, 52, 63, 126, 252; None
    is the page's Auto) sizes the rolling correlation and beta and the out-of-sample hedge;
    `stats_window` is each metric's own statistics window. `asof` (a day, "2022-06-15") compares the
    pair as known then: each series the vintage in force on that day where vintages are stored
    (else first releases or today's values published by then; `to_dict()["known_on"]` says which),
    market data ending that day.

    >>> r = convex.compare("spx", "ixic", lookback="Max")
    >>> r.frequency, r.n, r.start.date().isoformat(), r.end.date().isoformat()
    ('daily', 5031, '1999-01-04', '2018-12-31')
    >>> round(r.r, 3), round(r.beta, 3)
    (0.887, 1.175)
    >>> r.summary()  # doctest: +NORMALIZE_WHITESPACE
    S&P 500 Index vs NASDAQ Composite over all the common history held (4 Jan 1999 to 31 Dec 2018): daily
    changes correlated at +0.89 (95% interval +0.88 to +0.89, p < 0.001, n=5,030); beta of NASDAQ
    Composite on S&P 500 Index 1.18; no lagged correlation stands out; the beta hedge removed 83% of the
    variance out of sample.
    >>> r.to_dict()["correlation"]["changes"] == r.r
    True
    >>> convex.compare("spx", "vix", dates=("2018-01-01", "2018-12-31")).n
    251
    """
    window = params.window(lookback, dates)
    roll = params.rolling_window(rolling_window, "rolling_window")
    own = params.stats_window(stats_window, "stats_window")
    day = None if asof is None else params.asof_day(asof)
    la, lb = views.load_pair(_loader(store), a, b, asof=day)
    report = views.pair_report(la, lb, window, rolling_window=roll, stats_window=own, as_of=day)
    return Comparison(a, b, la, lb, report)


def scenario(
    a: str,
    b: str,
    move: str | float | None = None,
    horizon: str | int | None = None,
    lookback: str = "3Y",
    *,
    dates: str | tuple[object, object] | None = None,
    asof: object = None,
    store: StoreLike = None,
) -> Scenario:
    """When `a` moved by `move` over `horizon` periods, what did `b` do, how does `b` respond to
    `a` and where is it forecast to go: the compare page's "Scenarios & forecasts".

    `move` as the command line takes it ("-2%", "+25bp", or a number: in % for a metric that changes
    in %, in its units otherwise; default: A's latest move over the horizon); `horizon` in periods
    of the aligned pair (13, or "13w"; default per frequency: 21 days, 13 weeks, 6 months, 4
    quarters). The episodes use the pair's whole history; the response and forecast are fitted
    over the window (`lookback` or `dates`); `asof` as in `compare`.

    >>> s = convex.scenario("spx", "vix", move="-5%", horizon=21, lookback="Max")
    >>> s.move, s.horizon, s.event_study.n_episodes
    (-0.05, 21, 8)
    >>> round(s.event_study.after_episodes.median, 2)  # VIX points, 21 days after each fall
    -9.42
    >>> s.to_dict()["event_study"]["horizon"]
    21
    """
    window = params.window(lookback, dates)
    day = None if asof is None else params.asof_day(asof)
    la, lb = views.load_pair(_loader(store), a, b, asof=day)
    return Scenario(a, b, la, lb, views.scenario_report(la, lb, window, move, horizon))


def screen(
    recent: str = "13W",
    long: str = "3Y",
    *,
    domains: Iterable[str] = (),
    frequencies: Iterable[str] = (),
    min_points: int = 12,
    exclude_mechanical: bool = True,
    lead_shifts_only: bool = False,
    include_samples: bool = False,
    include_set_apart: bool = False,
    as_of: str | None = None,
    store: StoreLike = None,
) -> pd.DataFrame:
    """Every pair of stored metrics ranked by how much the correlation of their changes over the
    `recent` window ("4W", "13W", "26W", "1Y") differs from the `long` window before it ("1Y",
    "3Y", "5Y", "10Y"), smallest p first, with the Benjamini-Hochberg q-value over the pairs the
    filters keep, each window's lead and the compare-page link of both windows: the screener page.
    `attrs` holds the counts (pairs tested, below 5% before correction, expected by chance,
    discoveries, lead-lag shifts). As the page: only the present is ranked as of `as_of` (a day,
    YYYY-MM-DD; today by default), pairs whose windows end long before it or hold too little of
    them are counted apart (`attrs["set_apart"]`) unless `include_set_apart`, and offline samples
    are ranked beside stored data only with `include_samples` (or when nothing else is stored).

    The offline samples end in 2018-19 (the VIX sample starts in 2014): as of the day after, they
    are that day's news, and as of today they are set apart as stale.

    >>> s = convex.screen("1Y", "3Y", frequencies=["daily"], as_of="2019-01-02")
    >>> s[["a", "b"]].head(2).values.tolist()
    [['spx', 'ixic'], ['ixic', 'vix']]
    >>> s.attrs["tested"], s.attrs["discoveries"], s.attrs["set_apart"]
    (6, 0, 0)
    >>> later = convex.screen("1Y", "3Y", frequencies=["daily"])
    >>> later.attrs["tested"], later.attrs["set_apart"]
    (0, 6)
    >>> convex.screen("1Y", "5Y", frequencies=["daily"], as_of="2019-01-02").attrs["set_apart"]
    3
    """
    from ..jobs.screening import LONG_WINDOWS, RECENT_WINDOWS, ScreenFilters

    recent = params.choice(recent, RECENT_WINDOWS, "recent")
    long = params.choice(long, LONG_WINDOWS, "long")
    filters = ScreenFilters(
        params.domains(domains),
        params.frequencies(frequencies),
        params.whole(min_points, *params.MIN_POINTS_RANGE, "min_points"),
        params.flag(exclude_mechanical, "exclude_mechanical"),
        params.flag(include_samples, "include_samples") or None,
        params.flag(include_set_apart, "include_set_apart"),
    )
    day = None if as_of is None else params.day(as_of, "as_of")
    ranked, screened = views.ranked_screen(views.candidates(_loader(store)), recent, long, filters, as_of=day)
    only = params.flag(lead_shifts_only, "lead_shifts_only")
    frame = views.screen_frame(ranked, recent, long, lead_shifts_only=only)
    frame.attrs["screened"] = screened
    return frame
