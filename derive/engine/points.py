"""Random test points for the numeric checks: general values where every function is defined.

A check is only as good as the slips it can see, so the points are general:
- every dimension name gets its own small size (2, 3, 4, ...), so a missing transpose changes
  the shape or the values;
- values are signed standard-normal draws; a square matrix is non-symmetric unless an
  assumption says otherwise (spd: R Rᵀ/n + I, symmetric: (R + Rᵀ)/2);
- a square matrix inside inv, det or logdet (or assumed invertible) is R + cI, well conditioned
  and still not symmetric;
- positivity goes only where a domain needs it: when the argument of log or sqrt (or the base of
  a fractional power) is not positive, the symbols of that argument are drawn positive;
- a draw where some function is badly conditioned (a near-singular matrix, exp or cos of a large
  argument, a saturated sigmoid) is redrawn at a smaller scale, then with new numbers.
The engine's own check and the teacher-answer check use the same points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np
from msgspec import Struct, field

from derive.engine.draws import Draws
from derive.engine.evaluate import Array, Sizes, evaluate, size_of
from derive.expr.functions import BUILTINS, Domain
from derive.expr.nodes import Call, Dim, Div, Expr, Pow, children, symbols_in
from derive.expr.shapes import Shape, constant_value
from derive.expr.unparse import unparse

MAX_ATTEMPTS = 12
"""Fresh draws of sizes and values tried before the expression is declared uncheckable."""

SCALES = (1.0, 0.5, 0.25, 0.125)
"""Value scales tried in turn when a function's argument is too large at a draw."""

CONDITION_LIMIT = 1e8
"""Largest condition number of a matrix inside inv, det or logdet."""

SMALLEST = 1e-3
"""Smallest |value| of a divisor, the base of a negative power, or the argument of norm."""

MAX_DISTINCT_SIZES = 6
"""Dimension names get different sizes up to this many (2..7); more names reuse them."""

AS_WRITTEN = 6
"""Numeric dimensions up to this size are checked as they are; larger ones (an exercise may say
[100] or [10000]) stand in at a small size, so the check stays fast."""

FALLBACK_ATTEMPT = MAX_ATTEMPTS // 2
"""From this attempt on every symbol is drawn positive, the last resort for odd domains."""


class Point(Struct, frozen=True):
    """Concrete sizes for every dimension name and a value (2-D array) for every symbol."""

    values: dict[str, Array]
    sizes: dict[Dim, int]


class Obstacle(Struct, frozen=True):
    """Why a draw could not be used: some function was undefined or badly conditioned there.

    `positive` lists the symbols that drawing positive might fix (the argument of log, say);
    `shrink` says a smaller value scale might fix it.
    """

    reason: str
    positive: frozenset[str] = frozenset()
    shrink: bool = False


class Symbols(Struct, frozen=True):
    """What the sampler needs to know: the symbols' shapes and assumptions, the dimension names,
    and the square symbols to draw well conditioned."""

    shapes: Mapping[str, Shape]
    assumptions: Mapping[str, frozenset[str]]
    dims: tuple[str, ...]
    conditioned: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[int] = field(default_factory=frozenset)
    """The numeric dimensions used (in shapes, eye(n), ones(n) and function sizes)."""


Inspect = Callable[[Mapping[str, Array], Sizes], list[Obstacle]]
"""Evaluates the expression at a draw and lists what makes the draw unusable."""


def draw_sizes(
    dims: tuple[str, ...], rng: Draws, numbers: frozenset[int] = frozenset()
) -> dict[Dim, int]:
    """A different small size for each dimension name, 2 and up, and small stand-ins for large
    numeric dimensions; sizes already taken by small numeric dimensions are avoided.

    Example:
        >>> sizes = draw_sizes(("m", "n", "p"), Draws(0))
        >>> len(set(sizes.values())), min(sizes.values()) >= 2, max(sizes.values()) <= 5
        (3, True, True)
        >>> stand_in = draw_sizes(("n",), Draws(0), frozenset({3, 500}))
        >>> sorted(stand_in, key=str), 3 in stand_in.values()
        ([500, 'n'], False)
    """
    written = {n for n in numbers if n <= AS_WRITTEN}
    large = sorted(n for n in numbers if n > AS_WRITTEN)
    names: list[Dim] = [*dims, *large]
    distinct = max(4, min(len(names), MAX_DISTINCT_SIZES))
    pool = [n for n in range(2, 2 + distinct + len(written)) if n not in written][:distinct]
    rng.shuffle(pool)
    order = list(range(len(names)))
    rng.shuffle(order)
    # Past MAX_DISTINCT_SIZES names (a deep network's layer widths) sizes repeat, so the finite
    # differences stay cheap; every pair among the first names still differs.
    return {name: pool[order[position] % len(pool)] for position, name in enumerate(names)}


def conditioned_symbols(expr: Expr) -> frozenset[str]:
    """Square symbols that appear inside inv, det or logdet: drawn well conditioned."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Call) and node.kind is None and node.func in ("inv", "det", "logdet"):
            found |= symbols_in(node)
        stack.extend(children(node))
    return frozenset(found)


def sample_points(
    domain: Symbols, inspect: Inspect, seed: int
) -> Iterator[Point | list[Obstacle]]:
    """Usable points, in a fixed order for a seed; a list of obstacles for each failed attempt.

    The caller takes as many points as it needs and stops; the sequence ends after
    `MAX_ATTEMPTS` attempts.
    """
    positive: set[str] = set()
    for attempt in range(MAX_ATTEMPTS):
        rng = Draws(seed, attempt)
        sizes = draw_sizes(domain.dims, rng, domain.numbers)
        noise = _noise(domain, sizes, rng)
        if attempt == FALLBACK_ATTEMPT:
            positive |= set(domain.shapes)
        outcome = _attempt(domain, inspect, sizes, noise, positive)
        yield outcome


def _attempt(
    domain: Symbols,
    inspect: Inspect,
    sizes: Sizes,
    noise: Mapping[str, tuple[Array, Array]],
    positive: set[str],
) -> Point | list[Obstacle]:
    """One draw of numbers, adjusted (positive symbols, smaller scales) until it is usable."""
    scale = 0
    while True:
        values = _values(domain, sizes, noise, SCALES[scale], positive)
        with np.errstate(all="ignore"):
            try:
                obstacles = inspect(values, sizes)
            except np.linalg.LinAlgError:
                return []
        if not obstacles:
            return Point(values, dict(sizes))
        fixable = set().union(*(o.positive for o in obstacles)) - positive
        if fixable:
            positive |= fixable
            continue
        if any(o.shrink for o in obstacles) and scale + 1 < len(SCALES):
            scale += 1
            continue
        return obstacles


def _noise(
    domain: Symbols, sizes: Sizes, rng: Draws
) -> dict[str, tuple[Array, Array]]:
    """The raw random numbers of one attempt: signed normal and uniform arrays per symbol."""
    noise: dict[str, tuple[Array, Array]] = {}
    for name, (rows, cols) in sorted(domain.shapes.items()):
        shape = (size_of(rows, sizes), size_of(cols, sizes))
        noise[name] = (rng.normal(shape), rng.uniform(shape))
    return noise


def _values(
    domain: Symbols,
    sizes: Sizes,
    noise: Mapping[str, tuple[Array, Array]],
    scale: float,
    positive: set[str],
) -> dict[str, Array]:
    values: dict[str, Array] = {}
    for name, (normal, uniform) in noise.items():
        if name in sizes and domain.shapes[name] == (1, 1):
            # A scalar named like a dimension stands for that dimension's size.
            values[name] = np.array([[float(sizes[name])]])
            continue
        props = domain.assumptions.get(name, frozenset())
        value = 0.5 + 1.5 * uniform if "positive" in props or name in positive else normal
        rows, cols = value.shape
        if rows == cols and rows > 1:
            if "spd" in props:
                value = normal @ normal.T / rows + np.eye(rows)
            elif "symmetric" in props:
                value = (value + value.T) / 2
            if "spd" not in props and ("invertible" in props or name in domain.conditioned):
                value = value + (1.5 * np.sqrt(rows) + 1) * np.eye(rows)
        values[name] = scale * value
    return values


def inspect_expression(expr: Expr) -> Inspect:
    """An `Inspect` for a matrix expression: every function's domain and conditioning."""

    def inspect(values: Mapping[str, Array], sizes: Sizes) -> list[Obstacle]:
        found: list[Obstacle] = []

        def observe(node: Expr, operands: tuple[Array, ...]) -> None:
            obstacle = _obstacle(node, operands)
            if obstacle is not None:
                found.append(obstacle)

        value = evaluate(expr, values, sizes, observe)
        if not found and not np.all(np.isfinite(value)):
            found.append(Obstacle(f"'{_short(expr)}' is not finite"))
        return found

    return inspect


def _obstacle(node: Expr, operands: tuple[Array, ...]) -> Obstacle | None:
    """What is wrong at this node for these operand values, or None."""
    if not all(np.all(np.isfinite(o)) for o in operands):
        return None  # reported where it first went wrong, further in
    match node:
        case Call(func=func, args=(arg,)) if func in BUILTINS:
            return _function_obstacle(node, func, arg, operands[0])
        case Pow(base=base, exponent=exponent):
            power = constant_value(exponent)
            value = operands[0]
            if power is not None and power.value.denominator != 1 and np.any(value <= 0):
                return Obstacle(f"a fractional power needs a positive base, and "
                                f"'{_short(base)}' is not positive", symbols_in(base))
            if power is not None and power.value < 0 and np.min(np.abs(value)) < SMALLEST:
                return Obstacle(f"a negative power needs a non-zero base, and "
                                f"'{_short(base)}' is 0 or nearly so")
        case Div(right=divisor) if np.min(np.abs(operands[1])) < SMALLEST:
            return Obstacle(f"the divisor '{_short(divisor)}' is 0 or nearly so")
    return None


def _function_obstacle(node: Expr, func: str, arg: Expr, value: Array) -> Obstacle | None:
    builtin = BUILTINS[func]
    shown = _short(arg)
    match builtin.domain:
        case Domain.POSITIVE if np.any(value <= 0):
            return Obstacle(f"{builtin.undefined}, and '{shown}' is not positive",
                            symbols_in(arg))
        case Domain.NONZERO if np.sqrt(np.sum(value * value)) < SMALLEST:
            return Obstacle(f"{builtin.undefined}, and '{shown}' is 0")
        case Domain.INVERTIBLE | Domain.POSITIVE_DETERMINANT if value.shape[0] > 1 and not (
            np.linalg.cond(value) < CONDITION_LIMIT
        ):
            return Obstacle(f"{builtin.undefined}, and '{shown}' is singular")
        case Domain.POSITIVE_DETERMINANT if np.linalg.det(value) <= 0:
            return Obstacle(f"{builtin.undefined}, and det('{shown}') is not positive")
    if builtin.limit is not None and np.max(np.abs(value)) > builtin.limit:
        return Obstacle(
            f"the argument of {func}, '{shown}', is too large for finite differences",
            shrink=True,
        )
    return None


def _short(expr: Expr) -> str:
    text = unparse(expr)
    return text if len(text) <= 60 else text[:57] + "..."


def explain_failure(failed: list[list[Obstacle]]) -> str:
    """Why no point could be used: the obstacle met in most attempts, e.g. "the derivative of
    norm is undefined where its argument is 0, and 'X - X' is 0 at every random point"."""
    counts: dict[str, int] = {}
    for obstacles in failed:
        for reason in dict.fromkeys(o.reason for o in obstacles):
            counts[reason] = counts.get(reason, 0) + 1
    if not counts:
        return "the expression could not be evaluated at any random point"
    reason = max(counts, key=lambda each: counts[each])
    return reason + (" at every random point" if counts[reason] == len(failed) else
                     " at most random points")
