"""Checking derivative and chain items: an item's mapping -> an `Item`, or placed errors.

Parses the expression, its `let:` definitions and the answer; checks `wrt`, the declarations
each expression needs (`make_problem`, `make_chain`) and the answer's shape against the layout.
Limit: answers are shape-checked only when the derivative has at most two axes.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from derive.errors import DeriveError
from derive.expr.nodes import symbols_in
from derive.expr.parse import Signature, parse
from derive.problem import Problem, declare_functions, make_problem
from derive.problem.chain import make_chain
from derive.spec.kinds import Let, normalize, place_chain_error, split_lets
from derive.spec.model import Item, KindName, LayoutName
from derive.spec.schema import MISSING_HINTS
from derive.spec.scope import (
    Diagnostics,
    ItemScope,
    Level,
    in_scope,
    item_header,
    let_path,
)
from derive.spec.source import DataPath, SourceMap


class DerivativeChecker(Diagnostics):
    """Checks derivative and chain items, parsing each level's definitions only once."""

    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        super().__init__(source, errors)
        self.lets: dict[DataPath, list[Let] | None] = {}

    def check_item(
        self, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName, kind: KindName
    ) -> Item | None:
        """Check an item whose required keys are present; None when it has errors."""
        levels = item.levels
        path = levels[-1].path
        expr_node = self.source.values.get((*path, "expr"))
        if not isinstance(raw.get("expr"), str) or not isinstance(expr_node, yaml.ScalarNode):
            levels[-1].complete = False
            return None
        shapes, assume, functions = in_scope(levels)
        signatures = declare_functions(functions)
        let_level = next((level for level in reversed(levels) if level.lets is not None), None)
        if kind == "chain" and let_level is None:
            self.fail(f"{item.where} is of kind 'chain' but has no 'let' definitions", path,
                      hint=MISSING_HINTS["let"])
            levels[-1].complete = False
            return None

        text, lead = normalize(raw["expr"])
        try:
            expr = parse(text, signatures)
        except DeriveError as error:
            self.errors.append(self.source.place(error, expr_node, lead))
            levels[-1].complete = False
            return None
        lets: list[Let] = []
        if let_level is not None:
            found = self.split_lets(let_level, signatures)
            if found is None:
                levels[-1].complete = False
                return None
            lets = found
        names = {let.name for let in lets}
        used = set(symbols_in(expr)).union(*(let.used for let in lets)) - names
        levels[-1].used |= used

        answer = raw.get("answer")
        answer_node = self.source.values.get((*path, "answer"))
        answer_text, answer_lead, answer_used = "", 0, set[str]()
        answer_ok = isinstance(answer, str) and isinstance(answer_node, yaml.ScalarNode)
        if answer_ok:
            assert isinstance(answer_node, yaml.ScalarNode)
            answer_text, answer_lead = normalize(str(answer))
            try:
                answer_used = set(symbols_in(parse(answer_text, signatures)))
                levels[-1].used |= answer_used - names
            except DeriveError as error:
                self.errors.append(self.source.place(error, answer_node, answer_lead))
                answer_ok = False

        wrt = raw.get("wrt")
        wrt_ok = isinstance(wrt, str) and wrt in used
        if isinstance(wrt, str) and wrt in names:
            self.fail(
                f"cannot differentiate with respect to the intermediate '{wrt}'",
                (*path, "wrt"),
                hint=f"give '{wrt}' a shape and drop its definition, so that it is an input",
            )
        elif isinstance(wrt, str) and not wrt_ok:
            close = difflib.get_close_matches(wrt, sorted(used), n=1)
            self.fail(
                f"cannot differentiate with respect to '{wrt}': it does not appear in '{text}'",
                (*path, "wrt"),
                hint=f"did you mean '{close[0]}'?"
                if close
                else "the expression uses " + ", ".join(f"'{name}'" for name in sorted(used)),
            )

        definitions: list[Any] = []

        def make(declared: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            if not lets:
                return make_problem(text, declared, accepted, functions)
            made, defined = make_chain(text, [let.text for let in lets], declared, accepted,
                                       functions)
            definitions[:] = defined
            return made

        def place(error: DeriveError) -> DeriveError:
            assert isinstance(expr_node, yaml.ScalarNode)
            return place_chain_error(self.source, error, lets, expr_node, lead)

        problem = self.solve(used, shapes, assume, make, place)
        if problem is None or not wrt_ok or not isinstance(wrt, str):
            return None
        answer_problem = None
        if answer_ok:
            assert isinstance(answer_node, yaml.ScalarNode)
            shaped = {**shapes, **{
                d.name: (let_path(let_level), list(d.shape)) for d in definitions
            }}
            answer_problem = self.check_answer(
                answer_text, answer_node, answer_lead, answer_used, problem, shaped, assume,
                functions, names,
            )
            if answer_problem is None:
                return None
        element = raw.get("element")
        output_name = raw.get("name")
        return Item(
            **item_header(raw, item),
            expr=text,
            wrt=wrt,
            layout=layout,
            element=tuple(element) if isinstance(element, list) else None,
            answer=answer_text if answer_problem is not None else None,
            name=output_name if isinstance(output_name, str) else None,
            problem=problem,
            answer_problem=answer_problem,
            expr_at=self.source.spot(expr_node, lead),
            answer_at=(
                self.source.spot(answer_node, answer_lead)
                if answer_problem is not None and isinstance(answer_node, yaml.ScalarNode)
                else None
            ),
            definitions=tuple(definitions),
            lets=tuple(let.text for let in lets),
        )

    def split_lets(
        self, level: Level, signatures: Mapping[str, Signature]
    ) -> list[Let] | None:
        """The parsed definitions of a level, reported once even when parts inherit them."""
        key = (*level.path, "let")
        if key not in self.lets:
            values = level.lets or []
            nodes = [self.source.values.get((*key, index)) for index in range(len(values))]
            lets, errors = split_lets(self.source, values, nodes, signatures)
            self.errors.extend(errors)
            self.lets[key] = None if errors else lets
        return self.lets[key]

    def solve(
        self,
        used: set[str],
        shapes: Mapping[str, tuple[DataPath, list[Any]]],
        assume: Mapping[str, tuple[DataPath, Any]],
        make: Callable[[dict[str, Any], dict[str, Any]], Problem],
        place: Callable[[DeriveError], DeriveError],
    ) -> Problem | None:
        """`make` (the problem of an expression or chain) with the declarations `used` needs.

        Assumption errors carry no position, so each assumption is first tried on its own and
        reported at its entry.
        """
        declared = {name: dims for name, (_, dims) in shapes.items() if name in used}
        accepted: dict[str, Any] = {}
        ok = True
        for name, (entry, props) in assume.items():
            if name not in used:
                continue
            try:
                make(declared, {name: props})
            except DeriveError as error:
                if error.span is None:
                    self.fail(error.message, entry, hint=error.hint)
                    ok = False
                    continue
            accepted[name] = props
        try:
            problem = make(declared, accepted)
        except DeriveError as error:
            self.errors.append(place(error))
            return None
        return problem if ok else None

    def check_answer(
        self,
        text: str,
        node: yaml.ScalarNode,
        lead: int,
        used: set[str],
        problem: Problem,
        shapes: Mapping[str, tuple[DataPath, list[Any]]],
        assume: Mapping[str, tuple[DataPath, Any]],
        functions: Mapping[str, str],
        intermediates: set[str],
    ) -> Problem | None:
        known = set(problem.shapes) | set(problem.dims()) | intermediates
        strangers = sorted(used - known)
        if strangers:
            close = difflib.get_close_matches(strangers[0], sorted(known), n=1)
            self.errors.append(
                self.source.error(
                    f"the answer uses '{strangers[0]}', which does not appear in the expression "
                    f"'{problem.text}'",
                    node,
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "an answer may use the expression's symbols and dimension names only",
                )
            )
            return None

        def make(declared: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            return make_problem(text, declared, accepted, functions)

        answer = self.solve(
            used, shapes, assume, make, lambda error: self.source.place(error, node, lead)
        )
        if answer is None:
            return None
        return answer

