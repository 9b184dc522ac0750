"""Render one solved question (a derivation or a vectorization) as text, or as a Markdown or
LaTeX snippet through the Jinja templates; whole handouts are rendered by
`derive.build.documents`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from derive.render.text import solution_text, vectorization_text

if TYPE_CHECKING:
    from pathlib import Path

_FOLDERS = {"md": ("markdown", "md"), "tex": ("latex", "tex")}
_TEMPLATES = {"derivative": "solution", "vectorize": "vectorize"}
_TEXT = {"derivative": solution_text, "vectorize": vectorization_text}


def render_snippet(
    kind: str, context: Mapping[str, Any], fmt: str, templates: Path | None = None
) -> str:
    """One worked solution of `kind` ('derivative' or 'vectorize') in `fmt` ('text', 'md' or
    'tex'), from its template variables."""
    if fmt == "text":
        return _TEXT[kind](context)
    from derive.render.env import make_env, render_template  # keeps start-up fast (Jinja)

    folder, ext = _FOLDERS[fmt]
    name = f"{_TEMPLATES[kind]}.{ext}.j2"
    return render_template(make_env(folder, templates), name, context, f"a {kind} solution")
