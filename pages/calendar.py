"""The release calendar: the catalog's metrics' next expected releases, each a link to its explorer."""

from __future__ import annotations

import streamlit as st

from convex import ui
from convex.jobs.calendar import BASES, DEFAULT_WEEKS, MAX_WEEKS, expected_releases
from convex.metrics.catalog import catalog
from convex.metrics.formatting import day_text
from convex.store import utcnow
from convex.ui import calendar_panel

ui.ensure_app_navigation()
WEEKS = [str(w) for w in (1, 2, DEFAULT_WEEKS, 8, 13, MAX_WEEKS)]

notices = ui.check_url({"weeks": WEEKS}, first_value=["weeks"])
st.title("Release calendar")
for notice in notices:
    st.warning(notice, icon=":material/link_off:")
weeks = int(
    st.segmented_control(
        "Weeks ahead", WEEKS, default=str(DEFAULT_WEEKS), required=True, key="weeks", bind="query-params"
    )
    or DEFAULT_WEEKS
)
store = ui.get_store()
metas = store.all_meta()
last = {i: m.last_date for i, m in metas.items() if m.has_data and m.provenance != "sample"}
schedules = calendar_panel.fred_schedules_offer(store, weeks)
calendar = expected_releases(catalog(), last, utcnow(), weeks=weeks, schedules=schedules)
st.caption(
    f"From {day_text(calendar.now)} to {day_text(calendar.until)}, New York time: when each metric's next "
    "value is due, from FRED's release calendar where it was asked for, else the release calendar kept as "
    "data, else the catalog's rule (one period after the last value stored, published its usual lag later; "
    "for CPI and payrolls an upper bound of recent lags). Overdue: due and not yet stored."
)
calendar_panel.releases_list(calendar.releases, BASES)
if calendar.unknown:
    names = ", ".join(catalog().get(i).name for i in calendar.unknown)
    st.caption(f"Not listed, nothing stored (so their next periods are unknown): {names}.")
st.caption(f"{calendar.daily} metrics are published every trading day and are not listed.")
