"""The refresh worker: `convex worker` keeps every catalog metric fresh so that page views only read.

With a store that app replicas share (PostgreSQL), pages never fetch: this one process does, for
everyone. At most one worker runs per store (a lock the database holds for it; a second worker exits
with a message, or waits with `--wait`). The lock lives in a database session, which a server
restart ends: the worker checks that it still holds it before each fetch, and when it does not, it
stops fetching at once and takes the lock again, unless another worker has (see `serve`). Each cycle
it refreshes the metrics that are due (the loader's per-frequency freshness, failed sources retried
at a slower pace), most overdue first, spacing fetches from one source by that source's
`min_interval`. A refresh that brings new or revised values of a FRED macro release also fetches its
new vintages (data/vintage_refresh.py), through the same source and its rate limiter. Every attempt
is logged in the store. A source that fails, a metric whose refresh raises, or a database that goes
away for a while costs that metric or that cycle, never the worker; a kill (even SIGKILL) mid-write
leaves every series whole, old or new, because each write is one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from convex.data.loader import Loader, RefreshOutcome
from convex.metrics.metric import Metric
from convex.sources.http import RateLimiter
from convex.store import Attempt, LockBusy, Store, StoreError, utcnow
from convex.store.db import HeldLock

LOCK = "refresh-worker"
CYCLE_S = 60.0
log = logging.getLogger("convex.worker")


class AnotherWorker(RuntimeError):
    """Another refresh worker holds this store's lock."""


class LockLost(RuntimeError):
    """This worker no longer holds the store's worker lock (the database session holding it ended)."""


@dataclass
class Cycle:
    """What one pass over the catalog did."""

    outcomes: list[RefreshOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # refreshes that raised (a bug, not a source)
    seeded: list[str] = field(default_factory=list)  # offline samples stored for metrics with nothing

    @property
    def attempts(self) -> int:
        """Fetches tried: every metric refreshed was due one."""
        return len(self.outcomes) + len(self.errors)


class RefreshWorker:
    def __init__(
        self,
        store: Store,
        *,
        loader: Loader | None = None,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        lock: HeldLock | None = None,
    ):
        self.store = store
        self.lock = lock  # checked before each fetch when given (see `serve`)
        self.loader = loader or Loader(store, actor="worker", clock=clock)
        self.loader.before_fetch = self.check_lock
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self._pacing: dict[str, RateLimiter] = {}

    def due(self) -> list[Metric]:
        """The catalog metrics (not derived) that need a fetch now, those stored longest ago first."""
        metas = self.store.all_meta()
        due = [
            m
            for m in self.loader.catalog
            if not m.is_derived and self.loader.needs_refresh(m, metas.get(m.id))
        ]
        never = datetime.min.replace(tzinfo=utcnow().tzinfo)
        return sorted(due, key=lambda m: getattr(metas.get(m.id), "fetched_at", None) or never)

    def check_lock(self) -> None:
        """LockLost when this worker no longer holds the store's lock: another may hold it now."""
        if self.lock is not None and not self.lock.held():
            raise LockLost(f"the refresh worker lost its lock on {self.store.location}")

    def run_once(self, stop: Callable[[], bool] = lambda: False) -> Cycle:
        """Refresh every metric that is due, one at a time; `stop()` is checked between metrics, and
        the lock (LockLost) first, right before each fetch (the loader's `before_fetch`) and before
        storing samples."""
        self.check_lock()
        cycle = Cycle()
        for metric in self.due():
            if stop():
                break
            self._pace(metric)
            try:
                cycle.outcomes.append(self.loader.refresh(metric.id))  # checks the lock before fetching
            except (LockLost, StoreError):  # the lock lost, or the store's trouble: the cycle ends
                raise
            except Exception as exc:  # a bug in one refresh must not stop the others
                log.exception("refreshing %s raised", metric.id)
                cycle.errors.append(f"{metric.id}: {type(exc).__name__}: {exc}")
                now = self._clock()
                self.store.log_attempt(
                    Attempt(metric.id, metric.source, "worker", now, now, "error", 0, 0, cycle.errors[-1])
                )
        # Metrics no source could fill get their offline sample, labelled, as a first page view would.
        self.check_lock()
        cycle.seeded = self.loader.seed_samples()
        self.store.prune_attempts(now=self._clock())
        return cycle

    def _pace(self, metric: Metric) -> None:
        source = self.loader.source_for(metric)
        if metric.source not in self._pacing:
            self._pacing[metric.source] = RateLimiter(
                source.min_interval, clock=self._monotonic, sleep=self._sleep
            )
        self._pacing[metric.source].wait()

    def run(
        self, *, once: bool = False, interval: float = CYCLE_S, stop: threading.Event | None = None
    ) -> int:
        """Cycle until `stop` is set (or once); the number of cycles run. A database error ends the
        cycle, not the worker: the next cycle retries. A lost lock (LockLost) ends the run."""
        stop = stop or threading.Event()
        cycles = 0
        while not stop.is_set():
            try:
                cycle = self.run_once(stop.is_set)
                log.info("cycle %d: %d fetches, %d errors", cycles + 1, cycle.attempts, len(cycle.errors))
            except LockLost:
                raise
            except StoreError as exc:  # said in one line: the store's trouble, not a bug
                if once:
                    raise
                log.warning("the cycle stopped: %s; retrying in %.0f s", exc, interval)
            except Exception:
                if once:
                    raise
                log.exception("the cycle failed; retrying in %.0f s", interval)
            cycles += 1
            if once:
                break
            stop.wait(interval)
        return cycles


@contextmanager
def worker_lock(store: Store, *, wait: bool) -> Iterator[HeldLock]:
    """Hold the store's worker lock for the block; AnotherWorker at once when another worker holds it
    and `wait` is false (with `wait`, block until it is free)."""
    with ExitStack() as held:
        try:
            lock = held.enter_context(store.exclusive(LOCK, wait=wait))
        except LockBusy:
            raise AnotherWorker(
                f"another Convex refresh worker is running on {store.location}; this one exits "
                "(`convex worker --wait` takes over when it stops)"
            ) from None
        yield lock


def serve(
    worker: RefreshWorker,
    *,
    wait: bool,
    once: bool = False,
    interval: float = CYCLE_S,
    stop: threading.Event | None = None,
) -> int:
    """Run `worker` (see RefreshWorker.run) holding its store's worker lock; the cycles run.

    When the lock is lost (a server restart or a terminated session ends the session holding it),
    the worker has stopped fetching (LockLost, before its next fetch): it takes the lock again if
    nobody holds it, waits for it with `wait`, and otherwise raises AnotherWorker, so that one
    worker fetches, never two. While the database does not answer, it tries again every `interval`
    (with `once`, the StoreError is raised).
    """
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            with worker_lock(worker.store, wait=wait) as lock:
                log.info("holding the refresh worker lock on %s", worker.store.location)
                worker.lock = lock
                return worker.run(once=once, interval=interval, stop=stop)
        except LockLost as exc:
            log.warning("%s: it stopped fetching; taking the lock again", exc)
        except StoreError as exc:  # e.g. the lock cannot be taken while the database is away
            if once:
                raise
            log.warning("the worker lock cannot be taken: %s; retrying in %.0f s", exc, interval)
            stop.wait(interval)
        finally:
            worker.lock = None
    return 0
