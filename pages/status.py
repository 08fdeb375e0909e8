"""What is stored, from where, how fresh, and the last errors; refresh a metric on demand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from convex import ui
from convex.metrics.catalog import catalog
from convex.metrics.freshness import freshness
from convex.store import utcnow

ui.ensure_app_navigation()

st.title("Data status")
store = ui.get_store()
loader = ui.get_loader()
metas = store.all_meta()

now = utcnow()
rows = []
for m in catalog():
    meta = metas.get(m.id)
    if m.is_derived:
        inputs = [metas.get(i.id) for i in m.inputs]
        has = all(x is not None and x.has_data for x in inputs)
        rows.append(
            {
                "Metric": m.name,
                "Id": m.id,
                "Domain": m.domain,
                "Source": "derived",
                "Data": "computed" if has else "inputs missing",
                "First": None,
                "Last": None,
                "Points": None,
                "Latest age (days)": None,
                "Stale": None,
                "Fetched": "",
                "Last error": "",
            }
        )
        continue
    state = freshness(m, meta.last_date, now) if meta and meta.last_date is not None else None
    rows.append(
        {
            "Metric": m.name,
            "Id": m.id,
            "Domain": m.domain,
            "Source": f"{m.source}: {m.symbol}",
            "Data": (meta.provenance if meta and meta.has_data else "none") or "none",
            "First": meta.first_date.date() if meta and meta.first_date is not None else None,
            "Last": meta.last_date.date() if meta and meta.last_date is not None else None,
            "Points": meta.points if meta else 0,
            # The observation's age and the fetch's age are different facts: a file imported a
            # minute ago can hold data that stopped months ago (convex/metrics/freshness.py).
            "Latest age (days)": state.age_days if state else None,
            "Stale": state.stale if state else None,
            "Fetched": ui.humanize_age(meta.fetched_at) if meta and meta.fetched_at else "",
            "Last error": (meta.last_error or "") if meta else "",
        }
    )
table = pd.DataFrame(rows)

stored = table[table["Data"].isin(["live", "import", "sample"])]
counts = stored["Data"].value_counts()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Metrics with data", f"{len(stored)} of {int((table['Source'] != 'derived').sum())}")
c2.metric("Live", int(counts.get("live", 0)))
c3.metric("Imported", int(counts.get("import", 0)))
c4.metric("Offline sample", int(counts.get("sample", 0)))
mode = (
    "offline (CONVEX_OFFLINE=1): nothing is fetched"
    if loader.offline
    else "shared by app replicas: pages only read it, the refresh worker (`convex worker`) fetches"
    if store.shared
    else "read-only: what is stored is shown, nothing is fetched"
    if store.read_only
    else "online: stale data is refreshed on view"
)
# Which kind of store, never where: a file path or a server address is not for every visitor.
kind = "PostgreSQL, shared by the app replicas" if store.shared else "SQLite, one file on this server"
st.caption(f"Store: {kind} · Mode: {mode}")

only_with_data = st.toggle("Only metrics with data", key="with_data", bind="query-params")
shown = stored if only_with_data else table
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "Points": st.column_config.NumberColumn(format="%d"),
        "First": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Last": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Last error": st.column_config.TextColumn(width="large"),
    },
)

st.subheader("Latest fetches")
attempts = store.attempts(limit=50)
if attempts:
    st.dataframe(
        pd.DataFrame(
            {
                "Started": [ui.humanize_age(a.started_at) for a in attempts],
                "Metric": [a.metric_id for a in attempts],
                "By": [a.actor for a in attempts],
                "Result": [a.status for a in attempts],
                "New": [a.new_points for a in attempts],
                "Revised": [a.revised_points for a in attempts],
                "Error": [a.error or "" for a in attempts],
                "Seconds": [round((a.finished_at - a.started_at).total_seconds(), 1) for a in attempts],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Error": st.column_config.TextColumn(width="large")},
    )
else:
    st.caption("No fetch has been tried yet.")

if store.shared:
    st.caption(
        "Pages never fetch from a shared store: the refresh worker refreshes each metric when it is "
        "due. From a terminal: `convex worker --once` runs one pass, `convex status` lists the store."
    )
    st.stop()

st.subheader("Refresh a metric")
fetchable = [m.id for m in catalog() if not m.is_derived]
choice = st.selectbox("Metric", fetchable, format_func=ui.metric_label, key="refresh_metric")
if st.button(
    "Refresh now",
    icon=":material/refresh:",
    disabled=loader.offline or store.read_only,
    help="Offline mode is on: unset CONVEX_OFFLINE to fetch."
    if loader.offline
    else "The store is read-only: what is fetched could not be kept."
    if store.read_only
    else "Fetch from the source even if the stored data is fresh.",
):
    with st.spinner(f"Fetching {catalog().get(choice).name}…"):
        outcome = loader.refresh(choice, force=True)
    ui.clear_caches()
    if outcome.status in ("updated", "fresh"):
        st.success(
            f"{choice}: {outcome.status}, {outcome.new_points} new and {outcome.revised_points} "
            "revised points."
        )
    else:
        st.error(f"{choice}: {outcome.status}. {outcome.reason}")
st.caption(
    "From a terminal: `python -m convex refresh --all`, `python -m convex status`, "
    "`python -m convex import ID FILE`."
)
