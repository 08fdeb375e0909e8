"""FRED's release calendar through the API: the release a series belongs to (`series/release`) and
that release's dates in a window, future ones included (`release/dates` with
`include_release_dates_with_no_data=true`): when the next values of a series are due."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from .base import BadPayload, parse_dates

NAME = "fred"
MAX_DATES = 1000


@dataclass(frozen=True)
class Schedule:
    release_id: int
    name: str
    dates: tuple[pd.Timestamp, ...]


def _json(text: str, symbol: str, key: str) -> list:
    try:
        listed = json.loads(text).get(key)
    except (ValueError, AttributeError):
        raise BadPayload(NAME, symbol, "unreadable JSON from the FRED API") from None
    if not isinstance(listed, list):
        raise BadPayload(NAME, symbol, f"the answer holds no {key} list")
    return listed


def fetch_schedule(get_json, symbol: str, start: pd.Timestamp, end: pd.Timestamp) -> Schedule:
    """The release of `symbol` and its dates from `start` to `end`, through `get_json(endpoint,
    params)` (the FRED API, key added by the caller): two requests."""
    releases = _json(get_json("series/release", {"series_id": symbol}), symbol, "releases")
    try:
        release_id, name = int(releases[0]["id"]), str(releases[0]["name"])[:200]
    except (IndexError, KeyError, TypeError, ValueError):
        raise BadPayload(NAME, symbol, "the answer names no release") from None
    params = {
        "release_id": release_id, "realtime_start": f"{start:%Y-%m-%d}", "realtime_end": f"{end:%Y-%m-%d}",
        "include_release_dates_with_no_data": "true", "sort_order": "asc", "limit": MAX_DATES,
    }  # fmt: skip
    rows = _json(get_json("release/dates", params), symbol, "release_dates")
    try:
        cells = [row["date"] for row in rows]
    except (KeyError, TypeError):
        raise BadPayload(NAME, symbol, "a release date without its date") from None
    days = parse_dates(cells, source=NAME, symbol=symbol) if cells else pd.DatetimeIndex([])
    inside = sorted({d for d in days if start <= d <= end})
    return Schedule(release_id, name, tuple(inside))
