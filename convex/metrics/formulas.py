"""Formulas over catalog metrics: `walcl - wtregen - rrpontsyd`, `spy / tlt`, `1 / dtwexbgs`.

A formula is read by a small recursive-descent parser into an expression tree; nothing is ever
handed to `eval`, and the only names are catalog ids and the functions below. Grammar:

    formula := sum
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := number | id | function "(" sum ["," integer] ")" | "(" sum ")"

Functions: log(x), exp(x), rebase(x) (100 at its first value), and lag(x, n), pct(x, n) (percent
change over n periods), diff(x, n), with n a whole number of periods of the formula's dates.

Units are checked before any data is read (`formula_units`): a sum needs the same unit on both
sides, converted when only the scale differs (millions and billions of USD), and is refused
otherwise, naming both units; a ratio of the same unit is dimensionless. Evaluation
(`evaluate`) works on the inputs already aligned on common dates.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .names import UnusableName, check_name

PREFIX = "f:"
MAX_LENGTH = 200
MAX_DEPTH = 25
MAX_INPUTS = 8
MAX_PERIODS = 1000
MAX_NAME = 40
FUNCTIONS = {"log": 1, "exp": 1, "rebase": 1, "lag": 2, "pct": 2, "diff": 2}
_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))",
    re.ASCII | re.DOTALL,
)
_SCALES = {"thousands of ": 1e3, "millions of ": 1e6, "billions of ": 1e9, "trillions of ": 1e12}
_PERCENT = ("percent", "percentage points")
DIMENSIONLESS = "dimensionless"


class FormulaError(ValueError):
    """A formula that cannot be read, refers to something unknown, or mixes units."""


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    id: str


@dataclass(frozen=True)
class Negate:
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    name: str
    argument: object
    periods: int | None = None


def is_formula_id(text: str) -> bool:
    return isinstance(text, str) and text.startswith(PREFIX)


def formula_text(metric_id: str) -> str:
    return metric_id[len(PREFIX) :]


def named(text: str) -> tuple[str | None, str]:
    """(name, formula) of "Stocks vs bonds = spy / tlt"; (None, text) without a name. A name is up
    to MAX_NAME characters of letters, digits, spaces and - . & ( ) ', so it is safe as a title."""
    if "=" not in text:
        return None, text
    name, formula = (part.strip() for part in text.split("=", 1))
    try:
        check_name(name, frozenset(), limit=MAX_NAME)
    except UnusableName as exc:
        raise FormulaError(f"The formula's name before the “=”: {exc}") from None
    return name, formula


def references(node) -> list[str]:
    """The catalog ids a formula reads, in order of first use."""
    match node:
        case Ref(id=i):
            return [i]
        case Negate(operand=x) | Call(argument=x):
            return references(x)
        case Binary(left=left, right=right):
            return list(dict.fromkeys(references(left) + references(right)))
    return []


def canonical(node) -> str:
    """The formula written one way (lower case, no spaces, only the brackets it needs): the id
    that a link carries and a cache keys on."""
    return _write(node, 0)


def pretty(node) -> str:
    """The formula for people: "WALCL - WTREGEN - RRPONTSYD", "SPY / TLT"."""
    return _write(node, 0, spaced=True)


def multiplicative(node) -> bool:
    """Built only by products, ratios, constants, lags, rebasing and exp: a positive result for
    positive inputs, whose changes are best read in percent."""
    match node:
        case Number() | Ref():
            return True
        case Binary(op=op, left=left, right=right):
            return op in "*/" and multiplicative(left) and multiplicative(right)
        case Call(name=name, argument=x):
            return name in ("lag", "rebase", "exp") and multiplicative(x)
    return False


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _write(node, outer: int, right_side: bool = False, spaced: bool = False) -> str:
    match node:
        case Number(value=v):
            return f"{v:g}" if math.isfinite(v) else repr(v)
        case Ref(id=i):
            return i.upper() if spaced else i
        case Negate(operand=x):
            return f"-{_write(x, 3, spaced=spaced)}"
        case Call(name=name, argument=x, periods=n):
            periods = "" if n is None else (f", {n}" if spaced else f",{n}")
            return f"{name}({_write(x, 0, spaced=spaced)}{periods})"
        case Binary(op=op, left=left, right=right):
            level = _PRECEDENCE[op]
            gap = " " if spaced else ""
            left_text = _write(left, level, spaced=spaced)
            right_text = _write(right, level, right_side=True, spaced=spaced)
            text = f"{left_text}{gap}{op}{gap}{right_text}"
            needs = level < outer or (right_side and level == outer)
            return f"({text})" if needs else text
    raise TypeError(node)


# --------------------------------------------------------------------------- the parser


def parse(text: str, known_ids) -> object:
    """The expression tree of `text`, whose names must be among `known_ids` (catalog ids, matched
    without regard to case); FormulaError with what is wrong and where, never another exception."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("The formula is empty.")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is longer than {MAX_LENGTH} characters.")
    parser = _Parser(_tokens(text.strip()), {i.lower() for i in known_ids})
    tree = parser.sum(0)
    if parser.peek() is not None:
        raise FormulaError(f"Unexpected {parser.describe(parser.peek())} at character {parser.position()}.")
    count = len(references(tree))
    if count == 0:
        raise FormulaError("The formula names no metric: write at least one catalog id, such as spy.")
    if count > MAX_INPUTS:
        raise FormulaError(f"The formula names {count} metrics; at most {MAX_INPUTS} are allowed.")
    return tree


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing whitespace is left
            break
        number, name, other = match.groups()
        start = match.start(match.lastindex) if match.lastindex else position
        if number is not None:
            out.append(("number", number, start))
        elif name is not None:
            out.append(("name", name.lower(), start))
        elif other is not None:
            if other not in "+-*/(),":
                raise FormulaError(f"The character at position {start + 1} is not allowed in a formula.")
            out.append(("op", other, start))
        position = match.end()
    return out


class _Parser:
    def __init__(self, tokens, known):
        self.tokens, self.index, self.known = tokens, 0, known

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def position(self) -> int:
        token = self.peek()
        return (token[2] + 1) if token else (self.tokens[-1][2] + 2 if self.tokens else 1)

    @staticmethod
    def describe(token) -> str:
        return "end of the formula" if token is None else f"“{token[1][:20]}”"

    def take(self, kind=None, value=None):
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            wanted = f"“{value}”" if value else {"number": "a number", "name": "a name"}.get(kind, "more")
            raise FormulaError(
                f"Expected {wanted} at character {self.position()}, found {self.describe(token)}."
            )
        self.index += 1
        return token

    def sum(self, depth: int):
        node = self.product(depth)
        while (token := self.peek()) is not None and token[1] in ("+", "-") and token[0] == "op":
            self.index += 1
            node = Binary(token[1], node, self.product(depth))
        return node

    def product(self, depth: int):
        node = self.unary(depth)
        while (token := self.peek()) is not None and token[1] in ("*", "/") and token[0] == "op":
            self.index += 1
            node = Binary(token[1], node, self.unary(depth))
        return node

    def unary(self, depth: int):
        if depth > MAX_DEPTH:
            raise FormulaError(f"The formula nests deeper than {MAX_DEPTH} levels.")
        token = self.peek()
        if token is not None and token == ("op", "-", token[2]):
            self.index += 1
            return Negate(self.unary(depth + 1))
        return self.atom(depth + 1)

    def atom(self, depth: int):
        token = self.peek()
        if token is None:
            raise FormulaError(f"The formula ends where a value was expected (character {self.position()}).")
        kind, value, _ = token
        if kind == "number":
            self.index += 1
            number = float(value)
            if not math.isfinite(number):
                raise FormulaError(f"The number “{value[:20]}” is too large.")
            return Number(number)
        if kind == "op" and value == "(":
            self.index += 1
            node = self.sum(depth + 1)
            self.take("op", ")")
            return node
        if kind == "name":
            self.index += 1
            if value in FUNCTIONS:
                return self.call(value, depth)
            if value not in self.known:
                raise FormulaError(f"“{value[:40]}” is not a Convex metric id or a formula function.")
            return Ref(value)
        raise FormulaError(f"Unexpected {self.describe(token)} at character {self.position()}.")

    def call(self, name: str, depth: int):
        self.take("op", "(")
        argument = self.sum(depth + 1)
        periods = None
        if FUNCTIONS[name] == 2:
            self.take("op", ",")
            text = self.take("number")[1]
            if not text.isdigit() or not 1 <= int(text) <= MAX_PERIODS:
                raise FormulaError(f"{name}(x, n) takes a whole number of periods n from 1 to {MAX_PERIODS}.")
            periods = int(text)
        self.take("op", ")")
        return Call(name, argument, periods)


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """A unit as a base and a scale: "Billions of USD" is (USD, 1e9)."""

    base: str
    scale: float = 1.0
    text: str | None = None  # how to say it; the base when None

    @classmethod
    def of(cls, units: str) -> Unit:
        lower = units.strip().lower()
        for prefix, scale in _SCALES.items():
            if lower.startswith(prefix):
                return cls(units.strip()[len(prefix) :], scale, units)
        if lower in _PERCENT:
            return cls("percent", 1.0, units)
        if lower in ("ratio", DIMENSIONLESS):
            return cls(DIMENSIONLESS, 1.0, units)
        return cls(units.strip(), 1.0, units)

    @property
    def words(self) -> str:
        return self.text or self.base


NUMBER = Unit(DIMENSIONLESS)


def formula_units(node, units_of) -> Unit:
    """The unit of a formula's result and nothing else; refuses sums of different units.
    `units_of(id)` gives a metric's units text."""
    unit, _ = _units(node, units_of)
    return unit


def _units(node, units_of) -> tuple[Unit, bool]:
    """(unit, is a constant)."""
    match node:
        case Number():
            return NUMBER, True
        case Ref(id=i):
            return Unit.of(units_of(i)), False
        case Negate(operand=x):
            return _units(x, units_of)
        case Call(name=name, argument=x):
            unit, constant = _units(x, units_of)
            if name == "pct":
                return Unit("percent", 1.0, "Percent"), constant
            if name == "rebase":
                return Unit("index", 1.0, "Index (first date = 100)"), constant
            if name in ("log", "exp"):
                return Unit(f"{name} of {unit.words}"), constant
            return unit, constant  # lag, diff
        case Binary(op=op, left=left, right=right):
            (lu, lc), (ru, rc) = _units(left, units_of), _units(right, units_of)
            if op in "+-":
                if lc or rc:
                    return (ru if lc else lu), lc and rc
                if lu.base != ru.base:
                    raise FormulaError(
                        f"Cannot {'add' if op == '+' else 'subtract'} {ru.words} "
                        f"{'to' if op == '+' else 'from'} {lu.words}: the units differ."
                    )
                return lu, False
            if op == "*":
                if lc or rc:
                    return (ru if lc else lu), lc and rc
                return Unit(f"{lu.words} × {ru.words}"), False
            if rc:
                return lu, lc
            if not lc and lu.base == ru.base:
                return Unit(DIMENSIONLESS, 1.0, "Ratio (dimensionless)"), False
            return Unit(f"{lu.words} per {ru.words}" if not lc else f"1 / {ru.words}"), False
    raise TypeError(node)


# --------------------------------------------------------------------------- evaluation


def evaluate(node, frame: pd.DataFrame, units_of) -> pd.Series:
    """The formula over `frame` (one column per id, aligned on common dates). A sum of the same
    unit at different scales is taken in the left side's scale; a ratio of the same unit in the
    same scale. Non-finite results (a zero divisor, the log of a negative) are left out."""
    values, _ = _evaluate(node, frame, units_of)
    series = pd.Series(values, index=frame.index, dtype="float64")
    return series[np.isfinite(series.to_numpy())]


def _evaluate(node, frame, units_of) -> tuple[pd.Series, Unit]:
    match node:
        case Number(value=v):
            return pd.Series(v, index=frame.index, dtype="float64"), NUMBER
        case Ref(id=i):
            return frame[i].astype("float64"), Unit.of(units_of(i))
        case Negate(operand=x):
            values, unit = _evaluate(x, frame, units_of)
            return -values, unit
        case Call(name=name, argument=x, periods=n):
            values, unit = _evaluate(x, frame, units_of)
            with np.errstate(all="ignore"):
                if name == "log":
                    return np.log(values.where(values > 0)), unit
                if name == "exp":
                    return np.exp(values), unit
                if name == "rebase":
                    valid = values.dropna()
                    first = valid.iloc[0] if len(valid) else np.nan
                    return values / first * 100 if first else values * np.nan, unit
                if name == "lag":
                    return values.shift(n), unit
                if name == "diff":
                    return values - values.shift(n), unit
                previous = values.shift(n)
                return (values / previous.where(previous > 0) - 1) * 100, unit  # pct
        case Binary(op=op, left=left, right=right):
            (lv, lu), (rv, ru) = _evaluate(left, frame, units_of), _evaluate(right, frame, units_of)
            # Same base at another scale (billions against millions): in the left side's scale.
            if op in "+-/" and lu.base == ru.base and lu is not NUMBER and ru is not NUMBER:
                rv = rv * (ru.scale / lu.scale)
            with np.errstate(all="ignore"):
                if op == "+":
                    return lv + rv, lu
                if op == "-":
                    return lv - rv, lu
                if op == "*":
                    return lv * rv, lu
                return lv / rv.where(rv != 0), lu
    raise TypeError(node)
