"""Metric pickers: the catalog in picker order, labels, and a picker kept in step with the URL."""

from __future__ import annotations

import streamlit as st

from ..content.words import short_name
from ..metrics.catalog import catalog
from ..metrics.metric import DOMAINS, Metric, UnknownMetricError
from .data import metric
from .url import sanitize_choice


def describe_metric(metric: Metric) -> str:
    return f"{metric.domain} · {metric.frequency}"


def metric_options() -> list[str]:
    """Catalog ids in picker order: by domain, then name."""
    return [m.id for d in DOMAINS for m in sorted(catalog().in_domain(d), key=lambda m: m.name)]


def pair_label(a_id: str, b_id: str, provenance: str = "live") -> str:
    """A link's words for a pair, short enough for one line on a phone: "Fed Balance Sheet vs TLT"."""
    a, b = metric(a_id), metric(b_id)
    return f"{short_name(a)} vs {short_name(b)}" + (" (sample)" if provenance == "sample" else "")


def metric_label(metric_id: str) -> str:
    try:
        return metric(metric_id).label
    except UnknownMetricError:  # text typed into a picker's search box, before it is read
        return str(metric_id)[:80]


def metric_picker(label: str, key: str, options: list[str] | None = None, *, on_change=None) -> None:
    """A searchable "Domain · Name" picker of every catalog metric (or of `options`); its id goes
    to the URL as `key` (see sync_choice_with_url, which must run first). With `on_change`, text
    typed into its search box that matches no option is accepted and handed to it (a formula)."""
    st.selectbox(
        label,
        options or metric_options(),
        key=key,
        format_func=metric_label,
        on_change=on_change or write_choice_to_url,
        args=(key,),
        accept_new_options=on_change is not None,
        help="Type to search by domain or name"
        + (", or type a formula such as spy / tlt and press Enter." if on_change else "."),
    )


def sync_choice_with_url(key: str, options: list[str], default: str) -> str | None:
    """Keep an unbound picker (whose URL value is a catalog id) in step with the URL.

    The URL wins when it holds a valid id (an opened link); otherwise the picker keeps its value
    or starts at `default`. Returns a notice when the URL's value had to be replaced.
    """
    given = st.query_params.get_all(key)
    wanted = sanitize_choice(given[-1], options) if given else None
    notice = None
    if given and wanted is None:
        notice = f"The link's “{key}” is not a Convex metric id, so {metric_label(default)} is shown."
    if wanted is not None:
        st.session_state[key] = wanted
    elif st.session_state.get(key) not in options:
        st.session_state[key] = default
    st.query_params[key] = st.session_state[key]
    return notice


def write_choice_to_url(key: str) -> None:
    st.query_params[key] = st.session_state[key]
