"""The pair analysis the pages show, cached in parts so that a control recomputes only its part:
the lookback (and rolling window) the aligned pair and its statistics, the statistics window each
metric's own statistics, the spread choice one spread. Cached results are shared across sessions and
keyed by the loaded data's identity, so new data is a new key, never a stale answer.

Once a view is drawn, the views one change of a control leads to (another lookback, statistics
window or spread) are computed ahead in one background thread per process (`precompute_views`): a
user's first change then finds its view ready, as every later one does.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import astuple, dataclass, field, replace
from functools import cached_property

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from ..analytics.metric_stats import metric_statistics as compute_metric_statistics
from ..analytics.report import PairReport, pair_core, pair_spread
from ..analytics.spreads import SPREAD_KINDS
from ..analytics.windows import LOOKBACKS, date_window
from ..content import PairContent, pair_content
from ..data.loaded import LoadedSeries, pair_options
from ..metrics.metric import Metric
from ..store import utcnow
from .data import BY_IDENTITY, CACHE_TTL_S, cached_by_identity, store_location
from .elements import STATS_WINDOWS
from .runs import pages_busy


def _today(*loaded: LoadedSeries) -> pd.Timestamp:
    """The day windows are aged from: today, or the day the data are shown as known on."""
    known_on = [ls.as_of.day for ls in loaded if ls.as_of is not None]
    return known_on[0] if known_on else pd.Timestamp(utcnow().date())


@cached_by_identity(max_entries=256)
def _core(la: LoadedSeries, lb: LoadedSeries, lookback: str, rolling_window: int | None, location: str):
    return pair_core(
        la.series, lb.series, lookback=lookback, today=_today(la, lb), rolling_window=rolling_window,
        **pair_options(la, lb),
    )  # fmt: skip


@cached_by_identity(max_entries=256)
def _spread(
    la: LoadedSeries, lb: LoadedSeries, lookback: str, rolling_window: int | None, kind: str, location: str
):
    aligned, stats = _core(la, lb, lookback, rolling_window, location)
    return pair_spread(aligned, stats, kind, rolling_window=rolling_window)


@cached_by_identity(max_entries=256)
def _metric_statistics(ls: LoadedSeries, window: str, location: str, until: pd.Timestamp | None = None):
    """One metric's statistics over `window` back from its latest value, or from `until` (the last
    of the chosen dates: a view of exact dates shows each metric as it stood then)."""
    series = ls.series if until is None else ls.series[ls.series.index <= until]
    return compute_metric_statistics(
        series, frequency=ls.frequency, change=ls.metric.change, window=window, today=until or _today(ls)
    )


def pair_stats(la: LoadedSeries, lb: LoadedSeries, lookback: str, rolling_window: int | None):
    """Every pair statistic of two loaded series over `lookback` (cached as the page's own)."""
    return _core(la, lb, lookback, rolling_window, store_location())[1]


def metric_statistics(loaded: LoadedSeries, window: str):
    return _metric_statistics(loaded, window, store_location())


@dataclass(frozen=True)
class Choice:
    """The compare page's settings that decide its analysis."""

    lookback: str
    stats_window: str
    rolling_window: int | None
    spread_kind: str

    def neighbours(self) -> list[Choice]:
        """The choices one change of a control leads to: another spread, statistics window or lookback."""
        return (
            [replace(self, spread_kind=kind) for kind in SPREAD_KINDS if kind != self.spread_kind]
            + [replace(self, stats_window=w) for w in STATS_WINDOWS if w != self.stats_window]
            + [replace(self, lookback=lk) for lk in LOOKBACKS if lk != self.lookback]
        )


@dataclass(eq=False)
class PairView:
    """What the compare page shows for one choice of data and settings: the report, and the text
    built from it (computed on first use, then kept with the report)."""

    report: PairReport
    metric_a: Metric
    metric_b: Metric
    # Shared by the views of one pair analysis (data, lookback, rolling window): see `kept`.
    _kept: dict = field(repr=False)

    @cached_property
    def content(self) -> PairContent:
        return pair_content(self.metric_a, self.metric_b, self.report)

    def kept(self, key: tuple, build: Callable[[], object]):
        """`build()` once per key for this view's pair analysis (its data, lookback and rolling
        window), then kept: what the page draws (charts, tables) is made on its first drawing only,
        and a view that differs in another setting draws it again without making it. So a key names
        every other setting its object depends on (the statistics window, the spread kind, the
        transform). Shared, like the view: never mutated."""
        try:
            return self._kept[key]
        except KeyError:
            return self._kept.setdefault(key, build())


@cached_by_identity(max_entries=256, hash_funcs={Choice: astuple})
def _view(la: LoadedSeries, lb: LoadedSeries, choice: Choice, location: str) -> PairView:
    # Assembled from the cached parts, so that a change of one setting computes only its part.
    lookback, roll = choice.lookback, choice.rolling_window
    aligned, stats = _core(la, lb, lookback, roll, location)
    chosen = date_window(lookback)
    until = chosen[1] if chosen else None
    report = PairReport(
        aligned=aligned,
        stats=stats,
        metric_a=_metric_statistics(la, choice.stats_window, location, until),
        metric_b=_metric_statistics(lb, choice.stats_window, location, until),
        spreads={choice.spread_kind: _spread(la, lb, lookback, roll, choice.spread_kind, location)},
    )
    return PairView(report, la.metric, lb.metric, _kept(la, lb, lookback, roll, location))


@cached_by_identity(max_entries=256)
def _kept(la: LoadedSeries, lb: LoadedSeries, lookback: str, rolling_window: int | None, location: str):
    return {}  # what the views of one pair analysis draw (PairView.kept)


def pair_view(la: LoadedSeries, lb: LoadedSeries, choice: Choice) -> PairView:
    """The full pair analysis for this choice (as analytics.report.pair_report computes it) and its
    text, one cache lookup when this view was drawn before."""
    return _view(la, lb, choice, store_location())


class NewestFirst:
    """Jobs run one at a time on one thread, the newest first. At most `kept` wait: a job older than
    that is dropped (`on_drop` called), as under many sessions the views they were for are left behind.
    """

    def __init__(self, kept: int, name: str):
        self.kept = kept
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending: deque = deque()
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], None], on_drop: Callable[[], None] = lambda: None) -> None:
        with self._lock:
            self._pending.append((job, on_drop))
            while len(self._pending) > self.kept:
                self._pending.popleft()[1]()
        self._executor.submit(self._run_newest)

    def _run_newest(self) -> None:
        # One call per job submitted: a call whose job was dropped finds nothing (or a newer job).
        with self._lock:
            if not self._pending:
                return
            job = self._pending.pop()[0]
        job()

    def wait_idle(self) -> None:
        """Until every job submitted so far has run or been dropped."""
        self._executor.submit(lambda: None).result()


# One thread per process computes ahead. It never shares the interpreter with a page's run: before each
# view it waits until no page has run for a moment (the run that asked first of all), checking this often.
AHEAD_POLL_S = 0.02
# Views whose neighbours wait to be computed: the newest few (one user's latest, or the latest of many).
AHEAD_KEPT = 4
_AHEAD = NewestFirst(AHEAD_KEPT, "convex-ahead")
_SENT_LOCK = threading.Lock()


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False)
def _sent_ahead() -> set:
    """The views (data identity, choice) whose neighbours were sent ahead: forgotten with the
    computed views, when the caches are cleared or expire, or when their job was dropped."""
    return set()


def precompute_views(la: LoadedSeries, lb: LoadedSeries, choice: Choice) -> None:
    """Compute in the background, once per view and data version, the views one change of a control
    leads to (Choice.neighbours), each with its text (a page asking for one still being computed
    waits for it, never repeats it)."""
    location = store_location()
    key = (BY_IDENTITY[LoadedSeries](la), BY_IDENTITY[LoadedSeries](lb), choice, location)
    sent = _sent_ahead()
    with _SENT_LOCK:
        if key in sent:
            return
        sent.add(key)
    ctx = get_script_run_ctx()

    def compute() -> None:
        # The session's context, so that Streamlit's caches work in this thread as in the page.
        add_script_run_ctx(threading.current_thread(), ctx)
        for neighbour in choice.neighbours():
            while pages_busy():
                time.sleep(AHEAD_POLL_S)
            _view(la, lb, neighbour, location).content  # noqa: B018 (computes it)

    def dropped() -> None:
        with _SENT_LOCK:
            sent.discard(key)  # sent again if the view is drawn again

    _AHEAD.submit(compute, dropped)


# Work a page does not wait for: one thread per process, apart from the one computing ahead.
_LATER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convex-later")
_LATER_KEPT = 64


@st.cache_resource(show_spinner=False)
def _later_jobs() -> dict:
    return {}


def later(key: tuple, compute, *, wait_s: float):
    """The result of `compute()` for `key` if it is ready within `wait_s` seconds, else None, with
    the computation started in the background (once per key; `compute` None only asks). Exceptions
    are raised to the page that asks once the computation ends."""
    jobs = _later_jobs()
    with _SENT_LOCK:
        job = jobs.get(key)
        if job is None:
            if compute is None:
                return None
            ctx = get_script_run_ctx()

            def run():
                add_script_run_ctx(threading.current_thread(), ctx)
                return compute()

            job = jobs[key] = _LATER.submit(run)
            while len(jobs) > _LATER_KEPT:
                jobs.pop(next(iter(jobs)))
    try:
        return job.result(timeout=wait_s)
    except FuturesTimeout:
        return None


def wait_idle() -> None:
    """Until the background threads have done everything sent to them so far (for the benchmark,
    which must not time one case while another's background work runs)."""
    _AHEAD.wait_idle()
    _LATER.submit(lambda: None).result()


# What clear_caches clears after a refresh or an upload.
CACHED = (_view, _core, _spread, _metric_statistics, _kept, _sent_ahead, _later_jobs)
