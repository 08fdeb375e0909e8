"""Bench baseline: the least a Streamlit script needs to draw the compare page's two series.

It reads the same store as the app (CONVEX_DATA_DIR), cuts both series to the chosen lookback and
draws each as a plain Altair line chart: no alignment, statistics, thinning, crosshair or text.
The lookback picker is the same widget as the compare page's (segmented control, key `lookback`,
bound to the URL), so AppTest changes it the same way. Run by the bench, not by people:
`streamlit run bench/baseline_app.py` works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from convex.analytics.align import LOOKBACKS  # noqa: E402
from convex.store import Store, default_data_dir  # noqa: E402

A, B = "walcl", "tlt"


@st.cache_data(show_spinner=False)
def read(metric_id: str, path: str) -> pd.Series:
    return Store(path).read_series(metric_id)


st.set_page_config(page_title="Baseline", layout="wide")
path = str(default_data_dir() / "convex.sqlite3")
with st.sidebar:
    lookback = st.segmented_control(
        "Lookback", list(LOOKBACKS), default="3Y", required=True, key="lookback", bind="query-params"
    )
st.title(f"{A} vs {B}")
for metric_id in (A, B):
    series = read(metric_id, path)
    offset = LOOKBACKS[lookback]
    if offset is not None and len(series):
        series = series[series.index > series.index[-1] - offset]
    data = series.rename("value").reset_index()
    st.altair_chart(
        alt.Chart(data).mark_line().encode(x="date:T", y=alt.Y("value:Q", scale=alt.Scale(zero=False))),
        width="stretch",
    )
