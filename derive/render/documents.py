"""Render derivations to text, Markdown and LaTeX through the Jinja templates."""

from __future__ import annotations

from pathlib import Path

from derive.engine.steps import Derivation
from derive.render.context import derivation_context
from derive.render.env import make_env, render_template
from derive.render.notation import Notation

_KINDS = {"text": ("text", "solution.txt.j2"), "md": ("markdown", "solution.md.j2"),
          "tex": ("latex", "solution.tex.j2")}


def render_solution(
    derivation: Derivation, fmt: str, notation: Notation = Notation.BOLD,
    templates: Path | None = None,
) -> str:
    """One worked solution as a snippet in `fmt` ('text', 'md' or 'tex')."""
    kind, name = _KINDS[fmt]
    context = derivation_context(derivation, notation)
    return render_template(make_env(kind, templates), name, context, "a worked solution")
