"""Summation removal: collapse Kronecker deltas against summed indices.

`Σ_k A_ik δ_kj = A_ij`; `δ_kk = 1`, so `Σ_k δ_kk = n`; a delta between two free indices stays
(it becomes `I` or `diag` in matrix form). Works inside groups and function arguments too,
then merges terms that differ only in their coefficient.
"""

from __future__ import annotations

from fractions import Fraction

from derive.expr.terms import (
    Apply,
    Delta,
    Factor,
    Group,
    IndexSpace,
    Poly,
    Power,
    Size,
    Term,
    factor_indices,
    rename_term,
)
from derive.expr.termtext import factor_to_text, term_to_text


def remove_sums(poly: Poly, space: IndexSpace) -> Poly:
    """Collapse every delta that meets a summed index, recursively, and merge like terms.

    Example:
        >>> from derive.expr.terms import entry, multiply, single, sum_over
        >>> from derive.expr.termtext import poly_to_text
        >>> p = sum_over(multiply(entry("W", "i", "j"), single(Delta("j", "k"))), ["j"])
        >>> poly_to_text(remove_sums(p, IndexSpace({"i": "m", "j": "n", "k": "n"})))
        'W[i,k]'
    """
    terms = [_merge_powers(_collapse(_inner(term, space), space)) for term in poly.terms]
    return collect_terms(Poly(tuple(t for t in terms if t.coeff != 0 and not _has_zero(t))))


def _has_zero(term: Term) -> bool:
    """Whether a factor cancelled to nothing: x_i (δ_ij - δ_ij) is zero, not a term."""
    return any(isinstance(f, Group) and f.poly.is_zero() for f in term.factors)


def _inner(term: Term, space: IndexSpace) -> Term:
    return Term(term.coeff, tuple(_inner_factor(f, space) for f in term.factors), term.summed)


def _inner_factor(factor: Factor, space: IndexSpace) -> Factor:
    match factor:
        case Group(poly=poly):
            return Group(remove_sums(poly, space))
        case Apply(func=func, arg=arg, source=source, kind=kind):
            return Apply(func, remove_sums(arg, space), source, kind)
        case Power(base=base, exponent=exponent):
            return Power(remove_sums(base, space), exponent)
    return factor


def _collapse(term: Term, space: IndexSpace) -> Term:
    changed = True
    while changed:
        changed = False
        for position, factor in enumerate(term.factors):
            if not isinstance(factor, Delta):
                continue
            a, b = factor.a, factor.b
            others = term.factors[:position] + term.factors[position + 1 :]
            if a == b:
                # δ_kk = 1 for every k; a sum over k that nothing else mentions becomes its
                # range below (Σ_k δ_kk = n), while Σ_k x_k δ_kk stays Σ_k x_k.
                term = Term(term.coeff, others, term.summed)
            elif b in term.summed or a in term.summed:
                gone, kept = (b, a) if b in term.summed else (a, b)
                summed = tuple(i for i in term.summed if i != gone)
                term = rename_term(Term(term.coeff, others, summed), {gone: kept})
            else:
                continue
            changed = True
            break
    # A sum over an index that no factor mentions multiplies by the index's range.
    used = {i for f in term.factors for i in factor_indices(f)}
    idle = [i for i in term.summed if i not in used]
    if idle:
        sizes = tuple(Size(space.dim(i)) for i in idle)
        term = Term(term.coeff, term.factors + sizes, tuple(i for i in term.summed if i in used))
    return term


def _merge_powers(term: Term) -> Term:
    """Equal factors of a term combine into one power: σ⁻¹ · σ = 1, x_i · x_i = x_i²."""
    merged: dict[str, tuple[Factor, Fraction]] = {}
    order: list[str] = []
    for factor in term.factors:
        base, exponent = factor, Fraction(1)
        if isinstance(factor, Power) and len(factor.base.terms) == 1:
            (only,) = factor.base.terms
            if only.coeff == 1 and not only.summed and len(only.factors) == 1:
                base, exponent = only.factors[0], factor.exponent
        if isinstance(base, Delta):
            key = f"#{len(order)}"  # deltas stay separate: remove_sums reads them one by one
        else:
            key = factor_to_text(base)
        if key in merged:
            merged[key] = (base, merged[key][1] + exponent)
        else:
            merged[key] = (base, exponent)
            order.append(key)
    factors: list[Factor] = []
    for key in order:
        base, exponent = merged[key]
        if exponent == 0:
            continue
        factors.append(base if exponent == 1 else Power(Poly((Term(Fraction(1), (base,)),)),
                                                        exponent))
    return Term(term.coeff, tuple(factors), term.summed)


def collect_terms(poly: Poly) -> Poly:
    """Merge terms that are equal but for their coefficient, keeping first-appearance order."""
    merged: dict[str, Term] = {}
    for term in poly.terms:
        key = term_to_text(Term(Fraction(1), term.factors, term.summed))
        if key in merged:
            old = merged[key]
            merged[key] = Term(old.coeff + term.coeff, old.factors, old.summed)
        else:
            merged[key] = term
    return Poly(tuple(t for t in merged.values() if t.coeff != 0))
