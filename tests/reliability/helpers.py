"""Shared by the reliability tests: stores with synthetic data, AppTest runs, page text."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from convex.store import Store
from convex.ui.elements import narrow_sidebar_script
from tests.fakes import synthetic_series

OWN_SCRIPT = narrow_sidebar_script()

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
APP_TIMEOUT_S = 60
STALE_AGE = timedelta(days=3)  # older than FRESH_FOR of every frequency: the loader tries a refresh


def today() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC).date())


def fill_store(
    metrics: dict[str, str],
    *,
    years: float = 3,
    age: timedelta = timedelta(0),
    provenance: str = "live",
    store: Store | None = None,
) -> dict[str, pd.Series]:
    """Store synthetic data ending about now for each `metric id -> source`; fetched `age` ago."""
    store = store or Store()
    written = {}
    end = (today() - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    for seed, (metric_id, source) in enumerate(metrics.items()):
        series = synthetic_series(metric_id, years=years, seed=seed, end=end)
        store.write_series(
            metric_id, series, provenance=provenance, source=source, fetched_at=datetime.now(UTC) - age
        )
        written[metric_id] = series
    return written


def app(page: str | None = None, params: dict | None = None) -> AppTest:
    """A fresh AppTest of the whole app (st.navigation), on `page` with the URL query `params`."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_S)
    if page:
        at.switch_page(page)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at


def run_compare(a: str, b: str = "gld"):
    """The compare page for a pair, which must render without an exception or an error element.
    A short lookback keeps the pair analysis (recomputed in every test: caches are cleared) cheap."""
    at = app(params={"a": a, "b": b, "lookback": "1Y"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


# ------------------------------------------------------------------------------------ page text
@dataclass(frozen=True)
class Shown:
    kind: str  # the proto's name: Markdown, Alert, Heading, Code, Metric, Selectbox, Block...
    html: bool  # rendered as HTML (st.html, markdown with unsafe_allow_html, an iframe's srcdoc)
    text: str


def _repeated(field) -> bool:
    is_repeated = getattr(field, "is_repeated", None)  # protobuf >= 5; `label` is gone in 7
    return bool(is_repeated) if is_repeated is not None else field.label == field.LABEL_REPEATED


def _strings(message: Message):
    for field, value in message.ListFields():
        if field.type == field.TYPE_STRING:
            if _repeated(field):
                yield from value
            else:
                yield value
        elif field.type == field.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                for key, item in value.items():
                    yield str(key)
                    if isinstance(item, Message):
                        yield from _strings(item)
                    else:
                        yield str(item)
            elif _repeated(field):
                for item in value:
                    yield from _strings(item)
            else:
                yield from _strings(value)


def _nodes(node):
    yield node
    if isinstance(node, Block):
        for child in node.children.values():
            yield from _nodes(child)


def shown(at: AppTest) -> list[Shown]:
    """Every piece of text the page sends to the browser: every string field of every element's
    and block's proto (labels, bodies, help, options, chart specs, code), plus table contents."""
    out: list[Shown] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if not isinstance(proto, Message):
            continue
        kind = proto.DESCRIPTOR.name
        html = kind in ("Html", "IFrame") or (kind == "Markdown" and getattr(proto, "allow_html", False))
        text = "\n".join(_strings(proto))
        if kind == "Html" and proto.body == OWN_SCRIPT:
            continue  # the app's own script (convex/ui/narrow_sidebar.js): nothing from the URL in it
        if kind in ("Dataframe", "Table", "ArrowTable"):
            # An element whose table cannot be read back still has its strings.
            with contextlib.suppress(Exception):
                text += "\n" + node.value.to_csv()
        out.append(Shown(kind, html, text))
    return out


def page_text(at: AppTest) -> str:
    return "\n".join(s.text for s in shown(at))


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]
