"""Textbook form: turn reassembled matrix terms into the expression a textbook prints.

Transposes are pushed down to symbols (`(BA)^T -> A^T B^T`, `(X^-1)^T` kept as `X^-T`,
`A^T -> A` for symmetric A, scalars are their own transpose), identities and unit factors drop,
scalar factors move to the front, like terms are collected (`Ax + Ax -> 2Ax`) and a common left
or right factor is pulled out (`Ax + A^T x -> (A + A^T) x`). Every result is checked numerically
afterwards, so a rewrite here can only make an answer shorter, never wrong and unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

from derive.engine.entrywise import simplify_entrywise
from derive.engine.matrixterms import MatrixTerm, build_sum, term_expr
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
from derive.expr.shapes import Shape, ShapeMemo, infer_shape, is_scalar
from derive.expr.unparse import unparse

ONE = Number(Fraction(1))


class Rewriter:
    """Normal forms that need the symbols' shapes and which symbols are symmetric."""

    def __init__(self, shapes: Mapping[str, Shape], symmetric: frozenset[str]) -> None:
        self.shapes = shapes
        self.symmetric = symmetric
        self.memo: ShapeMemo = {}
        self.transpose_counts: dict[int, tuple[Expr, int]] = {}

    def transposes(self, expr: Expr) -> int:
        """How many transposes `expr` prints with."""
        return _transposes(expr, self.transpose_counts)

    def scalar(self, expr: Expr) -> bool:
        return is_scalar(infer_shape(expr, self.shapes, memo=self.memo))

    def normalize(self, expr: Expr) -> Expr:
        """Push transposes down and drop unit factors, bottom-up."""
        match expr:
            case Transpose(operand=operand):
                return self.transpose(self.normalize(operand))
            case MatMul(left=left, right=right):
                return self.scalar_product(self.matmul(self.normalize(left), self.normalize(right)))
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
                return self.power(self.normalize(base), exponent)
            case Call(func="inv", args=(Call(func="inv", args=(inner,)),)):
                return self.normalize(inner)  # (M⁻¹)⁻¹ = M
            case Call(args=args):
                return replace(expr, args=tuple(self.normalize(a) for a in args))
        return expr

    def scalar_product(self, product: Expr) -> Expr:
        """A scalar equals its transpose: keep whichever of the two has fewer transposes."""
        if not (self.scalar(product) and isinstance(product, MatMul)):
            return product
        flipped = self.matmul(self.transpose(product.right), self.transpose(product.left))
        return flipped if self.transposes(flipped) < self.transposes(product) else product

    def power(self, base: Expr, exponent: Expr) -> Expr:
        """sum(v ** 2) ** e is ‖v‖^(2e) (so x / ‖x‖ reads as a textbook prints it); x^1 is x."""
        match base, exponent:
            case Call(func="sum", args=(Pow(base=inner, exponent=Number(value=two)),)), Number(
                value=value
            ) if two == 2:
                combined = 2 * value
                norm = Call("norm", (inner,))
                return norm if combined == 1 else Pow(norm, Number(combined))
        if exponent == ONE:
            return base
        return Pow(base, exponent)

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
            case Mul(left=left, right=right) | Add(left=left, right=right) | Sub(
                left=left, right=right
            ):
                # (Aᵀ ⊙ Bᵀ)ᵀ = A ⊙ B, but (σ - t)ᵀ stays: push in only when it saves transposes.
                pushed = _rebuild(expr, self.transpose(left), self.transpose(right), self)
                kept = Transpose(expr)
                return pushed if self.transposes(pushed) < self.transposes(kept) else kept
        return Transpose(expr)

    def matmul(self, left: Expr, right: Expr) -> Expr:
        if isinstance(left, Identity):
            return right
        if isinstance(right, Identity):
            return left
        last = left.right if isinstance(left, MatMul) else left
        if _inverse_pair(last, right):
            # M⁻¹ M = I (and M⁻ᵀ Mᵀ = I): the pair cancels.
            return left.left if isinstance(left, MatMul) else Identity(self.size(right))
        # Scalars commute with everything: float them to the front of the product.
        if isinstance(right, Mul) and self.scalar(right.left) and not self.scalar(right.right):
            return self.mul(right.left, self.matmul(left, right.right))
        if isinstance(left, Mul) and self.scalar(left.left) and not self.scalar(left.right):
            return self.mul(left.left, self.matmul(left.right, right))
        if isinstance(right, MatMul):
            # Keep products left-associated so chains print without inner parentheses.
            return MatMul(self.matmul(left, right.left), right.right)
        return MatMul(left, right)

    def size(self, expr: Expr) -> Dim:
        return infer_shape(expr, self.shapes, memo=self.memo)[0]

    def mul(self, left: Expr, right: Expr) -> Expr:
        if left == ONE:
            return right
        if right == ONE:
            return left
        if self.scalar(right) and not self.scalar(left):
            return Mul(right, left)
        if not self.scalar(left) or (self.scalar(right) and _hadamard_factors(left)[-1] ==
                                     _hadamard_factors(right)[0]):
            return self.hadamard(left, right)  # also q · q = q²
        return Mul(left, right)

    def hadamard(self, left: Expr, right: Expr) -> Expr:
        """Merge equal factors of a Hadamard product into powers: σ^-1 ⊙ σ ⊙ u = u."""
        factors: dict[Expr, tuple[Expr, Fraction]] = {}
        for factor in _hadamard_factors(left) + _hadamard_factors(right):
            base, exponent = factor, Fraction(1)
            if isinstance(factor, Pow) and isinstance(factor.exponent, Number):
                base, exponent = factor.base, factor.exponent.value
            total = factors[base][1] + exponent if base in factors else exponent
            factors[base] = (base, total)
        kept = [b if e == 1 else Pow(b, Number(e)) for b, e in factors.values() if e != 0]
        kept.sort(key=lambda f: isinstance(f, MatMul))  # x ⊙ (A y), as textbooks write it
        if not kept:
            return Mul(left, right)  # everything cancelled: keep the shape-carrying form
        result = kept[0]
        for factor in kept[1:]:
            result = Mul(result, factor)
        return result


def _hadamard_factors(expr: Expr) -> list[Expr]:
    if isinstance(expr, Mul):
        return _hadamard_factors(expr.left) + _hadamard_factors(expr.right)
    return [expr]


def _rebuild(expr: Expr, left: Expr, right: Expr, rewriter: Rewriter) -> Expr:
    if isinstance(expr, Mul):
        return rewriter.mul(left, right)
    return Add(left, right) if isinstance(expr, Add) else Sub(left, right)


def _transposes(expr: Expr, memo: dict[int, tuple[Expr, int]]) -> int:
    known = memo.get(id(expr))
    if known is not None:
        return known[1]
    own = 1 if isinstance(expr, Transpose) else 0
    count = own + sum(_transposes(child, memo) for child in children(expr))
    memo[id(expr)] = (expr, count)
    return count


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


def _inverse_pair(left: Expr, right: Expr) -> bool:
    """Whether left @ right is M⁻¹ M, M M⁻¹, or one of those transposed."""
    match left, right:
        case Call(func="inv", args=(inner,)), _ if inner == right:
            return True
        case _, Call(func="inv", args=(inner,)) if inner == left:
            return True
        case Transpose(operand=Call(func="inv", args=(inner,))), Transpose(operand=other):
            return inner == other
        case Transpose(operand=other), Transpose(operand=Call(func="inv", args=(inner,))):
            return inner == other
    return False


def _canonical(expr: Expr) -> Expr:
    """Hadamard factors in a fixed order, so d ⊙ x and x ⊙ d collect as like terms."""
    if isinstance(expr, Mul) and len(_hadamard_factors(expr)) > 1:
        factors = sorted((_canonical(f) for f in _hadamard_factors(expr)), key=unparse)
        result = factors[0]
        for factor in factors[1:]:
            result = Mul(result, factor)
        return result
    return expr


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
        shared = chains[0][side]
        if all(c[side] == shared for c in chains):
            rests = [c[:-1] if side == -1 else c[1:] for c in chains]
            inner = simplest_sum(
                collect([
                    MatrixTerm(t.coeff, t.scalars, _product(r))
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
    return simplify_entrywise(simplest_sum(collect([split_scalars(t, rewriter) for t in terms])),
                              shapes)


def simplest_sum(collected: list[MatrixTerm]) -> Expr:
    """Collected terms as one expression, with common factors pulled out repeatedly."""
    collected = _ones_as_scalars(collected)
    common = _common_scalars(collected)
    if common is not None:
        coeff, scalars, rest = common
        inner = simplest_sum(rest)
        body = term_expr(MatrixTerm(abs(coeff), scalars, inner))
        return Neg(body) if coeff < 0 else body
    factored = factor_common(collected)
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
