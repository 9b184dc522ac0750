"""Print index-form polynomials in the index language of `derive vectorize`.

`A[i,j]`, `x[i]`, `sum(E, k)`, `delta(i, j)`, `exp(x[i])`, `inv(X)[i,k]`, `(E) ** 2`. Used for the
JSON `element` field, for `steps.txt` golden files and in doctests.
"""

from __future__ import annotations

from fractions import Fraction

from derive.expr.nodes import Call, Symbol
from derive.expr.terms import Apply, Delta, Entry, Factor, Group, Poly, Power, Size, Term
from derive.expr.unparse import format_number, unparse


def poly_to_text(poly: Poly) -> str:
    """Print a polynomial; the empty sum prints as 0.

    Example:
        >>> from derive.expr.terms import entry, multiply, sum_over
        >>> poly_to_text(sum_over(multiply(entry("W", "i", "j"), entry("x", "j")), ["j"]))
        'sum(W[i,j] * x[j], j)'
    """
    return join_terms([term_to_text(term) for term in poly.terms])


def join_terms(bodies: list[str]) -> str:
    """Join printed terms with + and -, a leading '-' of a term becoming the operator.

    Example:
        >>> join_terms(["a", "-b", "c"]), join_terms([])
        ('a - b + c', '0')
    """
    if not bodies:
        return "0"
    text = bodies[0]
    for body in bodies[1:]:
        text += " - " + body[1:] if body.startswith("-") else " + " + body
    return text


def term_to_text(term: Term) -> str:
    """Print one term, with its sums outermost."""
    coeff = term.coeff
    factors = [factor_to_text(f) for f in term.factors]
    sign = "-" if coeff < 0 else ""
    magnitude = abs(coeff)
    if magnitude != 1 or not factors:
        factors.insert(0, _number(magnitude))
    body = " * ".join(factors)
    if term.summed:
        indices = term.summed[0] if len(term.summed) == 1 else "(" + ", ".join(term.summed) + ")"
        return f"{sign}sum({body}, {indices})"
    return sign + body


def _number(value: Fraction) -> str:
    text = format_number(value)
    return f"({text})" if "/" in text else text


def factor_to_text(factor: Factor) -> str:
    """Print one factor."""
    match factor:
        case Entry(base=base, indices=indices):
            name = base.name if isinstance(base, Symbol) else unparse(base)
            if not isinstance(base, Symbol | Call):
                name = f"({name})"
            return f"{name}[{','.join(indices)}]" if indices else name
        case Delta(a=a, b=b):
            return f"delta({a}, {b})"
        case Size(dim=dim):
            return str(dim)
        case Group(poly=poly):
            return f"({poly_to_text(poly)})"
        case Apply(func=func, arg=arg):
            return f"{func}({poly_to_text(arg)})"
        case Power(base=base, exponent=exponent):
            return f"({poly_to_text(base)}) ** {_number(exponent)}"
    raise TypeError(type(factor).__name__)
