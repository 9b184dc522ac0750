"""Print the IR back into the expression language, with the fewest parentheses that parse back.

`parse(unparse(e)) == e` for every tree `parse` produces. Precedence follows Python's:
`.T` and calls > `**` > unary minus > `* @ /` > `+ -`.
"""

from __future__ import annotations

from fractions import Fraction

from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Expr,
    Identity,
    MatMul,
    Mul,
    Neg,
    Number,
    Ones,
    Pow,
    Sub,
    Symbol,
    Transpose,
)

_ATOM, _POW, _UNARY, _PRODUCT, _SUM = 5, 4, 3, 2, 1
_OPERATORS: dict[type, tuple[str, int]] = {
    Add: ("+", _SUM),
    Sub: ("-", _SUM),
    Mul: ("*", _PRODUCT),
    MatMul: ("@", _PRODUCT),
    Div: ("/", _PRODUCT),
}


def unparse(expr: Expr) -> str:
    """Print `expr` in the expression language.

    Example:
        >>> from derive.expr.parse import parse
        >>> unparse(parse("((x.T) @ (A @ x)) + -(2*y)"))
        'x.T @ (A @ x) + -(2 * y)'
    """
    match expr:
        case Symbol(name=name):
            return name
        case Number(value=value):
            return format_number(value)
        case Identity(dim=dim):
            return f"eye({dim})"
        case Ones(dim=dim):
            return f"ones({dim})"
        case Call(func=func, args=args):
            return f"{func}({', '.join(unparse(arg) for arg in args)})"
        case Transpose(operand=operand):
            inner = unparse(operand)
            if _precedence(operand) < _ATOM or isinstance(operand, Number):
                inner = f"({inner})"
            return f"{inner}.T"
        case Neg(operand=operand):
            return "-" + _wrap(operand, _UNARY, strict=False)
        case Pow(base=base, exponent=exponent):
            return f"{_wrap(base, _POW, strict=True)} ** {_wrap(exponent, _UNARY, strict=False)}"
        case Add() | Sub() | Mul() | MatMul() | Div():
            symbol, precedence = _OPERATORS[type(expr)]
            left = _wrap(expr.left, precedence, strict=False)
            right = _wrap(expr.right, precedence, strict=True)
            return f"{left} {symbol} {right}"
    raise TypeError(f"cannot print {type(expr).__name__}")


def format_number(value: Fraction) -> str:
    """Print a rational as an integer, an exact decimal, or 'p / q'.

    Example:
        >>> format_number(Fraction(1, 2)), format_number(Fraction(3)), format_number(Fraction(1, 3))
        ('0.5', '3', '1 / 3')
    """
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        digits = 0
        scaled = value
        while scaled.denominator != 1:
            scaled *= 10
            digits += 1
        sign = "-" if scaled < 0 else ""
        text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
        return f"{sign}{text[:-digits]}.{text[-digits:]}"
    return f"{value.numerator} / {value.denominator}"


def _precedence(expr: Expr) -> int:
    match expr:
        case Add() | Sub() | Mul() | MatMul() | Div():
            return _OPERATORS[type(expr)][1]
        case Pow():
            return _POW
        case Neg():
            return _UNARY
        case Number(value=value) if value.denominator != 1 and "/" in format_number(value):
            return _PRODUCT
        case Number(value=value) if value < 0:
            return _UNARY
        case _:
            return _ATOM


def _wrap(expr: Expr, context: int, *, strict: bool) -> str:
    text = unparse(expr)
    precedence = _precedence(expr)
    if precedence < context or (strict and precedence == context):
        return f"({text})"
    return text
