"""How names look in LaTeX: symbol names, vector/matrix typefaces and dimension names.

This is the one place that decides typefaces, so the expression printer, the index-form printer
and the templates all agree. Notation styles follow the notes: bold (\\mathbf{x}), arrow
(\\vec{x}, matrices plain) and plain. How a name itself prints is `names.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

from derive.expr.nodes import Dim
from derive.expr.shapes import Shape, kind_of
from derive.render.names import LETTERS, name_to_latex, split_name


class Notation(Enum):
    """Typeface for vectors and matrices."""

    BOLD = "bold"
    ARROW = "arrow"
    PLAIN = "plain"


def typeface(body: str, kind: str, notation: Notation) -> str:
    """Apply the vector/matrix typeface of `notation` to an already rendered name.

    `kind` is 'scalar', 'column vector', 'row vector' or 'matrix'.
    """
    if kind == "scalar" or notation is Notation.PLAIN:
        return body
    if notation is Notation.ARROW and "vector" not in kind:
        return body
    # the subscript stays outside the accent or typeface: \vec{W}_{1}, not \vec{W_{1}}
    head = body.split("_{", 1)
    rest = "_{" + head[1] if len(head) == 2 else ""
    accent = re.match(r"^\\(hat|bar|tilde|dot)\{(.+)\}$", head[0])
    if accent and notation is Notation.BOLD:  # \hat{\mathbf{y}}, not a bold hat
        inner = accent.group(2)
        face = r"\boldsymbol{" if inner.startswith("\\") else r"\mathbf{"
        return "\\" + accent.group(1) + "{" + face + inner + "}}" + rest
    if notation is Notation.ARROW:
        face = r"\vec{"
    else:
        face = r"\boldsymbol{" if head[0].startswith("\\") else r"\mathbf{"
    return face + head[0] + "}" + rest


def symbol_typefaces(shapes: Mapping[str, Shape], notation: Notation) -> dict[str, str]:
    """How user math writes each vector or matrix -> its LaTeX in `notation`, for the names a
    prompt can write as one token: a letter (`x`) or a Greek letter's command (`theta`).

    Example:
        >>> symbol_typefaces({"x": ("n", 1), "c": (1, 1), "lam": ("n", 1)}, Notation.BOLD)
        {'x': '\\\\mathbf{x}', 'lambda': '\\\\boldsymbol{\\\\lambda}'}
    """
    found = {}
    for name, shape in shapes.items():
        parts = split_name(name)
        if kind_of(shape) == "scalar" or parts is None or parts.accent or parts.sub:
            continue
        written = LETTERS[parts.stem][0][1:] if parts.stem in LETTERS else parts.stem
        if len(written) == 1 or parts.stem in LETTERS:
            found[written] = typeface(name_to_latex(name), kind_of(shape), notation)
    return found


def dim_to_latex(dim: Dim) -> str:
    """Render a dimension name or size."""
    return str(dim) if isinstance(dim, int) else name_to_latex(dim)


__all__ = ["Notation", "dim_to_latex", "name_to_latex", "symbol_typefaces", "typeface"]
