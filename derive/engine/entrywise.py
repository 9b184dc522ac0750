"""Entrywise algebra: expand and collect sums of Hadamard products with SymPy.

Entrywise products, sums, scalars and constant powers form a commutative algebra, so
y ⊙ (1 − σ) − (1 − y) ⊙ σ is y − σ. Each maximal entrywise sub-expression is mapped to a SymPy
polynomial in commuting symbols (one per atom: σ(Xw), y, ...), expanded, and mapped back; the
expanded form is kept only when it is smaller. SymPy is imported only when there is something
to expand, since importing it costs about half a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from derive.expr.nodes import Add, Expr, Mul, Neg, Number, Pow, Sub, children, with_children
from derive.expr.shapes import Shape, ShapeMemo, infer_shape, is_scalar

MAX_EXPANDED_TERMS = 32
"""Largest expansion tried: a product of many sums (a deep chain's σ'(z) factors) would
expand into exponentially many terms and is left as it is."""


def simplify_entrywise(expr: Expr, shapes: Mapping[str, Shape]) -> Expr:
    """Collect every entrywise sub-expression of `expr` that expands to something shorter.

    Example:
        >>> from derive.expr.parse import parse
        >>> from derive.expr.unparse import unparse
        >>> shapes = {"y": ("n", 1), "s": ("n", 1)}
        >>> unparse(simplify_entrywise(parse("y * (1 - s) - (1 - y) * s"), shapes))
        'y - s'
    """
    return _Simplifier(shapes).visit(expr)


class _Simplifier:
    def __init__(self, shapes: Mapping[str, Shape]) -> None:
        self.shapes = shapes
        self.memo: ShapeMemo = {}

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, memo=self.memo)

    def scalar(self, expr: Expr) -> bool:
        return is_scalar(self.shape(expr))

    def entrywise(self, expr: Expr) -> bool:
        """Whether `expr` is an operation of the entrywise algebra (not an atom)."""
        match expr:
            case Add() | Sub() | Neg():
                return True
            case Mul(left=left, right=right):
                return not self.scalar(expr) or (self.scalar(left) and self.scalar(right))
            case Pow(exponent=Number()):
                return True
        return False

    def visit(self, expr: Expr) -> Expr:
        if (self.entrywise(expr) and _has_product_of_sum(expr, self)
                and self.expanded_terms(expr) <= MAX_EXPANDED_TERMS):
            return self.collect(expr)
        parts = children(expr)
        if not parts:
            return expr
        return with_children(expr, tuple(self.visit(child) for child in parts))

    def expanded_terms(self, expr: Expr) -> int:
        """How many terms expanding `expr` gives at most (a product of L sums gives 2^L)."""
        if not self.entrywise(expr):
            return 1
        match expr:
            case Add(left=left, right=right) | Sub(left=left, right=right):
                return self.expanded_terms(left) + self.expanded_terms(right)
            case Mul(left=left, right=right):
                return self.expanded_terms(left) * self.expanded_terms(right)
            case Neg(operand=operand):
                return self.expanded_terms(operand)
            case Pow(base=base, exponent=Number(value=value)) if value.denominator == 1 and (
                0 < value <= 8
            ):
                return int(self.expanded_terms(base) ** int(value))
        return 1

    def collect(self, expr: Expr) -> Expr:
        import sympy  # imported here to keep start-up fast: only entrywise forms need it

        atoms: dict[Expr, tuple[Any, Expr]] = {}
        polynomial = self.to_sympy(expr, atoms, sympy)
        expanded = sympy.expand(polynomial)
        back = {symbol: atom for symbol, atom in atoms.values()}
        result = _from_sympy(expanded, back, sympy)
        if result is None or _size(result) >= _size(expr):
            return expr
        if self.shape(result) != self.shape(expr):
            return expr  # everything cancelled down to a broadcast constant: keep the shape
        return result

    def to_sympy(self, expr: Expr, atoms: dict[Expr, tuple[Any, Expr]], sympy: Any) -> Any:
        if self.entrywise(expr):
            match expr:
                case Add(left=left, right=right):
                    return self.to_sympy(left, atoms, sympy) + self.to_sympy(right, atoms, sympy)
                case Sub(left=left, right=right):
                    return self.to_sympy(left, atoms, sympy) - self.to_sympy(right, atoms, sympy)
                case Neg(operand=operand):
                    return -self.to_sympy(operand, atoms, sympy)
                case Mul(left=left, right=right):
                    return self.to_sympy(left, atoms, sympy) * self.to_sympy(right, atoms, sympy)
                case Pow(base=base, exponent=Number(value=value)):
                    exponent = sympy.Rational(value.numerator, value.denominator)
                    return self.to_sympy(base, atoms, sympy) ** exponent
        if isinstance(expr, Number):
            return sympy.Rational(expr.value.numerator, expr.value.denominator)
        if expr not in atoms:
            atoms[expr] = (sympy.Symbol(f"a{len(atoms)}", commutative=True), expr)
        return atoms[expr][0]


def _has_product_of_sum(expr: Expr, simplifier: _Simplifier) -> bool:
    """Something to expand: a product or power with a sum inside (else expansion cannot help)."""
    if isinstance(expr, Mul | Pow) and simplifier.entrywise(expr):
        if any(isinstance(child, Add | Sub) for child in children(expr)):
            return True
    return any(
        simplifier.entrywise(child) and _has_product_of_sum(child, simplifier)
        for child in children(expr)
    )


def _size(expr: Expr) -> int:
    return 1 + sum(_size(child) for child in children(expr))


def _from_sympy(value: Any, atoms: Mapping[Any, Expr], sympy: Any) -> Expr | None:
    """Map an expanded SymPy expression back to our IR; None when it has a form we do not use."""
    if isinstance(value, sympy.Symbol):
        return atoms[value]
    if isinstance(value, sympy.Rational):
        return Number(Fraction(int(value.p), int(value.q)))
    if isinstance(value, sympy.Add):
        terms = [_from_sympy(term, atoms, sympy) for term in sympy.Add.make_args(value)]
        return _sum(terms)
    if isinstance(value, sympy.Mul):
        coefficient, rest = value.as_coeff_Mul()
        factors = [_from_sympy(f, atoms, sympy) for f in sympy.Mul.make_args(rest)]
        if any(f is None for f in factors):
            return None
        product: Expr | None = None
        for factor in factors:
            assert factor is not None
            product = factor if product is None else Mul(product, factor)
        assert product is not None
        if coefficient == -1:
            return Neg(product)
        if coefficient != 1:
            number = Number(Fraction(int(coefficient.p), int(coefficient.q)))
            return Mul(number, product) if coefficient > 0 else Neg(Mul(Number(-number.value),
                                                                        product))
        return product
    if isinstance(value, sympy.Pow) and isinstance(value.exp, sympy.Rational):
        base = _from_sympy(value.base, atoms, sympy)
        if base is None:
            return None
        return Pow(base, Number(Fraction(int(value.exp.p), int(value.exp.q))))
    return None


def _sum(terms: list[Expr | None]) -> Expr | None:
    if any(t is None for t in terms):
        return None
    # Positive terms first, so y - σ reads as a textbook writes it.
    ordered = sorted((t for t in terms if t is not None), key=lambda t: isinstance(t, Neg))
    total = ordered[0]
    for term in ordered[1:]:
        total = Sub(total, term.operand) if isinstance(term, Neg) else Add(total, term)
    return total
