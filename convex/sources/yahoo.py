"""Yahoo Finance through yfinance, and the CSV layouts yfinance and Yahoo write.

yfinance does not raise: a failed download is an empty frame, and the reason is only logged
(yfinance 1.x logs "['SPY']: YFRateLimitError(...)" on the "yfinance" logger; older versions
also kept it in `yfinance.shared._ERRORS`). We read both to give a typed error.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import warnings
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from .base import (
    AccessDenied,
    BadPayload,
    RateLimited,
    SourceError,
    SourceUnavailable,
    UnknownSymbol,
    clean_series,
    csv_rows,
    no_network,
    parse_numbers,
    series_from_table,
)
from .http import HttpClient

NAME = "yahoo"
# What an observation's date means, in the store's convention (the day whose close it is).
TIMESTAMP = "the trading day whose close it is, on the exchange's own calendar (New York for US listings)"
# The host yfinance downloads from: when Yahoo's answer is ambiguous, whether it resolves tells
# "no network" from "Yahoo blocked us".
HOST = "query2.finance.yahoo.com"
_TICKER = re.compile(r"^[A-Z0-9^=._-]{1,24}$")
PRICE_COLUMNS = ("Adj Close", "Close")

# yfinance error text -> typed error; the first group that matches wins (order matters: a rate
# limit is often reported along with a misleading "possibly delisted").
_RATE = re.compile(r"too many requests|rate.?limit|\b429\b", re.IGNORECASE)
_UNRESOLVED = re.compile(r"could not resolve|name or service not known|getaddrinfo", re.IGNORECASE)
_NETWORK = re.compile(
    r"timed? ?out|timeout|connection|could not resolve|failed to connect|couldn't connect|network|ssl"
    r"|transfer closed|recv failure|reset by peer",
    re.IGNORECASE,
)
_SERVER = re.compile(r"\b50[0234]\b|internal server error|service unavailable|bad gateway", re.IGNORECASE)
_DENIED = re.compile(r"\b40[13]\b|unauthori[sz]ed|forbidden|invalid crumb|invalid cookie", re.IGNORECASE)
_UNKNOWN = re.compile(
    r"delisted|not found|no data found|no price data|no timezone|\b404\b|quote not found|doesn't exist"
    r"|does not exist",
    re.IGNORECASE,
)
_NO_TIMEZONE = re.compile(r"no timezone", re.IGNORECASE)
_GARBLED = re.compile(r"expecting value|jsondecode|unterminated|decode|unexpected character", re.IGNORECASE)


def host_resolves(host: str = HOST) -> bool:
    """Whether the host name resolves (a DNS lookup, no connection)."""
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def classify_yahoo_error(
    text: str, symbol: str, *, resolves: Callable[[], bool] = host_resolves
) -> SourceError:
    """The typed error a yfinance error text stands for. `resolves` is asked only when the text
    cannot tell a dead network from a refusal."""
    detail = " ".join(str(text).replace("\\'", "'").split())  # repr() escapes quotes: "doesn\'t"
    detail = re.sub(r"^\[[^\]]*\]:\s*", "", detail)[:200]  # drop yfinance's "['SPY']: " prefix
    if _RATE.search(detail):
        return RateLimited(NAME, symbol, f"rate limited by Yahoo ({detail})")
    if _UNRESOLVED.search(detail):
        return no_network(NAME, symbol)
    if _NETWORK.search(detail):
        return SourceUnavailable(NAME, symbol, f"network failure ({detail})")
    if _SERVER.search(detail):
        return SourceUnavailable(NAME, symbol, f"Yahoo server error ({detail})")
    if _DENIED.search(detail):
        return AccessDenied(NAME, symbol, f"Yahoo refused the request ({detail})")
    if _NO_TIMEZONE.search(detail):
        # Yahoo's answer to a blocked or unreachable client looks exactly like a delisting; with
        # no network at all yfinance says only this, so the host name settles it.
        if not resolves():
            return no_network(NAME, symbol)
        return SourceUnavailable(
            NAME,
            symbol,
            "Yahoo returned no prices and no time zone: it is unreachable or rate-limiting, "
            "or the ticker is delisted",
        )
    if _UNKNOWN.search(detail):
        return UnknownSymbol(NAME, symbol, f"Yahoo has no data for this ticker ({detail})")
    if _GARBLED.search(detail):
        return BadPayload(NAME, symbol, f"unreadable answer from Yahoo ({detail})")
    return SourceUnavailable(NAME, symbol, f"download failed ({detail})")


def parse_yahoo_frame(frame, symbol: str, start: date | None = None) -> pd.Series:
    """A `yfinance.download` frame -> Adj Close (else Close) as a clean series.

    Handles (Price, Ticker) MultiIndex columns in either level order and flat columns; a
    tz-aware index keeps its local (exchange) date.
    """
    if not isinstance(frame, pd.DataFrame):
        raise BadPayload(NAME, symbol, "yfinance returned no table")
    if frame.empty:
        raise BadPayload(NAME, symbol, "no rows")
    flat = _flatten(frame, symbol)
    column = next((c for c in PRICE_COLUMNS if c in flat.columns), None)
    if column is None:
        shown = ", ".join(map(str, flat.columns))[:80]
        raise BadPayload(NAME, symbol, f"no Adj Close or Close column (columns: {shown})")
    values = flat[column]
    if isinstance(values, pd.DataFrame):  # duplicated column names
        values = values.iloc[:, 0]
    index = flat.index
    if not isinstance(index, pd.DatetimeIndex):
        try:
            index = pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
        except (ValueError, TypeError):
            raise BadPayload(NAME, symbol, "the rows are not dated") from None
    if index.tz is not None:
        index = index.tz_localize(None)  # the exchange's own calendar date, not UTC's
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    else:
        numbers = parse_numbers(values.tolist(), source=NAME, symbol=symbol)
    series = pd.Series(numbers, index=index)
    if start is not None:
        series = series[series.index >= pd.Timestamp(start)]
    return clean_series(series, source=NAME, symbol=symbol)


def _flatten(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    columns = frame.columns
    if not isinstance(columns, pd.MultiIndex):
        return frame
    price_level = next(
        (
            lvl
            for lvl in range(columns.nlevels)
            if set(map(str, columns.get_level_values(lvl))) & set(PRICE_COLUMNS)
        ),
        None,
    )
    if price_level is None:
        raise BadPayload(NAME, symbol, "no Adj Close or Close column")
    if columns.nlevels == 1:
        return frame.droplevel(0, axis=1)
    ticker_level = 1 - price_level if columns.nlevels == 2 else None
    if ticker_level is None:
        raise BadPayload(NAME, symbol, f"unexpected column levels ({columns.nlevels})")
    tickers = list(dict.fromkeys(map(str, columns.get_level_values(ticker_level))))
    wanted = next((t for t in tickers if t.upper() == symbol.upper()), None)
    if wanted is None:
        if len(tickers) != 1:
            raise BadPayload(NAME, symbol, "the answer holds other tickers only")
        wanted = tickers[0]
    return frame.xs(wanted, axis=1, level=ticker_level)


# ---------------------------------------------------------------------------------------------
# CSV files written by yfinance or downloaded from Yahoo


def yahoo_csv_header(rows: list[list[str]]) -> tuple[str, list[str], str | None, int] | None:
    """(layout, value columns, ticker, first data row) for the Yahoo CSV layouts, else None.

    Layouts: "yahoo_multiindex" (yfinance >= 0.2.5x: Price/Ticker/Date header rows),
    "yahoo_multiindex_malformed" (repeated Ticker rows and a first column called "Price" that
    really is Adj Close), "yahoo_classic" (Date,Open,High,Low,Close,Adj Close,Volume),
    "yahoo_close" (Date,Close[,Volume]) and "yahoo_flat" (Date,Close,High,Low,Open,Volume).
    """
    if not rows or not rows[0]:
        return None
    first = rows[0]
    if first[0] == "Price" and len(rows) > 1 and rows[1] and rows[1][0] == "Ticker":
        i = 1
        while i < len(rows) and rows[i] and rows[i][0] == "Ticker":
            i += 1
        ticker_rows = i - 1
        if i < len(rows) and rows[i] and rows[i][0].lower() in ("date", "datetime") and not any(rows[i][1:]):
            i += 1
        columns = first[1:]
        malformed = ticker_rows > 1 or "Price" in columns
        columns = ["Adj Close" if c == "Price" else c for c in columns]
        ticker = rows[1][1] if len(rows[1]) > 1 and rows[1][1] else None
        return ("yahoo_multiindex_malformed" if malformed else "yahoo_multiindex", columns, ticker, i)
    lowered = [c.lower() for c in first]
    if lowered[0] in ("date", "datetime") and ({"close", "adj close"} & set(lowered[1:])):
        if "adj close" in lowered:
            layout = "yahoo_classic"
        elif lowered[1:] in (["close"], ["close", "volume"]):
            layout = "yahoo_close"
        else:
            layout = "yahoo_flat"
        return (layout, first[1:], None, 1)
    return None


def parse_yahoo_csv(text: str, symbol: str | None = None, start: date | None = None) -> pd.Series:
    """Any of the Yahoo CSV layouts (see `yahoo_csv_header`) -> Adj Close, else Close."""
    who = symbol or "?"
    rows = csv_rows(text, source=NAME, symbol=who)
    header = yahoo_csv_header(rows)
    if header is None:
        raise BadPayload(NAME, who, "expected a Yahoo CSV (a Date column and a Close or Adj Close column)")
    _layout, columns, ticker, first_row = header
    lowered = [c.lower() for c in columns]
    if "adj close" in lowered:
        column = lowered.index("adj close")
    elif "close" in lowered:
        column = lowered.index("close")
    else:
        raise BadPayload(NAME, who, "no Adj Close or Close column")
    return series_from_table(
        rows[first_row:],
        width=len(columns) + 1,
        value_column=column + 1,
        source=NAME,
        symbol=symbol or ticker or who,
        start=start,
    )


# ---------------------------------------------------------------------------------------------


class _ErrorCapture(logging.Handler):
    """Collects yfinance's ERROR records emitted from one thread (download with threads=False)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            with contextlib.suppress(Exception):  # a malformed record must not break the download
                self.messages.append(record.getMessage())


class YahooSource:
    """Yahoo tickers (SPY, ^VIX, BTC-USD, DX-Y.NYB) through yfinance: Adj Close, else Close.
    `download` replaces yfinance.download (looked up at call time otherwise)."""

    name = NAME
    # The refresh worker's spacing between two fetches: Yahoo rate-limits bursts (429, empty frames).
    min_interval = 1.0

    def __init__(
        self,
        http: HttpClient | None = None,
        *,
        timeout: float | None = None,
        download: Callable[..., pd.DataFrame] | None = None,
        resolves: Callable[[], bool] = host_resolves,
    ):
        # yfinance has its own session (curl_cffi): from HttpClient only the timeout and the
        # retry policy (attempts, backoff, sleep) are used.
        self.http = http or HttpClient()
        self.timeout = timeout if timeout is not None else self.http.timeout
        self._download = download
        self._resolves = resolves

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        ticker = (symbol or "").strip().upper()
        if not _TICKER.match(ticker):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a Yahoo ticker")
        frame = self.http.retrying()(self._download_once, ticker, start)
        return parse_yahoo_frame(frame, ticker, start)

    def _download_once(self, ticker: str, start: date | None) -> pd.DataFrame:
        import yfinance

        try:
            from yfinance import shared as yf_shared
        except ImportError:  # pragma: no cover - yfinance without the legacy module
            yf_shared = None
        legacy_errors = getattr(yf_shared, "_ERRORS", None)
        if isinstance(legacy_errors, dict):
            legacy_errors.pop(ticker, None)

        download = self._download or yfinance.download
        when = {"start": f"{start:%Y-%m-%d}"} if start is not None else {"period": "max"}
        capture = _ErrorCapture()
        logger = logging.getLogger("yfinance")
        logger.addHandler(capture)
        try:
            with warnings.catch_warnings():
                # yfinance trips pandas deprecation warnings that say nothing about our data.
                warnings.simplefilter("ignore", category=Warning)
                frame = download(
                    ticker,
                    **when,
                    auto_adjust=False,
                    actions=False,
                    progress=False,
                    threads=False,
                    timeout=self.timeout,
                    multi_level_index=True,
                )
        except SourceError:
            raise
        except Exception as exc:  # yfinance normally swallows errors; some escape anyway
            text = f"{type(exc).__name__}: {exc}"
            raise classify_yahoo_error(text, ticker, resolves=self._resolves) from None
        finally:
            logger.removeHandler(capture)

        errors = [m for m in capture.messages if ticker in m.upper()]
        if isinstance(legacy_errors, dict) and legacy_errors.get(ticker):
            errors.append(str(legacy_errors[ticker]))
        has_rows = isinstance(frame, pd.DataFrame) and not frame.dropna(how="all").empty
        if has_rows:
            return frame
        if errors:
            raise classify_yahoo_error(errors[-1], ticker, resolves=self._resolves)
        if frame is None or (isinstance(frame, pd.DataFrame) and frame.empty):
            raise BadPayload(NAME, ticker, "no rows (and yfinance gave no reason)")
        return frame  # rows that are all empty: parse_yahoo_frame says so
