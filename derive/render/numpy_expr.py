"""Expression IR and index-form polynomials to numpy source code, for `--format numpy`.

`ExprCoder` writes a matrix expression (`derive.expr.nodes`) as a numpy expression over 2-D
arrays, with the meaning `derive.engine.evaluate` gives it; `PolyCoder` writes an entry formula
(`derive.expr.terms.Poly`) as `np.einsum` contractions, for derivatives with three or four axes.
The only user text in the code is symbol and function names, already validated identifiers.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from fractions import Fraction

from msgspec import Struct, field

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
from derive.expr.shapes import Shape, ShapeMemo, infer_shape, kind_of
from derive.expr.terms import (
    Apply,
    Delta,
    Entry,
    Factor,
    Group,
    Poly,
    Power,
    Size,
    Term,
    factor_indices,
    free_indices,
)

BUILTIN_CODE = {
    "tr": "{np}.reshape({np}.trace({0}), (1, 1))",
    "det": "{np}.reshape({np}.linalg.det({0}), (1, 1))",
    "logdet": "_logdet({0})",
    "inv": "{np}.linalg.inv({0})",
    "norm": "{np}.reshape({np}.linalg.norm({0}), (1, 1))",
    "sum": "{np}.reshape({np}.sum({0}), (1, 1))",
    "diag": "{np}.diag({np}.ravel({0}))",
    "logsumexp": "_logsumexp({0})",
    "softmax": "_softmax({0})",
    "exp": "{np}.exp({0})",
    "log": "{np}.log({0})",
    "sin": "{np}.sin({0})",
    "cos": "{np}.cos({0})",
    "tanh": "{np}.tanh({0})",
    "sigmoid": "_sigmoid({0})",
    "softplus": "{np}.logaddexp(0.0, {0})",
    "sqrt": "{np}.sqrt({0})",
}
"""numpy code of every built-in (`functions.BUILTINS`) on a 2-D array; scalars come out 1×1."""

FORMS = {"scalar": "scalar", "column vector": "column", "row vector": "array", "matrix": "array"}
"""How an argument of each kind is passed to a declared function (a float, 1-D, 2-D)."""

_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 0, 1, 2, 3, 4


def number_code(value: Fraction) -> str:
    """A rational constant as Python source: `2`, `(1 / 3)`, `(-5 / 2)`.

    Example:
        >>> number_code(Fraction(-5, 2))
        '(-5 / 2)'
    """
    if value.denominator == 1:
        return f"({value.numerator})" if value < 0 else str(value.numerator)
    return f"({value.numerator} / {value.denominator})"


def dim_code(dim: Dim) -> str:
    """The runtime size of a dimension: a number, or its entry in the bound sizes `_dims`."""
    return str(dim) if isinstance(dim, int) else f"_dims[{dim!r}]"


class ExprCoder(Struct):
    """Writes expressions over the given names as numpy code.

    `shapes` holds every name's shape (inputs and intermediates); `sizes` are the scalar symbols
    that stand for a dimension's size, as does any symbol `shapes` does not hold; `np` is the
    module's name for numpy. `used` collects the declared functions the code calls.
    """

    shapes: Mapping[str, Shape]
    sizes: frozenset[str]
    np: str = "np"
    used: set[str] = field(default_factory=set)
    memo: ShapeMemo = field(default_factory=dict)

    def shape(self, expr: Expr) -> Shape:
        """The static shape of a sub-expression."""
        return infer_shape(expr, self.shapes, memo=self.memo)

    def code(self, expr: Expr) -> str:
        """numpy source for `expr`, a 2-D array (or a number where `expr` is a constant)."""
        return self._code(expr)[0]

    def array(self, expr: Expr) -> str:
        """numpy source for `expr` that is always a 2-D array."""
        text, precedence = self._code(expr)
        if isinstance(expr, Number) or (isinstance(expr, Symbol) and self._is_size(expr.name)):
            return f"{self.np}.full((1, 1), {text})"
        return text if precedence == _ATOM else f"({text})"

    def _is_size(self, name: str) -> bool:
        # The engine writes a dimension's size as a symbol of its name (Σ_k δ_kk = n).
        return name in self.sizes or name not in self.shapes

    def _wrap(self, expr: Expr, limit: int) -> str:
        text, precedence = self._code(expr)
        return f"({text})" if precedence > limit else text

    def _binary(self, expr: Add | Sub | Mul | Div | MatMul, op: str, level: int) -> tuple[str, int]:
        if isinstance(expr, MatMul):
            left, right = self.array(expr.left), self.array(expr.right)
        else:
            left, right = self._wrap(expr.left, level), self._wrap(expr.right, level - 1)
        return f"{left} {op} {right}", level

    def _code(self, expr: Expr) -> tuple[str, int]:  # noqa: C901 - one case per IR node type
        match expr:
            case Symbol(name=name) if self._is_size(name):
                return dim_code(name), _ATOM
            case Symbol(name=name):
                return name, _ATOM
            case Number(value=value):
                return number_code(value), _ATOM
            case Identity(dim=dim):
                return f"{self.np}.eye({dim_code(dim)})", _ATOM
            case Ones(dim=dim):
                return f"{self.np}.ones(({dim_code(dim)}, 1))", _ATOM
            case Neg(operand=operand):
                return f"-{self._wrap(operand, _UNARY)}", _UNARY
            case Transpose(operand=operand) if self.shape(operand) == (1, 1):
                return self._code(operand)
            case Transpose(operand=operand):
                return f"{self.array(operand)}.T", _ATOM
            case Add():
                return self._binary(expr, "+", _SUM)
            case Sub():
                return self._binary(expr, "-", _SUM)
            case Mul():
                return self._binary(expr, "*", _PRODUCT)
            case Div():
                return self._binary(expr, "/", _PRODUCT)
            case MatMul():
                return self._binary(expr, "@", _PRODUCT)
            case Pow(base=base, exponent=exponent):
                return f"{self._wrap(base, _ATOM)} ** {self._wrap(exponent, _ATOM)}", _POWER
            case Call(kind=str(kind), func=func, size=size, args=(arg,)):
                return self._declared(func, kind, size, arg), _ATOM
            case Call(func=func, args=(arg,)):
                return BUILTIN_CODE[func].format(self.array(arg), np=self.np), _ATOM
        raise UnsupportedError(f"no numpy code for {type(expr).__name__}")

    def _declared(self, func: str, kind: str, size: Dim | None, arg: Expr) -> str:
        self.used.add(func)
        argument = self.array(arg)
        form = FORMS[kind_of(self.shape(arg))]
        match kind:
            case "elementwise" | "derivative":
                return f"_entrywise({func}, {argument}, {func!r})"
            case "scalar":
                return f"_scalar_function({func}, {argument}, {form!r}, {func!r})"
            case "gradient":
                return f"_gradient({func}, {argument}, {form!r}, {func!r})"
            case "vector":
                return f"_vector_function({func}, {argument}, {size!r}, _dims, {func!r})"
        return f"_jacobian({func}, {argument}, {size!r}, _dims, {func!r})"


class PolyCoder(Struct):
    """Writes an index-form polynomial as numpy code: one `np.einsum` per term.

    Every index name gets one einsum letter for the whole formula; the matrix sub-expressions
    inside entries are written by `matrices`.
    """

    matrices: ExprCoder
    ranges: Mapping[str, Dim]
    letters: dict[str, str] = field(default_factory=dict)

    def poly(self, poly: Poly, order: tuple[str, ...]) -> str:
        """Source for the array whose axes are the indices in `order`."""
        np = self.matrices.np
        if not poly.terms:
            return f"{np}.zeros(({''.join(f'{dim_code(self.ranges[i])}, ' for i in order)}))"
        return " + ".join(self._term(term, order) for term in poly.terms)

    def _letter(self, index: str) -> str:
        if index not in self.letters:
            if len(self.letters) == len(string.ascii_letters):
                raise UnsupportedError("too many indices for numpy's einsum (at most 52)")
            self.letters[index] = string.ascii_letters[len(self.letters)]
        return self.letters[index]

    def _term(self, term: Term, order: tuple[str, ...]) -> str:
        np = self.matrices.np
        scalars = [number_code(term.coeff)] if term.coeff != 1 else []
        operands: list[tuple[str, tuple[str, ...]]] = []
        for factor in term.factors:
            if isinstance(factor, Size):
                scalars.append(dim_code(factor.dim))
            else:
                operands.append((self._factor(factor), factor_indices_of(factor)))
        mentioned = {i for _, labels in operands for i in labels}
        # An output index the term does not mention: the term is constant along it.
        operands += [(f"{np}.ones({dim_code(self.ranges[i])})", (i,))
                     for i in order if i not in mentioned]
        if not operands:
            return " * ".join(scalars) or "1"
        spec = ",".join("".join(self._letter(i) for i in labels) for _, labels in operands)
        spec += "->" + "".join(self._letter(i) for i in order)
        contraction = f"{np}.einsum({spec!r}, {', '.join(code for code, _ in operands)})"
        return " * ".join([*scalars, contraction])

    def _factor(self, factor: Factor) -> str:
        np = self.matrices.np
        match factor:
            case Entry(base=base, indices=indices) if len(indices) == 2:
                return self.matrices.array(base)
            case Entry(base=base, indices=(_,)):
                return f"{np}.ravel({self.matrices.array(base)})"
            case Entry(base=base):
                return f"{np}.reshape({self.matrices.array(base)}, ())"
            case Delta(a=a, b=b) if a == b:
                return f"{np}.ones({dim_code(self.ranges[a])})"
            case Delta(a=a):
                return f"{np}.eye({dim_code(self.ranges[a])})"
            case Group(poly=poly):
                return f"({self.poly(poly, free_indices(poly))})"
            case Power(base=base, exponent=exponent):
                inner = self.poly(base, free_indices(base))
                return f"({inner}) ** {number_code(exponent)}"
            case Apply(func=func, arg=arg, kind=kind):
                return self._apply(func, kind, self.poly(arg, free_indices(arg)))
        raise UnsupportedError(f"no numpy code for the factor {type(factor).__name__}")

    def _apply(self, func: str, kind: str | None, inner: str) -> str:
        if kind is not None:
            self.matrices.used.add(func)
            return f"_entrywise({func}, {inner}, {func!r})"
        if not BUILTINS[func].elementwise:
            raise UnsupportedError(f"no numpy code for '{func}' of an entry")
        return BUILTIN_CODE[func].format(inner, np=self.matrices.np)


def factor_indices_of(factor: Factor) -> tuple[str, ...]:
    """The einsum labels of a factor: an entry's indices as written (A[i,i] is a diagonal)."""
    match factor:
        case Entry(indices=indices):
            return indices
        case Delta(a=a, b=b):
            return (a,) if a == b else (a, b)
    return factor_indices(factor)
