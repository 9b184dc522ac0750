"""`vary:` blocks: reading them, writing a variant's data, and picking each variant's choices."""

from __future__ import annotations

import itertools

import pytest

from derive.errors import SpecErrors
from derive.spec import parse_spec
from derive.spec.source import read_yaml
from derive.spec.substitute import variant_data
from derive.spec.validate import validate_spec
from derive.spec.vary import VaryPlan, pick_choices, read_vary

SPEC = r"""title: Demo {k}
exercises:
  - id: lin
    prompt: Let $y = {W} x + {W2} x$ with $\mathbf{W} \in \mathbb{R}^{m \times {n}}$, $c = {k}$.
    shapes: {W: [m, n], W2: [m, n], x: [n], k: []}
    expr: k * (W @ x + W2 @ x) + 1e5 * W.T.T @ x
    wrt: x
    answer: k * (W + W2).T + 1e5 * W.T
    vary: {W: [V, M], n: [d], k: [2, -3]}
"""


def plan_of(text: str) -> tuple[object, VaryPlan]:
    data, source, errors = read_yaml(text, "demo.yaml")
    plan, problems = read_vary(data, source)
    assert not errors and not problems, problems
    return data, plan


def exercise(data: object) -> dict[str, object]:
    assert isinstance(data, dict)
    first = data["exercises"][0]
    assert isinstance(first, dict)
    return first


def test_names_are_replaced_on_whole_identifier_tokens_only() -> None:
    data, plan = plan_of(SPEC)
    made = exercise(variant_data(data, plan, {0: 0, 1: 0, 2: 1}))
    assert made["expr"] == "(-3) * (V @ x + W2 @ x) + 1e5 * V.T.T @ x"
    assert made["answer"] == "(-3) * (V + W2).T + 1e5 * V.T"
    assert made["shapes"] == {"V": ["m", "d"], "W2": ["m", "d"], "x": ["d"]}
    assert "vary" not in made


def test_prose_placeholders_keep_command_braces() -> None:
    data, plan = plan_of(SPEC)
    made = exercise(variant_data(data, plan, {0: 1, 1: 0, 2: 0}))
    assert made["prompt"] == (r"Let $y = M x + {W2} x$ with $\mathbf{M} \in "
                              r"\mathbb{R}^{m \times d}$, $c = 2$.")


def test_the_file_as_written_reads_each_placeholder_as_its_name() -> None:
    spec = parse_spec(SPEC, "demo.yaml")
    assert spec.title == "Demo {k}"  # an exercise's names do not reach the set's title
    assert spec.exercises[0].prompt is not None
    assert spec.exercises[0].prompt.startswith(r"Let $y = W x + {W2} x$ with $\mathbf{W}")


def test_the_variant_data_is_a_valid_spec_for_every_combination() -> None:
    data, plan = plan_of(SPEC)
    source = read_yaml(SPEC, "demo.yaml")[1]
    for picks in itertools.product(range(2), range(1), range(2)):
        made = variant_data(data, plan, dict(enumerate(picks)))
        spec = validate_spec(made, source, [])
        problem = spec.exercises[0].items[0].problem
        assert problem.shape == ("m", 1)
        assert problem.shapes["x"] == ("d", 1)


BAD = {  # block -> (message, the text the caret must point at)
    "vary: {Q: [R]}": ("'Q' is not a name used by exercise 'lin'", "Q"),
    "vary: {W: [V, 3]}": ("the choices of 'W' mix kinds", "[V, 3]"),
    "vary: {layout: [numerator, sideways]}": ("'sideways' is not a layout", "sideways"),
    "vary: {W: [V, U, V]}": ("choice 'V' of 'W' is listed twice", "V]"),
    "vary: {W: [x]}": ("choice 'x' for 'W' is already a name in use", "x"),
    "vary: {W: V}": ("the choices of 'W' are not a list", "V"),
    "vary: {assume: [symmetric]}": ("an 'assume' choice must be a mapping", "symmetric"),
    "vary: {W: [2V]}": ("'2V' is not a name", "2V"),
    "vary: {W: [V, '\\input{/etc/passwd}']}": ("'\\input{/etc/passwd}' is not a name",
                                               "'\\input"),
}


@pytest.mark.parametrize("block", sorted(BAD))
def test_a_bad_vary_block_is_reported_at_the_choice(block: str) -> None:
    message, token = BAD[block]
    text = ("title: T\nexercises:\n  - id: lin\n    shapes: {W: [m, n], x: [n]}\n"
            f"    expr: W @ x\n    wrt: x\n    {block}\n")
    with pytest.raises(SpecErrors) as caught:
        parse_spec(text, "bad.yaml")
    [error] = caught.value.errors
    assert message in error.message
    assert error.span is not None and error.span.line == 7
    assert error.span.col == 5 + block.rindex(token)  # 4 spaces of indentation, 1-based


def test_each_exercise_s_variants_differ_while_the_choices_allow() -> None:
    data, plan = plan_of(SPEC)
    combinations = 2 * 1 * 2
    for count in (2, 4, 7):
        picks = pick_choices(plan, 1, seed=11, count=count)
        seen = {tuple(sorted(p.items())) for p in picks}
        assert len(seen) == min(count, combinations)
    assert pick_choices(plan, 1, seed=11, count=9) == pick_choices(plan, 1, seed=11, count=9)


def test_the_set_s_choices_combine_with_each_exercise_s() -> None:
    text = SPEC.replace("title: Demo {k}", "title: Demo\nvary: {m: [m, p, q]}")
    data, plan = plan_of(text)
    picks = pick_choices(plan, 1, seed=3, count=12)
    assert len({tuple(sorted(p.items())) for p in picks}) == 12
    made = exercise(variant_data(data, plan, picks[0]))
    assert isinstance(made["shapes"], dict)
    assert made["shapes"]["x"] == ["d"]


LAYOUT = """title: Layout {layout}
vary: {layout: [numerator, denominator]}
exercises:
  - {id: a, prompt: "In {layout} layout.", shapes: {x: [n]}, expr: x.T @ x, wrt: x}
  - {id: b, prompt: "In {layout} layout.", shapes: {x: [n]}, expr: x.T @ x, wrt: x, layout: mixed}
"""


def test_layout_placeholders_read_the_layout_in_force() -> None:
    data, plan = plan_of(LAYOUT)
    made = variant_data(data, plan, {0: 0})
    assert isinstance(made, dict)
    assert made["layout"] == "numerator"
    assert made["title"] == "Layout numerator"
    assert [e["prompt"] for e in made["exercises"]] == ["In numerator layout.",
                                                        "In mixed layout."]
    spec = parse_spec(LAYOUT, "layout.yaml")
    assert [e.prompt for e in spec.exercises] == ["In denominator layout.", "In mixed layout."]


SET_ASSUME = """title: T
vary: {assume: [{}, {A: symmetric}], n: [3, 4]}
exercises:
  - {id: quad, shapes: {x: [n], A: [n, n]}, expr: x.T @ A @ x, wrt: x}
  - {id: lin, shapes: {W: [m, n], x: [n]}, expr: W @ x, wrt: x}
"""


def test_the_set_s_assumptions_go_where_their_symbols_are_declared() -> None:
    data, plan = plan_of(SET_ASSUME)
    made = variant_data(data, plan, {0: 1, 1: 1})
    assert isinstance(made, dict)
    quad, lin = made["exercises"]
    assert quad["assume"] == {"A": "symmetric"}
    assert "assume" not in lin
    assert quad["shapes"] == {"x": [4], "A": [4, 4]}  # a dimension given numbers becomes a size
    spec = validate_spec(made, read_yaml(SET_ASSUME, "t.yaml")[1], [])
    assert spec.exercises[0].items[0].problem.shapes["x"] == (4, 1)
