"""What both databases share about using a store: the locks processes take against each other, and
whether the store can be written now."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StoreNotWritable, StoreReadOnly

# After a write failed because the store cannot be written (disk full, read-only), page views stop
# fetching for this long: the fetched data could not be kept.
WRITE_RETRY_S = 600.0


class LockBusy(RuntimeError):
    """Another process holds the lock asked for."""


class WriteHealth:
    """Whether the store can be written: opened read-only, or a write failed lately because the
    store could not be written (then page views stop fetching for a while, see WRITE_RETRY_S)."""

    read_only = False

    def __init__(self) -> None:
        self._write_failed: tuple[float, StoreNotWritable] | None = None

    def write_problem(self) -> StoreNotWritable | None:
        if self.read_only:
            return self.not_writable()
        if self._write_failed and time.monotonic() - self._write_failed[0] < WRITE_RETRY_S:
            return self._write_failed[1]
        return None

    def not_writable(self) -> StoreNotWritable:
        return StoreReadOnly(f"the store {self} cannot be written")

    @contextmanager
    def noting_writes(self) -> Iterator[None]:
        try:
            yield
        except StoreNotWritable as exc:
            self._write_failed = (time.monotonic(), exc)
            raise
        self._write_failed = None


class HeldLock:
    """A lock this process holds (see `exclusive`): `held()` says whether it still does."""

    def __init__(self, check):
        self._check = check

    def held(self) -> bool:
        return self._check()
