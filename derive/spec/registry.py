"""The question kinds: one entry per kind, read by spec checking, the builder and the templates.

An entry says which keys an item of the kind must have, which keys only it reads, and which
function checks it. The builder keeps its solver for each kind in `derive.build.solve.SOLVERS`
and the templates pick `answers/<kind>` partials; a test holds the three tables to the same kinds.
Adding a kind is one entry here, one solver there and, when its answer reads differently, one
answer partial per format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, get_args

from msgspec import Struct

from derive.spec.choices import check_blanks_item, check_select_item, check_shape_item
from derive.spec.derivative import DerivativeChecker
from derive.spec.kinds import check_index_item
from derive.spec.model import AnyItem, KindName, LayoutName
from derive.spec.scope import ItemScope

Check = Callable[[DerivativeChecker, Mapping[str, Any], ItemScope, LayoutName], AnyItem | None]
"""Checks an item whose required keys are present; None when it has errors (collected by the
checker)."""


class QuestionKind(Struct, frozen=True):
    """What spec checking needs to know about one kind of question."""

    name: KindName
    summary: str
    required: tuple[str, ...]
    reads: frozenset[str]
    """The question's own keys (an exercise with parts cannot hold them)."""
    declarations: frozenset[str]
    """The declarations it uses, given on the item or inherited from its exercise; `shapes`,
    `layout`, `title`, `prompt` and `answer` are common to every kind. A key that another kind
    uses and this one does not is refused."""
    check: Check


def _derivative(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> AnyItem | None:
    return checker.check_item(raw, item, layout, "derivative")


def _chain(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> AnyItem | None:
    return checker.check_item(raw, item, layout, "chain")


def _vectorize(
    checker: DerivativeChecker, raw: Mapping[str, Any], item: ItemScope, layout: LayoutName
) -> AnyItem | None:
    return check_index_item(checker, raw, item)


_DERIVATIVE_KEYS = frozenset({"expr", "wrt", "element", "name"})
_DERIVATIVE_DECLARATIONS = frozenset({"let", "assume", "functions"})

QUESTION_KINDS: Mapping[KindName, QuestionKind] = {
    kind.name: kind
    for kind in (
        QuestionKind(
            "derivative", "the derivative of an expression, worked entry by entry",
            ("expr", "wrt"), _DERIVATIVE_KEYS, _DERIVATIVE_DECLARATIONS, _derivative,
        ),
        QuestionKind(
            "chain", "a derivative through named intermediates ('let'), by the chain rule",
            ("expr", "wrt"), _DERIVATIVE_KEYS, _DERIVATIVE_DECLARATIONS, _chain,
        ),
        QuestionKind(
            "vectorize", "an index-notation formula ('index', 'free') rewritten in matrix form",
            ("index", "free"), frozenset({"index", "free", "ranges", "name"}), frozenset(),
            _vectorize,
        ),
        QuestionKind(
            "shape", "the shape of a derivative, by the layout rule and shape matching",
            ("expr", "wrt"), _DERIVATIVE_KEYS, _DERIVATIVE_DECLARATIONS, check_shape_item,
        ),
        QuestionKind(
            "select", "select all options that equal the derivative (or have its shape)",
            ("expr", "wrt"),
            _DERIVATIVE_KEYS | {"options", "distractors", "ill_shaped", "criterion"},
            _DERIVATIVE_DECLARATIONS, check_select_item,
        ),
        QuestionKind(
            "blanks", "the chain rule's factors d□/d□ in the layout's order, from a list of names",
            ("expr", "wrt"), _DERIVATIVE_KEYS, _DERIVATIVE_DECLARATIONS, check_blanks_item,
        ),
    )
}
"""Every question kind, by the name an exercise gives in `kind:`."""

assert tuple(QUESTION_KINDS) == get_args(KindName), "KindName and QUESTION_KINDS disagree"

QUESTION_KEYS = ("answer", *sorted(frozenset().union(
    *(kind.reads for kind in QUESTION_KINDS.values())
)))
"""The keys of a single question, which cannot sit next to `parts:`."""

KIND_KEYS = frozenset().union(
    *(kind.reads | kind.declarations for kind in QUESTION_KINDS.values())
)
"""Every key that some kind uses and another may not."""


def kinds_using(key: str) -> list[str]:
    """The kinds whose items use `key`, for hints."""
    return [
        name for name, kind in QUESTION_KINDS.items() if key in kind.reads | kind.declarations
    ]
