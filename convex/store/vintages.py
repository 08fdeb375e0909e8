"""Vintages beside today's values: each observation with the real-time period it was in force (a
mixin of Store, which gives `db` and `_series_write`).

One row per (metric, observation date, real-time start), as sources/vintages.py describes the table.
A metric's vintages are written whole in one transaction that bumps the store's version (new
vintages are stitched to the stored ones before they are written), so a reader sees the old
vintages or the new ones, never a mix. `vintage_sets` says where each metric's vintages came from
and what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from .times import _iso, _parse_ts, utcnow

# What a metric's vintages hold: every release with its real-time period (the FRED API, fredapi's
# all-releases file), or whole vintages known only from the days they were taken (ALFRED's vintage
# CSV, keyless single vintages), where a value is known from the first vintage that holds it.
KINDS = ("releases", "snapshots")
ORIGINS = ("fred-api", "alfred", "import")


@dataclass(frozen=True)
class VintageSet:
    """What the store holds of one metric's vintages."""

    metric_id: str
    kind: str  # one of KINDS
    origin: str  # one of ORIGINS
    detail: str | None  # the imported file's name, or how the vintages were fetched
    rows: int
    first_vintage: pd.Timestamp
    last_vintage: pd.Timestamp
    updated_at: datetime | None

    @property
    def words(self) -> str:
        """ "every release from the FRED API (ALFRED), 1,102 vintages 1994-02-17 to 2026-09-11" """
        what = {
            "fred-api": "every release from the FRED API (ALFRED)",
            "alfred": "vintages read from ALFRED one by one",
            "import": f"vintages imported from {self.detail or 'a file'}",
        }[self.origin]
        return f"{what}, {self.first_vintage:%Y-%m-%d} to {self.last_vintage:%Y-%m-%d}"


_SET_COLUMNS = "metric_id, kind, origin, detail, rows_held, first_vintage, last_vintage, updated_at"


class Vintages:
    """Reading and writing the vintages table."""

    def write_vintages(
        self,
        metric_id: str,
        table: pd.DataFrame,
        *,
        kind: str,
        origin: str,
        detail: str | None = None,
        at: datetime | None = None,
    ) -> int:
        """Replace the vintages of `metric_id` with `table` (a clean vintage table); the rows written."""
        if kind not in KINDS or origin not in ORIGINS:
            raise ValueError(f"kind must be one of {KINDS}, origin one of {ORIGINS}")
        if table.empty:
            raise ValueError("no vintages to write")
        rows = list(
            zip(
                [metric_id] * len(table),
                _days(table["date"]),
                _days(table["realtime_start"]),
                _days(table["realtime_end"]),
                [None if np.isnan(v) else v for v in table["value"].to_numpy(dtype="float64").tolist()],
                strict=True,
            )
        )
        starts = table["realtime_start"]
        with self._series_write() as (conn, _):
            conn.execute("DELETE FROM vintages WHERE metric_id = ?", (metric_id,))
            conn.executemany(
                """INSERT INTO vintages (metric_id, date, realtime_start, realtime_end, value)
                   VALUES (?, ?, ?, ?, ?)""",
                rows,
            )
            conn.execute(
                f"""INSERT INTO vintage_sets ({_SET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(metric_id) DO UPDATE SET kind = excluded.kind, origin = excluded.origin,
                        detail = excluded.detail, rows_held = excluded.rows_held,
                        first_vintage = excluded.first_vintage, last_vintage = excluded.last_vintage,
                        updated_at = excluded.updated_at""",
                (
                    metric_id, kind, origin, detail, len(rows), f"{starts.min():%Y-%m-%d}",
                    f"{starts.max():%Y-%m-%d}", _iso(at or utcnow()),
                ),
            )  # fmt: skip
        return len(rows)

    def read_vintages(self, metric_id: str) -> pd.DataFrame | None:
        """The stored vintage table of `metric_id`, or None when none is stored."""
        with self.db.connect() as conn:
            rows = conn.execute(
                """SELECT date, realtime_start, realtime_end, value FROM vintages WHERE metric_id = ?
                   ORDER BY date, realtime_start""",
                (metric_id,),
            ).fetchall()
        if not rows:
            return None
        dates, starts, ends, values = zip(*rows, strict=True)
        return pd.DataFrame(
            {
                "date": _as_days(dates),
                "realtime_start": _as_days(starts),
                "realtime_end": _as_days(ends),
                "value": np.array([np.nan if v is None else v for v in values], dtype="float64"),
            }
        )

    def vintage_set(self, metric_id: str) -> VintageSet | None:
        with self.db.connect() as conn:
            row = conn.execute(
                f"SELECT {_SET_COLUMNS} FROM vintage_sets WHERE metric_id = ?", (metric_id,)
            ).fetchone()
        return _set_from_row(row) if row else None

    def vintage_sets(self) -> dict[str, VintageSet]:
        """What is stored of every metric's vintages, by metric id."""
        with self.db.connect() as conn:
            rows = conn.execute(f"SELECT {_SET_COLUMNS} FROM vintage_sets ORDER BY metric_id").fetchall()
        return {row[0]: _set_from_row(row) for row in rows}

    def delete_vintages(self, metric_id: str) -> None:
        with self._series_write() as (conn, _):
            conn.execute("DELETE FROM vintages WHERE metric_id = ?", (metric_id,))
            conn.execute("DELETE FROM vintage_sets WHERE metric_id = ?", (metric_id,))


def _days(column: pd.Series) -> list[str | None]:
    days = pd.DatetimeIndex(column)
    text = days.strftime("%Y-%m-%d")
    return [None if missing else day for day, missing in zip(text, days.isna(), strict=True)]


def _as_days(cells) -> pd.DatetimeIndex:
    # ISO days parse straight into datetime64; NULL (a period still in force) is NaT.
    return pd.DatetimeIndex(
        np.array(["NaT" if c is None else c for c in cells], dtype="datetime64[D]").astype("datetime64[us]")
    )


def _set_from_row(row: tuple) -> VintageSet:
    metric_id, kind, origin, detail, rows, first, last, updated = row
    return VintageSet(
        metric_id,
        kind,
        origin,
        detail,
        int(rows),
        pd.Timestamp(first),
        pd.Timestamp(last),
        _parse_ts(updated),
    )
