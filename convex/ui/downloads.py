"""The compare page's downloads: the aligned pair as the statistics use it, the pair as published
where a side has a publication lag (what lead-lag, Granger and the scenarios use), the statistics as
JSON; each CSV's dating said beside it."""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from ..analytics.align import align_pair
from ..analytics.published import published_table
from ..analytics.report import PairReport
from ..api.views import compare_dict, pair_csv
from ..data.loaded import LoadedSeries, pair_options


def pair_downloads(
    a_id: str,
    b_id: str,
    la: LoadedSeries,
    lb: LoadedSeries,
    report: PairReport,
    scenario: Callable[[], object | None],
    drawn: Callable[[], PairReport] | None = None,
) -> None:
    """The download buttons and what each holds. When the JSON is asked for, `drawn` gives the report
    of the view shown (its spread may have been changed beside the charts since the page ran) and
    `scenario` the scenario report shown (None while its section is closed): both parts rerun alone."""
    aligned = report.aligned
    releases = la.dating.release, lb.dating.release
    columns = st.columns(3 if any(releases) else 2)
    columns[0].download_button(
        "Aligned data (CSV)",
        data=lambda: pair_csv(aligned.frame, a_id, b_id),
        file_name=f"{a_id}_vs_{b_id}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    columns[1].download_button(
        "Statistics (JSON)",
        # The pair's one serialiser (convex.api.views): what `convex stats --json` and the API give.
        data=lambda: _statistics_json(a_id, b_id, la, lb, drawn() if drawn else report, scenario()),
        file_name=f"{a_id}_vs_{b_id}_statistics.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/data_object:",
    )
    said = "Aligned data: each row at the date its values refer to (correlations, beta, co-movement)."
    if any(releases):

        def as_published() -> str:
            published = align_pair(la.series, lb.series, lookback=aligned.lookback, as_published=True,
                                   **pair_options(la, lb))  # fmt: skip
            table = published_table(published, dates_a=la.series.index, dates_b=lb.series.index,
                                    release_a=releases[0], release_b=releases[1])  # fmt: skip
            return pair_csv(table, a_id, b_id)

        columns[2].download_button(
            "As published (CSV)",
            data=as_published,
            file_name=f"{a_id}_vs_{b_id}_as_published.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/event_available:",
        )
        said += (
            " As published: each row at the first close that can reflect both values (lead-lag, Granger, "
            "scenarios), with the date of the value each side with a publication lag carries there "
            f"(`convex export {a_id} {b_id} --published`)."
        )
    st.caption(said)


def _statistics_json(
    a_id: str, b_id: str, la: LoadedSeries, lb: LoadedSeries, report: PairReport, scenario
) -> str:
    return json.dumps(
        {
            **compare_dict(a_id, b_id, la, lb, report),
            **({"scenario": scenario.to_dict()} if scenario is not None else {}),
        },
        indent=2,
    )
