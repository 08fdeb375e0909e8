"""FRED's release calendar through the API, on the real `release/dates` recording of CPI (pyfredapi
cassette, ../shared/data/real) served by the loopback server: its days agree with ALFRED's first
releases (releases/cpi.csv), and the calendar uses them with a key."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from convex.jobs.calendar import expected_releases, fred_schedules
from convex.metrics.catalog import catalog
from convex.sources.fred import FredSource
from tests.jobs.test_calendar import _bls_day

from .cassettes import cassette_bodies
from .helpers import FAKE_FRED_KEY

T = pd.Timestamp
RELEASE_DATES = "vintages/fred_api_cassettes__pyfredapi/test_get_release_dates.yaml"
# FRED's `series/release` answer for CPIAUCSL, hand-made in the API's documented JSON layout.
SERIES_RELEASE = (
    '{"realtime_start":"2024-01-01","realtime_end":"2024-01-01","releases":[{"id":10,"realtime_start":'
    '"2024-01-01","realtime_end":"2024-01-01","name":"Consumer Price Index","press_release":true,'
    '"link":"http://www.bls.gov/cpi/"}]}'
)


@pytest.fixture
def keyed(server, http, no_limit):
    return FredSource(api_key=FAKE_FRED_KEY, http=http, api_root=server.url + "/fred", limiter=no_limit)


def test_freds_calendar_of_cpi_agrees_with_alfreds_first_releases(keyed, server, shared_real):
    server.reply("/fred/series/release", 200, SERIES_RELEASE)
    server.reply("/fred/release/dates", 200, cassette_bodies(shared_real / RELEASE_DATES)[0])
    schedule = keyed.release_schedule("CPIAUCSL", T("2024-01-01"), T("2024-10-31"))
    assert (schedule.release_id, schedule.name) == (10, "Consumer Price Index")
    asked = server.requests[1].query
    assert asked["release_id"] == "10" and asked["include_release_dates_with_no_data"] == "true"
    # FRED lists every CPI publication day: the monthly releases and the seasonal-factor revision of
    # 9 Feb 2024; the monthly ones are ALFRED's first-release days (releases/cpi.csv).
    assert T("2024-02-09") in schedule.dates
    monthly = [d for d in schedule.dates if d != T("2024-02-09")]
    periods = [f"{p:%Y-%m}" for p in pd.date_range("2023-12-01", periods=len(monthly), freq="MS")]
    assert monthly == [_bls_day(p) for p in periods]

    cpi = catalog().get("cpiaucsl")
    server.routes.clear()
    server.reply("/fred/series/release", 200, SERIES_RELEASE)
    server.reply("/fred/release/dates", 200, cassette_bodies(shared_real / RELEASE_DATES)[0])
    now = datetime(2024, 3, 1, 15, 0, tzinfo=UTC)
    schedules, failed = fred_schedules(keyed, [cpi], now, weeks=8)
    calendar = expected_releases([cpi], {"cpiaucsl": T("2024-01-01")}, now, weeks=8, schedules=schedules)
    assert failed == [] and [r.due for r in calendar.releases] == [
        T("2024-03-12 08:30"), T("2024-04-10 08:30")
    ]
    assert {r.basis for r in calendar.releases} == {"fred"} and calendar.releases[0].period is None


