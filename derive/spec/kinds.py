"""Checking the parts of chain and vectorize items that derivative items do not have.

`split_lets` parses `let:` definitions ("name = expression") with positions into each string;
`place_chain_error` moves an error from `derive.engine.chain.make_chain` to the definition or
expression it is about; `read_free` and `check_index` check a vectorize item's `free` and
`index`. Errors are returned placed in the spec file, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml

from derive.errors import DeriveError, SpecError
from derive.expr.nodes import Dim, symbols_in
from derive.expr.parse import Signature, parse
from derive.spec.load import SourceMap
from derive.vectorize.parse import parse_index
from derive.vectorize.problem import IndexProblem

_DEFINITION = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)$")


@dataclass(frozen=True, slots=True)
class Let:
    """One `let:` definition as written: its text, node and the names it defines and uses."""

    text: str
    node: yaml.ScalarNode
    lead: int
    name: str
    used: frozenset[str]


def normalize(text: str) -> tuple[str, int]:
    """Strip an expression read from YAML; line breaks become spaces so offsets stay put."""
    stripped = text.strip()
    return stripped.replace("\n", " "), len(text) - len(text.lstrip())


def split_lets(
    source: SourceMap,
    values: Sequence[object],
    nodes: Sequence[yaml.Node | None],
    signatures: Mapping[str, Signature],
) -> tuple[list[Let], list[DeriveError]]:
    """Parse every definition, returning the good ones and the errors of the others."""
    lets: list[Let] = []
    errors: list[DeriveError] = []
    for number, (value, node) in enumerate(zip(values, nodes, strict=True), start=1):
        if not isinstance(value, str) or not isinstance(node, yaml.ScalarNode):
            errors.append(source.error(
                f"definition {number} must be a string 'name = expression'", node,
                hint="write, for example, 'a = sigmoid(M @ x)'",
            ))
            continue
        text, lead = normalize(value)
        match = _DEFINITION.match(text)
        if match is None:
            errors.append(source.error(
                f"definition {number} '{text}' is not of the form 'name = expression'", node,
                hint="write, for example, 'a = sigmoid(M @ x)'",
            ))
            continue
        body = match.group(2)
        try:
            expr = parse(body, signatures)
        except DeriveError as error:
            errors.append(source.place(error, node, lead + len(text) - len(body)))
            continue
        lets.append(Let(text, node, lead, match.group(1), symbols_in(expr)))
    return lets, errors


def place_chain_error(
    source: SourceMap, error: DeriveError, lets: Sequence[Let],
    expr_node: yaml.ScalarNode, expr_lead: int,
) -> DeriveError:
    """Place an error of `make_chain`: inside the definition its source line is, or at the
    definition it names, or else in the expression."""
    for let in lets:
        if error.span is not None and error.source == let.text:
            return source.place(error, let.node, let.lead)
    if error.span is None:
        for let in lets:
            if f"'{let.name}'" in error.message:
                return source.place(error, let.node, let.lead)
    return source.place(error, expr_node, expr_lead)


def read_free(value: object) -> list[str] | None:
    """The free indices from `free: [i, j]` or `free: "i,j"`; None when malformed."""
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return [str(name) for name in value]
    return None


def check_index(
    source: SourceMap,
    node: yaml.ScalarNode,
    free: list[str],
    free_node: yaml.Node | None,
    shapes: Mapping[str, Sequence[Dim]],
) -> IndexProblem | DeriveError:
    """Parse and check an index expression; the error is placed in the index or at `free`."""
    text, lead = normalize(str(node.value))
    try:
        return parse_index(text, free, shapes)
    except DeriveError as error:
        if error.span is None and isinstance(error, SpecError) and "free ind" in error.message:
            return source.error(error.message, free_node, hint=error.hint)
        if error.span is None:
            return source.error(error.message, node, hint=error.hint)
        return source.place(error, node, lead)
