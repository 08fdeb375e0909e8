"""Numbers a deployment sets through environment variables (the API's limits, the pages' waits)."""

from __future__ import annotations

import math
import os


def env_number(name: str, default: float, low: float) -> float:
    """The number `name` sets; `default` when it is unset, not a finite number, or below `low`."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= low else default
