"""Rules on diagonals: diag(v), masks A ⊙ I and their entries (A ⊙ I) 1."""

from __future__ import annotations

from fractions import Fraction

from derive.engine.normalize import hadamard_factors
from derive.engine.rules.context import RuleContext, entrywise_product
from derive.expr.nodes import (
    Add,
    Call,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Pow,
    Sub,
    Symbol,
    Transpose,
    matmul_factors,
    matmul_of,
    with_children,
)

ENTRYWISE_CALLS = frozenset({"exp", "log", "sin", "cos", "tanh", "sigmoid", "softplus", "sqrt"})
"""Functions applied entry by entry: the diagonal of f(A) is f of the diagonal of A."""


def diagonal_forms(expr: Expr, ctx: RuleContext) -> Expr | None:
    """tr(diag v) = Σ v; ‖diag v‖ = ‖v‖; diag((A ⊙ I) 1) = A ⊙ I; diag(v) w = v ⊙ w."""
    match expr:
        case Call(func="tr", args=(Call(func="diag", args=(v,)),)):
            return Call("sum", (v,))
        case Call(func="norm", args=(Call(func="diag", args=(v,)),)):
            return Call("norm", (v,))
        case Call(func="diag", args=(v,)) if (whole := _diagonal_source(v, ctx)) is not None:
            return ctx.rewriter.mul(whole, Identity(ctx.rewriter.size(v)))
        case MatMul(left=MatMul(left=Call(func="diag", args=(u,)), right=middle),
                    right=Call(func="diag", args=(v,))) if not _named(middle):
            # A named matrix keeps diag(u) A diag(v) (rows and columns scaled, as the notes
            # write it); a computed one reads shorter as (u vᵀ) ⊙ M.
            outer = ctx.rewriter.matmul(u, ctx.rewriter.transpose(v))
            return ctx.rewriter.mul(outer, middle)
        case MatMul(left=Call(func="diag", args=(v,)), right=w) if (
            ctx.rewriter.shape(w)[1] == 1 and ctx.rewriter.shape(v)[1] == 1
        ):
            return ctx.rewriter.mul(v, w)
    return None


def _named(matrix: Expr) -> bool:
    """A symbol or its transpose (A, Aᵀ), not a computed matrix."""
    return isinstance(matrix, Symbol) or (
        isinstance(matrix, Transpose) and isinstance(matrix.operand, Symbol))


def _diagonal_source(v: Expr, ctx: RuleContext) -> Expr | None:
    """A matrix A with v = (A ⊙ I) 1, i.e. vᵢ = Aᵢᵢ, when v is built from such diagonals."""
    match v:
        case MatMul(left=Mul() as masked, right=Ones()):
            factors = hadamard_factors(masked)
            kept = [f for f in factors if not isinstance(f, Identity)]
            if len(kept) == len(factors) or not kept:
                return None
            return entrywise_product(kept, ctx)
        case Mul(left=left, right=right) | Add(left=left, right=right) | Sub(
            left=left, right=right
        ):
            parts = [
                part if isinstance(part, Number) else _diagonal_source(part, ctx)
                for part in (left, right)
            ]
            if parts[0] is None or parts[1] is None or all(isinstance(p, Number) for p in parts):
                return None
            return with_children(v, (parts[0], parts[1]))
    return None


def diagonal_entries(expr: Expr, ctx: RuleContext) -> Expr | None:
    """The vector of Aᵢᵢ when it has a closed form: diag(v) -> v, I -> 1, u vᵀ -> u ⊙ v,
    f(A) -> f(diagonal of A) entrywise, A ⊙ B -> product of the diagonals, and so on."""
    match expr:
        case Call(func="diag", args=(v,)):
            return v
        case Identity(dim=dim):
            return Ones(dim)
        case Transpose(operand=operand):
            return diagonal_entries(operand, ctx)
        case Call(func="inv", args=(inner,)) if is_diagonal(inner):
            entries = diagonal_entries(inner, ctx)
            return None if entries is None else _raised(entries, Number(Fraction(-1)), ctx)
        case MatMul(left=u, right=Transpose(operand=w)) if ctx.rewriter.shape(u)[1] == 1:
            return ctx.rewriter.mul(u, w)
        case MatMul(left=left, right=right) if is_diagonal(left) and is_diagonal(right):
            return _combined(expr, left, right, ctx)
        case Mul(left=left, right=right) | Add(left=left, right=right) | Sub(
            left=left, right=right
        ):
            return _combined(expr, left, right, ctx)
        case Pow(base=base, exponent=exponent):
            entries = diagonal_entries(base, ctx)
            return None if entries is None else _raised(entries, exponent, ctx)
        case Call(func=func, args=(inner,)) if func in ENTRYWISE_CALLS:
            entries = diagonal_entries(inner, ctx)
            return None if entries is None else Call(func, (entries,))
    return None


def _raised(entries: Expr, exponent: Expr, ctx: RuleContext) -> Expr:
    """entries ** exponent, with (v ** a) ** b written v ** (a b)."""
    match entries, exponent:
        case Pow(base=base, exponent=Number(value=inner)), Number(value=outer):
            return ctx.rewriter.power(base, Number(inner * outer))
    return ctx.rewriter.power(entries, exponent)


def _combined(expr: Expr, left: Expr, right: Expr, ctx: RuleContext) -> Expr | None:
    parts = [
        part if ctx.rewriter.scalar(part) else diagonal_entries(part, ctx) for part in (left, right)
    ]
    if parts[0] is None or parts[1] is None:
        return None
    if isinstance(expr, MatMul | Mul):
        return ctx.rewriter.mul(parts[0], parts[1])
    return with_children(expr, (parts[0], parts[1]))


def is_diagonal(expr: Expr) -> bool:
    """Whether `expr` is a diagonal matrix by construction."""
    match expr:
        case Call(func="diag") | Identity():
            return True
        case Call(func="inv", args=(inner,)) | Transpose(operand=inner):
            return is_diagonal(inner)
        case Pow(base=base, exponent=Number(value=value)) if value > 0:
            return is_diagonal(base)
        case Mul():
            return any(is_diagonal(f) for f in hadamard_factors(expr))
        case MatMul(left=left, right=right):
            return is_diagonal(left) and is_diagonal(right)
    return False


def masked_diagonal(expr: Expr, ctx: RuleContext) -> Expr | None:
    """(A ⊙ I) 1 = diagonal of A, D ⊙ I = D for a diagonal D, I^k = I, v ⊙ 1 = v."""
    match expr:
        case MatMul(left=matrix, right=Ones()) if is_diagonal(matrix):
            return diagonal_entries(matrix, ctx)
        case MatMul() if len(chain := matmul_factors(expr)) > 2 and isinstance(
            chain[-1], Ones
        ) and is_diagonal(matmul_of(chain[-3:-1])):
            entries = diagonal_entries(matmul_of(chain[-3:-1]), ctx)
            return None if entries is None else ctx.rewriter.matmul(
                matmul_of(chain[:-3]), entries)
        case Pow(base=Identity() as identity, exponent=Number(value=value)) if value > 0:
            return identity
        case Mul():
            factors = hadamard_factors(expr)
            masks: list[Expr] = [f for f in factors if isinstance(f, Identity)]
            others: list[Expr] = [f for f in factors if not isinstance(f, Identity | Ones)]
            if len(others) == len(factors) or not others:
                return None
            if masks and not any(is_diagonal(f) for f in others):
                others.append(masks[0])
            kept = entrywise_product(others, ctx)
            return kept if ctx.rewriter.shape(kept) == ctx.rewriter.shape(expr) else None
    return None
