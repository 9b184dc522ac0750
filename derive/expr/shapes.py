"""Shape inference: a pass over the IR that gives every sub-expression a (rows, cols) shape.

Shapes are pairs of dimensions; a scalar is (1, 1), a column vector (n, 1), a row vector (1, n).
Dimension names are compared by name, so 'n' and 'm' never match even if they might be equal.
Errors name the operation, the operands as written, both shapes and the position.
"""

from __future__ import annotations

from collections.abc import Mapping

from derive.errors import ShapeError, Span
from derive.expr.functions import BUILTINS, Argument, Result
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
    extent,
)

Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)


def shape_from_dims(dims: list[Dim] | tuple[Dim, ...]) -> Shape:
    """Turn a declared dimension list into a shape: [] scalar, [n] column, [m, n] matrix.

    Example:
        >>> shape_from_dims(["n"]), shape_from_dims([1, "n"]), shape_from_dims([])
        (('n', 1), (1, 'n'), (1, 1))
    """
    if len(dims) == 0:
        return SCALAR
    if len(dims) == 1:
        return (dims[0], 1)
    if len(dims) == 2:
        return (dims[0], dims[1])
    raise ValueError("a shape has at most two dimensions")


def is_scalar(shape: Shape) -> bool:
    """Whether `shape` is 1 x 1."""
    return shape == SCALAR


def kind_of(shape: Shape) -> str:
    """Classify a shape as 'scalar', 'column vector', 'row vector' or 'matrix'."""
    rows, cols = shape
    if rows == 1 and cols == 1:
        return "scalar"
    if cols == 1:
        return "column vector"
    if rows == 1:
        return "row vector"
    return "matrix"


def format_shape(shape: Shape) -> str:
    """Format a shape for messages: 'm×n', or 'scalar'.

    Example:
        >>> format_shape(("m", "n")), format_shape(("n", 1)), format_shape((1, 1))
        ('m×n', 'n×1', 'scalar')
    """
    if is_scalar(shape):
        return "scalar"
    return f"{shape[0]}×{shape[1]}"


ShapeMemo = dict[int, tuple[Expr, Shape]]
"""Shapes already inferred, by node identity (each entry keeps its node alive, so an id is never
reused while the memo lives); passes that infer the shapes of many overlapping sub-trees share
one, so their work stays linear."""


def infer_shape(
    expr: Expr, env: Mapping[str, Shape], source: str | None = None,
    memo: ShapeMemo | None = None,
) -> Shape:
    """Infer the shape of `expr`; symbols missing from `env` are scalars.

    Args:
        expr: the expression tree.
        env: declared shapes by symbol name.
        source: the expression text, used to quote operands in error messages.

    Returns:
        The (rows, cols) shape of the expression.

    Raises:
        ShapeError: an operation's operands do not fit; the error names both shapes.

    Example:
        >>> from derive.expr.parse import parse
        >>> infer_shape(parse("x.T @ A @ x"), {"x": ("n", 1), "A": ("n", "n")})
        (1, 1)
    """
    return _Inference(env, source, {} if memo is None else memo).shape(expr)


class _Inference:
    def __init__(self, env: Mapping[str, Shape], source: str | None, memo: ShapeMemo) -> None:
        self.env = env
        self.source = source
        self.memo = memo

    def quote(self, expr: Expr) -> str:
        """The operand as the user wrote it (short), else a description."""
        span = extent(expr)
        if self.source is not None and span.col > 0:
            text = self.source[span.col - 1 : span.end_col - 1].strip()
            if text and len(text) <= 30:
                return text
        if isinstance(expr, Symbol):
            return expr.name
        return "the operand"

    def fail(self, expr: Expr, message: str, hint: str | None = None) -> ShapeError:
        span = expr.span if expr.span.col > 0 else Span(1, 2)
        return ShapeError(message, span=span, source=self.source, hint=hint)

    def described(self, expr: Expr, shape: Shape) -> str:
        """An operand for a message: as written, and its shape ('W (m×n)')."""
        return f"{self.quote(expr)} ({format_shape(shape)})"

    def shape(self, expr: Expr) -> Shape:
        known = self.memo.get(id(expr))
        if known is not None:
            return known[1]
        shape = self.infer(expr)
        self.memo[id(expr)] = (expr, shape)
        return shape

    def infer(self, expr: Expr) -> Shape:  # noqa: C901 - one case per IR node type; the flat match is the readable form
        match expr:
            case Symbol(name=name):
                return self.env.get(name, SCALAR)
            case Number():
                return SCALAR
            case Identity(dim=dim):
                return (dim, dim)
            case Ones(dim=dim):
                return (dim, 1)
            case Neg(operand=operand):
                return self.shape(operand)
            case Transpose(operand=operand):
                rows, cols = self.shape(operand)
                return (cols, rows)
            case Add(left=left, right=right) | Sub(left=left, right=right):
                return self.add(expr, left, right)
            case Mul(left=left, right=right):
                return self.mul(expr, left, right)
            case MatMul(left=left, right=right):
                return self.matmul(expr, left, right)
            case Div(left=left, right=right):
                return self.divide(expr, left, right)
            case Pow(base=base, exponent=exponent):
                return self.power(expr, base, exponent)
            case Call(kind=str(kind), args=(arg,)):
                return self.generic(expr, kind, arg)
            case Call(func=func, args=(arg,)):
                return self.call(expr, func, arg)
        raise self.fail(expr, f"no shape rule for {type(expr).__name__}")

    def add(self, expr: Expr, left: Expr, right: Expr) -> Shape:
        left_shape, right_shape = self.shape(left), self.shape(right)
        # A scalar is added to every entry, as numpy broadcasts it.
        if is_scalar(left_shape):
            return right_shape
        if is_scalar(right_shape):
            return left_shape
        if left_shape != right_shape:
            verb = "add" if isinstance(expr, Add) else "subtract"
            joiner = "and" if isinstance(expr, Add) else "from"
            left_text = self.described(left, left_shape)
            right_text = self.described(right, right_shape)
            first, second = (left_text, right_text) if verb == "add" else (right_text, left_text)
            hint = "both operands must have the same shape"
            if is_scalar(left_shape) or is_scalar(right_shape):
                hint = (
                    "to add a scalar to every entry multiply it by 'ones(n)'; "
                    "for the identity use 'eye(n)'"
                )
            elif (left_shape[1], left_shape[0]) == right_shape:
                hint = "one operand may need a transpose '.T'"
            raise self.fail(expr, f"cannot {verb} {first} {joiner} {second}: shapes differ", hint)
        return left_shape

    def mul(self, expr: Expr, left: Expr, right: Expr) -> Shape:
        left_shape, right_shape = self.shape(left), self.shape(right)
        if is_scalar(left_shape):
            return right_shape
        if is_scalar(right_shape) or left_shape == right_shape:
            return left_shape
        hint = "'*' is the entrywise (Hadamard) product of equal shapes"
        if left_shape[1] == right_shape[0]:
            hint = "for the matrix product use '@'"
        raise self.fail(
            expr,
            f"cannot multiply {self.described(left, left_shape)} entrywise by "
            f"{self.described(right, right_shape)}: shapes differ",
            hint,
        )

    def divide(self, expr: Expr, left: Expr, right: Expr) -> Shape:
        """'/' divides entrywise, as '*' multiplies: by a scalar, or by an equal shape."""
        left_shape, right_shape = self.shape(left), self.shape(right)
        if is_scalar(right_shape) or left_shape == right_shape:
            return left_shape
        if is_scalar(left_shape):
            return right_shape
        hint = "'/' divides entrywise by a scalar or an array of the same shape"
        if right_shape[0] == right_shape[1]:
            hint = "for the inverse of a matrix write 'inv(...)'"
        raise self.fail(
            expr,
            f"cannot divide {self.described(left, left_shape)} entrywise by "
            f"{self.described(right, right_shape)}: shapes differ",
            hint,
        )

    def matmul(self, expr: Expr, left: Expr, right: Expr) -> Shape:
        left_shape, right_shape = self.shape(left), self.shape(right)
        if left_shape[1] != right_shape[0]:
            hint = "the left operand needs as many columns as the right one has rows"
            if is_scalar(left_shape) or is_scalar(right_shape):
                hint = "to scale by a scalar use '*'"
            elif left_shape[0] == right_shape[0]:
                hint = f"did you mean '{self.quote(left)}.T @ {self.quote(right)}'?"
            elif left_shape[1] == right_shape[1]:
                hint = f"did you mean '{self.quote(left)} @ {self.quote(right)}.T'?"
            raise self.fail(
                expr,
                f"cannot multiply {self.described(left, left_shape)} by "
                f"{self.described(right, right_shape)}: inner dimensions "
                f"{left_shape[1]} and {right_shape[0]} differ",
                hint,
            )
        return (left_shape[0], right_shape[1])

    def power(self, expr: Expr, base: Expr, exponent: Expr) -> Shape:
        base_shape = self.shape(base)
        if not _is_constant(exponent):
            raise self.fail(
                exponent,
                "the exponent must be a constant number",
                hint="write a number such as 'x ** 2' or 'x ** -1'",
            )
        return base_shape

    def generic(self, expr: Call, kind: str, arg: Expr) -> Shape:
        """Declared functions: entrywise keep the shape, scalar ones give a scalar, vector ones
        map a column vector to a column of their declared size."""
        shape = self.shape(arg)
        if kind in ("elementwise", "derivative", "gradient"):
            return shape
        if kind == "scalar":
            return SCALAR
        if shape[1] != 1:
            raise self.fail(
                expr,
                f"'{expr.func}' is a vector function and takes a column vector, got "
                f"{self.quote(arg)} ({format_shape(shape)})",
                hint="declare it as elementwise or scalar, or pass a column vector",
            )
        size = expr.size if expr.size is not None else 1
        return (size, 1) if kind == "vector" else (size, shape[0])

    def call(self, expr: Expr, func: str, arg: Expr) -> Shape:
        shape = self.shape(arg)
        builtin = BUILTINS[func]
        if builtin.argument is Argument.VECTOR and not (shape[1] == 1 or shape[0] == 1):
            raise self.fail(
                expr,
                f"{func} takes a vector, got {self.described(arg, shape)}",
                hint="diag(v) builds the diagonal matrix with v on its diagonal"
                if func == "diag" else f"apply {func} to a column vector",
            )
        if builtin.argument is Argument.SQUARE and shape[0] != shape[1]:
            raise self.fail(
                expr,
                f"{func} needs a square matrix, got {self.described(arg, shape)}",
                hint="multiply by a transpose to make it square, e.g. 'A.T @ A'",
            )
        if builtin.result is Result.SCALAR:
            return SCALAR
        if builtin.result is Result.DIAGONAL:
            size = shape[0] if shape[1] == 1 else shape[1]
            return (size, size)
        return shape


def _is_constant(expr: Expr) -> bool:
    if isinstance(expr, Number):
        return True
    return isinstance(expr, Neg) and _is_constant(expr.operand)


def constant_value(expr: Expr) -> Number | None:
    """The value of a constant exponent such as `-2`, or None when `expr` is not constant."""
    if isinstance(expr, Number):
        return expr
    if isinstance(expr, Neg):
        inner = constant_value(expr.operand)
        return Number(-inner.value) if inner is not None else None
    return None
