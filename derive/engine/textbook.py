"""Textbook form: turn reassembled matrix terms into the expression a textbook prints.

Transposes are pushed down to symbols (`(BA)^T -> A^T B^T`, `(X^-1)^T` kept as `X^-T`,
`A^T -> A` for symmetric A, scalars are their own transpose), identities and unit factors drop,
scalar factors move to the front, like terms are collected (`Ax + Ax -> 2Ax`) and a common left
or right factor is pulled out (`Ax + A^T x -> (A + A^T) x`). Every result is checked numerically
afterwards, so a rewrite here can only make an answer shorter, never wrong and unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from derive.engine.reassemble import MatrixTerm
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
    Pow,
    Sub,
    Symbol,
    Transpose,
)
from derive.expr.shapes import Shape, infer_shape, is_scalar
from derive.expr.unparse import unparse

ONE = Number(Fraction(1))


class Rewriter:
    """Normal forms that need the symbols' shapes and which symbols are symmetric."""

    def __init__(self, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> None:
        self.shapes = shapes
        self.symmetric = symmetric

    def scalar(self, expr: Expr) -> bool:
        return is_scalar(infer_shape(expr, self.shapes))

    def normalize(self, expr: Expr) -> Expr:
        """Push transposes down and drop unit factors, bottom-up."""
        match expr:
            case Transpose(operand=operand):
                return self.transpose(self.normalize(operand))
            case MatMul(left=left, right=right):
                product = self.matmul(self.normalize(left), self.normalize(right))
                if self.scalar(product) and isinstance(product, MatMul):
                    # A scalar equals its transpose: keep whichever has fewer transposes.
                    flipped = self.matmul(
                        self.transpose(product.right), self.transpose(product.left)
                    )
                    if _transposes(flipped) < _transposes(product):
                        return flipped
                return product
            case Mul(left=left, right=right):
                return self.mul(self.normalize(left), self.normalize(right))
            case Add(left=left, right=right):
                return Add(self.normalize(left), self.normalize(right))
            case Sub(left=left, right=right):
                return Sub(self.normalize(left), self.normalize(right))
            case Neg(operand=operand):
                return Neg(self.normalize(operand))
            case Div(left=left, right=right):
                return Div(self.normalize(left), self.normalize(right))
            case Pow(base=base, exponent=exponent):
                return Pow(self.normalize(base), exponent)
            case Call(func=func, args=args):
                return Call(func, tuple(self.normalize(a) for a in args))
        return expr

    def transpose(self, expr: Expr) -> Expr:
        """The transpose of a normalized expression, itself normalized."""
        if self.scalar(expr):
            return expr
        match expr:
            case Symbol(name=name):
                return expr if name in self.symmetric else Transpose(expr)
            case Transpose(operand=operand):
                return operand
            case MatMul(left=left, right=right):
                return self.matmul(self.transpose(right), self.transpose(left))
            case Neg(operand=operand):
                return Neg(self.transpose(operand))
            case Mul(left=left, right=right) if self.scalar(left):
                return self.mul(left, self.transpose(right))
            case Div(left=left, right=right):
                return Div(self.transpose(left), right)
            case Identity():
                return expr
            case Call(func="diag"):
                return expr
            case Call(func="inv", args=(Symbol(name=name),)) if name in self.symmetric:
                return expr
        return Transpose(expr)

    def matmul(self, left: Expr, right: Expr) -> Expr:
        if isinstance(left, Identity):
            return right
        if isinstance(right, Identity):
            return left
        # Scalars commute with everything: float them to the front of the product.
        if isinstance(right, Mul) and self.scalar(right.left) and not self.scalar(right.right):
            return self.mul(right.left, self.matmul(left, right.right))
        if isinstance(left, Mul) and self.scalar(left.left) and not self.scalar(left.right):
            return self.mul(left.left, self.matmul(left.right, right))
        if isinstance(right, MatMul):
            # Keep products left-associated so chains print without inner parentheses.
            return MatMul(self.matmul(left, right.left), right.right)
        return MatMul(left, right)

    def mul(self, left: Expr, right: Expr) -> Expr:
        if left == ONE:
            return right
        if right == ONE:
            return left
        if self.scalar(right) and not self.scalar(left):
            return Mul(right, left)
        return Mul(left, right)


def _transposes(expr: Expr) -> int:
    from derive.expr.nodes import children

    own = 1 if isinstance(expr, Transpose) else 0
    return own + sum(_transposes(child) for child in children(expr))


def split_scalars(term: MatrixTerm, rewriter: Rewriter) -> MatrixTerm:
    """Normalize a term and move scalar factors of its matrix part into `scalars`."""
    scalars = [rewriter.normalize(s) for s in term.scalars]
    coeff = term.coeff
    matrix = None if term.matrix is None else rewriter.normalize(term.matrix)
    while isinstance(matrix, Mul) and rewriter.scalar(matrix.left):
        scalars.append(matrix.left)
        matrix = matrix.right
    while isinstance(matrix, Neg):
        coeff, matrix = -coeff, matrix.operand
    kept: list[Expr] = []
    for scalar in scalars:
        if isinstance(scalar, Number):
            coeff *= scalar.value
        else:
            kept.append(scalar)
    return MatrixTerm(coeff, tuple(sorted(kept, key=unparse)), matrix)


def collect(terms: list[MatrixTerm]) -> list[MatrixTerm]:
    """Merge terms with equal scalar and matrix parts, keeping first-appearance order."""
    merged: dict[tuple[tuple[str, ...], str], MatrixTerm] = {}
    for term in terms:
        key = (tuple(unparse(s) for s in term.scalars), unparse(term.matrix) if term.matrix else "")
        if key in merged:
            old = merged[key]
            merged[key] = MatrixTerm(old.coeff + term.coeff, old.scalars, old.matrix)
        else:
            merged[key] = term
    return [t for t in merged.values() if t.coeff != 0]


def _chain(expr: Expr) -> list[Expr]:
    if isinstance(expr, MatMul):
        return _chain(expr.left) + _chain(expr.right)
    return [expr]


def _product(chain: list[Expr]) -> Expr:
    result = chain[0]
    for item in chain[1:]:
        result = MatMul(result, item)
    return result


def factor_common(terms: list[MatrixTerm]) -> Expr | None:
    """Pull out a factor shared on the right (or left) by every term, when there is one."""
    if len(terms) < 2 or any(t.matrix is None for t in terms):
        return None
    chains = [_chain(t.matrix) for t in terms if t.matrix is not None]
    if any(len(c) < 2 for c in chains):
        return None
    for side in (-1, 0):
        shared = unparse(chains[0][side])
        if all(unparse(c[side]) == shared for c in chains):
            rests = [c[:-1] if side == -1 else c[1:] for c in chains]
            inner = build_sum(
                [
                    MatrixTerm(t.coeff, t.scalars, _product(r))
                    for t, r in zip(terms, rests, strict=True)
                ]
            )
            common = chains[0][side]
            return MatMul(inner, common) if side == -1 else MatMul(common, inner)
    return None


def _term_expr(term: MatrixTerm) -> Expr:
    """|coeff| · scalars · matrix, with negative powers of scalars moved into a denominator."""
    magnitude = abs(term.coeff)
    numerators: list[Expr] = []
    denominators: list[Expr] = []
    for scalar in term.scalars:
        if isinstance(scalar, Pow) and scalar.exponent == Number(Fraction(-1)):
            denominators.append(scalar.base)
        else:
            numerators.append(scalar)
    body = numerators + ([term.matrix] if term.matrix is not None else [])
    if magnitude.denominator != 1:
        denominators.insert(0, Number(Fraction(magnitude.denominator)))
    coefficient: Expr | None = None
    if denominators:
        below = denominators[0]
        for item in denominators[1:]:
            below = Mul(below, item)
        coefficient = Div(Number(Fraction(magnitude.numerator)), below)
    elif magnitude != 1:
        coefficient = Number(magnitude)
    parts = ([coefficient] if coefficient is not None else []) + body
    if not parts:
        return Number(Fraction(1))
    result = parts[0]
    for part in parts[1:]:
        result = Mul(result, part)
    return result


def build_sum(terms: list[MatrixTerm]) -> Expr:
    """Add terms into one expression; the empty sum is 0."""
    result: Expr | None = None
    for term in terms:
        body = _term_expr(term)
        if result is None:
            result = Neg(body) if term.coeff < 0 else body
        elif term.coeff < 0:
            result = Sub(result, body)
        else:
            result = Add(result, body)
    return result if result is not None else Number(Fraction(0))


def term_forms(
    terms: list[MatrixTerm], shapes: Mapping[str, Shape], symmetric: frozenset[str]
) -> list[Expr]:
    """Each term on its own, normalized but not collected: how one reads the entry formula."""
    rewriter = Rewriter(shapes, symmetric)
    return [build_sum([split_scalars(t, rewriter)]) for t in terms]


def textbook_form(
    terms: list[MatrixTerm], shapes: Mapping[str, Shape], symmetric: frozenset[str]
) -> Expr:
    """The simplest form these rewrites find for a sum of matrix terms.

    Example:
        >>> from derive.expr.parse import parse
        >>> terms = [MatrixTerm(Fraction(1), (), parse("A @ x")),
        ...          MatrixTerm(Fraction(1), (), parse("A.T @ x"))]
        >>> unparse(textbook_form(terms, {"A": ("n", "n"), "x": ("n", 1)}, frozenset()))
        '(A + A.T) @ x'
        >>> unparse(textbook_form(terms, {"A": ("n", "n"), "x": ("n", 1)}, frozenset("A")))
        '2 * (A @ x)'
    """
    rewriter = Rewriter(shapes, symmetric)
    collected = collect([split_scalars(t, rewriter) for t in terms])
    factored = factor_common(collected)
    if factored is not None:
        return factored
    return build_sum(collected)
