"""The one Jinja environment factory, with derive's filters and the LaTeX-friendly delimiters.

derive's own templates ship inside the package (`derive/templates/`) and are read with
`jinja2.PackageLoader`, so an installed wheel finds them; `--templates DIR` is searched first.
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def escape_tex(text: str) -> str:
    """Escape prose for LaTeX (not for math), with pylatex's table of special characters.

    Example:
        >>> escape_tex("50% of x_1 & y")
        '50\\\\% of x\\\\_1 \\\\& y'
    """
    from pylatex.utils import escape_latex  # only LaTeX output pays for importing pylatex

    return str(escape_latex(text))


def make_env(kind: str, override: Path | None = None) -> jinja2.Environment:
    """The environment for `kind` ('markdown', 'latex' or 'text'); `override` is searched first."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("derive", f"templates/{kind}")]
    if override is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(override / kind)))
    options: dict[str, object] = {}
    if kind == "latex":
        options = {
            "block_start_string": r"\BLOCK{", "block_end_string": "}",
            "variable_start_string": r"\VAR{", "variable_end_string": "}",
            "comment_start_string": r"\#{", "comment_end_string": "}",
        }
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        **options,  # type: ignore[arg-type]
    )
    env.filters["escape_tex"] = escape_tex
    return env
