"""Checks of the Python API's arguments: wrong types become a `SpecError`, never a TypeError.

`derive.solve` and `derive.vectorize` are called from notebooks, docs plugins and scripts with
values from anywhere; each argument is checked here before anything else sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from derive.errors import SpecError

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
"""A symbol, function, output or index name."""


def _fail(argument: str, expected: str, value: object) -> SpecError:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return SpecError(f"argument '{argument}' must be {expected}, got {shown}",
                     hint="see help(derive.solve) for the accepted forms")


def text(argument: str, value: object) -> str:
    """A string argument (an expression, a variable)."""
    if not isinstance(value, str):
        raise _fail(argument, "a string", value)
    return value


def name(argument: str, value: object) -> str:
    """A name such as 'x' or 'yhat'."""
    if not isinstance(value, str) or NAME.match(value) is None:
        raise _fail(argument, "a name such as 'x' (letters, digits, '_')", value)
    return value


def choice(argument: str, value: object, choices: Sequence[str]) -> str:
    """One of a few words."""
    if not isinstance(value, str) or value not in choices:
        raise _fail(argument, "one of " + ", ".join(choices), value)
    return value


def shapes(value: object) -> Mapping[str, Sequence[int | str]] | None:
    """Symbol -> list of dimensions."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, list | tuple) for k, v in value.items()
    ):
        raise _fail("shapes", "a mapping of names to lists of dimensions, e.g. {'x': ['n']}",
                    value)
    return value


def ranges(value: object) -> Mapping[str, int | str] | None:
    """Index -> dimension."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, int | str) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise _fail("ranges", "a mapping of index names to dimensions, e.g. {'i': 'n'}", value)
    return value


def assumptions(value: object) -> Mapping[str, str | Sequence[str]] | None:
    """Symbol -> property or list of properties."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and (isinstance(v, str) or (
            isinstance(v, list | tuple) and all(isinstance(p, str) for p in v)))
        for k, v in value.items()
    ):
        raise _fail("assume", "a mapping of names to properties, e.g. {'A': 'spd'}", value)
    return value


def functions(value: object) -> Mapping[str, str] | None:
    """Function name -> kind."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise _fail("functions", "a mapping of names to kinds, e.g. {'f': 'elementwise'}",
                    value)
    return value


def strings(argument: str, value: object) -> list[str] | None:
    """A list of strings (definitions)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(
        isinstance(v, str) for v in value
    ):
        raise _fail(argument, "a list of strings such as ['a = W @ x']", value)
    return list(value)


def integers(argument: str, value: object) -> tuple[int, ...] | None:
    """A list of positive integers (a concrete element's indices)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**6 for v in value
    ):
        raise _fail(argument, "a list of positive integers such as [3, 7]", value)
    return tuple(value)


def seed(value: object) -> int:
    """A random seed."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise _fail("seed", "a non-negative integer", value)
    return value
