"""A user's own series, uploaded as a CSV in any layout the importer reads, compared like any metric.

An upload is named by its content (`u:` and 12 hex digits of its SHA-256), so the same file is the
same metric on every upload, and a share link naming it opens it wherever the store holds it.
Its frequency and change kind are inferred from the data (median spacing of dates; percent
changes for a series that stays positive) and can be changed by the user.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from convex.data.importers import LAYOUTS, read_series_bytes
from convex.metrics.metric import CHANGE_KINDS, FREQUENCIES, UPLOAD_DOMAIN, Metric

PREFIX = "u:"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
LATEST_YEAR = 2100
# The longest median spacing, in days, that each frequency stands for.
_SPACING = (("daily", 4), ("weekly", 10), ("monthly", 45), ("quarterly", 140))


class UploadError(ValueError):
    """An uploaded file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Upload:
    id: str
    name: str
    series: pd.Series
    layout: str
    frequency: str
    change: str

    @property
    def detail(self) -> str:
        return f"uploaded file {self.name} ({LAYOUTS.get(self.layout, self.layout)})"


def is_upload_id(text: str) -> bool:
    return isinstance(text, str) and text.startswith(PREFIX) and len(text) == len(PREFIX) + 12


def read_upload(filename: str, data: bytes) -> Upload:
    """The series in an uploaded file, checked: size, layout, rows, dates; UploadError otherwise."""
    name = (filename or "upload.csv").rsplit("/", 1)[-1][:80]
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name} is {len(data) / 1e6:.1f} MB; uploads are limited to 20 MB.")
    try:
        imported = read_series_bytes(data, name=name, max_bytes=MAX_UPLOAD_BYTES)
    except ValueError as exc:
        raise UploadError(str(exc)) from None
    series = imported.series
    if len(series) < 3:
        raise UploadError(f"{name} holds {len(series)} dated values; at least 3 are needed.")
    if len(series) > MAX_ROWS:
        raise UploadError(f"{name} holds {len(series):,} rows; uploads are limited to {MAX_ROWS:,}.")
    if series.index[-1].year > LATEST_YEAR:
        raise UploadError(f"{name} has dates up to {series.index[-1]:%Y-%m-%d}, after {LATEST_YEAR}.")
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = name.rsplit(".", 1)[0] or "upload"
    return Upload(
        PREFIX + digest, stem, series, imported.layout, infer_frequency(series), infer_change(series)
    )


def infer_frequency(series: pd.Series) -> str:
    spacing = pd.Series(series.index).diff().dt.days.median()
    return next((f for f, days in _SPACING if spacing <= days), "quarterly")


def infer_change(series: pd.Series) -> str:
    return "pct" if float(series.min()) > 0 else "diff"


def upload_metric(metric_id: str, name: str, frequency: str, change: str) -> Metric:
    """The metric an upload is, for every page and statistic; it claims nothing from the catalog."""
    if frequency not in FREQUENCIES or change not in CHANGE_KINDS:
        raise UploadError(f"frequency must be one of {FREQUENCIES} and change one of {CHANGE_KINDS}")
    return Metric(
        id=metric_id,
        name=name,
        description=f"Your series {name}, uploaded as a file; Convex knows only its numbers.",
        domain=UPLOAD_DOMAIN,
        source="upload",
        symbol=name,
        frequency=frequency,
        units="units of the file",
        change=change,
    )
