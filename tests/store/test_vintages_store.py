"""Vintages in the store, on both backends: the real CPIAUCSL releases round trip exactly (open ends
and FRED's "." included), a write replaces a metric's vintages whole and bumps the version, and the
migration that made the tables is the last one."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.sources.alfred import parse_all_releases_csv
from convex.sources.vintages import as_known_on
from convex.store import Store
from convex.store.migrations import MIGRATIONS

both = pytest.mark.usefixtures("backend")
CPI = "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv"
T = pd.Timestamp


def _table(rows):
    frame = pd.DataFrame(rows, columns=["date", "realtime_start", "realtime_end", "value"])
    for column in ("date", "realtime_start", "realtime_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    frame["value"] = frame["value"].astype("float64")
    return frame


def test_the_vintages_migration_is_the_last():
    assert MIGRATIONS[-1][0] == "0007_vintages"


@both
def test_real_cpi_releases_round_trip_exactly(shared_real):
    table = parse_all_releases_csv((shared_real / CPI).read_text())
    store = Store()
    assert store.read_vintages("cpiaucsl") is None and store.vintage_set("cpiaucsl") is None
    version = store.version()
    assert store.write_vintages("cpiaucsl", table, kind="releases", origin="import", detail="cpi.csv") == 3103
    assert store.version() > version
    back = store.read_vintages("cpiaucsl")
    pd.testing.assert_frame_equal(back, table)
    assert back["value"].to_numpy().tobytes() == table["value"].to_numpy().tobytes()
    held = store.vintage_set("cpiaucsl")
    assert (held.kind, held.origin, held.detail, held.rows) == ("releases", "import", "cpi.csv", 3103)
    assert held.first_vintage == table["realtime_start"].min() and held.last_vintage == T("2026-09-11")
    assert as_known_on(back, T("2024-02-20")).iloc[-1] == 309.685


@both
def test_a_write_replaces_the_vintages_whole_and_keeps_dots():
    store = Store()
    first = _table([("2024-01-01", "2024-04-25", None, 22768.866), ("2024-04-01", "2024-07-25", None, 1.0)])
    store.write_vintages("gdpc1", first, kind="releases", origin="fred-api")
    second = _table(
        [
            ("2024-01-01", "2024-04-25", "2024-05-29", 22768.866),
            ("2024-01-01", "2024-05-30", None, None),  # FRED's "." in that period
        ]
    )
    store.write_vintages("gdpc1", second, kind="snapshots", origin="alfred")
    back = store.read_vintages("gdpc1")
    pd.testing.assert_frame_equal(back, second)
    assert back["value"].isna().tolist() == [False, True] and pd.isna(back["realtime_end"].iloc[1])
    assert store.vintage_set("gdpc1").kind == "snapshots" and set(store.vintage_sets()) == {"gdpc1"}
    store.write_vintages("cpiaucsl", first, kind="releases", origin="import")
    store.delete_vintages("gdpc1")
    assert store.read_vintages("gdpc1") is None and set(store.vintage_sets()) == {"cpiaucsl"}
    with pytest.raises(ValueError):
        store.write_vintages("x", first, kind="guess", origin="import")
    with pytest.raises(ValueError):
        store.write_vintages("x", first.iloc[:0], kind="releases", origin="import")
