"""Rules on matrix products: inverses that cancel, diagonals, sums of reciprocals, Jacobi's
formula, distributing a product over a sum."""

from __future__ import annotations

from fractions import Fraction

from derive.engine.rules.context import (
    RuleContext,
    factors_of,
    matmul_all,
    quotient_factors,
    rewrite,
    signed,
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
)


def cancel(expr: Expr, ctx: RuleContext) -> Expr | None:
    """M⁻¹ M = I where two rewritten parts of a product meet."""
    return ctx.rewriter.matmul(expr.left, expr.right) if isinstance(expr, MatMul) else None


def reciprocal_sum(expr: Expr, ctx: RuleContext) -> Expr | None:
    """uᵀ (w / u) = Σ w: the entries of u cancel one by one (also inside a longer product)."""
    if not isinstance(expr, MatMul):
        return None
    chain = factors_of(expr)
    for position in range(len(chain) - 1):
        row, product = chain[position], chain[position + 1]
        if not (isinstance(row, Transpose) and isinstance(product, Mul | Div)):
            continue
        factors = quotient_factors(product)
        inverse = Pow(row.operand, Number(Fraction(-1)))
        rest = [f for f in factors if f != inverse]
        if inverse not in factors or not rest:
            continue
        kept = rest[0]
        for other in rest[1:]:
            kept = ctx.rewriter.mul(kept, other)
        total: Expr = Call("sum", (kept,))
        before, after = chain[:position], chain[position + 2 :]
        if after:
            total = ctx.rewriter.mul(total, matmul_all(after))
        if before:
            total = ctx.rewriter.mul(total, matmul_all(before))
        return total
    return None


def distribute(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(A ± B) w = A w ± B w, also inside a longer product L (A ± B) R; kept only when the
    pieces simplify (the driver compares costs)."""
    if not isinstance(expr, MatMul):
        return None
    chain = factors_of(expr)
    for position, total in enumerate(chain):
        if not isinstance(total, Add | Sub):
            continue
        before, after = chain[:position], chain[position + 1 :]
        if after:
            pieces = [(sign, ctx.rewriter.matmul(term, matmul_all(after)))
                      for sign, term in signed(total)]
            outer = before
        elif before:
            pieces = [(sign, ctx.rewriter.matmul(matmul_all(before), term))
                      for sign, term in signed(total)]
            outer = []
        else:
            continue
        result: Expr | None = None
        for sign, piece in pieces:
            simpler = rewrite(piece, ctx)
            if result is None:
                result = simpler if sign > 0 else Neg(simpler)
            else:
                result = Add(result, simpler) if sign > 0 else Sub(result, simpler)
        assert result is not None
        collected = ctx.collect(result)
        return ctx.rewriter.matmul(matmul_all(outer), collected) if outer else collected
    return None


def inverse_of_product(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(A X B)⁻¹ = B⁻¹ X⁻¹ A⁻¹ for square factors, so Aᵀ (A X B)⁻ᵀ Bᵀ = X⁻ᵀ (Jacobi's formula
    for d det(A X B)/dX)."""
    if not isinstance(expr, MatMul):
        return None
    chain = factors_of(expr)
    for position, item in enumerate(chain):
        inner, transposed = item, False
        if isinstance(inner, Transpose):
            inner, transposed = inner.operand, True
        if not (isinstance(inner, Call) and inner.func == "inv"):
            continue
        factors = factors_of(inner.args[0])
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
