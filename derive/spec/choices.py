"""Checking the notes' question kinds: shape, select and the chain-rule blanks.

Each is a derivative question underneath (checked by `DerivativeChecker`); a select item adds
its options, parsed here and placed in the file when they do not parse or use a name the
question does not know. An option that parses but is ill-formed (an undefined product, say) is
not an error: judging it is the question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from msgspec.structs import replace

from derive.errors import DeriveError, did_you_mean
from derive.expr.nodes import symbols_in
from derive.expr.parse import parse
from derive.spec.derivative import DerivativeChecker
from derive.spec.kinds import normalize
from derive.spec.model import Choices, CriterionName, Item, LayoutName, SourceSpot
from derive.spec.scope import ItemScope

DEFAULT_DISTRACTORS = 0
"""Generated options of a select item that asks for none."""


def check_shape_item(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> Item | None:
    """A shape question: the derivative of `expr` by `wrt`, whose shape is the answer."""
    checked = checker.check_item(raw, item, layout, "derivative")
    return replace(checked, asked="shape") if checked is not None else None


def check_blanks_item(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> Item | None:
    """A chain-rule blanks question: a chain (with `let`) whose factors are the answer."""
    checked = checker.check_item(raw, item, layout, "chain")
    return replace(checked, asked="blanks") if checked is not None else None


def check_select_item(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> Item | None:
    """A select question: the derivative and the options to judge against it."""
    checked = checker.check_item(raw, item, layout, "derivative")
    path = item.levels[-1].path
    options = raw.get("options")
    texts: list[str] = []
    spots: list[SourceSpot] = []
    failed = False
    if isinstance(options, list):
        for index, value in enumerate(options):
            node = checker.source.values.get((*path, "options", index))
            if not isinstance(value, str) or not isinstance(node, yaml.ScalarNode):
                checker.fail(f"option {index + 1} of {item.where} must be an expression",
                             (*path, "options", index),
                             hint="write each option as a string, e.g. '2 * A @ x'")
                failed = True
                continue
            text, lead = normalize(value)
            if not text:
                checker.fail(f"option {index + 1} of {item.where} is empty",
                             (*path, "options", index),
                             hint="write an expression such as '2 * A @ x', or remove it")
                failed = True
                continue
            if checked is not None and not _option_ok(checker, checked, text, node, lead):
                failed = True
                continue
            texts.append(text)
            spots.append(checker.source.spot(node, lead))
    distractors = raw.get("distractors", DEFAULT_DISTRACTORS)
    ill_shaped = raw.get("ill_shaped", 0)
    criterion = raw.get("criterion", "value")
    if not texts and not distractors and not ill_shaped and not failed:
        checker.fail(f"{item.where} is of kind 'select' but has no options", path,
                     hint="add 'options:' (a list of expressions), 'distractors: 3', or both")
        failed = True
    if checked is None or failed or not _counts_ok(distractors, ill_shaped, criterion):
        return None
    choices = Choices(tuple(texts), tuple(spots), distractors, ill_shaped, _criterion(criterion))
    return replace(checked, asked="select", choices=choices)


def _counts_ok(distractors: object, ill_shaped: object, criterion: object) -> bool:
    """Whether the counts and the criterion have the types the schema reports otherwise."""
    return (isinstance(distractors, int) and isinstance(ill_shaped, int)
            and criterion in ("value", "shape"))


def _criterion(value: object) -> CriterionName:
    return "shape" if value == "shape" else "value"


def _option_ok(
    checker: DerivativeChecker, item: Item, text: str, node: yaml.ScalarNode, lead: int
) -> bool:
    """Parse an option; it may use the question's symbols, dimensions and intermediates."""
    problem = item.problem
    try:
        expr = parse(text, problem.functions)
    except DeriveError as error:
        checker.errors.append(checker.source.place(error, node, lead))
        return False
    known = set(problem.shapes) | set(problem.dims()) | {d.name for d in item.definitions}
    strangers = sorted(symbols_in(expr) - known)
    if strangers:
        checker.errors.append(checker.source.error(
            f"the option '{text}' uses '{strangers[0]}', which the question does not define",
            node,
            hint=did_you_mean(strangers[0], known) or
            "options may use the expression's symbols, its 'let' names and dimension names",
        ))
        return False
    return True
