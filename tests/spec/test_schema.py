"""The shipped JSON Schema equals the one generated from the validating models."""

from __future__ import annotations

import json
from pathlib import Path

import derive.spec
from derive.spec.schema import spec_json_schema, spec_json_schema_text

SHIPPED = Path(derive.spec.__file__).with_name("exercise-set.schema.json")


def test_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == spec_json_schema_text(), (
        'regenerate: .venv/bin/python -c "from derive.spec.schema import spec_json_schema_text '
        "as t; print(t(), end='')\" > derive/spec/exercise-set.schema.json"
    )


def test_schema_describes_the_format() -> None:
    schema = spec_json_schema()
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == schema
    assert schema["required"] == ["title", "exercises"]
    assert schema["additionalProperties"] is False
    exercise = schema["$defs"]["ExerciseSpec"]
    assert exercise["anyOf"] == [
        {"required": ["parts"]}, {"required": ["expr", "wrt"]}, {"required": ["index", "free"]}
    ]
    assert exercise["properties"]["id"]["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert schema["$defs"]["PartSpec"]["anyOf"] == [
        {"required": ["expr", "wrt"]}, {"required": ["index", "free"]}
    ]
    layout = schema["properties"]["layout"]
    assert (layout["enum"], layout["default"]) == (
        ["numerator", "denominator", "mixed"],
        "denominator",
    )
