"""The few streamlit helpers the pages share: secrets, cached loading, URL state, badges.

Together with its submodules, this is the only part of `convex/` that imports streamlit.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from ..analytics.align import window_start
from ..catalog import DOMAINS, Metric, UnknownMetricError, catalog
from ..charts import ChartSpec
from ..content.words import short_name
from ..formatting import format_change, format_number, format_value
from ..loader import LoadedSeries, Loader, NoDataError
from ..store import Store, default_location, utcnow
from ..uploads import is_upload_id

# The modules imported above (streamlit, pandas, statsmodels, altair: about 200,000 objects) live as
# long as the server, and a full garbage collection walked them all: about 100 ms each. Frozen
# (once, at first import), they are out of the collector's sight; what reruns create is still
# collected.
gc.freeze()

SECRET_NAMES = (
    "CONVEX_DATABASE_URL",
    "FRED_API_KEY",
    "COINGECKO_API_KEY",
    "CONVEX_BASE_URL",
    "CONVEX_SMTP_HOST",
    "CONVEX_SMTP_PORT",
    "CONVEX_SMTP_TLS",
    "CONVEX_SMTP_USER",
    "CONVEX_SMTP_PASSWORD",
    "CONVEX_SMTP_FROM",
)
CACHE_TTL_S = 300


# Page runs under way in this process, and when the last one ended: work done ahead waits while
# pages run and for a moment after (a run's last messages are still being sent), see analysis.py.
_RUNS = [0, 0.0]
_RUNS_LOCK = threading.Lock()
QUIET_S = 0.05


@contextmanager
def page_run():
    """Count a page's run (app.py wraps each one) for as long as it lasts, st.stop included."""
    with _RUNS_LOCK:
        _RUNS[0] += 1
    try:
        yield
    finally:
        with _RUNS_LOCK:
            _RUNS[0] -= 1
            _RUNS[1] = time.monotonic()


def pages_busy() -> bool:
    """Whether a page is running in this process, or one ended less than QUIET_S ago."""
    return _RUNS[0] > 0 or time.monotonic() - _RUNS[1] < QUIET_S


def ensure_app_navigation() -> None:
    """Run every page through app.py's navigation.

    A server whose first visitor opens a page's own address (/metric) runs that page file on its
    own, with Streamlit's older automatic pages/ navigation, before app.py has had a chance to
    register `st.navigation`. Turn that mode off and rerun: the rerun goes through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_SECRETS_APPLIED: list = []  # the secrets object last copied (one per server, unless replaced)


def apply_secrets() -> None:
    """Copy keys from Streamlit secrets into the environment, where the sources look for them: once
    per secrets object, not on every rerun."""
    if _SECRETS_APPLIED and _SECRETS_APPLIED[0] is st.secrets:
        return
    _SECRETS_APPLIED[:] = [st.secrets]
    for name in SECRET_NAMES:
        try:
            value = st.secrets.get(name)
        except Exception:  # no secrets.toml at all raises; the environment may still have the key
            value = None
        if value and not os.environ.get(name):
            os.environ[name] = str(value)


def store_location() -> str:
    """The store this server uses: CONVEX_DATABASE_URL (environment or secrets), else the SQLite file."""
    return default_location()


@st.cache_resource(show_spinner=False)
def _store(location: str) -> Store:
    store = Store(location)
    if not store.shared:
        # Every series the app can serve is in the store from the first view on, offline samples
        # included, so that counts and rankings never depend on which pages were opened first.
        # (A shared store is seeded by its refresh worker: page views only read it.)
        Loader(store, offline=True).seed_samples()
    return store


def get_store() -> Store:
    return _store(store_location())


def _loader(store: Store) -> Loader:
    # A store shared by replicas is read only by page views: the refresh worker fetches for them.
    return Loader(store, read_only=store.shared)


def get_loader() -> Loader:
    return _loader(get_store())


# A replica learns of new data by reading the store's version, at most this often (per process, not
# per widget change); cached data and computations are keyed by it.
VERSION_POLL_S = 5


@st.cache_resource(ttl=VERSION_POLL_S, show_spinner=False)
def _version(location: str) -> int:
    return _store(location).version()


def store_version() -> int:
    """Changes whenever any stored series does: the cache key of data and cross-metric computations."""
    return _version(store_location())


# Cached results are shared, read-only objects (st.cache_resource): analytics never mutate their
# inputs, and handing each rerun a pickled copy (st.cache_data) cost more than the page's charts.
@st.cache_resource(ttl=CACHE_TTL_S, max_entries=256, show_spinner=False)
def load_metric(metric_id: str, location: str, version: int) -> LoadedSeries:
    """A metric's data through the loader, for one version of the store (`version` is only part of
    the key: new data anywhere is read again, and the read is a single row). NoDataError is raised,
    never cached."""
    return _loader(_store(location)).load(metric_id)


# A user's uploads kept in this session only (id -> LoadedSeries): never in the store, never seen
# by another session.
SESSION_SERIES = "_session_series"


def session_series() -> dict[str, LoadedSeries]:
    """This session's own uploads, which no store holds."""
    return st.session_state.setdefault(SESSION_SERIES, {})


def metric(metric_id: str) -> Metric:
    """A metric by id: this session's own upload first, else the catalog (formulas and stored
    uploads included). UnknownMetricError for anything else."""
    if not is_upload_id(metric_id):  # only uploads are held by a session (and this runs per option)
        return catalog().get(metric_id)
    held = st.session_state.get(SESSION_SERIES, {}).get(metric_id)
    return held.metric if held is not None else catalog().get(metric_id)


# Loads this process made within the cache's lifetime (key -> when): one the cache holds needs no
# spinner, whose timer thread costs more than the cache lookup. Cleared with the caches.
LOADS_KEPT = 1024
_RECENT_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _recent_loads() -> dict[tuple, float]:
    return {}


def load(metric_id: str) -> LoadedSeries:
    held = st.session_state.get(SESSION_SERIES, {}).get(metric_id)
    if held is not None:
        return held
    key = (metric_id, store_location(), store_version())
    recent = _recent_loads()
    if time.monotonic() - recent.get(key, -CACHE_TTL_S) < CACHE_TTL_S:
        return load_metric(*key)
    with st.spinner(f"Loading {metric(metric_id).name}…"):
        loaded = load_metric(*key)
    with _RECENT_LOCK:  # sessions load in threads of their own
        recent[key] = time.monotonic()
        while len(recent) > LOADS_KEPT:
            del recent[next(iter(recent))]
    return loaded


def try_load(metric_id: str) -> LoadedSeries | NoDataError:
    try:
        return load(metric_id)
    except NoDataError as exc:
        return exc


def data_version(loaded: LoadedSeries) -> tuple:
    """What identifies the data a cached computation was made from."""
    return (loaded.provenance, loaded.fetched_at, loaded.last_date, len(loaded.series), loaded.fingerprint)


def loaded_identity(loaded: LoadedSeries) -> tuple:
    """A loaded series as a cache key: which metric, read how, from which data (never its values,
    whose hashing would cost more than most computations it keys)."""
    m = loaded.metric
    return (m.id, loaded.frequency, m.change, data_version(loaded))


# Cached computations take the loaded series themselves (a session's upload is in no store), keyed
# by their identity.
BY_IDENTITY = {LoadedSeries: loaded_identity}


def clear_caches() -> None:
    """After a refresh: every cached load and computation (the store handle is kept)."""
    from .analysis import CACHED as ANALYSIS
    from .related import CACHED as RELATED

    for cached in (
        *ANALYSIS,
        *RELATED,
        _version,
        load_metric,
        _recent_loads,
        _pairs_with_data,
    ):
        cached.clear()


def humanize_age(then: datetime | None, now: datetime | None = None) -> str:
    if then is None:
        return "unknown time"
    seconds = max(0.0, ((now or utcnow()) - then).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def provenance_badge(loaded: LoadedSeries) -> tuple[str, str]:
    """A short label and a colour for where the data comes from and how fresh it is."""
    if loaded.provenance == "sample":
        return f"Offline sample · {loaded.detail.split(' (')[0]}", "orange"
    if loaded.provenance == "import":
        return f"Imported file · {loaded.detail or ''}".rstrip(" ·"), "violet"
    age = humanize_age(loaded.fetched_at)
    if loaded.stale:
        return f"Stored {age} · source failed" if "failed" in (
            loaded.stale_reason or ""
        ) else f"Stored {age}", "red"
    return f"Live · fetched {age}", "green"


def describe_metric(metric: Metric) -> str:
    return f"{metric.domain} · {metric.frequency}"


@st.cache_resource(max_entries=2, show_spinner=False)
def _pairs_with_data(version: int, location: str) -> list[tuple[str, str, str]]:
    return Loader(_store(location), offline=True).pairs_with_data(catalog().featured)


def pairs_with_data() -> list[tuple[str, str, str]]:
    """The catalog's featured pairs that have data here, as (a, b, provenance), live data first."""
    return _pairs_with_data(store_version(), store_location())


def metric_options() -> list[str]:
    """Catalog ids in picker order: by domain, then name."""
    return [m.id for d in DOMAINS for m in sorted(catalog().in_domain(d), key=lambda m: m.name)]


def pair_label(a_id: str, b_id: str, provenance: str = "live") -> str:
    """A link's words for a pair, short enough for one line on a phone: "Fed Balance Sheet vs TLT"."""
    a, b = metric(a_id), metric(b_id)
    return f"{short_name(a)} vs {short_name(b)}" + (" (sample)" if provenance == "sample" else "")


def metric_label(metric_id: str) -> str:
    try:
        return metric(metric_id).label
    except UnknownMetricError:  # text typed into a picker's search box, before it is read
        return str(metric_id)[:80]


def sanitize_choice(value: object, allowed: Iterable[str]) -> str | None:
    """A URL value if it is exactly one of `allowed`, else None. Never echoes what it got."""
    return value if isinstance(value, str) and value in set(allowed) else None


def data_origin(loaded: LoadedSeries) -> str:
    """Where the numbers shown came from, in a few words: the live source, or the file or package
    they were read from instead."""
    m = loaded.metric
    if loaded.provenance == "sample":
        return f"offline sample from {loaded.detail}"
    if loaded.provenance == "import" and not m.is_derived:
        return f"imported file {loaded.detail or ''}".rstrip()
    return m.source_name


def footer(metrics: Iterable[Metric], loaded: dict[str, LoadedSeries] | None = None) -> None:
    """Each metric's source; where the data shown came from elsewhere (an offline sample, an
    imported file), that first, and the live source it stands in for after it."""
    st.divider()
    lines = []
    for m in metrics:
        shown = (loaded or {}).get(m.id)
        if m.source == "upload":
            line = f"- **{m.name}**: {shown.detail if shown is not None else 'a file you uploaded'}"
        elif m.is_derived:
            inputs = ", ".join(catalog().get(i.id).name for i in m.inputs)
            line = f"- **{m.name}**: computed by Convex from {inputs} ({m.symbol})"
            if shown is not None and shown.provenance != "live":
                line += f"; {shown.detail}"
        elif shown is not None and shown.provenance != "live":
            line = (
                f"- **{m.name}**: {data_origin(shown)}; its live source is "
                f"[{m.source_name}, {m.symbol}]({m.source_url})"
            )
        else:
            line = f"- **{m.name}**: [{m.source_name}, {m.symbol}]({m.source_url})"
        lines.append(line)
    st.caption("Data sources\n" + "\n".join(lines))
    st.caption(
        "Convex is information, not financial advice. Statistics describe the past and can change "
        "as data are revised."
    )


def check_url(
    allowed: dict[str, Iterable[str] | None], *, first_value: Iterable[str] = (), multi: Iterable[str] = ()
) -> list[str]:
    """Notices for URL parameters the page cannot use; unknown parameters are removed.

    `allowed` maps each parameter to its valid values (None: "true"/"false"; a callable: whether a
    value is valid, and an invalid one is removed so its widget starts empty). A repeated parameter
    is resolved as its widget does: the last value, or for the keys in `first_value` (Streamlit's
    button groups) the first non-empty one; the keys in `multi` (multiselects) repeat by design,
    and each value must be valid (the widget drops the others). The notices name only our own
    parameters and never repeat the value that was given: the URL is untrusted.
    """
    notices = []
    unknown = [key for key in st.query_params if key not in allowed]
    for key in unknown:
        del st.query_params[key]
    if unknown:
        count = len(unknown)
        notices.append(f"{count} unrecognised link parameter{'s were' if count > 1 else ' was'} ignored.")
    first_value, multi = set(first_value), set(multi)
    for key, values in allowed.items():
        given = st.query_params.get_all(key)
        if not given:
            continue
        if key in multi:
            if any(v and v not in set(values or ()) for v in given):
                notices.append(f"Some of the link's values for “{key}” are not valid here and were left out.")
            continue
        used = ([v for v in given if v] or given)[0] if key in first_value else given[-1]
        if callable(values):
            valid = values(used)
            if not valid:
                del st.query_params[key]
        else:
            valid = used.lower() in ("true", "false") if values is None else used in set(values)
        if not valid:
            notices.append(f"The link's value for “{key}” is not valid here, so the default is used.")
        elif len(given) > 1:
            which = "first non-empty" if key in first_value else "last"
            notices.append(f"The link repeats “{key}”; its {which} value is used.")
    return notices


def sync_choice_with_url(key: str, options: list[str], default: str) -> str | None:
    """Keep an unbound picker (whose URL value is a catalog id) in step with the URL.

    The URL wins when it holds a valid id (an opened link); otherwise the picker keeps its value
    or starts at `default`. Returns a notice when the URL's value had to be replaced.
    """
    given = st.query_params.get_all(key)
    wanted = sanitize_choice(given[-1], options) if given else None
    notice = None
    if given and wanted is None:
        notice = f"The link's “{key}” is not a Convex metric id, so {metric_label(default)} is shown."
    if wanted is not None:
        st.session_state[key] = wanted
    elif st.session_state.get(key) not in options:
        st.session_state[key] = default
    st.query_params[key] = st.session_state[key]
    return notice


_REDRAW = "_redraw"  # set when a part of the page asks for the same view to be drawn again
_VIEW_NOTICES = "_view_notices"


def redraw() -> None:
    """Draw the same view again (a part computed in the background is ready): its link notices
    are shown again, so the redrawn page reads as if it had been complete at once."""
    st.session_state[_REDRAW] = True
    st.rerun()


def view_notices(notices: list[str]) -> list[str]:
    """The notices of this view: those its link just gave, or on a redraw the ones it showed."""
    if st.session_state.pop(_REDRAW, False):
        return st.session_state.get(_VIEW_NOTICES, [])
    st.session_state[_VIEW_NOTICES] = notices
    return notices


def write_choice_to_url(key: str) -> None:
    st.query_params[key] = st.session_state[key]


def offered_from_url(keys, offered: str, notices: list[str], *, kind, resolve, unusable: str) -> list[str]:
    """The metrics of one kind (formulas, uploads) to offer beside the catalog: those this session
    used (`offered`, a session list) and each of `keys` whose URL value is of that `kind` and that
    `resolve` turns into the id to show (None: it cannot be used here: the value is removed and
    the notice `unusable`, formatted with the key, never repeats it)."""
    kept = st.session_state.setdefault(offered, [])
    for key in keys:
        given = st.query_params.get_all(key)
        if not given or not kind(given[-1]) or given[-1] in kept:
            continue
        metric_id = resolve(given[-1])
        if metric_id is None:
            del st.query_params[key]  # the picker keeps its metric, with the notice only
            notices.append(unusable.format(key=key))
            continue
        st.query_params[key] = metric_id
        if metric_id not in kept:
            kept.append(metric_id)
    return list(kept)


def use_metric(key: str, metric_id: str, offered: str) -> None:
    """Put a formula or an upload in picker `key` (A or B) and the URL, and keep offering it in
    this session (`offered`: the session list the page adds to the pickers' options)."""
    kept = st.session_state.setdefault(offered, [])
    if metric_id not in kept:
        kept.append(metric_id)
    st.session_state[key] = metric_id
    st.query_params[key] = metric_id


def metric_picker(label: str, key: str, options: list[str] | None = None, *, on_change=None) -> None:
    """A searchable "Domain · Name" picker of every catalog metric (or of `options`); its id goes
    to the URL as `key` (see sync_choice_with_url, which must run first). With `on_change`, text
    typed into its search box that matches no option is accepted and handed to it (a formula)."""
    st.selectbox(
        label,
        options or metric_options(),
        key=key,
        format_func=metric_label,
        on_change=on_change or write_choice_to_url,
        args=(key,),
        accept_new_options=on_change is not None,
        help="Type to search by domain or name"
        + (", or type a formula such as spy / tlt and press Enter." if on_change else "."),
    )


STATS_WINDOWS = {
    "90D": "90-Day",
    "1Y": "1-Year",
    "3Y": "3-Year",
    "5Y": "5-Year",
    "10Y": "10-Year",
    "Max": "Full-History",
}


def _format_spread(value: float | None, metric: Metric) -> str:
    """A dispersion in the metric's units; a spread of percent levels is in percentage points."""
    if value is None:
        return "n/a"
    if metric.units == "Percent":
        return f"{value:,.2f} pp"
    return format_value(value, metric)


def metric_stats_table(metric: Metric, stats) -> pd.DataFrame:
    """One metric's statistics as rows of (statistic, value) for display."""
    rows = [("Latest", f"{format_value(stats.latest_value, metric)} on {stats.latest_date:%Y-%m-%d}")]
    for item in stats.changes:
        reason = item.insufficient or "not enough history"
        rows.append(
            (
                f"Change, {item.label}",
                format_change(item.change, metric) if item.change is not None else f"n/a ({reason})",
            )
        )
    rows += [
        ("High", f"{format_value(stats.high, metric)} on {stats.high_date:%Y-%m-%d}"),
        ("Low", f"{format_value(stats.low, metric)} on {stats.low_date:%Y-%m-%d}"),
        ("Mean", format_value(stats.mean, metric)),
        ("Standard deviation", _format_spread(stats.std, metric)),
        ("Latest within the range (0 = low, 100 = high)", format_number(stats.range_position, 0)),
        ("Percentile of latest, window", format_number(stats.percentile_in_window, 0)),
        ("Percentile of latest, all history", format_number(stats.percentile_in_history, 0)),
    ]
    if stats.frequency == "daily":
        vol = stats.annualised_volatility
        unit = "%" if stats.change == "pct" else f" {metric.units.lower()}"
        scale = 100 if stats.change == "pct" else 1
        rows.append(
            (
                "Annualised volatility of changes",
                f"{vol * scale:,.2f}{unit}" if vol is not None else f"n/a ({stats.volatility_insufficient})",
            )
        )
    if stats.change == "pct":
        dd = stats.drawdown_window
        rows.append(
            (
                "Maximum drawdown, window",
                f"{dd.max_drawdown * 100:.1f}%" if dd.max_drawdown is not None else "n/a",
            )
        )
    rows.append(("Observations in window", f"{stats.n:,}"))
    return pd.DataFrame(rows, columns=["Statistic", "Value"])


def _built(key: tuple, build):
    return build()


def metric_stats_panel(metric: Metric, stats, kept=_built) -> None:
    """One metric's statistics. `kept(key, build)` may keep the table made for these statistics
    (as `analysis.PairView.kept` does), so that a rerun only sends it."""
    st.markdown(f"**{STATS_WINDOWS[stats.window]} Statistics · {metric.name}**")
    if stats.insufficient:
        st.info(f"{metric.name}: {stats.insufficient}")
        return
    table = kept(
        ("statistics table", metric.id, stats.window),
        # The Arrow table Streamlit would make of the frame on every send.
        lambda: pa.Table.from_pandas(metric_stats_table(metric, stats)),
    )
    st.table(table, hide_index=True, hide_header=True)
    for note in stats.notes:
        st.caption(note)


def chart(spec: ChartSpec) -> None:
    """Draw a chart: its cached Vega-Lite spec, with its data sent beside it as Arrow."""
    st.vega_lite_chart(spec.data, spec.spec, width="stretch")


def share_url(defaults: dict[str, object]) -> str:
    """The address of this exact view, from the page's own choices.

    `defaults` maps each URL parameter to the value a link may leave out (None: always written),
    as Streamlit keeps the address bar. Read from the widgets, not st.query_params: the latter lags
    one run behind a choice made in the browser.
    """
    base = (st.context.url or "").split("?", 1)[0]
    params = {}
    for key, default in defaults.items():
        value = st.session_state.get(key)
        if value is not None and value != default:
            params[key] = str(value).lower() if isinstance(value, bool) else str(value)
    query = urlencode(params, safe=":/*()")  # a formula id reads as written: a=f:spy/tlt
    return f"{base}?{query}" if query else base


def pair_content_sections(content) -> None:
    """The pair's text sections and FAQ (content.PairContent), all built from the numbers."""
    st.subheader("Why this comparison matters")
    st.markdown(content.why_it_matters)
    st.subheader("Cross-asset analysis")
    st.markdown(content.cross_asset)
    st.subheader("FAQ")
    for item in content.faq:
        with st.expander(item.question):
            st.markdown(item.answer)


def lookback_start(series: pd.Series, lookback: str) -> pd.Timestamp | None:
    return window_start(series.index[-1], lookback) if len(series) else None
