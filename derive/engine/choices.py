"""Options of a select question, judged against a verified derivative.

Each option is ill-formed (an operation whose operands do not fit, named with their shapes),
of the wrong shape, well-shaped but numerically different, or right. Options may use a chain's
intermediates; their definitions are substituted before any value is computed, and the numeric
comparison uses the same points as the answer check (`derive.engine.answers`), so assumptions
(a symmetric A, say) hold at every point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from derive.engine.answers import ANSWER_TOLERANCE, DRAWS, ROUNDING
from derive.engine.evaluate import Array, evaluate
from derive.engine.points import Point
from derive.engine.steps import Derivation
from derive.engine.verify import problem_points, within_tolerance
from derive.errors import ShapeError, UnsupportedError, VerificationError
from derive.expr.nodes import Expr
from derive.expr.shapes import Shape, format_shape, infer_shape
from derive.problem.chain import substitute

Verdict = Literal["right", "wrong_value", "wrong_shape", "ill_formed"]
"""How an option compares with the verified derivative."""

Criterion = Literal["value", "shape"]
"""What makes an option right: its value (the default) or only its shape."""


@dataclass(frozen=True, slots=True)
class Judged:
    """One option with its verdict and the reason the key gives."""

    expr: Expr
    text: str
    verdict: Verdict
    why: str
    slip: str | None = None
    """For a generated option, the slip it comes from ("missing transpose of x")."""

    @property
    def right(self) -> bool:
        """Whether a student should select this option."""
        return self.verdict == "right"


class Judge:
    """Judges options of one derivative: its target, shapes and check points, computed once."""

    def __init__(self, derivation: Derivation, seed: int | None = None) -> None:
        target = derivation.result if derivation.result is not None else derivation.compact
        if target is None:
            raise UnsupportedError(
                "this derivative has three or more axes and no matrix form to judge options by",
                hint="ask for a derivative that is a scalar, vector or matrix",
            )
        chain = derivation.chain
        self.definitions: dict[str, Expr] = dict(chain.definitions) if chain else {}
        self.derivation = derivation
        self.target = target
        problem = derivation.problem
        shapes: dict[str, Shape] = dict(problem.shapes)
        for name, expr in self.definitions.items():
            shapes[name] = infer_shape(expr, shapes)
        self.shapes: Mapping[str, Shape] = shapes
        self.shape = infer_shape(target, problem.shapes)
        draw_seed = derivation.verification.seed if seed is None else seed
        points, reason = problem_points(problem, draw_seed, DRAWS)
        if not points:
            raise VerificationError(f"cannot compare the options: {reason}")
        self.points: Sequence[Point] = points
        right = self.values(target)
        if right is None:
            raise VerificationError("cannot compare the options: the derivative is undefined "
                                    "at the check's points")
        self.right_values: Sequence[Array] = right

    def values(self, expr: Expr) -> list[Array] | None:
        """The option's value at every point; None where it is undefined or not finite."""
        full = substitute(expr, self.definitions) if self.definitions else expr
        found: list[Array] = []
        for point in self.points:
            with np.errstate(all="ignore"):
                try:
                    value = evaluate(full, point.values, point.sizes)
                except (np.linalg.LinAlgError, ValueError):
                    return None
            if not np.all(np.isfinite(value)):
                return None
            found.append(value)
        return found

    def shape_of(self, expr: Expr, text: str | None) -> Shape | ShapeError:
        """The option's shape, or the shape checker's error naming the undefined operation."""
        try:
            return infer_shape(expr, self.shapes, text)
        except ShapeError as error:
            return error

    def judge(self, expr: Expr, text: str, criterion: Criterion = "value") -> Judged:
        """Classify one option as written by the teacher."""
        shape = self.shape_of(expr, text)
        layout = self.derivation.layout.value
        wanted = format_shape(self.shape)
        if isinstance(shape, ShapeError):
            return Judged(expr, text, "ill_formed", f"not defined: {shape.message}")
        if shape != self.shape:
            return Judged(expr, text, "wrong_shape",
                          f"it is {format_shape(shape)}, but the derivative is {wanted} "
                          f"in {layout} layout")
        if criterion == "shape":
            return Judged(expr, text, "right",
                          f"it is defined and {wanted}, the derivative's shape")
        values = self.values(expr)
        if values is not None and all(
            within_tolerance(given, right, ANSWER_TOLERANCE, ROUNDING)
            for given, right in zip(values, self.right_values, strict=True)
        ):
            return Judged(expr, text, "right", f"it equals the derivative ({wanted})")
        return Judged(expr, text, "wrong_value",
                      f"it has the right shape ({wanted}) but differs from the derivative "
                      "at random points")

    def same_value(self, first: Sequence[Array], second: Sequence[Array]) -> bool:
        """Whether two options' values agree at every point."""
        return all(within_tolerance(a, b, ANSWER_TOLERANCE, ROUNDING)
                   for a, b in zip(first, second, strict=True))
