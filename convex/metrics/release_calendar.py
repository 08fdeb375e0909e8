"""Release calendars as data (`releases.toml` and its files): the day each value of a release was
first published, per catalog metric, read and checked once per process."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .metric import CatalogError

RELEASES_PATH = Path(__file__).with_name("releases.toml")


@dataclass(frozen=True)
class ReleaseCalendar:
    name: str
    metrics: tuple[str, ...]
    source: str
    lowest: int  # days: the shortest recent lag of an ordinary release
    released: pd.Series  # the value's date (the 1st of its month) -> the day it was first published


def load_release_calendars(path: Path = RELEASES_PATH) -> dict[str, ReleaseCalendar]:
    """{metric id: its calendar}; CatalogError on a broken file (a day before its period, a period
    twice, a metric in two calendars)."""
    with open(path, "rb") as fh:
        entries = tomllib.load(fh).get("release", [])
    out: dict[str, ReleaseCalendar] = {}
    for entry in entries:
        where = f"release {entry.get('name')!r}"
        with open(path.parent / entry["file"], newline="") as fh:
            rows = list(csv.DictReader(fh))
        periods = pd.to_datetime([r["period"] + "-01" for r in rows])
        released = pd.Series(pd.to_datetime([r["released"] for r in rows]), index=periods, name="released")
        if periods.has_duplicates:
            raise CatalogError(f"{where}: a period is listed twice")
        if (released.to_numpy() <= periods.to_numpy()).any():
            raise CatalogError(f"{where}: a value is released before its period starts")
        calendar = ReleaseCalendar(entry["name"], tuple(entry["metrics"]), entry["source"].strip(),
                                   int(entry["lowest"]), released.sort_index())  # fmt: skip
        for metric_id in calendar.metrics:
            if metric_id in out:
                raise CatalogError(f"{where}: {metric_id} is already in {out[metric_id].name!r}")
            out[metric_id] = calendar
    return out


@lru_cache(maxsize=1)
def release_calendars() -> dict[str, ReleaseCalendar]:
    """The calendars shipped with Convex, loaded once per process."""
    return load_release_calendars()
