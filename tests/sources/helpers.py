"""Shared test helpers: the contract check, a fake clock, the recognisable fake keys."""

from __future__ import annotations

import traceback

import pandas as pd

FAKE_FRED_KEY = "FAKEKEY1234567890abcdef"
FAKE_CG_KEY = "CG-FAKEKEY0987654321zyx"


def assert_contract(series: pd.Series) -> None:
    """What every source and importer promises: floats on a clean daily DatetimeIndex."""
    assert isinstance(series, pd.Series)
    assert series.dtype == "float64"
    index = series.index
    assert isinstance(index, pd.DatetimeIndex)
    assert index.tz is None
    assert index.is_monotonic_increasing
    assert index.is_unique
    assert (index == index.normalize()).all()
    assert not series.isna().any()
    assert len(series) > 0


def error_text(exc: BaseException) -> str:
    """Everything a user, a log or an error reporter could see of an exception: str, repr and
    traceback of it and of every exception chained to it (even when `from None` hides them), and
    the URL of any request one of them carries."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), *traceback.format_exception(current, chain=False)]
        url = getattr(getattr(current, "request", None), "url", None)
        if url:
            parts.append(str(url))
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


class FakeClock:
    """A monotonic clock that only moves when somebody sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
