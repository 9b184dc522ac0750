"""Checked problems: what every kind of question is before the engine sees it.

`expression` turns text, shapes, assumptions and declared functions into a `Problem`; `chain`
parses and checks `let` definitions; `index` parses the index language of vectorize items. This
layer reads user input and checks it; it solves nothing.
"""

from __future__ import annotations

from derive.problem.expression import (
    ASSUMPTIONS,
    AssumeSpec,
    FunctionSpec,
    Problem,
    ShapeSpec,
    check_dims,
    check_variable,
    declare_functions,
    declare_symbols,
    make_problem,
)

__all__ = [
    "ASSUMPTIONS",
    "AssumeSpec",
    "FunctionSpec",
    "Problem",
    "ShapeSpec",
    "check_dims",
    "check_variable",
    "declare_functions",
    "declare_symbols",
    "make_problem",
]
