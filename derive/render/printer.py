"""LaTeX for expression trees: every notation choice for matrix expressions lives here.

Input: an IR tree plus the shapes of its symbols (to tell scaling from the Hadamard product and
vectors from matrices). Output: a LaTeX math string without surrounding `$`.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from derive.engine.generic import base_name
from derive.expr.functions import BUILTINS, Style
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
from derive.expr.shapes import Shape, ShapeMemo, infer_shape, is_scalar, kind_of
from derive.expr.unparse import format_number
from derive.render.notation import Notation, dim_to_latex, name_to_latex, typeface

_ATOM, _POSTFIX, _PRODUCT, _HADAMARD, _UNARY, _SUM = 6, 5, 4, 3, 2, 1



_TALL = (r"\frac", r"\sum", r"\left", r"\sqrt", r"\prod")


def parens(text: str) -> str:
    """Grouping parentheses: plain around a flat formula, growing (\\left, \\right) around a
    tall one (a fraction, a sum, a root).

    Example:
        >>> parens("a + b"), parens(r"\\sum_{i} x_{i}")
        ('(a + b)', '\\\\left(\\\\sum_{i} x_{i}\\\\right)')
    """
    if any(tall in text for tall in _TALL):
        return r"\left(" + text + r"\right)"
    return "(" + text + ")"


def argument_parens(argument: str) -> str:
    """Parentheses around a function's argument, with no gap after the function's name.

    `\\left(` sets an inner atom, which TeX spaces off from the name before it (σ (x)); plain
    parentheses do for a flat argument, and a tall one gets `\\left(` behind an empty opening
    atom, which takes that space away.

    Example:
        >>> argument_parens("z"), argument_parens(r"\\frac{1}{2}")
        ('(z)', '\\\\mathopen{}\\\\left(\\\\frac{1}{2}\\\\right)\\\\mathclose{}')
    """
    if any(tall in argument for tall in _TALL):
        return r"\mathopen{}\left(" + argument + r"\right)\mathclose{}"
    return "(" + argument + ")"


def call_latex(func: str, argument: str) -> str:
    """A built-in function applied to LaTeX `argument`, as its table entry writes it.

    Example:
        >>> call_latex("sigmoid", "z"), call_latex("sqrt", "x")
        ('\\\\sigma(z)', '\\\\sqrt{x}')
    """
    if BUILTINS[func].style is Style.ROOT:
        return rf"\sqrt{{{argument}}}"
    return BUILTINS[func].latex + argument_parens(argument)


def number_to_latex(value: Fraction) -> str:
    """Print a rational: integer, exact decimal, or \\frac.

    Example:
        >>> number_to_latex(Fraction(2, 3)), number_to_latex(Fraction(1, 4))
        ('\\\\frac{2}{3}', '0.25')
    """
    text = format_number(abs(value))
    if "/" in text:
        text = rf"\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    return ("-" if value < 0 else "") + text


class ExprPrinter:
    """Prints IR trees as LaTeX in one notation, given the symbols' shapes."""

    def __init__(self, shapes: Mapping[str, Shape], notation: Notation = Notation.BOLD) -> None:
        self.shapes = shapes
        self.notation = notation
        self.memo: ShapeMemo = {}

    def symbol(self, name: str) -> str:
        """The LaTeX for a symbol, in the typeface its shape calls for."""
        shape = self.shapes.get(name, (1, 1))
        return typeface(name_to_latex(name), kind_of(shape), self.notation)

    def special(self, letter: str, kind: str) -> str:
        """The identity matrix 'I' or the ones vector '1' in this notation."""
        if self.notation is Notation.BOLD:
            return r"\mathbf{" + letter + "}"
        if self.notation is Notation.ARROW and kind != "matrix":
            return r"\vec{" + letter + "}"
        return letter

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, memo=self.memo)

    def print(self, expr: Expr) -> str:
        """Return the LaTeX for `expr`."""
        return self._print(expr)[0]

    def _wrap(self, expr: Expr, context: int) -> str:
        text, precedence = self._print(expr)
        return parens(text) if precedence < context else text

    def _print(self, expr: Expr) -> tuple[str, int]:  # noqa: C901 - one case per IR node type; the flat match is the readable form
        match expr:
            case Symbol(name=name):
                return self.symbol(name), _ATOM
            case Number(value=value):
                return number_to_latex(value), (_UNARY if value < 0 else _ATOM)
            case Identity(dim=dim):
                return self.special("I", "matrix") + "_{" + dim_to_latex(dim) + "}", _ATOM
            case Ones(dim=dim):
                return self.special("1", "vector") + "_{" + dim_to_latex(dim) + "}", _ATOM
            case Neg(operand=operand):
                return "-" + self._wrap(operand, _PRODUCT), _UNARY
            case Add(left=left, right=right):
                right_text = self._wrap(right, _UNARY)
                if right_text.startswith("-"):  # y + (-2 x) reads y - 2 x
                    return f"{self._wrap(left, _SUM)} - {right_text[1:]}", _SUM
                return f"{self._wrap(left, _SUM)} + {right_text}", _SUM
            case Sub(left=left, right=right):
                return f"{self._wrap(left, _SUM)} - {self._wrap(right, _PRODUCT)}", _SUM
            case MatMul(left=left, right=right):
                # The matrix product is associative, so A (B C) prints as A B C.
                right_context = _POSTFIX if isinstance(right, Mul) else _PRODUCT
                # A leading minus reads as negating the whole product, which is what it means.
                left_text = self._wrap(left, _UNARY if isinstance(left, Neg) else _PRODUCT)
                return f"{left_text} {self._wrap(right, right_context)}", _PRODUCT
            case Mul(left=left, right=right):
                return self._mul(left, right)
            case Div(left=left, right=right):
                return rf"\frac{{{self.print(left)}}}{{{self.print(right)}}}", _ATOM
            case Pow(base=base, exponent=exponent):
                circle = "" if is_scalar(self.shape(base)) else r"\circ "
                return f"{self._wrap(base, _ATOM)}^{{{circle}{self.print(exponent)}}}", _POSTFIX
            case Transpose(operand=Call(func="inv", args=(arg,))):
                return f"{self._wrap(arg, _ATOM)}^{{-\\top}}", _POSTFIX
            case Transpose(operand=operand):
                return f"{self._wrap(operand, _ATOM)}^\\top", _POSTFIX
            case Call(kind=str(kind), func=func, args=(arg,)):
                return self._generic(func, kind, arg), _ATOM
            case Call(func=func, args=(arg,)):
                return self._call(func, arg)
        raise TypeError(f"cannot print {type(expr).__name__}")

    def _mul(self, left: Expr, right: Expr) -> tuple[str, int]:
        if left == Number(Fraction(0)) and not is_scalar(self.shape(right)):
            return self.special("0", kind_of(self.shape(right))), _ATOM
        left_scalar, right_scalar = is_scalar(self.shape(left)), is_scalar(self.shape(right))
        if left_scalar or right_scalar:
            if isinstance(right, Number) and not isinstance(left, Number):
                left, right = right, left
            if isinstance(left, Neg) and isinstance(left.operand, Number):
                left = Number(-left.operand.value)
            # A number or a scalar name in front scales the array after it: 2 A x, not 2 (A x).
            plain_factor = isinstance(left, Number | Symbol) and is_scalar(self.shape(left)) and (
                not right_scalar)
            right_text = self._wrap(right, _PRODUCT if plain_factor else _POSTFIX)
            if isinstance(left, Number) and left.value < 0:  # -2 x, not (-2) x
                return f"-{number_to_latex(-left.value)} {right_text}", _UNARY
            return f"{self._wrap(left, _PRODUCT)} {right_text}", _PRODUCT
        # The Hadamard product is associative: a ⊙ b ⊙ c, not (a ⊙ b) ⊙ c.
        return (f"{self._wrap(left, self._hadamard_context(left))} \\odot "
                f"{self._wrap(right, self._hadamard_context(right))}", _HADAMARD)

    def _hadamard_context(self, factor: Expr) -> int:
        if isinstance(factor, Mul) and not (
            is_scalar(self.shape(factor.left)) or is_scalar(self.shape(factor.right))
        ):
            return _HADAMARD
        return _POSTFIX

    def _generic(self, func: str, kind: str, arg: Expr) -> str:
        """f(x), f'(x), h(Y), ∇h(Y), g(v) and the Jacobian J_g(v) of declared functions."""
        name = name_to_latex(base_name(func, kind))
        head = {
            "derivative": name + "'",
            "gradient": r"\nabla " + name,
            "jacobian": r"\mathbf{J}_{" + name + "}",
        }.get(kind, name)
        return head + argument_parens(self.print(arg))

    def _call(self, func: str, arg: Expr) -> tuple[str, int]:
        builtin = BUILTINS[func]
        if builtin.style is Style.INVERSE:
            return f"{self._wrap(arg, _ATOM)}^{{-1}}", _POSTFIX
        inner = self.print(arg)
        if builtin.style is Style.NORM:
            suffix = "" if self.shape(arg)[1] == 1 or self.shape(arg)[0] == 1 else "_F"
            return rf"\left\lVert {inner} \right\rVert{suffix}", _ATOM
        return call_latex(func, inner), _ATOM


def to_latex(
    expr: Expr, shapes: Mapping[str, Shape], notation: Notation = Notation.BOLD
) -> str:
    """Print `expr` as LaTeX.

    Example:
        >>> from derive.expr.parse import parse
        >>> to_latex(parse("x.T @ A @ x"), {"x": ("n", 1), "A": ("n", "n")})
        '\\\\mathbf{x}^\\\\top \\\\mathbf{A} \\\\mathbf{x}'
    """
    return ExprPrinter(shapes, notation).print(expr)
