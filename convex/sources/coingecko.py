"""CoinGecko: daily USD prices from `/coins/{id}/market_chart`, and CoinGecko's CSV export."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

import numpy as np
import pandas as pd
import requests

from .base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    SourceError,
    UnknownSymbol,
    api_key_from,
    clean_series,
    csv_rows,
    parse_dates,
    parse_numbers,
    text_problem,
)
from .http import HttpClient, retry_after_seconds

NAME = "coingecko"
BASE_URL = "https://api.coingecko.com/api/v3"
KEYLESS_MAX_DAYS = 365  # keyless market_chart answers days > 365 with 401, error 10012
KEY_HEADER = "x-cg-demo-api-key"
_COIN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


# What an observation's date means, in the store's convention (the day whose close it is).
TIMESTAMP = (
    "close of the UTC day: CoinGecko's daily point is a 00:00 UTC snapshot, the close of the day "
    "before, and is dated that day"
)


_EARLIEST = pd.Timestamp("1800-01-01")
# A snapshot this close to midnight UTC is that midnight's: the close of the day that just ended.
SNAPSHOT_TOLERANCE = pd.Timedelta(hours=1)


def close_dates(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """UTC instants -> the UTC day whose value each stands for. The daily points are 00:00 UTC
    snapshots (a few at 00:05 or 23:30): each is the close of the day that just ended, so a
    point dated D is the close of D-1 (it matches Yahoo BTC-USD's close of D-1 to a median 0.2 %,
    against 0.96 % for D). Any other instant (the intraday "now" point) is a running price of its
    own day, which that day's close replaces."""
    midnight = (stamps + pd.Timedelta(hours=12)).normalize()
    snapshot = abs(stamps - midnight) <= SNAPSHOT_TOLERANCE
    return pd.DatetimeIndex(np.where(snapshot, midnight - pd.Timedelta(days=1), stamps.normalize()))


def parse_market_chart(payload: str | bytes | dict, coin: str, start: date | None = None) -> pd.Series:
    """`{"prices": [[ms, price], ...], ...}` -> a daily series of UTC-day closes (see close_dates);
    for a repeated day the last value wins (a close replaces that day's running price)."""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    if isinstance(payload, str):
        if payload.lstrip().startswith(("{", "[")):
            try:
                payload = json.loads(payload)
            except ValueError:
                raise BadPayload(NAME, coin, "unreadable JSON (truncated?)") from None
        else:
            raise BadPayload(NAME, coin, text_problem(payload) or "expected JSON with a 'prices' list")
    if not isinstance(payload, dict):
        raise BadPayload(NAME, coin, "expected a JSON object with a 'prices' list")
    if "prices" not in payload:
        error = _body_error(payload, coin, status=None, retry_after=None)
        raise error or BadPayload(NAME, coin, "the answer has no 'prices' list")
    prices = payload["prices"]
    if not isinstance(prices, list):
        raise BadPayload(NAME, coin, "'prices' is not a list")
    stamps = np.empty(len(prices), dtype="int64")
    values = np.empty(len(prices), dtype="float64")
    for i, point in enumerate(prices):
        if not (isinstance(point, list | tuple) and len(point) == 2) or not _is_number(point[0]):
            raise BadPayload(NAME, coin, f"price point {i + 1} is not [milliseconds, value]")
        stamps[i] = int(point[0])
        value = point[1]
        if value is None:
            values[i] = np.nan
        elif _is_number(value):
            values[i] = float(value)
        else:
            raise BadPayload(NAME, coin, f"non-numeric price in point {i + 1}")
    instants = pd.to_datetime(stamps, unit="ms", utc=True).tz_localize(None)
    if len(instants) and instants.min() < _EARLIEST:
        # As parse_dates: no market series starts before 1800; such a stamp is garbage.
        raise BadPayload(NAME, coin, "impossible date (before 1800)")
    order = np.argsort(instants.asi8, kind="stable")  # the latest instant of a day wins below
    series = pd.Series(values[order], index=close_dates(instants[order]))
    if start is not None:
        series = series[series.index >= pd.Timestamp(start)]
        if series.isna().all():
            raise BadPayload(NAME, coin, f"no observations on or after {start:%Y-%m-%d}")
    return clean_series(series, source=NAME, symbol=coin)


def parse_coingecko_csv(text: str, coin: str | None = None, start: date | None = None) -> pd.Series:
    """CoinGecko's CSV export: `snapped_at,price,market_cap,total_volume` with snapshots
    "2010-07-18 00:00:00 UTC", dated by the day they close (see close_dates)."""
    who = coin or "?"
    rows = csv_rows(text, source=NAME, symbol=who)
    header = [cell.lower() for cell in rows[0]]
    if not header or header[0] != "snapped_at" or "price" not in header:
        raise BadPayload(NAME, who, "expected the columns 'snapped_at,price,market_cap,total_volume'")
    column = header.index("price")
    body = rows[1:]
    if not body:
        raise BadPayload(NAME, who, "the answer held no observations")
    if any(len(row) != len(header) for row in body):
        raise BadPayload(NAME, who, f"rows with other than {len(header)} columns (truncated?)")
    cells = [row[0] for row in body]
    instants = parse_dates(cells, source=NAME, symbol=who) + pd.to_timedelta(
        [_seconds_into_day(cell) for cell in cells], unit="s"
    )
    values = parse_numbers([row[column] for row in body], source=NAME, symbol=who)
    order = np.argsort(instants.asi8, kind="stable")  # a day's latest snapshot wins
    dated = pd.Series(values[order], index=close_dates(instants[order]))
    if start is not None:
        dated = dated[dated.index >= pd.Timestamp(start)]
        if dated.isna().all():
            raise BadPayload(NAME, who, f"no observations on or after {start:%Y-%m-%d}")
    return clean_series(dated, source=NAME, symbol=who)


_TIME = re.compile(r"[ T](\d{2}):(\d{2})(?::(\d{2}))?")


def _seconds_into_day(cell: str) -> int:
    """The time of a snapshot stamp ("2010-07-18 00:00:00 UTC"); a bare date is the export's
    usual 00:00:00."""
    match = _TIME.search(cell)
    if not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return min(hours, 23) * 3600 + min(minutes, 59) * 60 + min(seconds, 59)


def coingecko_error(resp: requests.Response, coin: str) -> SourceError | None:
    try:
        body = resp.json()
    except ValueError:
        return None
    retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
    return _body_error(body, coin, status=resp.status_code, retry_after=retry_after)


def _body_error(body, coin: str, *, status: int | None, retry_after: float | None) -> SourceError | None:
    """CoinGecko's error bodies: `{"status": {"error_code": 429, ...}}`,
    `{"error": {"status": {"error_code": 10012, ...}}}`, `{"error": "coin not found"}`."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    info = body.get("status")
    if isinstance(error, dict):
        info = error.get("status", error)
    code = info.get("error_code") if isinstance(info, dict) else None
    if code == 429 or status == 429:
        return RateLimited(NAME, coin, "rate limited (HTTP 429)", retry_after=retry_after)
    if code == 10012:
        return AccessDenied(
            NAME,
            coin,
            f"keyless CoinGecko is limited to {KEYLESS_MAX_DAYS} days of history "
            "(and so is the demo plan); the request asked for more (error 10012)",
        )
    if isinstance(error, str) and "not found" in error.lower():
        return UnknownSymbol(NAME, coin, "CoinGecko has no coin with this id")
    if code in (401, 403, 10002, 10010, 10011):
        return AccessDenied(NAME, coin, f"CoinGecko refused the request (error {code}); check the API key")
    return None


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


class CoinGeckoSource:
    """Daily USD prices by CoinGecko coin id (bitcoin, ethereum). `api_key`: the argument, else
    COINGECKO_API_KEY (sent as a demo key); an empty string means keyless (365 days at most)."""

    name = NAME
    # The refresh worker's spacing between two fetches: keyless CoinGecko allows a few calls a minute.
    min_interval = 4.0

    def __init__(
        self,
        api_key: str | None = None,
        http: HttpClient | None = None,
        *,
        base_url: str = BASE_URL,
        today: Callable[[], date] = date.today,
    ):
        self.api_key = api_key_from(api_key, "COINGECKO_API_KEY")
        self.http = http or HttpClient()
        self.base_url = base_url.rstrip("/")
        self._today = today

    def days_for(self, start: date | None) -> str:
        """The `days` parameter: back to `start` (inclusive), or all history ("max") with a key;
        keyless requests are clamped to 365 days, the most CoinGecko serves without a key."""
        if not self.api_key:
            if start is None:
                return str(KEYLESS_MAX_DAYS)
            return str(min(KEYLESS_MAX_DAYS, max(1, (self._today() - start).days + 1)))
        if start is None:
            return "max"
        return str(max(1, (self._today() - start).days + 1))

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        coin = (symbol or "").strip().lower()
        if not _COIN_ID.match(coin):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a CoinGecko coin id")
        headers = {KEY_HEADER: self.api_key} if self.api_key else None
        resp = self.http.get(
            f"{self.base_url}/coins/{quote(coin, safe='')}/market_chart",
            params={"vs_currency": "usd", "days": self.days_for(start), "interval": "daily"},
            headers=headers,
            source=NAME,
            symbol=coin,
            error_hook=lambda r: coingecko_error(r, coin),
        )
        return parse_market_chart(resp.content, coin, start=start)
