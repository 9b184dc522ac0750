"""One exercise on its own, as a docs page or a notebook cell embeds it: YAML text -> a checked
one-exercise `ExerciseSet` plus the block's own options.

The text is one exercise of the exercise format (`id` may be left out) with `notation` and the
caller's options (`show`, ...) beside its keys. It is checked by the same code as a whole file,
so every diagnostic is the one `derive check` gives, placed at the line of the page: the text
is read as if it started on line `first_line` of `filename`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from msgspec import Struct

from derive.errors import DeriveError, SpecErrors, did_you_mean
from derive.spec.model import ExerciseSet
from derive.spec.schema import CHOICES, describe
from derive.spec.source import DataPath, SourceMap, read_yaml
from derive.spec.validate import MAX_ERRORS, validate_spec

DEFAULT_ID = "block"
"""The id of an embedded exercise that gives none; diagnostics name it."""


class Embedded(Struct, frozen=True):
    """A checked embedded exercise and the values of the caller's options."""

    spec: ExerciseSet
    options: dict[str, str]


def parse_embedded(  # noqa: PLR0913 - keyword-only settings, all defaulted but the text's place
    text: str,
    filename: str,
    *,
    first_line: int = 1,
    options: Mapping[str, tuple[str, ...]] | None = None,
    defaults: Mapping[str, str] | None = None,
    where: str = "the block",
) -> Embedded:
    """Check the text of one embedded exercise.

    Args:
        text: the YAML of one exercise, with `notation` and the keys of `options` beside it.
        filename: the page or source file, named in diagnostics.
        first_line: the line of `filename` on which `text` starts.
        options: the caller's own keys and the words each accepts; the first is the default.
        defaults: defaults for `layout`, `notation` and the options (already checked).
        where: how messages name the text when it is not one exercise at all.

    Returns:
        The exercise as a one-exercise set, and the value of every option.

    Raises:
        SpecErrors: every problem found, at `filename`:line:col.

    Example:
        >>> block = parse_embedded("expr: W @ x\\nwrt: x\\nshapes: {W: [m, n], x: [n]}\\n"
        ...                        "show: answer", "page.md", first_line=10,
        ...                        options={"show": ("solution", "answer")})
        >>> block.options, block.spec.exercises[0].items[0].problem.shape
        ({'show': 'answer'}, ('m', 1))
    """
    options = options or {}
    defaults = defaults or {}
    padded = "\n" * max(first_line - 1, 0) + text
    data, source, errors = read_yaml(padded, filename)
    found = list(errors)
    if not isinstance(data, dict):
        found.append(source.error(
            f"found {describe(data)} in {where}; expected one exercise, a mapping with keys "
            "such as 'expr', 'wrt' and 'shapes'", source.values.get(()),
            hint="write the exercise's keys directly, one per line, e.g. 'expr: x.T @ x'",
        ))
        raise SpecErrors(found)
    chosen = {
        key: _choice(data, source, key, choices, defaults.get(key, choices[0]), found)
        for key, choices in {**options, "notation": CHOICES["notation"]}.items()
    }
    notation = chosen.pop("notation")
    exercise = {"id": DEFAULT_ID, **data}
    whole = {"title": "embedded exercise", "notation": notation,
             "layout": defaults.get("layout", "denominator"), "exercises": [exercise]}
    _move_into_set(source)
    if "id" not in data:
        # Exercises are placed by their id's node; the block's stands at its first key.
        root = source.values[("exercises", 0)]
        source.values[("exercises", 0, "id")] = yaml.ScalarNode(
            "tag:yaml.org,2002:str", DEFAULT_ID, root.start_mark, root.start_mark)
    try:
        spec = validate_spec(whole, source, found)
    except SpecErrors as error:
        raise SpecErrors(error.errors, limit=MAX_ERRORS) from None
    return Embedded(spec, chosen)


def _choice(
    data: dict[str, Any], source: SourceMap, key: str, choices: tuple[str, ...], default: str,
    found: list[DeriveError],
) -> str:
    """Take option `key` out of the data; an unknown word is an error and gives the default."""
    if key not in data:
        return default
    value = data.pop(key)
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(f"'{c}'" for c in choices[:-1]) + f" or '{choices[-1]}'"
    found.append(source.error(
        f"unknown {key} {describe(value)}; expected {listed}", source.values.get((key,)),
        hint=did_you_mean(str(value), choices) or f"write '{key}: {choices[0]}'",
    ))
    return default


def _move_into_set(source: SourceMap) -> None:
    """Re-key every position from the exercise's own paths to those of exercise 1 of a set."""
    for table in (source.values, source.keys):
        moved: dict[DataPath, yaml.Node] = {("exercises", 0, *path): node
                                           for path, node in table.items()}
        table.clear()
        table.update(moved)


__all__ = ["DEFAULT_ID", "Embedded", "parse_embedded"]
