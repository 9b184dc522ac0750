"""Rules on matrix products: inverses that cancel, diagonals, sums of reciprocals, Jacobi's
formula, distributing a product over a sum."""

from __future__ import annotations

from fractions import Fraction

from derive.engine.rules.context import (
    RuleContext,
    entrywise_product,
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
    Number,
    Pow,
    Sub,
    Transpose,
    matmul_factors,
    matmul_of,
)


def cancel(expr: Expr, ctx: RuleContext) -> Expr | None:
    """M⁻¹ M = I where two rewritten parts of a product meet."""
    return ctx.rewriter.matmul(expr.left, expr.right) if isinstance(expr, MatMul) else None


def reciprocal_sum(expr: Expr, ctx: RuleContext) -> Expr | None:
    """uᵀ (w / u) = Σ w: the entries of u cancel one by one (also inside a longer product)."""
    if not isinstance(expr, MatMul):
        return None
    chain = matmul_factors(expr)
    for position in range(len(chain) - 1):
        row, product = chain[position], chain[position + 1]
        if not (isinstance(row, Transpose) and isinstance(product, Mul | Div)):
            continue
        factors = quotient_factors(product)
        inverse = Pow(row.operand, Number(Fraction(-1)))
        rest = [f for f in factors if f != inverse]
        if inverse not in factors or not rest:
            continue
        total: Expr = Call("sum", (entrywise_product(rest, ctx),))
        before, after = chain[:position], chain[position + 2 :]
        if after:
            total = ctx.rewriter.mul(total, matmul_of(after))
        if before:
            total = ctx.rewriter.mul(total, matmul_of(before))
        return total
    return None


def distribute(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(A ± B) w = A w ± B w, also inside a longer product L (A ± B) R; kept only when the
    pieces simplify (the driver compares costs)."""
    if not isinstance(expr, MatMul):
        return None
    chain = matmul_factors(expr)
    for position, total in enumerate(chain):
        if not isinstance(total, Add | Sub) or any(
            ctx.rewriter.scalar(term) for _, term in signed(total)
        ):
            continue  # a scalar term of an array sum (1 - t) is broadcast: no product of its own
        before, after = chain[:position], chain[position + 1 :]
        if after:
            pieces = [(sign, ctx.rewriter.matmul(term, matmul_of(after)))
                      for sign, term in signed(total)]
            outer = before
        elif before:
            pieces = [(sign, ctx.rewriter.matmul(matmul_of(before), term))
                      for sign, term in signed(total)]
            outer = []
        else:
            continue
        collected = ctx.collect(signed_sum([sign for sign, _ in pieces],
                                           [rewrite(piece, ctx) for _, piece in pieces]))
        return ctx.rewriter.matmul(matmul_of(outer), collected) if outer else collected
    return None


def inverse_of_product(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(A X B)⁻¹ = B⁻¹ X⁻¹ A⁻¹ for square factors, so Aᵀ (A X B)⁻ᵀ Bᵀ = X⁻ᵀ (Jacobi's formula
    for d det(A X B)/dX)."""
    if not isinstance(expr, MatMul):
        return None
    chain = matmul_factors(expr)
    for position, item in enumerate(chain):
        inner, transposed = item, False
        if isinstance(inner, Transpose):
            inner, transposed = inner.operand, True
        if not (isinstance(inner, Call) and inner.func == "inv"):
            continue
        factors = matmul_factors(inner.args[0])
        if len(factors) < 2 or any(not _square(f, ctx) for f in factors):
            continue
        expanded: Expr = Call("inv", (factors[-1],))
        for factor in reversed(factors[:-1]):
            expanded = MatMul(expanded, Call("inv", (factor,)))
        if transposed:
            expanded = Transpose(expanded)
        rebuilt = chain[:position] + [expanded] + chain[position + 1 :]
        product = rebuilt[0]
        for part in rebuilt[1:]:
            product = MatMul(product, part)
        return ctx.rewriter.normalize(product)
    return None


def _square(expr: Expr, ctx: RuleContext) -> bool:
    rows, cols = ctx.rewriter.shape(expr)
    return rows == cols
