"""The cost of a form: what "simpler" means when the textbook pass chooses between forms.

Cost is (occurrences, size, inverses, transposes), compared in that order: first fewer
occurrences of named symbols (X + X costs more than 2 X); then fewer symbols, numbers, operators
and calls; then fewer inverses; then fewer transposes. Each part is a sum over the
nodes, so replacing a sub-expression by a cheaper one makes the whole expression cheaper. That is
what makes rewriting terminate: the textbook pass accepts a rewrite only when it lowers the
cost, and a tuple of natural numbers cannot decrease forever.
"""

from __future__ import annotations

from derive.expr.nodes import Call, Expr, Pow, Symbol, Transpose, children

Cost = tuple[int, int, int, int]


def cost(expr: Expr, memo: dict[int, tuple[Expr, Cost]] | None = None) -> Cost:
    """(occurrences, size, inverses, transposes) of `expr`; `memo` remembers sub-expressions
    already costed (keyed by identity, holding the node so that the key stays valid).

    Example:
        >>> from derive.expr.parse import parse
        >>> cost(parse("inv(X).T @ A")), cost(parse("inv(X.T) @ A"))
        ((2, 4, 1, 1), (2, 4, 1, 1))
    """
    if memo is not None and id(expr) in memo:
        return memo[id(expr)][1]
    occurrences, size, inverses, transposes = _own_cost(expr)
    for child in children(expr):
        more = cost(child, memo)
        occurrences += more[0]
        size += more[1]
        inverses += more[2]
        transposes += more[3]
    total = (occurrences, size, inverses, transposes)
    if memo is not None:
        memo[id(expr)] = (expr, total)
    return total


def _own_cost(node: Expr) -> Cost:
    transposes = 1 if isinstance(node, Transpose) else 0
    inverse = (isinstance(node, Call) and node.func == "inv") or (
        isinstance(node, Pow) and getattr(node.exponent, "value", 1) < 0
    )
    return int(isinstance(node, Symbol)), 1 - transposes, int(inverse), transposes
