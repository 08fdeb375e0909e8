"""The release calendar: rule and calendar-data dates computed by hand, `convex calendar` and the page.
(FRED's own calendar, read from a real recording: tests/sources/test_fred_calendar.py.)"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from convex.cli import main
from convex.jobs.calendar import expected_releases
from convex.metrics.catalog import catalog
from convex.store import Store

T = pd.Timestamp
CPI_CSV = Path(__file__).resolve().parents[2] / "convex" / "metrics" / "releases" / "cpi.csv"
def _bls_day(period: str) -> pd.Timestamp:
    with CPI_CSV.open() as fh:
        return next(T(r["released"]) for r in csv.DictReader(fh) if r["period"] == period)


def test_due_dates_from_the_calendar_data_and_the_rule_by_hand():
    metrics = [catalog().get(i) for i in ("cpiaucsl", "walcl", "payems", "dgs10", "gdpc1", "btc")]
    last = {"cpiaucsl": T("2026-08-01"), "walcl": T("2026-09-23"), "payems": T("2025-08-01")}
    now = datetime(2026, 10, 1, 16, 0, tzinfo=UTC)  # 12:00 in New York
    calendar = expected_releases(metrics, last, now, weeks=2)
    cpi = [r for r in calendar.releases if r.metric_id == "cpiaucsl"]
    # September 2026's CPI: the BLS schedule kept as data, at 08:30.
    assert [(r.period, r.due, r.basis, r.overdue) for r in cpi] == [
        (T("2026-09-01"), _bls_day("2026-09") + pd.Timedelta(hours=8, minutes=30), "calendar", False)
    ]
    walcl = [r for r in calendar.releases if r.metric_id == "walcl"]
    # Wednesday levels, the rule's Thursday at 16:30: 30 Sep, 7 and 14 Oct (the 14th's Thursday is past).
    expected = [T("2026-09-30"), T("2026-10-07")]
    assert [(r.period, r.due, r.basis) for r in walcl] == [
        (day, day + pd.Timedelta(days=1, hours=16, minutes=30), "rule") for day in expected
    ]
    payems = {r.period: r for r in calendar.releases if r.metric_id == "payems"}
    # Payrolls stored to August 2025: September 2025 came on the delayed 20 Nov 2025 (calendar data);
    # every month due since is overdue (by the rule where the calendar data have no day), and September
    # 2026's is due on the 12th of October.
    september = payems[T("2025-09-01")]
    assert september.due.normalize() == T("2025-11-20") and september.basis == "calendar"
    assert payems[T("2025-10-01")].basis == "rule" and payems[T("2025-10-01")].overdue
    assert [r.period for r in payems.values() if not r.overdue] == [T("2026-09-01")]
    assert payems[T("2026-09-01")].due == T("2026-10-12 08:30") and calendar.now == T("2026-10-01 12:00")
    assert calendar.daily == 2 and calendar.unknown == ("gdpc1",)  # DGS10 and BTC; GDP has nothing stored
    assert [r.due for r in calendar.releases] == sorted(r.due for r in calendar.releases)


def test_convex_calendar_lists_the_stored_metrics(capsys, monkeypatch):
    store = Store()
    store.write_series("cpiaucsl", pd.Series([330.0], index=pd.DatetimeIndex([T("2026-08-01")])),
                       provenance="import", source="fred")  # fmt: skip
    monkeypatch.setattr("convex.cli.calendar.utcnow", lambda: datetime(2026, 10, 1, 16, 0, tzinfo=UTC))
    assert main(["calendar", "--weeks", "8", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["releases"][0] == {
        "metric": "cpiaucsl", "name": "CPI (All Items)", "period": "2026-09-01",
        "due": f"{_bls_day('2026-09'):%Y-%m-%d} 08:30", "basis": "calendar", "overdue": False,
    }  # fmt: skip
    assert "walcl" in document["nothing_stored"] and document["time_zone"] == "America/New_York"
    with pytest.raises(SystemExit):
        main(["calendar", "--weeks", "99"])
    assert "weeks must be a whole number from 1 to 26" in capsys.readouterr().err


def test_the_calendar_page_links_each_release_to_its_metric():
    st.cache_resource.clear()
    Store().write_series("cpiaucsl", pd.Series([330.0], index=pd.DatetimeIndex([T("2026-08-01")])),
                         provenance="import", source="fred")  # fmt: skip
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.query_params["weeks"] = "26"
    at.switch_page("pages/calendar.py").run()
    assert not at.exception and at.title[0].value == "Release calendar"
    links = [link.proto for link in at.get("page_link")]
    cpi = [link for link in links if "CPI (All Items)" in link.label]
    assert cpi and "metric=cpiaucsl" in cpi[0].query_string
    assert "value for Sep 2026" in cpi[0].label and "the release calendar kept as data" in cpi[0].label
    assert cpi[0].page.endswith("metric")
    bad = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    bad.query_params["weeks"] = "<b>9</b>"
    bad.switch_page("pages/calendar.py").run()
    assert any("“weeks” is not valid here" in w.value for w in bad.warning)
