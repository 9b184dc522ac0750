"""Checking the parts of chain and vectorize items that derivative items do not have.

`split_lets` parses `let:` definitions ("name = expression") with positions into each string;
`place_chain_error` moves an error from `derive.engine.chain.make_chain` to the definition or
expression it is about; `read_free` and `check_index` check a vectorize item's `free` and
`index`, and `check_index_item` checks a whole vectorize item and its answer. Errors are
returned or collected placed in the spec file, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from msgspec import Struct

from derive.errors import DeriveError, SpecError, did_you_mean
from derive.expr.nodes import Dim, symbols_in
from derive.expr.parse import Signature, parse
from derive.expr.shapes import format_shape
from derive.problem import Problem, make_problem
from derive.problem.chain import parse_definition
from derive.problem.index import IndexProblem, parse_index
from derive.spec.model import IndexItem
from derive.spec.scope import Diagnostics, ItemScope, in_scope, item_header
from derive.spec.source import SourceMap


class Let(Struct, frozen=True):
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
        try:
            parsed = parse_definition(text, number, signatures)
        except DeriveError as error:
            errors.append(source.place(error, node, lead) if error.span else
                          source.error(error.message, node, hint=error.hint))
            continue
        lets.append(Let(text, node, lead, parsed.name, symbols_in(parsed.expr)))
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
    ranges: tuple[Mapping[str, Dim], yaml.Node | None] = ({}, None),
) -> IndexProblem | DeriveError:
    """Parse and check an index expression; the error is placed in the index, at `free` or at
    `ranges`."""
    text, lead = normalize(str(node.value))
    given, ranges_node = ranges
    try:
        return parse_index(text, free, shapes, given)
    except DeriveError as error:
        if error.span is None and isinstance(error, SpecError) and "free ind" in error.message:
            return source.error(error.message, free_node, hint=error.hint)
        if error.span is None and ranges_node is not None and "range" in error.message:
            return source.error(error.message, ranges_node, hint=error.hint)
        if error.span is None:
            return source.error(error.message, node, hint=error.hint)
        return source.place(error, node, lead)


def check_index_item(
    report: Diagnostics,
    raw: Mapping[str, Any],
    item: ItemScope,
) -> IndexItem | None:
    """Check a vectorize item whose required keys are present; None when it has errors."""
    levels = item.levels
    path = levels[-1].path
    node = report.source.values.get((*path, "index"))
    free_node = report.source.values.get((*path, "free"))
    free = read_free(raw.get("free"))
    if not isinstance(node, yaml.ScalarNode) or not isinstance(raw.get("index"), str):
        levels[-1].complete = False
        return None
    if free is None:
        report.fail(f"'free' in {item.where} must be a list of index names or a string 'i,j'",
                    (*path, "free"), hint="write 'free: [i, j]', 'free: [i]' or 'free: []'")
        levels[-1].complete = False
        return None
    shapes, _, _ = in_scope(levels)
    text, lead = normalize(str(raw["index"]))
    named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    declared = {name: dims for name, (_, dims) in shapes.items() if name in named}
    given = raw.get("ranges") or {}
    if not isinstance(given, Mapping) or not all(
        isinstance(k, str) and isinstance(v, int | str) and not isinstance(v, bool)
        for k, v in given.items()
    ):
        report.fail(f"'ranges' in {item.where} must map index names to dimensions",
                    (*path, "ranges"), hint="write 'ranges: {i: n}'")
        levels[-1].complete = False
        return None
    ranges_node = report.source.values.get((*path, "ranges"))
    checked = check_index(report.source, node, free, free_node, declared, (given, ranges_node))
    if isinstance(checked, DeriveError):
        report.errors.append(checked)
        levels[-1].complete = False
        return None
    levels[-1].used |= set(checked.shapes)
    name = raw.get("name") if isinstance(raw.get("name"), str) else None
    if name is not None and name in checked.shapes:
        report.fail(f"'name: {name}' in {item.where} is a symbol of the index expression",
                    (*path, "name"), hint="name the result with a new letter, such as 'R'")
        levels[-1].complete = False
        return None
    answer_problem = None
    answer_node = report.source.values.get((*path, "answer"))
    answer = raw.get("answer")
    answer_text, answer_lead = "", 0
    if isinstance(answer, str) and isinstance(answer_node, yaml.ScalarNode):
        answer_text, answer_lead = normalize(answer)
        answer_problem = _check_index_answer(
            report, answer_text, answer_node, answer_lead, checked, text
        )
        if answer_problem is None:
            return None
    return IndexItem(
        **item_header(raw, item),
        expr=text,
        free=tuple(free),
        answer=answer_text if answer_problem is not None else None,
        name=name,
        problem=checked,
        answer_problem=answer_problem,
        expr_at=report.source.spot(node, lead),
        answer_at=report.source.spot(answer_node, answer_lead)
        if answer_problem is not None and isinstance(answer_node, yaml.ScalarNode)
        else None,
    )


def _check_index_answer(
    report: Diagnostics,
    text: str,
    node: yaml.ScalarNode,
    lead: int,
    problem: IndexProblem,
    index: str,
) -> Problem | None:
    """Parse a vectorize answer over the index expression's symbols and check its shape."""
    try:
        used = set(symbols_in(parse(text)))
        dims = {d for shape in problem.shapes.values() for d in shape if isinstance(d, str)}
        strangers = sorted(used - set(problem.shapes) - dims)
        if strangers:
            raise SpecError(
                f"the answer uses '{strangers[0]}', which does not appear in '{index}'",
                hint=did_you_mean(strangers[0], problem.shapes)
                or "an answer may use the index expression's symbols only",
            )
        answer = make_problem(
            text, {name: list(problem.shapes[name]) for name in used if name in problem.shapes}
        )
    except DeriveError as error:
        placed = (report.source.place(error, node, lead) if error.span is not None
                  else report.source.error(error.message, node, hint=error.hint))
        report.errors.append(placed)
        return None
    free = problem.free
    expected = (problem.space.dim(free[0]) if free else 1,
                problem.space.dim(free[1]) if len(free) == 2 else 1)
    if answer.shape != expected:
        report.errors.append(report.source.error(
            f"the answer is {format_shape(answer.shape)}, but the entries "
            f"[{', '.join(free)}] of '{index}' form {format_shape(expected)}",
            node,
            hint="the first free index numbers the rows, the second the columns",
        ))
        return None
    return answer
