"""Index-form IR: one element of a matrix expression as a sum of products of scalar factors.

This is the notes' "single element" view (y_i = sum_j W_ij x_j), and the engine's working form:
a `Poly` is a sum of `Term`s; a term is a rational coefficient times factors, summed over some
indices. Factors are entries of symbols or of opaque matrix expressions (`inv(X)[i,k]`), Kronecker
deltas, dimension sizes, parenthesised sub-sums (`Group`), elementwise functions (`Apply`) and
constant powers (`Power`). Index names are unique per derivation, so no capture can occur.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from msgspec import Struct, field

from derive.expr.nodes import Dim, Expr, Symbol, symbols_in
from derive.records import AnnotatedRecord


class Entry(Struct, frozen=True):
    """Entry `indices` of `base`: A[i,j], x[i] (vectors take one index), s[] for a scalar."""

    base: Expr
    indices: tuple[str, ...]


class Delta(Struct, frozen=True):
    """The Kronecker delta δ_ab."""

    a: str
    b: str


class Size(Struct, frozen=True):
    """The size of a dimension, from Σ_k δ_kk = n."""

    dim: Dim


class Group(Struct, frozen=True):
    """A parenthesised sum used as one factor, e.g. (Σ_l A_kl x_l - b_k)."""

    poly: Poly


class Written(Struct, frozen=True):
    """The user's own matrix sub-expression behind an argument, with the axes it was indexed by.

    Reassembly prints `σ(W @ x + b)` from it instead of rebuilding the argument from entries.
    """

    expr: Expr
    axes: tuple[str | None, str | None]

    def renamed(self, mapping: Mapping[str, str]) -> Written:
        """The same sub-expression with its axes renamed."""
        rows, cols = self.axes
        return Written(
            self.expr,
            (mapping.get(rows, rows) if rows else None, mapping.get(cols, cols) if cols else None),
        )


class Apply(AnnotatedRecord, frozen=True):
    """A scalar function of a scalar index expression: exp(x_i), σ(Σ_j W_ij x_j)."""

    not_compared = ("source",)

    func: str
    arg: Poly
    source: Written | None = None
    kind: str | None = None
    """None for a built-in; 'elementwise' or 'derivative' for a declared function f, f'."""


class Power(Struct, frozen=True):
    """A constant power of a scalar index expression."""

    base: Poly
    exponent: Fraction


Factor = Entry | Delta | Size | Group | Apply | Power


class Term(Struct, frozen=True):
    """coeff · Π factors, summed over `summed` (in order of appearance)."""

    coeff: Fraction
    factors: tuple[Factor, ...] = ()
    summed: tuple[str, ...] = ()


class Poly(Struct, frozen=True):
    """A sum of terms; the empty sum is zero."""

    terms: tuple[Term, ...] = ()

    def is_zero(self) -> bool:
        """Whether this is the empty sum."""
        return not self.terms


class IndexSpace(Struct, frozen=True):
    """The range (dimension) of every index name used in a derivation."""

    ranges: Mapping[str, Dim] = field(default_factory=dict)

    def dim(self, index: str) -> Dim:
        """The dimension an index runs over."""
        return self.ranges[index]


ZERO = Poly()
ONE = Poly((Term(Fraction(1)),))


def constant(value: Fraction | int) -> Poly:
    """The constant polynomial `value`."""
    return Poly((Term(Fraction(value)),)) if value else ZERO


def single(factor: Factor) -> Poly:
    """The polynomial made of one factor."""
    return Poly((Term(Fraction(1), (factor,)),))


def entry(name: str, *indices: str) -> Poly:
    """Shorthand for the entry of a symbol, used in doctests and tests."""
    return single(Entry(Symbol(name), tuple(indices)))


def add(*polys: Poly) -> Poly:
    """Sum of polynomials (terms concatenated, nothing merged)."""
    return Poly(tuple(term for poly in polys for term in poly.terms))


def scale(poly: Poly, factor: Fraction | int) -> Poly:
    """Multiply every term's coefficient by `factor`."""
    if not factor:
        return ZERO
    return Poly(tuple(Term(t.coeff * factor, t.factors, t.summed) for t in poly.terms))


def multiply(left: Poly, right: Poly) -> Poly:
    """Distribute a product of two sums into a sum of products."""
    return Poly(
        tuple(
            Term(a.coeff * b.coeff, a.factors + b.factors, a.summed + b.summed)
            for a in left.terms
            for b in right.terms
        )
    )


def as_factor(poly: Poly) -> Poly:
    """`poly` as something to multiply by: itself when it is one term, else one Group factor."""
    if len(poly.terms) <= 1:
        return poly
    return single(Group(poly))


def sum_over(poly: Poly, indices: Iterable[str]) -> Poly:
    """Wrap every term of `poly` in sums over `indices`."""
    extra = tuple(indices)
    return Poly(tuple(Term(t.coeff, t.factors, t.summed + extra) for t in poly.terms))


def factor_indices(factor: Factor) -> tuple[str, ...]:
    """The free indices a factor mentions, in order, with repeats removed."""
    match factor:
        case Entry(indices=indices):
            return tuple(dict.fromkeys(indices))
        case Delta(a=a, b=b):
            return tuple(dict.fromkeys((a, b)))
        case Size():
            return ()
        case Group(poly=poly) | Apply(arg=poly) | Power(base=poly):
            return free_indices(poly)
    raise TypeError(type(factor).__name__)


def term_indices(term: Term) -> tuple[str, ...]:
    """The free indices of one term, in order of first appearance."""
    seen: dict[str, None] = {}
    for factor in term.factors:
        for index in factor_indices(factor):
            if index not in term.summed:
                seen.setdefault(index)
    return tuple(seen)


def free_indices(poly: Poly) -> tuple[str, ...]:
    """The free indices of a polynomial, in order of first appearance."""
    seen: dict[str, None] = {}
    for term in poly.terms:
        for index in term_indices(term):
            seen.setdefault(index)
    return tuple(seen)


def rename(poly: Poly, mapping: Mapping[str, str]) -> Poly:
    """Rename indices in every term, the terms' own summed indices included."""
    return Poly(tuple(rename_term(t, mapping) for t in poly.terms))


def rename_term(term: Term, mapping: Mapping[str, str]) -> Term:
    """Rename indices in one term: its summed list, its factors, and free uses inside groups."""
    return Term(
        term.coeff,
        tuple(rename_factor(f, mapping) for f in term.factors),
        tuple(mapping.get(i, i) for i in term.summed),
    )


def _rename_free(poly: Poly, mapping: Mapping[str, str]) -> Poly:
    """Rename only free uses: an index a nested term sums over is a different, bound index."""
    renamed = []
    for term in poly.terms:
        visible = {k: v for k, v in mapping.items() if k not in term.summed}
        renamed.append(rename_term(term, visible) if visible else term)
    return Poly(tuple(renamed))


def rename_factor(factor: Factor, mapping: Mapping[str, str]) -> Factor:
    """Rename indices in one factor (free uses only, inside nested sums)."""
    match factor:
        case Entry(base=base, indices=indices):
            return Entry(base, tuple(mapping.get(i, i) for i in indices))
        case Delta(a=a, b=b):
            return Delta(mapping.get(a, a), mapping.get(b, b))
        case Size():
            return factor
        case Group(poly=poly):
            return Group(_rename_free(poly, mapping))
        case Apply(func=func, arg=arg, source=source, kind=kind):
            renamed = source and source.renamed(mapping)
            return Apply(func, _rename_free(arg, mapping), renamed, kind)
        case Power(base=base, exponent=exponent):
            return Power(_rename_free(base, mapping), exponent)
    raise TypeError(type(factor).__name__)


def indices_in_order(poly: Poly) -> list[str]:
    """Every index name, free or bound, in order of first appearance among the factors."""
    seen: dict[str, None] = {}
    for term in poly.terms:
        for factor in term.factors:
            match factor:
                case Entry(indices=indices):
                    names = list(indices)
                case Delta(a=a, b=b):
                    names = [a, b]
                case Group(poly=inner) | Apply(arg=inner) | Power(base=inner):
                    names = indices_in_order(inner)
                case _:
                    names = []
            for name in names:
                seen.setdefault(name)
        for name in term.summed:
            seen.setdefault(name)
    return list(seen)


def rename_everywhere(poly: Poly, mapping: Mapping[str, str]) -> Poly:
    """Rename indices at every depth, bound ones included (for a one-to-one renaming)."""
    return Poly(
        tuple(
            Term(
                t.coeff,
                tuple(_rename_factor_everywhere(f, mapping) for f in t.factors),
                tuple(mapping.get(i, i) for i in t.summed),
            )
            for t in poly.terms
        )
    )


def _rename_factor_everywhere(factor: Factor, mapping: Mapping[str, str]) -> Factor:
    match factor:
        case Group(poly=poly):
            return Group(rename_everywhere(poly, mapping))
        case Apply(func=func, arg=arg, source=source, kind=kind):
            renamed = source and source.renamed(mapping)
            return Apply(func, rename_everywhere(arg, mapping), renamed, kind)
        case Power(base=base, exponent=exponent):
            return Power(rename_everywhere(base, mapping), exponent)
    return rename_factor(factor, mapping)


def mentions(poly: Poly, name: str) -> bool:
    """Whether the symbol `name` occurs anywhere in `poly` (inside opaque bases too)."""
    return any(factor_mentions(f, name) for term in poly.terms for f in term.factors)


def factor_mentions(factor: Factor, name: str) -> bool:
    """Whether the symbol `name` occurs in one factor (inside opaque bases and groups too)."""
    match factor:
        case Entry(base=base):
            return name in symbols_in(base)
        case Group(poly=inner) | Apply(arg=inner) | Power(base=inner):
            return mentions(inner, name)
    return False
