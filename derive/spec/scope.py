"""What spec checking shares: the collected diagnostics and the declarations in scope.

`Diagnostics` places errors at a value's or key's file:line:col and collects them; `Level`
holds the shapes, assumptions, functions and definitions declared at one exercise or part,
and `in_scope` merges the levels an item sees, inner levels winning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from msgspec import Struct, field

from derive.errors import DeriveError
from derive.spec.source import DataPath, SourceMap


class Diagnostics:
    """The spec's source map and the list every check appends its placed errors to."""

    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        self.source = source
        self.errors = errors

    def fail(
        self, message: str, path: DataPath, *, key: bool = False, hint: str | None = None
    ) -> None:
        table = self.source.keys if key else self.source.values
        node = table.get(path) or self.source.values.get(path)
        self.errors.append(self.source.error(message, node, hint=hint))


class Level(Struct):
    """Declarations made at one level (exercise or part), with the paths of their entries."""

    path: DataPath
    shapes: dict[str, list[Any]] = field(default_factory=dict)
    assume: dict[str, Any] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    lets: list[Any] | None = None
    used: set[str] = field(default_factory=set)
    complete: bool = True
    declared: bool = True
    """False when a declaration at this level (a shape, a function) has an error: the items that
    see it are not judged, since they would be judged with what was meant missing."""


class ItemScope(Struct, frozen=True):
    """Where an item stands: its levels (exercise first), its name in messages and its label."""

    levels: tuple[Level, ...]
    where: str
    label: str
    exercise_id: str


class ItemHeader(TypedDict):
    """The fields every kind of checked item takes from where it stands and from its prose."""

    exercise_id: str
    label: str
    title: str | None
    prompt: str | None


def item_header(raw: Mapping[str, Any], item: ItemScope) -> ItemHeader:
    """The item's id, label, and its title and prompt when they are strings."""
    title, prompt = raw.get("title"), raw.get("prompt")
    return ItemHeader(
        exercise_id=item.exercise_id,
        label=item.label,
        title=title if isinstance(title, str) else None,
        prompt=prompt if isinstance(prompt, str) else None,
    )


def in_scope(
    levels: tuple[Level, ...],
) -> tuple[dict[str, tuple[DataPath, list[Any]]], dict[str, tuple[DataPath, Any]],
           dict[str, str]]:
    """Shapes, assumptions and functions in scope of an item; inner levels win."""
    shapes: dict[str, tuple[DataPath, list[Any]]] = {}
    assume: dict[str, tuple[DataPath, Any]] = {}
    functions: dict[str, str] = {}
    for level in levels:
        for name, dims in level.shapes.items():
            shapes[name] = ((*level.path, "shapes", name), dims)
        for name, props in level.assume.items():
            assume[name] = ((*level.path, "assume", name), props)
        functions.update(level.functions)
    return shapes, assume, functions


def let_path(level: Level | None) -> DataPath:
    """Where a level's definitions are (for messages about intermediates)."""
    return (*level.path, "let") if level is not None else ()
