"""Exercise specs: YAML files -> checked `ExerciseSet` objects, with file:line:col diagnostics.

`load_spec` reads a file; `parse_spec` checks text. Both raise one `SpecErrors` (a `SpecError`)
that lists every problem found.
"""

from __future__ import annotations

from derive.spec.load import load_spec, load_spec_partial, parse_spec
from derive.spec.model import Exercise, ExerciseSet, Item, SourceSpot
from derive.spec.prose import parse_prose
from derive.spec.schema import spec_json_schema

__all__ = [
    "Exercise",
    "ExerciseSet",
    "Item",
    "SourceSpot",
    "load_spec",
    "load_spec_partial",
    "parse_prose",
    "parse_spec",
    "spec_json_schema",
]
