"""Chains of named intermediates (`let: ["a = sigmoid(M @ x)", ...]`): each definition parsed
once, here, checked in order and shaped, and the whole chain written out for the numeric check.

Both the command line (`--let`) and exercise files (`let:`) come through `parse_definition`, so a
definition reads and fails the same way wherever it is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from msgspec import Struct

from derive.errors import DeriveError, SpecError, UnsupportedError
from derive.expr.limits import MAX_DEFINITIONS, MAX_WRITTEN_DEPTH, MAX_WRITTEN_OUT
from derive.expr.nodes import Expr, Symbol, children, symbols_in, with_children
from derive.expr.parse import Signature, parse
from derive.expr.shapes import Shape, infer_shape
from derive.problem.expression import (
    AssumeSpec,
    FunctionSpec,
    Problem,
    ShapeSpec,
    declare_functions,
    declare_symbols,
)

DEFINITION = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)$")
"""`name = expression`; `==` is not an assignment."""


class ParsedDefinition(Struct, frozen=True):
    """A definition's name, its expression's text and where that text starts, and the tree."""

    name: str
    body: str
    offset: int
    expr: Expr


def parse_definition(
    text: str, number: int, signatures: Mapping[str, Signature]
) -> ParsedDefinition:
    """Split `name = expression` and parse the expression.

    Raises:
        DeriveError: the text is not a definition, or its expression does not parse; the span
            counts columns in the whole definition.

    Example:
        >>> parse_definition("a = W @ x", 1, {}).name
        'a'
    """
    match = DEFINITION.match(text)
    if match is None:
        raise SpecError(
            f"definition {number} '{text}' is not of the form 'name = expression'",
            hint="write, for example, 'a = sigmoid(M @ x)'",
        )
    name, body = match.group(1), match.group(2)
    offset = len(text) - len(body)
    try:
        return ParsedDefinition(name, body, offset, parse(body, signatures))
    except DeriveError as error:
        raise error.shifted(offset, text) from None


class Definition(Struct, frozen=True):
    """One link `name = expr` of a chain, with the shape of `name`."""

    name: str
    text: str
    expr: Expr
    shape: Shape
    introduced: bool = False
    """Named by derive (`derive.engine.intermediates`), not written by the user."""


def _check_order(parsed: Sequence[tuple[str, str, Expr]], lets: Sequence[str]) -> None:
    """A definition may use the inputs and the intermediates defined above it, nothing later."""
    later = [name for name, _, _ in parsed]
    for (name, _, expr), text in zip(parsed, lets, strict=True):
        early = sorted(symbols_in(expr) & set(later))
        if early:
            where = "in its own definition" if early[0] == name else "before it is defined"
            raise SpecError(
                f"definition '{text.strip()}' uses '{early[0]}' {where}",
                hint="each definition may use the inputs and the intermediates defined above it",
            )
        later.remove(name)


def _shaped(
    parsed: Sequence[tuple[str, str, Expr]],
    lets: Sequence[str],
    declared: Mapping[str, Shape],
    signatures: Mapping[str, Signature],
) -> tuple[Definition, ...]:
    """Infer each intermediate's shape, in order; each may use the ones before it."""
    env = dict(declared)
    definitions: list[Definition] = []
    for (name, body, expr), text in zip(parsed, lets, strict=True):
        if name in env or name in signatures:
            raise SpecError(
                f"'{name}' is defined twice or is also a declared symbol or function",
                hint="give each intermediate its own new name",
            )
        try:
            shape = infer_shape(expr, env, body)
        except DeriveError as error:
            raise error.shifted(len(text) - len(body), text) from None
        env[name] = shape
        definitions.append(Definition(name, body.strip(), expr, shape))
    return tuple(definitions)


def substitute(expr: Expr, definitions: Mapping[str, Expr]) -> Expr:
    """Replace intermediate symbols by their definitions, recursively.

    Each intermediate is written out once and shared by every use, so the result is a tree
    whose repeated parts are one object (evaluation and shape inference memoise by identity).
    """
    written: dict[str, Expr] = {}

    def visit(node: Expr) -> Expr:
        if isinstance(node, Symbol) and node.name in definitions:
            if node.name not in written:
                written[node.name] = visit(definitions[node.name])
            return written[node.name]
        parts = children(node)
        return with_children(node, tuple(visit(child) for child in parts)) if parts else node

    return visit(expr)


def _check_written_out(main: Expr, definitions: Sequence[Definition]) -> None:
    """Refuse a chain whose expression, every intermediate written out, is over the limits."""
    sizes: dict[str, tuple[int, int]] = {}  # intermediate -> (nodes, depth) written out

    def measure(node: Expr) -> tuple[int, int]:
        if isinstance(node, Symbol) and node.name in sizes:
            return sizes[node.name]
        parts = [measure(child) for child in children(node)]
        return 1 + sum(n for n, _ in parts), 1 + max((d for _, d in parts), default=0)

    for definition in definitions:
        sizes[definition.name] = measure(definition.expr)
    nodes, depth = measure(main)
    if nodes > MAX_WRITTEN_OUT or depth > MAX_WRITTEN_DEPTH:
        raise UnsupportedError(
            f"too complex: written out, the chain's expression has {nodes} nodes and {depth} "
            f"levels; the limits are {MAX_WRITTEN_OUT} and {MAX_WRITTEN_DEPTH}",
            hint="an intermediate used several times in each link doubles the expression at "
            "every link; use fewer links or fewer uses",
        )


def make_chain(
    text: str,
    lets: Sequence[str],
    shapes: ShapeSpec | None,
    assume: AssumeSpec | None,
    functions: FunctionSpec | None,
) -> tuple[Problem, tuple[Definition, ...]]:
    """The definitions, and the fully substituted problem that finite differences differentiate.

    The problem's `text` is the expression as written (with the intermediates' names).
    """
    if len(lets) > MAX_DEFINITIONS:
        raise UnsupportedError(
            f"too complex: the chain has {len(lets)} definitions; the limit is {MAX_DEFINITIONS}",
            hint="split the network into parts and differentiate each",
        )
    signatures = declare_functions(functions)
    parsed = [(d.name, d.body, d.expr) for d in
              (parse_definition(t, n, signatures) for n, t in enumerate(lets, start=1))]
    names = {name for name, _, _ in parsed}
    _check_order(parsed, lets)
    reserved = sorted(n for n in (set(shapes or {}) | names) if n.startswith("delta_"))
    if reserved:
        raise SpecError(f"'{reserved[0]}' is reserved for the backward pass (δ of an intermediate)",
                        hint="rename the symbol")
    both = sorted(names & set(shapes or {}))
    if both:
        raise SpecError(
            f"'{both[0]}' is defined as an intermediate and also given a shape",
            hint="an intermediate's shape follows from its definition: remove its shape, or "
            "rename the intermediate",
        )
    dims = {d for dims in (shapes or {}).values() for d in dims if isinstance(d, str)}
    named_like_dim = sorted(names & dims)
    if named_like_dim:
        raise SpecError(
            f"intermediate '{named_like_dim[0]}' has the name of a dimension",
            hint="a dimension's name stands for its size; rename the intermediate",
        )
    main = parse(text, signatures)
    used = symbols_in(main).union(*(symbols_in(expr) for _, _, expr in parsed)) - names
    declared, assumptions = declare_symbols(frozenset(used), shapes, assume, signatures)
    definitions = _shaped(parsed, lets, declared, signatures)
    unused = [d.name for d in definitions if not any(
        d.name in symbols_in(other) for other in [main] + [e.expr for e in definitions]
    )]
    if unused:
        raise SpecError(f"intermediate '{unused[0]}' is defined but never used",
                        hint="use it in the expression or a later definition, or remove it")
    _check_written_out(main, definitions)
    full = substitute(main, {d.name: d.expr for d in definitions})
    env = {**declared, **{d.name: d.shape for d in definitions}}
    shape = infer_shape(main, env, text)
    return Problem(text, full, declared, assumptions, shape, signatures), definitions


