"""A checked problem: parsed expression, declared shapes and assumptions, and its inferred shape.

This is the boundary between user-facing inputs (strings, lists from YAML or the API) and the
typed world of the engine. Shapes are given as lists, as in exercise files: `[]` scalar, `[n]`
column vector, `[1, n]` row vector, `[m, n]` matrix. A scalar symbol named like a dimension
(`N` in `(1/N) * ...` with `X: [N, D]`) stands for that dimension's size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from msgspec import Struct, field

from derive import arguments
from derive.errors import ShapeError, SpecError, did_you_mean
from derive.expr.functions import FUNCTIONS
from derive.expr.limits import MAX_SIZE
from derive.expr.nodes import (
    DERIVED_KINDS,
    GENERIC_KINDS,
    Dim,
    Expr,
    Identity,
    Ones,
    children,
    derivative_name,
    symbols_in,
)
from derive.expr.parse import CONSTRUCTORS, Signature, parse
from derive.expr.shapes import SCALAR, Shape, format_shape, infer_shape, shape_from_dims

ASSUMPTIONS = ("symmetric", "spd", "invertible", "positive")
"""Properties a symbol may be declared to have."""

_SQUARE_ONLY = ("symmetric", "spd", "invertible")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

ShapeSpec = Mapping[str, Sequence[Dim]]
AssumeSpec = Mapping[str, str | Sequence[str]]


class Problem(Struct, frozen=True):
    """An expression with everything needed to reason about it."""

    text: str
    expr: Expr
    shapes: Mapping[str, Shape]
    assumptions: Mapping[str, frozenset[str]]
    shape: Shape
    functions: Mapping[str, Signature] = field(default_factory=dict)

    def dims(self) -> tuple[str, ...]:
        """The named dimensions used by the symbols, sorted."""
        return tuple(sorted(d for d in self._all_dims() if isinstance(d, str)))

    def numbers(self) -> frozenset[int]:
        """The numeric dimensions used, such as the 2 of [2, 2]."""
        return frozenset(d for d in self._all_dims() if isinstance(d, int) and d > 1)

    def _all_dims(self) -> set[Dim]:
        found: set[Dim] = {dim for shape in self.shapes.values() for dim in shape}
        found |= constructor_dims(self.expr)
        found |= {size for _, size in self.functions.values() if size is not None}
        return found


def constructor_dims(expr: Expr) -> set[Dim]:
    """Dimensions used by eye(n) and ones(n) anywhere in `expr`."""
    found: set[Dim] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Identity | Ones):
            found.add(node.dim)
        stack.extend(children(node))
    return found


def check_dims(name: str, dims: Sequence[Dim]) -> Shape:
    """Validate one declared shape list and turn it into a shape."""
    if isinstance(dims, str) or not isinstance(dims, Sequence):
        raise SpecError(
            f"shape of '{name}' must be a list of dimensions, got {dims!r}",
            hint="write [] for a scalar, [n] for a column vector, [m, n] for a matrix",
        )
    if len(dims) > 2:
        raise SpecError(
            f"shape of '{name}' has {len(dims)} dimensions; at most 2 are supported",
            hint="write [] for a scalar, [n] for a column vector, [m, n] for a matrix",
        )
    for dim in dims:
        valid_int = isinstance(dim, int) and not isinstance(dim, bool) and dim > 0
        if isinstance(dim, int) and valid_int and dim > MAX_SIZE:
            raise SpecError(
                f"size {dim} in the shape of '{name}' is over the maximum {MAX_SIZE}",
                hint="use a dimension name such as n; derive checks at small sizes anyway",
            )
        valid_name = isinstance(dim, str) and _IDENTIFIER.match(dim) is not None
        if not (valid_int or valid_name):
            raise SpecError(
                f"invalid dimension {dim!r} in the shape of '{name}'",
                expected="a positive integer or a name such as 'n'",
                hint="dimensions are positive integers or names like n, m, D",
            )
    return shape_from_dims(tuple(dims))


FunctionSpec = Mapping[str, str]
"""Declared generic functions: name -> 'elementwise', 'scalar' or 'vector:SIZE'."""


def declare_functions(functions: FunctionSpec | None) -> dict[str, Signature]:
    """Check function declarations and add each one's derivative (f_prime, grad_h, jac_g).

    Example:
        >>> declare_functions({"f": "elementwise", "g": "vector:k"})["jac_g"]
        ('jacobian', 'k')
    """
    signatures: dict[str, Signature] = {}
    for name, declared in sorted((functions or {}).items()):
        if not _IDENTIFIER.match(name) or name in FUNCTIONS or name in CONSTRUCTORS:
            raise SpecError(
                f"cannot declare a function named '{name}'",
                hint="use a new name such as f, g or h; built-in names are reserved",
            )
        kind, _, size_text = str(declared).partition(":")
        if kind not in GENERIC_KINDS:
            raise SpecError(
                f"unknown function kind '{declared}' for '{name}'",
                expected="elementwise, scalar or vector:SIZE",
                hint="write f=elementwise, h=scalar or g=vector:m",
            )
        size: Dim | None = None
        if kind != "vector" and size_text:
            raise SpecError(
                f"only vector functions take a size, got '{declared}' for '{name}'",
                hint=f"write {name}={kind}",
            )
        if kind == "vector":
            if not size_text:
                raise SpecError(
                    f"vector function '{name}' needs its output size",
                    hint=f"write {name}=vector:m (or a number, as in {name}=vector:4)",
                )
            size = int(size_text) if size_text.isdigit() else size_text
            check_dims(name, [size])
        signatures[name] = (kind, size)
        signatures[derivative_name(name, kind)] = (DERIVED_KINDS[kind], size)
    return signatures


def make_problem(
    text: str,
    shapes: ShapeSpec | None = None,
    assume: AssumeSpec | None = None,
    functions: FunctionSpec | None = None,
    variable: str | None = None,
) -> Problem:
    """Parse `text` and check it against the declared shapes and assumptions.

    `variable` (the symbol to differentiate by) may be declared even when the expression does
    not use it: its derivative is then zero, of its shape.

    Raises:
        ExprSyntaxError: the text does not parse.
        SpecError: a declared name is unknown or a shape or assumption is malformed.
        ShapeError: the operands of some operation do not fit.

    Example:
        >>> make_problem("x.T @ A @ x", {"x": ["n"], "A": ["n", "n"]}).shape
        (1, 1)
    """
    text = arguments.text("text", text)
    shapes, assume = arguments.shapes(shapes), arguments.assumptions(assume)
    functions = arguments.functions(functions)
    variable = None if variable is None else arguments.name("variable", variable)
    signatures = declare_functions(functions)
    expr = parse(text, signatures)
    used = symbols_in(expr)
    if variable is not None and variable in (shapes or {}):
        used |= {variable}
    declared, assumptions = declare_symbols(used, shapes, assume, signatures)
    shape = infer_shape(expr, declared, text)
    return Problem(text, expr, declared, assumptions, shape, signatures)


def declare_symbols(
    used: frozenset[str],
    shapes: ShapeSpec | None,
    assume: AssumeSpec | None,
    signatures: Mapping[str, Signature],
) -> tuple[dict[str, Shape], dict[str, frozenset[str]]]:
    """Check declared shapes and assumptions against the symbols in use; others are scalars."""
    declared: dict[str, Shape] = {}
    for name, dims in (shapes or {}).items():
        _check_known(name, used, "shape")
        declared[name] = check_dims(name, dims)
    for name in used:
        declared.setdefault(name, SCALAR)
    assumptions = _check_assumptions(assume or {}, used, declared)
    clash = sorted(set(signatures) & used)
    if clash:
        raise SpecError(f"'{clash[0]}' is declared as a function and used as a symbol",
                        hint="give the function and the symbol different names")
    return dict(sorted(declared.items())), assumptions


def check_variable(problem: Problem, wrt: str, role: str, plural: str, empty: str) -> None:
    """Refuse a `wrt` that is not a declared symbol, suggesting the closest one.

    `role` completes "it is not ..." ('a symbol of the expression'); `plural` names the
    candidates ('symbols'); `empty` is the hint when there are none.
    """
    if wrt in problem.shapes:
        return
    listing = f"the {plural} are " + ", ".join(f"'{n}'" for n in problem.shapes)
    raise SpecError(
        f"cannot differentiate with respect to '{wrt}': it is not {role}",
        hint=did_you_mean(wrt, problem.shapes) or (listing if problem.shapes else empty),
    )


def _check_known(name: str, used: frozenset[str], what: str) -> None:
    if name in used:
        return
    hint = did_you_mean(name, used, any_case=True) or "the expression uses " + (
        ", ".join(f"'{n}'" for n in sorted(used)) or "no symbols"
    )
    if name in CONSTRUCTORS:
        hint = f"'{name}' is a function, not a symbol"
    raise SpecError(f"{what} given for unknown symbol '{name}'", hint=hint)


def _check_assumptions(
    assume: AssumeSpec, used: frozenset[str], shapes: Mapping[str, Shape]
) -> dict[str, frozenset[str]]:
    result: dict[str, frozenset[str]] = {}
    for name, props in sorted(assume.items()):
        _check_known(name, used, "assumption")
        listed = [props] if isinstance(props, str) else list(props)
        for prop in listed:
            if prop not in ASSUMPTIONS:
                raise SpecError(
                    f"unknown assumption '{prop}' for '{name}'",
                    expected=", ".join(ASSUMPTIONS),
                    hint=did_you_mean(str(prop), ASSUMPTIONS) or "the assumptions are "
                    + ", ".join(ASSUMPTIONS),
                )
            rows, cols = shapes[name]
            if prop in _SQUARE_ONLY and (rows != cols or shapes[name] == SCALAR):
                raise ShapeError(
                    f"'{name}' is assumed {prop} but is {format_shape(shapes[name])}, "
                    "not a square matrix",
                    hint=f"declare '{name}' with a square shape such as [n, n]",
                )
        closed = set(listed)
        if "spd" in closed:
            closed |= {"symmetric", "invertible"}
        result[name] = frozenset(closed)
    return result
