"""What a caller may ask for, read strictly, one way for the Python API, the HTTP API and the command
line: metric ids, windows (a lookback or two dates), rolling and statistics windows, a scenario's
move and horizon, the screener's choices.

Each reader raises ParamError naming the parameter. Its message never repeats the value it was given:
over HTTP that text is a stranger's (markup, a script, megabytes), and naming the parameter is enough
to fix it. Numbers are ASCII digits only (`str.isdigit` and `float` accept "²", "１２", "1_000").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as date_type

from ..data.uploads import is_upload_id
from ..metrics.catalog import catalog
from ..metrics.formulas import is_formula_id
from ..metrics.metric import DOMAINS, FREQUENCIES, UnknownMetricError

# The longest text a metric id may be: a named formula ("f:" + a 40-character name + "=" + 200).
MAX_ID_LENGTH = 250
# The longest scenario horizon: a year of trading days (the compare page's scenario section too).
MAX_HORIZON = 252
# The compare page's rolling windows in periods ("Auto" is the default, per frequency).
ROLL_OPTIONS = (8, 12, 13, 20, 26, 52, 63, 126, 252)
MIN_POINTS_RANGE = (3, 500)
# The HTTP API's routes start here; its screener returns this many pairs (smallest, largest, default).
API_PREFIX = "/api/v1"
SCREENER_LIMIT = (1, 5000, 200)

_MOVE = re.compile(r"\s*([+-]?[0-9]{1,12}(?:\.[0-9]{1,12})?)\s*(%|bp)?\s*", re.IGNORECASE | re.ASCII)
_HORIZON = re.compile(r"\s*([0-9]{1,9})\s*([dwmq])?\s*", re.IGNORECASE | re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
HORIZON_UNITS = {"d": "daily", "w": "weekly", "m": "monthly", "q": "quarterly"}


class ParamError(ValueError):
    """A parameter that cannot be used: `parameter` names it, the message says what it must be."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.reason = message
        super().__init__(f"{parameter}: {message}")


def metric_id(text: object, parameter: str = "id") -> str:
    """A catalog id, a formula ("f:spy/tlt", read by the formula parser: InvalidFormulaError says
    what is wrong) or an upload id ("u:" and 12 lower-case hex digits, stored or not); else
    UnknownMetricError."""
    if not isinstance(text, str) or not text:
        raise ParamError(parameter, "a metric id is required")
    if len(text) > MAX_ID_LENGTH:
        raise ParamError(parameter, f"a metric id or formula is at most {MAX_ID_LENGTH} characters")
    if is_formula_id(text):
        catalog().get(text)  # InvalidFormulaError: why the formula cannot be used
        return text
    if text in catalog() or is_upload_id(text):
        return text
    raise UnknownMetricError(text)


def window(lookback: object = "3Y", dates: object = None, parameter: str = "lookback") -> str:
    """The window a view covers: `dates` (two dates "2020-03-02..2020-06-26", or a pair of dates,
    both included) when given, else the lookback ("90D", "1Y", "3Y", "5Y", "10Y", "Max", any case,
    or two dates written as above)."""
    from ..analytics.windows import LOOKBACKS, date_window, dates_text

    if dates is not None:
        if isinstance(dates, tuple | list) and len(dates) == 2:
            try:
                dates = dates_text(*(_timestamp(d) for d in dates))
            except (TypeError, ValueError):
                raise ParamError("dates", "two dates YYYY-MM-DD, the first before the last") from None
        span = date_window(dates) if isinstance(dates, str) else None
        if span is None:
            raise ParamError("dates", "two dates YYYY-MM-DD..YYYY-MM-DD, the first before the last")
        return dates_text(*span)
    if isinstance(lookback, str):
        wanted = {key.lower(): key for key in LOOKBACKS}.get(lookback.strip().lower())
        if wanted is not None:
            return wanted
        span = date_window(lookback.strip())
        if span is not None:
            return dates_text(*span)
    raise ParamError(parameter, f"one of {', '.join(LOOKBACKS)} or two dates YYYY-MM-DD..YYYY-MM-DD")


def _timestamp(value: object):
    import pandas as pd

    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError("no date")
    return stamp


def stats_window(text: object, parameter: str = "window") -> str:
    """The window of each metric's own statistics: a lookback, not two dates."""
    from ..analytics.windows import LOOKBACKS

    return choice(text, tuple(LOOKBACKS), parameter)


def rolling_window(value: object, parameter: str = "roll") -> int | None:
    """The rolling correlation and beta window in periods (None, "Auto": per frequency)."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value in ROLL_OPTIONS:
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()) and int(value) in ROLL_OPTIONS:
        return int(value)
    raise ParamError(parameter, f"Auto or one of {', '.join(map(str, ROLL_OPTIONS))} periods")


def choice(text: object, options: Iterable[str], parameter: str) -> str:
    """One of `options`, matched without regard to case; the option as written there."""
    options = tuple(options)
    if isinstance(text, str):
        found = {o.lower(): o for o in options}.get(text.strip().lower())
        if found is not None:
            return found
    raise ParamError(parameter, f"one of {', '.join(options)}")


def choices(values: Iterable[object], options: Iterable[str], parameter: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(choice(v, options, parameter) for v in values))


def domains(values: Iterable[object]) -> tuple[str, ...]:
    return choices(values, DOMAINS, "domain")


def frequencies(values: Iterable[object]) -> tuple[str, ...]:
    return choices(values, FREQUENCIES, "freq")


def whole(value: object, low: int, high: int, parameter: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value)
    else:
        number = None
    if number is None or not low <= number <= high:
        raise ParamError(parameter, f"a whole number from {low} to {high}")
    return number


def day(value: object, parameter: str):
    """A day written YYYY-MM-DD (ASCII digits, a real date in the years a window may span)."""
    import pandas as pd

    from ..analytics.windows import date_window

    window = date_window(f"1800-01-01..{value}") if isinstance(value, str) else None
    if window is None:
        raise ParamError(parameter, "a day such as 2026-12-04")
    return pd.Timestamp(window[1])


_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
# The earliest day a view may be "as known on": before ALFRED's and most series' history.
EARLIEST_ASOF_YEAR = 1900


def asof_day(value: object, parameter: str = "asof", *, today=None):
    """The day a view shows its metrics as known on: YYYY-MM-DD in ASCII digits, a real day from
    1900 to today (UTC) at the latest."""
    import pandas as pd

    from ..store import utcnow

    if isinstance(value, pd.Timestamp | date_type) and not pd.isna(value):
        value = f"{pd.Timestamp(value):%Y-%m-%d}"
    match = _DAY.fullmatch(value) if isinstance(value, str) and len(value) <= 10 else None
    latest = pd.Timestamp(today if today is not None else utcnow().date()).normalize()
    try:
        day = pd.Timestamp(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        day = None
    if day is None or not (day.year >= EARLIEST_ASOF_YEAR and day <= latest):
        raise ParamError(parameter, f"a day YYYY-MM-DD from {EARLIEST_ASOF_YEAR} to today")
    return day


def flag(value: object, parameter: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ParamError(parameter, "true or false")


def parse_move(text: object, change: str, parameter: str = "move") -> float:
    """A's move over the horizon. "-2%" is a fraction for a metric that changes in %; "-25bp" is
    -0.25 (percentage points) and a bare number is in the metric's own units for one that changes
    by differences; a bare number for a % metric is in % (as the compare page's scenario box)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = repr(float(text)) if abs(text) < 1e12 else ""
    match = _MOVE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ParamError(parameter, "not a number like -2%, +25bp or -1.5")
    value, unit = float(match.group(1)), (match.group(2) or "").lower()
    if value == 0:
        raise ParamError(parameter, "the move must not be zero")
    if change == "pct":
        if unit == "bp":
            raise ParamError(parameter, "this metric moves in %: give the move as e.g. -2%")
        return value / 100
    if unit == "%":
        raise ParamError(parameter, "this metric changes by differences: give the move in its units or in bp")
    return value / 100 if unit == "bp" else value


def parse_horizon(text: object, frequency: str, parameter: str = "horizon") -> int:
    """Periods of the aligned pair: 13, or 13w where the unit must be the pair's frequency."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    match = _HORIZON.fullmatch(text) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(1)) <= MAX_HORIZON:
        raise ParamError(parameter, f"not a number of periods from 1 to {MAX_HORIZON} (like 13 or 13w)")
    unit = match.group(2)
    if unit and HORIZON_UNITS[unit.lower()] != frequency:
        raise ParamError(
            parameter, f"the pair is aligned {frequency}: give the horizon in {frequency} periods"
        )
    return int(match.group(1))
