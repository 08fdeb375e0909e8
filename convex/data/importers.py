"""CSV files in, one clean series out: FRED, Yahoo, CBOE and CoinGecko layouts, or date,value; and
vintage files (fredapi's all releases, ALFRED's vintage columns), whose series is the latest vintage
and whose vintages come along (`ImportedSeries.vintages`).

The layout is recognised from the header; parsing reuses the sources' own parse functions, so an
imported file obeys the same contract as a live fetch (float values, sorted unique tz-naive daily
index, missing values dropped). Anything unreadable is an `UnreadableFile` that says what was
expected, never a pandas traceback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from convex.sources.alfred import RELEASES_COLUMNS, parse_alfred_csv, parse_all_releases_csv
from convex.sources.base import SourceError, clean_series, csv_rows, series_from_table, text_problem
from convex.sources.cboe import parse_cboe_csv
from convex.sources.coingecko import parse_coingecko_csv
from convex.sources.fred import parse_fred_csv
from convex.sources.vintages import UNITS_SUFFIXES, latest, vintage_column
from convex.sources.yahoo import parse_yahoo_csv, yahoo_csv_header

MAX_FILE_BYTES = 50 * 1024 * 1024  # the largest real history (S&P 500 since 1927) is under 1 MB
MAX_LINE_CHARS = 10_000  # a data row is ~100 characters; a longer line is not one of our layouts
# ALFRED's vintage CSV has a column per vintage: 20,000 vintages of ~10 characters.
MAX_VINTAGE_LINE_CHARS = 200_000
_HEAD_LINES = 8
# Larger values are no market or macro series in any unit Convex shows (the Fed's balance sheet is
# 9e12 in dollars), and their squares, summed over a long history, would leave floating point.
MAX_MAGNITUDE = 1e15

EXPECTED = (
    "expected a CSV in one of these layouts: FRED (observation_date,ID or DATE,ID or date,ID); "
    "Yahoo (yfinance's Price/Ticker/Date header, Date,Close,High,Low,Open,Volume, Date,Close,Volume, "
    "or Date,Open,High,Low,Close,Adj Close,Volume); CBOE (DATE,OPEN,HIGH,LOW,CLOSE with MM/DD/YYYY dates); "
    "CoinGecko (snapped_at,price,market_cap,total_volume); date,value; or vintages: fredapi's all "
    "releases (date,realtime_start,value) or ALFRED's observation_date,SERIES_YYYYMMDD,..."
)

LAYOUTS = {
    "fred": "FRED CSV",
    "fredapi": "FRED series saved by fredapi (date,ID)",
    "date_value": "date,value CSV",
    "yahoo_multiindex": "yfinance CSV (multi-row header)",
    "yahoo_multiindex_malformed": "yfinance CSV (malformed multi-row header)",
    "yahoo_flat": "Yahoo CSV (Date,Close,High,Low,Open,Volume)",
    "yahoo_close": "Yahoo CSV (Date,Close,Volume)",
    "yahoo_classic": "Yahoo download (Date,Open,High,Low,Close,Adj Close,Volume)",
    "cboe": "CBOE history CSV",
    "coingecko": "CoinGecko CSV export",
    "fredapi_releases": "every release saved from fredapi (date,realtime_start,value)",
    "alfred_vintages": "ALFRED vintages (observation_date,SERIES_YYYYMMDD,...)",
}
# Layouts that hold vintages: their series is the latest vintage.
VINTAGE_LAYOUTS = ("fredapi_releases", "alfred_vintages")

_DATE_NAMES = ("date", "observation_date", "datetime", "timestamp", "time", "day")


class UnreadableFile(ValueError):
    """A file the importer cannot turn into a series; the message says why and what was expected."""

    def __init__(self, name: str, reason: str, *, expected: str = EXPECTED):
        self.name = name
        self.reason = reason
        self.expected = expected
        super().__init__(f"{name}: {reason}" + (f"; {expected}" if expected else ""))


@dataclass(frozen=True)
class ImportedSeries:
    series: pd.Series
    layout: str  # a key of LAYOUTS
    name: str | None = None  # the series id or ticker when the file names one
    # A vintage file's every vintage (sources/vintages.py's table), else None.
    vintages: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    units: str | None = None  # ALFRED's units suffix when the file is not in the series' own units

    def to_dict(self) -> dict:
        index = self.series.index
        return {
            "layout": self.layout,
            "layout_description": LAYOUTS.get(self.layout, self.layout),
            "name": self.name,
            "rows": len(self.series),
            "first": index[0].strftime("%Y-%m-%d") if len(index) else None,
            "last": index[-1].strftime("%Y-%m-%d") if len(index) else None,
        }


def series_csv(series: pd.Series) -> str:
    """A series as `date,value` CSV with repr-exact floats: importing the text gives back exactly
    these values (`convex export`, the HTTP API's CSV)."""
    lines = [
        "date,value",
        *(f"{d:%Y-%m-%d},{v!r}" for d, v in zip(series.index, series.tolist(), strict=True)),
    ]
    return "\n".join(lines) + "\n"


def read_series_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> ImportedSeries:
    """Read one CSV file from disk (see `read_series_text`)."""
    path = Path(path)
    label = path.name or str(path)
    try:
        if not path.is_file():
            raise UnreadableFile(label, "no such file", expected="")
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFile(
                label, f"the file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB allowed"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UnreadableFile(
            label, f"cannot read the file ({exc.strerror or type(exc).__name__})", expected=""
        ) from None
    return read_series_bytes(data, name=label, max_bytes=max_bytes)


def read_series_bytes(
    data: bytes, *, name: str = "upload", max_bytes: int = MAX_FILE_BYTES
) -> ImportedSeries:
    """Read an uploaded file's bytes: size cap, binary check, UTF-8 (or Latin-1) decoding."""
    if len(data) > max_bytes:
        raise UnreadableFile(name, f"the file is larger than the {max_bytes / 1e6:.0f} MB allowed")
    if not data.strip():
        raise UnreadableFile(name, "the file is empty")
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFile(name, "this is a ZIP archive (or an Excel file), not a CSV")
    if data[:2] == b"\x1f\x8b":
        raise UnreadableFile(name, "this is a gzip archive, not a CSV")
    if data[:4] == b"%PDF":
        raise UnreadableFile(name, "this is a PDF, not a CSV")
    if b"\x00" in data[:65536]:
        raise UnreadableFile(name, "this is a binary file, not a CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return read_series_text(text, name=name)


def read_series_text(text: str, *, name: str = "text") -> ImportedSeries:
    """Detect the layout of a CSV text and read it into a clean series."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile(name, "the file is empty")
    first_line = text[: MAX_VINTAGE_LINE_CHARS + 2].split("\n", 1)[0].strip().split(",")
    longest = MAX_VINTAGE_LINE_CHARS if _alfred_header(first_line) else MAX_LINE_CHARS
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > longest:
            raise UnreadableFile(name, f"line {number} is longer than {longest:,} characters")
    problem = text_problem(text)
    if problem:
        raise UnreadableFile(name, problem.replace("came back", "was found"))
    layout, head = _detect(text, name)
    if layout in VINTAGE_LAYOUTS:
        return _read_vintages(layout, text, name)
    try:
        series, series_name = _parse(layout, text, head)
    except SourceError as exc:
        raise UnreadableFile(name, f"read as a {LAYOUTS[layout]}, but {exc.reason}", expected="") from None
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
        # A last resort: a parser bug must still reach the user as a readable refusal.
        reason = f"read as a {LAYOUTS[layout]}, but it could not be parsed (unexpected {type(exc).__name__})"
        raise UnreadableFile(name, reason, expected="") from None
    if len(series) and float(series.abs().max()) > MAX_MAGNITUDE:
        where = series.abs().idxmax()
        raise UnreadableFile(
            name,
            f"it holds {series[where]:.3g} on {where:%Y-%m-%d}, beyond the ±{MAX_MAGNITUDE:.0e} Convex "
            "accepts: rescale the values (to thousands, millions or billions) and try again",
            expected="",
        )
    return ImportedSeries(series=series, layout=layout, name=series_name)


def _read_vintages(layout: str, text: str, name: str) -> ImportedSeries:
    """A vintage file: its table, and the latest vintage as its series."""
    units = series_name = None
    try:
        if layout == "alfred_vintages":
            table, series_name, units = parse_alfred_csv(text, source="file")
        else:
            table = parse_all_releases_csv(text, source="file", symbol="value")
        series = clean_series(latest(table), source="file", symbol=series_name or "value")
    except SourceError as exc:
        raise UnreadableFile(name, f"read as {LAYOUTS[layout]}, but {exc.reason}", expected="") from None
    too_big = table["value"].abs().max()
    if too_big > MAX_MAGNITUDE:
        raise UnreadableFile(name, f"it holds {too_big:.3g}, beyond the ±{MAX_MAGNITUDE:.0e} Convex accepts")
    return ImportedSeries(series=series, layout=layout, name=series_name, vintages=table, units=units)


def _alfred_header(header: list[str]) -> bool:
    return len(header) > 1 and header[0] in ("observation_date", "DATE", "date") and all(
        vintage_column(cell) is not None for cell in header[1:]
    )


def detect_layout(text: str, *, name: str = "text") -> str:
    """The LAYOUTS key that fits the header of `text`, or UnreadableFile."""
    return _detect(text, name)[0]


def _detect(text: str, name: str) -> tuple[str, list[list[str]]]:
    head = "\n".join(text.lstrip("\ufeff").splitlines()[:_HEAD_LINES])
    try:
        rows = [
            [c.strip() for c in row] for row in csv.reader(io.StringIO(head)) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:
        raise UnreadableFile(name, f"not a CSV ({exc})") from None
    if not rows:
        raise UnreadableFile(name, "the file is empty")
    header = rows[0]
    lowered = [c.lower() for c in header]
    shown = ",".join(header)[:80]
    if lowered[0] == "snapped_at":
        return "coingecko", rows
    named = set(lowered[1:] if lowered[0] in ("", "index") else lowered) - {"realtime_end"}
    if named == RELEASES_COLUMNS:
        return "fredapi_releases", rows
    if _alfred_header(header):
        return "alfred_vintages", rows
    yahoo = yahoo_csv_header(rows)
    if lowered[0] in _DATE_NAMES:
        first_date = rows[1][0] if len(rows) > 1 and rows[1] else ""
        us_dates = _looks_like_us_date(first_date)
        if us_dates and ("close" in lowered or len(header) == 2):
            return "cboe", rows
        if len(header) == 2 and not us_dates:
            if lowered[1] == "value":
                return "date_value", rows
            if header[0] in ("observation_date", "DATE"):
                return "fred", rows
            if header[0] == "date":
                return "fredapi", rows
            return "date_value", rows
    if yahoo is not None:
        return yahoo[0], rows
    raise UnreadableFile(name, f"unrecognised columns {shown!r}")


def _looks_like_us_date(text: str) -> bool:
    parts = text.split("/")
    return len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4


def _parse(layout: str, text: str, head: list[list[str]]) -> tuple[pd.Series, str | None]:
    if layout in ("fred", "fredapi"):
        series = parse_fred_csv(text)
        return series, str(series.name)
    if layout == "date_value":
        rows = csv_rows(text, source="file", symbol="value")
        series = series_from_table(rows[1:], width=2, value_column=1, source="file", symbol="value")
        column = rows[0][1]
        return series, (None if column.lower() == "value" else column)
    if layout == "cboe":
        return parse_cboe_csv(text), None
    if layout == "coingecko":
        return parse_coingecko_csv(text), None
    header = yahoo_csv_header(head)
    return parse_yahoo_csv(text), (header[2] if header else None)


# How far an imported value may stand from the stored one on the same date before the file is taken
# for another series or other units (a WTREGEN in billions over one in millions is 1000x): wider
# than revisions (a few percent at most) and than two Yahoo downloads' dividend adjustments (<1%).
AGREEMENT = 0.10
# Layouts whose header names the series (a FRED id, a Yahoo ticker), not just a column ("Close").
_NAMING_LAYOUTS = ("fred", "fredapi", "yahoo_multiindex", "yahoo_multiindex_malformed", "alfred_vintages")


def import_problem(imported: ImportedSeries, symbol: str, stored: pd.Series | None) -> str | None:
    """Why a file should not replace a metric's stored series, or None: the file names another
    series than `symbol` (a FRED column, a Yahoo ticker), or its values disagree with the stored
    ones on their common dates by more than AGREEMENT of the stored series' typical size."""
    named = imported.layout in _NAMING_LAYOUTS and imported.name
    if named and imported.name.strip().upper() != symbol.strip().upper():
        return f"the file holds {imported.name[:40]}, not {symbol}"
    if imported.units:
        return (
            f"the file holds {symbol} as {UNITS_SUFFIXES[imported.units]} (ALFRED's {imported.units} units), "
            f"not {symbol} itself"
        )
    if stored is None or stored.empty:
        return None
    common = imported.series.index.intersection(stored.index)
    if common.empty:
        return None
    new, old = imported.series.loc[common], stored.loc[common]
    typical = float(old.abs().median())
    allowed = AGREEMENT * np.maximum(old.abs().to_numpy(), typical)
    far = np.abs(new.to_numpy() - old.to_numpy()) > allowed
    if not far.any():
        return None
    first = common[int(np.argmax(far))]
    return (
        f"on {first:%Y-%m-%d} the file has {new[first]:,.6g} where the store has {old[first]:,.6g} "
        f"({int(far.sum()):,} of {len(common):,} common dates differ by more than {AGREEMENT:.0%}): "
        "another series, or other units"
    )
