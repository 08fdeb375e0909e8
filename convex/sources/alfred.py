"""ALFRED (FRED's archive of vintages): the formats it answers in, and fetching vintages.

- With a key, the FRED API's `series/observations` over the whole real-time period
  (`realtime_start=1776-07-04`, `realtime_end=9999-12-31`, JSON) gives every release with its period,
  `realtime_end` included (fredapi's `get_series_all_releases` drops it). FRED refuses a request
  spanning more than 2,000 vintage dates ("This exceeds the maximum number of vintage dates allowed
  (2000)"), as most daily series do over their whole history: those are fetched in chunks of at most
  2,000 vintage dates (`series/vintagedates` lists them) and stitched back into one table.
- Without a key, `alfredgraph.csv?id=SERIES&vintage_date=YYYY-MM-DD` serves one vintage, under the
  header `SERIES_YYYYMMDD`. For a day that is not a vintage it answers 200 with the latest vintage
  instead: the header's day is checked against the day asked, and such an answer is refused.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from .base import BadPayload, SourceError, csv_rows, parse_dates, parse_numbers, text_problem
from .vintages import (
    EARLIEST_START,
    OPEN_END,
    UNITS_SUFFIXES,
    clean_vintages,
    empty_table,
    from_all_releases,
    from_snapshots,
    parse_fred_vintages_json,
    stitch,
    vintage_column,
)

NAME = "fred"
ALFRED_CSV_URL = "https://alfred.stlouisfed.org/graph/alfredgraph.csv"
# FRED's limit on the vintage dates one request may span, and its refusal's wording.
MAX_VINTAGES_PER_REQUEST = 2000
_TOO_MANY_VINTAGES = re.compile(r"maximum number of vintage dates allowed", re.IGNORECASE)
# The FRED API's largest page of observations; a bigger result comes in pages (offset).
PAGE_LIMIT = 100_000
MAX_PAGES = 40
DATE_HEADERS = ("observation_date", "DATE", "date")
RELEASES_COLUMNS = {"date", "realtime_start", "value"}


def too_many_vintages(error: SourceError) -> bool:
    """Whether FRED refused a request for spanning more than 2,000 vintage dates."""
    return bool(_TOO_MANY_VINTAGES.search(error.reason))


# ---------------------------------------------------------------------------- files and answers


def parse_alfred_csv(
    text: str, symbol: str | None = None, *, source: str = NAME
) -> tuple[pd.DataFrame, str, str | None]:
    """ALFRED's vintage CSV (`observation_date,SERIES_20240213,...`, one column per vintage, "." for
    a value not published in that vintage) as (vintage table of kind "snapshots", series id, units
    suffix or None). With `symbol`, every column must be that series' (BadPayload otherwise)."""
    who = symbol or "?"
    rows = csv_rows(text, source=source, symbol=who)
    header = rows[0]
    columns = [vintage_column(cell) for cell in header[1:]]
    if header[0] not in DATE_HEADERS or not columns or any(c is None for c in columns):
        shown = ",".join(header)[:60]
        raise BadPayload(
            source, who, f"expected ALFRED's 'observation_date,SERIES_YYYYMMDD...' columns, got {shown!r}"
        )
    names = {(c[0].upper(), c[1]) for c in columns}
    if len(names) != 1:
        raise BadPayload(source, who, "the columns hold more than one series")
    series_id, units = next(iter(names))
    if symbol is not None and series_id != symbol.upper():
        raise BadPayload(source, who, f"the CSV holds series {series_id[:40]!r}, not {symbol!r}")
    days = [c[2] for c in columns]
    if len(set(days)) != len(days):
        raise BadPayload(source, who, "a vintage column appears twice")
    body = rows[1:]
    if not body:
        raise BadPayload(source, who, "the answer held no observations")
    if any(len(row) != len(header) for row in body):
        raise BadPayload(source, who, f"rows with other than {len(header)} columns (truncated?)")
    dates = parse_dates([row[0] for row in body], source=source, symbol=who)
    snapshots = {
        day: parse_numbers([row[i + 1] for row in body], source=source, symbol=who)
        for i, day in enumerate(days)
    }
    return from_snapshots(dates, snapshots, source=source, symbol=who), series_id, units


def parse_all_releases_csv(text: str, *, source: str = "file", symbol: str = "?") -> pd.DataFrame:
    """fredapi's `get_series_all_releases` written by pandas: the columns date, realtime_start and
    value in any order (realtime_end too, when a tool kept it), with or without pandas' index column."""
    rows = csv_rows(text, source=source, symbol=symbol)
    header = [cell.lower() for cell in rows[0]]
    skip = 1 if header and header[0] in ("", "index") else 0
    names = header[skip:]
    if set(names) - {"realtime_end"} != RELEASES_COLUMNS or len(set(names)) != len(names):
        raise BadPayload(source, symbol, "expected the columns date, realtime_start, value")
    body = rows[1:]
    if not body:
        raise BadPayload(source, symbol, "no vintage rows")
    if any(len(row) != len(header) for row in body):
        raise BadPayload(source, symbol, f"rows with other than {len(header)} columns (truncated?)")
    column = {name: [row[skip + i] for row in body] for i, name in enumerate(names)}
    if "realtime_end" not in column:
        return from_all_releases(
            column["date"], column["realtime_start"], column["value"], source=source, symbol=symbol
        )
    # A tool that kept realtime_end: its periods as given (9999-12-31 or blank: still in force).
    ends = ["1800-01-01" if c.strip() in ("", OPEN_END) else c for c in column["realtime_end"]]
    is_open = np.array([c.strip() in ("", OPEN_END) for c in column["realtime_end"]])
    table = pd.DataFrame(
        {
            "date": parse_dates(column["date"], source=source, symbol=symbol),
            "realtime_start": parse_dates(column["realtime_start"], source=source, symbol=symbol),
            "realtime_end": pd.DatetimeIndex(
                np.where(
                    is_open, np.datetime64("NaT"), parse_dates(ends, source=source, symbol=symbol).to_numpy()
                )
            ),
            "value": parse_numbers(column["value"], source=source, symbol=symbol),
        }
    )
    return clean_vintages(table, source=source, symbol=symbol)


# ---------------------------------------------------------------------------- fetching


def fetch_vintages(get_json, symbol: str, *, since: pd.Timestamp | None = None) -> tuple[pd.DataFrame, str]:
    """Every release of `symbol` with its real-time period, from `since` on (None: all of real time),
    through `get_json(endpoint, params)` (the FRED API, key added by the caller): the table and how it
    was fetched, in words. A refusal for more than 2,000 vintage dates is met by fetching in chunks."""
    start = EARLIEST_START if since is None else f"{pd.Timestamp(since):%Y-%m-%d}"
    try:
        return _observations(get_json, symbol, start, OPEN_END), "one request over the whole real-time period"
    except SourceError as exc:
        if not too_many_vintages(exc):
            raise
    days = _all_vintage_dates(get_json, symbol, start)
    if not days:
        raise BadPayload(NAME, symbol, "FRED refused the vintages as too many but lists no vintage dates")
    chunks = [days[i : i + MAX_VINTAGES_PER_REQUEST] for i in range(0, len(days), MAX_VINTAGES_PER_REQUEST)]
    table = empty_table()
    for k, chunk in enumerate(chunks):
        end = OPEN_END if k + 1 == len(chunks) else f"{chunks[k + 1][0] - pd.Timedelta(days=1):%Y-%m-%d}"
        part = _observations(get_json, symbol, f"{chunk[0]:%Y-%m-%d}", end)
        table = part if k == 0 else stitch(table, part, chunk[0])
    limit = MAX_VINTAGES_PER_REQUEST
    how = f"{len(days):,} vintage dates fetched in {len(chunks)} chunks of at most {limit:,}"
    return table, how


def _observations(get_json, symbol: str, start: str, end: str) -> pd.DataFrame:
    parts = []
    offset = 0
    for _ in range(MAX_PAGES):
        text = get_json(
            "series/observations",
            {"series_id": symbol, "realtime_start": start, "realtime_end": end, "limit": PAGE_LIMIT,
             "offset": offset},
        )  # fmt: skip
        table, count = parse_fred_vintages_json(text, symbol)
        parts.append(table)
        offset += PAGE_LIMIT
        if offset >= count or table.empty:
            break
    else:
        raise BadPayload(NAME, symbol, f"more than {MAX_PAGES} pages of vintages")
    table = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return table.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)


def _all_vintage_dates(get_json, symbol: str, start: str) -> list[pd.Timestamp]:
    """`series/vintagedates` from `start` on, in pages of FRED's largest (10,000)."""
    days: list[pd.Timestamp] = []
    for page in range(MAX_PAGES):
        params = {"series_id": symbol, "realtime_start": start, "limit": 10000, "offset": page * 10000}
        text = get_json("series/vintagedates", params)
        listed = vintage_dates(text, symbol)
        days += listed
        try:
            count = int(json.loads(text).get("count", len(days)))
        except (ValueError, TypeError):
            count = len(days)
        if len(days) >= count or not listed:
            return sorted(set(days))
    raise BadPayload(NAME, symbol, f"more than {MAX_PAGES} pages of vintage dates")


def vintage_dates(text: str, symbol: str) -> list[pd.Timestamp]:
    """The FRED API's `series/vintagedates` JSON as days."""
    try:
        listed = json.loads(text).get("vintage_dates")
    except (ValueError, AttributeError):
        raise BadPayload(NAME, symbol, "unreadable vintage dates from the FRED API") from None
    if not isinstance(listed, list):
        raise BadPayload(NAME, symbol, "the answer holds no vintage_dates list")
    return sorted(parse_dates(listed, source=NAME, symbol=symbol)) if listed else []


def one_vintage(text: str, symbol: str, day: pd.Timestamp) -> pd.DataFrame:
    """ALFRED's keyless answer for `symbol` on `day` as a one-vintage table; BadPayload when the
    header names another vintage (ALFRED answers a day without a vintage with its latest one)."""
    problem = text_problem(text)
    if problem:
        raise BadPayload(NAME, symbol, problem)
    header = text.lstrip("\ufeff").split("\n", 1)[0].strip().split(",")
    column = vintage_column(header[1]) if len(header) == 2 else None
    if column is None:
        raise BadPayload(NAME, symbol, "ALFRED's answer has no SERIES_YYYYMMDD column")
    if column[1] is not None:
        raise BadPayload(NAME, symbol, f"ALFRED answered in other units ({UNITS_SUFFIXES[column[1]]})")
    if column[2] != pd.Timestamp(day).normalize():
        raise NoSuchVintage(symbol, pd.Timestamp(day), column[2])
    table, _, _ = parse_alfred_csv(text, symbol)
    return table


class NoSuchVintage(BadPayload):
    """ALFRED has no vintage of the series on the day asked: it answered with another (its latest)."""

    def __init__(self, symbol: str, asked: pd.Timestamp, answered: pd.Timestamp):
        self.asked = asked
        self.answered = answered
        super().__init__(
            NAME, symbol,
            f"ALFRED has no vintage on {asked:%Y-%m-%d}: it answered with its vintage of {answered:%Y-%m-%d}",
        )  # fmt: skip
