"""What `convex.compare(...)` and `convex.scenario(...)` return: result objects in the style of
statsmodels' (typed attributes, `summary()`, `to_dict()`), with an HTML table for notebooks.

Their `to_dict()` is the one serialiser in convex.api.views: the same JSON as `convex stats --json`,
`convex scenario --json` and the HTTP API.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..data.loaded import LoadedSeries
from ..metrics.formatting import format_number, format_pvalue, format_r, format_share
from . import views

if TYPE_CHECKING:
    from ..analytics.cointegration import CointegrationStats, UnitRoots
    from ..analytics.comovement import Comovement
    from ..analytics.correlation import CorrelationStats, RollingCorrelation
    from ..analytics.granger import GrangerStats
    from ..analytics.lead_lag import LeadLag
    from ..analytics.metric_stats import MetricStats
    from ..analytics.regimes import Regimes
    from ..analytics.regression import RegressionStats
    from ..analytics.report import PairReport
    from ..analytics.scenarios import EventStudy, ScenarioReport
    from ..analytics.spreads import SpreadResult


class Summary(str):
    """Text that shows as itself at a prompt (like statsmodels' summaries): `r.summary()` in a
    notebook shows the line, `print(r.summary())` prints it in a script, `str()` gives it."""

    def __repr__(self) -> str:
        return str(self)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _day(stamp: pd.Timestamp | None) -> str:
    return "n/a" if stamp is None else f"{stamp:%Y-%m-%d}"


def _interval(low: float | None, high: float | None, digits: int = 2) -> str:
    if not (_finite(low) and _finite(high)):
        return ""
    return f"{format_number(low, digits)} to {format_number(high, digits)}"


def _table(caption: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{cells}</tbody></table>"
    )


@dataclass(frozen=True, eq=False, repr=False)
class Comparison:
    """A pair compared over one window: every figure of the compare page.

    Typed attributes are the analytics results (`correlation`, `regression`, `lead_lag`,
    `granger`, `cointegration`, `comovement`, `regimes`, `unit_roots`, `rolling_correlation`,
    each metric's own statistics `metric_a` / `metric_b`, `spreads`); `r`, `pvalue`, `beta` and
    the hedge effectiveness are the headline numbers. `aligned` is the aligned data the figures
    come from, `a` and `b` the ids as asked for, `loaded_a` / `loaded_b` each series with its
    provenance.
    """

    a: str
    b: str
    loaded_a: LoadedSeries
    loaded_b: LoadedSeries
    report: PairReport

    # ------------------------------------------------------------------ the window
    @property
    def name_a(self) -> str:
        return self.loaded_a.metric.name

    @property
    def name_b(self) -> str:
        return self.loaded_b.metric.name

    @property
    def lookback(self) -> str:
        """The window asked for: a lookback ("5Y") or two dates ("2020-03-02..2020-06-26")."""
        return self.report.aligned.lookback

    @property
    def frequency(self) -> str:
        return self.report.aligned.frequency

    @property
    def n(self) -> int:
        return self.report.aligned.n

    @property
    def start(self) -> pd.Timestamp | None:
        """The window's first aligned date (what the data allows, not what was asked)."""
        return self.report.aligned.start

    @property
    def end(self) -> pd.Timestamp | None:
        return self.report.aligned.end

    @property
    def aligned(self) -> pd.DataFrame:
        """The aligned window: levels `a`, `b` and per-period changes `a_chg`, `b_chg` by date."""
        return self.report.aligned.frame.copy()

    @property
    def method(self) -> str:
        """How the two series were aligned, in words."""
        return self.report.aligned.method

    # ------------------------------------------------------------------ the statistics
    @property
    def correlation(self) -> CorrelationStats:
        return self.report.stats.correlation

    @property
    def rolling_correlation(self) -> RollingCorrelation:
        return self.report.stats.rolling_correlation

    @property
    def lead_lag(self) -> LeadLag:
        return self.report.stats.lead_lag

    @property
    def granger(self) -> GrangerStats:
        return self.report.stats.granger

    @property
    def regression(self) -> RegressionStats:
        return self.report.stats.regression

    @property
    def unit_roots(self) -> UnitRoots:
        return self.report.stats.unit_roots

    @property
    def cointegration(self) -> CointegrationStats:
        return self.report.stats.cointegration

    @property
    def comovement(self) -> Comovement:
        return self.report.stats.comovement

    @property
    def regimes(self) -> Regimes:
        return self.report.stats.regimes

    @property
    def metric_a(self) -> MetricStats:
        return self.report.metric_a

    @property
    def metric_b(self) -> MetricStats:
        return self.report.metric_b

    @property
    def spreads(self) -> dict[str, SpreadResult]:
        return dict(self.report.spreads)

    # ------------------------------------------------------------------ headline numbers
    @property
    def r(self) -> float | None:
        """Pearson correlation of the per-period changes."""
        return self.correlation.changes

    @property
    def r_interval(self) -> tuple[float | None, float | None]:
        """Its 95% interval (Fisher z at Bartlett's effective sample size)."""
        return self.correlation.changes_ci_low, self.correlation.changes_ci_high

    @property
    def pvalue(self) -> float | None:
        return self.correlation.changes_pvalue

    @property
    def beta(self) -> float | None:
        """OLS slope of B's changes on A's (Newey-West errors in `regression`)."""
        return self.regression.beta

    @property
    def hedge_effectiveness(self) -> float | None:
        """Share of B's change variance a -beta position in A removed, in sample."""
        return self.regression.hedge_effectiveness

    @property
    def hedge_effectiveness_out_of_sample(self) -> float | None:
        """The same with the trailing window's beta applied to the next period."""
        return self.regression.hedge_effectiveness_out_of_sample

    # ------------------------------------------------------------------ output
    def to_dict(self) -> dict:
        """Plain JSON values: what `convex stats A B --json` prints and /api/v1/compare answers."""
        return views.compare_dict(self.a, self.b, self.loaded_a, self.loaded_b, self.report)

    def summary(self) -> Summary:
        """The headline figures in one line (convex.content.summary.pair_summary)."""
        from ..content.summary import pair_summary

        return Summary(pair_summary(self.report, (self.loaded_a.metric, self.loaded_b.metric)))

    def describe(self) -> str:
        """The readable report `convex stats A B` prints: every statistic, with its test."""
        return self.report.render_text()

    def __repr__(self) -> str:
        return f"<Comparison {self.a} vs {self.b}, {self.lookback}: {self.summary()}>"

    def _repr_html_(self) -> str:
        c, reg, ll, g = self.correlation, self.regression, self.lead_lag, self.granger
        lag = "n/a"
        if ll.best_lag is not None:
            leader = "A leads" if ll.best_lag > 0 else "B leads" if ll.best_lag < 0 else "same period"
            lag = f"{ll.best_lag:+d} ({leader})"
        hedge_in, hedge_out = reg.hedge_effectiveness, reg.hedge_effectiveness_out_of_sample
        rows = [
            ("Correlation of changes", format_r(c.changes), _interval(c.changes_ci_low, c.changes_ci_high),
             format_pvalue(c.changes_pvalue), f"{c.n_changes:,}"),
            ("Correlation of levels", format_r(c.levels), _interval(c.levels_ci_low, c.levels_ci_high),
             format_pvalue(c.levels_pvalue), f"{c.n_levels:,}"),
            ("Beta, B on A (HAC)", format_number(reg.beta, 3),
             _interval(reg.beta_ci_low, reg.beta_ci_high, 3), format_pvalue(reg.beta_pvalue), f"{reg.n:,}"),
            ("Hedge effectiveness, in sample", format_share(hedge_in), "", "", f"{reg.n:,}"),
            ("Hedge effectiveness, out of sample", format_share(hedge_out), "", "",
             f"{reg.n_out_of_sample:,}"),
            ("Best lead-lag (periods)", lag, "", "outside band" if ll.significant_adjusted else "inside band",
             f"{ll.n:,}"),
            ("Granger, A → B", "", "", format_pvalue(g.a_to_b.pvalue), f"{g.n:,}"),
            ("Granger, B → A", "", "", format_pvalue(g.b_to_a.pvalue), f"{g.n:,}"),
            ("Cointegration", self.cointegration.verdict or "n/a", "", "", f"{self.cointegration.n:,}"),
        ]  # fmt: skip
        caption = (
            f"{self.name_a} (A) vs {self.name_b} (B), {self.frequency}, "
            f"{_day(self.start)} to {_day(self.end)}; data: "
            f"{self.loaded_a.provenance} / {self.loaded_b.provenance}"
        )
        table = _table(caption, rows, ("Statistic", "Value", "95% interval", "p", "n"))
        return f"<div><p>{html.escape(self.summary())}</p>{table}</div>"


@dataclass(frozen=True, eq=False, repr=False)
class Scenario:
    """When A moved like this, what did B do: the compare page's scenario section for one move and
    horizon. `event_study` (episodes over the whole common history and B after them), `response`
    (local projections) and `forecast` (VAR, with its backtest) are the analytics results."""

    a: str
    b: str
    loaded_a: LoadedSeries
    loaded_b: LoadedSeries
    report: ScenarioReport

    @property
    def event_study(self) -> EventStudy:
        return self.report.event_study

    @property
    def response(self):
        return self.report.response

    @property
    def forecast(self):
        return self.report.forecast

    @property
    def move(self) -> float:
        """A's move as a fraction for a % metric, in its units otherwise."""
        return self.report.event_study.move

    @property
    def horizon(self) -> int:
        return self.report.event_study.horizon

    @property
    def episodes(self) -> pd.DataFrame:
        """One row per episode: when A's move started and ended, A's move, B's change after it."""
        columns = ("start", "signal", "end", "a_move", "b_move")
        rows = [[getattr(e, c) for c in columns] for e in self.event_study.episodes]
        return pd.DataFrame(rows, columns=list(columns))

    def to_dict(self) -> dict:
        """Plain JSON values: what `convex scenario A B --json` prints and /api/v1/scenario answers."""
        return views.scenario_dict(self.a, self.b, self.report, self.loaded_a, self.loaded_b)

    def summary(self) -> Summary:
        """The section's sentences, each backed by its number (as `convex scenario A B` prints)."""
        from ..content.scenario_text import scenario_text

        return Summary(
            "\n".join(scenario_text(self.report, self.loaded_a.metric, self.loaded_b.metric).lines())
        )

    def __repr__(self) -> str:
        return f"<Scenario {self.a} -> {self.b}: move {self.move:g} over {self.horizon} periods>"

    def _repr_html_(self) -> str:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in self.summary().splitlines())
        return f"<div>{lines}</div>"
