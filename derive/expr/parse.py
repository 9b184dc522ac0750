"""Parse expression text into the front-end IR.

Text -> Python's own `ast` (mode "eval", never executed) -> a whitelist of node types -> `nodes`.
Anything outside the whitelist (attributes other than `.T`, subscripts, keywords, strings, lambdas,
comparisons, ...) is refused with its position. The limits of `derive.expr.limits` (length,
nesting, function calls, numbers) are checked here; only printable ASCII is accepted.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from derive import arguments
from derive.errors import ExprSyntaxError, Span, did_you_mean
from derive.expr.functions import ELEMENTWISE_FUNCTIONS, FUNCTIONS
from derive.expr.limits import MAX_CALL_DEPTH, MAX_DEPTH, MAX_SIZE
from derive.expr.nodes import (
    Add,
    Call,
    Dim,
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
    children,
)
from derive.expr.source import EXPRESSION, check_text, python_tree, read_number

CONSTRUCTORS = ("eye", "ones")


_BINARY: dict[type[ast.operator], type[Add | Sub | Mul | MatMul | Div]] = {
    ast.Add: Add,
    ast.Sub: Sub,
    ast.Mult: Mul,
    ast.MatMult: MatMul,
    ast.Div: Div,
}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/"}
_OPERATOR_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_OPERATOR_HINTS = {
    ast.BitXor: "use '**' for powers",
    ast.FloorDiv: "use '/' to divide by a scalar",
}


Signature = tuple[str, Dim | None]
"""A declared generic function: its kind and, for a vector function, its output size."""


def parse(text: str, functions: Mapping[str, Signature] | None = None) -> Expr:
    """Parse `text` into an expression tree.

    Args:
        text: an expression such as ``"x.T @ A @ x"``.
        functions: declared generic functions (name -> kind and size), e.g. from
            `derive.problem.declare_functions`; they may be called like built-ins.

    Returns:
        The immutable expression tree.

    Raises:
        ExprSyntaxError: the text is not an expression of the language; the error has a column.

    Example:
        >>> parse("x.T @ A @ x")
        MatMul(left=MatMul(left=Transpose(operand=Symbol(name='x')), right=Symbol(name='A')), \
right=Symbol(name='x'))
    """
    text = arguments.text("text", text)
    check_text(text, EXPRESSION)
    tree = python_tree(text, EXPRESSION)
    expr = _Converter(text, functions or {}).convert(tree, depth=0)
    _check_calls(expr, text)
    return expr


def _check_calls(expr: Expr, text: str) -> None:
    """Refuse function calls nested deeper than `MAX_CALL_DEPTH`, pointing at the deepest."""
    stack: list[tuple[Expr, int]] = [(expr, 0)]
    while stack:
        node, calls = stack.pop()
        if isinstance(node, Call):
            calls += 1
            if calls > MAX_CALL_DEPTH:
                raise ExprSyntaxError(
                    f"too complex: function calls nest more than {MAX_CALL_DEPTH} deep",
                    span=node.span, source=text,
                    hint="name inner results with intermediates ('let') or simplify",
                )
        stack.extend((child, calls) for child in children(node))


class _Converter:
    """Maps whitelisted `ast` nodes to IR nodes, keeping 1-based column spans."""

    def __init__(self, text: str, functions: Mapping[str, Signature]) -> None:
        self.text = text
        self.functions = functions

    def span(self, node: ast.AST) -> Span:
        start = getattr(node, "col_offset", 0) + 1
        end = getattr(node, "end_col_offset", None)
        return Span(start, (end + 1) if end is not None else start + 1)

    def operator_span(self, left: ast.expr, right: ast.expr, symbol: str) -> Span:
        """Binary nodes point at their operator, which is where shape errors are reported."""
        start = left.end_col_offset or 0
        found = self.text.find(symbol, start, right.col_offset)
        if found < 0:
            return Span(start + 1, start + 2)
        return Span(found + 1, found + 1 + len(symbol))

    def fail(self, node: ast.AST, message: str, hint: str | None = None) -> ExprSyntaxError:
        span = self.span(node)
        return ExprSyntaxError(message, span=span, source=self.text, hint=hint)

    def convert(self, node: ast.expr, depth: int) -> Expr:  # noqa: C901 - one case per Python AST node type; the flat match is the readable form
        if depth > MAX_DEPTH:
            raise self.fail(node, f"too complex: the expression nests more than {MAX_DEPTH} "
                            "levels deep")
        span = self.span(node)
        match node:
            case ast.Name(id=name):
                if name in FUNCTIONS or name in CONSTRUCTORS or name in self.functions:
                    raise self.fail(
                        node,
                        f"function '{name}' is used without an argument",
                        hint=f"write '{name}(...)'",
                    )
                return Symbol(name, span)
            case ast.Constant(value=value):
                return self.constant(node, value, span)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return Neg(self.convert(operand, depth + 1), span)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.convert(operand, depth + 1)
            case ast.BinOp(left=left, op=ast.Pow(), right=right):
                op_span = self.operator_span(left, right, "**")
                return Pow(self.convert(left, depth + 1), self.convert(right, depth + 1), op_span)
            case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
                builder = _BINARY[type(op)]
                op_span = self.operator_span(left, right, _SYMBOL[type(op)])
                return builder(
                    self.convert(left, depth + 1), self.convert(right, depth + 1), op_span
                )
            case ast.BinOp(left=left, op=op, right=right):
                text = _OPERATOR_TEXT.get(type(op), type(op).__name__)
                raise ExprSyntaxError(
                    f"unsupported operator '{text}'",
                    span=self.operator_span(left, right, text),
                    source=self.text,
                    hint=_OPERATOR_HINTS.get(type(op), "the operators are + - * / ** @ and .T"),
                )
            case ast.Attribute(value=value, attr="T"):
                return Transpose(self.convert(value, depth + 1), span)
            case ast.Attribute(attr=attr):
                raise self.fail(
                    node,
                    f"unsupported attribute '.{attr}'",
                    hint="'.T' (transpose) is the only attribute",
                )
            case ast.Call():
                return self.call(node, depth, span)
            case _:
                raise self.fail(
                    node,
                    f"unsupported syntax: {_describe(node)}",
                    hint="use + - * / ** @, .T, parentheses, numbers, names and the functions "
                    + ", ".join(FUNCTIONS + CONSTRUCTORS),
                )

    def constant(self, node: ast.expr, value: object, span: Span) -> Number:
        exact = read_number(self.text, node, value)
        if isinstance(exact, tuple):
            raise self.fail(node, *exact)
        return Number(exact, span)

    def call(self, node: ast.Call, depth: int, span: Span) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only named functions can be called", hint=_func_hint(""))
        name = node.func.id
        if name not in FUNCTIONS and name not in CONSTRUCTORS and name not in self.functions:
            raise self.fail(node.func, f"unknown function '{name}'", hint=_func_hint(name))
        if node.keywords:
            raise self.fail(
                node.keywords[0],
                f"'{name}' takes no keyword arguments",
                hint=f"write '{name}(...)' with one argument",
            )
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            raise self.fail(
                starred[0],
                f"'{name}' takes one argument, not '*' unpacking",
                hint=f"write '{name}(...)' with one argument",
            )
        if len(node.args) != 1:
            raise self.fail(
                node,
                f"'{name}' takes exactly one argument, got {len(node.args)}",
                hint=f"write '{name}(...)' with one argument",
            )
        (arg,) = node.args
        if name in CONSTRUCTORS:
            return self.constructor(name, arg, span)
        if name in self.functions:
            kind, size = self.functions[name]
            return Call(name, (self.convert(arg, depth + 1),), span, kind, size)
        return Call(name, (self.convert(arg, depth + 1),), span)

    def constructor(self, name: str, arg: ast.expr, span: Span) -> Expr:
        builder = Identity if name == "eye" else Ones
        match arg:
            case ast.Name(id=dim):
                return builder(dim, span)
            case ast.Constant(value=int(size)) if not isinstance(size, bool) and 0 < size <= (
                MAX_SIZE
            ):
                return builder(size, span)
        raise self.fail(
            arg,
            f"'{name}' takes a dimension: a name such as 'n' or an integer from 1 to {MAX_SIZE}",
            hint=f"write '{name}(n)'",
        )


def _func_hint(name: str) -> str:
    known = FUNCTIONS + CONSTRUCTORS
    return did_you_mean(name, known) or "the functions are " + ", ".join(known)


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Subscript: "indexing with [...]",
        ast.Compare: "comparison",
        ast.BoolOp: "'and'/'or'",
        ast.Lambda: "lambda",
        ast.Tuple: "tuple",
        ast.List: "list",
        ast.Dict: "dict",
        ast.Set: "set",
        ast.IfExp: "conditional expression",
        ast.NamedExpr: "assignment ':='",
        ast.JoinedStr: "string",
        ast.Starred: "'*' unpacking",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.ListComp: "comprehension",
        ast.GeneratorExp: "generator",
        ast.SetComp: "comprehension",
        ast.DictComp: "comprehension",
        ast.Slice: "slice",
    }
    if isinstance(node, ast.UnaryOp):
        return "operator '" + {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?") + "'"
    return kinds.get(type(node), type(node).__name__)


def is_elementwise(name: str) -> bool:
    """Whether `name` is a function applied entry by entry."""
    return name in ELEMENTWISE_FUNCTIONS
