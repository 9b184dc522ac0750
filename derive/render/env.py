"""The one Jinja environment factory, with derive's filters and the LaTeX-friendly delimiters."""

from __future__ import annotations

from pathlib import Path

import jinja2

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$",
}


def templates_dir() -> Path:
    """The templates shipped with derive (the repository's templates/ folder)."""
    return Path(__file__).resolve().parents[2] / "templates"


def escape_tex(text: str) -> str:
    """Escape prose for LaTeX (not for math)."""
    return "".join(_LATEX_SPECIALS.get(char, char) for char in text)


def escape_md(text: str) -> str:
    """Escape Markdown emphasis characters in prose outside math."""
    return text.replace("\\", "\\\\").replace("*", r"\*").replace("_", r"\_")


def make_env(kind: str, override: Path | None = None) -> jinja2.Environment:
    """The environment for `kind` ('markdown', 'latex' or 'text'); `override` is searched first."""
    folders = [templates_dir() / kind]
    if override is not None:
        folders.insert(0, override / kind)
    options: dict[str, object] = {}
    if kind == "latex":
        options = {
            "block_start_string": r"\BLOCK{", "block_end_string": "}",
            "variable_start_string": r"\VAR{", "variable_end_string": "}",
            "comment_start_string": r"\#{", "comment_end_string": "}",
        }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        **options,  # type: ignore[arg-type]
    )
    env.filters["escape_tex"] = escape_tex
    env.filters["escape_md"] = escape_md
    return env
