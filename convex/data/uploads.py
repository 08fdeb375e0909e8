"""A user's own series, uploaded as a CSV in any layout the importer reads, compared like any metric.

An upload is named by its content and by what is shown for it (`u:` and 12 hex digits of the SHA-256
of the file, its name, frequency and change kind), so the same file read the same way is the same
metric on every upload, a share link naming it opens it wherever the store holds it, and a stored
upload is never renamed or re-read by someone uploading the same bytes another way.
Its frequency and change kind are inferred from the data (median spacing of dates; percent
changes for a series that stays positive) and can be changed by the user.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from convex.data.importers import LAYOUTS, read_series_bytes
from convex.metrics.catalog import catalog
from convex.metrics.metric import CHANGE_KINDS, FREQUENCIES, UPLOAD_DOMAIN, Metric
from convex.metrics.names import plain_name

PREFIX = "u:"
_UPLOAD_ID = re.compile(r"u:[0-9a-f]{12}")
MAX_NAME = 80
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
LATEST_YEAR = 2100
# The longest median spacing, in days, that each frequency stands for.
_SPACING = (("daily", 4), ("weekly", 10), ("monthly", 45), ("quarterly", 140))


class UploadError(ValueError):
    """An uploaded file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Upload:
    digest: str  # SHA-256 of the file's bytes
    name: str  # from the file's name, as plain text (convex.metrics.names)
    series: pd.Series
    layout: str
    frequency: str  # inferred from the data; the user may choose another before using it
    change: str

    @property
    def key(self) -> str:
        """The file, whatever it is used as: session widgets that describe it are keyed by it."""
        return self.digest[:12]

    def metric_id(self, frequency: str, change: str) -> str:
        """The upload's id as a metric: its content and everything shown for it (name, frequency,
        change kind), so that one id always means one title and one way of reading the data, and
        the same file used another way is another metric, never a change to a stored one."""
        identity = "\0".join((self.digest, self.name, frequency, change)).encode()
        return PREFIX + hashlib.sha256(identity).hexdigest()[:12]

    @property
    def id(self) -> str:
        """The upload's id read as inferred (its frequency and change kind as found in the data)."""
        return self.metric_id(self.frequency, self.change)

    @property
    def detail(self) -> str:
        return f"uploaded file {self.name} ({LAYOUTS.get(self.layout, self.layout)})"


def is_upload_id(text: str) -> bool:
    """Exactly `u:` and 12 lower-case hex digits: anything else from a link never reaches a store."""
    return isinstance(text, str) and _UPLOAD_ID.fullmatch(text) is not None


def read_upload(filename: str, data: bytes) -> Upload:
    """The series in an uploaded file, checked: size, layout, rows, dates; UploadError otherwise."""
    name = (filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    stem = plain_name(name.rsplit(".", 1)[0], catalog().taken_names, limit=MAX_NAME, fallback="upload")
    name = f"{stem}.{_extension(name)}"  # the file as messages name it: plain text too
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
    digest = hashlib.sha256(data).hexdigest()
    return Upload(digest, stem, series, imported.layout, infer_frequency(series), infer_change(series))


def _extension(name: str) -> str:
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return extension.lower() if extension.isascii() and extension.isalnum() and len(extension) <= 4 else "csv"


def infer_frequency(series: pd.Series) -> str:
    spacing = pd.Series(series.index).diff().dt.days.median()
    return next((f for f, days in _SPACING if spacing <= days), "quarterly")


def infer_change(series: pd.Series) -> str:
    return "pct" if float(series.min()) > 0 else "diff"


def upload_metric(metric_id: str, name: str, frequency: str, change: str) -> Metric:
    """The metric an upload is, for every page and statistic; it claims nothing from the catalog."""
    if frequency not in FREQUENCIES or change not in CHANGE_KINDS:
        raise UploadError(f"frequency must be one of {FREQUENCIES} and change one of {CHANGE_KINDS}")
    # A name read back from a store that an older version wrote is made plain text here too.
    name = plain_name(name, catalog().taken_names, limit=MAX_NAME, fallback="upload")
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
