"""The worked steps of `derive vectorize`, as plain data (`engine.steps.Step`).

Name the free and summed indices; reorder each term's factors so every summed index sits
between the two factors that share it, transposing entries met backwards; name the matrix
operations recognised; state the answer (and when it is the transpose of the natural reading);
list equivalent forms; report the numeric check.
"""

from __future__ import annotations

from fractions import Fraction

from msgspec import Struct

from derive.engine.steps import (
    Math,
    MathObject,
    Relation,
    ShapeOf,
    Step,
    StepKind,
    format_tolerance,
)
from derive.expr.nodes import Call, Expr, MatMul, Mul, Ones, Symbol, Transpose, children
from derive.expr.shapes import Shape, infer_shape, is_scalar
from derive.expr.terms import Delta, Entry, Factor, Poly, Term, factor_indices
from derive.vectorization.solve import Work

OUTPUT_NAMES = ("R", "Y", "Z", "C", "M")


def output_name(work: Work) -> str:
    """A name for the result that no symbol of the exercise uses."""
    for name in OUTPUT_NAMES:
        if name not in work.problem.shapes:
            return name
    return "result"


class Vectorized(Struct, frozen=True):
    """A solved vectorize question as plain data: the work and its worked steps (what a
    `Derivation` is to a derivative)."""

    work: Work
    steps: tuple[Step, ...]
    output: str


def explain(work: Work, name: str | None = None) -> Vectorized:
    """The worked steps for a finished vectorization; the result is called `name` when given
    (the exercise's `name:`), else a letter no symbol of the exercise uses."""
    output = Symbol(name or output_name(work))
    return Vectorized(work, (
        _indices(work, output),
        _reorder(work, output),
        _recognition(work, output),
        _answer(work, output),
        *([_equivalent(work, output)] if work.equivalent else []),
        _check(work),
    ), output.name)


def _element(work: Work, output: Symbol) -> Entry:
    return Entry(output, work.problem.free)


def _join(items: list[str | Math]) -> list[str | Math]:
    parts: list[str | Math] = []
    for position, item in enumerate(items):
        if position:
            parts.append(" and " if position == len(items) - 1 else ", ")
        parts.append(item)
    return parts


def _ranges(work: Work, indices: tuple[str, ...]) -> list[str | Math]:
    return _join([f"{i} (1 to {work.problem.space.dim(i)})" for i in indices])


def _indices(work: Work, output: Symbol) -> Step:
    problem = work.problem
    prose: list[str | Math] = []
    if problem.free:
        prose += ["The free indices "] if len(problem.free) > 1 else ["The free index "]
        prose += _ranges(work, problem.free)
        prose += [" name" if len(problem.free) > 1 else " names", " the entry ",
                  Math(_element(work, output)), " of the result, so ", Math(output),
                  f" is {_kind(work.shape)}. "]
    else:
        prose += ["There is no free index, so the result ", Math(output), " is a scalar. "]
    if problem.summed:
        prose += ["Summed: "] + _ranges(work, problem.summed) + ["."]
    else:
        prose.append("Nothing is summed.")
    equations: tuple[MathObject, ...] = (
        Relation((_element(work, output), problem.poly)),
        ShapeOf(output, work.shape),
    )
    return Step(StepKind.FREE_AND_SUMMED, "Free and summed indices", tuple(prose), equations)


def _kind(shape: tuple[object, object]) -> str:
    if shape == (1, 1):
        return "a scalar"
    if shape[1] == 1:
        return "a column vector"
    return "a matrix"


def _reorder(work: Work, output: Symbol) -> Step:
    first = work.arrangement[0]
    terms = [_chain(term, first) for term in work.collapsed.terms]
    reordered = Poly(tuple(term for term, _ in terms))
    flipped = sorted({name for _, names in terms for name in names})
    prose: list[str | Math] = [
        "Scalars commute, so order each product so that every summed index sits between the "
        "two factors that share it, as in a chain: the second index of one factor is "
        "the first index of the next.",
    ]
    if _has_delta(work.problem.poly):
        prose.append(" A delta inside a sum replaces the summed index by its partner.")
    if flipped:
        prose += [" An entry met with its indices the other way round is an entry of the "
                  "transpose: "]
        prose += _join([Math(Transpose(Symbol(name))) for name in flipped])
        prose.append(".")
    equation = Relation((_element(work, output), reordered))
    return Step(StepKind.REORDER_FACTORS, "Reorder the factors", tuple(prose), (equation,))


def _has_delta(poly: Poly) -> bool:
    return any(isinstance(f, Delta) for t in poly.terms for f in t.factors)


def _chain(term: Term, first: str | None) -> tuple[Term, list[str]]:
    """The term's factors as a chain from the first free index; entries met backwards flip."""
    loose = [f for f in term.factors if not factor_indices(f)]
    rest = [f for f in term.factors if factor_indices(f)]
    ordered: list[Factor] = []
    flipped: list[str] = []
    current = first
    while rest:
        position = next((p for p, f in enumerate(rest) if current in factor_indices(f)), 0)
        factor = rest.pop(position)
        if (
            isinstance(factor, Entry) and isinstance(factor.base, Symbol)
            and len(factor.indices) == 2 and factor.indices[1] == current
            and factor.indices[0] != current
        ):
            flipped.append(factor.base.name)
            factor = Entry(Transpose(factor.base), factor.indices[::-1])
        ordered.append(factor)
        current = factor_indices(factor)[-1]
    return Term(term.coeff, tuple(loose + ordered), term.summed), flipped


def _operations(expr: Expr, shapes: dict[str, Shape]) -> list[str]:
    found: list[str] = []

    def shape(e: Expr) -> Shape:
        return infer_shape(e, shapes)

    def visit(e: Expr) -> None:
        match e:
            case Call(func="tr"):
                found.append("a trace (a summed index repeated in one factor)")
            case Call(func="diag"):
                found.append("diag (a vector meeting a matrix or a delta at a free index)")
            case Call(func="sum"):
                found.append("a sum of all entries (a summed index in one factor only)")
            case MatMul(right=Ones()) | MatMul(left=Transpose(operand=Ones())):
                found.append("a product with the ones vector (a row or column sum)")
            case MatMul(left=left, right=Transpose(operand=right)) if (
                shape(left)[1] == 1 and shape(right)[1] == 1 and not is_scalar(shape(left))
            ):
                found.append("an outer product (two vectors with different free indices)")
            case MatMul():
                found.append("a matrix product (a summed index shared by two factors)")
            case Mul(left=left, right=right) if not (
                is_scalar(shape(left)) or is_scalar(shape(right))
            ):
                found.append("a Hadamard product (factors with the same indices)")
        for child in children(e):
            visit(child)

    visit(expr)
    return list(dict.fromkeys(found))


def _recognition(work: Work, output: Symbol) -> Step:
    shapes = dict(work.problem.shapes)
    operations = _operations(work.raw, shapes)
    prose: list[str | Math] = []
    if operations:
        prose += ["Read the chains as matrix operations: "]
        prose += _join(list(operations)) + ["."]
    else:
        prose.append("Each term is a single entry, so no product needs to be formed.")
    return Step(StepKind.RECOGNITION, "Recognise the matrix operations", tuple(prose),
                (Relation((output, work.raw)),))


def _answer(work: Work, output: Symbol) -> Step:
    prose: list[str | Math] = []
    if work.natural is not None:
        prose += ["The entries read most naturally as ", Math(work.natural),
                  "; the result asked for is its transpose. "]
    prose += ["Simplified, the result is ", Math(work.answer), "."]
    return Step(StepKind.MATRIX_FORM, "The matrix form", tuple(prose),
                (Relation((output, work.answer)),))


def _equivalent(work: Work, output: Symbol) -> Step:
    many = len(work.equivalent) > 1
    prose: tuple[str | Math, ...] = (
        f"{'These forms are' if many else 'This form is'} equal to it as well "
        "(each checked numerically): ",
        *_join([Math(e) for e in work.equivalent]),
        ".",
    )
    return Step(StepKind.EQUIVALENT_FORMS, "Equivalent forms", prose,
                tuple(Relation((output, e)) for e in work.equivalent))


def _check(work: Work) -> Step:
    check = work.check
    sizes = ", ".join(f"{name} = {size}" for name, size in check.sizes)
    prose = (
        f"Check with random arrays: {'sizes ' + sizes + ', ' if sizes else ''}"
        f"two random draws (seed {check.seed}). The matrix form equals the index expression "
        f"entry by entry, to within a relative {format_tolerance(check.tolerance)}.",
    )
    return Step(StepKind.CHECK, "Check numerically", prose, ())


__all__ = ["Fraction", "Vectorized", "explain", "output_name"]
