"""Build the worked steps of a derivation from its intermediate forms.

Follows the method of the notes: state what is computed and its shape; write one element in
index notation; remove the summation and differentiate; reassemble the matrix in the chosen
layout; check numerically. Short sentences, one idea each, indices named, shapes stated.
"""

from __future__ import annotations

from collections.abc import Callable

from derive.engine.solve import Work, result_shape
from derive.engine.steps import (
    Dims,
    Listing,
    Math,
    MathObject,
    Partial,
    Relation,
    ShapeOf,
    Step,
    StepKind,
    Verification,
    WrittenOut,
    format_tolerance,
)
from derive.engine.textbook import term_forms
from derive.expr.nodes import (
    Add,
    Call,
    Dim,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Sub,
    Symbol,
    Transpose,
    children,
    symbols_in,
)
from derive.expr.shapes import infer_shape, is_scalar, kind_of
from derive.expr.terms import Entry, Poly, Term, factor_mentions, rename, rename_term
from derive.expr.termtext import poly_to_text

_KIND_ARTICLE = {"scalar": "a scalar", "column vector": "a column vector",
                 "row vector": "a row vector", "matrix": "a matrix"}


def explain(work: Work, element: tuple[int, ...] | None = None) -> tuple[Step, ...]:
    """The worked steps for a finished derivation (plus a concrete entry when `element`)."""
    steps = [_setup(work), _expansion(work), _summation(work)]
    if element is not None:
        steps.append(_concrete(work, element))
    steps += [_reassembly(work), _check(work)]
    return tuple(steps)


def _concrete(work: Work, element: tuple[int, ...]) -> Step:
    """The same walk-through for one concrete entry, e.g. ∂y_3/∂x_7 = W_37."""
    names = [i for i in work.out_indices + work.var_indices if i is not None]
    values = dict(zip(names, (str(v) for v in element), strict=True))
    y, x = work.output, Symbol(work.wrt)
    a = Entry(y, tuple(values[i] for i in work.out_indices if i is not None))
    b = Entry(x, tuple(values[i] for i in work.var_indices if i is not None))
    expanded = rename(work.expanded, values)
    equations: list[MathObject] = [Relation((a, expanded))]
    written = _written_out(work)
    prose: list[str | Math] = [
        "The same steps for one concrete entry, ", Math(Partial(a, b)), ". ",
    ]
    if written is not None:
        concrete = WrittenOut(tuple(None if t is None else rename(t, values)
                                    for t in written.terms))
        equations.append(Relation((a, concrete)))
        prose += ["Only the term containing ", Math(b), " survives the differentiation. "]
    equations.append(Relation((Partial(a, b), rename(work.element, values))))
    return Step(StepKind.CONCRETE_ELEMENT, "One concrete entry", tuple(prose), tuple(equations))


def _entry(symbol: Symbol, indices: tuple[str | None, str | None]) -> Entry:
    return Entry(symbol, tuple(i for i in indices if i is not None))


def _setup(work: Work) -> Step:
    problem = work.problem
    y, x = work.output, Symbol(work.wrt)
    out_kind, var_kind = kind_of(problem.shape), kind_of(problem.shapes[work.wrt])
    prose: list[str | Math] = [
        "We differentiate ", _KIND_ARTICLE[out_kind], " ", Math(y),
        " with respect to ", _KIND_ARTICLE[var_kind], " ", Math(x), ". ",
    ]
    derivative = Partial(y, x)
    if work.arrangement is None:
        axes = sum(i is not None for i in work.out_indices + work.var_indices)
        prose += [
            "Each entry of ", Math(y), " can change with each entry of ", Math(x),
            f", so the derivative has {axes} axes and does not fit in a matrix. "
            "We work with its entries and look for a compact form.",
        ]
    elif out_kind == "scalar" and var_kind == "scalar":
        prose += ["Both are scalars, so this is an ordinary derivative."]
    else:
        row, col = work.arrangement
        a = _entry(y, work.out_indices)
        b = _entry(x, work.var_indices)
        position = ", ".join(i for i in (row, col) if i is not None)
        rows, cols = result_shape(work)
        prose += [
            f"In {work.layout.value} layout, entry ({position}) of ", Math(derivative),
            " is ", Math(Partial(a, b)), ", so the result is ", Math(Dims((rows, cols))), ".",
        ]
    shown = _symbols_in_order(problem.expr) + [work.wrt]
    shapes: list[MathObject] = [ShapeOf(Symbol(n), s) for n, s in problem.shapes.items()
                                if n in shown]
    shapes.append(ShapeOf(y, problem.shape))
    equations: list[MathObject] = [Relation((y, problem.expr)), Listing(tuple(shapes))]
    return Step(StepKind.SETUP, "What we compute", tuple(prose), tuple(equations))


def _symbols_in_order(expr: Expr) -> list[str]:
    if isinstance(expr, Symbol):
        return [expr.name]
    names: list[str] = []
    for child in children(expr):
        names += [n for n in _symbols_in_order(child) if n not in names]
    return names


def _ranges(work: Work, indices: list[str]) -> list[str | Math]:
    parts: list[str | Math] = []
    for position, index in enumerate(indices):
        parts += [Math(Symbol(index)), " runs from 1 to ", Math(Dims((work.space.dim(index),)))]
        parts.append("; " if position < len(indices) - 1 else ". ")
    return parts


def _summed(poly: Poly) -> list[str]:
    seen: dict[str, None] = {}
    for term in poly.terms:
        for index in term.summed:
            seen.setdefault(index)
    return list(seen)


def _expansion(work: Work) -> Step:
    y = work.output
    free = [i for i in work.out_indices if i is not None]
    summed = _summed(work.expanded)
    prose: list[str | Math] = []
    if free:
        prose += ["Write one scalar element of ", Math(y), " using scalar entries only. "]
        prose += _ranges(work, free)
    else:
        prose += [Math(y), " is a scalar, so there is one element: write it with scalar entries. "]
    if summed:
        prose += ["The summation index "] if len(summed) == 1 else ["Summation indices: "]
        prose += _ranges(work, summed)
    equation = Relation((_entry(y, work.out_indices), work.expanded))
    return Step(StepKind.INDEX_EXPANSION, "One element in index notation", tuple(prose),
                (equation,))


def _written_out(work: Work) -> WrittenOut | None:
    """y_i = W_i1 x_1 + ⋯ + W_ik x_k + ⋯ + W_iD x_D, for one sum over a vector's entries."""
    var = [i for i in work.var_indices if i is not None]
    terms = work.expanded.terms
    if len(var) != 1 or len(terms) != 1 or len(terms[0].summed) != 1:
        return None
    term = terms[0]
    (summed,) = term.summed
    hits = [f for f in term.factors
            if isinstance(f, Entry) and f.base == Symbol(work.wrt) and f.indices == (summed,)]
    if not hits:
        return None
    def at(value: str) -> Poly:
        return Poly((rename_term(Term(term.coeff, term.factors), {summed: value}),))
    last = str(work.space.dim(summed))
    return WrittenOut((at("1"), None, at(var[0]), None, at(last)))


def _summation_title(work: Work) -> str:
    if _summed(work.expanded):
        return "Remove the summation and differentiate"
    return "Differentiate one entry"


def _summation(work: Work) -> Step:
    y, x = work.output, Symbol(work.wrt)
    a = _entry(y, work.out_indices)
    b = _entry(x, work.var_indices)
    if work.element.is_zero():
        if work.wrt in symbols_in(work.problem.expr):
            reason: list[str | Math] = ["The terms that contain it cancel: "]
        else:
            reason = ["No element of ", Math(y), " contains an entry of ", Math(x), ": "]
        prose: list[str | Math] = [
            "Differentiate with respect to one entry ", Math(b), ". ", *reason,
            Math(y), " does not depend on ", Math(x), ", so every partial derivative is 0.",
        ]
        return Step(StepKind.SUMMATION_REMOVAL, "Remove the summation and differentiate",
                    tuple(prose), (Relation((Partial(a, b), work.element)),))
    prose = ["Differentiate with respect to one entry ", Math(b), ". "]
    new_indices = [i for i in work.var_indices if i is not None and i not in work.out_indices]
    if new_indices:
        prose += _ranges(work, new_indices)
    equations: list[MathObject] = []
    written = _written_out(work)
    if written is not None:
        (summed,) = work.expanded.terms[0].summed
        prose += [
            "Write the sum out: only the term with ", Math(Symbol(summed)), " = ",
            Math(Symbol(b.indices[0])), " contains ", Math(b),
            "; every other term is a constant and its derivative is 0. ",
        ]
        equations.append(Relation((a, written)))
    else:
        holders = [f for t in work.expanded.terms for f in t.factors
                   if factor_mentions(f, work.wrt)]
        if len(holders) > 1:
            prose += ["By the product rule each factor that contains an entry of ", Math(x),
                      " is differentiated in turn. "]
        prose += [
            "The derivative of one entry by another is a Kronecker delta, 1 when the indices "
            "agree and 0 otherwise. ",
        ]
    if _summed(work.differentiated):
        prose += ["Each delta then collapses the sum over its index, keeping only that term."]
    chain: list[MathObject] = [Partial(a, b)]
    if poly_to_text(work.differentiated) != poly_to_text(work.element):
        chain.append(work.differentiated)
    chain.append(work.element)
    equations.append(Relation(tuple(chain)))
    return Step(StepKind.SUMMATION_REMOVAL, _summation_title(work),
                tuple(prose), tuple(equations))


def _recognitions(expr: Expr, scalar: Callable[[Expr], bool]) -> list[str]:
    found: list[str] = []

    def visit(node: Expr) -> None:
        match node:
            case MatMul():
                found.append("a sum over a shared index is a matrix product")
            case Transpose():
                found.append("indices met in reverse order give a transpose")
            case Call(func="diag"):
                found.append("a delta between the two free indices times an entry is diag(·)")
            case Call(func="tr"):
                found.append("a sum over a repeated index is a trace")
            case Mul(left=left, right=right) if not scalar(left) and not scalar(right):
                found.append("entries multiplied at the same position are a Hadamard product ⊙")
        for child in children(node):
            visit(child)

    visit(expr)
    return list(dict.fromkeys(found))


def _reassembly(work: Work) -> Step:
    y, x = work.output, Symbol(work.wrt)
    problem = work.problem
    derivative = Partial(y, x)
    if work.arrangement is None:
        return _reassembly_tensor(work)
    rows, cols = result_shape(work)
    assert work.result is not None
    shapes, symmetric_set = problem.shapes, _symmetric(work)
    forms = term_forms(list(work.raw_terms), shapes, symmetric_set)
    raw = _sum_of(forms) if forms else work.result
    prose: list[str | Math] = []
    row, col = work.arrangement
    if row or col:
        placed = [f"rows are indexed by {row}" if row else "", f"columns by {col}" if col else ""]
        prose += [
            "Put the entries back into a matrix. In ", work.layout.value, " layout the ",
            " and ".join(p for p in placed if p).replace("and columns", "and the columns"), ". ",
        ]
    else:
        prose += ["The derivative is a scalar, so there is nothing to arrange. "]
    notes = [] if work.element.is_zero() else _recognitions(
        raw, lambda e: is_scalar(_shape(work, e))
    )
    if notes:
        prose.append("Reading the entry formula: " + "; ".join(notes) + ". ")
    symmetric = [n for n, props in problem.assumptions.items() if "symmetric" in props]
    if symmetric and raw != work.result:
        names = [Math(Symbol(n)) for n in symmetric]
        prose += ["Since "] + _join(names) + [" is symmetric, a transpose of it equals itself. "]
    if work.wrt in symmetric:
        prose += [
            "This is the unconstrained gradient: each entry of ", Math(x),
            " is perturbed on its own, as finite differences and automatic differentiation do. "
            "If the pair of entries (p, q) and (q, p) is treated as one parameter, its derivative "
            "is the sum of the two entries of this matrix; that is where the 2G − diag(G) "
            "formula of some tables comes from. ",
        ]
    equations: list[MathObject] = []
    entry_indices = tuple(i for i in (row, col) if i is not None)
    single_entry = len(work.element.terms) == 1 and forms and _is_entry(
        work.element.terms[0], forms[0], entry_indices
    )
    if 1 < len(forms) <= 4 or (
        len(forms) == 1 and entry_indices and not _plain(forms[0]) and not single_entry
    ):
        prose.append("Term by term: ")
        for term, form in zip(work.element.terms, forms, strict=True):
            entry = Entry(form, entry_indices) if entry_indices else form
            equations.append(Relation((Poly((term,)), entry)))
    chain: list[MathObject] = [derivative]
    if raw != work.result:
        chain.append(raw)
    chain.append(work.result)
    equations += [Relation(tuple(chain)), ShapeOf(derivative, (rows, cols))]
    return Step(StepKind.REASSEMBLY, "Reassemble the matrix", tuple(prose), tuple(equations))


def _is_entry(term: Term, form: Expr, indices: tuple[str, ...]) -> bool:
    """The term is entry `indices` of `form` itself, e.g. (∇h(b))_i: reading it back repeats it."""
    if term.coeff != 1 or term.summed or len(term.factors) != 1:
        return False
    (factor,) = term.factors
    return isinstance(factor, Entry) and factor.base == form and factor.indices == indices


def _plain(expr: Expr) -> bool:
    """A symbol or its transpose: reading its entry back adds nothing."""
    if isinstance(expr, Transpose):
        expr = expr.operand
    return isinstance(expr, Symbol | Identity)


def _symmetric(work: Work) -> frozenset[str]:
    props = work.problem.assumptions
    return frozenset(n for n, p in props.items() if "symmetric" in p)


def _sum_of(forms: list[Expr]) -> Expr:
    total = forms[0]
    for form in forms[1:]:
        total = Sub(total, form.operand) if isinstance(form, Neg) else Add(total, form)
    return total


def _join(items: list[Math]) -> list[str | Math]:
    parts: list[str | Math] = []
    for position, item in enumerate(items):
        if position:
            parts.append(", " if position < len(items) - 1 else " and ")
        parts.append(item)
    return parts


def _shape(work: Work, expr: Expr) -> tuple[Dim, Dim]:
    return infer_shape(expr, work.problem.shapes)


def _reassembly_tensor(work: Work) -> Step:
    y, x = work.output, Symbol(work.wrt)
    a = _entry(y, work.out_indices)
    b = _entry(x, work.var_indices)
    shape = result_shape(work)
    prose: list[str | Math] = [
        f"The full derivative is an array of shape {'×'.join(str(d) for d in shape)} "
        f"({work.layout.value} layout); the formula above gives every entry. ",
    ]
    equations: list[MathObject] = [Relation((Partial(a, b), work.element))]
    if work.compact is not None:
        kept = work.compact.indices
        intro: list[str | Math] = ["Every entry with "]
        for position, (kept_index, gone) in enumerate(work.compact.pairs):
            intro += [" or " if position else "", Math(Symbol(gone)), " ≠ ",
                      Math(Symbol(kept_index))]
        intro.append(" is 0, because of the deltas. " if len(work.compact.pairs) > 1
                     else " is 0, because of the delta. ")
        gone_all = {gone for _, gone in work.compact.pairs}
        named = [i for i in work.out_indices + work.var_indices if i is not None]
        unused = [i for i in named if i not in kept and i not in gone_all]
        if unused:
            intro += ["The other entries do not depend on "] + _join(
                [Math(Symbol(i)) for i in unused]
            ) + [", so they repeat along it; by the usual convention we keep one copy. "
                 if len(unused) == 1 else
                 ", so they repeat along them; by the usual convention we keep one copy. "]
        compact_shape = _shape(work, work.compact.expr)
        what = "matrix" if 1 not in compact_shape else "vector"
        intro += [f"So the non-zero entries form a {what} ", Math(Symbol("G")), " indexed by "]
        prose += intro + _join([Math(Symbol(i)) for i in kept])
        prose.append(", the compact form of the derivative.")
        equations.append(Relation((Symbol("G"), work.compact.expr)))
        equations.append(ShapeOf(Symbol("G"), compact_shape))
    else:
        prose.append("It has no compact matrix form, so the entry formula is the answer.")
    return Step(StepKind.REASSEMBLY, "Arrange the entries", tuple(prose), tuple(equations))


def _check(work: Work) -> Step:
    v = work.verification
    forms = "the entry formula and the matrix"
    if work.result is None:
        forms = "the entry formula" + (" and the compact form" if work.compact else "")
    return Step(StepKind.CHECK, "Check numerically", check_prose(v, forms), ())


def check_prose(v: Verification, forms: str, extra: str = "") -> tuple[str | Math, ...]:
    """The sentence of a check step: sizes, draws, seed, method and the tolerance enforced."""
    prose: list[str | Math] = ["Check with random numbers: "]
    if v.sizes:
        prose.append("sizes ")
        for position, (name, size) in enumerate(v.sizes):
            prose += [", " if position else "", Math(Relation((Symbol(name), Dims((size,)))))]
        prose.append(", ")
    for number, size in v.stand_ins:
        prose.append(f"size {size} in place of {number}, ")
    prose.append(
        f"{v.draws} random draws (seed {v.seed}){extra}. {v.method.capitalize()} agree with "
        f"{forms} to within a relative {format_tolerance(v.tolerance)}."
    )
    return tuple(prose)


__all__ = ["explain"]
