"""Matrix terms: what reassembly gives and the textbook pass rewrites, and their sum.

A `MatrixTerm` is coeff · Π scalars · matrix; `build_sum` adds terms into one expression,
moving negative powers of scalars into a denominator. Kept apart so that reassembly and the
textbook pass import it, and each other only one way.
"""

from __future__ import annotations

from fractions import Fraction

from msgspec import Struct

from derive.expr.nodes import Add, Div, Expr, Mul, Neg, Number, Pow, Sub


class MatrixTerm(Struct, frozen=True):
    """coeff · Π scalars · matrix (matrix None means the term is a scalar)."""

    coeff: Fraction
    scalars: tuple[Expr, ...]
    matrix: Expr | None


def term_expr(term: MatrixTerm) -> Expr:
    """|coeff| · scalars · matrix, with negative powers of scalars moved into a denominator."""
    magnitude = abs(term.coeff)
    numerators: list[Expr] = []
    denominators: list[Expr] = []
    for scalar in term.scalars:
        if isinstance(scalar, Pow) and isinstance(scalar.exponent, Number) and (
            scalar.exponent.value < 0
        ):
            power = -scalar.exponent.value
            denominators.append(scalar.base if power == 1 else Pow(scalar.base, Number(power)))
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
    """Add terms into one expression, a positive term first (b - a, not -a + b); the empty sum
    is 0."""
    first = next((i for i, t in enumerate(terms) if t.coeff > 0), 0)
    result: Expr | None = None
    for term in terms[first : first + 1] + terms[:first] + terms[first + 1 :]:
        body = term_expr(term)
        if result is None:
            result = Neg(body) if term.coeff < 0 else body
        elif term.coeff < 0:
            result = Sub(result, body)
        else:
            result = Add(result, body)
    return result if result is not None else Number(Fraction(0))
