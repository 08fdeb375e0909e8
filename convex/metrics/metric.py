"""What a metric is: its definition in the catalog, when its values are published, and the errors
of looking one up."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .formulas import (
    formula_text,
)

DOMAINS = (
    "Liquidity",
    "Rates",
    "Bonds & Duration",
    "Credit",
    "Equities",
    "Volatility",
    "Commodities",
    "FX",
    "Crypto",
    "Inflation",
    "Growth & Labor",
    "Housing",
)
SOURCES = ("fred", "yahoo", "coingecko", "cboe", "derived")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly")
CHANGE_KINDS = ("pct", "diff")

# Observations per year, used to annualise and to size windows.
PERIODS_PER_YEAR = {"daily": 252, "weekly": 52, "monthly": 12, "quarterly": 4}


class CatalogError(ValueError):
    """The catalog file breaks one of its rules."""


class UnknownMetricError(KeyError):
    """An id that is not in the catalog."""

    def __str__(self) -> str:
        return f"Unknown metric id {self.args[0]!r}"


class InvalidFormulaError(UnknownMetricError):
    """A formula id ("f:...") that cannot be read or mixes units: args are (id, why)."""

    def __str__(self) -> str:
        return f"The formula {formula_text(self.args[0])[:80]!r} cannot be used: {self.args[1]}"


# The domains pickers and texts give a metric the user wrote as a formula or uploaded: no
# curated or domain claim is ever made about them.
FORMULA_DOMAIN = "Formula"
UPLOAD_DOMAIN = "Your data"
USER_DOMAINS = (FORMULA_DOMAIN, UPLOAD_DOMAIN)


# The US equity close, New York time: a value published after it can first move markets at the
# next day's close.
MARKET_CLOSE = "16:00"
AGGREGATIONS = ("end", "average", "sum")
DATINGS = ("end", "start")
BLANKS = ("unknown", "zero")


@dataclass(frozen=True)
class Release:
    """A value dated D is published `days` calendar days later at `at`, New York time.

    `first_releases` (optional): the day each value was first published, from ALFRED, a
    DatetimeIndex-indexed series of Timestamps; values it does not cover keep the rule."""

    days: int
    at: str
    first_releases: object = field(default=None, compare=False, repr=False)
    known_from: str = "ALFRED"  # where first_releases come from, in words
    # The shortest recent lag (a release calendar's `lowest`): the earliest a value whose release day
    # is not known could have come out, where `days` is the latest. None: not known.
    lowest_days: int | None = None

    def earliest(self) -> Release:
        """The same release with every value whose day is not known dated at the shortest recent lag
        instead of the rule's: the other end of the range of release dates the data allow."""
        if self.lowest_days is None or self.lowest_days >= self.days:
            return self
        return dataclasses.replace(self, days=self.lowest_days, lowest_days=None)

    def published(self, dates):
        """The day each value was published: its first-release day where known, else `days` after
        its date."""
        import pandas as pd

        published = dates + pd.Timedelta(days=self.days)
        if self.first_releases is not None:
            known = self.first_releases.reindex(dates).to_numpy(dtype="datetime64[us]")
            published = pd.DatetimeIndex(np.where(np.isnat(known), published.to_numpy(), known))
        return published

    def available(self, dates):
        """The first day whose close can reflect each value: the publication day, or the day
        after when it comes after the close. (Weekends and holidays are the caller's: it pairs
        each value with the first observation on or after this day.)"""
        import pandas as pd

        return self.published(dates) + pd.Timedelta(days=1 if self.at > MARKET_CLOSE else 0)

    @property
    def known_count(self) -> int:
        return 0 if self.first_releases is None else len(self.first_releases)

    def with_first_releases(self, first_releases, known_from: str = "ALFRED") -> Release:
        return dataclasses.replace(self, first_releases=first_releases, known_from=known_from)

    def words(self) -> str:
        when = "the same day" if self.days == 0 else f"{self.days} day{'s' if self.days != 1 else ''} later"
        rule = f"published {when} at {self.at} New York time"
        if self.known_count:
            known = f"first-release dates from {self.known_from} for {self.known_count:,} values"
            return f"{known}, otherwise {rule}"
        return rule


@dataclass(frozen=True)
class Dating:
    """What one dated value of a series is: what it summarises, which end of its period its date
    labels, and when it is published (a metric's aggregation, dated and release)."""

    aggregation: str = "end"
    dated: str = "end"
    release: Release | None = None

    def earliest(self) -> Dating:
        """Dated by the earliest release days the data allow (Release.earliest)."""
        return self if self.release is None else dataclasses.replace(self, release=self.release.earliest())


# A value at its date's close, known then: market data.
AT_THE_CLOSE = Dating()


@dataclass(frozen=True)
class DerivedInput:
    id: str


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    description: str
    domain: str
    source: str
    symbol: str
    frequency: str
    units: str
    change: str
    unit_scale: float | None = None
    formula: str | None = None
    # The catalog metrics a derived metric's formula reads, filled from the formula.
    inputs: tuple[DerivedInput, ...] = field(default_factory=tuple)
    # (other metric id, why) for the pricing identities the catalog lists with this metric.
    mechanical: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    aggregation: str = "end"
    dated: str = "end"
    release_days: int = 0
    release_at: str = MARKET_CLOSE
    blank: str = "unknown"
    # FRED's units and frequency a page or command applied to this metric's data, in words ("Percent
    # Change from Year Ago of monthly averages"); empty as published (analytics.fred_units).
    processing: str = ""

    @property
    def release(self) -> Release | None:
        """When a value is published, or None for a value known at its date's close."""
        if self.release_days == 0 and self.release_at <= MARKET_CLOSE:
            return None
        return Release(self.release_days, self.release_at)

    @property
    def dating(self) -> Dating:
        return Dating(self.aggregation, self.dated, self.release)

    @property
    def observation_words(self) -> str:
        """What one dated value is, in words: "weekly level as of the date, published 1 day later
        at 16:30 New York time"."""
        kind = {"end": "level" if self.frequency != "daily" else "value", "average": "average",
                "sum": "total"}[self.aggregation]  # fmt: skip
        if self.aggregation == "end" and self.source in ("yahoo", "cboe", "coingecko"):
            kind = "close"
        period = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly"}
        dated = "dated the first day of its period" if self.dated == "start" else "as of its date"
        words = f"{period[self.frequency]} {kind}, {dated}"
        release = self.release
        if release is not None:
            words += f", {release.words()}"
        return words

    def mechanical_link(self, other: Metric) -> str | None:
        """Why this metric and `other` are linked by construction (one computed from the other,
        a shared input, or a listed pricing identity), or None for a link the markets decide."""
        listed = dict(self.mechanical).get(other.id)
        if listed:
            return listed
        inputs_self = {i.id for i in self.inputs} or {self.id}
        inputs_other = {i.id for i in other.inputs} or {other.id}
        shared = inputs_self & inputs_other
        if not shared or self.id == other.id:
            return None
        derived, base = (self, other) if self.is_derived else (other, self)
        if base.id in shared:
            return f"{derived.name} is computed from {base.name}"
        return f"both are computed from {', '.join(sorted(shared))}"

    @property
    def is_derived(self) -> bool:
        return self.source == "derived"

    @property
    def label(self) -> str:
        """How pickers show a metric: "Domain · Name"."""
        return f"{self.domain} · {self.name}"

    @property
    def source_url(self) -> str:
        """The source's own page for this series, for people to check the data."""
        match self.source:
            case "fred":
                return f"https://fred.stlouisfed.org/series/{self.symbol}"
            case "yahoo":
                return f"https://finance.yahoo.com/quote/{self.symbol}/history"
            case "coingecko":
                return f"https://www.coingecko.com/en/coins/{self.symbol}"
            case "cboe":
                return f"https://www.cboe.com/tradable_products/vix/vix_historical_data/#{self.symbol}"
        return ""

    @property
    def source_name(self) -> str:
        return {
            "fred": "FRED (Federal Reserve Bank of St. Louis)",
            "yahoo": "Yahoo Finance",
            "coingecko": "CoinGecko",
            "cboe": "Cboe Global Markets",
            "derived": "Computed by Convex",
            "upload": "Uploaded by you",
        }[self.source]
