"""Formulas of the function table (`derive.expr.functions`) turned into index form.

An elementwise function's derivative is written there over its argument `t` and its value `f`
(tanh: `1 - f ** 2`); `scalar_template` turns such a formula into a `Poly`, given the argument's
index form. The table's formulas are derive's own text, parsed once and cached.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

from derive.errors import UnsupportedError
from derive.expr.nodes import Add, Call, Div, Expr, Mul, Neg, Number, Pow, Sub, Symbol
from derive.expr.parse import parse
from derive.expr.shapes import constant_value
from derive.expr.terms import (
    ONE,
    Apply,
    Poly,
    Power,
    Written,
    add,
    as_factor,
    constant,
    multiply,
    scale,
    single,
)


@cache
def formula(text: str) -> Expr:
    """A formula of the function table, parsed (derive's own text, never user input)."""
    return parse(text)


def power(base: Poly, exponent: Fraction) -> Poly:
    """`base ** exponent`, folding powers of a single power: (a^r)^n = a^(rn) for integer n."""
    if exponent == 0:
        return ONE
    if exponent == 1:
        return base
    if len(base.terms) == 1 and len(base.terms[0].factors) == 1 and not base.terms[0].summed:
        (term,) = base.terms
        (factor,) = term.factors
        if isinstance(factor, Power) and exponent.denominator == 1:
            combined = factor.exponent * exponent
            inner = factor.base if combined == 1 else single(Power(factor.base, combined))
            return scale(inner, term.coeff ** int(exponent)) if term.coeff != 1 else inner
    return single(Power(base, exponent))


def scalar_template(
    text: str, argument: Poly, source: Written | None, function: str | None = None
) -> Poly:
    """The index form of a scalar formula over `t` (the argument) and `f` (`function` of it).

    Example:
        >>> from derive.expr.terms import entry
        >>> from derive.expr.termtext import poly_to_text
        >>> poly_to_text(scalar_template("1 - f ** 2", entry("x", "i"), None, "tanh"))
        '1 - (tanh(x[i])) ** 2'
    """
    return _Template(argument, source, function).poly(formula(text))


class _Template:
    def __init__(self, argument: Poly, source: Written | None, function: str | None) -> None:
        self.argument = argument
        self.source = source
        self.function = function

    def poly(self, node: Expr) -> Poly:
        match node:
            case Symbol(name="t"):
                return self.argument
            case Symbol(name="f") if self.function is not None:
                return single(Apply(self.function, self.argument, self.source))
            case Number(value=value):
                return constant(value)
            case Neg(operand=operand):
                return scale(self.poly(operand), -1)
            case Add(left=left, right=right):
                return add(self.poly(left), self.poly(right))
            case Sub(left=left, right=right):
                return add(self.poly(left), scale(self.poly(right), -1))
            case Mul(left=left, right=right):
                return multiply(as_factor(self.poly(left)), as_factor(self.poly(right)))
            case Div(left=left, right=right) if constant_value(right) is not None:
                divisor = constant_value(right)
                assert divisor is not None
                return scale(self.poly(left), 1 / Fraction(divisor.value))
            case Pow(base=base, exponent=exponent) if constant_value(exponent) is not None:
                raised = constant_value(exponent)
                assert raised is not None
                return power(self.poly(base), Fraction(raised.value))
            case Call(func=func, args=(Symbol(name="t"),)):
                return single(Apply(func, self.argument, self.source))
        raise UnsupportedError(f"no index form for the table formula part '{node}'")
