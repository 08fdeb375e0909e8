"""Side-by-side timing: ours and the baseline interleaved, so machine noise hits both alike."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

# A case returns the seconds its timed part took: it may do untimed set-up around it.
Case = Callable[[], float]


def timed(fn: Callable[[], object]) -> Case:
    """A case timing the whole of `fn()`."""

    def case() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return case


@dataclass(frozen=True)
class Summary:
    """Several measurements of one thing: median and spread (quartiles, min, max)."""

    median: float
    q1: float
    q3: float
    min: float
    max: float
    n: int
    unit: str

    @classmethod
    def of(cls, values: list[float], unit: str) -> Summary:
        values = sorted(values)
        if len(values) >= 2:
            q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            q1 = q3 = values[0]
        return cls(statistics.median(values), q1, q3, values[0], values[-1], len(values), unit)

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def to_dict(self) -> dict:
        return {
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "iqr": self.iqr,
            "min": self.min,
            "max": self.max,
            "n": self.n,
            "unit": self.unit,
        }


def side_by_side(ours: Case, baseline: Case, *, repeat: int, warmup: int) -> tuple[Summary, Summary]:
    """Warm both up, then alternate them `repeat` times (the order flips every round).

    The garbage collector runs before each measurement and stays enabled during it (both sides pay
    for their own allocations).
    """
    for _ in range(warmup):
        ours()
        baseline()
    ours_s: list[float] = []
    base_s: list[float] = []
    for i in range(repeat):
        pairs = ((ours, ours_s), (baseline, base_s))
        for case, out in pairs if i % 2 == 0 else reversed(pairs):
            gc.collect()
            out.append(case())
    return Summary.of(ours_s, "s"), Summary.of(base_s, "s")


def auto_repeat(case: Case, *, budget_s: float, minimum: int, maximum: int) -> int:
    """How many repetitions fit a time budget, from one trial run (at least `minimum`)."""
    once = max(case(), 1e-6)
    return max(minimum, min(maximum, int(budget_s / once)))
