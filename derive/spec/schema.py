"""The schema of exercise files: its JSON Schema, and the wording of its violations.

Both come from the pydantic models in `model`: `spec_json_schema` is shipped as
`derive/spec/exercise-set.schema.json` for editors (a test keeps the two equal), and
`explain_validation_error` turns one pydantic error into a house-style message and a data path.
Regenerate the file with `.venv/bin/python -c "from derive.spec.schema import
spec_json_schema_text as t; print(t(), end='')" > derive/spec/exercise-set.schema.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from string import ascii_lowercase
from typing import Any, get_args

from msgspec import Struct
from pydantic import BaseModel

from derive.errors import did_you_mean
from derive.spec.model import (
    CriterionName,
    ExerciseSpec,
    KindName,
    LayoutName,
    NotationName,
    PartSpec,
    SpecFile,
)

SCHEMA_ID = "https://derive.invalid/exercise-set.schema.json"

Key = str | int
DataPath = tuple[Key, ...]

CHOICES: dict[str, tuple[str, ...]] = {
    "layout": get_args(LayoutName),
    "notation": get_args(NotationName),
    "kind": get_args(KindName),
    "criterion": get_args(CriterionName),
}
"""The accepted values of the keys that take one of a few words."""

MISSING_HINTS = {
    "title": "add a line such as 'title: Problem set 3'",
    "exercises": "add 'exercises:' followed by a list of exercises",
    "id": "add an id such as 'id: linear-map' (lower-case letters, digits and '-')",
    "expr": "add the expression to differentiate, e.g. 'expr: W @ x'",
    "wrt": "add the variable to differentiate with respect to, e.g. 'wrt: x'",
    "index": "add the entry formula, e.g. 'index: sum(A[i,k] * B[k,j], k)'",
    "free": "add the free indices naming the entry, e.g. 'free: [i, j]'",
    "let": "add the definitions, e.g. 'let: [a = sigmoid(M @ x), yhat = N @ a]'",
}

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an exercise file.

    Example:
        >>> spec_json_schema()["required"]
        ['title', 'exercises']
    """
    schema = SpecFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def spec_json_schema_text() -> str:
    """The schema as the shipped file holds it: two-space indents and a final newline."""
    return json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n"


class SchemaProblem(Struct, frozen=True):
    """A schema violation in words, at a data path (the key itself when `on_key`)."""

    message: str
    path: DataPath
    hint: str | None = None
    on_key: bool = False


class _Failure(Struct, frozen=True):
    """One pydantic error, resolved against the data it is about."""

    path: DataPath
    value: object
    where: str
    field: str
    loc: tuple[Key, ...]
    kind: str
    message: str


def explain_validation_error(detail: Mapping[str, Any], data: object) -> SchemaProblem | None:
    """Word one pydantic error (from `ValidationError.errors()`) for people.

    Returns None for errors that `validate` reports better itself (the entries of `shapes` and
    of `options`).

    Example:
        >>> detail = {"loc": ("layout",), "type": "literal_error", "msg": "..."}
        >>> explain_validation_error(detail, {"layout": "numerater"}).message
        "unknown layout 'numerater' in the spec; expected 'numerator', 'denominator' or 'mixed'"
    """
    loc: tuple[Key, ...] = tuple(detail["loc"])
    path, value = resolve(loc, data)
    field = next((key for key in reversed(path) if isinstance(key, str)), "")
    failure = _Failure(path, value, context(path, data), field, loc, str(detail["type"]),
                       str(detail["msg"]).lower().rstrip("."))
    if _below(path, "shapes", 2) or _below(path, "options", 2):
        return None  # reported by `validate` and `choices`, which know what the entry is
    if _below(path, "assume", 2):
        entry = path[: path.index("assume", 1) + 2]
        return SchemaProblem(
            f"assumption for '{entry[-1]}' in {failure.where} must be a property name or a "
            f"list of them, found {describe(resolve(entry, data)[1])}",
            entry,
            "write e.g. 'A: symmetric' or 'A: [symmetric, invertible]'",
        )
    if field == "element":
        return _element_error(failure)
    explain = _EXPLAINERS.get(failure.kind)
    if explain is None and failure.kind in _TYPE_NAMES:
        explain = _type_error
    if explain is None:
        return SchemaProblem(f"{failure.message} at '{field}' in {failure.where}", path)
    return explain(failure)


def _unknown_key(failure: _Failure) -> SchemaProblem:
    field, path = failure.field, failure.path
    allowed = _allowed_keys(path)
    hint = did_you_mean(field, allowed) or "the keys here are " + ", ".join(allowed)
    if field in ("id", "parts") and "parts" in path:
        hint = f"parts have no '{field}'; they are labelled (a), (b), ... in order"
    return SchemaProblem(f"unknown key '{field}' in {failure.where}", path, hint, on_key=True)


def _missing_key(failure: _Failure) -> SchemaProblem:
    missing = str(failure.loc[-1])
    return SchemaProblem(f"{failure.where} is missing the required key '{missing}'",
                         failure.path, MISSING_HINTS.get(missing))


def _pattern_error(failure: _Failure) -> SchemaProblem:
    value, path = failure.value, failure.path
    if failure.field == "id":
        slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "exercise-1"
        return SchemaProblem(
            f"invalid exercise id '{value}'; expected lower-case letters, digits and '-'",
            path,
            f"try 'id: {slug}'",
        )
    return SchemaProblem(
        f"invalid output name '{value}' in {failure.where}; expected a name such as 'y' or "
        "'loss'",
        path,
        "names start with a letter and use letters, digits and '_'",
    )


def _empty_list(failure: _Failure) -> SchemaProblem:
    return SchemaProblem(
        f"'{failure.field}' in {failure.where} is empty; expected at least one entry",
        failure.path,
        "add an exercise under 'exercises:'"
        if failure.field == "exercises"
        else "add parts, or remove 'parts' and give 'expr' and 'wrt'",
    )


def _element_error(failure: _Failure) -> SchemaProblem | None:
    value, path, where = failure.value, failure.path, failure.where
    if failure.kind in ("too_short", "too_long") and isinstance(value, list):
        return SchemaProblem(
            f"'element' in {where} lists {len(value)} indices; expected 1 or 2",
            path,
            "write 'element: [i]' for a vector entry or 'element: [i, j]' for a matrix",
        )
    if isinstance(path[-1], int):
        return SchemaProblem(
            f"entry {path[-1] + 1} of 'element' in {where} must be a positive integer, "
            f"found {describe(value)}",
            path,
            "indices count from 1",
        )
    if failure.kind in _TYPE_NAMES:
        return _type_error(failure)
    return SchemaProblem(f"{failure.message} at 'element' in {where}", path)


def _type_error(failure: _Failure) -> SchemaProblem:
    value, path, field, where = failure.value, failure.path, failure.field, failure.where
    expected = _TYPE_NAMES[failure.kind]
    if isinstance(path[-1], int):
        return SchemaProblem(
            f"{where} must be {expected}, found {describe(value)}",
            path,
            "write it as 'id: ...' with 'expr:' and 'wrt:' (or 'parts:') on the lines below"
            if field == "exercises"
            else "write it as '{expr: ..., wrt: ...}'",
        )
    quote = failure.kind == "string_type" and isinstance(value, int | float | bool)
    return SchemaProblem(
        f"'{field}' in {where} must be {expected}, found {describe(value)}",
        path,
        f"quote the text, as in {field}: '{value}'" if quote else None,
    )


_EXPLAINERS: dict[str, Callable[[_Failure], SchemaProblem]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing_key,
    "literal_error": lambda failure: _choice_error(
        failure.field, failure.value, failure.path, failure.where
    ),
    "string_pattern_mismatch": _pattern_error,
    "too_short": _empty_list,
}
"""How each kind of pydantic error is worded; kinds not listed fall back to type errors or
pydantic's own message."""


def _choice_error(field: str, value: object, path: DataPath, where: str) -> SchemaProblem:
    choices = CHOICES.get(field, ("?",))
    listed = " or ".join([", ".join(f"'{c}'" for c in choices[:-1]), f"'{choices[-1]}'"])
    return SchemaProblem(
        f"unknown {field} {describe(value)} in {where}; expected {listed.removeprefix(' or ')}",
        path,
        did_you_mean(str(value), choices),
    )


def part_label(index: int) -> str:
    """The label of part `index` (0-based): '(a)', '(b)', ..."""
    return f"({ascii_lowercase[index]})" if index < 26 else f"({index + 1})"


def place_name(exercise: Mapping[str, Any], index: int, part_label: str | None) -> str:
    """Name exercise `index` (0-based) or a part of it: "part (b) of exercise 'quad'"."""
    ident = exercise.get("id")
    name = f"exercise '{ident}'" if isinstance(ident, str) else f"exercise {index + 1}"
    return f"part {part_label} of {name}" if part_label else name


def context(path: DataPath, data: object) -> str:
    """Name the exercise or part that a data path lies in, or "the spec"."""
    if len(path) < 2 or path[0] != "exercises" or not isinstance(path[1], int):
        return "the spec"
    exercise = resolve(path[:2], data)[1]
    if not isinstance(exercise, dict):
        return f"exercise {path[1] + 1}"
    if len(path) >= 4 and path[2] == "parts" and isinstance(path[3], int):
        return place_name(exercise, path[1], part_label(path[3]))
    return place_name(exercise, path[1], None)


def resolve(loc: tuple[Key, ...], data: object) -> tuple[DataPath, object]:
    """Follow a pydantic error location through the data, skipping union-member labels."""
    path: list[Key] = []
    value = data
    for key in loc:
        if isinstance(value, dict) and isinstance(key, str) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            continue
        path.append(key)
    return tuple(path), value


def describe(value: object) -> str:
    """Describe a YAML value in messages: "'text'", "the number 5", "a list", ..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def _allowed_keys(path: DataPath) -> list[str]:
    model: type[BaseModel] = SpecFile
    if len(path) >= 4 and path[2] == "parts":
        model = PartSpec
    elif len(path) >= 3 and path[0] == "exercises":
        model = ExerciseSpec
    return list(model.model_fields)


def _below(path: DataPath, key: str, depth: int) -> bool:
    """Whether `path` reaches `depth` steps below a `key` of an exercise or part."""
    return key in path[1:] and len(path) >= path.index(key, 1) + depth
