"""FRED: the API through fredapi when there is a key, the keyless CSV download otherwise.

Both modes share one rate limiter (FRED answers more than about 2 requests a second with 429).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime

import fredapi
import pandas as pd
import requests

from .alfred import ALFRED_CSV_URL, fetch_vintages, one_vintage
from .base import (
    AccessDenied,
    BadPayload,
    SourceError,
    UnknownSymbol,
    api_key_from,
    clean_series,
    csv_rows,
    series_from_table,
    text_problem,
)
from .fred_releases import Schedule, fetch_schedule
from .http import HttpClient, RateLimiter
from .vintages import first_releases as first_release_rows

NAME = "fred"
# What an observation's date means, in the store's convention (the day whose close it is).
TIMESTAMP = (
    "the observation date FRED gives: the day of a daily value, the Wednesday of the Fed's weekly "
    "levels, the first day of the month or quarter a monthly or quarterly value covers"
)
API_ROOT = "https://api.stlouisfed.org/fred"
CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"

# One limiter for the whole process: at most ~2 requests a second to FRED, whatever the mode.
FRED_LIMITER = RateLimiter(0.5)

# Header of the date column: current fredgraph.csv, older fredgraph.csv, fredapi saved by pandas.
DATE_HEADERS = ("observation_date", "DATE", "date")
_SERIES_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def parse_fred_csv(text: str, symbol: str | None = None, start: date | None = None) -> pd.Series:
    """A FRED CSV (`observation_date,ID`, `DATE,ID` or fredapi's `date,ID`) as a clean series.

    Missing values may be "" or "."; with `symbol` given, the value column must be that series.
    """
    who = symbol or "?"
    rows = csv_rows(text, source=NAME, symbol=who)
    header = rows[0]
    if len(header) != 2 or header[0] not in DATE_HEADERS:
        raise BadPayload(
            NAME, who, f"expected the columns 'observation_date,<ID>' or 'DATE,<ID>', got {_shown(header)}"
        )
    if symbol is not None and header[1].upper() != symbol.upper():
        raise BadPayload(NAME, who, f"the CSV holds series {header[1][:40]!r}, not {symbol!r}")
    return series_from_table(
        rows[1:], width=2, value_column=1, source=NAME, symbol=symbol or header[1], start=start
    )


def fred_error(resp: requests.Response, symbol: str) -> SourceError | None:
    """Read FRED's own error body (JSON or XML): unknown series, key problems, bad requests."""
    if resp.status_code == 429 or resp.status_code >= 500:
        return None  # the generic mapping makes these retryable
    message = _error_message(resp.text)
    if not message:
        return None
    lowered = message.lower()
    if "api_key" in lowered or "api key" in lowered:
        return AccessDenied(NAME, symbol, f"FRED refused the API key: {message}")
    if resp.status_code in (401, 403):
        return AccessDenied(NAME, symbol, f"FRED refused the request (HTTP {resp.status_code}): {message}")
    if "does not exist" in lowered:
        return UnknownSymbol(NAME, symbol, "FRED has no series with this id")
    return BadPayload(NAME, symbol, f"FRED rejected the request (HTTP {resp.status_code}): {message}")


def _error_message(body: str) -> str | None:
    body = body.strip()[:4000]
    if body.startswith("{"):
        try:
            message = json.loads(body).get("error_message")
        except (ValueError, AttributeError):
            return None
        return str(message)[:300] if message else None
    if body.startswith("<"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return None
        if root.tag == "error":
            return (root.get("message") or "")[:300] or None
    return None


class _ConvexFred(fredapi.Fred):
    """fredapi, with its one network call routed through our HttpClient (timeout, retries, limiter).

    The XML parsing stays fredapi's: only the private fetch is replaced.
    """

    def __init__(self, api_key: str, http: HttpClient, limiter: RateLimiter, root_url: str, symbol: str):
        super().__init__(api_key=api_key)
        self.root_url = root_url
        self._http = http
        self._limiter = limiter
        self._symbol = symbol

    def _parse(self, date_str, format="%Y-%m-%d"):
        # fredapi calls pd.to_datetime once per observation (2.5 s for DGS10's 16k rows);
        # strptime gives the same datetime ~100x faster.
        return datetime.strptime(date_str, format)

    def _Fred__fetch_data(self, url):  # overrides fredapi.Fred.__fetch_data (name-mangled)
        resp = self._http.get(
            url,
            params={"api_key": self.api_key},
            source=NAME,
            symbol=self._symbol,
            limiter=self._limiter,
            error_hook=lambda r: fred_error(r, self._symbol),
        )
        problem = text_problem(resp.content[:65536].decode("utf-8", errors="replace"))
        if problem and not problem.startswith("XML"):
            raise BadPayload(NAME, self._symbol, problem)
        try:
            return ET.fromstring(resp.content)
        except ET.ParseError:
            raise BadPayload(NAME, self._symbol, "unreadable XML from the FRED API (truncated?)") from None


class FredSource:
    """FRED series by id (WALCL, DGS10...). `api_key`: the argument, else FRED_API_KEY; an empty
    string means "no key" (the keyless CSV download). Both modes share FRED_LIMITER unless a
    limiter is injected."""

    name = NAME
    # The refresh worker's spacing between two fetches: FRED answers more than ~2 requests a second with 429.
    min_interval = 0.5

    def __init__(
        self,
        api_key: str | None = None,
        http: HttpClient | None = None,
        *,
        api_root: str = API_ROOT,
        csv_url: str = CSV_URL,
        alfred_url: str = ALFRED_CSV_URL,
        limiter: RateLimiter | None = None,
    ):
        self.api_key = api_key_from(api_key, "FRED_API_KEY")
        self.http = http or HttpClient()
        self.api_root = api_root.rstrip("/")
        self.csv_url = csv_url
        self.alfred_url = alfred_url
        self.limiter = limiter or FRED_LIMITER

    @property
    def mode(self) -> str:
        return "api" if self.api_key else "csv"

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        if not _SERIES_ID.match(symbol or ""):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a FRED series id")
        if self.api_key:
            return self._fetch_api(symbol, start)
        return self._fetch_csv(symbol, start)

    def _fetch_api(self, symbol: str, start: date | None) -> pd.Series:
        client = _ConvexFred(self.api_key, self.http, self.limiter, self.api_root, symbol)
        try:
            raw = client.get_series(symbol, observation_start=start)
        except SourceError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # fredapi met a value or date it cannot read (float("abc"), a missing attribute...).
            raise BadPayload(NAME, symbol, f"unreadable observations ({type(exc).__name__})") from None
        if start is not None and len(raw):
            raw = raw[pd.DatetimeIndex(raw.index) >= pd.Timestamp(start)]
        return clean_series(raw, source=NAME, symbol=symbol)

    def first_releases(self, symbol: str) -> pd.Series:
        """The day each observation of `symbol` was first published (ALFRED's first realtime_start
        per date), indexed by observation date, from its vintages (`vintages`). Needs the API key."""
        table, _ = self.vintages(symbol)
        if table.empty:
            raise BadPayload(NAME, symbol, "no vintages in the answer")
        return first_releases_in_reach(table)

    def vintages(self, symbol: str, since: pd.Timestamp | None = None) -> tuple[pd.DataFrame, str]:
        """Every release of `symbol` with its real-time period (alfred.fetch_vintages), from `since`
        on (None: all of real time), and how it was fetched. Needs the API key."""
        self._check(symbol, "vintages (ALFRED) need a FRED API key")
        return fetch_vintages(self._json_getter(symbol), symbol, since=since)

    def release_schedule(self, symbol: str, start: pd.Timestamp, end: pd.Timestamp) -> Schedule:
        """The release `symbol` belongs to and its dates from `start` to `end`, future ones included
        (fred_releases.fetch_schedule). Needs the API key."""
        self._check(symbol, "FRED's release calendar needs a FRED API key")
        return fetch_schedule(self._json_getter(symbol), symbol, pd.Timestamp(start), pd.Timestamp(end))

    def _json_getter(self, symbol: str):
        """get_json(endpoint, params): the FRED API's JSON answer as text, key added, through the
        limiter and FRED's own error bodies."""

        def get_json(endpoint: str, params: dict) -> str:
            resp = self.http.get(
                f"{self.api_root}/{endpoint}",
                params={**params, "api_key": self.api_key, "file_type": "json"},
                source=NAME,
                symbol=symbol,
                limiter=self.limiter,
                error_hook=lambda r: fred_error(r, symbol),
            )
            return resp.content.decode("utf-8", errors="replace")

        return get_json

    def vintage(self, symbol: str, day: pd.Timestamp) -> pd.DataFrame:
        """One vintage of `symbol`, keyless, from ALFRED's `alfredgraph.csv?id=..&vintage_date=..`: a
        one-vintage table; alfred.NoSuchVintage when ALFRED answers with another vintage (its latest)
        because it has none on `day`."""
        if not _SERIES_ID.match(symbol or ""):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a FRED series id")
        resp = self.http.get(
            self.alfred_url,
            params={"id": symbol, "vintage_date": f"{pd.Timestamp(day):%Y-%m-%d}"},
            source=NAME,
            symbol=symbol,
            limiter=self.limiter,
            error_hook=lambda r: fred_error(r, symbol),
        )
        return one_vintage(resp.content.decode("utf-8-sig", errors="replace"), symbol, pd.Timestamp(day))

    def _check(self, symbol: str, needs_key: str) -> None:
        if not self.api_key:
            raise AccessDenied(NAME, symbol, needs_key)
        if not _SERIES_ID.match(symbol or ""):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a FRED series id")

    def _fetch_csv(self, symbol: str, start: date | None) -> pd.Series:
        params = {"id": symbol}
        if start is not None:
            params["cosd"] = f"{start:%Y-%m-%d}"
        resp = self.http.get(
            self.csv_url,
            params=params,
            source=NAME,
            symbol=symbol,
            limiter=self.limiter,
            error_hook=lambda r: fred_error(r, symbol),
        )
        text = resp.content.decode("utf-8-sig", errors="replace")
        return parse_fred_csv(text, symbol, start=start)


def first_releases_in_reach(table: pd.DataFrame) -> pd.Series:
    """The first-release day of each date of a vintage table, but for the dates ALFRED cannot speak
    for: values older than its first vintage of the series all carry that vintage's date (when the
    archive began), not when they were published."""
    first = first_release_rows(table)["released"]
    first = pd.Series(
        pd.DatetimeIndex(first.to_numpy()).as_unit("us"),
        index=pd.DatetimeIndex(first.index).as_unit("us"),
        name="first_release",
    ).sort_index()
    earliest = first.min()
    archived_late = (first == earliest) & (first.index < earliest - pd.Timedelta(days=92))
    return first[~archived_late & (first >= first.index)]


def _shown(header: list[str]) -> str:
    text = ",".join(header)
    return repr(text if len(text) <= 60 else text[:60] + "...")
