"""The HTTP API's OpenAPI 3.1 document (served at /api/v1/openapi.json), built from the same constants
the parameter readers use, so the choices it lists are the ones accepted."""

from __future__ import annotations

from ..metrics.metric import DOMAINS, FREQUENCIES
from . import params

VERSION = "1.0.0"
_NUMBER = {"type": ["number", "null"]}
_STRING = {"type": "string"}
_DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(
    name: str, description: str, schema: dict, *, where: str = "query", required: bool = False
) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def _errors(*statuses: int) -> dict:
    words = {
        400: "A parameter cannot be used: `error.parameter` names it (unknown or repeated ones too).",
        404: "An unknown metric id, or no data for it on this deployment.",
        405: "A method other than GET or HEAD.",
        429: "Over this client's rate limit: Retry-After says in how many seconds to try again.",
        503: "The data store is unavailable, or the answer took too long.",
    }
    body = {"application/json": {"schema": _ref("Error")}}
    return {str(s): {"description": words[s], "content": body} for s in statuses}


def _get(
    summary: str, description: str, parameters: list[dict], schema: dict, *statuses: int, csv=False
) -> dict:
    content = {"application/json": {"schema": schema}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string", "description": "date,value rows"}}
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": content},
                **_errors(*statuses, 405, 429, 503),
            },
        }
    }


def _schemas() -> dict:
    stat = {"type": "object", "additionalProperties": True}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "code", "parameter", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": _STRING,
                        "parameter": {"type": ["string", "null"]},
                        "message": _STRING,
                    },
                }
            },
        },
        "Metric": {
            "type": "object",
            "required": ["id", "name", "domain", "frequency", "units", "change", "source", "provenance"],
            "properties": {
                "id": _STRING,
                "name": _STRING,
                "domain": _STRING,
                "frequency": {"enum": list(FREQUENCIES)},
                "units": _STRING,
                "change": {"enum": ["pct", "diff"]},
                "source": _STRING,
                "symbol": _STRING,
                "description": _STRING,
                "provenance": {"enum": ["live", "import", "sample", None]},
            },
        },
        "Metrics": {
            "type": "object",
            "required": ["count", "metrics"],
            "properties": {
                "count": {"type": "integer"},
                "metrics": {"type": "array", "items": _ref("Metric")},
            },
        },
        "Series": {
            "type": "object",
            "required": ["id", "name", "units", "frequency", "provenance", "stale", "n", "dates", "values"],
            "properties": {
                "id": _STRING,
                "name": _STRING,
                "units": _STRING,
                "frequency": {"enum": list(FREQUENCIES)},
                "change": _STRING,
                "provenance": {"enum": ["live", "import", "sample"]},
                "detail": {"type": ["string", "null"]},
                "fetched_at": {"type": ["string", "null"]},
                "stale": {"type": "boolean"},
                "stale_reason": {"type": ["string", "null"]},
                "source": _STRING,
                "last_error": {"type": ["string", "null"]},
                "n": {"type": "integer"},
                "start": _DATE,
                "end": _DATE,
                "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
                "values": {"type": "array", "items": _NUMBER},
            },
        },
        "Compare": {
            "description": "What `convex stats A B --json` prints: the aligned window, every pair statistic, "
            "each metric's own statistics, the spreads, and the one-line summary.",
            "type": "object",
            "required": [
                "a",
                "b",
                "name_a",
                "name_b",
                "frequency",
                "lookback",
                "n",
                "start",
                "end",
                "summary",
                "correlation",
                "lead_lag",
                "granger",
                "regression",
                "cointegration",
                "comovement",
                "metric_a",
                "metric_b",
                "provenance_a",
                "provenance_b",
            ],
            "properties": {
                "a": _STRING,
                "b": _STRING,
                "name_a": _STRING,
                "name_b": _STRING,
                "frequency": {"enum": list(FREQUENCIES)},
                "lookback": _STRING,
                "n": {"type": "integer"},
                "start": _DATE,
                "end": _DATE,
                "summary": _STRING,
                "known_on": {
                    "description": "Only with asof: the day, and how each series was made as known then "
                    "(basis: vintages, first releases, release rule, closes or inputs; words: as the page)",
                    "type": "object",
                    "required": ["day", "a", "b"],
                    "properties": {
                        "day": _DATE,
                        "a": {"type": "object", "required": ["basis", "words"]},
                        "b": {"type": "object", "required": ["basis", "words"]},
                    },
                },
                "description": _STRING,
                "correlation": {
                    **stat,
                    "required": ["changes", "changes_pvalue", "changes_ci_low", "changes_ci_high"],
                    "properties": {"changes": _NUMBER, "changes_pvalue": _NUMBER},
                },
                "regression": {
                    **stat,
                    "required": ["beta", "hedge_effectiveness", "hedge_effectiveness_out_of_sample"],
                    "properties": {"beta": _NUMBER},
                },
                "lead_lag": stat,
                "granger": stat,
                "cointegration": stat,
                "comovement": stat,
                "metric_a": stat,
                "metric_b": stat,
                "spreads": stat,
                "provenance_a": {"enum": ["live", "import", "sample"]},
                "provenance_b": {"enum": ["live", "import", "sample"]},
            },
        },
        "Scenario": {
            "description": "What `convex scenario A B --json` prints.",
            "type": "object",
            "required": ["a", "b", "frequency", "lookback", "method", "event_study", "response", "forecast"],
            "properties": {
                "a": _STRING,
                "b": _STRING,
                "frequency": {"enum": list(FREQUENCIES)},
                "lookback": _STRING,
                "method": _STRING,
                "event_study": {
                    **stat,
                    "required": ["move", "horizon", "episodes", "after_episodes", "pvalue"],
                },
                "response": stat,
                "forecast": stat,
            },
        },
        "Screener": {
            "type": "object",
            "required": [
                "screened",
                "recent",
                "long",
                "tested",
                "discoveries",
                "pairs_shown",
                "pairs_total",
                "pairs",
            ],
            "properties": {
                "screened": {"type": "integer"},
                "recent": _STRING,
                "long": _STRING,
                "tested": {"type": "integer"},
                "below_threshold": {"type": "integer"},
                "expected_by_chance": {"type": "number"},
                "discoveries": {"type": "integer"},
                "pairs_shown": {"type": "integer"},
                "pairs_total": {"type": "integer"},
                "pairs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["a", "b", "r_long", "r_recent", "pvalue", "qvalue", "link"],
                        "properties": {
                            "a": _STRING,
                            "b": _STRING,
                            "r_long": _NUMBER,
                            "r_recent": _NUMBER,
                            "pvalue": _NUMBER,
                            "qvalue": _NUMBER,
                            "link": _STRING,
                        },
                    },
                },
            },
        },
    }


def document() -> dict:
    from ..analytics.windows import LOOKBACKS
    from ..jobs.screening import (
        DEFAULT_LONG,
        DEFAULT_MIN_POINTS,
        DEFAULT_RECENT,
        LONG_WINDOWS,
        RECENT_WINDOWS,
    )

    PREFIX, SCREENER_LIMIT = params.API_PREFIX, params.SCREENER_LIMIT

    metric_text = {"type": "string", "minLength": 1, "maxLength": params.MAX_ID_LENGTH}
    pair = [
        _param(
            "a",
            "Metric A: a catalog id, a formula (f:spy/tlt) or a kept upload's id (u:...)",
            metric_text,
            required=True,
        ),
        _param("b", "Metric B, the same kinds", metric_text, required=True),
        _param(
            "lookback",
            "Back from the pair's last common date (or two dates YYYY-MM-DD..YYYY-MM-DD)",
            {"type": "string", "default": "3Y", "examples": list(LOOKBACKS)},
        ),
        _param(
            "dates",
            "Two dates, both included, in place of the lookback",
            {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        ),
        _param(
            "asof",
            "The pair as known on this day: each series the vintage in force then (else first releases or "
            "today's values published by then, said in known_on), market data ending that day",
            {"type": "string", "format": "date"},
        ),
    ]
    rolls = ["Auto", *map(str, params.ROLL_OPTIONS)]
    paths = {
        f"{PREFIX}/metrics": _get(
            "The catalog",
            "Every metric with its provenance here (null: nothing stored).",
            [_param("domain", "Only this domain", {"enum": list(DOMAINS)})],
            _ref("Metrics"),
            400,
        ),
        f"{PREFIX}/series/{{id}}": _get(
            "One series",
            "The stored series (a formula computed from its inputs), JSON or date,value CSV.",
            [
                _param(
                    "id",
                    "A catalog id, a formula (URL-encoded) or an upload id",
                    metric_text,
                    where="path",
                    required=True,
                ),
                _param("format", "json (default) or csv", {"enum": ["json", "csv"], "default": "json"}),
                _param("start", "First date, included", {"type": "string", "format": "date"}),
                _param("end", "Last date, included", {"type": "string", "format": "date"}),
            ],
            _ref("Series"),
            400,
            404,
            csv=True,
        ),
        f"{PREFIX}/compare": _get(
            "A pair's statistics",
            "Every figure of the compare page for one window: `convex stats A B --json`.",
            [
                *pair,
                _param("roll", "Rolling window in periods", {"enum": rolls, "default": "Auto"}),
                _param(
                    "window",
                    "Each metric's own statistics window",
                    {"enum": list(LOOKBACKS), "default": "90D"},
                ),
            ],
            _ref("Compare"),
            400,
            404,
        ),
        f"{PREFIX}/scenario": _get(
            "What B did after A moved like this",
            "The compare page's Scenarios & forecasts: `convex scenario A B --json`.",
            [
                *pair,
                _param(
                    "move",
                    "A's move: -2%, +25bp, or a number (in % for a % metric, else in its units); "
                    "default A's latest move",
                    {"type": "string", "maxLength": 40},
                ),
                _param(
                    "horizon",
                    f"Periods of the aligned pair, 1 to {params.MAX_HORIZON} (13 or 13w)",
                    {"type": "string", "maxLength": 12},
                ),
            ],
            _ref("Scenario"),
            400,
            404,
        ),
        f"{PREFIX}/screener": _get(
            "Every pair ranked by how much its correlation changed",
            "The screener page.",
            [
                _param("recent", "Recent window", {"enum": list(RECENT_WINDOWS), "default": DEFAULT_RECENT}),
                _param("long", "The window before it", {"enum": list(LONG_WINDOWS), "default": DEFAULT_LONG}),
                _param(
                    "domain",
                    "Only pairs with both metrics in these domains (repeat)",
                    {"type": "array", "items": {"enum": list(DOMAINS)}},
                ),
                _param(
                    "freq",
                    "Only pairs of these frequencies (repeat)",
                    {"type": "array", "items": {"enum": list(FREQUENCIES)}},
                ),
                _param(
                    "min",
                    "Minimum changes in each window",
                    {
                        "type": "integer",
                        "minimum": params.MIN_POINTS_RANGE[0],
                        "maximum": params.MIN_POINTS_RANGE[1],
                        "default": DEFAULT_MIN_POINTS,
                    },
                ),
                _param(
                    "mechanical", "Include mechanically linked pairs", {"type": "boolean", "default": False}
                ),
                _param("leads", "Only pairs whose lead-lag shifted", {"type": "boolean", "default": False}),
                _param(
                    "samples",
                    "Rank offline samples beside stored data",
                    {"type": "boolean", "default": False},
                ),
                _param(
                    "apart",
                    "Rank pairs whose windows end long before today or hold too little of them",
                    {"type": "boolean", "default": False},
                ),
                _param(
                    "limit",
                    "Pairs returned",
                    {
                        "type": "integer",
                        "minimum": SCREENER_LIMIT[0],
                        "maximum": SCREENER_LIMIT[1],
                        "default": SCREENER_LIMIT[2],
                    },
                ),
            ],
            _ref("Screener"),
            400,
        ),
        f"{PREFIX}/openapi.json": _get(
            "This document", "The OpenAPI document of this API.", [], {"type": "object"}
        ),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Convex API",
            "version": VERSION,
            "description": "Read-only figures of a Convex deployment: the same numbers its pages show. "
            "Every route is GET; errors are JSON with their status.",
        },
        "paths": paths,
        "components": {"schemas": _schemas()},
    }
