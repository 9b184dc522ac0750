"""The shape, select and blanks kinds in exercise files: checking, keys and diagnostics.

Shapes are compared with the layout table of the notes (001, sec. 2.1 and 3.1) written out by
hand; the blanks of the notes' 3.4 #5(c) with the order their solution gives.
"""

from __future__ import annotations

import pytest

from derive.build.solve import solve_item, solve_set
from derive.engine.asked import BlanksKey, SelectKey, ShapeKey
from derive.errors import SpecErrors, format_diagnostic
from derive.spec import parse_spec
from derive.spec.model import Item

HEAD = "title: T\nexercises:\n"


def _solve(text: str):  # type: ignore[no-untyped-def]
    solved = solve_set(parse_spec(text, "ps.yaml"), "ps")
    return [each for _, items in solved.items for each in items]


def _errors(text: str) -> str:
    with pytest.raises(SpecErrors) as caught:
        parse_spec(text, "ps.yaml")
    return format_diagnostic(caught.value)


@pytest.mark.parametrize(
    ("expr", "shapes", "wrt", "layout", "dims"),
    [
        ("x.T @ A @ x", "{x: [n], A: [n, n]}", "x", "denominator", ("n", 1)),
        ("x.T @ A @ x", "{x: [n], A: [n, n]}", "x", "numerator", (1, "n")),
        ("W @ x", "{x: [n], W: [m, n]}", "x", "numerator", ("m", "n")),
        ("W @ x", "{x: [n], W: [m, n]}", "x", "denominator", ("n", "m")),
        ("s * x", "{x: [n]}", "s", "denominator", (1, "n")),
        ("s * x", "{x: [n]}", "s", "numerator", ("n", 1)),
        ("a.T @ X @ b", "{a: [m], X: [m, n], b: [n]}", "X", "denominator", ("m", "n")),
        ("W @ x", "{x: [n], W: [m, n]}", "W", "numerator", ("m", "m", "n")),
    ],
)
def test_shape_key_follows_the_layout_table(
    expr: str, shapes: str, wrt: str, layout: str, dims: tuple[object, ...]
) -> None:
    text = (HEAD + f"  - {{id: a, kind: shape, expr: '{expr}', wrt: {wrt}, shapes: {shapes}, "
            f"layout: {layout}}}\n")
    (solved,) = _solve(text)
    assert isinstance(solved.asked, ShapeKey)
    assert solved.asked.dims == dims
    assert solved.asked.candidates[0] == dims
    assert len(set(solved.asked.candidates)) == len(solved.asked.candidates)
    assert layout in solved.asked.reason


NETWORK = HEAD + """\
  - id: network
    kind: blanks
    shapes: {x: [n], M: [p, n], N: [m, p], y: [m]}
    functions: {f: elementwise, g: elementwise, h: scalar}
    let: ["a = f(M @ x)", "yhat = g(N @ a)"]
    expr: h(yhat - y)
    wrt: M
    name: loss
"""


def test_blanks_of_the_notes_network_in_denominator_layout() -> None:
    """Notes 001, 3.4 #5(c): dl/dM = (dyhat/da)(dl/dyhat)(da/dM)."""
    (solved,) = _solve(NETWORK)
    key = solved.asked
    assert isinstance(key, BlanksKey)
    assert [(f.of, f.by) for f in key.factors] == [("yhat", "a"), ("loss", "yhat"), ("a", "M")]
    assert [f.dims for f in key.factors] == [("p", "m"), ("m", 1), ("p", "p", "n")]
    assert set(key.names) == {"M", "N", "x", "y", "a", "yhat", "loss"}


def test_blanks_in_numerator_layout_run_from_the_output() -> None:
    (solved,) = _solve(NETWORK.replace("    name: loss\n", "    name: loss\n    layout: "
                                       "numerator\n"))
    key = solved.asked
    assert isinstance(key, BlanksKey)
    assert [(f.of, f.by) for f in key.factors] == [("loss", "yhat"), ("yhat", "a"), ("a", "M")]
    assert [f.dims for f in key.factors] == [(1, "m"), ("m", "p"), ("p", "p", "n")]


def test_blanks_refuse_mixed_layout_and_branching_chains() -> None:
    spec = parse_spec(NETWORK.replace("    name: loss\n", "    name: loss\n    layout: mixed\n"),
                      "ps.yaml")
    outcome = solve_item(spec.exercises[0].items[0])
    assert outcome.error is not None
    assert "numerator or denominator layout" in format_diagnostic(outcome.error)
    branching = NETWORK.replace("expr: h(yhat - y)", "expr: h(yhat - y) + sum(a)")
    outcome = solve_item(parse_spec(branching, "ps.yaml").exercises[0].items[0])
    assert outcome.error is not None
    assert "more than one path" in format_diagnostic(outcome.error)


SELECT = HEAD + """\
  - id: quad
    kind: select
    shapes: {x: [n], A: [n, n]}
    expr: x.T @ A @ x
    wrt: x
    distractors: 2
    ill_shaped: 1
    options:
      - (A + A.T) @ x
      - 2 * A @ x
      - x.T @ (A + A.T)
      - x @ A
"""


def test_select_item_keeps_options_and_judges_them() -> None:
    spec = parse_spec(SELECT, "ps.yaml")
    item = spec.exercises[0].items[0]
    assert isinstance(item, Item) and item.kind == "select" and item.choices is not None
    assert item.choices.options[1] == "2 * A @ x"
    assert item.choices.options_at[1].span.line == 12
    (solved,) = _solve(SELECT)
    key = solved.asked
    assert isinstance(key, SelectKey)
    assert [o.verdict for o in key.options[:4]] == [
        "right", "wrong_value", "wrong_shape", "ill_formed"]
    assert len(key.options) == 7
    assert [o.verdict for o in key.options[4:6]] == ["wrong_value", "wrong_value"]
    assert key.options[6].verdict in ("wrong_shape", "ill_formed")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("      - x @ A\n", "      - x @ (A\n"), "ps.yaml:14:13: error: '(' is never closed"),
        (("      - x @ A\n", "      - x @ B\n"),
         "ps.yaml:14:9: error: the option 'x @ B' uses 'B', which the question does not define"),
        (("    kind: select\n", "    kind: derivative\n"),
         "'options' is not used by derivative items such as exercise 'quad'"),
        (("    distractors: 2\n", "    distractors: 2\n    criterion: looks\n"),
         "unknown criterion 'looks'"),
    ],
)
def test_select_spec_errors_are_placed(change: tuple[str, str], message: str) -> None:
    shown = _errors(SELECT.replace(*change))
    assert message in shown


def test_select_without_options_is_refused() -> None:
    text = HEAD + "  - {id: a, kind: select, expr: x.T @ x, wrt: x, shapes: {x: [n]}}\n"
    assert "is of kind 'select' but has no options" in _errors(text)


def test_too_many_distractors_for_a_short_answer_is_an_error() -> None:
    text = HEAD + ("  - {id: a, kind: select, expr: 3 * s, wrt: s, distractors: 8, "
                   "ill_shaped: 8}\n")
    spec = parse_spec(text, "ps.yaml")
    outcome = solve_item(spec.exercises[0].items[0])
    assert outcome.error is not None
    shown = format_diagnostic(outcome.error)
    assert "ps.yaml:3:" in shown and "generated options asked for" in shown


def test_malformed_options_are_each_reported_once() -> None:
    text = HEAD + ("  - {id: a, kind: select, expr: x.T @ x, wrt: x, shapes: {x: [n]}, "
                   "options: ['', 3, 'x @@ x'], distractors: -1}\n")
    shown = _errors(text)
    assert "option 1 of exercise 'a' is empty" in shown
    assert shown.count("ps.yaml:3:82:") == 1
    assert "option 2 of exercise 'a' must be an expression" in shown
    assert "ps.yaml:3:89: error: invalid expression" in shown
    assert "'distractors' in exercise 'a'" in shown
