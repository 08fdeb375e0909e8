"""The one contract every data source keeps, and the typed errors it may raise.

A source takes a symbol and a start date and returns a clean series: float values, a sorted,
unique, tz-naive DatetimeIndex, missing values dropped. Anything else is a `SourceError` whose
message names the metric and the source and never carries an API key.
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd


class SourceError(Exception):
    """A source could not give a series. `reason` is short and safe to show to users."""

    retryable = False

    def __init__(self, source: str, symbol: str, reason: str, *, metric_id: str | None = None):
        self.source = source
        self.symbol = symbol
        self.metric_id = metric_id
        self.reason = scrub_secrets(reason)
        super().__init__(self._message())

    def _message(self) -> str:
        who = f"{self.metric_id} ({self.symbol})" if self.metric_id else self.symbol
        return f"{self.source}: {who}: {self.reason}"

    def for_metric(self, metric_id: str) -> SourceError:
        """The same error, named after the catalog metric it was fetched for."""
        self.metric_id = metric_id
        self.args = (self._message(),)
        return self

    def __str__(self) -> str:
        return self._message()


class SourceUnavailable(SourceError):
    """Network failure, timeout or a server error: worth retrying later."""

    retryable = True


# The one wording of "this machine has no network", whichever source found out.
NO_NETWORK = "no network: the source's host name did not resolve"


def no_network(source: str, symbol: str) -> SourceUnavailable:
    """The error for a host name that does not resolve; retrying cannot help."""
    error = SourceUnavailable(source, symbol, NO_NETWORK)
    error.retryable = False
    return error


class RateLimited(SourceError):
    """The source said "too many requests"."""

    retryable = True

    def __init__(self, *args, retry_after: float | None = None, **kwargs):
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class UnknownSymbol(SourceError):
    """The source does not know this symbol (or no longer publishes it)."""


class AccessDenied(SourceError):
    """The source refused the request (missing or bad key, plan limits)."""


class BadPayload(SourceError):
    """The source answered, but not with data we can read."""


class Source(Protocol):
    name: str
    min_interval: float  # seconds the refresh worker leaves between two fetches from this source

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series: ...


_SECRET_PATTERNS = (
    re.compile(r"(api_key=)[^&\s\"']+", re.IGNORECASE),
    re.compile(r"(x-cg-(?:demo|pro)-api-key['\"]?\s*[:=]\s*['\"]?)[^&\s\"',}]+", re.IGNORECASE),
)
_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so that no error message can ever repeat it."""
    if value and len(value) >= 4:
        _known_secrets.add(value)


def api_key_from(given: str | None, env_name: str) -> str | None:
    """The key to use: `given`, else the environment's `env_name`; blank means none. Registered as a
    secret, so that no error message can repeat it."""
    key = given if given is not None else os.environ.get(env_name)
    key = key.strip() if key and key.strip() else None
    register_secret(key)
    return key


def scrub_secrets(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    for secret in _known_secrets:
        text = text.replace(secret, "***")
    return text


def clean_series(values: pd.Series, *, source: str, symbol: str) -> pd.Series:
    """Coerce a parsed series into the contract's shape, or raise BadPayload.

    Dates become tz-naive midnight timestamps, values floats; missing values are dropped and for a
    repeated date the last observation wins (sources append late corrections at the end).
    """
    if not isinstance(values, pd.Series):
        raise BadPayload(source, symbol, "expected a series of values")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(values.index))
    except (ValueError, TypeError) as exc:
        raise BadPayload(source, symbol, f"unreadable dates ({exc})") from None
    if index.tz is not None:
        index = index.tz_localize(None)  # keep the local calendar date of each observation
    numbers = pd.to_numeric(pd.Series(values.to_numpy(), index=index.normalize()), errors="coerce")
    numbers = numbers.astype("float64")
    numbers = numbers[np.isfinite(numbers.to_numpy()) & numbers.index.notna()]
    numbers = numbers[~numbers.index.duplicated(keep="last")].sort_index()
    if numbers.empty:
        raise BadPayload(source, symbol, "the answer held no observations")
    numbers.index.name = "date"
    numbers.name = symbol
    return numbers


# ---------------------------------------------------------------------------------------------
# Parsing helpers shared by the source parsers and the CSV importers. Strict on purpose: a value
# that is neither a number nor a known "missing" marker means the payload is not what we think,
# and silently dropping it would hide that.

MISSING_TOKENS = frozenset({"", ".", "nan", "null", "none", "na", "n/a", "#n/a"})
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$"
)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a data payload at all (empty, binary, ZIP, HTML, JSON), or None."""
    head = text[:512].lstrip("\ufeff \t\r\n")
    if not head:
        return "the answer was empty"
    if head.startswith("PK\x03\x04"):
        return "a ZIP archive came back instead of a CSV"
    if "\x00" in text[:65536]:
        return "binary data came back instead of text"
    lowered = head[:100].lower()
    if lowered.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in lowered:
        return "an HTML page came back instead of data"
    if lowered.startswith("<"):
        return "XML came back instead of CSV"
    if lowered.startswith(("{", "[")):
        return "JSON came back instead of CSV"
    return None


def csv_rows(text: str, *, source: str, symbol: str) -> list[list[str]]:
    """The non-blank rows of a CSV text, cells stripped; BadPayload for anything that is not CSV."""
    import csv
    import io

    problem = text_problem(text)
    if problem:
        raise BadPayload(source, symbol, problem)
    try:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise BadPayload(source, symbol, f"unreadable CSV ({exc})") from None
    if not rows:
        raise BadPayload(source, symbol, "the answer was empty")
    return rows


def parse_numbers(raw, *, source: str, symbol: str) -> np.ndarray:
    """Floats from CSV cells: numbers as written (exactly: `float(repr(x)) == x`), the usual missing
    markers ("", ".", "null", "NaN", ...) as NaN; any other text is BadPayload."""
    out = np.empty(len(raw), dtype="float64")
    for i, cell in enumerate(raw):
        if cell is None:
            out[i] = np.nan
        elif isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
            out[i] = float(cell)
        else:
            text = str(cell).strip()
            if text.lower() in MISSING_TOKENS:
                out[i] = np.nan
            elif _NUMBER.match(text):
                out[i] = float(text)
            else:
                shown = text if len(text) <= 24 else text[:24] + "..."
                raise BadPayload(source, symbol, f"non-numeric value {shown!r} in data row {i + 1}")
    return out


def parse_dates(raw, *, source: str, symbol: str) -> pd.DatetimeIndex:
    """Calendar dates from CSV cells: ISO dates (an optional time and UTC offset are ignored, so
    the date is the one written, in the writer's own time zone) or US MM/DD/YYYY."""
    iso: list[str] = []
    for i, cell in enumerate(raw):
        text = str(cell).strip()
        match = _ISO_DATE.match(text)
        if match:
            iso.append(match.group(1))
            continue
        match = _US_DATE.match(text)
        if match:
            month, day, year = match.groups()
            iso.append(f"{year}-{int(month):02d}-{int(day):02d}")
            continue
        shown = text if len(text) <= 24 else text[:24] + "..."
        raise BadPayload(source, symbol, f"unreadable date {shown!r} in data row {i + 1}")
    # No market or macro series starts before 1800; year 0 and its like are garbage (and SQLite's
    # date handling cannot store them faithfully).
    ancient = next((d for d in iso if d[:4] < "1800"), None)
    if ancient is not None:
        raise BadPayload(source, symbol, f"impossible date {ancient!r} (before 1800)")
    try:
        return pd.DatetimeIndex(pd.to_datetime(iso, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        # pandas' message gives its own advice ("passing format='ISO8601'..."): name the row instead.
        row = next(i for i, d in enumerate(iso) if not _real_day(d))
        shown = str(raw[row]).strip()[:24]
        reason = f"impossible date {shown!r} in data row {row + 1} (no such day)"
        raise BadPayload(source, symbol, reason) from None


def _real_day(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def series_from_table(
    body: list[list[str]],
    *,
    width: int,
    value_column: int,
    source: str,
    symbol: str,
    start: date | None = None,
) -> pd.Series:
    """The data rows of a CSV (dates in the first column) as a series; every row must have
    `width` cells, or the payload was cut short."""
    if not body:
        raise BadPayload(source, symbol, "the answer held no observations")
    if any(len(row) != width for row in body):
        raise BadPayload(source, symbol, f"rows with other than {width} columns (truncated?)")
    dates = [row[0] for row in body]
    return series_from_cells(
        dates, [row[value_column] for row in body], source=source, symbol=symbol, start=start
    )


def series_from_cells(dates, values, *, source: str, symbol: str, start: date | None = None) -> pd.Series:
    """Parse date and value cells strictly, keep dates >= start, and clean to the contract."""
    index = parse_dates(dates, source=source, symbol=symbol)
    numbers = pd.Series(parse_numbers(values, source=source, symbol=symbol), index=index)
    if start is not None:
        numbers = numbers[numbers.index >= pd.Timestamp(start)]
        if numbers.isna().all():
            raise BadPayload(source, symbol, f"no observations on or after {start:%Y-%m-%d}")
    return clean_series(numbers, source=source, symbol=symbol)
