"""The HTTP API against real servers on loopback (`streamlit run serve.py`, the app and its API in one
process), through a real HTTP client: every route, every error status, the rate limit, CORS, hostile
parameters from the hostile-link suite, and answers that are the command line's and validate against
the OpenAPI document."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import pytest
import requests

import convex
from convex.api import http, openapi
from convex.cli import main
from convex.data.importers import read_series_text
from convex.data.loader import Loader
from convex.store import Store
from tests.reliability.test_hostile_urls import HOSTILE_KEYS, PAYLOADS
from tests.servers import ROOT, streamlit_server

from .helpers import fill
from .openapi_check import problems, validate_answer

API = "/api/v1"
DOCUMENT = openapi.document()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app with its API on a store of live synthetic series, a kept upload and the samples. Not
    offline, and every source is a synthetic one that would answer (tests/childsite): a fetch would
    succeed and be logged, so an empty attempt log shows the API never fetched."""
    folder = tmp_path_factory.mktemp("api-store")
    store = Store(folder / "convex.sqlite3")
    upload_id = fill(store)
    Loader(store, offline=True).seed_samples()
    env = {
        "CONVEX_OFFLINE": None, "PYTHONPATH": f"{ROOT / 'tests' / 'childsite'}:{ROOT}",
        "CONVEX_TEST_SYNTHETIC_ROWS": "300", "CONVEX_API_BURST": "100000",
        "CONVEX_API_RATE_PER_MINUTE": "100000",
    }  # fmt: skip
    with streamlit_server(folder, "serve.py", env) as url:
        yield url, folder, store, upload_id


def get(url: str, path: str, **kwargs) -> requests.Response:
    return requests.get(f"{url}{path}", timeout=60, **kwargs)


def cli_json(capsys, monkeypatch, folder, *args: str) -> dict:
    monkeypatch.setenv("CONVEX_DATA_DIR", str(folder))
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_openapi_document_is_valid_and_lists_exactly_the_routes_served():
    assert problems(DOCUMENT) == []
    served = {path.replace("{id:path}", "{id}") for path, _ in http.ROUTES if not path.startswith("/api/{")}
    assert set(DOCUMENT["paths"]) == served
    for path, item in DOCUMENT["paths"].items():
        route = path.removeprefix(f"{API}/").split("/")[0]
        query = {p["name"] for p in item["get"]["parameters"] if p["in"] == "query"}
        assert query == set(http.PARAMETERS[route]), path


def test_the_app_and_its_api_are_served_by_one_process(served):
    from bench.ws_client import WsSession

    url, *_ = served
    assert get(url, "/").status_code == 200 and get(url, "/screener").status_code == 200

    async def open_compare_page():
        async with WsSession(url, 120) as session:  # a browser tab's session, over Streamlit's websocket
            return await session.open("a=spy&b=gld&lookback=1Y")

    page = asyncio.run(open_compare_page())
    assert not page.exceptions and not page.error_alerts
    assert "S&P 500 ETF (SPY) vs Gold (GLD)" in page.headings
    # The share box gives this view's API address: the server that drew the page answers it.
    address = next(t for t in page.texts if "/api/v1/compare?" in t)
    path = address[address.index("/api/v1/") :]
    assert path == f"{API}/compare?a=spy&b=gld&lookback=1Y"
    answer = get(url, path)
    assert answer.status_code == 200 and answer.json()["n"] > 200
    assert get(url, f"{API}/openapi.json").json() == DOCUMENT


@pytest.mark.parametrize(
    ("a", "b", "query"),
    [
        ("walcl", "tlt", {"lookback": "5Y"}),
        ("spy", "gld", {}),  # the page's default lookback, 3Y
        ("f:spy/tlt", "dgs10", {"lookback": "Max"}),
        ("spx", "ixic", {"dates": "2008-09-01..2009-03-31"}),
        ("UPLOAD", "walcl", {"lookback": "1Y"}),
        ("walcl", "tlt", {"lookback": "1Y", "asof": "2025-06-30"}),
    ],
)
def test_compare_answers_what_convex_stats_json_prints(served, capsys, monkeypatch, a, b, query):
    url, folder, _, upload_id = served
    a = upload_id if a == "UPLOAD" else a
    answer = get(url, f"{API}/compare", params={"a": a, "b": b, **query})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    window = query.get("dates") or query.get("lookback", "3Y")
    asof = ["--asof", query["asof"]] if "asof" in query else []
    assert answer.json() == cli_json(capsys, monkeypatch, folder, "stats", a, b, "--lookback", window, *asof)
    assert ("known_on" in answer.json()) == bool(asof)
    validate_answer(DOCUMENT, f"{API}/compare", 200, "application/json", answer.json())
    again = get(url, f"{API}/compare", params={"a": a, "b": b, **query})
    assert again.content == answer.content  # kept: the same bytes while the store is unchanged


def test_compare_takes_the_pages_rolling_and_statistics_windows(served, monkeypatch):
    url, folder, *_ = served
    monkeypatch.setenv("CONVEX_DATA_DIR", str(folder))
    answer = get(url, f"{API}/compare", params={"a": "spy", "b": "gld", "roll": "26", "window": "1Y"}).json()
    python = convex.compare("spy", "gld", rolling_window=26, stats_window="1Y").to_dict()
    assert answer == json.loads(json.dumps(python))
    assert answer["rolling_correlation"]["window"] == 26 and answer["metric_a"]["window"] == "1Y"


def test_scenario_answers_what_convex_scenario_json_prints(served, capsys, monkeypatch):
    url, folder, *_ = served
    query = {"a": "walcl", "b": "tlt", "move": "-1%", "horizon": "13w", "lookback": "Max"}
    answer = get(url, f"{API}/scenario", params=query)
    assert answer.status_code == 200
    args = ("scenario", "walcl", "tlt", "--move=-1%", "--horizon", "13w", "--lookback", "Max")
    assert answer.json() == cli_json(capsys, monkeypatch, folder, *args)
    validate_answer(DOCUMENT, f"{API}/scenario", 200, "application/json", answer.json())


def test_the_screener_answers_the_python_apis_ranking(served, monkeypatch):
    url, folder, *_ = served
    monkeypatch.setenv("CONVEX_DATA_DIR", str(folder))
    # The synthetic data end 2026-11-18: as of today their pairs are set apart, so ask for them too.
    params = {"recent": "26W", "freq": ["daily", "weekly"], "limit": 5, "apart": "true"}
    answer = get(url, f"{API}/screener", params=params)
    assert answer.status_code == 200
    body = answer.json()
    frame = convex.screen("26W", frequencies=["daily", "weekly"], include_set_apart=True)
    assert body["pairs_total"] == len(frame) > 5 and body["pairs_shown"] == 5
    assert [(p["a"], p["b"]) for p in body["pairs"]] == list(zip(frame["a"][:5], frame["b"][:5], strict=True))
    assert body["tested"] == frame.attrs["tested"] and body["discoveries"] == frame.attrs["discoveries"]
    validate_answer(DOCUMENT, f"{API}/screener", 200, "application/json", body)


def test_series_in_json_and_csv_are_the_stored_values(served, monkeypatch):
    url, folder, store, upload_id = served
    answer = get(url, f"{API}/series/tlt", params={"start": "2024-01-01", "end": "2024-03-31"})
    assert answer.status_code == 200
    body = answer.json()
    stored = store.read_series("tlt")["2024-01-01":"2024-03-31"]
    assert body["values"] == stored.tolist() and body["dates"] == [f"{d:%Y-%m-%d}" for d in stored.index]
    assert body["provenance"] == "live" and body["n"] == len(stored)
    validate_answer(DOCUMENT, f"{API}/series/{{id}}", 200, "application/json", body)
    csv = get(url, f"{API}/series/tlt", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    read_back = read_series_text(csv.text).series  # what `convex import` reads: exactly the values
    assert read_back.tolist() == store.read_series("tlt").tolist()
    formula = get(url, f"{API}/series/{quote('f:spy/tlt', safe='')}").json()
    monkeypatch.setenv("CONVEX_DATA_DIR", str(folder))
    assert formula["values"] == convex.series("f:spy/tlt").tolist() and formula["name"] == "SPY / TLT"
    assert get(url, f"{API}/series/{upload_id}").json()["provenance"] == "import"


def test_metrics_lists_the_catalog_with_what_is_stored(served):
    url, *_ = served
    body = get(url, f"{API}/metrics").json()
    by_id = {m["id"]: m for m in body["metrics"]}
    assert body["count"] == len(by_id) == len(convex.list_metrics())
    assert by_id["walcl"]["provenance"] == "live" and by_id["spx"]["provenance"] == "sample"
    assert by_id["btc"]["provenance"] is None
    validate_answer(DOCUMENT, f"{API}/metrics", 200, "application/json", body)
    rates = get(url, f"{API}/metrics", params={"domain": "Rates"}).json()["metrics"]
    assert rates and {m["domain"] for m in rates} == {"Rates"}


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "parameter"),
    [
        ("compare", {"a": "walcl", "b": "tlt", "lookback": "7Y"}, 400, "bad_parameter", "lookback"),
        ("compare", {"a": "walcl", "b": "tlt", "dates": "2022-06-30..2022-03-01"}, 400, "bad_parameter",
         "dates"),
        ("compare", {"a": "walcl"}, 400, "bad_parameter", "b"),
        ("compare", {"a": "walcl", "b": "walcl"}, 400, "bad_parameter", "b"),
        ("compare", {"a": "walcl", "b": "tlt", "roll": "7"}, 400, "bad_parameter", "roll"),
        ("compare", {"a": "walcl", "b": "tlt", "asof": "2025-02-30"}, 400, "bad_parameter", "asof"),
        ("scenario", {"a": "walcl", "b": "tlt", "asof": "2999-01-01"}, 400, "bad_parameter", "asof"),
        ("compare", {"a": "walcl", "b": "tlt", "lookbak": "1Y"}, 400, "unknown_parameter", None),
        ("compare", {"a": "walcl", "b": "f:walcl + tlt"}, 400, "bad_parameter", "b"),
        ("compare", {"a": "walcl", "b": "nope"}, 404, "unknown_metric", "b"),
        ("compare", {"a": "btc", "b": "tlt"}, 404, "no_data", "a"),
        ("compare", {"a": "u:0123456789ab", "b": "tlt"}, 404, "no_data", "a"),
        ("scenario", {"a": "walcl", "b": "tlt", "move": "-2bp"}, 400, "bad_parameter", "move"),
        ("scenario", {"a": "walcl", "b": "tlt", "horizon": "999"}, 400, "bad_parameter", "horizon"),
        ("screener", {"recent": "2W"}, 400, "bad_parameter", "recent"),
        ("screener", {"limit": "0"}, 400, "bad_parameter", "limit"),
        ("screener", {"mechanical": "maybe"}, 400, "bad_parameter", "mechanical"),
        ("metrics", {"domain": "Astrology"}, 400, "bad_parameter", "domain"),
        ("series/tlt", {"start": "2024-02-30"}, 400, "bad_parameter", "start"),
        ("series/tlt", {"format": "xml"}, 400, "bad_parameter", "format"),
        ("series/nope", {}, 404, "unknown_metric", "id"),
        ("series/dgs2", {}, 404, "no_data", "id"),
        ("nowhere", {}, 404, "not_found", None),
    ],
)
def test_each_error_is_json_with_its_status_and_names_the_parameter(served, path, params, status, code,
                                                                    parameter):  # fmt: skip
    url, *_ = served
    answer = get(url, f"{API}/{path}", params=params)
    assert answer.status_code == status and answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert (error["status"], error["code"], error["parameter"]) == (status, code, parameter)
    documented = f"{API}/{path}" if f"{API}/{path}" in DOCUMENT["paths"] else None
    if documented:
        validate_answer(DOCUMENT, documented, status, "application/json", answer.json())


def test_a_parameter_given_twice_or_a_long_query_string_is_refused(served):
    url, *_ = served
    twice = get(url, f"{API}/compare?a=walcl&b=tlt&a=spy").json()["error"]
    assert (twice["code"], twice["parameter"]) == ("bad_parameter", "a")
    long = get(url, f"{API}/compare?a=walcl&b=tlt&lookback={'1' * 3000}")
    assert long.status_code == 400 and long.json()["error"]["parameter"] is None


def test_only_get_and_head_are_answered_and_cors_is_off_by_default(served):
    url, *_ = served
    posted = requests.post(f"{url}{API}/compare", data={"a": "walcl"}, timeout=30)
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"
    assert posted.json()["error"]["code"] == "method_not_allowed"
    head = requests.head(f"{url}{API}/metrics", timeout=30)
    assert head.status_code == 200 and head.content == b""
    asked = get(url, f"{API}/metrics", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in asked.headers
    preflight = requests.options(f"{url}{API}/metrics", headers={"Origin": "https://elsewhere.example"},
                                 timeout=30)  # fmt: skip
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


# Each route's parameters, with a valid value for those a hostile one is not put in.
ROUTE_PARAMS = {
    "compare": {"a": "walcl", "b": "tlt", "lookback": "1Y", "dates": None, "roll": None, "window": None},
    "scenario": {"a": "walcl", "b": "tlt", "move": None, "horizon": None, "lookback": "1Y", "dates": None},
    "screener": {k: None for k in http.PARAMETERS["screener"]},
    "metrics": {"domain": None},
    "series/tlt": {"format": None, "start": None, "end": None},
}


def _hostile_cases():
    for route, base in ROUTE_PARAMS.items():
        for key in base:
            for payload in PAYLOADS:
                yield route, {**{k: v for k, v in base.items() if v is not None}, key: payload}


def test_hostile_parameters_never_give_a_500_nor_come_back(served):
    url, *_ = served
    seen: dict[int, int] = {}
    session = requests.Session()
    for route, query in _hostile_cases():
        answer = session.get(f"{url}{API}/{route}", params=query, timeout=60)
        seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
        assert answer.status_code in (200, 400, 404), (route, query, answer.text[:200])
        assert answer.headers["content-type"] == "application/json"
        if answer.status_code != 200:
            for value in query.values():
                assert len(value) < 8 or value not in answer.text, (route, value)
    for key in HOSTILE_KEYS:  # a parameter no route takes
        answer = session.get(f"{url}{API}/compare", params={"a": "walcl", "b": "tlt", key: "1"}, timeout=60)
        assert answer.status_code == 400 and (len(key) < 8 or key not in answer.text)
    for payload in PAYLOADS:  # as a series id in the path
        answer = session.get(f"{url}{API}/series/{quote(payload, safe='')}", timeout=60)
        assert answer.status_code in (200, 400, 404) and (len(payload) < 8 or payload not in answer.text)
    assert seen.get(400, 0) > 500 and seen.get(200, 0) > 5  # most are refused; the valid ones answered


def test_the_api_never_fetches_nor_writes(served):
    # The server is online with sources that would answer: a page view would fetch missing or stale
    # data. Every route is called, some for metrics with nothing stored.
    url, folder, store, _ = served
    before = (store.version(), store.attempts(), store.all_meta())
    for path, params in [
        ("compare", {"a": "btc", "b": "tlt"}), ("compare", {"a": "dgs2", "b": "spy"}),
        ("series/dgs2", {}), ("series/f:btc/spy", {}), ("scenario", {"a": "spy", "b": "gld"}),
        ("screener", {"recent": "4W"}), ("metrics", {}), ("series/spx", {}),
    ]:  # fmt: skip
        assert get(url, f"{API}/{path}", params=params).status_code in (200, 404)
    assert (store.version(), store.attempts(), store.all_meta()) == before
    assert Store(folder / "convex.sqlite3").meta("dgs2") is None  # nothing written for it either


def test_the_rate_limit_per_client_the_store_unavailable_and_cors_when_configured(tmp_path):
    # A store that cannot be opened (its folder is a file), a burst of 4 and a token a minute,
    # CORS for one origin.
    broken = tmp_path / "not-a-folder"
    broken.write_text("")
    env = {"CONVEX_API_BURST": "4", "CONVEX_API_RATE_PER_MINUTE": "1",
           "CONVEX_API_CORS_ORIGINS": "https://allowed.example"}  # fmt: skip
    with streamlit_server(broken, "serve.py", env) as url:

        def ask(path: str, client: str, **headers) -> requests.Response:
            # The server trusts X-Forwarded-For from loopback (uvicorn's default): one client each.
            return get(url, f"{API}/{path}", headers={"X-Forwarded-For": client, **headers})

        down = ask("compare?a=spy&b=gld", "10.0.0.1")
        assert down.status_code == 503 and down.json()["error"]["code"] == "store_unavailable"
        validate_answer(DOCUMENT, f"{API}/compare", 503, "application/json", down.json())
        assert [ask("openapi.json", "10.0.0.1").status_code for _ in range(3)] == [200, 200, 200]
        limited = ask("openapi.json", "10.0.0.1")
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        validate_answer(DOCUMENT, f"{API}/compare", 429, "application/json", limited.json())
        assert ask("openapi.json", "10.0.0.2").status_code == 200  # another client has its own tokens

        allowed = ask("openapi.json", "10.0.0.3", Origin="https://allowed.example")
        assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
        other = ask("openapi.json", "10.0.0.3", Origin="https://elsewhere.example")
        assert "access-control-allow-origin" not in other.headers
        preflight = requests.options(f"{url}{API}/compare", timeout=30, headers={
            "Origin": "https://allowed.example", "Access-Control-Request-Method": "GET",
            "X-Forwarded-For": "10.0.0.4"})  # fmt: skip
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "https://allowed.example"
        assert preflight.headers["access-control-allow-methods"] == "GET, HEAD"
