"""Rules of arithmetic on sums and entrywise products: like terms, numbers, fractions,
common factors, multiplying out when terms cancel."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from derive.engine.normalize import hadamard_factors
from derive.engine.rules.context import (
    RuleContext,
    entrywise_product,
    product_without,
    quotient_factors,
    rewrite,
    signed,
    signed_sum,
)
from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Expr,
    MatMul,
    Mul,
    Neg,
    Number,
    Pow,
    Sub,
    Transpose,
    matmul_factors,
    matmul_of,
    with_children,
)


def collect_sum(expr: Expr, ctx: RuleContext) -> Expr | None:
    """Like terms of a sum collected; Aᵀ + Bᵀ = (A + B)ᵀ when that collects."""
    match expr:
        case Add(left=Transpose(operand=a), right=Transpose(operand=b)):
            return ctx.rewriter.transpose(ctx.collect(Add(a, b)))
        case Sub(left=Transpose(operand=a), right=Transpose(operand=b)):
            return ctx.rewriter.transpose(ctx.collect(Sub(a, b)))
        case Add() | Sub() | Neg():
            return ctx.collect(expr)
    return None


def numbers(expr: Expr, ctx: RuleContext) -> Expr | None:
    """Fold numeric factors of a product together and to the front."""
    match expr:
        case Pow(base=Number(value=base), exponent=Number(value=exponent)) if (
            exponent.denominator == 1 and (base != 0 or exponent > 0)
        ):
            return Number(Fraction(base) ** int(exponent))
        case Mul() | MatMul():
            factor, rest = _numeric_factor(expr)
            if rest is expr:
                return None
            if rest is None:
                return Number(factor)
            if factor == 0:  # 0 ⊙ A is the zero array of A's shape
                return ctx.rewriter.broadcast(Number(factor), ctx.rewriter.shape(expr))
            return rest if factor == 1 else ctx.rewriter.mul(Number(factor), rest)
    return None


def _numeric_factor(expr: Expr) -> tuple[Fraction, Expr | None]:
    """A product as (number, the rest without numbers); rest None when it is all number, and
    `expr` itself when it holds no number (so that nothing is rebuilt)."""
    match expr:
        case Number(value=value):
            return value, None
        case Neg(operand=operand):
            factor, rest = _numeric_factor(operand)
            return -factor, rest
        case Mul(left=left, right=right) | MatMul(left=left, right=right):
            left_factor, left_rest = _numeric_factor(left)
            right_factor, right_rest = _numeric_factor(right)
            if left_rest is left and right_rest is right:
                return _UNIT, expr
            factor = left_factor * right_factor
            if left_rest is None or right_rest is None:
                return factor, left_rest if right_rest is None else right_rest
            return factor, with_children(expr, (left_rest, right_rest))
    return _UNIT, expr


_UNIT = Fraction(1)


def fraction(expr: Expr, ctx: RuleContext) -> Expr | None:
    """c · a · b⁻¹ = c a / b, entrywise, and a factor above the bar cancels one below:
    ½ (√x)⁻¹ = 1 / (2 √x), ‖x‖⁻¹ x = x / ‖x‖, s ⊙ (y / s) = y."""
    if not isinstance(expr, Mul | Pow | Div):
        return None
    coeff, top, bottom = _split_quotient(quotient_factors(expr))
    if not bottom:
        return None
    for factor in list(bottom):
        # The quotient was defined, so the cancelled entries are non-zero.
        if factor in top:
            top.remove(factor)
            bottom.remove(factor)
    numbers = [Number(Fraction(coeff.numerator))] if coeff.numerator != 1 or not top else []
    numerator = _product_of(numbers, top, ctx)
    if not bottom:
        return numerator if coeff.denominator == 1 else ctx.rewriter.mul(
            Number(Fraction(1, coeff.denominator)), numerator)
    denominator = _product_of([Number(Fraction(coeff.denominator))] if coeff.denominator != 1
                              else [], bottom, ctx)
    return Div(numerator, denominator)


def _split_quotient(factors: list[Expr]) -> tuple[Fraction, list[Expr], list[Expr]]:
    """Entrywise factors as (number, factors above the bar, factors below it)."""
    coeff = Fraction(1)
    top: list[Expr] = []
    bottom: list[Expr] = []
    for factor in factors:
        factor, scale = _scaled_norm(factor)
        coeff *= scale
        match factor:
            case Number(value=value):
                coeff *= value
            case Div(left=Number(value=above), right=Number(value=below)) if below != 0:
                coeff *= above / below
            case Div(left=Number(value=above), right=below):
                coeff *= above
                bottom.append(below)
            case Div(left=above, right=below):
                top.append(above)
                bottom.append(below)
            case Pow(base=base, exponent=Number(value=exponent)) if exponent < 0:
                if exponent.denominator == 1:
                    base, scale = _scaled_norm(base)
                    coeff /= scale ** int(-exponent)
                bottom.append(base if exponent == -1 else Pow(base, Number(-exponent)))
            case _:
                top.append(factor)
    return coeff, top, bottom


def _scaled_norm(expr: Expr) -> tuple[Expr, Fraction]:
    """‖c A‖ = |c| ‖A‖: the norm without its numeric factor, and |c|."""
    match expr:
        case Call(func="norm", args=(Mul(left=Number(value=c), right=rest),)) if c != 0:
            return Call("norm", (rest,)), abs(c)
    return expr, Fraction(1)


def _product_of(numbers: Sequence[Expr], factors: list[Expr], ctx: RuleContext) -> Expr:
    parts = [*numbers, *factors]
    result = parts[0]
    for part in parts[1:]:
        result = ctx.rewriter.mul(result, part) if not isinstance(part, Number) else Mul(
            result, part)
    return result


def common_factor(expr: Expr, ctx: RuleContext) -> Expr | None:
    """f ⊙ a - f ⊙ b = f ⊙ (a - b); A a + A b = A (a + b); a B + b B = (a + b) B."""
    if not isinstance(expr, Add | Sub):
        return None
    terms = signed(expr)
    entrywise = [hadamard_factors(term) for _, term in terms]
    shared = next((f for f in entrywise[0] if all(f in other for other in entrywise[1:])), None)
    if shared is not None:
        rests = [product_without(factors, shared, ctx) for factors in entrywise]
        inner = signed_sum([sign for sign, _ in terms], rests)
        return ctx.rewriter.mul(shared, ctx.collect(inner))
    chains = [matmul_factors(term) for _, term in terms]
    if any(len(chain) < 2 for chain in chains) or len(
        {ctx.rewriter.shape(term) for _, term in terms}
    ) > 1:
        return None  # a scalar term broadcast against an array shares no matrix factor
    for side in (0, -1):
        if all(chain[side] == chains[0][side] for chain in chains[1:]):
            rests = [matmul_of(chain[1:] if side == 0 else chain[:-1]) for chain in chains]
            inner = ctx.collect(signed_sum([sign for sign, _ in terms], rests))
            if side == 0:
                return ctx.rewriter.matmul(chains[0][0], inner)
            return ctx.rewriter.matmul(inner, chains[0][-1])
    return None


_EXPANSION_LIMIT = 16
"""At most this many products when an entrywise sum is multiplied out."""


def expand(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(1 - y) ⊙ p - y ⊙ (1 - p) = p - y: entrywise products multiplied out and collected."""
    if not isinstance(expr, Add | Sub):
        return None
    monomials = _monomials(expr)
    if monomials is None or len(monomials) > _EXPANSION_LIMIT or len(monomials) == len(
        signed(expr)
    ):
        return None
    products = [entrywise_product(factors, ctx) for _, factors in monomials]
    inner = signed_sum([sign for sign, _ in monomials], products)
    return ctx.collect(inner)


def _monomials(expr: Expr) -> list[tuple[int, list[Expr]]] | None:
    match expr:
        case Add(left=left, right=right) | Sub(left=left, right=right):
            parts = (_monomials(left), _monomials(right))
            if parts[0] is None or parts[1] is None:
                return None
            flip = -1 if isinstance(expr, Sub) else 1
            return parts[0] + [(flip * sign, factors) for sign, factors in parts[1]]
        case Neg(operand=operand):
            inner = _monomials(operand)
            return None if inner is None else [(-sign, factors) for sign, factors in inner]
        case Mul(left=left, right=right):
            parts = (_monomials(left), _monomials(right))
            if parts[0] is None or parts[1] is None or len(parts[0]) * len(parts[1]) > (
                _EXPANSION_LIMIT
            ):
                return None
            return [(a * b, fa + fb) for a, fa in parts[0] for b, fb in parts[1]]
    return [(1, [expr])]


def cancel_into(expr: Expr, ctx: RuleContext) -> Expr | None:
    """p ⊙ (a / p - b) = a - p ⊙ b: a product is multiplied into a sum whose terms divide by
    one of its factors, so that the factor cancels."""
    if not isinstance(expr, Mul):
        return None
    factors = hadamard_factors(expr)
    for position, total in enumerate(factors):
        if not isinstance(total, Add | Sub):
            continue
        others = factors[:position] + factors[position + 1 :]
        divisors = {f.base for _, term in signed(total) for f in quotient_factors(term)
                    if isinstance(f, Pow) and f.exponent == Number(Fraction(-1))}
        if not any(other in divisors for other in others):
            continue
        signs, pieces = [], []
        for sign, term in signed(total):
            piece = term
            for other in others:
                piece = ctx.rewriter.mul(other, piece)
            signs.append(sign)
            pieces.append(rewrite(piece, ctx))
        return rewrite(ctx.collect(signed_sum(signs, pieces)), ctx)
    return None


def negated_difference(expr: Expr, ctx: RuleContext) -> Expr | None:
    """-(L (a - b) R) = L (b - a) R: the minus sign goes into a difference in the product."""
    if not isinstance(expr, Neg):
        return None
    chain = matmul_factors(expr.operand)
    for position, item in enumerate(chain):
        if isinstance(item, Sub):
            swapped = [*chain[:position], Sub(item.right, item.left), *chain[position + 1 :]]
            return matmul_of(swapped)
    return None
