"""The engine's output as plain data: steps of prose and math objects, and the verified result.

Nothing here knows LaTeX or Markdown; `derive.render` turns these objects into text. Math objects
are front-end expressions (`Expr`, matrix form), index-form polynomials (`Poly`), and the few
display-only shapes below (`Partial`, `Relation`, `WrittenOut`).
"""

from __future__ import annotations

from enum import Enum

from msgspec import Struct

from derive.expr.nodes import Dim, Expr, Symbol
from derive.expr.terms import Entry, IndexSpace, Poly
from derive.problem import Problem


class StepKind(Enum):
    """What a step does; templates are chosen by the value (steps/<value>.<ext>.j2)."""

    SETUP = "setup"
    INDEX_EXPANSION = "index_expansion"
    SUMMATION_REMOVAL = "summation_removal"
    CONCRETE_ELEMENT = "concrete_element"
    CHAIN_RULE = "chain_rule"
    LOCAL_DERIVATIVE = "local_derivative"
    BACKWARD_PASS = "backward_pass"
    REASSEMBLY = "reassembly"
    CHECK = "check"
    FREE_AND_SUMMED = "free_and_summed"
    REORDER_FACTORS = "reorder_factors"
    RECOGNITION = "recognition"
    MATRIX_FORM = "matrix_form"
    EQUIVALENT_FORMS = "equivalent_forms"


class Layout(Enum):
    """How the entries of a derivative are arranged."""

    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    MIXED = "mixed"


class Partial(Struct, frozen=True):
    """∂ numerator / ∂ denominator, each an entry or an expression."""

    numerator: MathObject
    denominator: MathObject


class Relation(Struct, frozen=True):
    """parts[0] = parts[1] = ... (a chain of equalities)."""

    parts: tuple[MathObject, ...]


class WrittenOut(Struct, frozen=True):
    """A sum written out term by term; None stands for an ellipsis (⋯)."""

    terms: tuple[Poly | None, ...]


class ShapeOf(Struct, frozen=True):
    """'name ∈ R^{rows×cols}', stating the shape of an object."""

    subject: MathObject
    dims: tuple[Dim, ...]


class ChainSum(Struct, frozen=True):
    """Σ over `summed` of the product of `factors`, one summand per path through the chain."""

    terms: tuple[tuple[tuple[str, ...], tuple[MathObject, ...]], ...]


class Dims(Struct, frozen=True):
    """A size such as m×n (or n), stated in prose."""

    dims: tuple[Dim, ...]


class Listing(Struct, frozen=True):
    """Several math objects on one line, separated by commas."""

    items: tuple[MathObject, ...]


MathObject = (
    Expr | Poly | Entry | Partial | Relation | WrittenOut | ShapeOf | ChainSum | Dims | Listing
)


class Math(Struct, frozen=True):
    """Inline math inside prose."""

    obj: MathObject


Prose = tuple[str | Math, ...]


class Step(Struct, frozen=True):
    """One step of a worked solution: a title, a sentence or two, displayed equations."""

    kind: StepKind
    title: str
    prose: Prose
    equations: tuple[MathObject, ...] = ()


class Verification(Struct, frozen=True):
    """The outcome of the numeric check of a result against finite differences.

    `tolerance` is the relative agreement the check enforces (what the steps state; the
    measured rounding error depends on the CPU and is not kept). `reason` says why no point
    could be checked when `draws` is 0.
    """

    passed: bool
    seed: int
    sizes: tuple[tuple[str, int], ...]
    draws: int
    method: str = "central finite differences"
    tolerance: float = 1e-6
    reason: str | None = None
    stand_ins: tuple[tuple[int, int], ...] = ()
    """Large numeric dimensions and the small sizes they were checked at."""


def format_tolerance(tolerance: float) -> str:
    """A tolerance as people write it, the same on every machine.

    Example:
        >>> format_tolerance(1e-6), format_tolerance(2.5e-8)
        ('1e-6', '2.5e-8')
    """
    mantissa, exponent = f"{tolerance:.1e}".split("e")
    return f"{mantissa.removesuffix('.0')}e{int(exponent)}"


class ChainInfo(Struct, frozen=True):
    """What a chain-rule derivation adds: the definitions and the backprop form.

    `deltas` are δ_v = ∂ℓ/∂v in the order they are computed (from the output backwards);
    `backprop` is the answer in terms of them, `in_intermediates` in terms of the definitions'
    names, and the Derivation's `result` has everything substituted.
    """

    definitions: tuple[tuple[str, Expr], ...]
    deltas: tuple[tuple[str, Expr], ...]
    backprop: Expr | None
    in_intermediates: Expr | None


class Derivation(Struct, frozen=True):
    """A solved derivative: the element formula, the matrix form and the steps that got there.

    `indices` are the element formula's free indices (output's first, then the variable's).
    `result` is None when the derivative has three or more axes; `compact` then holds the
    compact 2-D form where one exists.
    """

    problem: Problem
    wrt: str
    layout: Layout
    output: Symbol
    element: Poly
    indices: tuple[str, ...]
    space: IndexSpace
    result: Expr | None
    shape: tuple[Dim, ...]
    compact: Expr | None
    steps: tuple[Step, ...]
    verification: Verification
    chain: ChainInfo | None = None
    compact_repeated: tuple[Dim, Dim] | None = None
    """The shape of the compact form with its repeated rows or columns written out (1ₘ vᵀ for
    vᵀ), which a teacher's answer may also have."""
