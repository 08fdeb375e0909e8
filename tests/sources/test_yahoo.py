"""Yahoo through yfinance: frames in yfinance's real shapes, and its swallowed errors."""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd
import pytest
import yfinance
from yfinance.exceptions import YFPricesMissingError, YFRateLimitError

from convex.sources.base import AccessDenied, BadPayload, RateLimited, SourceUnavailable, UnknownSymbol
from convex.sources.yahoo import YahooSource, classify_yahoo_error, parse_yahoo_csv, parse_yahoo_frame

from .conftest import make_client
from .helpers import assert_contract

PRICES = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]


def yf_frame(
    ticker="SPY",
    dates=("2024-01-02", "2024-01-03", "2024-01-04"),
    adj=(1.0, 2.0, 3.0),
    close=(10.0, 20.0, 30.0),
    tz=None,
    with_adj=True,
    flat=False,
) -> pd.DataFrame:
    """What yfinance.download(..., auto_adjust=False, multi_level_index=True) returns."""
    index = pd.DatetimeIndex(list(dates), name="Date")
    if tz:
        index = index.tz_localize(tz)
    data = {
        "Adj Close": list(adj),
        "Close": list(close),
        "High": list(close),
        "Low": list(close),
        "Open": list(close),
        "Volume": [100] * len(dates),
    }
    if not with_adj:
        data.pop("Adj Close")
    frame = pd.DataFrame(data, index=index)
    if not flat:
        frame.columns = pd.MultiIndex.from_product([list(frame.columns), [ticker]], names=["Price", "Ticker"])
    return frame


def empty_frame(ticker="SPY") -> pd.DataFrame:
    columns = pd.MultiIndex.from_product([PRICES, [ticker]], names=["Price", "Ticker"])
    return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="Date"))


class FakeDownload:
    """Stands in for yfinance.download: returns frames and reports errors the way yfinance 1.x does
    (an empty frame, the reason logged on the "yfinance" logger)."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, ticker, **kwargs):
        self.calls.append((ticker, kwargs))
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(outcome, str):  # an error yfinance would log
            logger = logging.getLogger("yfinance")
            logger.error("\n1 Failed download:")
            logger.error(f"['{ticker}']: {outcome}")
            return empty_frame(ticker)
        return outcome


@pytest.fixture
def fake(monkeypatch):
    def install(*outcomes):
        download = FakeDownload(*outcomes)
        monkeypatch.setattr(yfinance, "download", download)
        return download

    return install


@pytest.fixture
def source(http):
    return YahooSource(http=http, timeout=5)


# ------------------------------------------------------------------ frames


def test_adj_close_is_preferred(fake, source):
    download = fake(yf_frame())
    series = source.fetch("spy", date(2024, 1, 1))
    assert_contract(series)
    assert list(series) == [1.0, 2.0, 3.0] and series.name == "SPY"
    ticker, kwargs = download.calls[0]
    assert ticker == "SPY"
    assert kwargs == {
        "start": "2024-01-01",
        "auto_adjust": False,
        "actions": False,
        "progress": False,
        "threads": False,
        "timeout": 5,
        "multi_level_index": True,
    }


def test_without_start_asks_for_all_history(fake, source):
    download = fake(yf_frame())
    source.fetch("SPY")
    assert download.calls[0][1]["period"] == "max" and "start" not in download.calls[0][1]


def test_close_when_adj_close_is_absent(fake, source):
    fake(yf_frame(with_adj=False))
    assert list(source.fetch("SPY")) == [10.0, 20.0, 30.0]


def test_flat_columns(fake, source):
    fake(yf_frame(flat=True))
    assert list(source.fetch("SPY")) == [1.0, 2.0, 3.0]


def test_ticker_level_first_and_other_tickers():
    frame = pd.concat([yf_frame("QQQ", adj=(7.0, 8.0, 9.0)), yf_frame("SPY")], axis=1).swaplevel(0, 1, axis=1)
    assert list(parse_yahoo_frame(frame, "SPY")) == [1.0, 2.0, 3.0]
    with pytest.raises(BadPayload, match="other tickers"):
        parse_yahoo_frame(frame, "IEF")


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Tokyo", "UTC"])
def test_tz_aware_index_keeps_the_exchange_date(fake, source, tz):
    fake(yf_frame(tz=tz))
    series = source.fetch("SPY")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert series.index.tz is None


def test_missing_duplicate_and_unsorted_rows(fake, source):
    frame = yf_frame(
        dates=("2024-01-04", "2024-01-02", "2024-01-03", "2024-01-04"),
        adj=(3.0, 1.0, np.nan, 3.5),
        close=(1, 1, 1, 1),
    )
    fake(frame)
    series = source.fetch("SPY")
    assert_contract(series)
    assert series.to_dict() == {pd.Timestamp("2024-01-02"): 1.0, pd.Timestamp("2024-01-04"): 3.5}


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')", RateLimited),
        ("possibly delisted; no price data found  (1d 1926-01-01 -> 2024-01-01)", UnknownSymbol),
        ("YFPricesMissingError('$XYZ: No data found, symbol may be delisted')", UnknownSymbol),
        # What Yahoo also answers when it blocks or cannot be reached: not proof of a delisting.
        ("YFTzMissingError('$XYZ: possibly delisted; no timezone found')", SourceUnavailable),
        ("HTTP Error 404: Quote not found for symbol: XYZ", UnknownSymbol),
        (
            "Failed to perform, curl: (28) Operation timed out after 10002 milliseconds with 0 bytes",
            SourceUnavailable,
        ),
        (
            "Failed to perform, curl: (7) Failed to connect to query2.finance.yahoo.com port 443",
            SourceUnavailable,
        ),
        ("Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com", SourceUnavailable),
        (
            "HTTPError('500 Server Error: Internal Server Error for url: https://query2.finance.yahoo.com/x')",
            SourceUnavailable,
        ),
        ("HTTPError('401 Client Error: Unauthorized')  Invalid Crumb", AccessDenied),
        ("JSONDecodeError('Expecting value: line 1 column 1 (char 0)')", BadPayload),
        ("something nobody has seen before", SourceUnavailable),
    ],
)
def test_classify_yahoo_error(text, error):
    err = classify_yahoo_error(f"['XYZ']: {text}", "XYZ", resolves=lambda: True)
    assert type(err) is error
    assert str(err).startswith("yahoo: XYZ: ") and "['XYZ']" not in str(err)


def test_logged_rate_limit_is_retried_then_succeeds(fake, source, sleeps):
    download = fake("YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')", yf_frame())
    assert len(source.fetch("SPY")) == 3
    assert len(download.calls) == 2 and len(sleeps) == 1


def test_logged_rate_limit_gives_up_at_the_limit(fake, sleeps):
    download = fake("YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')")
    with pytest.raises(RateLimited, match="yahoo: SPY: rate limited"):
        YahooSource(http=make_client(sleeps, attempts=4)).fetch("SPY")
    assert len(download.calls) == 4


def test_logged_delisting_is_unknown_and_not_retried(fake, source, sleeps):
    download = fake("possibly delisted; no price data found  (period=max)")
    with pytest.raises(UnknownSymbol):
        source.fetch("ZZZZZZ")
    assert len(download.calls) == 1 and sleeps == []


def test_errors_logged_for_another_ticker_are_ignored(monkeypatch, source):
    def download(ticker, **kwargs):
        logging.getLogger("yfinance").error("['QQQ']: YFRateLimitError('Too Many Requests.')")
        return yf_frame(ticker)

    monkeypatch.setattr(yfinance, "download", download)
    assert len(source.fetch("SPY")) == 3


def test_legacy_shared_errors_are_read(source, monkeypatch):
    from yfinance import shared

    def download(ticker, **kwargs):
        shared._ERRORS[ticker] = f"YFPricesMissingError('${ticker}: No data found, symbol may be delisted')"
        return empty_frame(ticker)

    monkeypatch.setattr(yfinance, "download", download)
    monkeypatch.setattr(shared, "_ERRORS", {})
    with pytest.raises(UnknownSymbol):
        source.fetch("XYZ")


def test_an_exception_escaping_yfinance_is_typed(fake, source):
    fake(ConnectionError("Connection aborted."))
    with pytest.raises(SourceUnavailable):
        source.fetch("SPY")


def test_empty_frame_without_a_reason_is_bad_payload(fake, source, sleeps):
    fake(empty_frame())
    with pytest.raises(BadPayload, match="no rows"):
        source.fetch("SPY")
    assert sleeps == []


def test_invalid_tickers_never_reach_yfinance(fake, source):
    download = fake(yf_frame())
    for bad in ["", "SPY QQQ", "SPY,QQQ", "A" * 30]:
        with pytest.raises(UnknownSymbol):
            source.fetch(bad)
    assert download.calls == []


def test_real_yfinance_download_plumbing_is_classified(monkeypatch, source, sleeps):
    """The real yfinance.download (no network: Ticker.history is patched) swallows the error;
    we still get a typed, retried RateLimited from its log."""
    calls = []

    def rate_limited(self, *args, **kwargs):
        calls.append(self.ticker)
        raise YFRateLimitError()

    monkeypatch.setattr(yfinance.Ticker, "history", rate_limited)
    with pytest.raises(RateLimited):
        source.fetch("SPY", date(2024, 1, 1))
    assert calls == ["SPY"] * 3 and len(sleeps) == 2

    def missing(self, *args, **kwargs):
        raise YFPricesMissingError(self.ticker, "", yahoo_reason="No data found, symbol may be delisted")

    monkeypatch.setattr(yfinance.Ticker, "history", missing)
    with pytest.raises(UnknownSymbol, match="symbol may be delisted"):
        source.fetch("ZZZZZZ")


# ------------------------------------------------------------------ CSV layouts


def test_parse_yahoo_csv_multiindex_with_adj_close():
    text = (
        "Price,Adj Close,Close,High,Low,Open,Volume\n"
        "Ticker,TLT,TLT,TLT,TLT,TLT,TLT\n"
        "Date,,,,,,\n"
        "2010-01-04,58.250396728515625,89.80999755859375,90.0999984741211,89.58000183105469,89.83999633789062,2829100\n"
    )
    series = parse_yahoo_csv(text)
    assert series.iloc[0] == 58.250396728515625 and series.name == "TLT"
