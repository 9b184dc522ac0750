"""Shape inference: tables of valid shapes, symbolic dimensions, and agreement with numpy."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import concrete, dim_sizes, expressions

from derive.errors import ShapeError
from derive.expr.nodes import (
    Add,
    Call,
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
)
from derive.expr.parse import parse
from derive.expr.shapes import (
    SCALAR,
    Shape,
    constant_value,
    format_shape,
    infer_shape,
    kind_of,
    shape_from_dims,
)

ENV: dict[str, Shape] = {
    "x": ("n", 1),
    "y": ("n", 1),
    "z": ("m", 1),
    "r": (1, "n"),
    "A": ("n", "n"),
    "B": ("n", "n"),
    "X": ("m", "n"),
    "v3": (3, 1),
    "M3": (3, 3),
    "c": SCALAR,
}

VALID = [
    ("c", SCALAR),
    ("unknown", SCALAR),
    ("2", SCALAR),
    ("x", ("n", 1)),
    ("x.T", (1, "n")),
    ("x.T @ A @ x", SCALAR),
    ("x @ x.T", ("n", "n")),
    ("X @ x", ("m", 1)),
    ("X.T @ z", ("n", 1)),
    ("X @ A @ X.T", ("m", "m")),
    ("r @ x", SCALAR),
    ("x + y", ("n", 1)),
    ("x - y", ("n", 1)),
    ("-X", ("m", "n")),
    ("x * y", ("n", 1)),
    ("c * X", ("m", "n")),
    ("X * c", ("m", "n")),
    ("2 * x", ("n", 1)),
    ("x / 2", ("n", 1)),
    ("X / (x.T @ x)", ("m", "n")),
    ("x ** 2", ("n", 1)),
    ("x ** -0.5", ("n", 1)),
    ("c ** --2", SCALAR),
    ("tr(A)", SCALAR),
    ("tr(X @ X.T)", SCALAR),
    ("det(A)", SCALAR),
    ("logdet(A)", SCALAR),
    ("inv(A)", ("n", "n")),
    ("norm(x)", SCALAR),
    ("norm(X)", SCALAR),
    ("sum(X)", SCALAR),
    ("diag(x)", ("n", "n")),
    ("diag(r)", ("n", "n")),
    ("diag(c)", SCALAR),
    ("exp(X)", ("m", "n")),
    ("sigmoid(X @ x)", ("m", 1)),
    ("eye(n)", ("n", "n")),
    ("eye(3)", (3, 3)),
    ("ones(n)", ("n", 1)),
    ("ones(n).T @ x", SCALAR),
    ("eye(n) @ x + A @ x", ("n", 1)),
    ("M3 @ v3", (3, 1)),
    ("tr(c)", SCALAR),
    ("inv(c)", SCALAR),
]


@pytest.mark.parametrize(("text", "shape"), VALID, ids=[text for text, _ in VALID])
def test_infer_shape(text: str, shape: Shape) -> None:
    assert infer_shape(parse(text), ENV, text) == shape


def test_symbolic_dimensions_are_compared_by_name() -> None:
    with pytest.raises(ShapeError):
        infer_shape(parse("x + z"), ENV)
    with pytest.raises(ShapeError):
        infer_shape(parse("v3 + x"), ENV)


def test_shape_error_without_source_quotes_symbol_names() -> None:
    with pytest.raises(ShapeError) as caught:
        infer_shape(parse("X @ z"), ENV)
    assert caught.value.message == (
        "cannot multiply X (m×n) by z (m×1): inner dimensions n and m differ"
    )


@pytest.mark.parametrize(
    ("dims", "shape"),
    [([], SCALAR), (["n"], ("n", 1)), ([1, "n"], (1, "n")), (["m", "n"], ("m", "n"))],
    ids=["scalar", "column", "row", "matrix"],
)
def test_shape_from_dims(dims: list[int | str], shape: Shape) -> None:
    assert shape_from_dims(dims) == shape


def test_shape_from_dims_refuses_three_dimensions() -> None:
    with pytest.raises(ValueError, match="at most two"):
        shape_from_dims([1, 2, 3])


@pytest.mark.parametrize(
    ("shape", "kind", "text"),
    [
        (SCALAR, "scalar", "scalar"),
        (("n", 1), "column vector", "n×1"),
        ((1, "n"), "row vector", "1×n"),
        (("m", "n"), "matrix", "m×n"),
        ((3, 3), "matrix", "3×3"),
    ],
    ids=["scalar", "column", "row", "matrix", "concrete"],
)
def test_kind_and_format(shape: Shape, kind: str, text: str) -> None:
    assert kind_of(shape) == kind
    assert format_shape(shape) == text


def test_constant_value() -> None:
    assert constant_value(parse("--2")) == parse("2")
    assert constant_value(parse("-2")) == Number(-parse("2").value)  # type: ignore[union-attr]
    assert constant_value(parse("x")) is None


# A small numpy evaluator: the independent oracle for the shapes `infer_shape` claims.


class _Singular(Exception):
    """A singular matrix: a numeric accident, not a shape error."""


def _scalar(value: np.ndarray) -> np.ndarray:
    return value.reshape(())  # raises ValueError unless the value has exactly one entry


def _square(value: np.ndarray) -> np.ndarray:
    if value.shape[0] != value.shape[1]:
        raise ValueError(f"not square: {value.shape}")
    return value


def _same(left: np.ndarray, right: np.ndarray) -> None:
    # numpy would broadcast (n, 1) against (1, m); the language does not
    if left.shape != right.shape:
        raise ValueError(f"shapes differ: {left.shape} and {right.shape}")


def evaluate(expr: Expr, values: Mapping[str, np.ndarray], sizes: Mapping[str, int]) -> np.ndarray:
    """Evaluate `expr` with numpy on 2-d arrays; a shape mismatch raises ValueError."""

    def size(dim: int | str) -> int:
        return sizes[dim] if isinstance(dim, str) else dim

    def ev(node: Expr) -> np.ndarray:
        match node:
            case Symbol(name=name):
                return values[name]
            case Number(value=value):
                return np.array([[float(value)]])
            case Identity(dim=dim):
                return np.eye(size(dim))
            case Ones(dim=dim):
                return np.ones((size(dim), 1))
            case Neg(operand=operand):
                return -ev(operand)
            case Add(left=left, right=right):
                a, b = ev(left), ev(right)
                if (1, 1) not in (a.shape, b.shape):  # a scalar is added to every entry
                    _same(a, b)
                return a + b
            case Sub(left=left, right=right):
                a, b = ev(left), ev(right)
                if (1, 1) not in (a.shape, b.shape):
                    _same(a, b)
                return a - b
            case Mul(left=left, right=right):
                a, b = ev(left), ev(right)
                if a.shape == (1, 1):
                    return _scalar(a) * b
                if b.shape == (1, 1):
                    return a * _scalar(b)
                _same(a, b)
                return a * b
            case MatMul(left=left, right=right):
                return ev(left) @ ev(right)
            case Div(left=left, right=right):
                return ev(left) / _scalar(ev(right))
            case Pow(base=base, exponent=exponent):
                return ev(base) ** float(_scalar(ev(exponent)))
            case Transpose(operand=operand):
                return ev(operand).T
            case Call(func=func, args=(arg,)):
                return call(func, ev(arg))
        raise TypeError(f"no numpy rule for {node!r}")

    def call(func: str, a: np.ndarray) -> np.ndarray:
        elementwise = {
            "exp": np.exp,
            "log": np.log,
            "sin": np.sin,
            "cos": np.cos,
            "tanh": np.tanh,
            "sqrt": np.sqrt,
            "sigmoid": lambda t: 1 / (1 + np.exp(-t)),
            "softplus": lambda t: np.log1p(np.exp(t)),
        }
        if func in elementwise:
            return np.asarray(elementwise[func](a))
        if func == "tr":
            return np.array([[np.einsum("ii->", a)]])  # einsum refuses a non-square operand
        if func == "det":
            return np.array([[np.linalg.det(a)]])
        if func == "logdet":
            return np.array([[np.linalg.slogdet(a)[1]]])
        if func == "inv":
            try:
                return np.linalg.inv(_square(a))
            except np.linalg.LinAlgError as error:
                raise _Singular from error
        if func == "norm":
            return np.array([[np.linalg.norm(a)]])
        if func == "sum":
            return np.array([[a.sum()]])
        if func == "diag":
            return np.diag(np.squeeze(a, axis=1 if a.shape[1] == 1 else 0))
        if func in ("logsumexp", "softmax"):
            vector = np.squeeze(a, axis=1 if a.shape[1] == 1 else 0)  # refuses a matrix
            exps = np.exp(vector - vector.max())
            if func == "logsumexp":
                return np.array([[np.log(exps.sum()) + vector.max()]])
            return (exps / exps.sum()).reshape(a.shape)
        raise TypeError(f"no numpy rule for {func}")

    with np.errstate(all="ignore"):
        return ev(expr)


def _values(shapes: Mapping[str, Shape], sizes: Mapping[str, int], seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        name: rng.standard_normal(concrete(shape, dict(sizes))) for name, shape in shapes.items()
    }


@st.composite
def _evaluated(draw: st.DrawFn) -> tuple[Expr, dict[str, Shape], dict[str, int]]:
    expr, shapes = draw(expressions(max_depth=4))
    sizes = draw(dim_sizes(expr, shapes))
    return expr, shapes, sizes


@settings(max_examples=300)
@given(_evaluated(), st.integers(0, 2**32 - 1))
def test_inferred_shape_matches_numpy(
    case: tuple[Expr, dict[str, Shape], dict[str, int]], seed: int
) -> None:
    expr, shapes, sizes = case
    inferred = infer_shape(expr, shapes)
    try:
        value = evaluate(expr, _values(shapes, sizes, seed), sizes)
    except _Singular:
        return
    assert value.shape == concrete(inferred, sizes)


@st.composite
def _reshaped(draw: st.DrawFn) -> tuple[Expr, dict[str, Shape]]:
    """A symbolic expression with one symbol's shape replaced at random: often ill-shaped."""
    expr, shapes = draw(expressions(max_depth=3, dims="symbolic"))
    if not shapes:
        return expr, shapes
    name = draw(st.sampled_from(sorted(shapes)))
    dims = st.sampled_from((1, "n", "m", "p", "k"))
    return expr, {**shapes, name: (draw(dims), draw(dims))}


_DISTINCT_SIZES = {"n": 2, "m": 3, "p": 5, "k": 7}
"""Different sizes for different names, so numpy sees a mismatch exactly where names differ."""


@settings(max_examples=300)
@given(_reshaped())
def test_shape_errors_agree_with_numpy(case: tuple[Expr, dict[str, Shape]]) -> None:
    expr, shapes = case
    try:
        inferred: Shape | None = infer_shape(expr, shapes)
    except ShapeError:
        inferred = None
    try:
        value = evaluate(expr, _values(shapes, _DISTINCT_SIZES, 0), _DISTINCT_SIZES)
    except _Singular:
        return
    except ValueError:
        assert inferred is None, "numpy refused an expression that infer_shape accepted"
        return
    assert inferred is not None, f"infer_shape refused an expression numpy evaluates {shapes}"
    assert value.shape == concrete(inferred, _DISTINCT_SIZES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x + 1", ("n", 1)),
        ("1 - A", ("m", "n")),
        ("s + x.T", (1, "n")),
        ("x.T @ x + A", ("m", "n")),
    ],
    ids=["vector-plus-number", "number-minus-matrix", "scalar-plus-row", "quadratic-plus-matrix"],
)
def test_scalar_broadcasts_in_sums(text: str, expected: tuple[object, object]) -> None:
    shapes = {"x": ("n", 1), "A": ("m", "n"), "s": (1, 1)}
    assert infer_shape(parse(text), shapes) == expected
