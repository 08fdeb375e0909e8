"""The figures every way into Convex gives, and their JSON, from one place: a pair's report, a
scenario, the screen. `convex stats --json`, `convex scenario --json`, the Python API's `to_dict()`
and the HTTP API's answers are these functions' output, so they cannot drift apart, and each
computes as the compare and screener pages do (their defaults, the same analytics calls).

Everything here reads the store and never fetches: the loader it is given decides (the command
line's and the Python API's are offline; the HTTP API's is offline and read-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from ..data.loaded import LoadedSeries, NoDataError, pair_options
from ..data.loader import Loader
from ..store import utcnow
from . import params

if TYPE_CHECKING:
    from ..analytics.report import PairReport
    from ..analytics.scenarios import ScenarioReport
    from ..analytics.screener import RankedScreen
    from ..content.related import CandidateSeries
    from ..jobs.screening import ScreenFilters

# The compare page's statistics window for each metric's own figures (its "Statistics window").
DEFAULT_STATS_WINDOW = "90D"


def today() -> pd.Timestamp:
    """The day a window's age is measured from: today's date in UTC, as the compare page has it."""
    return pd.Timestamp(utcnow().date())


def check_ids(ids: list[str]) -> list[str]:
    """Each a catalog id, a formula or an upload id (params.metric_id); the ids, in order."""
    return [params.metric_id(i) for i in ids]


def load_pair(
    loader: Loader, a_id: str, b_id: str, *, asof: pd.Timestamp | None = None
) -> tuple[LoadedSeries, LoadedSeries]:
    """Both metrics through `loader`, as known on `asof` when given (data/asof.py); NoDataError names
    the one without data."""
    params.metric_id(a_id, "a")
    params.metric_id(b_id, "b")
    if a_id == b_id:
        raise params.ParamError("b", "pick two different metrics")
    if asof is not None:
        return loader.load_as_of(a_id, asof), loader.load_as_of(b_id, asof)
    return loader.load(a_id), loader.load(b_id)


def fetch_hint(error: NoDataError) -> str:
    """What to fetch for a metric without data: a formula's or derived metric's inputs, else itself."""
    from ..data.uploads import is_upload_id
    from ..metrics.catalog import catalog

    inputs = () if is_upload_id(error.metric_id) else catalog().get(error.metric_id).inputs
    return " ".join(i.id for i in inputs) or error.metric_id


# --------------------------------------------------------------------------- a pair


def pair_report(
    la: LoadedSeries,
    lb: LoadedSeries,
    window: str,
    *,
    rolling_window: int | None = None,
    stats_window: str = DEFAULT_STATS_WINDOW,
    as_of: pd.Timestamp | None = None,
) -> PairReport:
    """The compare page's analysis of a pair for one window: every pair statistic, each metric's own
    statistics over `stats_window` and every spread (analytics.report.pair_report)."""
    from ..analytics.report import pair_report as report

    return report(
        la.series, lb.series, lookback=window, today=as_of if as_of is not None else today(),
        rolling_window=rolling_window, metric_window=stats_window, **pair_options(la, lb),
    )  # fmt: skip


def compare_dict(a_id: str, b_id: str, la: LoadedSeries, lb: LoadedSeries, report: PairReport) -> dict:
    """The pair's JSON: report.to_dict() (aligned window, every statistic, each metric's statistics,
    the spreads), the ids as asked for, the names, where each series comes from, the one-line summary."""
    from ..content.summary import pair_summary

    out = report.to_dict()
    out.update(
        a=a_id, b=b_id, name_a=la.metric.name, name_b=lb.metric.name,
        provenance_a=la.provenance, provenance_b=lb.provenance,
        summary=pair_summary(report, (la.metric, lb.metric)),
    )  # fmt: skip
    out.update(asof_dict(la, lb))
    return out


def asof_dict(la: LoadedSeries, lb: LoadedSeries) -> dict:
    """For a pair as known on a past day: that day and how each series was made (data/asof.py's
    basis and words); nothing for today's data."""
    if la.as_of is None or lb.as_of is None:
        return {}
    return {
        "known_on": {
            "day": f"{la.as_of.day:%Y-%m-%d}",
            "a": {"basis": la.as_of.basis, "words": la.as_of.words},
            "b": {"basis": lb.as_of.basis, "words": lb.as_of.words},
        }
    }


def asof_lines(la: LoadedSeries, lb: LoadedSeries) -> list[str]:
    """The lines a report of a pair as known on a past day starts with (none for today's data)."""
    if la.as_of is None or lb.as_of is None:
        return []
    from ..metrics.formatting import day_text

    return [f"As known on {day_text(la.as_of.day)}:", f"- {la.as_of.words}.", f"- {lb.as_of.words}.", ""]


# --------------------------------------------------------------------------- a scenario


def scenario_report(
    la: LoadedSeries, lb: LoadedSeries, window: str, move: object = None, horizon: object = None
) -> ScenarioReport:
    """The compare page's scenario section: episodes of A moving `move` (default: its latest move)
    over `horizon` periods (default per frequency) and what B did, B's response and forecast."""
    from ..analytics.scenarios import DEFAULT_HORIZON, default_move, scenario_alignment
    from ..analytics.scenarios import scenario_report as report

    aligned = scenario_alignment(la.series, lb.series, lookback=window, **pair_options(la, lb))
    if horizon is None:
        periods = DEFAULT_HORIZON[aligned.frequency]
    else:
        periods = params.parse_horizon(horizon, aligned.frequency)
    default = default_move(aligned, periods) if move is None else None
    amount = (default and default.move) if move is None else params.parse_move(move, la.metric.change)
    if not amount:
        raise params.ParamError("move", f"A has no move over its latest {periods} periods: give a move")
    return report(aligned, amount, periods, default=default)


def scenario_dict(
    a_id: str,
    b_id: str,
    report: ScenarioReport,
    la: LoadedSeries | None = None,
    lb: LoadedSeries | None = None,
) -> dict:
    asof = asof_dict(la, lb) if la is not None and lb is not None else {}
    return {"a": a_id, "b": b_id, **report.to_dict(), **asof}


# --------------------------------------------------------------------------- the screen


def candidates(loader: Loader) -> dict[str, CandidateSeries]:
    """Every metric with stored data (derived ones from their inputs), read without fetching: what
    the screener and the related comparisons rank."""
    from ..content.related import CandidateSeries

    stored = loader.stored()
    return {i: CandidateSeries(ls.series, ls.metric, ls.frequency, ls.provenance) for i, ls in stored.items()}


def ranked_screen(
    found: Mapping[str, CandidateSeries], recent: str, long: str, filters: ScreenFilters, *, as_of=None
) -> tuple[RankedScreen, int]:
    """The screener page's ranking for these windows and filters as of a day (today by default),
    and how many pairs were screened."""
    from ..jobs import screening

    result = screening.screen(found, recent, long)
    return screening.rank(result, found, filters, as_of=as_of), len(result.table)


# The screen's columns a caller gets, in this order (the page's CSV has these and its internals).
SCREEN_COLUMNS = (
    "a", "b", "name_a", "name_b", "domain_a", "domain_b", "frequency", "r_long", "r_recent", "change",
    "pvalue", "qvalue", "passes", "n_long", "n_recent", "n_effective_long", "n_effective_recent",
    "lead_long", "lead_r_long", "lead_recent", "lead_r_recent", "lead_shift", "spread_z", "end",
    "sample", "mechanical", "link",
)  # fmt: skip


def screen_frame(
    ranked: RankedScreen, recent: str, long: str, *, lead_shifts_only: bool = False
) -> pd.DataFrame:
    """The ranked pairs, smallest p first, with the compare-page link (relative to the app) that shows
    each pair's two windows; `attrs` holds the counts the multiple-testing correction needs."""
    from ..jobs import screening

    t = ranked.table
    links = [
        screening.compare_link(screening.compare_params(a, b, f, recent, long, e))
        for a, b, f, e in zip(t["a"], t["b"], t["frequency"], t["end"], strict=True)
    ]
    frame = t.assign(link=links)[list(SCREEN_COLUMNS)] if len(t) else pd.DataFrame(columns=SCREEN_COLUMNS)
    if lead_shifts_only and len(frame):
        frame = frame[frame["lead_shift"]].reset_index(drop=True)
    frame.attrs.update(
        recent=recent, long=long, tested=ranked.tested, below_threshold=ranked.below_threshold,
        expected_by_chance=ranked.expected_by_chance, discoveries=ranked.discoveries,
        lead_searched=ranked.lead_searched, lead_shifts=ranked.lead_shifts,
        lead_shifts_by_chance=ranked.lead_shifts_by_chance,
        set_apart=0 if ranked.set_apart is None else len(ranked.set_apart),
        samples_left_out=ranked.samples_left_out,
    )  # fmt: skip
    return frame


def screen_dict(frame: pd.DataFrame, screened: int, limit: int | None = None) -> dict:
    """The screen's JSON: the counts, then the first `limit` pairs of screen_frame's table."""
    from ..analytics.serialise import to_jsonable

    shown = frame if limit is None else frame.head(limit)
    rows = [dict(zip(shown.columns, row, strict=True)) for row in shown.itertuples(index=False)]
    return to_jsonable({"screened": screened, **frame.attrs, "pairs_shown": len(shown),
                        "pairs_total": len(frame), "pairs": rows})  # fmt: skip


def pair_csv(table: pd.DataFrame, a_id: str, b_id: str) -> str:
    """An aligned pair's table as CSV, its columns named by the metrics' ids ("walcl",
    "walcl_change", "walcl_value_date"), dates as YYYY-MM-DD, floats exact."""
    names = {"a": a_id, "b": b_id}
    columns = {column: names[column[0]] + column[1:].replace("_chg", "_change") for column in table.columns}
    return table.rename(columns=columns).to_csv(date_format="%Y-%m-%d")
