"""Hypothesis strategies: random, shape-consistent expression trees over the whole language.

`expressions()` draws `(expr, shapes)` pairs: a tree built from `derive.expr.nodes` and the shape
environment of its symbols, as `derive.expr.shapes.infer_shape` takes it. Every tree is one that
`parse` can produce (no unary plus, numbers non-negative with a terminating decimal expansion,
constant exponents), so `parse(unparse(e)) == e` is a fair property. Dimensions are sizes 1-4,
names such as 'n', or a mix.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from hypothesis import strategies as st

from derive.expr.functions import ELEMENTWISE_FUNCTIONS
from derive.expr.nodes import (
    Add,
    Call,
    Dim,
    Div,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Number,
    Ones,
    Pow,
    Sub,
    Symbol,
    Transpose,
    children,
)
from derive.expr.shapes import SCALAR, Shape

DIM_NAMES = ("n", "m", "p", "k")
"""Names used for symbolic dimensions; never used as symbol names."""

SYMBOL_NAMES = (
    "x", "y", "z", "w", "u", "v", "a", "b", "c", "A", "B", "C", "M", "S", "W", "X", "Y",
    "W1", "x2", "theta", "beta", "yhat", "xbar", "Sigma", "loss",
)  # fmt: skip
"""Names for symbols: plain letters, digits, greek words and accents, as the printer sees them."""

DIM_KINDS = ("symbolic", "concrete", "mixed")

_DECIMAL_DENOMINATORS = (1, 1, 1, 2, 4, 5, 10)
_SQUARE_TO_SCALAR = ("tr", "det", "logdet")


def numbers() -> st.SearchStrategy[Number]:
    """Non-negative constants that print as an integer or an exact decimal (so they parse back)."""
    return st.builds(
        lambda top, bottom: Number(Fraction(top, bottom)),
        st.integers(0, 20),
        st.sampled_from(_DECIMAL_DENOMINATORS),
    )


def exponents() -> st.SearchStrategy[Expr]:
    """Constant exponents, as `infer_shape` requires: `2`, `0.5`, `-1`, ..."""
    positive = st.sampled_from((Fraction(2), Fraction(3), Fraction(1, 2), Fraction(1)))
    return st.one_of(
        positive.map(Number),
        positive.map(lambda value: Neg(Number(value))),
    )


@st.composite
def dim_pools(draw: st.DrawFn, kind: str | None = None) -> tuple[Dim, ...]:
    """The dimensions one expression may use: 1-3 names, 1-3 sizes in 1..4, or both."""
    kind = kind or draw(st.sampled_from(DIM_KINDS))
    names = draw(st.lists(st.sampled_from(DIM_NAMES), min_size=1, max_size=3, unique=True))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True))
    if kind == "symbolic":
        return tuple(names)
    if kind == "concrete":
        return tuple(sizes)
    if kind == "mixed":
        return (*names, *sizes)
    raise ValueError(f"unknown dimension kind {kind!r}; use one of {DIM_KINDS}")


class _Builder:
    """Builds a tree of a requested shape, registering each symbol's shape as it goes."""

    def __init__(self, draw: st.DrawFn, pool: tuple[Dim, ...]) -> None:
        self.draw = draw
        self.pool = pool
        self.shapes: dict[str, Shape] = {}

    def dim(self) -> Dim:
        return self.draw(st.sampled_from((1, *self.pool)))

    def any_shape(self) -> Shape:
        return (self.dim(), self.dim())

    def symbol(self, shape: Shape) -> Symbol:
        same = sorted(name for name, known in self.shapes.items() if known == shape)
        free = [name for name in SYMBOL_NAMES if name not in self.shapes]
        if same and (not free or self.draw(st.booleans())):
            return Symbol(self.draw(st.sampled_from(same)))
        if not free:
            raise ValueError("ran out of symbol names; lower max_depth")
        name = self.draw(st.sampled_from(free))
        self.shapes[name] = shape
        return Symbol(name)

    def leaf(self, shape: Shape) -> Expr:
        rows, cols = shape
        options: list[Callable[[], Expr]] = [lambda: self.symbol(shape)]
        if shape == SCALAR:
            options.append(lambda: self.draw(numbers()))
        if rows == cols:
            options.append(lambda: Identity(rows))
        if cols == 1:
            options.append(lambda: Ones(rows))
        return self.draw(st.sampled_from(options))()

    def build(self, shape: Shape, depth: int) -> Expr:
        if depth <= 0:
            return self.leaf(shape)
        below = depth - 1
        rows, cols = shape
        options: list[Callable[[], Expr]] = [
            lambda: self.leaf(shape),
            lambda: Neg(self.build(shape, below)),
            lambda: Add(self.build(shape, below), self.build(shape, below)),
            lambda: Sub(self.build(shape, below), self.build(shape, below)),
            lambda: Mul(self.build(shape, below), self.build(shape, below)),
            lambda: Mul(self.build(SCALAR, below), self.build(shape, below)),
            lambda: Mul(self.build(shape, below), self.build(SCALAR, below)),
            lambda: self.matmul(shape, below),
            lambda: Div(self.build(shape, below), self.build(SCALAR, below)),
            lambda: Pow(self.build(shape, below), self.draw(exponents())),
            lambda: Transpose(self.build((cols, rows), below)),
            lambda: Call(
                self.draw(st.sampled_from(ELEMENTWISE_FUNCTIONS)), (self.build(shape, below),)
            ),
        ]
        if shape == SCALAR:
            options += [
                lambda: self.square_call(self.draw(st.sampled_from(_SQUARE_TO_SCALAR)), below),
                lambda: Call("norm", (self.build(self.any_shape(), below),)),
                lambda: Call("sum", (self.build(self.any_shape(), below),)),
            ]
        if rows == cols:
            options += [
                lambda: Call("inv", (self.build(shape, below),)),
                lambda: Call("diag", (self.build((rows, 1), below),)),
                lambda: Call("diag", (self.build((1, rows), below),)),
            ]
        return self.draw(st.sampled_from(options))()

    def matmul(self, shape: Shape, depth: int) -> Expr:
        inner = self.dim()
        return MatMul(self.build((shape[0], inner), depth), self.build((inner, shape[1]), depth))

    def square_call(self, func: str, depth: int) -> Expr:
        size = self.dim()
        return Call(func, (self.build((size, size), depth),))


@st.composite
def expressions(
    draw: st.DrawFn,
    max_depth: int = 4,
    dims: str | None = None,
    shape: Shape | None = None,
) -> tuple[Expr, dict[str, Shape]]:
    """Draw `(expr, shapes)`: a well-shaped tree and the shapes of all its symbols.

    Args:
        draw: supplied by hypothesis.
        max_depth: the deepest nesting of operations (leaves are depth 0).
        dims: 'symbolic', 'concrete' (sizes 1-4), 'mixed', or None for any of them.
        shape: the shape the whole expression must have, e.g. `(1, 1)` for a scalar objective;
            None draws one from the dimensions in use.

    Returns:
        The tree, and a dict from every symbol in it to its `(rows, cols)` shape.
    """
    pool = draw(dim_pools(dims))
    builder = _Builder(draw, pool)
    target = shape if shape is not None else builder.any_shape()
    depth = draw(st.integers(0, max_depth))
    expr = builder.build(target, depth)
    return expr, dict(sorted(builder.shapes.items()))


def scalar_expressions(
    max_depth: int = 4, dims: str | None = None
) -> st.SearchStrategy[tuple[Expr, dict[str, Shape]]]:
    """Expressions whose value is a scalar, as objectives to differentiate are."""
    return expressions(max_depth=max_depth, dims=dims, shape=SCALAR)


def dim_names(expr: Expr, shapes: dict[str, Shape]) -> tuple[str, ...]:
    """The named dimensions an expression uses, in its symbols' shapes and in eye/ones, sorted."""
    names = {dim for shape in shapes.values() for dim in shape if isinstance(dim, str)}
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, Identity | Ones) and isinstance(node.dim, str):
            names.add(node.dim)
        pending.extend(children(node))
    return tuple(sorted(names))


def dim_sizes(
    expr: Expr, shapes: dict[str, Shape], low: int = 1, high: int = 4
) -> st.SearchStrategy[dict[str, int]]:
    """Concrete sizes for the named dimensions of `expr`, for evaluating it numerically."""
    names = dim_names(expr, shapes)
    return st.fixed_dictionaries({name: st.integers(low, high) for name in names})


def concrete(shape: Shape, sizes: dict[str, int]) -> tuple[int, int]:
    """Substitute sizes for the named dimensions of a shape."""
    rows, cols = (sizes[dim] if isinstance(dim, str) else dim for dim in shape)
    return rows, cols
