"""Vintage files read by the importer (`convex import`, uploads): fredapi's all releases in the column
orders fredapi and pandas write, ALFRED's vintage columns; the identity check on a file in other units;
files that only look like vintages refused with a reason."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.data.importers import UnreadableFile, import_problem, read_series_file, read_series_text

CPI = "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv"
PAYEMS = "vintages/alfredgraph/PAYEMS_CHG_2021_vintages__AkeBoss.csv"
T = pd.Timestamp
# Hand-made from real rows of the CPIAUCSL file (January and February 2024, three vintages each).
ROWS = [
    ("2024-01-01", "2024-02-13", "309.685"),
    ("2024-01-01", "2025-02-12", "309.794"),
    ("2024-01-01", "2026-02-13", "309.698"),
    ("2024-02-01", "2024-03-12", "311.054"),
    ("2024-02-01", "2025-02-12", "311.022"),
    ("2024-02-01", "2026-02-13", "310.967"),
]


def test_the_real_cpi_file_is_its_latest_vintage_with_every_release(shared_real):
    imported = read_series_file(shared_real / CPI)
    assert imported.layout == "fredapi_releases" and imported.name is None and imported.units is None
    assert len(imported.vintages) == 3103
    assert imported.series[T("2024-01-01")] == 309.698 and imported.series.index[-1] == T("2026-08-01")
    assert import_problem(imported, "CPIAUCSL", None) is None


def test_the_real_payems_change_file_is_refused_as_payems_levels(shared_real):
    imported = read_series_file(shared_real / PAYEMS)
    assert (imported.layout, imported.name, imported.units) == ("alfred_vintages", "PAYEMS", "CHG")
    assert imported.series[T("2021-12-01")] == 199  # the latest vintage (7 Jan 2022)
    problem = import_problem(imported, "PAYEMS", None)
    assert problem is not None and "change" in problem and "CHG" in problem
    assert "holds PAYEMS, not CPIAUCSL" in import_problem(imported, "CPIAUCSL", None)


@pytest.mark.parametrize(
    "header",
    ["date,realtime_start,value", ",realtime_start,date,value", "realtime_start,date,value"],
    ids=["reordered-by-hand", "fredapi-with-pandas-index", "fredapi-without-index"],
)
def test_all_releases_in_the_orders_written(header):
    names = [h for h in header.split(",") if h]
    index = [""] if header.startswith(",") else []
    cells = [dict(zip(("date", "realtime_start", "value"), row, strict=True)) for row in ROWS]
    lines = [header]
    lines += [",".join([str(i)] * bool(index) + [row[n] for n in names]) for i, row in enumerate(cells)]
    imported = read_series_text("\n".join(lines) + "\n", name="cpi.csv")
    assert imported.layout == "fredapi_releases"
    assert imported.series.to_dict() == {T("2024-01-01"): 309.698, T("2024-02-01"): 310.967}
    assert imported.vintages["realtime_end"].notna().sum() == 4


def test_a_kept_realtime_end_is_used_as_given():
    text = "date,realtime_start,realtime_end,value\n" + "".join(
        f"{d},{s},{e},{v}\n"
        for d, s, e, v in [
            ("2024-01-01", "2024-04-25", "2024-05-29", "22768.866"),
            ("2024-01-01", "2024-05-30", "9999-12-31", "22749.846"),
        ]
    )
    table = read_series_text(text).vintages
    assert table["realtime_end"].iloc[0] == T("2024-05-29") and pd.isna(table["realtime_end"].iloc[1])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("observation_date,CPIAUCSL_20240213,UNRATE_20240213\n2024-01-01,309.685,3.7\n", "more than one"),
        ("observation_date,CPIAUCSL_20240213,CPIAUCSL_20240213\n2024-01-01,1,1\n", "twice"),
        ("observation_date,CPIAUCSL_20240213\n2024-01-01,abc\n", "non-numeric"),
        ("observation_date,CPIAUCSL_20240213,CPIAUCSL_20240312\n2024-01-01,1\n", "columns"),
        ("date,realtime_start,value\n2024-01-01,2024-02-13,1\n2024-01-01,2024-02-13,2\n", "twice"),
        ("date,realtime_start,value\n", "no vintage rows"),
        ("observation_date,CPIAUCSL_20240213\n2024-01-01,.\n", "no values"),
    ],
    ids=["two-series", "vintage-twice", "text-value", "short-row", "release-twice", "header-only", "dots"],
)
def test_bad_vintage_files_are_refused_with_a_reason(text, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_series_text(text)


def test_a_vintage_header_may_be_long_but_not_endless():
    days = pd.bdate_range("1990-01-01", periods=5000)
    header = "observation_date," + ",".join(f"DGS10_{d:%Y%m%d}" for d in days)
    row = "2024-01-01," + ",".join(["4.1"] * len(days))
    assert len(header) > 10_000  # longer than any other layout's line may be
    imported = read_series_text(f"{header}\n{row}\n")
    assert len(imported.vintages) == 1 and imported.vintages["realtime_start"].iloc[0] == days[0]
    endless = "observation_date," + "DGS10_20240213," * 20_000
    with pytest.raises(UnreadableFile, match="longer than"):
        read_series_text(f"{endless}\n2024-01-01,1\n")
