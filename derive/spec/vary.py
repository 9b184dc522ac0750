"""`vary:` blocks: which names of an exercise set change from one variant to the next, and to what.

`read_vary` reads the set's block and every exercise's into a `VaryPlan`, checking their form at
file:line:col; `pick_choices` gives each variant its choices from a seed. Writing a variant's
data is `derive.spec.substitute`'s job.

A block maps a name to its choices: a symbol or a dimension to other names, a scalar symbol (a
numeric constant) to numbers, `layout` to layouts and `assume` to assumption mappings.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator, Mapping
from typing import Literal

from msgspec import Struct

from derive.errors import DeriveError
from derive.spec.source import DataPath, SourceMap

Choice = str | int | float | dict[str, object]
"""One choice: a name, a number, a layout name or an assumption mapping."""

VaryKind = Literal["name", "constant", "layout", "assume"]

LAYOUTS = ("numerator", "denominator", "mixed")
MAX_CHOICES = 26
"""Most choices one name may list."""
MAX_VARIANTS = 1000
"""Most variants one build makes."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")
"""An identifier token of the expression and index languages (not an attribute such as `.T`,
not the exponent letter of a number such as `1e5`)."""

EXPRESSION_KEYS = ("expr", "answer", "index", "wrt", "name", "free")
"""Item keys whose text is in the expression or index language (or names one of its symbols)."""
LIST_EXPRESSION_KEYS = ("let", "free", "options")
"""Item keys holding a list of such texts (`let` definitions, index names, select options)."""


class Varied(Struct, frozen=True):
    """One name of a `vary` block with its choices, in the order the file lists them."""

    name: str
    kind: VaryKind
    choices: tuple[Choice, ...]
    exercise: int | None
    """The index of the exercise whose block it is, or None for the set's block."""
    path: DataPath
    """Where the list of choices is in the data: ("vary", name) or ("exercises", i, ...)."""

    def choice_text(self, index: int) -> str:
        """A choice as variants.csv and diagnostics show it, e.g. "W=V" or "layout=numerator"."""
        return f"{self.name}={describe_choice(self.choices[index])}"


class VaryPlan(Struct, frozen=True):
    """Every varied name of an exercise set: the set's block first, then each exercise's."""

    varied: tuple[Varied, ...] = ()

    def of_exercise(self, exercise: int) -> tuple[int, ...]:
        """The indices (into `varied`) of the names that apply to an exercise."""
        return tuple(i for i, v in enumerate(self.varied)
                     if v.exercise is None or v.exercise == exercise)


Picks = Mapping[int, int]
"""A variant's choices: index into `VaryPlan.varied` -> index into that name's choices."""


def describe_choice(choice: Choice) -> str:
    """A choice as text: a name or number as written, an assumption mapping as `A:spd`.

    Example:
        >>> describe_choice({"A": "symmetric", "B": ["spd"]})
        'A:symmetric,B:spd'
        >>> describe_choice({})
        'none'
    """
    if isinstance(choice, dict):
        parts = []
        for name, props in choice.items():
            listed = props if isinstance(props, list) else [props]
            parts.append(f"{name}:{'+'.join(str(p) for p in listed)}")
        return ",".join(parts) or "none"
    return number_text(choice) if not isinstance(choice, str) else choice


def number_text(value: int | float) -> str:
    """A number as the expression language writes it.

    Example:
        >>> number_text(3), number_text(0.25)
        ('3', '0.25')
    """
    return repr(value)


def identifiers(data: object) -> Iterator[str]:
    """Every identifier an exercise (or a whole set) uses in expressions and declarations."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in EXPRESSION_KEYS and isinstance(value, str):
                yield from IDENTIFIER.findall(value)
            elif key in ("shapes", "assume", "functions") and isinstance(value, dict):
                yield from _declared(value, key == "shapes")
            elif key in ("parts", "exercises", *LIST_EXPRESSION_KEYS):
                yield from identifiers(value)
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, str):
                yield from IDENTIFIER.findall(value)
            else:
                yield from identifiers(value)


def _declared(mapping: dict[str, object], shapes: bool) -> Iterator[str]:
    for name, dims in mapping.items():
        yield str(name)
        if shapes and isinstance(dims, list):
            yield from (d for d in dims if isinstance(d, str))


def read_vary(data: object, source: SourceMap) -> tuple[VaryPlan, list[DeriveError]]:
    """Read the `vary` blocks of composed spec data, checking names and choices.

    Returns:
        The plan (the well-formed entries) and a diagnostic at file:line:col for every other.
    """
    if not isinstance(data, dict):
        return VaryPlan(), []
    reader = _Reader(source)
    exercises = data.get("exercises")
    every = list(identifiers(exercises)) if isinstance(exercises, list) else []
    reader.block(data.get("vary"), ("vary",), None, set(every), "any exercise")
    if isinstance(exercises, list):
        for index, raw in enumerate(exercises):
            if isinstance(raw, dict):
                names = set(identifiers(raw))
                where = f"exercise '{raw.get('id')}'"
                reader.block(raw.get("vary"), ("exercises", index, "vary"), index, names, where)
    return VaryPlan(tuple(reader.varied)), reader.errors


class _Reader:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.errors: list[DeriveError] = []
        self.varied: list[Varied] = []

    def fail(self, message: str, path: DataPath, hint: str, *, key: bool = False) -> None:
        node = (self.source.keys.get(path) if key else None) or self.source.values.get(path)
        self.errors.append(self.source.error(f"vary: {message}", node, hint=hint))

    def block(self, raw: object, path: DataPath, exercise: int | None, used: set[str],
              where: str) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict) or not raw:
            self.fail("expected a mapping of names to lists of choices", path,
                      "write e.g. 'vary: {W: [V, M], layout: [numerator, denominator]}'")
            return
        for name, choices in raw.items():
            entry = (*path, name)
            if not isinstance(choices, list) or not choices:
                self.fail(f"the choices of '{name}' are not a list", entry,
                          f"write e.g. '{name}: [first, second]'")
                continue
            if len(choices) > MAX_CHOICES:
                self.fail(f"'{name}' has {len(choices)} choices; the limit is {MAX_CHOICES}",
                          entry, "keep the choices a handout needs")
                continue
            kind = self.kind(name, choices, entry, used, where)
            if kind is not None and self.choices_ok(name, kind, choices, entry, used):
                self.varied.append(Varied(name, kind, tuple(choices), exercise, entry))

    def kind(self, name: str, choices: list[object], entry: DataPath, used: set[str],
             where: str) -> VaryKind | None:
        if name in ("layout", "assume"):
            return "layout" if name == "layout" else "assume"
        if _NAME.match(name) is None:
            self.fail(f"'{name}' is not a name", entry,
                      "vary symbols, dimensions, constants, 'layout' or 'assume'", key=True)
            return None
        if name not in used:
            self.fail(f"'{name}' is not a name used by {where}", entry,
                      "vary a symbol or dimension of its expressions and shapes", key=True)
            return None
        numbers = [isinstance(c, int | float) and not isinstance(c, bool) for c in choices]
        if all(numbers):
            return "constant"
        if any(numbers) or not all(isinstance(c, str) for c in choices):
            self.fail(f"the choices of '{name}' mix kinds", entry,
                      "give only names (other symbols or dimensions) or only numbers")
            return None
        return "name"

    def choices_ok(self, name: str, kind: VaryKind, choices: list[object], entry: DataPath,
                   used: set[str]) -> bool:
        ok = True
        seen: list[object] = []
        for index, choice in enumerate(choices):
            problem = _choice_problem(name, kind, choice, used)
            if problem is None and choice in seen:
                problem = (f"choice '{choice}' of '{name}' is listed twice",
                           "remove one of them")
            if problem is not None:
                self.fail(problem[0], (*entry, index), problem[1])
                ok = False
            seen.append(choice)
        return ok


def _choice_problem(name: str, kind: VaryKind, choice: object,
                    used: set[str]) -> tuple[str, str] | None:
    """What is wrong with one choice (message and hint), or None."""
    if kind == "layout":
        if choice not in LAYOUTS:
            return (f"'{choice}' is not a layout", "choose numerator, denominator or mixed")
    elif kind == "assume":
        if not isinstance(choice, dict):
            return ("an 'assume' choice must be a mapping such as {A: symmetric}, or {} for none",
                    "write e.g. 'assume: [{}, {A: symmetric}]'")
    elif kind == "constant":
        assert isinstance(choice, int | float)
        if not math.isfinite(choice) or abs(choice) > 1e6:
            return (f"'{choice}' is not a usable value for '{name}'",
                    "give finite numbers of moderate size")
    elif not isinstance(choice, str) or _NAME.match(choice) is None:
        return (f"'{choice}' is not a name", "names start with a letter: V, W2, theta")
    elif choice != name and choice in used:
        return (f"choice '{choice}' for '{name}' is already a name in use",
                "choose a name the exercise does not use, so two symbols never merge")
    return None


def pick_choices(plan: VaryPlan, exercises: int, seed: int, count: int) -> list[dict[int, int]]:
    """Each variant's choices: distinct for an exercise while its choices allow.

    The set's block and each exercise's are combined as a mixed-radix number; the numbers of a
    block are a seeded shuffle, so that `count` variants of an exercise differ as long as `count`
    is at most the number of its combinations. The set's combination steps fastest.

    Example:
        >>> plan = VaryPlan((Varied("W", "name", ("V", "M"), 0, ("exercises", 0, "vary", "W")),))
        >>> sorted(picks[0] for picks in pick_choices(plan, 1, seed=1, count=2))
        [0, 1]
    """
    blocks: list[tuple[int, ...]] = [tuple(i for i, v in enumerate(plan.varied)
                                           if v.exercise is None)]
    blocks += [tuple(i for i, v in enumerate(plan.varied) if v.exercise == e)
               for e in range(exercises)]
    orders: list[list[int]] = []
    for number, block in enumerate(blocks):
        size = math.prod(len(plan.varied[i].choices) for i in block)
        rng = random.Random(f"derive-vary/{seed}/{number}")
        orders.append(rng.sample(range(size), min(size, count)))
    set_period = len(orders[0])
    variants: list[dict[int, int]] = []
    for variant in range(count):
        picks: dict[int, int] = {}
        for number, (block, order) in enumerate(zip(blocks, orders, strict=True)):
            step = variant if number == 0 else variant // set_period
            value = order[step % len(order)]
            for i in block:
                radix = len(plan.varied[i].choices)
                picks[i] = value % radix
                value //= radix
        variants.append(picks)
    return variants
