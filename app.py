"""Convex: compare any two macro or market series. Run with `make run`."""

from pathlib import Path

import streamlit as st

from convex import ui
from convex.ui.server import ensure_digest_feed, refuse_client_cache_clearing

st.set_page_config(page_title="Convex", page_icon="📈", layout="wide")
ui.apply_secrets()
refuse_client_cache_clearing()  # a visitor cannot empty every user's caches
ensure_digest_feed(Path(__file__).with_name("static"))
ui.close_sidebar_after_changes_on_narrow_screens()

pages = [
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", default=True),
    st.Page("pages/metric.py", title="Metric explorer", icon=":material/query_stats:", url_path="metric"),
    st.Page("pages/screener.py", title="Screener", icon=":material/sort:", url_path="screener"),
    st.Page("pages/calendar.py", title="Release calendar", icon=":material/event:", url_path="calendar"),
    st.Page("pages/status.py", title="Data status", icon=":material/database:", url_path="status"),
    st.Page("pages/subscribe.py", title="Daily digest", url_path="subscribe", visibility="hidden"),
]
with ui.page_run():  # work done ahead in the background waits while pages run
    ui.run_page(st.navigation(pages))  # a store that cannot be used is said, not raised
