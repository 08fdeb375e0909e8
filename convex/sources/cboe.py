"""CBOE daily index history: `{SYMBOL}_History.csv` from CBOE's CDN (VIX, VIX9D, VVIX, SKEW...)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pandas as pd

from .base import BadPayload, UnknownSymbol, csv_rows, series_from_table
from .http import HttpClient

NAME = "cboe"
# What an observation's date means, in the store's convention (the day whose close it is).
TIMESTAMP = "the trading day whose close it is (Cboe, Chicago)"
BASE_URL = "https://cdn.cboe.com/api/global/us_indices/daily_prices"
_SYMBOL = re.compile(r"^[A-Z0-9_]{1,20}$")


def cboe_symbol(symbol: str) -> str:
    """CBOE's own spelling: upper case, without Yahoo's caret (^VIX -> VIX)."""
    return (symbol or "").strip().lstrip("^").upper()


def parse_cboe_csv(text: str, symbol: str | None = None, start: date | None = None) -> pd.Series:
    """`DATE,OPEN,HIGH,LOW,CLOSE` (MM/DD/YYYY, 2 or 6 decimals) -> CLOSE; or a single value column
    (`DATE,VVIX`) -> that column. Rows before `start` are dropped."""
    who = symbol or "?"
    rows = csv_rows(text, source=NAME, symbol=who)
    header = [cell.upper() for cell in rows[0]]
    if not header or header[0] != "DATE":
        raise BadPayload(
            NAME, who, f"expected a CSV starting with DATE (DATE,OPEN,HIGH,LOW,CLOSE), got {_shown(rows[0])}"
        )
    if "CLOSE" in header:
        column = header.index("CLOSE")
    elif len(header) == 2:
        column = 1
    else:
        raise BadPayload(NAME, who, f"no CLOSE column in {_shown(rows[0])}")
    return series_from_table(
        rows[1:], width=len(header), value_column=column, source=NAME, symbol=who, start=start
    )


class CboeSource:
    """CBOE index history by symbol (VIX, VIX9D, VVIX, SKEW; a leading "^" is dropped)."""

    name = NAME
    # The refresh worker's spacing between two fetches (one file per symbol from Cboe's CDN).
    min_interval = 1.0

    def __init__(self, http: HttpClient | None = None, *, base_url: str = BASE_URL):
        self.http = http or HttpClient()
        self.base_url = base_url.rstrip("/")

    def url(self, symbol: str) -> str:
        return f"{self.base_url}/{quote(cboe_symbol(symbol), safe='')}_History.csv"

    def fetch(self, symbol: str, start: date | None = None) -> pd.Series:
        code = cboe_symbol(symbol)
        if not _SYMBOL.match(code):
            raise UnknownSymbol(NAME, str(symbol)[:40], "not a CBOE index symbol")
        # 403 from CBOE's CDN -> AccessDenied, 404 -> UnknownSymbol: the generic mapping says it.
        resp = self.http.get(self.url(code), source=NAME, symbol=code)
        text = resp.content.decode("utf-8-sig", errors="replace")
        return parse_cboe_csv(text, code, start=start)


def _shown(header: list[str]) -> str:
    text = ",".join(header)
    return repr(text if len(text) <= 60 else text[:60] + "...")
