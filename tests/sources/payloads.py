"""Hand-written payloads in each source's real format (shapes and wording as recorded in
../shared/data/real/MANIFEST.md; values small and made up where the exact value does not matter)."""

from __future__ import annotations

# --------------------------------------------------------------------------- FRED, keyless CSV
FRED_CSV_CURRENT = "observation_date,WALCL\n2024-01-03,7681024\n2024-01-10,7686710\n2024-01-17,7673932\n"
FRED_CSV_LEGACY = "DATE,DGS10\r\n2012-09-03,.\r\n2012-09-04,1.57\r\n2012-09-05,1.60\r\n"
FRED_CSV_FREDAPI = "date,WALCL\n2007-01-03,874626.0\n2007-01-10,\n2007-01-17,859363.0\n"
FRED_CSV_GAP = "observation_date,UNRATE\n2025-09-01,4.4\n2025-10-01,\n2025-11-01,4.6\n"
FRED_CSV_NEGATIVE = "observation_date,DCOILWTICO\n2020-04-17,18.31\n2020-04-20,-36.98\n2020-04-21,8.91\n"
FRED_CSV_DUPLICATE_UNSORTED = (
    "observation_date,WALCL\n2024-01-17,3\n2024-01-03,1\n2024-01-10,2\n2024-01-10,2.5\n"
)
FRED_CSV_ALL_MISSING = "observation_date,WALCL\n2024-01-03,\n2024-01-10,.\n"
FRED_CSV_NON_NUMERIC = "observation_date,WALCL\n2024-01-03,7681024\n2024-01-10,n/a!\n"
FRED_CSV_WRONG_COLUMNS = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,1,2,0.5,1.5\n"
FRED_CSV_TRUNCATED = "observation_date,WALCL\n2024-01-03,7681024\n2024-01-1"
FRED_CSV_HEADER_ONLY = "observation_date,WALCL\n"

FRED_JSON_UNKNOWN = '{"error_code":400,"error_message":"Bad Request.  The series does not exist."}'
FRED_JSON_NO_KEY = '{"error_code":400,"error_message":"Bad Request.  Variable api_key is not set."}'
FRED_JSON_BAD_KEY = (
    '{"error_code":400,"error_message":"Bad Request. The value for variable api_key is not registered."}'
)
FRED_JSON_429 = '{"error_code":429,"error_message":"Too Many Requests.  Exceeded Rate Limit"}'

# --------------------------------------------------------------------------- FRED API (XML, fredapi)
_XML_HEAD = (
    '<?xml version="1.0" encoding="utf-8" ?>\n'
    '<observations realtime_start="2024-02-01" realtime_end="2024-02-01" observation_start="2023-01-01" '
    'observation_end="9999-12-31" units="lin" output_type="1" file_type="xml" order_by="observation_date" '
    'sort_order="asc" count="{n}" offset="0" limit="100000">\n'
)


def fred_xml(*rows: tuple[str, str]) -> str:
    body = "".join(
        f'  <observation realtime_start="2024-02-01" realtime_end="2024-02-01" date="{d}" value="{v}"/>\n'
        for d, v in rows
    )
    return _XML_HEAD.replace("{n}", str(len(rows))) + body + "</observations>\n"


FRED_XML = fred_xml(
    ("2023-01-01", "4.33"), ("2023-01-02", "."), ("2023-01-03", "4.33"), ("2023-01-04", "4.33")
)
FRED_XML_ALL_MISSING = fred_xml(("2023-01-01", "."), ("2023-01-02", "."))
FRED_XML_NON_NUMERIC = fred_xml(("2023-01-01", "4.33"), ("2023-01-02", "abc"))
FRED_XML_WRONG = '<?xml version="1.0"?>\n<observations><obs day="2023-01-01" v="4.33"/></observations>\n'
FRED_XML_EMPTY = fred_xml()
FRED_XML_UNKNOWN = (
    '<?xml version="1.0" encoding="utf-8" ?>\n'
    '<error code="400" message="Bad Request.  The series does not exist."/>\n'
)
FRED_XML_BAD_KEY = (
    '<?xml version="1.0" encoding="utf-8" ?>\n'
    '<error code="400" message="Bad Request. The value for variable api_key is not registered."/>\n'
)

# --------------------------------------------------------------------------- CBOE
CBOE_CSV_6 = (
    "DATE,OPEN,HIGH,LOW,CLOSE\n"
    "03/13/2020,57.720000,59.830000,46.690000,57.830000\n"
    "03/16/2020,59.750000,83.560000,59.750000,82.690000\n"
    "03/17/2020,81.810000,82.130000,64.470000,75.910000\n"
)
CBOE_CSV_2 = (
    "DATE,OPEN,HIGH,LOW,CLOSE\r\n01/02/1990,17.24,17.24,17.24,17.24\r\n01/03/1990,18.19,18.19,18.19,18.19\r\n"
)
CBOE_CSV_SINGLE = "DATE,VVIX\n01/03/2007,87.63\n01/04/2007,88.19\n01/05/2007,90.17\n"
CBOE_CSV_ALL_MISSING = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,,,,\n01/03/2024,,,,\n"
CBOE_CSV_NON_NUMERIC = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.2,13.9,13.1,13.2O\n"
CBOE_CSV_WRONG_COLUMNS = "Symbol,Name,Last\nVIX,Cboe Volatility Index,13.2\n"
CBOE_CSV_TRUNCATED = "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13.2,13.9,13.1,13.2\n01/03/2024,14.0,14"
CBOE_CSV_DUPLICATE_UNSORTED = (
    "DATE,OPEN,HIGH,LOW,CLOSE\n01/04/2024,1,1,1,14.1\n01/02/2024,1,1,1,13.2\n01/04/2024,1,1,1,14.2\n"
)
CBOE_403_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
    "<RequestId>8Z2Q</RequestId></Error>"
)

# --------------------------------------------------------------------------- CoinGecko
DAY_MS = 86_400_000
MS_2023_06_22 = 1_687_392_000_000  # 2023-06-22 00:00 UTC


def market_chart(prices: list) -> str:
    import json

    return json.dumps({"prices": prices, "market_caps": [[p[0], 0] for p in prices], "total_volumes": []})


CG_CHART = market_chart(
    [
        [MS_2023_06_22, 30_000.5],
        [MS_2023_06_22 + DAY_MS, 29_935.632],
        [MS_2023_06_22 + 2 * DAY_MS, 30_629.244],
        [MS_2023_06_22 + 2 * DAY_MS + 41_132_000, 30_702.985],  # the intraday "now" point: same date
    ]
)
CG_CHART_WITH_NULL = market_chart([[MS_2023_06_22, 1.5], [MS_2023_06_22 + DAY_MS, None]])
CG_CHART_ALL_MISSING = market_chart([[MS_2023_06_22, None], [MS_2023_06_22 + DAY_MS, None]])
CG_CHART_NON_NUMERIC = market_chart([[MS_2023_06_22, "30000.5"]])
CG_CHART_WRONG = '{"market_caps": [[1687392000000, 5.8e11]], "total_volumes": []}'
CG_CHART_EMPTY = '{"prices": [], "market_caps": [], "total_volumes": []}'
CG_CHART_TRUNCATED = CG_CHART[: len(CG_CHART) // 2]
CG_429 = (
    '{"status":{"error_code":429,"error_message":"You\'ve exceeded the Rate Limit. Please visit '
    'https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}'
)
CG_401_RANGE = (
    '{"error":{"status":{"timestamp":"2025-11-20T02:49:16.124+00:00","error_code":10012,"error_message":'
    '"Your request exceeds the allowed time range. Public API users are limited to querying historical data '
    "within the past 365 days. Upgrade to a paid plan to enjoy full historical data access: "
    'https://www.coingecko.com/en/api/pricing."}}}'
)
CG_401_KEY = '{"status":{"error_code":10002,"error_message":"API Key Missing"}}'
CG_404 = '{"error":"coin not found"}'
CG_400 = '{"error":"invalid vs_currency"}'
CG_CSV = (
    "snapped_at,price,market_cap,total_volume\r\n"
    "2010-07-18 00:00:00 UTC,0.09,0.0,0.0\r\n"
    "2010-07-19 00:00:00 UTC,0.08,0.0,0.0\r\n"
    "2010-07-20 00:00:00 UTC,0.07,0.0,0.0\r\n"
)

# --------------------------------------------------------------------------- generic bad answers
HTML_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>Error</title></head>'
    "<body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n"
)
HTML_404 = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(40))
BINARY_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


# ALFRED through the FRED API: `series/observations` over the whole real-time period
# (realtime_start=1776-07-04, realtime_end=9999-12-31) as JSON, the format of the real recordings in
# ../shared/data/real/vintages (GDPC1, GDP). Rows: date, realtime_start, realtime_end, value.
def alfred_json(*rows: tuple[str, str, str, str], count: int | None = None) -> str:
    import json

    observations = [{"realtime_start": r, "realtime_end": e, "date": d, "value": v} for d, r, e, v in rows]
    return json.dumps(
        {"realtime_start": "1776-07-04", "realtime_end": "9999-12-31", "observation_start": "1600-01-01",
         "observation_end": "9999-12-31", "units": "lin", "output_type": 1, "file_type": "json",
         "order_by": "observation_date", "sort_order": "asc", "count": len(rows) if count is None else count,
         "offset": 0, "limit": 100000, "observations": observations}
    )  # fmt: skip


ALFRED_JSON = alfred_json(
    # Dated before the archive's first vintage (2002-12-19): archived then, not published then.
    ("2002-06-05", "2002-12-19", "9999-12-31", "700000"),
    ("2002-12-18", "2002-12-19", "2002-12-25", "719542"),
    ("2002-12-18", "2002-12-26", "9999-12-31", "719600"),  # a revision: the first release stays 2002-12-19
    ("2002-12-25", "2002-12-27", "9999-12-31", "721000"),  # Christmas: published Friday
    ("2003-01-01", "2003-01-02", "2003-01-08", "."),  # published without a value, then with one
    ("2003-01-01", "2003-01-09", "9999-12-31", "722000"),
)
# FRED's refusal of a real-time period spanning more than 2,000 vintage dates (hand-made: the wording
# quoted in fredapi issue 48, T5YIFR, in the error body FRED uses for every 400).
FRED_JSON_TOO_MANY_VINTAGES = (
    '{"error_code":400,"error_message":"Bad Request.  There are 2004 vintage dates in the specified '
    "real-time period: 1776-07-04 to 9999-12-31.  This exceeds the maximum number of vintage dates "
    'allowed (2000)."}'
)


# ALFRED's keyless one-vintage CSV (`alfredgraph.csv?id=..&vintage_date=..`), hand-made in the layout
# of the recorded multi-vintage file (PAYEMS): `observation_date,SERIES_YYYYMMDD`, "." for no value.
def alfred_csv(series: str, day: str, *rows: tuple[str, str]) -> str:
    return f"observation_date,{series}_{day.replace('-', '')}\n" + "".join(f"{d},{v}\n" for d, v in rows)
