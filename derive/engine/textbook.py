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

from derive.engine.entrywise import simplify_entrywise
from derive.engine.matrixterms import MatrixTerm, build_sum, term_expr
from derive.engine.normalize import Rewriter, hadamard_factors
from derive.engine.rules import RULES, RuleContext, rewrite
from derive.expr.nodes import (
    Add,
    Call,
    Expr,
    MatMul,
    Mul,
    Neg,
    Number,
    Ones,
    Pow,
    Sub,
    Transpose,
    matmul_factors,
    matmul_of,
)
from derive.expr.shapes import Shape
from derive.expr.unparse import unparse


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
    powers: dict[Expr, tuple[Expr, Fraction]] = {}
    for scalar in scalars:
        if isinstance(scalar, Number):
            coeff *= scalar.value
            continue
        base: Expr = scalar
        exponent = Fraction(1)
        if isinstance(scalar, Pow) and isinstance(scalar.exponent, Number):
            base, exponent = scalar.base, scalar.exponent.value
        if isinstance(base, Call) and base.func == "det" and isinstance(base.args[0], Call) and (
            base.args[0].func == "inv"
        ):
            base, exponent = Call("det", base.args[0].args), -exponent  # det X⁻¹ = (det X)⁻¹
        # Equal scalar factors combine into one power: det X · det X = (det X)², s⁻¹ · s = 1.
        total = powers[base][1] + exponent if base in powers else exponent
        powers[base] = (base, total)
    kept = [
        base if exponent == 1 else Pow(base, Number(exponent))
        for base, exponent in powers.values()
        if exponent != 0
    ]
    return MatrixTerm(coeff, tuple(sorted(kept, key=unparse)), matrix)


def collect(terms: list[MatrixTerm]) -> list[MatrixTerm]:
    """Merge terms with equal scalar and matrix parts, keeping first-appearance order."""
    merged: dict[tuple[tuple[Expr, ...], Expr | None], MatrixTerm] = {}
    for term in terms:
        key = (term.scalars, _canonical(term.matrix) if term.matrix else None)
        if key in merged:
            old = merged[key]
            merged[key] = MatrixTerm(old.coeff + term.coeff, old.scalars, old.matrix)
        else:
            merged[key] = term
    return [t for t in merged.values() if t.coeff != 0]


def _canonical(expr: Expr) -> Expr:
    """Hadamard factors in a fixed order, so d ⊙ x and x ⊙ d collect as like terms."""
    if isinstance(expr, Mul) and len(hadamard_factors(expr)) > 1:
        factors = sorted((_canonical(f) for f in hadamard_factors(expr)), key=unparse)
        result = factors[0]
        for factor in factors[1:]:
            result = Mul(result, factor)
        return result
    return expr


def factor_common(terms: list[MatrixTerm], rewriter: Rewriter) -> Expr | None:
    """Pull out a factor shared on the right (or left) by every term, when there is one (and
    the rest of every term has one shape: sᵀ V a broadcast against V a shares no factor)."""
    if len(terms) < 2 or any(t.matrix is None for t in terms):
        return None
    if len({rewriter.shape(t.matrix) for t in terms if t.matrix is not None}) > 1:
        return None
    chains = [matmul_factors(t.matrix) for t in terms if t.matrix is not None]
    if any(len(c) < 2 for c in chains):
        return None
    for side in (-1, 0):
        shared = chains[0][side]
        if all(c[side] == shared for c in chains):
            rests = [c[:-1] if side == -1 else c[1:] for c in chains]
            inner = simplest_sum(
                rewriter,
                collect([
                    MatrixTerm(t.coeff, t.scalars, matmul_of(r))
                    for t, r in zip(terms, rests, strict=True)
                ])
            )
            common = chains[0][side]
            return MatMul(inner, common) if side == -1 else MatMul(common, inner)
    return None


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
    result = _rewritten(_collected(terms, rewriter), rewriter)
    return rewriter.broadcast(result, rewriter.shape(build_sum(terms))) if terms else result


def _collected(terms: list[MatrixTerm], rewriter: Rewriter) -> Expr:
    """Terms normalized, like terms collected, common factors out, entrywise forms shortened."""
    collected = simplest_sum(rewriter, collect([split_scalars(t, rewriter) for t in terms]))
    return simplify_entrywise(collected, rewriter.shapes)


def simplest_sum(rewriter: Rewriter, collected: list[MatrixTerm]) -> Expr:
    """Collected terms as one expression, with common factors pulled out repeatedly."""
    collected = _ones_as_scalars(collected)
    common = _common_scalars(collected)
    if common is not None:
        coeff, scalars, rest = common
        inner = simplest_sum(rewriter, rest)
        body = term_expr(MatrixTerm(abs(coeff), scalars, inner))
        return Neg(body) if coeff < 0 else body
    factored = factor_common(collected, rewriter)
    return factored if factored is not None else build_sum(collected)


def _common_scalars(
    terms: list[MatrixTerm],
) -> tuple[Fraction, tuple[Expr, ...], list[MatrixTerm]] | None:
    """A coefficient or scalar factor shared by every term: -½A - ½Aᵀ = -½(A + Aᵀ)."""
    if len(terms) < 2:
        return None
    magnitude = abs(terms[0].coeff)
    same_magnitude = all(abs(t.coeff) == magnitude for t in terms)
    coeff = terms[0].coeff if same_magnitude else Fraction(1)
    shared = [s for s in terms[0].scalars if all(s in t.scalars for t in terms[1:])]
    if coeff == 1 and not shared:
        return None
    if coeff == -1 and not shared:
        coeff = Fraction(1)
        if all(t.coeff < 0 for t in terms):
            coeff = Fraction(-1)
        else:
            return None
    rest = [
        MatrixTerm(
            t.coeff / coeff,
            tuple(s for s in t.scalars if s not in shared),
            t.matrix,
        )
        for t in terms
    ]
    return coeff, tuple(shared), rest


def _is_ones(expr: Expr | None) -> bool:
    match expr:
        case Ones() | Transpose(operand=Ones()):
            return True
        case MatMul(left=Ones(), right=Transpose(operand=Ones())):
            return True
    return False


def _ones_as_scalars(terms: list[MatrixTerm]) -> list[MatrixTerm]:
    """In 1 - σ(z) the constant is broadcast: drop its ones(n) when another term has the shape."""
    if not any(t.matrix is not None and not _is_ones(t.matrix) for t in terms):
        return terms
    return [MatrixTerm(t.coeff, t.scalars, None) if _is_ones(t.matrix) else t for t in terms]


def refine(expr: Expr, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> Expr:
    """The textbook rules once more over a finished form (after intermediates were named)."""
    return _rewritten(expr, Rewriter(shapes, symmetric))


def _rewritten(expr: Expr, rewriter: Rewriter) -> Expr:
    """`expr` through the rule table, with one rewriter (and its shape memo) throughout."""

    def collect_sum(part: Expr) -> Expr:
        return _collected(_sum_terms(part, Fraction(1)), rewriter)

    return rewrite(expr, RuleContext(rewriter, collect_sum, RULES))


def simplify(expr: Expr, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> Expr:
    """Textbook form of a whole expression: its sum is split into terms, which are collected.

    Example:
        >>> from derive.expr.parse import parse
        >>> unparse(simplify(parse("q * q + 2 * q ** 2"), {}, frozenset()))
        '3 * q ** 2'
    """
    return textbook_form(_sum_terms(expr, Fraction(1)), shapes, symmetric)


def _sum_terms(expr: Expr, sign: Fraction) -> list[MatrixTerm]:
    match expr:
        case Add(left=left, right=right):
            return _sum_terms(left, sign) + _sum_terms(right, sign)
        case Sub(left=left, right=right):
            return _sum_terms(left, sign) + _sum_terms(right, -sign)
        case Neg(operand=operand):
            return _sum_terms(operand, -sign)
    return [MatrixTerm(sign, (), expr)]
