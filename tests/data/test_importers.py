"""CSV importers: every layout in, one clean series out; anything else a clear UnreadableFile."""

from __future__ import annotations

import gzip
import random

import numpy as np
import pandas as pd
import pytest

from convex.data import importers
from convex.data.importers import (
    ImportedSeries,
    UnreadableFile,
    detect_layout,
    read_series_bytes,
    read_series_file,
    read_series_text,
)
from tests.sources import payloads as p
from tests.sources.helpers import assert_contract

YF_MULTI = (
    "Price,Close,High,Low,Open,Volume\n"
    "Ticker,SPY,SPY,SPY,SPY,SPY\n"
    "Date,,,,,\n"
    "2024-01-02,461.2466125488281,462.1,458.0,460.3,123084400\n"
    "2024-01-03,457.4537353515625,459.9,456.8,459.5,103585900\n"
)
YF_MULTI_ADJ = (
    "Price,Adj Close,Close,High,Low,Open,Volume\n"
    "Ticker,TLT,TLT,TLT,TLT,TLT,TLT\n"
    "Date,,,,,,\n"
    "2010-01-04,58.250396728515625,89.80999755859375,90.0999984741211,89.58000183105469,89.83999633789062,2829100\n"
    "2010-01-05,58.62656021118164,90.38999938964844,90.62999725341797,90.0,90.05000305175781,2841600\n"
)
YF_MALFORMED = (
    "Price,Price,Close,High,Low,Open,Volume\n"
    "Ticker,IEF,IEF,IEF,IEF,IEF,IEF\n"
    "Ticker,IEF,IEF,IEF,IEF,IEF,IEF\n"
    "Date,,,,,,\n"
    "2002-07-30 00:00:00,41.72751998901367,81.7699966430664,82.12000274658203,81.69999694824219,81.94,41300\n"
    "2002-07-31 00:00:00,42.10000000000000,82.3000000000000,82.40000000000000,81.80000000000000,81.90,52000\n"
)
YF_FLAT = (
    "Date,Close,High,Low,Open,Volume\r\n"
    "2002-07-30,37.46873092651367,37.64339114843696,37.46873092651367,37.574446508555134,6100\r\n"
    "2002-07-31,37.93293762207031,38.0570386202097,37.64337447085924,37.66635366952573,29400\r\n"
)
YF_CLOSE = "Date,Close,Volume\n2002-07-30,36.79093933105469,6100\n2002-07-31,37.24674987792969,29400\n"
YF_CLASSIC = (
    "Date,Open,High,Low,Close,Adj Close,Volume\n"
    "2014-09-17,465.864014,468.174011,452.421997,457.334015,457.334015,21056800\n"
    "2014-09-18,null,null,null,null,null,null\n"
    "2014-09-19,424.102997,427.834991,384.532013,394.795990,394.795990,37919700\n"
)
YF_TZ = (
    "Date,Close\n2024-01-02 00:00:00-05:00,1.5\n2024-01-03 00:00:00-05:00,2.5\n"
    "2024-07-01 00:00:00-04:00,3.5\n"
)


@pytest.mark.parametrize(
    ("text", "layout", "name", "first"),
    [
        (p.FRED_CSV_CURRENT, "fred", "WALCL", ("2024-01-03", 7681024.0)),
        (p.FRED_CSV_LEGACY, "fred", "DGS10", ("2012-09-04", 1.57)),
        (p.FRED_CSV_FREDAPI, "fredapi", "WALCL", ("2007-01-03", 874626.0)),
        (YF_MULTI, "yahoo_multiindex", "SPY", ("2024-01-02", 461.2466125488281)),
        (YF_MULTI_ADJ, "yahoo_multiindex", "TLT", ("2010-01-04", 58.250396728515625)),
        (YF_MALFORMED, "yahoo_multiindex_malformed", "IEF", ("2002-07-30", 41.72751998901367)),
        (YF_FLAT, "yahoo_flat", None, ("2002-07-30", 37.46873092651367)),
        (YF_CLOSE, "yahoo_close", None, ("2002-07-30", 36.79093933105469)),
        (YF_CLASSIC, "yahoo_classic", None, ("2014-09-17", 457.334015)),
        (p.CBOE_CSV_6, "cboe", None, ("2020-03-13", 57.83)),
        (p.CBOE_CSV_2, "cboe", None, ("1990-01-02", 17.24)),
        (p.CBOE_CSV_SINGLE, "cboe", None, ("2007-01-03", 87.63)),
        (p.CG_CSV, "coingecko", None, ("2010-07-17", 0.09)),  # 00:00 UTC on the 18th: the 17th's close
        ("date,value\n2024-01-01,1.5\n2024-01-02,-2\n", "date_value", None, ("2024-01-01", 1.5)),
        ("Date,Value\n2024-01-01,1.5\n", "date_value", None, ("2024-01-01", 1.5)),
    ],
)
def test_layouts(text, layout, name, first):
    imported = read_series_text(text)
    assert isinstance(imported, ImportedSeries)
    assert imported.layout == layout and imported.name == name
    assert_contract(imported.series)
    assert (imported.series.index[0], imported.series.iloc[0]) == (pd.Timestamp(first[0]), first[1])
    assert imported.to_dict()["layout"] == layout


def test_classic_yahoo_null_row_is_missing():
    series = read_series_text(YF_CLASSIC).series
    assert pd.Timestamp("2014-09-18") not in series.index and len(series) == 2


def test_multiindex_prefers_adj_close():
    assert list(read_series_text(YF_MULTI_ADJ).series) == [58.250396728515625, 58.62656021118164]


def test_timezone_offsets_keep_the_written_date():
    series = read_series_text(YF_TZ).series
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-03", "2024-07-01"]


def test_duplicate_and_unsorted_dates():
    series = read_series_text("date,value\n2024-01-03,3\n2024-01-01,1\n2024-01-03,3.5\n2024-01-02,\n").series
    assert series.to_dict() == {pd.Timestamp("2024-01-01"): 1.0, pd.Timestamp("2024-01-03"): 3.5}


def test_bom_quotes_and_blank_lines(tmp_path):
    path = tmp_path / "walcl.csv"
    path.write_bytes(b'\xef\xbb\xbf"observation_date","WALCL"\r\n\r\n"2024-01-03","7681024"\r\n\r\n')
    imported = read_series_file(path)
    assert imported.layout == "fred" and imported.series.iloc[0] == 7681024.0


def test_export_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(7)
    # Up to the largest magnitude Convex accepts (issue 28: 1.8e308 is refused, see the test below).
    values = [0.1 + 0.2, 1 / 3, -36.98, 5e-324, 999_999_999_999_999.9, 8_965_487.0, -0.0, 1e-300]
    values += list(rng.normal(size=500) * 10.0 ** rng.integers(-8, 12, size=500))
    index = pd.bdate_range("2000-01-03", periods=len(values))
    original = pd.Series(values, index=index, dtype="float64")
    # The same text the CLI's export writes.
    lines = [
        "date,value",
        *(f"{d:%Y-%m-%d},{v!r}" for d, v in zip(original.index, original.tolist(), strict=True)),
    ]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    imported = read_series_file(path)
    assert imported.layout == "date_value"
    assert imported.series.tolist() == original.tolist()  # bit for bit, not approximately
    assert np.array_equal(imported.series.to_numpy().view("int64"), original.to_numpy().view("int64"))
    assert (imported.series.index == original.index).all()


def test_values_beyond_the_largest_magnitude_are_refused_with_where(tmp_path):
    # Issue 28, 6: a file alternating +-1e300 crashed every view of its link (a square overflowed).
    path = tmp_path / "huge.csv"
    rows = [f"2020-01-{d:02d},{'-' if d % 2 else ''}1e300" for d in range(1, 29)]
    path.write_text("date,value\n" + "\n".join(rows) + "\n")
    with pytest.raises(UnreadableFile, match=r"-1e\+300 on 2020-01-01, beyond the ±1e\+15"):
        read_series_file(path)


# ------------------------------------------------------------------ unreadable files


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  \r\n", "empty"),
        (p.BINARY_BYTES, "binary"),
        (p.ZIP_BYTES, "ZIP archive"),
        (gzip.compress(p.FRED_CSV_CURRENT.encode()), "gzip"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (p.HTML_PAGE.encode(), "HTML page"),
        (b'{"prices": [[1, 2]]}', "JSON"),
        (b"foo,bar,baz\n1,2,3\n", "unrecognised columns 'foo,bar,baz'"),
        (
            b"Date,Price,Open,High,Low,Vol.,Change %\n11/14/2025,671.93,665.38,675.66,663.27,96.85M,-0.02%\n",
            "unrecognised columns",
        ),
        (b"observation_date,WALCL\n", "no observations"),
        (b"observation_date,WALCL\n2024-01-03,\n2024-01-10,.\n", "no observations"),
        (p.FRED_CSV_NON_NUMERIC.encode(), "non-numeric value 'n/a!'"),
        (b"date,value\n2024-01-01,1_000\n", "non-numeric value '1_000'"),
        (b"date,value\n2024-01-01,1,234\n", "other than 2 columns"),
        (b"date,value\nyesterday,1\n", "unreadable date 'yesterday'"),
        (b"date,value\n2023-02-30,1\n", "impossible date"),
        (YF_MULTI.encode()[:-30], "truncated"),
        (b"date,value\n2024-01-01,inf\n2024-01-02,nan\n", "non-numeric value 'inf'"),
    ],
    ids=[
        "empty",
        "blank",
        "png",
        "zip",
        "gzip",
        "pdf",
        "html",
        "json",
        "wrong-columns",
        "investing-com",
        "header-only",
        "all-missing",
        "non-numeric",
        "underscore",
        "ragged",
        "bad-date",
        "impossible-date",
        "truncated",
        "inf",
    ],
)
def test_unreadable(data, reason):
    with pytest.raises(UnreadableFile, match=reason) as caught:
        read_series_bytes(data, name="upload.csv")
    message = str(caught.value)
    assert message.startswith("upload.csv: ")
    assert "expected" in message or "read as a" in message  # says what it wanted


def test_unreadable_always_says_what_is_expected():
    with pytest.raises(UnreadableFile) as caught:
        read_series_text("foo,bar\n1,2\n", name="x.csv")
    assert "observation_date,ID" in str(caught.value) and "snapped_at" in str(caught.value)


def test_recognised_layout_failure_names_the_layout():
    with pytest.raises(UnreadableFile, match="read as a CBOE history CSV, but non-numeric value"):
        read_series_text(p.CBOE_CSV_NON_NUMERIC)


def test_huge_single_line(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_text("date,value," + "9" * 200_000)
    with pytest.raises(UnreadableFile, match="line 1 is longer than"):
        read_series_file(path)


def test_file_larger_than_the_cap(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(p.FRED_CSV_CURRENT * 100)
    with pytest.raises(UnreadableFile, match="more than the"):
        read_series_file(path, max_bytes=1_000)
    assert importers.MAX_FILE_BYTES >= 10 * 1024 * 1024


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        read_series_file(tmp_path / "nope.csv")
    with pytest.raises(UnreadableFile, match="no such file"):
        read_series_file(tmp_path)


def test_latin1_file_still_reads(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,valeur café\n2024-01-01,1.5\n".encode("latin-1"))
    imported = read_series_file(path)
    assert imported.series.iloc[0] == 1.5 and imported.name == "valeur café"


def test_detect_layout_alone():
    assert detect_layout(p.CBOE_CSV_6) == "cboe"
    assert detect_layout(YF_MALFORMED) == "yahoo_multiindex_malformed"


def test_fuzzed_inputs_never_escape_as_other_exceptions():
    """Random bytes and random damage to valid files: a clean series or UnreadableFile, nothing else."""
    rng = random.Random(20240101)
    valid = [
        p.FRED_CSV_CURRENT,
        p.FRED_CSV_LEGACY,
        YF_MULTI,
        YF_MALFORMED,
        YF_CLASSIC,
        p.CBOE_CSV_6,
        p.CG_CSV,
    ]
    samples: list[bytes] = [
        bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) for _ in range(150)
    ]
    for _ in range(400):
        text = bytearray(rng.choice(valid).encode())
        for _ in range(rng.randrange(1, 4)):
            action = rng.randrange(3)
            pos = rng.randrange(len(text))
            if action == 0:
                del text[pos:]
            elif action == 1:
                text[pos] = rng.choice(b',.\n\r"-x0/ \x00\xff')
            else:
                text[pos:pos] = bytes([rng.randrange(32, 127)])
            if not text:
                break
        samples.append(bytes(text))
    outcomes = {"ok": 0, "unreadable": 0}
    for data in samples:
        try:
            imported = read_series_bytes(data)
        except UnreadableFile as exc:
            assert "unexpected" not in str(exc), (data, str(exc))  # the safety net must not be needed
            outcomes["unreadable"] += 1
        else:
            assert_contract(imported.series)
            outcomes["ok"] += 1
    assert outcomes["ok"] > 0 and outcomes["unreadable"] > 0


# ------------------------------------------------------------------ the real files


REAL_LAYOUTS = {
    "fred/matemadrigal/WALCL.csv": "fred",
    "fred/matemadrigal/WALCL_api.csv": "fredapi",
    "fred/legacy_format_shrav/DGS10.csv": "fred",
    "fred/alvin076_2023/WALCL.csv": "fred",
    "fred/bellingxu_processed/M2SL.csv": "fredapi",
    "yahoo/matemadrigal/SPY_daily.csv": "yahoo_multiindex",
    "yahoo/matdev83/TLT.csv": "yahoo_multiindex",
    "yahoo/jmlestevez/IEF.csv": "yahoo_multiindex_malformed",
    "yahoo/alitalbi/TLT.csv": "yahoo_flat",
    "yahoo/culolom/TLT.csv": "yahoo_close",
    "yahoo/feritYikar/BTC-USD.csv": "yahoo_classic",
    "cboe/VIX_History.csv": "cboe",
    "cboe/VIX_History__rrawatt_2025-08-28.csv": "cboe",
    "cboe/SPX_History__noodles-rice.csv": "cboe",
    "coingecko/btc-usd-max.csv": "coingecko",
    "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv": "fredapi_releases",
    "vintages/alfredgraph/PAYEMS_CHG_2021_vintages__AkeBoss.csv": "alfred_vintages",
}


@pytest.mark.parametrize(("relative", "layout"), REAL_LAYOUTS.items(), ids=list(REAL_LAYOUTS))
def test_real_files(shared_real, relative, layout):
    imported = read_series_file(shared_real / relative)
    assert imported.layout == layout
    assert_contract(imported.series)


# Real files that are not one series in a layout a series import reads: Investing.com's export, NBER's
# peak and trough table and a release calendar. (Vintage files are read: their latest vintage.)
NOT_ONE_SERIES = {
    "SPY_investing_com_history.csv",
    "nber_20210719_cycle_dates_pasted.csv",
    "cpi_release_dates__shmoney2.csv",
}


def test_every_real_csv_reads_or_fails_cleanly(shared_real):
    readable = 0
    for path in sorted(shared_real.rglob("*.csv")):
        try:
            read_series_file(path)
            readable += 1
        except UnreadableFile:
            assert path.name in NOT_ONE_SERIES
    assert readable >= 60


def test_real_known_values(shared_real):
    walcl = read_series_file(shared_real / "fred/matemadrigal/WALCL.csv").series
    assert walcl["2022"].max() == 8_965_487
    vix = read_series_file(shared_real / "cboe/VIX_History.csv").series
    assert vix.max() == 82.69 and vix.idxmax() == pd.Timestamp("2020-03-16")
    wti = read_series_file(shared_real / "fred/zeynepyapar/DCOILWTICO.csv").series
    assert wti[pd.Timestamp("2020-04-20")] == -36.98
    tlt = read_series_file(shared_real / "yahoo/matdev83/TLT.csv").series
    assert round(tlt[pd.Timestamp("2010-01-04")], 2) == 58.25
    btc = read_series_file(shared_real / "coingecko/btc-usd-max.csv").series
    assert btc.index[0] == pd.Timestamp("2010-07-17") and btc.iloc[0] == 0.09
