"""`convex import` of vintage files and `convex export --asof`, on the real CPIAUCSL releases: the
issue's example (January 2024 as first published, 309.685, as known on 20 Feb 2024, and no February)."""

from __future__ import annotations

import pandas as pd
import pytest

from convex.cli import main
from convex.store import Store

CPI = "vintages/alfred_all_releases/CPIAUCSL_all_releases__georgeqanfin.csv"
PAYEMS = "vintages/alfredgraph/PAYEMS_CHG_2021_vintages__AkeBoss.csv"


def test_export_as_known_on_a_day_from_imported_releases(shared_real, capsys):
    assert main(["import", "cpiaucsl", str(shared_real / CPI)]) == 0
    said = capsys.readouterr().out
    assert "3,103 vintage rows" in said and "669 vintages" in said and "latest vintage is the series" in said
    assert main(["export", "cpiaucsl", "--asof", "2024-02-20"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "date,value" and lines[-1] == "2024-01-01,309.685"
    assert not any(line.startswith("2024-02") for line in lines)
    assert "vintage in force on 20 Feb 2024" in captured.err
    # Without --asof: today's values (the latest vintage), January 2024 revised twice since.
    assert main(["export", "cpiaucsl"]) == 0
    assert "2024-01-01,309.698" in capsys.readouterr().out.splitlines()


def test_a_vintage_file_keeps_a_live_series_stored(shared_real, capsys):
    # Live values made up near the real ones (the import checks they agree), to 2026-10.
    live = pd.Series(320.0, index=pd.date_range("2024-01-01", periods=34, freq="MS", name="date"))
    Store().write_series("cpiaucsl", live, provenance="live", source="fred")
    assert main(["import", "cpiaucsl", str(shared_real / CPI)]) == 0
    assert "live series stored is kept" in capsys.readouterr().out
    store = Store()
    assert store.read_series("cpiaucsl").tolist() == live.tolist()
    assert store.meta("cpiaucsl").provenance == "live"
    assert store.vintage_set("cpiaucsl").rows == 3103


def test_a_change_file_is_not_imported_as_levels(shared_real, capsys):
    assert main(["import", "payems", str(shared_real / PAYEMS)]) == 1
    err = capsys.readouterr().err
    assert "change (ALFRED's CHG units)" in err and "Nothing was changed" in err
    assert Store().vintage_set("payems") is None and Store().meta("payems") is None


@pytest.mark.parametrize(
    "day",
    ["2024-02-30", "24-02-20", "2024-2-20", "１９９９-01-01", "2999-01-01", "1899-12-31", " 2024-02-20"],
)
def test_asof_must_be_a_real_past_day(day, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["export", "cpiaucsl", "--asof", day])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "asof must be a day YYYY-MM-DD" in err and day not in err.split("asof must")[1]
