"""Rules on functions: the ML functions recognized from their definitions."""

from __future__ import annotations

from fractions import Fraction

from derive.engine.rules.context import (
    RuleContext,
    entrywise_product,
    quotient_factors,
    rewrite,
)
from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Expr,
    Mul,
    Neg,
    Number,
    Pow,
    Sub,
    children,
    with_children,
)


def function_forms(expr: Expr, ctx: RuleContext) -> Expr | None:
    """The ML functions by their definitions: σ, softplus, logsumexp, softmax."""
    match expr:
        case Call(func="log", args=(Add(left=Number(value=one), right=Call(func="exp",
                                                                               args=(z,))),)) if (
            one == 1
        ):
            return Call("softplus", (z,))
        case Call(func="log", args=(Call(func="sum", args=(Call(func="exp", args=(z,)),)),)):
            return Call("logsumexp", (z,))
        case Pow(base=Add(left=Number(value=one), right=Call(func="exp", args=(Neg(operand=z),))),
                 exponent=Number(value=-1)) if one == 1:
            return Call("sigmoid", (z,))
        case Div(left=Number(value=one), right=Add(left=Number(value=other),
                                                    right=Call(func="exp", args=(Neg(operand=z),)))
                 ) if one == 1 and other == 1:
            return Call("sigmoid", (z,))
        case Mul() | Div():
            return _sigmoid_or_softmax(expr, ctx)
    return None


def _sigmoid_or_softmax(expr: Expr, ctx: RuleContext) -> Expr | None:
    """e^z ⊙ (1 + e^z)⁻¹ = σ(z); e^z ⊙ (Σ e^z)⁻¹ = softmax(z)."""
    factors = quotient_factors(expr)
    for factor in factors:
        if not isinstance(factor, Call) or factor.func != "exp":
            continue
        (z,) = factor.args
        for name, denominator in (
            ("sigmoid", Add(Number(Fraction(1)), factor)),
            ("softmax", Call("sum", (factor,))),
        ):
            inverse = Pow(denominator, Number(Fraction(-1)))
            if inverse in factors:
                rest = [f for f in factors if f is not factor and f != inverse]
                return entrywise_product([Call(name, (z,)), *rest], ctx)
    return None


def inverse_functions(expr: Expr, ctx: RuleContext) -> Expr | None:
    """A function against its inverse: exp(log a) = a, log(exp a) = a, exp(log det X) = det X
    (logdet is defined only where det X > 0, and log only for positive entries)."""
    match expr:
        case Call(func="exp", args=(Call(func="log", args=(inner,)),)):
            return inner
        case Call(func="log", args=(Call(func="exp", args=(inner,)),)):
            return inner
        case Call(func="exp", args=(Call(func="logdet", args=(inner,)),)):
            return Call("det", (inner,))
    return None


def sigmoid_mirror(expr: Expr, ctx: RuleContext) -> Expr | None:
    """σ(-z) = 1 - σ(z) inside a sum, kept when the sum then collapses (σ(z) + σ(-z) = 1)."""
    if not isinstance(expr, Add | Sub) or not _has_mirror(expr):
        return None
    return rewrite(_unmirrored(expr), ctx)


def _has_mirror(expr: Expr) -> bool:
    if isinstance(expr, Call) and expr.func == "sigmoid" and isinstance(expr.args[0], Neg):
        return True
    return any(_has_mirror(child) for child in children(expr))


def _unmirrored(expr: Expr) -> Expr:
    if isinstance(expr, Call) and expr.func == "sigmoid" and isinstance(expr.args[0], Neg):
        return Sub(Number(Fraction(1)), Call("sigmoid", (expr.args[0].operand,)))
    parts = children(expr)
    return with_children(expr, tuple(_unmirrored(p) for p in parts)) if parts else expr
