"""When A moved like this, what did B do next: an event study over past episodes.

An episode is a row t at which A's change over the previous `horizon` aligned periods reached
the chosen move (at least as large, in its direction); B's outcome is its change over the next
`horizon` periods. Episodes are taken in date order and never overlap: the next one starts no
earlier than the end of the previous one's outcome window, so no B move is counted twice.
Windows that cross a gap in the aligned data (a change left out as spanning more than one
period) are not used.

The baseline is B's usual change: its change over every non-overlapping `horizon` window of the
sample (the unconditional distribution, episodes' windows included). Episodes are a subset of B's
windows, so a two-sample test that assumes independent samples does not hold; instead the
episodes' median is compared with the medians of RANDOM_DRAWS random sets of as many
non-overlapping `horizon` windows anywhere in the sample (a randomisation test: under the null
that A's moves say nothing about B's next `horizon`, the episodes are such a set), two-sided, with
a fixed seed so the same data give the same p.

The default move is A's latest move over the horizon when moves at least that large (in its
direction) are rare enough to be an event (at most EVENT_SHARE of the history); otherwise A's
move at the EVENT_SHARE quantile in that direction, and the report says which and why.

Run it on the "as published" alignment when one exists, so that no episode uses A's value
before it was released.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from convex.analytics.align import AlignedPair, align_pair
from convex.analytics.cointegration import UnitRoots
from convex.analytics.forecast import Forecast, var_forecast
from convex.analytics.pair_data import PairData, finite_or_none
from convex.analytics.response import Response, local_projections
from convex.analytics.serialise import NOT_SERIALISED, JsonResult
from convex.metrics.metric import Dating

MIN_EPISODES = 8
DEFAULT_HORIZON = {"daily": 21, "weekly": 13, "monthly": 6, "quarterly": 4}
RANDOM_DRAWS = 2000
_SEED = 29_301  # fixed: a randomisation p is a function of the data, not of the run
# A move matched or exceeded in more than this share of the history is not an event.
EVENT_SHARE = 0.2


def horizon_changes(levels: np.ndarray, horizon: int, change: str) -> np.ndarray:
    """The change from row t - horizon to row t at each row (NaN before), compounded for "pct"."""
    out = np.full(len(levels), np.nan)
    if horizon < 1 or len(levels) <= horizon:
        return out
    before, after = levels[:-horizon], levels[horizon:]
    with np.errstate(all="ignore"):
        out[horizon:] = (
            after - before if change == "diff" else np.where(before > 0, after / before - 1, np.nan)
        )
    out[~np.isfinite(out)] = np.nan
    return out


def _complete_windows(changes: np.ndarray, horizon: int) -> np.ndarray:
    """Rows t whose last `horizon` per-period changes (t - horizon + 1 .. t) all exist."""
    missing = np.concatenate(([0], np.cumsum(~np.isfinite(changes))))
    out = np.zeros(len(changes), dtype=bool)
    if len(changes) > horizon:
        out[horizon:] = (missing[horizon + 1 :] - missing[1 : len(changes) - horizon + 1]) == 0
    return out


def latest_move(aligned: AlignedPair, horizon: int) -> float | None:
    """A's change over the last `horizon` aligned periods."""
    moves = horizon_changes(aligned.history["a"].to_numpy(dtype=float), horizon, aligned.change_a)
    return finite_or_none(moves[-1]) if len(moves) else None


@dataclass(frozen=True)
class DefaultMove(JsonResult):
    """The move a scenario uses when none is given, and why."""

    move: float
    latest: float  # A's latest move over the horizon
    latest_share: float  # share of the history's moves at least as large, in its direction
    rule: str  # "latest" or "quantile"


def default_move(aligned: AlignedPair, horizon: int) -> DefaultMove | None:
    """A's latest move when it is an event (matched or exceeded in at most EVENT_SHARE of the
    history's `horizon` moves), else the move at that quantile in the latest move's direction."""
    latest = latest_move(aligned, horizon)
    if latest is None or latest == 0:
        return None
    moves = horizon_changes(aligned.history["a"].to_numpy(dtype=float), horizon, aligned.change_a)
    moves = moves[np.isfinite(moves)]
    share = float(np.mean(moves <= latest if latest < 0 else moves >= latest))
    if share <= EVENT_SHARE:
        return DefaultMove(latest, latest, share, "latest")
    quantile = float(np.quantile(moves, EVENT_SHARE if latest < 0 else 1 - EVENT_SHARE))
    if quantile == 0 or (quantile < 0) != (latest < 0):
        return DefaultMove(latest, latest, share, "latest")  # no move that rare in that direction
    return DefaultMove(quantile, latest, share, "quantile")


@dataclass(frozen=True)
class Episode(JsonResult):
    start: pd.Timestamp  # A's move starts (row t - horizon)
    signal: pd.Timestamp  # A's move is complete and known (row t)
    end: pd.Timestamp  # B's outcome window ends (row t + horizon)
    a_move: float
    b_move: float


@dataclass(frozen=True)
class Distribution(JsonResult):
    n: int
    median: float | None
    q25: float | None
    q75: float | None
    hit_rate: float | None  # share of windows in which B rose

    @classmethod
    def of(cls, moves: np.ndarray) -> Distribution:
        if not len(moves):
            return cls(0, None, None, None, None)
        q25, median, q75 = np.percentile(moves, [25, 50, 75])
        return cls(len(moves), float(median), float(q25), float(q75), float(np.mean(moves > 0)))


@dataclass(frozen=True)
class EventStudy(JsonResult):
    move: float
    horizon: int
    change_a: str
    change_b: str
    episodes: tuple[Episode, ...]
    after_episodes: Distribution
    unconditional: Distribution  # every non-overlapping window of the sample: B's usual change
    pvalue: float | None  # randomisation test of the episodes' median (see the module docstring)
    first_signal: pd.Timestamp | None
    # B's path over each episode's outcome window, rebased to 0 (rows 0..horizon; one column
    # per episode, named by its signal date), and the median path.
    paths: pd.DataFrame | None = field(default=None, metadata=NOT_SERIALISED)
    insufficient: str | None = None

    @property
    def n_episodes(self) -> int:
        return len(self.episodes)


def _take_episodes(hit: np.ndarray, horizon: int) -> list[int]:
    taken: list[int] = []
    for t in np.flatnonzero(hit):
        if not taken or t >= taken[-1] + horizon:
            taken.append(int(t))
    return taken


def event_study(data: PairData, move: float, horizon: int) -> EventStudy:
    """Every past non-overlapping episode in which A moved at least `move` over `horizon`
    periods (a fall of at least |move| when move < 0), and B's change over the next `horizon`."""
    if horizon < 1:
        raise ValueError("horizon must be at least 1 period")
    if not np.isfinite(move) or move == 0:
        raise ValueError("move must be a non-zero number")
    n = len(data.a)
    a_moves = horizon_changes(data.a, horizon, data.change_a)
    b_after = np.full(n, np.nan)
    b_after[: n - horizon] = horizon_changes(data.b, horizon, data.change_b)[horizon:]
    a_ok = _complete_windows(data.a_chg_all, horizon)
    b_ok = np.zeros(n, dtype=bool)
    b_ok[: n - horizon] = _complete_windows(data.b_chg_all, horizon)[horizon:]
    usable = a_ok & b_ok & np.isfinite(a_moves) & np.isfinite(b_after)
    with np.errstate(invalid="ignore"):
        reached = a_moves <= move if move < 0 else a_moves >= move
    rows = _take_episodes(usable & reached, horizon)
    episodes = tuple(
        Episode(
            data.dates[t - horizon],
            data.dates[t],
            data.dates[t + horizon],
            float(a_moves[t]),
            float(b_after[t]),
        )
        for t in rows
    )
    outcome_ok = b_ok & np.isfinite(b_after)
    usual = b_after[[t for t in range(horizon, n - horizon, horizon) if outcome_ok[t]]]
    moves = np.array([e.b_move for e in episodes])
    common = dict(move=float(move), horizon=horizon, change_a=data.change_a, change_b=data.change_b,
                  episodes=episodes, after_episodes=Distribution.of(moves),
                  unconditional=Distribution.of(usual),
                  first_signal=episodes[0].signal if episodes else None)  # fmt: skip
    for count, what in ((len(episodes), "episodes"), (len(usual), "windows in the sample")):
        if count < MIN_EPISODES:
            reason = f"{count} {what}, need at least {MIN_EPISODES}"
            return EventStudy(**common, pvalue=None, insufficient=reason)
    pvalue = randomisation_pvalue(np.where(outcome_ok, b_after, np.nan), len(moves), horizon,
                                  float(np.median(moves)), float(np.median(usual)))  # fmt: skip
    return EventStudy(**common, pvalue=pvalue, paths=_paths(data, rows, horizon))


def randomisation_pvalue(
    outcomes: np.ndarray, k: int, horizon: int, observed: float, centre: float, draws: int = RANDOM_DRAWS
) -> float | None:
    """Two-sided p of an episodes' median `observed` against the medians of `draws` random sets
    of k outcome windows whose rows are at least `horizon` apart (as episodes are), each drawn
    uniformly among all such sets (sorted distinct positions spread by horizon - 1), distances
    measured from `centre` (B's usual median). NaN outcomes (windows across a gap) are left out of
    a draw's median. None when k such windows do not fit in the sample."""
    positions = len(outcomes)
    room = positions - (k - 1) * (horizon - 1)
    if k < 1 or room < k:
        return None
    rng = np.random.default_rng(_SEED)
    # k distinct positions per draw, uniformly among all k-subsets. With k * k below 4 rooms a
    # draw of k integers has no repeat often enough (e^-2 at worst) to draw again those that do;
    # otherwise the k smallest of `room` random keys.
    if k * k <= 4 * room:
        picks = np.sort(rng.integers(0, room, size=(draws, k)), axis=1)
        while (repeats := (np.diff(picks, axis=1) == 0).any(axis=1)).any():
            picks[repeats] = np.sort(rng.integers(0, room, size=(int(repeats.sum()), k)), axis=1)
    else:
        picks = np.sort(np.argpartition(rng.random((draws, room)), k - 1, axis=1)[:, :k], axis=1)
    chosen = outcomes[picks + np.arange(k) * (horizon - 1)]
    kept = np.isfinite(chosen).any(axis=1)
    with np.errstate(all="ignore"):
        medians = np.nanmedian(chosen[kept], axis=1)
    extreme = np.abs(medians - centre) >= abs(observed - centre) - 1e-12
    return float((1 + extreme.sum()) / (1 + len(medians)))


def _paths(data: PairData, rows: list[int], horizon: int) -> pd.DataFrame:
    steps = np.arange(horizon + 1)
    columns = {}
    for t in rows:
        window = data.b[t : t + horizon + 1]
        columns[f"{data.dates[t]:%Y-%m-%d}"] = (
            window - window[0] if data.change_b == "diff" else window / window[0] - 1
        )
    paths = pd.DataFrame(columns, index=pd.Index(steps, name="step"))
    return paths.assign(median=paths.median(axis=1))


@dataclass(frozen=True)
class ScenarioReport(JsonResult):
    """The three answers for one scenario of a pair: what B did after such moves of A (over the
    whole common history), how B responded to A's changes over horizons and where B is forecast
    to go (both fitted on the lookback window, where the backtest also runs)."""

    name_a: str
    name_b: str
    frequency: str
    lookback: str
    method: str  # how the pair was aligned (the "as published" alignment when there is one)
    event_study: EventStudy
    response: Response
    forecast: Forecast
    default_move: DefaultMove | None = None  # set when the move was not given: which and why


def scenario_alignment(
    a: pd.Series, b: pd.Series, *, dating_a: Dating, dating_b: Dating, **options
) -> AlignedPair:
    """The pair aligned "as published" when either side has a publication lag (no episode may
    use A's value before it was released), else on its reference dates; `options` as align_pair."""
    lagged = dating_a.release is not None or dating_b.release is not None
    return align_pair(a, b, dating_a=dating_a, dating_b=dating_b, as_published=lagged, **options)


def scenario_report(
    aligned: AlignedPair,
    move: float,
    horizon: int,
    *,
    default: DefaultMove | None = None,
    roots: UnitRoots | None = None,
) -> ScenarioReport:
    """`aligned` is the pair cut to its lookback; its `history` (every aligned row) holds the
    episodes. `default`: the default move that `move` is, when the user gave none. `roots`: the
    unit-root verdicts of the page the section is on, which the response and the forecast read
    rather than test the changes again."""
    window = PairData.build(aligned)
    history = PairData.build(dataclasses.replace(aligned, frame=aligned.history))
    return ScenarioReport(
        name_a=aligned.name_a,
        name_b=aligned.name_b,
        frequency=aligned.frequency,
        lookback=aligned.lookback,
        method=aligned.method,
        event_study=event_study(history, move, horizon),
        response=local_projections(window, horizon, roots=roots),
        forecast=var_forecast(window, horizon, roots=roots),
        default_move=default,
    )
