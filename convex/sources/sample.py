"""Offline sample: real data that ships inside installed packages.

When a metric has nothing stored and its source cannot be reached, these keep the app usable.
They are real but old (the arch datasets end around 2018-2019, statsmodels' macrodata in 2009),
some are at a lower frequency than the live metric, and they are always labelled with the
package they come from; live data replaces them on the first successful refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from .base import clean_series


@dataclass(frozen=True)
class SampleSpec:
    package: str  # the distribution that ships the data
    dataset: str  # the module inside it
    column: str
    frequency: str  # the sample's own frequency, which may be lower than the live metric's
    note: str = ""


@dataclass(frozen=True)
class SampleSeries:
    series: pd.Series
    frequency: str
    detail: str  # e.g. "arch 8.0.0 (arch.data.sp500, Adj Close)"


# metric id -> where its sample lives
SAMPLES: dict[str, SampleSpec] = {
    "spx": SampleSpec("arch", "arch.data.sp500", "Adj Close", "daily"),
    "ixic": SampleSpec("arch", "arch.data.nasdaq", "Adj Close", "daily"),
    "vix": SampleSpec("arch", "arch.data.vix", "vix", "daily"),
    "dcoilwtico": SampleSpec("arch", "arch.data.wti", "DCOILWTICO", "daily"),
    "cpilfesl": SampleSpec("arch", "arch.data.core_cpi", "CPILFESL", "monthly"),
    "aaa": SampleSpec("arch", "arch.data.default", "AAA", "monthly"),
    "baa": SampleSpec("arch", "arch.data.default", "BAA", "monthly"),
    "dcoilbrenteu": SampleSpec("arch", "arch.data.crude", "Brent", "monthly", "monthly, dated mid-month"),
    "gdpc1": SampleSpec(
        "statsmodels",
        "statsmodels.datasets.macrodata",
        "realgdp",
        "quarterly",
        "chained 2005 USD, dated at quarter end",
    ),
    "cpiaucsl": SampleSpec(
        "statsmodels", "statsmodels.datasets.macrodata", "cpi", "quarterly", "end-of-quarter CPI"
    ),
    "m1sl": SampleSpec(
        "statsmodels", "statsmodels.datasets.macrodata", "m1", "quarterly", "end-of-quarter M1"
    ),
    "tb3ms": SampleSpec(
        "statsmodels", "statsmodels.datasets.macrodata", "tbilrate", "quarterly", "quarterly average"
    ),
    "unrate": SampleSpec("statsmodels", "statsmodels.datasets.macrodata", "unemp", "quarterly", "quarterly"),
}


def _arch_frame(dataset: str) -> pd.DataFrame:
    # The data file read as arch's own `load()` reads it, without importing arch itself (its
    # import costs well over a second, for a CSV that pandas reads in milliseconds).
    spec = find_spec("arch")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("arch is not installed")
    folder = Path(spec.submodule_search_locations[0], *dataset.split(".")[1:])
    frame = pd.read_csv(folder / ARCH_FILES[dataset], encoding="utf-8-sig")
    frame["Date"] = pd.to_datetime(frame["Date"])
    return frame.set_index("Date").apply(pd.to_numeric, errors="coerce")


# arch's data files, by dataset module.
ARCH_FILES = {
    "arch.data.sp500": "sp500.csv.gz",
    "arch.data.nasdaq": "nasdaq.csv.gz",
    "arch.data.vix": "vix.csv.gz",
    "arch.data.wti": "wti.csv.gz",
    "arch.data.core_cpi": "core-cpi.csv.gz",
    "arch.data.default": "default.csv.gz",
    "arch.data.crude": "crude.csv.gz",
}


def _macrodata_frame(dataset: str) -> pd.DataFrame:
    data = import_module(dataset).load_pandas().data
    # Values describe a whole quarter (or its end), so they are dated when the quarter is complete.
    quarter_end = (
        pd.PeriodIndex.from_fields(
            year=data["year"].astype(int), quarter=data["quarter"].astype(int), freq="Q"
        )
        .to_timestamp(how="end")
        .normalize()
    )
    return data.set_index(quarter_end)


_FRAME_READERS: dict[str, Callable[[str], pd.DataFrame]] = {
    "arch": _arch_frame,
    "statsmodels": _macrodata_frame,
}


def has_sample(metric_id: str) -> bool:
    return metric_id in SAMPLES


def load_sample(metric_id: str) -> SampleSeries | None:
    """The packaged sample for `metric_id`, or None when there is none or its package is missing."""
    spec = SAMPLES.get(metric_id)
    if spec is None:
        return None
    try:
        frame = _FRAME_READERS[spec.package](spec.dataset)
        package_version = version(spec.package)
    except (ImportError, OSError, PackageNotFoundError):
        return None
    series = clean_series(frame[spec.column], source="sample", symbol=metric_id)
    detail = f"{spec.package} {package_version} ({spec.dataset}, {spec.column})"
    if spec.note:
        detail += f"; {spec.note}"
    return SampleSeries(series=series, frequency=spec.frequency, detail=detail)
