"""Options of a select question, judged against a verified derivative.

Each option is ill-formed (an operation whose operands do not fit, named with their shapes),
of the wrong shape, well-shaped but numerically different, or right. Options may use a chain's
intermediates; their definitions are substituted before any value is computed, and the numeric
comparison uses the same points as the answer check (`derive.engine.answers`), so assumptions
(a symmetric A, say) hold at every point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from msgspec import Struct

from derive.engine.answers import ANSWER_TOLERANCE, DRAWS, ROUNDING
from derive.engine.evaluate import Array, evaluate
from derive.engine.points import Point
from derive.engine.steps import Derivation
from derive.engine.verify import problem_points, within_tolerance
from derive.errors import ShapeError, UnsupportedError, VerificationError
from derive.expr.nodes import Expr
from derive.expr.shapes import Shape, format_shape, infer_shape
from derive.problem import Problem
from derive.problem.chain import substitute

Verdict = Literal["right", "wrong_value", "wrong_shape", "ill_formed"]
"""How an option compares with the verified derivative."""

Criterion = Literal["value", "shape"]
"""What makes an option right: its value (the default) or only its shape."""


class Judged(Struct, frozen=True):
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
    """Judges options against one verified target: its shapes and check points, computed once.

    `problem` gives the symbols, shapes and assumptions; `definitions` (a chain's intermediates)
    are substituted into every option before it is evaluated; `layout` only words the reasons.
    """

    def __init__(
        self, problem: Problem, target: Expr, seed: int, *, layout: str | None = None,
        definitions: Mapping[str, Expr] | None = None,
    ) -> None:
        self.problem = problem
        self.target = target
        self.layout = layout
        self.definitions: dict[str, Expr] = dict(definitions or {})
        shapes: dict[str, Shape] = dict(problem.shapes)
        for name, expr in self.definitions.items():
            shapes[name] = infer_shape(expr, shapes)
        self.shapes: Mapping[str, Shape] = shapes
        self.shape = infer_shape(target, shapes)
        points, reason = problem_points(problem, seed, DRAWS)
        if not points:
            raise VerificationError(f"cannot compare the options: {reason}")
        self.points: Sequence[Point] = points
        right = self.values(target)
        if right is None:
            raise VerificationError("cannot compare the options: the answer is undefined "
                                    "at the check's points")
        self.right_values: Sequence[Array] = right

    @classmethod
    def of(cls, derivation: Derivation, seed: int | None = None) -> Judge:
        """The judge of a derivative's options.

        Raises:
            UnsupportedError: the derivative has three or more axes and no compact form.
        """
        target = derivation.result if derivation.result is not None else derivation.compact
        if target is None:
            raise UnsupportedError(
                "this derivative has three or more axes and no matrix form to judge options by",
                hint="ask for a derivative that is a scalar, vector or matrix",
            )
        chain = derivation.chain
        return cls(derivation.problem, target,
                   derivation.verification.seed if seed is None else seed,
                   layout=derivation.layout.value,
                   definitions=dict(chain.definitions) if chain else None)

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
        wanted = format_shape(self.shape)
        if isinstance(shape, ShapeError):
            return Judged(expr, text, "ill_formed", f"not defined: {shape.message}")
        if shape != self.shape:
            where = f"the derivative is {wanted} in {self.layout} layout" if self.layout \
                else f"the answer is {wanted}"
            return Judged(expr, text, "wrong_shape", f"it is {format_shape(shape)}, but {where}")
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
