"""The read-only JSON API the app serves beside its pages (serve.py mounts `routes()` on Streamlit's
own server with st.App): the Python API's answers over HTTP.

    GET /api/v1/metrics                      the catalog and what is stored
    GET /api/v1/series/{id}                  one series, JSON or CSV, optionally from start to end
    GET /api/v1/compare?a=&b=&lookback=      a pair's statistics: `convex stats A B --json`
    GET /api/v1/scenario?a=&b=&move=&horizon=
    GET /api/v1/screener?recent=&long=
    GET /api/v1/openapi.json                 the OpenAPI document of all of these

Everything in a request is untrusted: parameters are read strictly (convex.api.params), unknown or
repeated ones are refused, sizes are bounded, and an error names the parameter without repeating
what was sent. Errors are JSON with their status: 400 a bad parameter, 404 an unknown metric (or
one without data here), 405 a method other than GET, 429 over the client's rate limit
(ratelimit.py), 503 the store unavailable or a request over its time. Nothing here writes to the
store or fetches from a source, whatever the store is. CORS is off unless CONVEX_API_CORS_ORIGINS
lists the origins allowed ("*" for any).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..data.loaded import NoDataError
from ..metrics.metric import InvalidFormulaError, UnknownMetricError
from . import params, python, views
from .ratelimit import RateLimit
from .settings import env_number

log = logging.getLogger("convex.api")

PREFIX = params.API_PREFIX
MAX_QUERY_BYTES = 2048
MAX_VALUE_LENGTH = params.MAX_ID_LENGTH
SCREENER_LIMIT = params.SCREENER_LIMIT
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_JSON = "application/json"
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
# The query parameters each route takes (the OpenAPI document lists exactly these).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "metrics": ("domain",),
    "series": ("format", "start", "end"),
    "compare": ("a", "b", "lookback", "dates", "asof", "roll", "window"),
    "scenario": ("a", "b", "move", "horizon", "lookback", "dates", "asof"),
    "screener": (
        "recent", "long", "domain", "freq", "min", "mechanical", "leads", "samples", "apart", "limit",
    ),
    "openapi.json": (),
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter
        self.headers = dict(headers or {})


# --------------------------------------------------------------------------- settings


class Settings:
    """What the environment sets, read once per process (tests start a server per setting)."""

    def __init__(self) -> None:
        self.limit = RateLimit.from_environment()
        # Requests computing at once: the rest wait their turn, so the pages keep a core.
        self.workers = int(env_number("CONVEX_API_WORKERS", 2, 1))
        self.timeout_s = env_number("CONVEX_API_TIMEOUT_S", 30.0, 1e-3)
        origins = os.environ.get("CONVEX_API_CORS_ORIGINS", "").strip()
        self.cors = tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
        self._limiter = None

    def limiter(self):
        if self._limiter is None:  # made in the event loop, on the first request
            import anyio

            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter


_SETTINGS: list[Settings] = []


def settings() -> Settings:
    if not _SETTINGS:
        _SETTINGS.append(Settings())
    return _SETTINGS[0]


# --------------------------------------------------------------------------- answers kept


class _Answers:
    """Answers of the costly routes, by route, parameters, store, store version and day: new data
    (a new version) or a new day (a window's age) is a new key, never a stale answer."""

    def __init__(self, size: int = 128):
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        body = make()
        with self._lock:
            self._kept[key] = body
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return body


_ANSWERS = _Answers()


def _store_errors() -> tuple[type[BaseException], ...]:
    from ..store import StoreError

    errors: list[type[BaseException]] = [StoreError, sqlite3.Error, OSError]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # pragma: no cover - psycopg is a runtime dependency
        pass
    return tuple(errors)


def _store():
    return python._store(None)


def _kept(route: str, query: dict, make: Callable[[], object]) -> bytes:
    store = _store()
    key = (route, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in query.items())),
           store.location, store.version(), views.today())  # fmt: skip
    return _ANSWERS.get(key, lambda: _dumps(make()))


def _dumps(document: object) -> bytes:
    return json.dumps(document, allow_nan=False, separators=(",", ":")).encode()


# --------------------------------------------------------------------------- parameters


def _query(request: Request, allowed: tuple[str, ...], multi: tuple[str, ...] = ()) -> dict:
    """The query string's parameters: each at most once (those in `multi` as lists), none unknown."""
    if len(request.scope.get("query_string", b"")) > MAX_QUERY_BYTES:
        raise ApiError(400, "bad_parameter", f"the query string is longer than {MAX_QUERY_BYTES} bytes")
    found: dict[str, object] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            takes = ", ".join(allowed) or "no parameters"
            raise ApiError(
                400, "unknown_parameter", f"a parameter this route does not take (it takes {takes})"
            )
        if len(value) > MAX_VALUE_LENGTH:
            raise ApiError(400, "bad_parameter", f"longer than {MAX_VALUE_LENGTH} characters", key)
        if key in multi:
            found.setdefault(key, []).append(value)  # type: ignore[union-attr]
        elif key in found:
            raise ApiError(400, "bad_parameter", "given more than once", key)
        else:
            found[key] = value
    return found


def _required(query: dict, key: str) -> str:
    if key not in query or query[key] == "":
        raise ApiError(400, "bad_parameter", "required", key)
    return query[key]


def _metric_param(query: dict, key: str) -> str:
    try:
        return params.metric_id(_required(query, key), key)
    except InvalidFormulaError:
        raise ApiError(
            400, "bad_parameter", "a formula that cannot be used here (an unknown id, a character a "
            "formula cannot hold, or units that do not add up)", key,
        ) from None  # fmt: skip
    except UnknownMetricError:
        raise ApiError(404, "unknown_metric", "names no catalog metric, formula or upload id", key) from None


def _no_data(error: NoDataError, names: dict[str, str]) -> ApiError:
    parameter = next((k for k, v in names.items() if v == error.metric_id), None)
    return ApiError(404, "no_data", f"no data on this deployment: {error.reason}", parameter)


# --------------------------------------------------------------------------- the routes


def _metrics(request: Request) -> Response:
    query = _query(request, PARAMETERS["metrics"])
    from ..analytics.serialise import to_jsonable

    frame = python.list_metrics(domain=query.get("domain"), store=_store())
    rows = [{"id": i, **row} for i, row in zip(frame.index, frame.to_dict("records"), strict=True)]
    return _json(to_jsonable({"count": len(rows), "metrics": rows}))  # a missing provenance is NaN


def _series(request: Request) -> Response:
    from ..analytics.serialise import to_jsonable
    from ..data.importers import series_csv

    query = _query(request, PARAMETERS["series"])
    metric = _metric_param({"id": request.path_params.get("id", "")}, "id")
    kind = params.choice(query.get("format", "json"), ("json", "csv"), "format")
    try:
        values = python.series(metric, _date(query, "start"), _date(query, "end"), store=_store())
    except NoDataError as exc:
        raise _no_data(exc, {"id": metric}) from None
    if kind == "csv":
        filename = metric if metric.replace("_", "").isalnum() else "series"
        return Response(series_csv(values), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{filename}.csv"'})  # fmt: skip
    attrs = {k: v for k, v in values.attrs.items() if k != "age"}  # an age changes every second
    document = {**attrs, "id": metric, "n": len(values), "start": values.index.min() if len(values) else None,
                "end": values.index.max() if len(values) else None,
                "dates": list(values.index), "values": values.tolist()}  # fmt: skip
    return _json(to_jsonable(document))


def _date(query: dict, key: str) -> str | None:
    from ..analytics.windows import DATES_YEARS

    text = query.get(key)
    if text is None:
        return None
    match = _DAY.fullmatch(text)
    if match is None or not DATES_YEARS[0] <= int(match.group(1)) <= DATES_YEARS[1]:
        raise params.ParamError(key, "a date YYYY-MM-DD")
    try:
        pd.Timestamp(text)
    except ValueError:
        raise params.ParamError(key, "a date YYYY-MM-DD that exists") from None
    return text


def _compare(request: Request) -> Response:
    query = _query(request, PARAMETERS["compare"])
    ids = {key: _metric_param(query, key) for key in ("a", "b")}
    window = params.window(query.get("lookback", "3Y"), query.get("dates"))
    roll = params.rolling_window(query.get("roll"))
    own = params.stats_window(query.get("window", views.DEFAULT_STATS_WINDOW))
    asof = _asof(query)

    def make() -> dict:
        try:
            result = python.compare(ids["a"], ids["b"], window, rolling_window=roll, stats_window=own,
                                    asof=asof, store=_store())  # fmt: skip
        except NoDataError as exc:
            raise _no_data(exc, ids) from None
        return result.to_dict()

    return _raw(_kept("compare", {**ids, "window": window, "roll": roll, "own": own, "asof": asof}, make))


def _asof(query: dict) -> str | None:
    """The `asof` day, checked (params.asof_day), as text for the cache key."""
    given = query.get("asof")
    return None if given is None else f"{params.asof_day(given):%Y-%m-%d}"


def _scenario(request: Request) -> Response:
    query = _query(request, PARAMETERS["scenario"])
    ids = {key: _metric_param(query, key) for key in ("a", "b")}
    window = params.window(query.get("lookback", "3Y"), query.get("dates"))
    asof = _asof(query)

    def make() -> dict:
        try:
            result = python.scenario(ids["a"], ids["b"], query.get("move"), query.get("horizon"), window,
                                     asof=asof, store=_store())  # fmt: skip
        except NoDataError as exc:
            raise _no_data(exc, ids) from None
        return result.to_dict()

    key = {**ids, "window": window, "move": query.get("move"), "horizon": query.get("horizon"), "asof": asof}
    return _raw(_kept("scenario", key, make))


def _screener(request: Request) -> Response:
    from ..jobs.screening import DEFAULT_LONG, DEFAULT_MIN_POINTS, DEFAULT_RECENT

    query = _query(request, PARAMETERS["screener"], multi=("domain", "freq"))
    choices = dict(
        recent=query.get("recent", DEFAULT_RECENT), long=query.get("long", DEFAULT_LONG),
        domains=params.domains(query.get("domain", [])),
        frequencies=params.frequencies(query.get("freq", [])),
        min_points=params.whole(query.get("min", DEFAULT_MIN_POINTS), *params.MIN_POINTS_RANGE, "min"),
        exclude_mechanical=not params.flag(query.get("mechanical", "false"), "mechanical"),
        lead_shifts_only=params.flag(query.get("leads", "false"), "leads"),
        include_samples=params.flag(query.get("samples", "false"), "samples"),
        include_set_apart=params.flag(query.get("apart", "false"), "apart"),
    )  # fmt: skip
    limit = params.whole(query.get("limit", SCREENER_LIMIT[2]), *SCREENER_LIMIT[:2], "limit")

    def make() -> dict:
        frame = python.screen(**choices, store=_store())
        return views.screen_dict(frame, frame.attrs["screened"], limit)

    return _raw(_kept("screener", {**choices, "limit": limit}, make))


def _openapi(request: Request) -> Response:
    from .openapi import document

    _query(request, PARAMETERS["openapi.json"])
    return _json(document())


def _unknown(request: Request) -> Response:
    raise ApiError(404, "not_found", f"no such route; the routes are listed at {PREFIX}/openapi.json")


# --------------------------------------------------------------------------- the HTTP layer


def _json(document: object, status: int = 200, headers=None) -> Response:
    return _raw(_dumps(document), status, headers)


def _raw(body: bytes, status: int = 200, headers=None) -> Response:
    return Response(body, status_code=status, media_type=_JSON, headers=headers)


def _error(error: ApiError) -> Response:
    body = {"error": {"status": error.status, "code": error.code, "parameter": error.parameter,
                      "message": error.message}}  # fmt: skip
    return _json(body, error.status, error.headers)


def _cors(request: Request, response: Response) -> Response:
    origins = settings().cors
    origin = request.headers.get("origin")
    if origins and origin:
        if "*" in origins:
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif origin.rstrip("/") in origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
    return response


def _endpoint(handler: Callable[[Request], Response]):
    async def endpoint(request: Request) -> Response:
        response = await _answer(request, handler)
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return _cors(request, response)

    return endpoint


async def _answer(request: Request, handler: Callable[[Request], Response]) -> Response:
    import anyio

    conf = settings()
    try:
        if request.method == "OPTIONS" and conf.cors and request.headers.get("origin"):
            asked = request.headers.get("access-control-request-headers", "")[:200]
            return Response(status_code=204, headers={
                "Access-Control-Allow-Methods": "GET, HEAD", "Access-Control-Max-Age": "600",
                "Access-Control-Allow-Headers": asked,
            })  # fmt: skip
        if request.method not in ("GET", "HEAD"):
            raise ApiError(
                405, "method_not_allowed", "this API is read-only: GET only", headers={"Allow": "GET, HEAD"}
            )
        client = request.client.host if request.client else "unknown"
        wait = conf.limit.take(client)
        if wait > 0:
            raise ApiError(429, "rate_limited", f"too many requests from this client: try again in "
                           f"{math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))})  # fmt: skip
        with anyio.fail_after(conf.timeout_s):
            return await anyio.to_thread.run_sync(handler, request, abandon_on_cancel=True,
                                                  limiter=conf.limiter())  # fmt: skip
    except ApiError as exc:
        return _error(exc)
    except params.ParamError as exc:
        return _error(ApiError(400, "bad_parameter", exc.reason, exc.parameter))
    except NoDataError as exc:
        return _error(_no_data(exc, {}))
    except InvalidFormulaError:
        return _error(ApiError(400, "bad_parameter", "a formula that cannot be used here"))
    except UnknownMetricError:
        return _error(ApiError(404, "unknown_metric", "names no catalog metric, formula or upload id"))
    except TimeoutError:
        return _error(
            ApiError(503, "timeout", f"the answer took longer than {conf.timeout_s:g} s: try later")
        )
    except _store_errors() as exc:
        log.warning("API: the store is unavailable: %s", type(exc).__name__)
        return _error(ApiError(503, "store_unavailable", "the data store is unavailable: try again later"))
    except Exception:  # a bug, never the caller's input: logged, and no detail leaves the server
        log.exception("API: unexpected error on %s", request.url.path)
        return _error(ApiError(500, "internal_error", "unexpected error"))


ROUTES: tuple[tuple[str, Callable[[Request], Response]], ...] = (
    (f"{PREFIX}/metrics", _metrics),
    (f"{PREFIX}/series/{{id:path}}", _series),
    (f"{PREFIX}/compare", _compare),
    (f"{PREFIX}/scenario", _scenario),
    (f"{PREFIX}/screener", _screener),
    (f"{PREFIX}/openapi.json", _openapi),
    ("/api/{rest:path}", _unknown),
)


def routes() -> list[Route]:
    """The API's routes, for st.App(routes=...): every method reaches them, so that a method other
    than GET is answered in JSON (405) like every other error."""
    return [Route(path, _endpoint(handler), methods=METHODS) for path, handler in ROUTES]
