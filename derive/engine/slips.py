"""Generated distractors: the verified answer rewritten by the slips students make.

A slip is a rewrite of one node of the answer's tree: a transpose dropped or added, a
product's order reversed, the layout flipped (the whole answer transposed), a term or factor
dropped, a sign changed, or a factor 2 from the symmetric case's rule (2 A x for x^T A x)
added; short answers also get pairs of slips. Every candidate is judged like a teacher's
option (`derive.engine.choices`); a distractor is kept only when it is numerically different
from the answer and from every option already chosen. Well-shaped distractors have the
answer's shape, so shape matching cannot eliminate them; ill-shaped ones are asked for
separately. The candidates are tried in an order drawn from the seed, so the same seed gives
the same distractors.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from fractions import Fraction

from msgspec import Struct

from derive.engine.choices import Judge, Judged
from derive.engine.evaluate import Array
from derive.expr.nodes import (
    Add,
    Call,
    Expr,
    MatMul,
    Mul,
    Neg,
    Number,
    Sub,
    Symbol,
    Transpose,
    children,
    with_children,
)
from derive.expr.parse import parse
from derive.expr.shapes import format_shape
from derive.expr.unparse import unparse

Path = tuple[int, ...]


class Slip(Struct, frozen=True):
    """A rewritten answer and the slip it comes from, in words."""

    expr: Expr
    name: str


def _nodes(expr: Expr, path: Path = ()) -> Iterator[tuple[Path, Expr]]:
    yield path, expr
    for index, child in enumerate(children(expr)):
        yield from _nodes(child, (*path, index))


def _put(expr: Expr, path: Path, new: Expr) -> Expr:
    if not path:
        return new
    parts = list(children(expr))
    parts[path[0]] = _put(parts[path[0]], path[1:], new)
    return with_children(expr, tuple(parts))


def _local(node: Expr) -> Iterator[tuple[Expr, str]]:  # noqa: C901 - one case per slip; the flat list is the catalogue
    """The slips of one node: (rewritten node, what went wrong)."""
    shown = unparse(node)
    match node:
        case Transpose(operand=inner):
            yield inner, f"missing transpose on {unparse(inner)}"
        case MatMul(left=left, right=right):
            yield MatMul(right, left), f"reversed product order in {shown}"
            yield left, f"dropped factor {unparse(right)}"
            yield right, f"dropped factor {unparse(left)}"
        case Mul(left=left, right=right):
            yield left, f"dropped factor {unparse(right)}"
            yield right, f"dropped factor {unparse(left)}"
        case Add(left=left, right=right):
            yield left, f"dropped term {unparse(right)}"
            yield right, f"dropped term {unparse(left)}"
            yield Sub(left, right), f"wrong sign of {unparse(right)}"
        case Sub(left=left, right=right):
            yield left, f"dropped term {unparse(right)}"
            yield Add(left, right), f"wrong sign of {unparse(right)}"
        case Neg(operand=inner):
            yield inner, f"wrong sign of {unparse(inner)}"
    if isinstance(node, Symbol | Call):
        yield Transpose(node), f"extra transpose on {shown}"


def slips_of(answer: Expr) -> list[Slip]:
    """Every single-slip rewrite of `answer`, in tree order, without repeats."""
    found: dict[Expr, Slip] = {}
    whole: list[tuple[Expr, str]] = [
        (Transpose(answer), "layout flipped (the answer transposed)"),
        (Neg(answer), "wrong sign of the whole answer"),
    ]
    if not (isinstance(answer, Mul) and isinstance(answer.left, Number)):
        whole.append((Mul(Number(Fraction(2)), answer),
                      "a spurious factor 2 (the symmetric case's rule)"))
    for rewritten, name in whole:
        found.setdefault(rewritten, Slip(rewritten, name))
    for path, node in _nodes(answer):
        for new, name in _local(node):
            rewritten = _put(answer, path, new)
            if rewritten != answer:
                found.setdefault(rewritten, Slip(rewritten, name))
    return list(found.values())


MAX_PAIRED = 10
"""Single slips that are combined with a second one (enough for short answers; pairs of a long
answer's slips are never needed, and there would be quadratically many)."""

MAX_TRIED = 150
"""Most candidates evaluated for one question, so a long answer stays quick."""


def candidates(answer: Expr, seed: int) -> Iterator[Slip]:
    """Single slips in an order drawn from `seed`, then pairs of slips (a short answer such as
    a b^T has few single ones), also drawn from `seed`."""
    rng = random.Random(seed)
    single = slips_of(answer)
    rng.shuffle(single)
    yield from single
    seen = {slip.expr for slip in single} | {answer}
    double: list[Slip] = []
    for first in single[:MAX_PAIRED]:
        for second in slips_of(first.expr):
            if second.expr not in seen:
                seen.add(second.expr)
                double.append(Slip(second.expr, f"{first.name}, and {second.name}"))
    rng.shuffle(double)
    yield from double


class Wanted(Struct, frozen=True):
    """How many distractors of each sort to generate."""

    well_shaped: int
    ill_shaped: int = 0


def generate(
    judge: Judge, answer: Expr, wanted: Wanted, taken: Sequence[Judged], seed: int
) -> list[Judged]:
    """Distractors from slips of `answer`: numerically different from it and from `taken`.

    Fewer than asked are returned when the answer has too few distinct slips (a scalar answer
    such as 2 * x has no transposes to drop); callers report that.
    """
    seen: list[Sequence[Array]] = [judge.right_values]
    for option in taken:
        if option.verdict in ("right", "wrong_value"):
            values = judge.values(option.expr)
            if values is not None:
                seen.append(values)
    texts = {option.text for option in taken}
    well: list[Judged] = []
    ill: list[Judged] = []
    for tried, slip in enumerate(candidates(answer, seed)):
        if tried >= MAX_TRIED or (len(well) >= wanted.well_shaped
                                  and len(ill) >= wanted.ill_shaped):
            break
        text = unparse(slip.expr)
        if text in texts:
            continue
        shape = judge.shape_of(slip.expr, None)
        if not isinstance(shape, tuple) or shape != judge.shape:
            if len(ill) < wanted.ill_shaped:
                # Parsed again so that a shape error quotes the printed text at its positions.
                expr = parse(text, judge.problem.functions)
                judged = judge.judge(expr, text)
                ill.append(Judged(expr, text, judged.verdict, judged.why, slip.name))
                texts.add(text)
            continue
        if len(well) >= wanted.well_shaped:
            continue
        values = judge.values(slip.expr)
        if values is None or any(judge.same_value(values, other) for other in seen):
            continue
        seen.append(values)
        texts.add(text)
        well.append(Judged(
            slip.expr, text, "wrong_value",
            f"{slip.name}: {format_shape(judge.shape)} like the derivative, but its values "
            "differ at random points", slip.name,
        ))
    return well + ill
