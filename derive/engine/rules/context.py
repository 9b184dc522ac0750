"""The rule machinery: what a rule sees (RuleContext), what it is (Rule), the driver that
applies a rule table (rewrite), and the small helpers on products and sums that rules share.

A rule looks at one node (whose children are already rewritten) and proposes a replacement, or
nothing. The driver keeps a proposal only when `cost` says it is cheaper, so every rule may be
stated as the identity it is, in whichever direction a textbook prefers, without being able to
loop. Every answer is checked numerically afterwards as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from msgspec import Struct, field

from derive.engine.cost import Cost, cost
from derive.engine.normalize import ONE, Rewriter, hadamard_factors
from derive.errors import ShapeError
from derive.expr.nodes import (
    Add,
    Div,
    Expr,
    Neg,
    Number,
    Pow,
    Sub,
    children,
    with_children,
)


class RuleContext(Struct, frozen=True):
    """What rules may use: the normalizer (shapes, symmetry) and term collection of sums."""

    rewriter: Rewriter
    collect: Callable[[Expr], Expr]
    rules: tuple[Rule, ...]
    costs: dict[int, tuple[Expr, Cost]] = field(default_factory=dict)


Propose = Callable[[Expr, RuleContext], Expr | None]


class Rule(Struct, frozen=True):
    """One named identity; `propose` gives the rewritten node or None."""

    name: str
    identity: str
    propose: Propose


def rewrite(expr: Expr, ctx: RuleContext) -> Expr:
    """Rewrite `expr` bottom-up until no rule lowers its cost.

    Terminates: children are rewritten first (structural recursion), and a node is rewritten
    again only after a rule strictly lowered its cost, which a tuple of naturals can do only
    finitely often. A proposal keeps the node's shape: a sum that cancelled to a constant
    ((1 - σ) + σ = 1) is broadcast back to it, and one of another shape is not taken.
    """
    parts = children(expr)
    if parts:
        rewritten = tuple(rewrite(part, ctx) for part in parts)
        if any(new is not old for new, old in zip(rewritten, parts, strict=True)):
            expr = with_children(expr, rewritten)
    current = cost(expr, ctx.costs)
    for rule in ctx.rules:
        proposed = rule.propose(expr, ctx)
        if proposed is not None and cost(proposed, ctx.costs) < current:
            shaped = _shaped_like(proposed, expr, ctx)
            if shaped is not None:
                return rewrite(shaped, ctx)
    return expr


def _shaped_like(proposed: Expr, expr: Expr, ctx: RuleContext) -> Expr | None:
    """`proposed` with the shape of `expr`, or None when it cannot have it."""
    try:
        shape, wanted = ctx.rewriter.shape(proposed), ctx.rewriter.shape(expr)
    except ShapeError:
        return None
    if shape == wanted:
        return proposed
    return ctx.rewriter.broadcast(proposed, wanted) if shape == (1, 1) else None


def quotient_factors(expr: Expr) -> list[Expr]:
    """The entrywise factors of a product, with a quotient's divisor as a negative power."""
    factors: list[Expr] = []
    for factor in hadamard_factors(expr):
        if isinstance(factor, Div) and not isinstance(factor.left, Number):
            factors.extend(quotient_factors(factor.left))
            factors.append(Pow(factor.right, Number(Fraction(-1))))
        else:
            factors.append(factor)
    return factors


def signed(expr: Expr) -> list[tuple[int, Expr]]:
    """The terms of a sum with their signs: a - (b - c) -> [(1, a), (-1, b), (1, c)]."""
    match expr:
        case Add(left=left, right=right):
            return signed(left) + signed(right)
        case Sub(left=left, right=right):
            return signed(left) + [(-sign, term) for sign, term in signed(right)]
    return [(1, expr)]


def signed_sum(signs: list[int], terms: list[Expr]) -> Expr:
    """The sum of `terms` with `signs` (the inverse of `signed`)."""
    total = terms[0] if signs[0] > 0 else Neg(terms[0])
    for sign, term in zip(signs[1:], terms[1:], strict=True):
        total = Add(total, term) if sign > 0 else Sub(total, term)
    return total


def entrywise_product(factors: Sequence[Expr], ctx: RuleContext) -> Expr:
    """The entrywise product of `factors`, normalized as it is built (1 when there are none)."""
    if not factors:
        return ONE
    product = factors[0]
    for factor in factors[1:]:
        product = ctx.rewriter.mul(product, factor)
    return product


def product_without(factors: list[Expr], shared: Expr, ctx: RuleContext) -> Expr:
    """The entrywise product of `factors` with one `shared` taken out (1 when none is left)."""
    rest = list(factors)
    rest.remove(shared)
    return entrywise_product(rest, ctx)

