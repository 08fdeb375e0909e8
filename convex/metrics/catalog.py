"""The metric catalog: loads `catalog.toml`, validates it, and answers look-ups."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .formulas import (
    MAX_NAME,
    PREFIX,
    FormulaError,
    Unit,
    canonical,
    formula_text,
    formula_units,
    is_formula_id,
    multiplicative,
    named,
    parse,
    pretty,
    references,
)
from .metric import (
    AGGREGATIONS,
    BLANKS,
    CHANGE_KINDS,
    DATINGS,
    DOMAINS,
    FORMULA_DOMAIN,
    FREQUENCIES,
    MARKET_CLOSE,
    SOURCES,
    CatalogError,
    DerivedInput,
    InvalidFormulaError,
    Metric,
    UnknownMetricError,
)
from .names import UnusableName, check_name, taken_names

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CATALOG_PATH = Path(__file__).with_name("catalog.toml")


@dataclass(frozen=True)
class Catalog:
    metrics: tuple[Metric, ...]
    # Pairs worth opening, best first; the first is the compare page's default pair.
    featured: tuple[tuple[str, str], ...] = ()
    # What each source's dates mean (the catalog's [timestamps]).
    timestamps: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {m.id: m for m in self.metrics})
        object.__setattr__(self, "_formulas", {})
        object.__setattr__(self, "_uploads", {})

    def __iter__(self):
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def __contains__(self, metric_id: object) -> bool:
        return metric_id in self._by_id  # type: ignore[attr-defined]

    def get(self, metric_id: str) -> Metric:
        """A catalog metric, or the metric a formula id ("f:spy/tlt") describes."""
        try:
            return self._by_id[metric_id]  # type: ignore[attr-defined]
        except KeyError:
            if is_formula_id(metric_id):
                return self._formula(metric_id)
            if metric_id in self._uploads:  # type: ignore[attr-defined]
                return self._uploads[metric_id]  # type: ignore[attr-defined]
            raise UnknownMetricError(metric_id) from None

    def remember_upload(self, metric: Metric) -> None:
        """A user's uploaded series, read from the store, known to this process from now on."""
        self._uploads[metric.id] = metric  # type: ignore[attr-defined]

    def _formula(self, metric_id: str) -> Metric:
        kept = self._formulas  # type: ignore[attr-defined]
        if metric_id not in kept:
            if len(kept) > 256:
                kept.clear()
            kept[metric_id] = formula_metric(metric_id, self)
        return kept[metric_id]

    @property
    def taken_names(self) -> frozenset[str]:
        """What the catalog's metrics are called: names a user's series may not take."""
        if "_taken" not in self.__dict__:
            object.__setattr__(self, "_taken", taken_names(self.metrics))
        return self._taken  # type: ignore[attr-defined]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metrics)

    def in_domain(self, domain: str) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics if m.domain == domain)

    def mechanical_link(self, a_id: str, b_id: str) -> str | None:
        return self.get(a_id).mechanical_link(self.get(b_id))


def _parse_metric(raw: dict) -> Metric:
    try:
        return Metric(**raw)
    except TypeError as exc:
        raise CatalogError(f"metric {raw.get('id')!r}: {exc}") from None


def formula_tree(m: Metric, ids) -> object:
    """A derived metric's formula, parsed against the catalog's ids."""
    try:
        return parse(m.formula or "", ids)
    except FormulaError as exc:
        raise CatalogError(f"derived metric {m.id!r}: {exc}") from None


def _with_inputs(metrics: tuple[Metric, ...]) -> tuple[Metric, ...]:
    ids = [m.id for m in metrics]
    return tuple(
        dataclasses.replace(m, inputs=tuple(DerivedInput(i) for i in references(formula_tree(m, ids))))
        if m.is_derived
        else m
        for m in metrics
    )


def validate(metrics: tuple[Metric, ...]) -> None:
    """Raise CatalogError on the first broken rule; the catalog test relies on this."""
    seen: set[str] = set()
    by_id = {m.id: m for m in metrics}
    for m in metrics:
        where = f"metric {m.id!r}"
        if not _ID_PATTERN.match(m.id):
            raise CatalogError(f"{where}: id must be lowercase letters, digits and _")
        if m.id in seen:
            raise CatalogError(f"{where}: duplicate id")
        seen.add(m.id)
        for name in ("name", "description", "symbol", "units"):
            if not str(getattr(m, name)).strip():
                raise CatalogError(f"{where}: empty {name}")
        checks = (
            ("domain", DOMAINS),
            ("source", SOURCES),
            ("frequency", FREQUENCIES),
            ("change", CHANGE_KINDS),
        )
        for name, allowed in checks:
            if getattr(m, name) not in allowed:
                raise CatalogError(f"{where}: {name} {getattr(m, name)!r} not in {allowed}")
        for name, allowed in (("aggregation", AGGREGATIONS), ("dated", DATINGS), ("blank", BLANKS)):
            if getattr(m, name) not in allowed:
                raise CatalogError(f"{where}: {name} {getattr(m, name)!r} not in {allowed}")
        if not (isinstance(m.release_days, int) and m.release_days >= 0 and _TIME.match(m.release_at)):
            raise CatalogError(f"{where}: release_days must be >= 0 and release_at HH:MM")
        if m.unit_scale is not None and not m.unit_scale > 0:
            raise CatalogError(f"{where}: unit_scale must be positive")
        implied = Unit.of(m.units).scale  # "Millions of USD" is 1e6; formulas convert by it
        if m.unit_scale is not None and implied != 1 and m.unit_scale != implied:
            raise CatalogError(f"{where}: unit_scale {m.unit_scale:g} does not match its units {m.units!r}")
        if m.is_derived:
            _validate_derived(m, by_id)
        elif m.formula or m.inputs:
            raise CatalogError(f"{where}: only derived metrics have a formula")
    missing = [d for d in DOMAINS if not any(m.domain == d for m in metrics)]
    if missing:
        raise CatalogError(f"domains with no metric: {missing}")


def _validate_derived(m: Metric, by_id: dict[str, Metric]) -> None:
    where = f"derived metric {m.id!r}"
    tree = formula_tree(m, by_id)
    for i in references(tree):
        source = by_id[i]
        if source.is_derived:
            raise CatalogError(f"{where}: input {i!r} must be a non-derived catalog metric")
    try:
        result = formula_units(tree, lambda i: by_id[i].units)
    except FormulaError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    if result.base != Unit.of(m.units).base:
        raise CatalogError(f"{where}: its formula gives {result.words}, not {m.units}")
    if [i.id for i in m.inputs] != references(tree):
        raise CatalogError(f"{where}: inputs must be the ids its formula reads")


def formula_metric(metric_id: str, cat: Catalog) -> Metric:
    """The metric a formula id ("f:spy/tlt", or named: "f:Stocks vs bonds=spy/tlt") describes: on
    the dates of its slowest input, published when its last input is, in the units the formula
    gives; its id is the name and the formula written one way."""
    try:
        name, text = named(formula_text(metric_id))
        if name is not None:
            check_name(name, cat.taken_names, limit=MAX_NAME)
        tree = parse(text, cat.ids)
        units = formula_units(tree, lambda i: cat.get(i).units)
    except (FormulaError, UnusableName) as exc:
        raise InvalidFormulaError(metric_id, str(exc)) from None
    inputs = [cat.get(i) for i in references(tree)]
    slowest = max(inputs, key=lambda m: FREQUENCIES.index(m.frequency))
    latest = max(inputs, key=_release_order)
    # Ratios and products of prices change in percent; sums, differences and logs by difference.
    change = "pct" if multiplicative(tree) and all(m.change == "pct" for m in inputs) else "diff"
    written = pretty(tree)
    return Metric(
        id=PREFIX + (f"{name}=" if name else "") + canonical(tree),
        name=name or written,
        description=f"Your formula {f'{name} = ' if name else ''}{written}, computed by Convex from "
        f"{', '.join(m.name for m in inputs)}.",
        domain=FORMULA_DOMAIN,
        source="derived",
        symbol=written,
        frequency=slowest.frequency,
        units=units.words,
        change=change,
        formula=canonical(tree),
        inputs=tuple(DerivedInput(m.id) for m in inputs),
        aggregation=slowest.aggregation,
        dated=slowest.dated,
        release_days=latest.release_days,
        release_at=latest.release_at,
    )


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    metrics = _with_inputs(tuple(_parse_metric(dict(item)) for item in raw.get("metric", [])))
    validate(metrics)
    ids = {m.id for m in metrics}
    featured = tuple(tuple(pair) for pair in raw.get("featured", []))
    validate_featured(featured, ids)
    links = _mechanical(raw.get("mechanical", []), ids)
    metrics = tuple(
        dataclasses.replace(m, mechanical=tuple(sorted(links.get(m.id, {}).items()))) for m in metrics
    )
    metrics = _with_derived_release(metrics)
    timestamps = dict(raw.get("timestamps", {}))
    missing = [source for source in SOURCES if not str(timestamps.get(source, "")).strip()]
    if missing:
        raise CatalogError(f"[timestamps] must say what the dates of {missing} mean")
    return Catalog(metrics, featured, timestamps)  # type: ignore[arg-type]


def _release_order(m: Metric) -> tuple[int, str]:
    return m.release_days + (1 if m.release_at > MARKET_CLOSE else 0), m.release_at


def _with_derived_release(metrics: tuple[Metric, ...]) -> tuple[Metric, ...]:
    """A derived metric is published when its last input is."""
    by_id = {m.id: m for m in metrics}
    out = []
    for m in metrics:
        if m.is_derived:
            latest = max((by_id[i.id] for i in m.inputs), key=_release_order)
            m = dataclasses.replace(m, release_days=latest.release_days, release_at=latest.release_at)
        out.append(m)
    return tuple(out)


def _mechanical(entries: list[dict], ids: set[str]) -> dict[str, dict[str, str]]:
    """metric id -> {other id: why}, both ways, from the catalog's `mechanical` list."""
    out: dict[str, dict[str, str]] = {}
    for entry in entries:
        a, b, why = entry.get("a"), entry.get("b"), str(entry.get("why", "")).strip()
        if a == b or not {a, b} <= ids or not why:
            raise CatalogError(f"mechanical pair {entry!r}: needs two different catalog ids and a why")
        if b in out.get(a, {}):
            raise CatalogError(f"mechanical pair {sorted((a, b))} is listed twice")
        out.setdefault(a, {})[b] = why
        out.setdefault(b, {})[a] = why
    return out


def validate_featured(pairs: tuple[tuple[str, ...], ...], ids: set[str]) -> None:
    if not pairs:
        raise CatalogError("featured: at least one pair (the default) is needed")
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= ids:
            raise CatalogError(f"featured pair {pair!r}: needs two different catalog ids")
    if len(set(pairs)) != len(pairs):
        raise CatalogError("featured: a pair is listed twice")


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The catalog shipped with Convex, loaded once per process."""
    return load_catalog()
