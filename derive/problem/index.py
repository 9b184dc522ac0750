"""Parse the index language of `derive vectorize` into an index-form `Poly`, with checks.

Text -> Python's `ast` (mode "eval", never executed) -> a whitelist -> `Poly`. Entries `A[i,j]`,
`x[i]`, scalars `s`, `sum(E, k)`, `sum(E, (k, l))`, `delta(i, j)`, numbers, `+ - * / **` and the
elementwise functions. Index ranges come from the declared shapes; every mistake (unbalanced
brackets, unknown symbols, wrong index counts, range conflicts, free/summed confusion) is an error
with a column and a hint.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from fractions import Fraction

from msgspec import Struct

from derive.errors import DeriveError, ExprSyntaxError, Span, SpecError, did_you_mean
from derive.expr.functions import ELEMENTWISE_FUNCTIONS, MATRIX_FUNCTIONS
from derive.expr.limits import MAX_DEPTH
from derive.expr.nodes import Dim, Symbol
from derive.expr.ranges import RangeInference
from derive.expr.shapes import SCALAR, Shape, format_shape
from derive.expr.source import INDEX, check_text, python_tree, read_number
from derive.expr.terms import (
    Apply,
    Delta,
    Entry,
    IndexSpace,
    Poly,
    Power,
    add,
    constant,
    free_indices,
    multiply,
    scale,
    single,
    sum_over,
)
from derive.problem.expression import check_dims

_KEYWORDS = ("sum", "delta")


class IndexProblem(Struct, frozen=True):
    """An index expression ready to vectorize.

    `shapes` holds every symbol (undeclared bare names are scalars); `space` the range of every
    index, summed ones under their internal (unique) names; `summed` lists those in order.
    """

    text: str
    poly: Poly
    free: tuple[str, ...]
    shapes: Mapping[str, Shape]
    space: IndexSpace
    summed: tuple[str, ...]


def parse_index(
    text: str, free: Sequence[str], shapes: Mapping[str, Sequence[Dim]] | None = None,
    ranges: Mapping[str, Dim] | None = None,
) -> IndexProblem:
    """Parse and check an index expression.

    Args:
        text: e.g. ``"sum(A[i,k] * B[k,j], k)"``.
        free: the free indices, naming the entry ``result[i, j]`` (at most two).
        shapes: symbol -> dimensions, as for `derive.solve`.
        ranges: index -> dimension, for indices no entry gives a range to
            (``delta(i, j) * s`` with ``{"i": "n"}``).

    Returns:
        The checked problem.

    Raises:
        DeriveError: the text is not a valid index expression; the error has a column.

    Example:
        >>> from derive.expr.termtext import poly_to_text
        >>> p = parse_index("sum(A[i,k] * x[k], k)", ["i"], {"A": ["m", "n"], "x": ["n"]})
        >>> poly_to_text(p.poly), dict(p.space.ranges)
        ('sum(A[i,k] * x[k], k)', {'i': 'm', 'k': 'n'})
    """
    check_text(text, INDEX)
    declared = {name: check_dims(name, dims) for name, dims in (shapes or {}).items()}
    given = {index: check_dims(f"range of {index}", [dim])[0] for index, dim in
             (ranges or {}).items()}
    free = _check_free(free)
    tree = python_tree(text, INDEX)
    converter = _Converter(text, declared, free, _index_names(tree) | set(free), given)
    poly = converter.convert(tree, 0)
    _check_declared(text, declared, converter.symbols)
    _check_given(given, converter.written)
    ranges = converter.ranges.resolve()
    _check_indices(text, poly, free, converter)
    all_shapes = dict(sorted({**{s: SCALAR for s in converter.symbols}, **declared}.items()))
    return IndexProblem(text, poly, free, all_shapes, IndexSpace(ranges), converter.summed)


def _fail(
    text: str,
    span: Span,
    message: str,
    hint: str | None = None,
    kind: type[DeriveError] = ExprSyntaxError,
) -> DeriveError:
    return kind(message, span=span, source=text, hint=hint)


def _check_free(free: Sequence[str]) -> tuple[str, ...]:
    names = tuple(free)
    if len(names) > 2:
        raise SpecError(f"{len(names)} free indices given; at most 2 are supported",
                        hint="a matrix has two free indices (--free i,j)")
    for name in names:
        if not name.isidentifier() or not name.isascii():
            raise SpecError(f"invalid free index '{name}'",
                            hint="free indices are names such as i or j (--free i,j)")
    if len(set(names)) != len(names):
        raise SpecError(f"free index '{names[0]}' is given twice",
                        hint="give two different names, e.g. --free i,j")
    return names


def _index_names(node: ast.expr) -> set[str]:
    """Names used as indices anywhere: inside [...], as sum's second argument, in delta()."""
    found: set[str] = set()
    for sub in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Subscript):
            targets = [sub.slice]
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            if sub.func.id == "sum" and len(sub.args) == 2:
                targets = [sub.args[1]]
            elif sub.func.id == "delta":
                targets = list(sub.args)
        for target in targets:
            items = target.elts if isinstance(target, ast.Tuple) else [target]
            found |= {item.id for item in items if isinstance(item, ast.Name)}
    return found


def _check_given(given: Mapping[str, Dim], written: set[str]) -> None:
    for index in given:
        if index not in written:
            listing = ", ".join(f"'{n}'" for n in sorted(written)) or "no indices"
            raise SpecError(f"range given for index '{index}', which the expression does not use",
                            hint=f"the expression uses {listing}")


def _check_declared(text: str, declared: Mapping[str, Shape], used: Mapping[str, Span]) -> None:
    for name in declared:
        if name in used:
            continue
        listing = ", ".join(f"'{n}'" for n in sorted(used)) or "no symbols"
        hint = did_you_mean(name, used) or f"the expression uses {listing}"
        raise SpecError(f"shape given for unknown symbol '{name}'", hint=hint)


def _check_indices(text: str, poly: Poly, free: tuple[str, ...], converter: _Converter) -> None:
    present = free_indices(poly)
    for index in present:
        if index not in free:
            listed = ",".join((*free, index))
            raise _fail(
                text, converter.ranges.first_use[index],
                f"index '{index}' is neither free nor summed",
                f"add it to the free indices (--free {listed}) or sum over it: sum(..., {index})",
                SpecError,
            )
    for index in free:
        if index not in present:
            shown = ", ".join(f"'{i}'" for i in present) or "none"
            raise SpecError(
                f"free index '{index}' does not appear in the expression",
                found=f"free indices of the expression: {shown}",
                hint="list only indices that appear outside every sum, e.g. --free "
                + (",".join(present) or "(none)"),
            )


class _Converter:
    """Maps whitelisted `ast` nodes to index-form polynomials, recording index ranges."""

    def __init__(self, text: str, declared: Mapping[str, Shape], free: tuple[str, ...],
                 index_names: set[str], given: Mapping[str, Dim]) -> None:
        self.text = text
        self.declared = declared
        self.given = given
        self.written: set[str] = set()
        self.free = free
        self.index_names = index_names
        self.scopes: list[dict[str, str]] = []
        self.bound: set[str] = set()
        self.summed: tuple[str, ...] = ()
        self.ranges = RangeInference(text)
        self.symbols: dict[str, Span] = {}

    def span(self, node: ast.AST) -> Span:
        start = getattr(node, "col_offset", 0) + 1
        end = getattr(node, "end_col_offset", None)
        return Span(start, (end + 1) if end is not None else start + 1)

    def fail(self, node: ast.AST, message: str, hint: str | None = None,
             kind: type[DeriveError] = ExprSyntaxError) -> DeriveError:
        return _fail(self.text, self.span(node), message, hint, kind)

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or "?"

    def convert(self, node: ast.expr, depth: int) -> Poly:  # noqa: C901 - one case per Python AST node type; the flat match is the readable form
        if depth > MAX_DEPTH:
            raise self.fail(node, f"too complex: the expression nests more than {MAX_DEPTH} "
                            "levels deep")
        match node:
            case ast.Name(id=name):
                return self.scalar(node, name)
            case ast.Constant(value=value):
                return constant(self.number(node, value))
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return scale(self.convert(operand, depth + 1), -1)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.convert(operand, depth + 1)
            case ast.BinOp(left=left, op=ast.Add(), right=right):
                return add(self.convert(left, depth + 1), self.convert(right, depth + 1))
            case ast.BinOp(left=left, op=ast.Sub(), right=right):
                return add(self.convert(left, depth + 1),
                           scale(self.convert(right, depth + 1), -1))
            case ast.BinOp(left=left, op=ast.Mult(), right=right):
                return multiply(self.convert(left, depth + 1), self.convert(right, depth + 1))
            case ast.BinOp(left=left, op=ast.Div(), right=right):
                return self.divide(node, left, right, depth)
            case ast.BinOp(left=left, op=ast.Pow(), right=right):
                return self.power(left, right, depth)
            case ast.BinOp(op=ast.MatMult()):
                raise self.fail(node, "'@' is not part of the index language",
                                "multiply entries with '*' and sum over the shared index, "
                                "e.g. 'sum(A[i,k] * B[k,j], k)'")
            case ast.Subscript():
                return self.entry(node)
            case ast.Call():
                return self.call(node, depth)
            case ast.Attribute(attr="T"):
                raise self.fail(node, "'.T' is not part of the index language",
                                "swap the indices instead: A.T[i,j] is 'A[j,i]'")
        raise self.fail(node, f"unsupported syntax '{self.segment(node)}'",
                        "use entries A[i,j], x[i], numbers, + - * / **, sum(E, k), "
                        "delta(i, j) and " + ", ".join(ELEMENTWISE_FUNCTIONS))

    def number(self, node: ast.expr, value: object) -> Fraction:
        exact = read_number(self.text, node, value)
        if isinstance(exact, tuple):
            raise self.fail(node, *exact)
        return exact

    def scalar(self, node: ast.Name, name: str) -> Poly:
        if name in ELEMENTWISE_FUNCTIONS or name in _KEYWORDS:
            raise self.fail(node, f"function '{name}' is used without an argument",
                            f"write '{name}(...)'")
        if name in self.index_names:
            raise self.fail(node, f"index '{name}' is used as a value",
                            "indices appear only inside [...], as sum's index and in delta()")
        shape = self.declared.get(name, SCALAR)
        if shape != SCALAR:
            raise self.fail(node, f"'{name}' is {_kind(shape)} and needs "
                            f"{_arity(shape)} {'index' if _arity(shape) == 1 else 'indices'}",
                            f"write '{_example(name, shape)}'")
        self.symbols.setdefault(name, self.span(node))
        return single(Entry(Symbol(name), ()))

    def entry(self, node: ast.Subscript) -> Poly:
        if not isinstance(node.value, ast.Name):
            raise self.fail(node.value, f"only symbols can be indexed, not "
                            f"'{self.segment(node.value)}'",
                            "index the symbols themselves: write the sum over entries")
        name = node.value.id
        if name not in self.declared:
            raise self.unknown(node.value, name)
        shape = self.declared[name]
        self.symbols.setdefault(name, self.span(node.value))
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        written = self.segment(node)
        if shape == SCALAR:
            raise self.fail(node, f"'{name}' is a scalar and takes no index",
                            f"write '{name}' without brackets")
        if len(items) != _arity(shape):
            takes = f"{_arity(shape)} {'index' if _arity(shape) == 1 else 'indices'}"
            raise self.fail(node, f"'{name}' is {_kind(shape)} ({format_shape(shape)}) "
                            f"and takes {takes}, got {len(items)}",
                            f"write '{_example(name, shape)}'")
        dims = [d for d in shape if d != 1] if _arity(shape) == 1 else list(shape)
        indices: list[str] = []
        for item, dim in zip(items, dims, strict=True):
            index = self.index(item)
            self.ranges.use(index, dim, self.span(item), written)
            indices.append(index)
        return single(Entry(Symbol(name), tuple(indices)))

    def index(self, item: ast.expr) -> str:
        """An index name as written, mapped to its internal name inside sums."""
        if not isinstance(item, ast.Name):
            raise self.fail(item, f"an index must be a name, not '{self.segment(item)}'",
                            "use index names such as i, j, k; fixed entries are not supported")
        name = written = item.id
        if name in self.declared or name in ELEMENTWISE_FUNCTIONS or name in _KEYWORDS:
            raise self.fail(item, f"'{name}' is a symbol or function, not an index",
                            "use a different index name, such as i, j or k")
        for scope in reversed(self.scopes):
            if name in scope:
                name = scope[name]
                break
        self.ranges.seen(name, self.span(item))
        self.written.add(written)
        if written in self.given:
            self.ranges.use(name, self.given[written], self.span(item),
                            f"range {written}={self.given[written]}")
        return name

    def unknown(self, node: ast.expr, name: str) -> DeriveError:
        hint = did_you_mean(name, self.declared) or f"declare its shape with --shape {name}=m,n"
        return self.fail(node, f"unknown symbol '{name}'", hint, SpecError)

    def divide(self, node: ast.BinOp, left: ast.expr, right: ast.expr, depth: int) -> Poly:
        top, bottom = self.convert(left, depth + 1), self.convert(right, depth + 1)
        value = _constant_value(bottom)
        if value is not None:
            if value == 0:
                raise self.fail(right, "division by zero", "divide by a non-zero number")
            return scale(top, 1 / value)
        return multiply(top, single(Power(bottom, Fraction(-1))))

    def power(self, left: ast.expr, right: ast.expr, depth: int) -> Poly:
        exponent = _constant_value(self.convert(right, depth + 1))
        if exponent is None:
            raise self.fail(right, f"the exponent '{self.segment(right)}' is not a number",
                            "powers take a constant exponent, such as 'x[i] ** 2'")
        base = self.convert(left, depth + 1)
        if exponent == 1:
            return base
        value = _constant_value(base)
        if value is not None and exponent.denominator == 1 and (value != 0 or exponent > 0):
            return constant(value ** int(exponent))
        return single(Power(base, exponent))

    def call(self, node: ast.Call, depth: int) -> Poly:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only named functions can be called",
                            "the functions are sum, delta, " + ", ".join(ELEMENTWISE_FUNCTIONS))
        name = node.func.id
        if node.keywords:
            raise self.fail(node.keywords[0], f"'{name}' takes no keyword arguments")
        if name == "sum":
            return self.sum(node, depth)
        if name == "delta":
            return self.delta(node)
        if name in MATRIX_FUNCTIONS:
            raise self.fail(node.func, f"'{name}' acts on whole matrices, not on entries",
                            "write it with entries, e.g. tr(A) is 'sum(A[i,i], i)'")
        if name not in ELEMENTWISE_FUNCTIONS:
            known = (*_KEYWORDS, *ELEMENTWISE_FUNCTIONS)
            hint = did_you_mean(name, known) or "the functions are " + ", ".join(known)
            raise self.fail(node.func, f"unknown function '{name}'", hint)
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(node, f"'{name}' takes exactly one argument, got {len(node.args)}",
                            f"write '{name}(...)' with one argument")
        return single(Apply(name, self.convert(node.args[0], depth + 1)))

    def sum(self, node: ast.Call, depth: int) -> Poly:
        if len(node.args) != 2:
            raise self.fail(node, f"'sum' takes two arguments, got {len(node.args)}",
                            "write 'sum(EXPR, k)' or 'sum(EXPR, (k, l))'")
        body_node, target = node.args
        items = target.elts if isinstance(target, ast.Tuple) else [target]
        scope: dict[str, str] = {}
        for item in items:
            if not isinstance(item, ast.Name):
                raise self.fail(item, f"sum's index must be a name, not '{self.segment(item)}'",
                                "write 'sum(EXPR, k)' or 'sum(EXPR, (k, l))'")
            name = item.id
            if name in self.free:
                raise self.fail(item, f"summed index '{name}' is also a free index",
                                f"remove '{name}' from the free indices or sum over another name",
                                SpecError)
            if name in scope or any(name in s for s in self.scopes):
                raise self.fail(item, f"index '{name}' is already summed by an enclosing sum",
                                "use a different name for the inner sum's index")
            scope[name] = self.fresh(name)
        self.scopes.append(scope)
        body = self.convert(body_node, depth + 1)
        self.scopes.pop()
        present = set(free_indices(body))
        for item, internal in zip(items, scope.values(), strict=True):
            if internal not in present:
                raise self.fail(item, f"summed index '{self.segment(item)}' does not appear in "
                                f"'{self.segment(body_node)}'",
                                "sum over an index of the summand, or drop the sum")
        self.summed += tuple(scope.values())
        return sum_over(body, scope.values())

    def fresh(self, name: str) -> str:
        """A name for a summed index not used by any other sum (so no capture can occur)."""
        candidate, number = name, 2
        while candidate in self.bound or (candidate != name and candidate in self.index_names):
            candidate, number = f"{name}{number}", number + 1
        self.bound.add(candidate)
        return candidate

    def delta(self, node: ast.Call) -> Poly:
        if len(node.args) != 2:
            raise self.fail(node, f"'delta' takes two indices, got {len(node.args)}",
                            "write 'delta(i, j)'")
        a, b = (self.index(arg) for arg in node.args)
        self.ranges.delta(a, b, self.span(node))
        return single(Delta(a, b))

def _constant_value(poly: Poly) -> Fraction | None:
    if poly.is_zero():
        return Fraction(0)
    if len(poly.terms) == 1 and not poly.terms[0].factors:
        return poly.terms[0].coeff
    return None


def _arity(shape: Shape) -> int:
    return 1 if 1 in shape else 2


def _kind(shape: Shape) -> str:
    if shape[1] == 1:
        return "a column vector"
    if shape[0] == 1:
        return "a row vector"
    return "a matrix"


def _example(name: str, shape: Shape) -> str:
    return f"{name}[i]" if _arity(shape) == 1 else f"{name}[i,j]"
