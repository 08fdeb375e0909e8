"""The refresh worker in one process, on both store backends: what a pass fetches, what it survives,
how it paces each source, and its lock. (Worker processes, kills and page views beside a running
worker: tests/reliability/test_worker_processes.py.)"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from convex.data.loader import RETRY_FAILED_AFTER, Loader
from convex.jobs.worker import LOCK, AnotherWorker, RefreshWorker, serve, worker_lock
from convex.metrics.catalog import catalog
from convex.sources.base import RateLimited
from convex.store import Store
from convex.store.postgres import LOCK_CLASS
from tests.fakes import FakeClock, SyntheticSource

pytestmark = pytest.mark.usefixtures("backend")
SOURCES = ("fred", "yahoo", "coingecko", "cboe")


class Exploding(SyntheticSource):
    """Raises something no source should (a bug) for one symbol."""

    def fetch(self, symbol, start=None):
        if symbol == "DGS10":
            raise ZeroDivisionError("a bug")
        return super().fetch(symbol, start)


class Limited(SyntheticSource):
    def fetch(self, symbol, start=None):
        if symbol == "SPY":
            self.calls.append(symbol)
            raise RateLimited(self.name, symbol, "rate limited (HTTP 429)")
        return super().fetch(symbol, start)


def fetchable() -> list[str]:
    return [m.id for m in catalog() if not m.is_derived]


def worker_with(store: Store, clock: FakeClock, **sources) -> RefreshWorker:
    given = {name: sources.get(name) or SyntheticSource(name) for name in SOURCES}
    loader = Loader(store, sources=given, offline=False, actor="worker", clock=clock)
    return RefreshWorker(store, loader=loader, clock=clock, sleep=lambda s: None)


def calls(worker: RefreshWorker) -> int:
    return sum(len(source.calls) for source in worker.loader._sources.values())


def test_a_pass_fetches_every_metric_once_and_the_next_pass_nothing_until_it_is_due():
    store, clock = Store(), FakeClock()
    worker = worker_with(store, clock)
    cycle = worker.run_once()
    assert sorted(o.metric_id for o in cycle.outcomes) == sorted(fetchable()) and not cycle.errors
    assert {o.status for o in cycle.outcomes} == {"updated"} and calls(worker) == len(fetchable())
    log = store.attempts()
    assert Counter(a.metric_id for a in log) == Counter(fetchable())  # every attempt, logged once
    assert {a.actor for a in log} == {"worker"} and {a.status for a in log} == {"updated"}
    assert worker.run_once().attempts == 0 and calls(worker) == len(fetchable())  # all fresh now
    clock.advance(hours=7)  # daily series are due again (fresh for 6 hours), weekly ones not yet
    again = {o.metric_id for o in worker.run_once().outcomes}
    assert again == {m.id for m in catalog() if not m.is_derived and m.frequency == "daily"}


def test_a_failing_source_and_a_raising_refresh_cost_their_metric_not_the_pass():
    store, clock = Store(), FakeClock()
    worker = worker_with(store, clock, fred=Exploding("fred"), yahoo=Limited("yahoo"))
    cycle = worker.run_once()
    assert [e.split(":")[0] for e in cycle.errors] == ["dgs10"]
    failed = {o.metric_id: o for o in cycle.outcomes if o.status == "failed"}
    assert set(failed) == {"spy"} and "HTTP 429" in failed["spy"].reason
    assert len(cycle.outcomes) + len(cycle.errors) == len(fetchable())
    assert store.meta("tlt").has_data and store.meta("walcl").has_data  # the others went on
    logged = {a.metric_id: a for a in store.attempts()}
    assert logged["dgs10"].status == "error" and "ZeroDivisionError" in logged["dgs10"].error
    assert logged["spy"].status == "failed" and logged["spy"].error.endswith("(HTTP 429)")
    # The failed source is retried at a slower pace, not on every pass.
    assert {m.id for m in worker.due()} >= {"dgs10"} and "spy" not in {m.id for m in worker.due()}
    clock.advance(seconds=RETRY_FAILED_AFTER.total_seconds() + 1)
    assert "spy" in {m.id for m in worker.due()}


class SteppedTime:
    """A monotonic clock that only sleeping moves."""

    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_fetches_from_one_source_are_spaced_by_its_min_interval():
    store, clock, time = Store(), FakeClock(), SteppedTime()
    fetched_at: dict[str, list[float]] = {name: [] for name in SOURCES}

    class Timed(SyntheticSource):
        def fetch(self, symbol, start=None):
            fetched_at[self.name].append(time.now)
            return super().fetch(symbol, start)

    sources = {name: Timed(name) for name in SOURCES}
    for source, spacing in zip(sources.values(), (0.5, 1.0, 4.0, 1.0), strict=True):
        source.min_interval = spacing
    loader = Loader(store, sources=sources, offline=False, actor="worker", clock=clock)
    RefreshWorker(store, loader=loader, clock=clock, sleep=time.sleep, monotonic=lambda: time.now).run_once()
    for name, source in sources.items():
        gaps = [b - a for a, b in zip(fetched_at[name], fetched_at[name][1:], strict=False)]
        assert len(fetched_at[name]) >= 2 and min(gaps) >= source.min_interval - 1e-9, (name, gaps)


def test_only_one_worker_holds_the_store():
    store = Store()
    with (
        worker_lock(store, wait=False),
        pytest.raises(AnotherWorker, match="another Convex refresh worker is running"),
        worker_lock(Store(), wait=False),
    ):
        pass
    with worker_lock(store, wait=False):  # released when the holder stopped
        pass


def lose_lock(store: Store) -> None:
    """End the worker lock the ways it is really lost: on PostgreSQL the session holding it is ended
    (pg_terminate_backend, what a server restart does to every session); on SQLite its lock file is
    deleted (another worker then locks a new file at the same path)."""
    if store.shared:
        with store.connection() as conn:
            ended = conn.execute(
                f"""SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
                    AND classid = {LOCK_CLASS} AND objsubid = 2
                    AND objid = hashtext(current_schema() || ':{LOCK}')::oid"""
            ).fetchall()
        assert ended == [(True,)], ended
    else:
        Path(f"{store.path}.{LOCK}.lock").unlink()


class LosingTheLock(SyntheticSource):
    """Loses the worker's lock during the `at`-th fetch of the pass (that fetch completes), then hands
    the lock to a rival worker when `rival` is given (a callable that takes it). Every later fetch
    notes whether another worker could take the lock then (`free_later`)."""

    def __init__(self, name: str, store: Store, at: int, fetched: list, free_later: list, rival=None):
        super().__init__(name)
        self.store, self.at, self.fetched, self.free_later, self.rival = store, at, fetched, free_later, rival

    def fetch(self, symbol, start=None):
        result = super().fetch(symbol, start)
        self.fetched.append(symbol)
        if len(self.fetched) == self.at:
            lose_lock(self.store)
            if self.rival:
                self.rival()
        elif len(self.fetched) > self.at:
            try:
                with worker_lock(Store(), wait=False):
                    self.free_later.append(True)
            except AnotherWorker:
                self.free_later.append(False)
        return result


def losing_worker(store: Store, at: int, rival=None) -> tuple[RefreshWorker, list[str], list[bool]]:
    fetched: list[str] = []  # one count across the sources
    free_later: list[bool] = []
    sources = {name: LosingTheLock(name, store, at, fetched, free_later, rival) for name in SOURCES}
    loader = Loader(store, sources=sources, offline=False, actor="worker", clock=FakeClock())
    return RefreshWorker(store, loader=loader, sleep=lambda s: None), fetched, free_later


def test_a_worker_that_lost_its_lock_takes_it_again_when_free_before_fetching_on():
    store = Store()
    worker, fetched, free_later = losing_worker(store, at=3)
    serve(worker, wait=False, once=True)
    # The loss was noticed before the 4th fetch, the lock (free) was taken again, and the pass went on
    # holding it: every metric fetched once, none twice, and no other worker could start meanwhile.
    assert sorted(fetched) == sorted(catalog().get(m).symbol for m in fetchable())
    assert Counter(a.metric_id for a in store.attempts()) == Counter(fetchable())
    assert free_later and not any(free_later)
    with worker_lock(Store(), wait=False):  # released at the end of the pass: free for another
        pass


def test_a_worker_that_lost_its_lock_to_another_never_fetches_again():
    store = Store()
    with ExitStack() as rivals:
        # The rival, a worker of its own store handle, takes the lock as soon as it is free.
        worker, fetched, _ = losing_worker(
            store, at=3, rival=lambda: rivals.enter_context(worker_lock(Store(), wait=False))
        )
        with pytest.raises(AnotherWorker, match="another Convex refresh worker is running"):
            serve(worker, wait=False, once=True)
        assert len(fetched) == 3  # nothing after the fetch during which the lock was lost
        assert len(store.attempts()) == 3
