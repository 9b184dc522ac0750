"""The keys of the notes' question kinds, read off a verified derivation.

`shape_key` gives a derivative's shape and the reason by the layout rule (the notes' shape
matching, step 2); `blanks_key` gives the chain rule's factors d□/d□ in the layout's order with
the shape of each; `select_key` judges the teacher's options and adds generated distractors.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence

from msgspec import Struct

from derive.engine.answers import derivative_shape
from derive.engine.choices import Criterion, Judge, Judged
from derive.engine.slips import Wanted, generate
from derive.engine.steps import Derivation
from derive.errors import DeriveError, UnsupportedError
from derive.expr.nodes import Dim, Expr, symbols_in
from derive.expr.parse import parse
from derive.expr.shapes import Shape, format_shape, infer_shape
from derive.expr.unparse import unparse


class ShapeKey(Struct, frozen=True):
    """The shape of a derivative, the reason, and other shapes a student might pick."""

    dims: tuple[Dim, ...]
    reason: str
    candidates: tuple[tuple[Dim, ...], ...]
    """The right shape first, then wrong ones (transposed, the output's, the variable's)."""


class Factor(Struct, frozen=True):
    """One factor d(of)/d(by) of a chain rule, with its shape in the layout."""

    of: str
    by: str
    dims: tuple[Dim, ...]


class BlanksKey(Struct, frozen=True):
    """The factors in the order the layout multiplies them, and the names to fill in from."""

    factors: tuple[Factor, ...]
    names: tuple[str, ...]
    reason: str


class SelectKey(Struct, frozen=True):
    """Every option judged: the teacher's in their order, then the generated ones."""

    options: tuple[Judged, ...]
    teacher_count: int
    """How many options come first from the teacher; the verified answer, when it is added
    (no teacher options), and the generated ones follow."""
    criterion: Criterion
    shortfall: int
    """How many generated options were asked for but could not be found."""


Asked = ShapeKey | BlanksKey | SelectKey


def summary(asked: Asked) -> str:
    """One line on a question's key, for `derive check`.

    Example:
        >>> summary(ShapeKey(("n", 1), "", (("n", 1),)))
        'shape n×1'
    """
    if isinstance(asked, ShapeKey):
        return f"shape {dims_text(asked.dims)}"
    if isinstance(asked, BlanksKey):
        return " ".join(f"d{f.of}/d{f.by}" for f in asked.factors)
    counts: dict[str, int] = {}
    for option in asked.options:
        counts[option.verdict] = counts.get(option.verdict, 0) + 1
    words = {"right": "right", "wrong_value": "wrong value", "wrong_shape": "wrong shape",
             "ill_formed": "ill-formed"}
    parts = [f"{counts[key]} {word}" for key, word in words.items() if key in counts]
    return f"{len(asked.options)} options: " + ", ".join(parts)


def dims_text(dims: Sequence[Dim]) -> str:
    """A shape as the notes write it: 'n', 'm×n', or '1×n'.

    Example:
        >>> dims_text(("n", 1)), dims_text((1, "n")), dims_text(("m", "n", "p"))
        ('n×1', '1×n', 'm×n×p')
    """
    return "×".join(str(d) for d in dims)


def _kind_word(shape: Shape) -> str:
    rows, cols = shape
    if shape == (1, 1):
        return "a scalar"
    if cols == 1:
        return f"a column vector ({rows}×1)"
    if rows == 1:
        return f"a row vector (1×{cols})"
    return f"a matrix ({format_shape(shape)})"


def shape_key(derivation: Derivation) -> ShapeKey:
    """The derivative's shape in its layout and why, by the notes' shape-matching rule."""
    problem = derivation.problem
    output, variable = problem.shape, problem.shapes[derivation.wrt]
    layout = derivation.layout.value
    dims = tuple(derivation.shape)
    out, var = _kind_word(output), _kind_word(variable)
    name = derivation.output.name
    if output == (1, 1):
        same = "the variable's shape" if layout != "numerator" else "the variable's shape "\
            "transposed"
        reason = (f"{name} is a scalar and {derivation.wrt} is {var}; in {layout} layout the "
                  f"derivative of a scalar has {same}")
    elif variable == (1, 1):
        reason = (f"{derivation.wrt} is a scalar and {name} is {out}; in {layout} layout the "
                  "derivative by a scalar has "
                  + ("the output's shape transposed" if layout == "denominator"
                     else "the output's shape"))
    elif len(dims) == 2:
        reason = (f"{name} is {out} and {derivation.wrt} is {var}; in {layout} layout the "
                  + ("rows follow the variable's entries and the columns the output's"
                     if layout == "denominator"
                     else "rows follow the output's entries and the columns the variable's"))
    else:
        reason = (f"{name} is {out} and {derivation.wrt} is {var}: each entry of the output "
                  "has a derivative by each entry of the variable, so in "
                  f"{layout} layout the derivative is an array with {len(dims)} axes")
    return ShapeKey(dims, reason + f": {dims_text(dims)}.", _candidates(dims, output, variable))


def _candidates(dims: tuple[Dim, ...], output: Shape, variable: Shape) -> tuple[
        tuple[Dim, ...], ...]:
    found: list[tuple[Dim, ...]] = [dims]
    others: list[tuple[Dim, ...]] = [tuple(reversed(dims)), output, variable,
                                     (variable[1], variable[0]), (output[1], output[0])]
    if len(dims) > 2:
        others.append((*output, *variable))
    for shape in others:
        if shape not in found:
            found.append(shape)
    return tuple(found)


def select_key(
    derivation: Derivation,
    options: Sequence[str],
    wanted: Wanted,
    criterion: Criterion,
    seed: int,
) -> SelectKey:
    """Judge the teacher's options and generate distractors from slips of the answer.

    Without teacher options the verified answer is added among the generated ones, so that one
    option is right.
    """
    judge = Judge.of(derivation)
    answer = judge.target
    chain = derivation.chain
    if chain is not None and chain.in_intermediates is not None:
        answer = chain.in_intermediates
    return judge_options(judge, answer, options, Choosing(wanted, criterion, seed))


class Choosing(Struct, frozen=True):
    """What a select key asks for: generated options, the criterion and the seed."""

    wanted: Wanted
    criterion: Criterion
    seed: int


def judge_options(
    judge: Judge, answer: Expr, options: Sequence[str], choosing: Choosing
) -> SelectKey:
    """The select key of any verified answer (a derivative's, or a vectorization's)."""
    functions = judge.problem.functions
    judged = [judge.judge(parse(text, functions), text, choosing.criterion) for text in options]
    verified = Judged(answer, unparse(answer), "right", "it is the verified answer")
    generated: list[Judged] = []
    wanted = choosing.wanted
    if wanted.well_shaped or wanted.ill_shaped:
        generated = generate(judge, answer, wanted, judged or [verified], choosing.seed)
    shortfall = wanted.well_shaped + wanted.ill_shaped - len(generated)
    if not judged:
        # Without teacher options the verified answer is one of the options, at a place drawn
        # from the seed and the answer itself, so that neither a printed handout nor its
        # variants (whose answers differ by their symbols) give it away by its position.
        place = random.Random(f"{choosing.seed}:{verified.text}").randrange(len(generated) + 1)
        generated.insert(place, verified)
    return SelectKey((*judged, *generated), len(judged), choosing.criterion, shortfall)


def item_seed(seed: int, exercise_id: str, label: str) -> int:
    """A seed of one item, from the set's seed and the item's place (stable across runs)."""
    return zlib.crc32(f"{seed}:{exercise_id}{label}".encode())


def blanks_key(derivation: Derivation) -> BlanksKey:
    """The chain rule's factors along the chain's single path, in the layout's order.

    Raises:
        UnsupportedError: the chain is not a single path from the variable to the output,
            or the layout is mixed (whose chain rule needs transposes between the factors).
    """
    chain = derivation.chain
    layout = derivation.layout.value
    if chain is None:
        raise UnsupportedError("a blanks question needs a chain of 'let' definitions",
                               hint="define the intermediates with 'let:'")
    if layout == "mixed":
        raise UnsupportedError(
            "the chain-rule blanks need numerator or denominator layout",
            hint="in mixed layout the factors need transposes; set 'layout: denominator'",
        )
    problem = derivation.problem
    output = derivation.output.name
    shapes: dict[str, Shape] = dict(problem.shapes)
    for name, expr in chain.definitions:
        shapes[name] = infer_shape(expr, shapes)
    shapes[output] = problem.shape
    path = _path(derivation.wrt, chain.definitions, parse(problem.text, problem.functions),
                 output)
    factors = [_factor(of, by, shapes, layout) for by, of in zip(path, path[1:], strict=False)]
    if layout == "numerator":
        ordered = factors[::-1]
        rule = "numerator layout multiplies the factors from the output back to the variable"
    else:
        matrices = [f for f in factors if len(f.dims) == 2]
        arrays = [f for f in factors if len(f.dims) != 2]
        ordered = matrices + arrays
        rule = ("denominator layout multiplies the factors from the variable out to the output"
                + (", and the factor by the matrix comes last, applied entry by entry"
                   if arrays else ""))
    _check_conformable(ordered)
    names = tuple(dict.fromkeys([*problem.shapes, *(n for n, _ in chain.definitions), output]))
    return BlanksKey(tuple(ordered), names, rule)


def _path(wrt: str, definitions: Sequence[tuple[str, Expr]], written: Expr,
          output: str) -> list[str]:
    """wrt, the intermediates that lead to the output one after the other, the output."""
    path = [wrt]
    uses: Mapping[str, frozenset[str]] = {
        **{name: symbols_in(expr) for name, expr in definitions}, output: symbols_in(written)
    }
    for name, used in uses.items():
        dependent = used & set(path)
        if not dependent:
            continue
        if dependent != {path[-1]}:
            raise UnsupportedError(
                f"'{name}' depends on {', '.join(sorted(dependent))}: the chain has more than "
                "one path, so its rule is a sum, not a single product",
                hint="a blanks question needs each link to use only the one before it",
            )
        path.append(name)
    if path[-1] != output:
        raise DeriveError(f"the output does not depend on '{wrt}'")
    return path


def _factor(of: str, by: str, shapes: Mapping[str, Shape], layout: str) -> Factor:
    matrix = derivative_shape(shapes[of], shapes[by], layout)
    if matrix is not None:
        return Factor(of, by, tuple(matrix))
    axes = tuple(d for d in (*shapes[of], *shapes[by]) if d != 1)
    return Factor(of, by, axes)


def _check_conformable(factors: Sequence[Factor]) -> None:
    """The matrix factors must multiply in this order (the shape-matching check of the key)."""
    matrices = [f for f in factors if len(f.dims) == 2]
    for left, right in zip(matrices, matrices[1:], strict=False):
        scalar = (1, 1) in (left.dims, right.dims)
        if left.dims[1] != right.dims[0] and not scalar:
            raise UnsupportedError(
                f"the factors d{left.of}/d{left.by} ({dims_text(left.dims)}) and "
                f"d{right.of}/d{right.by} ({dims_text(right.dims)}) do not multiply",
                hint="a blanks question needs a chain whose factors are matrices",
            )
