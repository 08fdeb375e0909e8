"""Vintage tables from the three formats ALFRED's vintages come in, on the real recorded files
(../shared/data/real/vintages: CPIAUCSL every release in fredapi's format, PAYEMS ALFRED vintage
columns, GDPC1 and GDP FRED API JSON), and the table operations: as known on a day, first releases,
stitching answers clipped at a real-time boundary."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from convex.metrics.release_calendar import release_calendars
from convex.sources.alfred import parse_alfred_csv, parse_all_releases_csv
from convex.sources.base import BadPayload
from convex.sources.vintages import (
    as_known_on,
    clean_vintages,
    first_releases,
    latest,
    parse_fred_vintages_json,
    stitch,
    vintage_column,
    vintage_days,
)

from .cassettes import cassette_bodies

CPI = "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv"
PAYEMS = "vintages/alfredgraph/PAYEMS_CHG_2021_vintages__AkeBoss.csv"
GDPC1 = "vintages/fred_api_json/GDPC1_2024_vintages__guspiok.json"
GDP_ALL = "vintages/fred_api_cassettes__pyfredapi/test_get_series_all_releases__pandas.yaml"
T = pd.Timestamp


@pytest.fixture
def cpi(shared_real):
    return parse_all_releases_csv((shared_real / CPI).read_text())


def test_cpi_every_release_reads_whole(cpi, shared_real):
    rows = (shared_real / CPI).read_text().splitlines()
    assert len(cpi) == len(rows) - 1 == 3103
    # Each period ends the day before the next release of the same month; the last is in force.
    jan = cpi[cpi["date"] == T("2024-01-01")]
    assert jan["realtime_start"].tolist() == [T("2024-02-13"), T("2025-02-12"), T("2026-02-13")]
    assert jan["realtime_end"].tolist()[:2] == [T("2025-02-11"), T("2026-02-12")]
    assert pd.isna(jan["realtime_end"].iloc[-1])
    assert jan["value"].tolist() == [309.685, 309.794, 309.698]


def test_cpi_as_known_on_a_day_is_the_vintage_in_force(cpi):
    known = as_known_on(cpi, T("2024-02-20"))
    assert known.index[-1] == T("2024-01-01") and known.iloc[-1] == 309.685  # first published, no February
    assert T("2024-02-01") not in known.index
    # The release day itself is in: January 2024 came out on 13 Feb 2024 (08:30).
    assert as_known_on(cpi, T("2024-02-13")).index[-1] == T("2024-01-01")
    assert as_known_on(cpi, T("2024-02-12")).index[-1] == T("2023-12-01")
    # A year on, the seasonal revision of 12 Feb 2025 is in force for January 2024.
    assert as_known_on(cpi, T("2025-02-12"))[T("2024-01-01")] == 309.794
    # October 2025 was never published: no vintage ever holds it.
    assert T("2025-10-01") not in as_known_on(cpi, T("2026-09-11")).index


def test_cpi_first_releases_agree_with_the_release_calendar_kept_as_data(cpi):
    first = first_releases(cpi)
    calendar = release_calendars()["cpiaucsl"].released
    months = calendar.index.intersection(first.index)
    months = months[months >= T("1994-06-01")]  # ALFRED's archive dates before 1994 are not releases
    assert len(months) > 350
    assert (first.loc[months, "released"] == calendar.loc[months]).all()
    assert latest(cpi).index[-1] == T("2026-08-01")


def test_payems_vintage_columns_give_the_first_prints_published(shared_real):
    table, series_id, units = parse_alfred_csv((shared_real / PAYEMS).read_text())
    assert (series_id, units) == ("PAYEMS", "CHG")
    assert len(vintage_days(table)) == 12
    first = first_releases(table)
    prints = first.loc["2021-01-01":"2021-12-01", "value"].tolist()
    # The headlines of the 2021 Employment Situation releases (MANIFEST 8.2).
    assert prints == [49, 379, 916, 266, 559, 850, 943, 235, 194, 531, 210, 199]
    assert first.loc["2021-01-01", "released"] == T("2021-02-05")
    # The vintage columns come out of order in the file (2022-01-07 first); as known on 3 Dec 2021
    # November is its first print and October its second estimate.
    known = as_known_on(table, T("2021-12-03"))
    assert known.index[-1] == T("2021-11-01") and known.iloc[-1] == 210 and known[T("2021-10-01")] == 546


def test_gdpc1_api_json_keeps_realtime_end_as_fred_gives_it(shared_real):
    text = (shared_real / GDPC1).read_text()
    table, count = parse_fred_vintages_json(text, "GDPC1")
    raw = json.loads(text)["observations"]
    assert count == len(raw) == len(table) == 17
    given = sorted((o["date"], o["realtime_start"], o["realtime_end"]) for o in raw)
    ours = [
        (f"{d:%Y-%m-%d}", f"{s:%Y-%m-%d}", "9999-12-31" if pd.isna(e) else f"{e:%Y-%m-%d}")
        for d, s, e in zip(table["date"], table["realtime_start"], table["realtime_end"], strict=True)
    ]
    assert ours == given
    assert as_known_on(table, T("2024-05-01"))[T("2024-01-01")] == 22768.866  # the advance estimate


def test_gdp_all_releases_cassette_with_dots(shared_real):
    body = cassette_bodies(shared_real / GDP_ALL)[0]
    table, count = parse_fred_vintages_json(body, "GDP")
    assert count == len(table) == len(json.loads(body)["observations"])
    # "." is a period in which the value did not exist (1946 was dropped, then restored, then dropped).
    q1_1946 = table[table["date"] == T("1946-01-01")]
    assert q1_1946["value"].isna().tolist() == [False, True, False, True]
    assert T("1946-01-01") not in as_known_on(table, T("1996-06-01")).index
    assert as_known_on(table, T("1998-01-01"))[T("1946-01-01")] == 210.4


def _clip(table: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.DataFrame:
    """What FRED answers for real time [start, end]: the periods that meet it, clipped to it."""
    ends = table["realtime_end"].fillna(T("2262-01-01"))
    meets = (table["realtime_start"] <= (end if end is not None else T("2262-01-01"))) & (ends >= start)
    part = table[meets].copy()
    part["realtime_start"] = part["realtime_start"].clip(lower=start)
    if end is not None:
        part["realtime_end"] = part["realtime_end"].fillna(end).clip(upper=end)
    return part.reset_index(drop=True)


@pytest.mark.parametrize("cut", ["1996-01-19", "2003-06-15", "2015-01-01", "2024-10-29"])
def test_stitching_two_clipped_answers_gives_back_the_whole_table(shared_real, cut):
    whole, _ = parse_fred_vintages_json(cassette_bodies(shared_real / GDP_ALL)[0], "GDP")
    cut = T(cut)
    before = _clip(whole, T("1776-07-04"), cut - pd.Timedelta(days=1))
    after = _clip(whole, cut, None)
    # Periods across the cut come back twice, clipped (none on a day every value was revised).
    assert len(before) + len(after) > len(whole) or cut == T("1996-01-19")
    pd.testing.assert_frame_equal(stitch(before, after, cut), whole)


def test_a_bad_table_is_refused():
    good = pd.DataFrame(
        {"date": [T("2024-01-01")] * 2, "realtime_start": [T("2024-02-13"), T("2025-02-12")],
         "realtime_end": [T("2025-02-11"), pd.NaT], "value": [309.685, 309.794]}
    )  # fmt: skip
    assert len(clean_vintages(good, source="t", symbol="X")) == 2
    overlapping = good.assign(realtime_end=[T("2025-03-01"), pd.NaT])
    with pytest.raises(BadPayload, match="overlapping"):
        clean_vintages(overlapping, source="t", symbol="X")
    with pytest.raises(BadPayload, match="twice"):
        clean_vintages(pd.concat([good, good.iloc[:1]]), source="t", symbol="X")
    backwards = good.assign(realtime_end=[T("2024-01-01"), pd.NaT])
    with pytest.raises(BadPayload, match="ends before"):
        clean_vintages(backwards, source="t", symbol="X")
    with pytest.raises(BadPayload, match="infinite"):
        clean_vintages(good.assign(value=[np.inf, 1.0]), source="t", symbol="X")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("CPIAUCSL_20240213", ("CPIAUCSL", None, T("2024-02-13"))),
        ("PAYEMS_CHG_20210205", ("PAYEMS", "CHG", T("2021-02-05"))),
        ("CPIAUCSL_20240231", None),  # no such day
        ("CPIAUCSL_XYZ_20240213", None),  # not one of FRED's units
        ("CPIAUCSL", None),
        ("<script>_20240213", None),
    ],
)
def test_vintage_column_headers(header, expected):
    assert vintage_column(header) == expected
