"""The question-kind registry: every layer knows the same kinds, and checking reads the table."""

from __future__ import annotations

from typing import get_args

import pytest

from derive.build.solve import SOLVERS
from derive.errors import SpecError, format_diagnostic
from derive.render.env import make_env
from derive.spec import parse_spec
from derive.spec.model import KindName
from derive.spec.registry import KIND_KEYS, QUESTION_KEYS, QUESTION_KINDS
from derive.spec.schema import spec_json_schema


def test_every_layer_knows_the_same_kinds() -> None:
    kinds = set(get_args(KindName))
    assert set(QUESTION_KINDS) == kinds
    assert set(SOLVERS) == kinds
    schema = spec_json_schema()
    assert set(_enum_of(schema, "kind")) == kinds


@pytest.mark.parametrize("fmt", ["md", "tex"])
@pytest.mark.parametrize("kind", sorted(QUESTION_KINDS))
def test_every_kind_has_an_answer_template(kind: str, fmt: str) -> None:
    env = make_env("markdown" if fmt == "md" else "latex")
    template = env.select_template([f"answers/{kind}.{fmt}.j2", f"answers/_answer.{fmt}.j2"])
    assert template.name is not None


def test_question_keys_cannot_sit_next_to_parts() -> None:
    for key in ("expr", "wrt", "index", "free", "answer"):
        assert key in QUESTION_KEYS
    assert "shapes" not in KIND_KEYS


@pytest.mark.parametrize(
    ("kind", "key", "value", "hint"),
    [
        ("vectorize", "wrt", "x", "vectorize items take 'index', 'free'"),
        ("vectorize", "functions", "{f: elementwise}", "vectorize items take"),
        ("derivative", "free", "[i]", "set 'kind: vectorize' or remove it"),
        ("chain", "index", "'x[i]'", "set 'kind: vectorize' or remove it"),
    ],
)
def test_a_key_of_another_kind_is_refused_with_its_owner(
    kind: str, key: str, value: str, hint: str
) -> None:
    body = ("index: 'x[i]', free: [i], shapes: {x: [n]}" if kind == "vectorize"
            else "expr: 'x.T @ x', wrt: x, shapes: {x: [n]}")
    if kind == "chain":
        body += ", let: ['a = x.T @ x']"
    text = f"title: T\nexercises:\n  - {{id: a, kind: {kind}, {body}, {key}: {value}}}\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "ps.yaml")
    shown = format_diagnostic(caught.value)
    assert f"'{key}' is not used by {kind} items such as exercise 'a'" in shown
    assert hint in shown


def _enum_of(schema: dict, name: str) -> list[str]:
    """The enum of property `name` anywhere in a JSON Schema."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            prop = node.get("properties", {}).get(name) if isinstance(node.get("properties"),
                                                                      dict) else None
            if isinstance(prop, dict):
                for option in [prop, *prop.get("anyOf", [])]:
                    found.extend(option.get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return sorted(set(found))
