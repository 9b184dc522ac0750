"""Writing one variant of an exercise set: composed spec data with a `VaryPlan`'s choices made.

The result is plain data again, checked and solved like any exercise file, so every kind of
question works unchanged. Names are replaced on exact identifier tokens (never inside `W2` or
`.T`) in the expression keys, `let` definitions, select `options` and declarations; prose gets
`{W}` replaced by the chosen name or number, the only text substitution there is (no template
code runs). The choices are validated names, numbers and layouts, so prose stays within the
allowlist, and it is checked again with the variant.
"""

from __future__ import annotations

import re
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from derive.spec.source import SourceMap
from derive.spec.vary import (
    EXPRESSION_KEYS,
    IDENTIFIER,
    LIST_EXPRESSION_KEYS,
    Picks,
    VaryPlan,
    describe_choice,
    number_text,
)

_PLACEHOLDER = re.compile(r"(\\[A-Za-z]+|[\^_])?\{([A-Za-z][A-Za-z0-9_]*)\}")
_PROSE_KEYS = ("title", "prompt")


class VaryCollision(Exception):
    """Two names of a variant would become one (e.g. two symbols both renamed to 'V')."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Choices(Struct):
    """What a variant does to one exercise."""

    renames: dict[str, str] = field(default_factory=dict)
    constants: dict[str, int | float] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    """`{name}` in prose -> text."""
    layout: str | None = None
    assume: dict[str, object] | None = None
    set_assume: dict[str, object] | None = None


def variant_data(data: object, plan: VaryPlan, picks: Picks | None) -> object:
    """The spec data of one variant, without its `vary` blocks.

    Names missing from `picks` stay as written. With `picks` None, the data as written: the
    blocks are removed and `{W}` in prose reads as the name itself, `{layout}` as the layout in
    force.

    Raises:
        VaryCollision: two names would become one.
    """
    if not isinstance(data, dict):
        return data
    out = {key: value for key, value in data.items() if key != "vary"}
    top = _choices(plan, picks, None, out)
    if top.layout is not None:
        out["layout"] = top.layout
    for key in ("title", "course", "author"):
        if isinstance(out.get(key), str):
            out[key] = _prose(out[key], top.words)
    in_force = out.get("layout") if isinstance(out.get("layout"), str) else "denominator"
    exercises = out.get("exercises")
    if isinstance(exercises, list):
        made: list[object] = []
        for index, raw in enumerate(exercises):
            if not isinstance(raw, dict):
                made.append(raw)
                continue
            choices = _choices(plan, picks, index, raw)
            if any(plan.varied[i].kind == "layout" for i in plan.of_exercise(index)):
                own = raw.get("layout")
                choices.words["layout"] = choices.layout or (
                    own if isinstance(own, str) else str(in_force))
            made.append(_exercise(raw, choices))
        out["exercises"] = made
    return out


def variant_source(source: SourceMap, data: object, plan: VaryPlan,
                   picks: Picks | None) -> SourceMap:
    """`source` with the positions of renamed keys also under their new names."""
    if picks is None or not isinstance(data, dict):
        return source
    values, keys = dict(source.values), dict(source.keys)
    for index, choice_index in picks.items():
        varied = plan.varied[index]
        choice = varied.choices[choice_index]
        if varied.kind != "name" or not isinstance(choice, str) or choice == varied.name:
            continue
        for table in (values, keys):
            for path in [p for p in table if varied.name in p]:
                if varied.exercise is None or path[:2] == ("exercises", varied.exercise):
                    moved = tuple(choice if part == varied.name else part for part in path)
                    table.setdefault(moved, table[path])
    return replace(source, values=values, keys=keys)


def _choices(plan: VaryPlan, picks: Picks | None, exercise: int | None,
             raw: dict[str, Any]) -> _Choices:
    made = _Choices()
    for index in range(len(plan.varied)):
        varied = plan.varied[index]
        if varied.exercise is not None and varied.exercise != exercise:
            continue
        if exercise is not None and varied.exercise is None and varied.kind == "layout":
            continue  # the set's layout is set once, at the top
        if picks is None or index not in picks:
            if varied.kind not in ("layout", "assume"):
                made.words[varied.name] = varied.name
            elif varied.kind == "layout" and exercise is None:
                own = raw.get("layout")
                made.words["layout"] = own if isinstance(own, str) else "denominator"
            continue
        choice = varied.choices[picks[index]]
        if varied.kind == "layout":
            made.layout = str(choice)
            made.words["layout"] = str(choice)
        elif varied.kind == "assume":
            assert isinstance(choice, dict)
            if varied.exercise is None:
                made.set_assume = choice
            else:
                made.assume = choice
        elif varied.kind == "constant":
            assert isinstance(choice, int | float)
            made.constants[varied.name] = choice
            made.words[varied.name] = number_text(choice)
        else:
            made.renames[varied.name] = str(choice)
            made.words[varied.name] = describe_choice(choice)
    return made


def _exercise(raw: dict[str, Any], made: _Choices) -> dict[str, Any]:
    out = _item({key: value for key, value in raw.items() if key != "vary"}, made)
    if made.layout is not None:
        out["layout"] = made.layout
    if made.assume is not None:  # the choice names symbols as written: rename them too
        if made.assume:
            out["assume"] = _renamed_keys(made.assume, made)
        else:
            out.pop("assume", None)
    if made.set_assume:
        declared = _declared(out)
        renamed = _renamed_keys(made.set_assume, made)
        chosen = {k: v for k, v in renamed.items() if k in declared}
        if chosen:
            out["assume"] = {**(out.get("assume") or {}), **chosen}
    parts = out.get("parts")
    if isinstance(parts, list):
        out["parts"] = [_item(part, made) if isinstance(part, dict) else part for part in parts]
    return out


def _declared(exercise: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for level in [exercise, *[p for p in exercise.get("parts") or [] if isinstance(p, dict)]]:
        shapes = level.get("shapes")
        if isinstance(shapes, dict):
            names.update(shapes)
    return names


def _item(raw: dict[str, Any], made: _Choices) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in EXPRESSION_KEYS and isinstance(value, str):
            out[key] = _tokens(value, made)
        elif key in LIST_EXPRESSION_KEYS and isinstance(value, list):
            out[key] = [_tokens(v, made) if isinstance(v, str) else v for v in value]
        elif key in _PROSE_KEYS and isinstance(value, str):
            out[key] = _prose(value, made.words)
        elif key == "shapes" and isinstance(value, dict):
            out[key] = _renamed_keys(
                {name: [_dim(d, made) for d in dims] if isinstance(dims, list) else dims
                 for name, dims in value.items()}, made)
        elif key in ("assume", "functions") and isinstance(value, dict):
            out[key] = _renamed_keys(value, made)
        else:
            out[key] = value
    return out


def _renamed_keys(mapping: dict[str, object], made: _Choices) -> dict[str, object]:
    """Keys renamed at once (so that swaps work); a constant's declaration goes."""
    out: dict[str, object] = {}
    for name, value in mapping.items():
        if name in made.constants:
            continue
        new = made.renames.get(name, name)
        if new in out:
            raise VaryCollision(new)
        out[new] = value
    return out


def _dim(dim: object, made: _Choices) -> object:
    if isinstance(dim, str):
        if dim in made.constants:
            return made.constants[dim]
        return made.renames.get(dim, dim)
    return dim


def _tokens(text: str, made: _Choices) -> str:
    """Replace identifier tokens; a negative constant goes in parentheses."""

    def replace_token(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in made.constants:
            value = made.constants[name]
            return f"({number_text(value)})" if value < 0 else number_text(value)
        return made.renames.get(name, name)

    return IDENTIFIER.sub(replace_token, text)


def _prose(text: str, words: dict[str, str]) -> str:
    r"""Replace `{name}` for the varied names; `\cmd{W}`, `^{k}` and `_{k}` keep their braces."""

    def replace_word(match: re.Match[str]) -> str:
        lead, name = match.group(1), match.group(2)
        if name not in words:
            return match.group(0)
        return f"{lead}{{{words[name]}}}" if lead else words[name]

    return _PLACEHOLDER.sub(replace_word, text)
