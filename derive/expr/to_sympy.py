"""Lower a checked IR tree to SymPy matrix expressions (MatrixSymbol, MatMul, Trace, ...).

Used for interoperability (`to_sympy(parse(text), shapes)`) and for comparing with SymPy's own
`diff` in benchmarks. 1x1 results are returned as SymPy scalars. SymPy is imported lazily,
since importing it costs about half a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from derive.errors import UnsupportedError
from derive.expr.functions import BUILTINS
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
)
from derive.expr.parse import parse
from derive.expr.shapes import Shape, infer_shape, is_scalar


def to_sympy(expr: Expr, shapes: Mapping[str, Shape]) -> Any:
    """Lower `expr` to a SymPy expression; 1x1 matrix expressions become scalars.

    Example:
        >>> from derive.expr.parse import parse
        >>> to_sympy(parse("x.T @ A @ x"), {"x": ("n", 1), "A": ("n", "n")})
        (x.T*A*x)[0, 0]
    """
    return _Lowering(shapes).scalar_or_matrix(expr)


class _Lowering:
    def __init__(self, shapes: Mapping[str, Shape]) -> None:
        import sympy  # imported here to keep start-up fast (about half a second)

        self.sp = sympy
        self.shapes = shapes

    def dim(self, dim: Dim) -> Any:
        return self.sp.Integer(dim) if isinstance(dim, int) else self.sp.Symbol(dim, integer=True)

    def scalar_or_matrix(self, expr: Expr) -> Any:
        value = self.lower(expr)
        if is_scalar(infer_shape(expr, self.shapes)) and isinstance(value, self.sp.MatrixExpr):
            # `value[0, 0]` would expand a product into a Sum over fresh Dummy indices, so two
            # lowerings of one tree would differ; keep the entry unevaluated instead
            from sympy.matrices.expressions.matexpr import MatrixElement  # keeps start-up fast

            return MatrixElement(value, 0, 0)
        return value

    def lower(self, expr: Expr) -> Any:  # noqa: C901 - one case per IR node type; the flat match is the readable form
        sp = self.sp
        match expr:
            case Symbol(name=name):
                shape = self.shapes.get(name, (1, 1))
                if is_scalar(shape):
                    return sp.Symbol(name)
                return sp.MatrixSymbol(name, self.dim(shape[0]), self.dim(shape[1]))
            case Number(value=value):
                return sp.Rational(value.numerator, value.denominator)
            case Identity(dim=dim):
                return sp.Identity(self.dim(dim))
            case Ones(dim=dim):
                return sp.OneMatrix(self.dim(dim), 1)
            case Neg(operand=operand):
                return -self.lower(operand)
            case Add(left=left, right=right) | Sub(left=left, right=right) if is_scalar(
                self.shape(expr)
            ):
                # a 1x1 product and a scalar such as a trace cannot be added as matrices
                a, b = self.scalar_or_matrix(left), self.scalar_or_matrix(right)
                return a + b if isinstance(expr, Add) else a - b
            case Add(left=left, right=right):
                return self.broadcast(left, expr) + self.broadcast(right, expr)
            case Sub(left=left, right=right):
                return self.broadcast(left, expr) - self.broadcast(right, expr)
            case MatMul(left=left, right=right):
                return self.product(left, right)
            case Mul(left=left, right=right):
                if is_scalar(self.shape(left)) or is_scalar(self.shape(right)):
                    return self.product(left, right)
                return sp.hadamard_product(self.lower(left), self.lower(right))
            case Div(left=left, right=right):
                return self.lower(left) / self.scalar_or_matrix(right)
            case Pow(base=base, exponent=exponent):
                power = self.scalar_or_matrix(exponent)
                if is_scalar(self.shape(base)):
                    return self.scalar_or_matrix(base) ** power
                return sp.HadamardPower(self.lower(base), power)
            case Transpose(operand=operand):
                value = self.lower(operand)
                return value.T if isinstance(value, sp.MatrixExpr) else value
            case Call(kind=str(_), func=func):
                raise UnsupportedError(
                    f"declared function '{func}' has no SymPy counterpart",
                    hint="lower expressions without declared functions",
                )
            case Call(func=func, args=(arg,)):
                return self.call(func, arg)
        raise TypeError(f"cannot lower {type(expr).__name__}")

    def broadcast(self, operand: Expr, total: Expr) -> Any:
        """An operand of + or -: a scalar added to an array is added to every entry."""
        shape = self.shape(total)
        if is_scalar(self.shape(operand)) and not is_scalar(shape):
            ones = self.sp.OneMatrix(self.dim(shape[0]), self.dim(shape[1]))
            return self.scalar_or_matrix(operand) * ones
        return self.lower(operand)

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes)

    def product(self, left: Expr, right: Expr) -> Any:
        sp = self.sp
        parts = [self.lower(left), self.lower(right)]
        if any(not isinstance(part, sp.MatrixExpr) for part in parts):
            return self.scalar_or_matrix(left) * self.scalar_or_matrix(right)
        # the product is associative: keep one flat, unevaluated chain as written
        factors = [
            arg for part in parts for arg in (part.args if isinstance(part, sp.MatMul) else (part,))
        ]
        return sp.MatMul(*factors)

    def call(self, func: str, arg: Expr) -> Any:
        sp = self.sp
        value = self.lower(arg)
        is_matrix = isinstance(value, sp.MatrixExpr) and not is_scalar(self.shape(arg))
        if BUILTINS[func].elementwise:
            scalar = self._scalar_function(func)
            if is_matrix:
                return value.applyfunc(scalar)
            return scalar(self.scalar_or_matrix(arg))
        form = _MATRIX_FORMS.get(func)
        if form is None:
            raise UnsupportedError(f"no SymPy form for '{func}'",
                                   hint="lower expressions without softmax or logsumexp")
        return form(self, arg, value) if is_matrix else _SCALAR_FORMS[func](self, arg, value)

    def sum_of(self, arg: Expr, value: Any) -> Any:
        sp = self.sp
        rows, cols = self.shape(arg)
        ones_left = sp.OneMatrix(1, self.dim(rows))
        return (ones_left * value * sp.OneMatrix(self.dim(cols), 1))[0, 0]

    def diag_of(self, arg: Expr, value: Any) -> Any:
        column = value if self.shape(arg)[1] == 1 else value.T
        return self.sp.DiagMatrix(column)

    def _scalar_function(self, func: str) -> Any:
        """SymPy's function of that name, or the table's definition of it over exp and log."""
        sp = self.sp
        definition = BUILTINS[func].definition
        if not definition:
            return getattr(sp, func)
        t = sp.Dummy("t")
        body = _Lowering({}).scalar_or_matrix(parse(definition))
        return sp.Lambda(t, body.subs(sp.Symbol("t"), t))


_Form = Callable[[_Lowering, Expr, Any], Any]

_MATRIX_FORMS: dict[str, _Form] = {
    "tr": lambda low, arg, value: low.sp.Trace(value),
    "det": lambda low, arg, value: low.sp.Determinant(value),
    "logdet": lambda low, arg, value: low.sp.log(low.sp.Determinant(value)),
    "inv": lambda low, arg, value: low.sp.Inverse(value),
    "norm": lambda low, arg, value: low.sp.sqrt(low.sp.Trace(value.T * value)),
    "sum": lambda low, arg, value: low.sum_of(arg, value),
    "diag": lambda low, arg, value: low.diag_of(arg, value),
}
"""SymPy's form of each matrix function of a matrix argument (the lowered `value`)."""

_SCALAR_FORMS: dict[str, _Form] = {
    "tr": lambda low, arg, value: value,
    "det": lambda low, arg, value: value,
    "logdet": lambda low, arg, value: low.sp.log(value),
    "inv": lambda low, arg, value: 1 / value,
    "norm": lambda low, arg, value: low.sp.Abs(low.scalar_or_matrix(arg)),
    "sum": lambda low, arg, value: low.scalar_or_matrix(arg),
    "diag": lambda low, arg, value: low.scalar_or_matrix(arg),  # diag of a 1x1 is itself
}
"""The same functions of a 1x1 argument, which SymPy holds as a plain scalar."""
