"""LaTeX for the engine's math objects: index-form polynomials, partials, written-out sums.

Matrix expressions go through `printer.ExprPrinter`; this module adds the index view
(`W_{ij} x_{j}`, `\\sum_{j}`, `\\delta_{jk}`) and the display-only objects of `engine.steps`.
Entries are printed in plain (non-bold) type, as the notes do for scalars.
"""

from __future__ import annotations

from fractions import Fraction

from derive.engine.generic import base_name
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
from derive.expr.nodes import Call, Dim, Symbol
from derive.expr.terms import Apply, Delta, Entry, Factor, Group, Poly, Power, Size, Term
from derive.expr.termtext import join_terms
from derive.render.notation import dim_to_latex, name_to_latex
from derive.render.printer import (
    ExprPrinter,
    argument_parens,
    call_latex,
    number_to_latex,
    parens,
)


def _subscript(indices: tuple[str, ...]) -> str:
    body = ",".join(indices) if any(len(i) > 1 for i in indices) else "".join(indices)
    return "_{" + body + "}"


class MathPrinter:
    """Prints any math object of a derivation as LaTeX."""

    def __init__(self, exprs: ExprPrinter) -> None:
        self.exprs = exprs

    def print(self, obj: MathObject) -> str:
        """The LaTeX for one math object."""
        match obj:
            case Poly():
                return self.poly(obj)
            case Entry():
                return self.entry(obj)
            case Partial(numerator=top, denominator=bottom):
                return rf"\frac{{\partial {self._atom(top)}}}{{\partial {self._atom(bottom)}}}"
            case Relation(parts=parts):
                return " = ".join(self.print(p) for p in parts)
            case WrittenOut(terms=terms):
                return self.written(terms)
            case ShapeOf(subject=subject, dims=dims):
                return self._shape(subject, dims)
            case Dims(dims=dims):
                return r" \times ".join(dim_to_latex(d) for d in dims)
            case Listing(items=items):
                # Each item braced: a line-breaking display (breqn) keeps it whole.
                return r",\quad ".join("{" + self.print(item) + "}" for item in items)
            case ChainSum(terms=terms):
                return " + ".join(
                    "".join(rf"\sum_{{{i}}} " for i in summed)
                    + " ".join(self.print(f) for f in factors)
                    for summed, factors in terms
                )
        return self.exprs.print(obj)

    def _atom(self, obj: MathObject) -> str:
        text = self.print(obj)
        return text if isinstance(obj, Symbol | Entry) else parens(text)

    def _shape(self, subject: MathObject, dims: tuple[Dim, ...]) -> str:
        """x ∈ R^n for a column, R^{1×n} for a row, R for a scalar, R^{m×n} otherwise."""
        if len(dims) == 2 and dims[1] == 1 and dims[0] != 1:
            space = dim_to_latex(dims[0])
        elif all(d == 1 for d in dims):
            space = ""
        else:
            space = r" \times ".join(dim_to_latex(d) for d in dims)
        target = r"\mathbb{R}" + (f"^{{{space}}}" if space else "")
        return f"{self.print(subject)} \\in {target}"

    def entry(self, entry: Entry) -> str:
        base = entry.base
        if isinstance(base, Symbol):
            head = name_to_latex(base.name)
            if "_" in head and entry.indices:  # (W_1)_{jk}: TeX has no double subscripts
                head = parens(head)
        elif isinstance(base, Call) and base.func == "inv":
            inner = self.exprs.print(base.args[0])
            head = inner if isinstance(base.args[0], Symbol) else parens(inner)
            head += "^{-1}"
            head = parens(head) if entry.indices else head
        else:
            head = self.exprs.print(base)
            if entry.indices and (not isinstance(base, Call) or base.kind is not None):
                head = parens(head)
        return head + (_subscript(entry.indices) if entry.indices else "")

    def poly(self, poly: Poly) -> str:
        return join_terms([self.term(term) for term in poly.terms])

    def term(self, term: Term) -> str:
        factors = [self.factor(f) for f in term.factors]
        magnitude = abs(term.coeff)
        if magnitude != 1 or not factors:
            factors.insert(0, number_to_latex(magnitude))
        body = " ".join(factors)
        sums = "".join(rf"\sum_{{{i}}} " for i in term.summed)
        return ("-" if term.coeff < 0 else "") + sums + body

    def factor(self, factor: Factor) -> str:
        match factor:
            case Entry():
                return self.entry(factor)
            case Delta(a=a, b=b):
                return r"\delta" + _subscript((a, b))
            case Size(dim=dim):
                return dim_to_latex(dim)
            case Group(poly=poly):
                return parens(self.poly(poly))
            case Apply(func="sqrt", arg=arg):
                return r"\sqrt{" + self.poly(arg) + "}"
            case Apply(func=func, arg=arg, kind=str(kind)):
                head = name_to_latex(base_name(func, kind)) + ("'" if kind == "derivative" else "")
                return head + argument_parens(self.poly(arg))
            case Apply(func=func, arg=arg):
                return call_latex(func, self.poly(arg))
            case Power(base=base, exponent=exponent):
                return self.power(base, exponent)
        raise TypeError(type(factor).__name__)

    def power(self, base: Poly, exponent: Fraction) -> str:
        inner = self.poly(base)
        simple = len(base.terms) == 1 and len(base.terms[0].factors) == 1 and (
            base.terms[0].coeff == 1 and not base.terms[0].summed
        )
        if exponent == Fraction(1, 2):
            return r"\sqrt{" + inner + "}"
        if not simple:
            inner = parens(inner)
        return inner + "^{" + number_to_latex(exponent) + "}"

    def written(self, terms: tuple[Poly | None, ...]) -> str:
        parts = [r"\cdots" if t is None else self.poly(t) for t in terms]
        return " + ".join(parts)
