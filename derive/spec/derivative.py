"""Checking derivative and chain items: an item's mapping -> an `Item`, or placed errors.

Parses the expression, its `let:` definitions and the answer; checks `wrt`, the declarations
each expression needs (`make_problem`, `make_chain`) and the answer's shape against the layout.
Limit: answers are shape-checked only when the derivative has at most two axes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml
from msgspec import Struct
from msgspec.structs import replace

from derive.errors import DeriveError, did_you_mean
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


class _Written(Struct, frozen=True):
    """An expression as written in the spec: its text, where it starts, the names it uses."""

    text: str
    lead: int
    node: yaml.ScalarNode
    used: frozenset[str]


class _Declared(Struct, frozen=True):
    """The declarations an item sees, merged over its levels."""

    shapes: Mapping[str, tuple[DataPath, list[Any]]]
    assume: Mapping[str, tuple[DataPath, Any]]
    functions: Mapping[str, str]
    signatures: Mapping[str, Signature]


class _Parts(Struct, frozen=True):
    """What an item is made of once parsed: `answer_failed` when its answer did not parse
    (the item is still checked, to report all of its errors at once)."""

    expr: _Written
    answer: _Written | None
    answer_failed: bool
    lets: list[Let]
    let_level: Level | None
    declared: _Declared


class DerivativeChecker(Diagnostics):
    """Checks derivative and chain items, parsing each level's definitions only once."""

    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        super().__init__(source, errors)
        self.lets: dict[DataPath, list[Let] | None] = {}

    def check_item(
        self, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName, kind: KindName
    ) -> Item | None:
        """Check an item whose required keys are present; None when it has errors."""
        level = item.levels[-1]
        parts = self._check_parts(raw, item, kind)
        if parts is None:
            level.complete = False
            return None
        expr, answer, lets, declared = parts.expr, parts.answer, parts.lets, parts.declared
        names = {let.name for let in lets}
        level.used |= expr.used
        if answer is not None:
            level.used |= answer.used - names
        wrt_ok = self._check_wrt(raw.get("wrt"), expr, names, level.path)

        definitions: list[Any] = []

        def make(shapes: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            if not lets:
                return make_problem(expr.text, shapes, accepted, declared.functions)
            made, defined = make_chain(expr.text, [let.text for let in lets], shapes, accepted,
                                       declared.functions)
            definitions[:] = defined
            return made

        def place(error: DeriveError) -> DeriveError:
            return place_chain_error(self.source, error, lets, expr.node, expr.lead)

        problem = self.solve(set(expr.used), declared, make, place)
        wrt = raw.get("wrt")
        if problem is None or not wrt_ok or parts.answer_failed or not isinstance(wrt, str):
            return None
        answer_problem = None
        if answer is not None:
            where = let_path(parts.let_level)
            intermediates = {d.name: (where, list(d.shape)) for d in definitions}
            with_intermediates = replace(declared, shapes={**declared.shapes, **intermediates})
            answer_problem = self.check_answer(answer, problem, with_intermediates, names)
            if answer_problem is None:
                return None
        element = raw.get("element")
        output_name = raw.get("name")
        return Item(
            **item_header(raw, item),
            expr=expr.text,
            wrt=wrt,
            layout=layout,
            element=tuple(element) if isinstance(element, list) else None,
            answer=answer.text if answer is not None else None,
            name=output_name if isinstance(output_name, str) else None,
            problem=problem,
            answer_problem=answer_problem,
            expr_at=self.source.spot(expr.node, expr.lead),
            answer_at=self.source.spot(answer.node, answer.lead) if answer is not None else None,
            definitions=tuple(definitions),
            lets=tuple(let.text for let in lets),
        )

    def _check_parts(
        self, raw: Mapping[str, Any], item: ItemScope, kind: KindName
    ) -> _Parts | None:
        """The parsed expression, answer and definitions of an item; None after an error.

        The expression's `used` names include those of its definitions but not the
        intermediates they define.
        """
        levels = item.levels
        path = levels[-1].path
        shapes, assume, functions = in_scope(levels)
        declared = _Declared(shapes, assume, functions, declare_functions(functions))
        let_level = next((level for level in reversed(levels) if level.lets is not None), None)
        if kind == "chain" and let_level is None:
            self.fail(f"{item.where} is of kind 'chain' but has no 'let' definitions", path,
                      hint=MISSING_HINTS["let"])
            return None
        expr = self._parse(raw, path, "expr", declared.signatures)
        if expr is None:
            return None
        lets: list[Let] = []
        if let_level is not None:
            found = self.split_lets(let_level, declared.signatures)
            if found is None:
                return None
            lets = found
        names = {let.name for let in lets}
        used = expr.used.union(*(let.used for let in lets)) - names
        expr = replace(expr, used=frozenset(used))
        reported = len(self.errors)
        answer = self._parse(raw, path, "answer", declared.signatures)
        answer_failed = len(self.errors) > reported
        return _Parts(expr, answer, answer_failed, lets, let_level, declared)

    def _parse(
        self, raw: Mapping[str, Any], path: DataPath, key: str,
        signatures: Mapping[str, Signature],
    ) -> _Written | None:
        """Parse the expression under `key`, placing a syntax error at its character."""
        node = self.source.values.get((*path, key))
        value = raw.get(key)
        if not isinstance(value, str) or not isinstance(node, yaml.ScalarNode):
            return None
        text, lead = normalize(value)
        try:
            parsed = parse(text, signatures)
        except DeriveError as error:
            self.errors.append(self.source.place(error, node, lead))
            return None
        return _Written(text, lead, node, frozenset(symbols_in(parsed)))

    def _check_wrt(self, wrt: Any, expr: _Written, names: set[str], path: DataPath) -> bool:
        """Whether `wrt` names an input of the expression; reports why not."""
        if not isinstance(wrt, str):
            return False
        if wrt in names:
            self.fail(
                f"cannot differentiate with respect to the intermediate '{wrt}'",
                (*path, "wrt"),
                hint=f"give '{wrt}' a shape and drop its definition, so that it is an input",
            )
            return False
        if wrt not in expr.used:
            self.fail(
                f"cannot differentiate with respect to '{wrt}': "
                f"it does not appear in '{expr.text}'",
                (*path, "wrt"),
                hint=did_you_mean(wrt, expr.used)
                or "the expression uses " + ", ".join(f"'{name}'" for name in sorted(expr.used)),
            )
            return False
        return True

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
        declared: _Declared,
        make: Callable[[dict[str, Any], dict[str, Any]], Problem],
        place: Callable[[DeriveError], DeriveError],
    ) -> Problem | None:
        """`make` (the problem of an expression or chain) with the declarations `used` needs.

        Assumption errors carry no position, so each assumption is first tried on its own and
        reported at its entry.
        """
        shapes = {name: dims for name, (_, dims) in declared.shapes.items() if name in used}
        accepted: dict[str, Any] = {}
        ok = True
        for name, (entry, props) in declared.assume.items():
            if name not in used:
                continue
            try:
                make(shapes, {name: props})
            except DeriveError as error:
                if error.span is None:
                    self.fail(error.message, entry, hint=error.hint)
                    ok = False
                    continue
            accepted[name] = props
        try:
            problem = make(shapes, accepted)
        except DeriveError as error:
            self.errors.append(place(error))
            return None
        return problem if ok else None

    def check_answer(
        self, answer: _Written, problem: Problem, declared: _Declared, intermediates: set[str]
    ) -> Problem | None:
        """The answer's own problem, once it uses only the expression's names."""
        known = set(problem.shapes) | set(problem.dims()) | intermediates
        strangers = sorted(answer.used - known)
        if strangers:
            self.errors.append(
                self.source.error(
                    f"the answer uses '{strangers[0]}', which does not appear in the expression "
                    f"'{problem.text}'",
                    answer.node,
                    hint=did_you_mean(strangers[0], known)
                    or "an answer may use the expression's symbols and dimension names only",
                )
            )
            return None

        def make(shapes: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            return make_problem(answer.text, shapes, accepted, declared.functions)

        return self.solve(
            set(answer.used), declared, make,
            lambda error: self.source.place(error, answer.node, answer.lead),
        )
