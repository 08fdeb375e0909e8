"""The compare page's view as a program asks for it: its address on the HTTP API and the Python that
computes the same figures (the page's "Share this view" box shows both beside the link)."""

from __future__ import annotations

from urllib.parse import urlencode

from .params import API_PREFIX

DEFAULT_STATS_WINDOW = "90D"


def _is_dates(window: str) -> bool:
    return ".." in window


def api_url(
    origin: str,
    a: str,
    b: str,
    window: str,
    roll: int | None = None,
    stats_window: str = "90D",
    asof: str | None = None,
) -> str:
    """`{origin}/api/v1/compare?a=..&b=..&lookback=..` (or `dates=`), with the rolling and statistics
    windows when they are not the defaults and the day the view is as known on: the JSON of exactly
    this view."""
    query = {"a": a, "b": b, ("dates" if _is_dates(window) else "lookback"): window}
    if asof is not None:
        query["asof"] = asof
    if roll is not None:
        query["roll"] = str(roll)
    if stats_window != DEFAULT_STATS_WINDOW:
        query["window"] = stats_window
    # A formula reads as written (a=f:spy/tlt), as in the page's own link; "+" and spaces are encoded.
    return f"{origin.rstrip('/')}{API_PREFIX}/compare?{urlencode(query, safe=':/*()')}"


def python_snippet(
    a: str, b: str, window: str, roll: int | None = None, stats_window: str = "90D", asof: str | None = None
) -> str:
    """Three lines of Python giving this view's figures from the same store."""
    args = [repr(a), repr(b)]
    args.append(f"dates={window!r}" if _is_dates(window) else f"lookback={window!r}")
    if asof is not None:
        args.append(f"asof={asof!r}")
    if roll is not None:
        args.append(f"rolling_window={roll}")
    if stats_window != DEFAULT_STATS_WINDOW:
        args.append(f"stats_window={stats_window!r}")
    return f"import convex\nr = convex.compare({', '.join(args)})\nprint(r.summary())"
