"""Vintages: each observation with the real-time period it was in force, as ALFRED reports them.

A vintage table is a DataFrame with one row per (observation date, real-time period):

- `date`            the observation's date (as the series stores it)
- `realtime_start`  the first day this value was the published one
- `realtime_end`    the last day it was (NaT: still in force; FRED writes 9999-12-31)
- `value`           the value in that period; NaN where FRED wrote "." (no value in that vintage,
                    e.g. a period not yet published, or withdrawn by a redefinition)

sorted by (date, realtime_start), one row per pair, periods of one date never overlapping. The
three ways vintages come in are read here into that one shape: the FRED API's `series/observations`
with real-time periods (JSON), fredapi's `get_series_all_releases` saved as `date,realtime_start,
value` (it drops `realtime_end`, which the next release of the same date gives back), and ALFRED's
multi-vintage CSV (one column per vintage date, `SERIES_YYYYMMDD`: each column a whole snapshot).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from .base import BadPayload, parse_dates, parse_numbers

COLUMNS = ("date", "realtime_start", "realtime_end", "value")
# FRED's "still in force" and "since the beginning" bounds of real time.
OPEN_END = "9999-12-31"
EARLIEST_START = "1776-07-04"
# More rows than any FRED series has (a daily series since 1954 with every vintage is ~20,000 dates;
# a weekly one with 2,000 vintages each revising a year of values ~100,000): a payload beyond this
# is not one series' vintages.
MAX_ROWS = 2_000_000
ONE_DAY = pd.Timedelta(days=1)
# ALFRED's column header of one vintage: the series id, an optional units suffix, the vintage day.
_VINTAGE_COLUMN = re.compile(r"^([A-Za-z0-9.]{1,64}?)(?:_([A-Z0-9]{3}))?_(\d{8})$")
# ALFRED's units transformations (FRED's `units` parameter), which a column name may carry.
UNITS_SUFFIXES = {
    "CHG": "change", "CH1": "change from a year ago", "PCH": "percent change",
    "PC1": "percent change from a year ago", "PCA": "compounded annual rate of change",
    "CCH": "continuously compounded rate of change", "CCA": "continuously compounded annual rate of change",
    "LOG": "natural log",
}  # fmt: skip


def empty_table() -> pd.DataFrame:
    days = pd.DatetimeIndex([], dtype="datetime64[us]")
    return pd.DataFrame(
        {"date": days, "realtime_start": days, "realtime_end": days, "value": np.array([], "float64")}
    )


def clean_vintages(frame: pd.DataFrame, *, source: str, symbol: str) -> pd.DataFrame:
    """A vintage table in the contract's shape (see the module), or BadPayload: days at midnight,
    values floats (NaN allowed), sorted, no (date, realtime_start) twice, periods that end before
    they start or overlap the next period of the same date refused."""
    if len(frame) > MAX_ROWS:
        raise BadPayload(source, symbol, f"more than {MAX_ROWS:,} vintage rows")
    out = pd.DataFrame(
        {
            name: pd.DatetimeIndex(frame[name]).normalize().as_unit("us")
            for name in ("date", "realtime_start", "realtime_end")
        }
    )
    out["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64").to_numpy()
    out = out.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)
    if out[["date", "realtime_start"]].isna().any().any():
        raise BadPayload(source, symbol, "a vintage row without a date or a real-time start")
    if np.isinf(out["value"].to_numpy()).any():
        raise BadPayload(source, symbol, "an infinite value in the vintages")
    if out.duplicated(["date", "realtime_start"]).any():
        raise BadPayload(source, symbol, "the same observation and real-time start twice")
    ends = out["realtime_end"]
    if (ends.notna() & (ends < out["realtime_start"])).any():
        raise BadPayload(source, symbol, "a real-time period that ends before it starts")
    same_date = out["date"].eq(out["date"].shift(-1))
    next_start = out["realtime_start"].shift(-1)
    if (same_date & (ends.isna() | (ends >= next_start))).any():
        raise BadPayload(source, symbol, "overlapping real-time periods for one observation")
    return out


# ---------------------------------------------------------------------------- reading the formats


def parse_fred_vintages_json(text: str, symbol: str, source: str = "fred") -> tuple[pd.DataFrame, int]:
    """The FRED API's `series/observations` JSON with real-time periods: the table, and the `count`
    the answer says the whole result holds (more than the rows here when it comes in pages)."""
    try:
        document = json.loads(text)
    except ValueError:
        raise BadPayload(source, symbol, "unreadable JSON from the FRED API (truncated?)") from None
    rows = document.get("observations") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise BadPayload(source, symbol, "the answer holds no observations list")
    try:
        cells = [(r["date"], r["realtime_start"], r["realtime_end"], r["value"]) for r in rows]
        count = int(document.get("count", len(rows)))
    except (KeyError, TypeError, ValueError):
        raise BadPayload(source, symbol, "an observation without date, real-time period or value") from None
    if not cells:
        return empty_table(), count
    dates, starts, ends, values = (list(column) for column in zip(*cells, strict=True))
    table = pd.DataFrame(
        {
            "date": parse_dates(dates, source=source, symbol=symbol),
            "realtime_start": parse_dates(starts, source=source, symbol=symbol),
            "realtime_end": _ends(ends, source=source, symbol=symbol),
            "value": parse_numbers(values, source=source, symbol=symbol),
        }
    )
    return clean_vintages(table, source=source, symbol=symbol), count


def _ends(cells: list[str], *, source: str, symbol: str) -> pd.DatetimeIndex:
    """Real-time ends, FRED's 9999-12-31 (still in force) as NaT."""
    kept = ["1800-01-01" if str(c).strip() == OPEN_END else c for c in cells]
    ends = parse_dates(kept, source=source, symbol=symbol)
    is_open = np.array([str(c).strip() == OPEN_END for c in cells])
    return pd.DatetimeIndex(np.where(is_open, np.datetime64("NaT"), ends.to_numpy()))


def from_all_releases(dates, starts, values, *, source: str, symbol: str) -> pd.DataFrame:
    """fredapi's `get_series_all_releases` rows (date, realtime_start, value) as a table: each period
    ends the day before the next release of the same date; the last is still in force."""
    table = pd.DataFrame(
        {
            "date": parse_dates(dates, source=source, symbol=symbol),
            "realtime_start": parse_dates(starts, source=source, symbol=symbol),
            "value": parse_numbers(values, source=source, symbol=symbol),
        }
    ).sort_values(["date", "realtime_start"], kind="stable")
    if table.duplicated(["date", "realtime_start"]).any():
        raise BadPayload(source, symbol, "the same observation and real-time start twice")
    following = table["realtime_start"].shift(-1)
    same_date = table["date"].eq(table["date"].shift(-1))
    table["realtime_end"] = (following - ONE_DAY).where(same_date)
    return clean_vintages(table, source=source, symbol=symbol)


def vintage_column(header: str) -> tuple[str, str | None, pd.Timestamp] | None:
    """ALFRED's `SERIES_YYYYMMDD` (or `SERIES_CHG_YYYYMMDD`, with a units suffix) as (series id,
    units suffix or None, vintage day), or None for any other header."""
    match = _VINTAGE_COLUMN.match(header.strip())
    if not match or (match.group(2) and match.group(2) not in UNITS_SUFFIXES):
        return None
    try:
        day = pd.Timestamp(f"{match.group(3)[:4]}-{match.group(3)[4:6]}-{match.group(3)[6:]}")
    except ValueError:
        return None
    return match.group(1), match.group(2), day


def from_snapshots(dates: pd.DatetimeIndex, snapshots: dict[pd.Timestamp, np.ndarray], *, source: str,
                   symbol: str) -> pd.DataFrame:  # fmt: skip
    """Whole vintages (each the series as published on its day; NaN: no value then) as a table: a
    period starts on the vintage where a date's value first appears or changes and ends the day
    before the next vintage that changes it; the last vintage's values are still in force. A value
    is only known from the first snapshot that holds it, which may be later than its release."""
    days = sorted(snapshots)
    if not days:
        raise BadPayload(source, symbol, "no vintage columns")
    grid = np.column_stack([snapshots[day] for day in days])  # rows: dates, columns: vintages
    rows_date, rows_start, rows_end, rows_value = [], [], [], []
    vintage_days = np.array(days, dtype="datetime64[us]")
    for i, day in enumerate(dates.to_numpy()):
        values = grid[i]
        known = ~np.isnan(values)
        if not known.any():
            continue
        first = int(np.argmax(known))
        changes = [first] + [j for j in range(first + 1, len(days)) if not _same(values[j], values[j - 1])]
        for k, j in enumerate(changes):
            rows_date.append(day)
            rows_start.append(vintage_days[j])
            following = changes[k + 1] if k + 1 < len(changes) else None
            rows_end.append(
                np.datetime64("NaT")
                if following is None
                else vintage_days[following] - np.timedelta64(1, "D")
            )
            rows_value.append(values[j])
    table = pd.DataFrame(
        {"date": rows_date, "realtime_start": rows_start, "realtime_end": rows_end, "value": rows_value}
    )
    if table.empty:
        raise BadPayload(source, symbol, "no values in any vintage")
    return clean_vintages(table, source=source, symbol=symbol)


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


# ---------------------------------------------------------------------------- reading a table


def as_known_on(table: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """The series as published on `day`: each date's value in the period in force then (releases
    made on `day` included), dates with no value then left out."""
    day = pd.Timestamp(day).normalize()
    ends = table["realtime_end"]
    in_force = (table["realtime_start"] <= day) & (ends.isna() | (ends >= day)) & table["value"].notna()
    rows = table[in_force]
    series = pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"], name="date"))
    return series[~series.index.duplicated(keep="last")].sort_index()


def first_releases(table: pd.DataFrame) -> pd.DataFrame:
    """Each date's first published value and the day it came (`value`, `released`), by date."""
    rows = table[table["value"].notna()].drop_duplicates("date", keep="first")
    return pd.DataFrame(
        {"value": rows["value"].to_numpy(), "released": rows["realtime_start"].to_numpy()},
        index=pd.DatetimeIndex(rows["date"], name="date"),
    )


def latest(table: pd.DataFrame) -> pd.Series:
    """The values in force now (the periods that have not ended)."""
    rows = table[table["realtime_end"].isna() & table["value"].notna()]
    return pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"], name="date"))


def vintage_days(table: pd.DataFrame) -> pd.DatetimeIndex:
    """The days a new vintage began (every distinct real-time start)."""
    return pd.DatetimeIndex(np.unique(table["realtime_start"].to_numpy()), name="vintage")


def stitch(before: pd.DataFrame, after: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """One table from what is known before `cut` (`before`, whose periods past it are cut back) and a
    later answer covering real time from `cut` on (`after`, whose periods FRED clips to start no
    earlier than the real-time start asked): a period split at the cut with the same value on both
    sides is one period again. This is how chunks of vintage dates, and new vintages fetched after
    those stored, join the table."""
    cut = pd.Timestamp(cut).normalize()
    kept = before[before["realtime_start"] < cut].copy()
    ends = kept["realtime_end"]
    kept["realtime_end"] = ends.where(ends.notna() & (ends < cut), cut - ONE_DAY)
    joined = pd.concat([kept, after[after["realtime_start"] >= cut]], ignore_index=True)
    joined = joined.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)
    previous = joined.shift(1)
    continues = (
        joined["date"].eq(previous["date"])
        & joined["realtime_start"].eq(previous["realtime_end"] + ONE_DAY)
        & (joined["value"].eq(previous["value"]) | (joined["value"].isna() & previous["value"].isna()))
        & joined["realtime_start"].eq(cut)
    )
    if continues.any():
        # Each continuing row's end moves onto the row it continues, then the row goes.
        ends = joined["realtime_end"].copy()
        for i in np.flatnonzero(continues.to_numpy())[::-1]:
            ends.iloc[i - 1] = ends.iloc[i]
        joined["realtime_end"] = ends
        joined = joined[~continues].reset_index(drop=True)
    return joined[list(COLUMNS)]


def revision_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Per observation date: its first published value and day (`first`, `released`), the value in
    force now (`latest`, NaN when withdrawn), how many times it was revised (`revisions`: later
    periods with a different value), and the previous date's value as published on that day
    (`previous_then`: what the first release's change was measured from)."""
    rows = table[table["value"].notna()]
    first = first_releases(table)
    now = latest(table)
    out = pd.DataFrame({"first": first["value"], "released": first["released"]})
    out["latest"] = now.reindex(out.index)
    changed = rows["value"].ne(rows.groupby("date")["value"].shift(1)) & rows["date"].duplicated()
    out["revisions"] = changed.groupby(rows["date"]).sum().reindex(out.index).fillna(0).astype(int)
    groups = {day: (g["realtime_start"].to_numpy(), g["realtime_end"].to_numpy(), g["value"].to_numpy())
              for day, g in rows.groupby("date")}  # fmt: skip
    previous = np.full(len(out), np.nan)
    dates = out.index
    for i in range(1, len(dates)):
        starts, ends, values = groups[dates[i - 1]]
        day = out["released"].iloc[i].to_datetime64()
        k = np.searchsorted(starts, day, side="right") - 1
        if k >= 0 and (np.isnat(ends[k]) or ends[k] >= day):
            previous[i] = values[k]
    out["previous_then"] = previous
    return out
