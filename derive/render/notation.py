"""How names look in LaTeX: symbol names, vector/matrix typefaces and dimension names.

This is the one place that decides typefaces, so the expression printer, the index-form printer
and the templates all agree. Notation styles follow the notes: bold (\\mathbf{x}), arrow
(\\vec{x}, matrices plain) and plain.
"""

from __future__ import annotations

import re
from enum import Enum

from derive.expr.nodes import Dim


class Notation(Enum):
    """Typeface for vectors and matrices."""

    BOLD = "bold"
    ARROW = "arrow"
    PLAIN = "plain"


GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)
_ACCENTS = {"hat": "hat", "bar": "bar", "tilde": "tilde", "dot": "dot"}
_NAME = re.compile(r"^(?P<stem>[A-Za-z]+?)(?P<accent>hat|bar|tilde|dot)?_?(?P<sub>\d+|_\w+)?$")


def name_to_latex(name: str) -> str:
    """Render an identifier: greek letters, trailing digits as subscripts, 'hat'/'bar' accents.

    Example:
        >>> [name_to_latex(n) for n in ("theta", "W1", "yhat", "loss")]
        ['\\\\theta', 'W_{1}', '\\\\hat{y}', '\\\\mathrm{loss}']
    """
    match = _NAME.match(name)
    if match is None:
        return r"\mathrm{" + name.replace("_", r"\_") + "}"
    stem, accent, sub = match.group("stem"), match.group("accent"), match.group("sub")
    if accent and not stem:
        stem, accent = accent, None
    if stem in GREEK:
        body = "\\" + stem
    elif len(stem) == 1:
        body = stem
    else:
        body = r"\mathrm{" + stem + "}"
    if accent:
        body = "\\" + _ACCENTS[accent] + "{" + body + "}"
    if sub:
        inner = sub.lstrip("_")
        # δ_yhat reads δ_ŷ: a name as subscript is rendered as a name.
        shown = name_to_latex(inner) if inner.isalpha() and len(inner) > 1 else inner
        body += "_{" + shown.replace("_", r"\_") + "}"
    return body


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


def dim_to_latex(dim: Dim) -> str:
    """Render a dimension name or size."""
    return str(dim) if isinstance(dim, int) else name_to_latex(dim)
