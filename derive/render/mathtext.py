"""Plain text for the engine's math objects, readable in a terminal.

Matrix expressions print in the expression language, elements in the index language.
"""

from __future__ import annotations

from derive.engine.steps import (
    ChainSum,
    Dims,
    Listing,
    MathObject,
    Partial,
    Relation,
    ShapeOf,
    WrittenOut,
)
from derive.expr.nodes import Symbol
from derive.expr.terms import Entry, Poly
from derive.expr.termtext import factor_to_text, poly_to_text
from derive.expr.unparse import unparse


def to_text(obj: MathObject) -> str:
    """Plain text for one math object.

    Example:
        >>> to_text(Partial(Symbol("y"), Symbol("x")))
        'dy/dx'
    """
    match obj:
        case Poly():
            return poly_to_text(obj)
        case Entry():
            return factor_to_text(obj)
        case Partial(numerator=top, denominator=bottom):
            return f"d{_atom(top)}/d{_atom(bottom)}"
        case Relation(parts=parts):
            return " = ".join(to_text(p) for p in parts)
        case WrittenOut(terms=terms):
            return " + ".join("..." if t is None else poly_to_text(t) for t in terms)
        case Dims(dims=dims):
            return "×".join(str(d) for d in dims)
        case Listing(items=items):
            return ", ".join(to_text(item) for item in items)
        case ChainSum(terms=terms):
            return " + ".join(
                (f"sum({' * '.join(to_text(f) for f in factors)}, {', '.join(summed)})"
                 if summed else " * ".join(to_text(f) for f in factors))
                for summed, factors in terms
            )
        case ShapeOf(subject=subject, dims=dims):
            return f"{to_text(subject)} is {'×'.join(str(d) for d in dims) or 'scalar'}"
    return unparse(obj)


def _atom(obj: MathObject) -> str:
    text = to_text(obj)
    return text if isinstance(obj, Symbol | Entry) else f"({text})"
