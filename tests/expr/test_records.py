"""Records (`derive.records`): nodes compare and hash without the fields that only annotate them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from msgspec.structs import replace

from derive.errors import Span
from derive.expr.nodes import Add, Call, Symbol
from derive.expr.terms import Apply, Entry, Poly, Term, Written


def test_spans_do_not_change_equality_hash_or_repr() -> None:
    left = Add(Symbol("x", Span(1, 2)), Symbol("y", Span(5, 6)), Span(1, 6))
    right = Add(Symbol("x"), Symbol("y"))
    assert left == right
    assert not left != right  # noqa: SIM202 - != must agree with == (msgspec generates __ne__)
    assert hash(left) == hash(right)
    assert repr(left) == "Add(left=Symbol(name='x'), right=Symbol(name='y'))"
    assert left.span == Span(1, 6)  # the span is still kept


def test_records_with_different_values_or_types_differ() -> None:
    assert Symbol("x") != Symbol("y")
    assert Add(Symbol("x"), Symbol("y")) != Add(Symbol("y"), Symbol("x"))
    assert Call("exp", (Symbol("x"),)) != Call("log", (Symbol("x"),))
    assert Call("f", (Symbol("x"),), kind="elementwise") != Call("f", (Symbol("x"),))
    assert len({Symbol("x", Span(1, 2)), Symbol("x", Span(3, 4)), Symbol("y")}) == 2


def test_apply_ignores_the_written_source() -> None:
    arg = Poly((Term(Fraction(1), (Entry(Symbol("z"), ("i",)),)),))
    written = Written(Symbol("z"), ("i", None))
    assert Apply("exp", arg, written) == Apply("exp", arg)
    assert hash(Apply("exp", arg, written)) == hash(Apply("exp", arg))
    assert Apply("exp", arg) != Apply("log", arg)


def test_records_are_immutable_and_replace_keeps_the_type() -> None:
    node = Symbol("x", Span(1, 2))
    with pytest.raises(AttributeError):
        node.name = "y"  # type: ignore[misc]
    renamed = replace(node, name="y")
    assert type(renamed) is Symbol and renamed.name == "y" and renamed.span == Span(1, 2)
