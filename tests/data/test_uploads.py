"""Uploads: every real layout reads with its frequency and change kind inferred, hostile files are
refused with a message, and a stored upload loads like any metric (and never from a source)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convex.data.loaded import NoDataError
from convex.data.loader import Loader
from convex.data.uploads import MAX_ROWS, UploadError, infer_frequency, is_upload_id, read_upload
from convex.metrics.catalog import catalog
from convex.store import Store
from tests.data.test_importers import REAL_LAYOUTS
from tests.fakes import synthetic_series
from tests.sources.helpers import assert_contract

FREQUENCY_OF = {"WALCL": "weekly", "M2SL": "monthly", "DGS10": "daily", "SPY": "daily", "TLT": "daily",
                "IEF": "daily", "BTC": "daily", "VIX": "daily", "SPX": "daily", "btc": "daily",
                "CPIAUCSL": "monthly", "PAYEMS": "monthly"}  # fmt: skip


@pytest.mark.parametrize("relative", list(REAL_LAYOUTS), ids=list(REAL_LAYOUTS))
def test_every_real_layout_uploads_with_its_frequency(shared_real, relative):
    data = (shared_real / relative).read_bytes()
    upload = read_upload(relative.rsplit("/", 1)[-1], data)
    assert upload.layout == REAL_LAYOUTS[relative]
    assert_contract(upload.series)
    # Named by content and by what is shown for it: the same file under the same name is the same
    # upload; under another name, or read at another frequency, it is another (issue 28: a stored
    # upload's title can never be changed by someone uploading the same bytes).
    assert is_upload_id(upload.id) and upload.id == read_upload(relative.rsplit("/", 1)[-1], data).id
    assert upload.id != read_upload("other-name.csv", data).id
    other = "monthly" if upload.frequency != "monthly" else "weekly"
    assert upload.metric_id(other, upload.change) != upload.id
    expected = next(f for key, f in FREQUENCY_OF.items() if key in relative)
    assert upload.frequency == expected
    assert upload.change == ("pct" if upload.series.min() > 0 else "diff")


def _csv(rows) -> bytes:
    return ("date,value\n" + "".join(f"{d},{v}\n" for d, v in rows)).encode()


@pytest.mark.parametrize(
    "data, message",
    [
        (bytes(range(256)) * 100, "binary file"),
        (b"PK\x03\x04" + b"x" * 100, "ZIP archive"),
        (b"", "empty"),
        (("," * 1_000_000 + "\n").encode(), "longer than"),  # 10^6 columns on one line
        (_csv([("9999-01-01", 1), ("9999-01-02", 2), ("9999-01-03", 3)]), "after 2100"),
        (_csv([("2024-01-02", 1), ("2024-01-03", 2)]), "at least 3"),
        (b"x" * (21 * 1024 * 1024), "20 MB"),
        (b"<script>alert(1)</script>\n1,2\n", "XML was found instead of CSV"),
    ],
    ids=[
        "binary",
        "zip",
        "empty",
        "million-columns",
        "year-9999",
        "two-rows",
        "too-big",
        "html",
    ],
)
def test_hostile_files_are_refused_with_a_message(data, message):
    with pytest.raises(UploadError, match=message):
        read_upload("hostile.csv", data)


def test_a_repeated_date_keeps_its_last_value_as_the_importer_does():
    upload = read_upload(
        "dupes.csv", _csv([("2024-01-02", 1), ("2024-01-02", 2), ("2024-01-03", 3), ("2024-01-04", 4)])
    )
    assert list(upload.series) == [2.0, 3.0, 4.0]  # a late correction appended at the end wins


def test_too_many_rows_are_refused():
    days = pd.date_range("1800-01-01", periods=MAX_ROWS + 1, freq="D")
    data = ("date,value\n" + "\n".join(f"{d:%Y-%m-%d},1" for d in days)).encode()
    with pytest.raises(UploadError, match="limited to 200,000"):
        read_upload("long.csv", data)


def test_frequency_follows_the_median_spacing():
    for freq, expected in (("B", "daily"), ("W-FRI", "weekly"), ("MS", "monthly"), ("QS", "quarterly")):
        index = pd.date_range("2020-01-01", periods=40, freq=freq)
        assert infer_frequency(pd.Series(np.arange(40.0), index=index)) == expected


def test_a_stored_upload_loads_like_any_metric_and_never_from_a_source():
    store = Store()
    upload = read_upload("fund nav.csv", _csv([(f"2024-01-{d:02d}", 100 + d) for d in range(2, 31)]))
    store.write_upload(upload.id, upload.name, "daily", "pct", upload.series, upload.detail)

    class NoSources(dict):
        def __missing__(self, key):
            raise AssertionError(f"an upload must not be fetched ({key})")

    loaded = Loader(store, offline=False, sources=NoSources()).load(upload.id)
    assert loaded.metric.name == "fund nav" and loaded.metric.source == "upload"
    assert loaded.provenance == "import" and loaded.detail == "uploaded file fund nav (date,value CSV)"
    pd.testing.assert_series_equal(loaded.series, upload.series, check_names=False, check_freq=False)
    assert catalog().get(upload.id) == loaded.metric  # known to the process once read
    with pytest.raises(NoDataError, match="not stored on this deployment"):
        Loader(store, offline=True).load("u:0123456789ab")


def test_the_cli_compares_a_stored_upload(capsys):
    import json

    from convex.cli import main

    store = Store()
    store.write_series("tlt", synthetic_series("tlt", years=3, seed=2), provenance="live", source="yahoo")
    upload = read_upload(
        "nav.csv", _csv((f"{d:%Y-%m-%d}", v) for d, v in synthetic_series("spy", years=3, seed=4).items())
    )
    store.write_upload(upload.id, upload.name, upload.frequency, upload.change, upload.series, upload.detail)
    assert main(["stats", upload.id, "tlt", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["name_a"] == "nav" and report["n"] > 500
    assert main(["stats", "u:0123456789ab", "tlt"]) == 1
    assert "not stored on this deployment" in " ".join(capsys.readouterr().err.split())
