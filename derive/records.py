"""Records: the value types every layer builds (expression nodes, index terms, steps, checked
specs), as msgspec Structs.

Why not dataclasses: on Python 3.11 a frozen dataclass compiles its six generated methods with
`exec` while its module is imported, about 1 ms per class. derive has over a hundred records, and
that was half of a `derive solve` process's own start-up (benchmarks/startup.py). A Struct class is
built in C in microseconds, and its instances are created, compared and hashed in C too.

A record is created with positional or keyword arguments in field order; `msgspec.structs.replace`
copies one with some fields changed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, ClassVar

import msgspec


def _compared_key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function returning the named fields of a record as a tuple (also for one name)."""
    if len(names) == 1:
        name = names[0]
        return lambda record: (getattr(record, name),)
    return operator.attrgetter(*names) if names else (lambda record: ())


class _AnnotatedMeta(msgspec.StructMeta):
    """Gives each AnnotatedRecord class the key of its compared fields once, when it is built."""

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any],
                **config: Any) -> _AnnotatedMeta:
        cls = super().__new__(mcls, name, bases, namespace, **config)
        ignored = getattr(cls, "not_compared", ())
        cls._compared_names = tuple(  # type: ignore[attr-defined]
            field for field in cls.__struct_fields__ if field not in ignored)
        cls._compared = staticmethod(  # type: ignore[attr-defined]
            _compared_key(cls._compared_names))  # type: ignore[attr-defined]
        return cls


class AnnotatedRecord(msgspec.Struct, frozen=True, metaclass=_AnnotatedMeta):
    """An immutable record with fields that annotate it without being part of its value, such as
    where it was written: equality, hash and repr leave out the fields named in `not_compared`,
    so two trees parsed from differently spaced text compare equal.

    msgspec compares every field, so these three methods are written here.
    """

    not_compared: ClassVar[tuple[str, ...]] = ()
    _compared_names: ClassVar[tuple[str, ...]]
    _compared: ClassVar[Callable[..., tuple[Any, ...]]]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._compared(self) == self._compared(other)

    def __hash__(self) -> int:
        return hash(self._compared(self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._compared_names)
        return f"{type(self).__name__}({fields})"
