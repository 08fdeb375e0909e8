import io
import subprocess
import sys

import pandas as pd
import pytest

import convex.sources
from convex.cli import main
from convex.sources.base import SourceUnavailable
from convex.store import Store
from tests.fakes import FakeSource, synthetic_series


@pytest.fixture
def online(monkeypatch):
    """CLI runs that may "fetch": from fake sources, never the network."""
    monkeypatch.delenv("CONVEX_OFFLINE", raising=False)
    fakes = {name: FakeSource(name=name) for name in ("fred", "yahoo", "coingecko", "cboe")}
    monkeypatch.setattr(convex.sources, "get_source", lambda name: fakes[name])
    return fakes


def test_refresh_reports_each_metric(online, capsys):
    online["fred"].data["DGS10"] = synthetic_series("dgs10")
    online["fred"].errors["WALCL"] = SourceUnavailable("fred", "WALCL", "server error (HTTP 503)")
    code = main(["refresh", "dgs10", "walcl"])
    out = capsys.readouterr().out
    assert code == 1  # one metric failed
    assert "dgs10" in out and "updated" in out
    assert "walcl" in out and "failed" in out and "HTTP 503" in out
    assert Store().meta("dgs10").points == len(online["fred"].data["DGS10"])
    assert main(["refresh", "dgs10"]) == 0
    assert "fresh" in capsys.readouterr().out


def test_refresh_offline_refuses(capsys):
    assert main(["refresh", "dgs10"]) == 1
    assert "CONVEX_OFFLINE" in capsys.readouterr().err


def test_unknown_id_is_a_clear_error(capsys):
    assert main(["export", "nope"]) == 2
    assert "Unknown metric id 'nope'" in capsys.readouterr().err


def test_import_then_export_reproduces_values_exactly(tmp_path, capsys):
    original = synthetic_series("tlt", years=2) * 1.000000123456789  # awkward floats
    source = tmp_path / "tlt.csv"
    original.rename("Close").rename_axis("Date").to_frame().to_csv(source)
    assert main(["import", "tlt", str(source)]) == 0
    meta = Store().meta("tlt")
    assert meta.provenance == "import" and meta.detail == "tlt.csv" and meta.points == len(original)

    exported = tmp_path / "export.csv"
    assert main(["export", "tlt", "--out", str(exported)]) == 0
    assert exported.read_text().splitlines()[0] == "date,value"
    Store().write_series("tlt", original.iloc[:3], provenance="live", source="yahoo")  # overwrite
    assert main(["import", "tlt", str(exported)]) == 0
    back = Store().read_series("tlt")
    assert back.to_numpy().tolist() == original.to_numpy().tolist()  # bit for bit
    assert (back.index == original.index).all()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
        b"<html><body>Service unavailable</body></html>",
        b"date,value\n2024-01-01,abc\n",
        b"a,b,c\n1,2,3\n",
        b"x" * 2_000_000,
    ],
    ids=["empty", "binary", "html", "non-numeric", "wrong-columns", "huge-line"],
)
def test_unreadable_file_changes_nothing(tmp_path, capsys, content):
    store = Store()
    before = synthetic_series("gld", years=1)
    store.write_series("gld", before, provenance="live", source="yahoo")
    meta_before = store.meta("gld")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    assert main(["import", "gld", str(bad)]) == 1
    assert "error" in capsys.readouterr().err
    pd.testing.assert_series_equal(store.read_series("gld"), before, check_names=False, check_freq=False)
    assert store.meta("gld") == meta_before


def test_import_of_a_missing_file_is_clear(capsys):
    assert main(["import", "gld", "/nonexistent/file.csv"]) == 1
    assert "error" in capsys.readouterr().err


def test_import_into_a_derived_metric_is_refused(tmp_path, capsys):
    assert main(["import", "net_liquidity", str(tmp_path / "x.csv")]) == 1
    assert "derived" in capsys.readouterr().err


def test_status_lists_every_stored_metric(capsys):
    Store().write_series("dgs10", synthetic_series("dgs10", years=1), provenance="live", source="fred")
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "dgs10" in out and "live" in out and "walcl" in out


def test_export_with_nothing_stored_says_so(capsys):
    assert main(["export", "dgs10"]) == 1
    assert "nothing stored" in capsys.readouterr().err


def test_module_entry_point_runs(data_dir):
    result = subprocess.run(
        [sys.executable, "-m", "convex", "status"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "Store" in result.stdout


REQUIRED_STATS_KEYS = [
    "a", "b", "frequency", "n", "start", "end", "correlation.levels", "correlation.changes",
    "correlation.changes_spearman", "correlation.changes_pvalue", "lead_lag.best_lag", "lead_lag.correlation",
    "lead_lag.significant", "regression.beta", "regression.r2", "regression.hedge_effectiveness",
    "cointegration.verdict", "cointegration.a_on_b.pvalue", "granger.a_to_b.pvalue", "granger.b_to_a.pvalue",
    "comovement.both_up", "comovement.both_down", "comovement.a_up_b_down", "comovement.a_down_b_up",
]  # fmt: skip


def _store_pair():
    store = Store()
    store.write_series("walcl", synthetic_series("walcl", years=8, seed=1), provenance="live", source="fred")
    store.write_series("tlt", synthetic_series("tlt", years=8, seed=2), provenance="live", source="yahoo")


def test_stats_json_has_every_key(capsys):
    import json

    _store_pair()
    assert main(["stats", "walcl", "tlt", "--lookback", "3y", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for dotted in REQUIRED_STATS_KEYS:
        value = report
        for part in dotted.split("."):
            assert part in value, dotted
            value = value[part]
    assert (report["a"], report["b"], report["frequency"], report["lookback"]) == (
        "walcl",
        "tlt",
        "weekly",
        "3Y",
    )
    assert report["n"] > 150 and report["start"] < report["end"]


def test_stats_on_two_dates(capsys):
    import json

    _store_pair()
    assert main(["stats", "walcl", "tlt", "--lookback", "2021-01-06..2021-12-29", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["start"], report["end"], report["lookback"]) == (
        "2021-01-06",
        "2021-12-29",
        "2021-01-06..2021-12-29",
    )
    with pytest.raises(SystemExit):
        main(["stats", "walcl", "tlt", "--lookback", "2021-12-29..2021-01-06"])
    assert "two dates YYYY-MM-DD..YYYY-MM-DD" in capsys.readouterr().err


def test_stats_of_a_formula(capsys):
    import json

    _store_pair()
    assert main(["stats", "f:walcl/tlt", "tlt", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["name_a"] == "WALCL / TLT" and report["frequency"] == "weekly" and report["n"] > 100
    assert main(["stats", "f:walcl + tlt", "tlt"]) == 2
    assert "Cannot add USD per share (adjusted) to Millions of USD" in " ".join(
        capsys.readouterr().err.split()
    )
    assert main(["stats", "f:gld/tlt", "tlt"]) == 1  # no GLD stored: fetch the formula's inputs
    assert "refresh gld tlt" in " ".join(capsys.readouterr().err.split())
    assert main(["stats", "f:os.system(1)", "tlt"]) == 2
    assert "position 3 is not allowed in a formula" in " ".join(capsys.readouterr().err.split())


def test_stats_text_report(capsys):
    _store_pair()
    assert main(["stats", "tlt", "walcl"]) == 0
    out = capsys.readouterr().out
    assert "20Y+ Treasury (TLT) vs Fed Balance Sheet" in out and "Lead-lag" in out and "Cointegration" in out


def test_stats_unknown_id_and_no_data_fail_clearly(capsys):
    assert main(["stats", "walcl", "nope"]) == 2
    assert "Unknown metric id 'nope'" in capsys.readouterr().err
    assert main(["stats", "walcl", "tlt"]) == 1
    assert "No data for walcl" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["stats", "walcl", "tlt", "--lookback", "7Y"])


def test_the_installed_convex_command_works_from_any_folder(tmp_path):
    # `make run` and `make test` install the project itself, so the command is beside Python.
    from pathlib import Path

    command = Path(sys.executable).with_name("convex")
    assert command.exists(), "the project is not installed in this environment: run `make test`"
    result = subprocess.run(
        [str(command), "status"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "spx" in result.stdout and "sample" in result.stdout  # the packaged samples it serves


def test_scenario_sentences_and_json(capsys):
    import json

    _store_pair()
    assert main(["scenario", "walcl", "tlt", "--move", "-1%", "--horizon", "13w", "--lookback", "Max"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert "when Fed Balance Sheet fell 1.00% or more in 13 weeks" in lines[1]
    assert main(["scenario", "walcl", "tlt", "--move=-1%", "--horizon", "13", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["event_study"]["move"] == -0.01 and report["event_study"]["horizon"] == 13
    assert {"episodes", "after_episodes", "unconditional", "pvalue"} <= set(report["event_study"])
    assert {"response", "low", "high"} <= set(report["response"])
    assert {"change", "low_80", "high_95", "backtest"} <= set(report["forecast"])
    assert "as published" in report["method"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--move", "-2bp"], "moves in %"),
        (["--move", "lots"], "not a number like -2%"),
        (["--move", "0%"], "must not be zero"),
        (["--horizon", "21d"], "aligned weekly"),
        (["--horizon", "0"], "not a number of periods"),
    ],
)
def test_scenario_refuses_a_bad_move_or_horizon_clearly(capsys, args, message):
    _store_pair()
    assert main(["scenario", "walcl", "tlt", *args]) == 2
    assert message in capsys.readouterr().err


def test_export_of_a_pair_gives_the_aligned_rows_and_as_published_the_date_each_value_entered(capsys):
    """`convex export A B [--published]`: the rows the statistics use; as published, each row at the
    first close after the lagged value's release, with that value's own date beside it."""
    from convex.analytics.align import align_pair
    from convex.data.loaded import pair_options
    from convex.data.loader import Loader

    _store_pair()
    assert main(["export", "walcl", "tlt", "--lookback", "1Y"]) == 0
    captured = capsys.readouterr()
    rows = pd.read_csv(io.StringIO(captured.out), index_col="date", parse_dates=True)
    assert list(rows.columns) == ["walcl", "tlt", "walcl_change", "tlt_change"]
    assert "each row at the date its values refer to" in captured.err
    la, lb = (Loader(Store(), offline=True).load(i) for i in ("walcl", "tlt"))
    aligned = align_pair(la.series, lb.series, lookback="1Y", **pair_options(la, lb))
    assert rows.index.equals(aligned.frame.index.rename("date"))
    assert rows["walcl"].to_numpy() == pytest.approx(aligned.frame["a"].to_numpy(), rel=1e-15)

    assert main(["export", "walcl", "tlt", "--lookback", "1Y", "--published"]) == 0
    captured = capsys.readouterr()
    published = pd.read_csv(
        io.StringIO(captured.out), index_col="date", parse_dates=["date", "walcl_value_date"]
    )
    assert "as published" in captured.err and "tlt_value_date" not in published.columns
    release = la.dating.release
    # Each row carries the latest balance sheet out by its day, and none before its release.
    available = pd.Series(release.available(la.series.index), index=la.series.index)
    for day, value_date in published["walcl_value_date"].items():
        assert available[value_date] <= day
        later = available[(available.index > value_date)]
        assert later.empty or later.iloc[0] > day
        assert published.loc[day, "walcl"] == la.series[value_date]
