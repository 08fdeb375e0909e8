"""Turning analytics results into plain JSON values.

Every result type is a frozen dataclass; `to_dict()` must give only floats, ints, bools, None,
strings, lists and dicts so that the CLI can `json.dumps` it and a browser can read it. NaN and
infinities are not valid JSON, so they become None.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

# A dataclass field carrying this metadata is left out of to_dict() (frames, raw arrays).
NOT_SERIALISED = {"serialise": False}
# A pandas Series field: written as {"dates": [...], "values": [...]} only when asked for.
SERIES_FIELD = {"series": True}


def format_date(value: object) -> str | None:
    """ISO date for midnight timestamps (the usual case), full ISO timestamp otherwise."""
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    if stamp == stamp.normalize():
        return stamp.date().isoformat()
    return stamp.isoformat()


def series_to_dict(series: pd.Series) -> dict[str, list]:
    return {
        "dates": [format_date(d) for d in series.index],
        "values": [to_jsonable(v) for v in series.to_numpy()],
    }


def to_jsonable(value: object, *, include_series: bool = False) -> object:
    """Recursively convert a result value to JSON-safe Python values."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        return format_date(value)
    if isinstance(value, pd.Timedelta):
        return value.total_seconds() / 86400.0
    if isinstance(value, pd.Series):
        return series_to_dict(value) if include_series else None
    if isinstance(value, JsonResult):
        return value.to_dict(include_series=include_series)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), include_series=include_series)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, include_series=include_series) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [to_jsonable(v, include_series=include_series) for v in value]
    raise TypeError(f"cannot make {type(value).__name__} JSON-safe")


class JsonResult:
    """Mixin for result dataclasses: `to_dict()` over the dataclass fields.

    Series fields (rolling correlations, spread lines) can hold thousands of points; they are
    written only with `include_series=True` so that the default dictionary stays a summary.
    """

    def to_dict(self, *, include_series: bool = False) -> dict:
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.metadata.get("serialise", True):
                continue
            value = getattr(self, f.name)
            if f.metadata.get("series") and not include_series:
                continue
            out[f.name] = to_jsonable(value, include_series=include_series)
        return out
