"""The one Jinja environment factory, with derive's filters and the LaTeX-friendly delimiters,
and the one function that renders a template.

derive's own templates ship inside the package (`derive/templates/`) and are read with
`jinja2.PackageLoader`, so an installed wheel finds them; `--templates DIR` is searched first.
Templates run in Jinja's sandbox: a course's template can format variables but not reach
Python's internals. Exercise text is only ever a variable, never template source.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from derive.errors import RenderError
from derive.render.linebreak import break_display


def escape_tex(text: str) -> str:
    """Escape prose for LaTeX (not for math), with pylatex's table of special characters.

    Example:
        >>> escape_tex("50% of x_1 & y")
        '50\\\\% of x\\\\_1 \\\\& y'
    """
    from pylatex.utils import escape_latex  # only LaTeX output pays for importing pylatex

    return str(escape_latex(text))


@lru_cache(maxsize=16)
def make_env(kind: str, override: Path | None = None) -> jinja2.Environment:
    """The environment for `kind` ('markdown' or 'latex'); `override` is searched first.

    Environments are kept, so templates compile once per process, not once per document.
    """
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
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        **options,
    )
    env.filters["escape_tex"] = escape_tex
    env.filters["break_display"] = break_display
    return env


def render_template(
    env: jinja2.Environment, name: str, context: Mapping[str, Any], what: str
) -> str:
    """Render template `name` with `context`; `what` names the document in errors.

    Raises:
        RenderError: the template is missing, unreadable or fails (an unknown variable, an
            error in its own code, an include of itself).
    """
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as error:
        raise RenderError(
            f"template '{error.name}' was not found while rendering {what}",
            hint="copy it from derive's templates folder (derive/templates/) into the "
            "--templates folder",
        ) from None
    except UnicodeDecodeError:
        raise RenderError(f"template '{name}' is not UTF-8 text",
                          hint="save the template with UTF-8 encoding") from None
    except RecursionError:
        raise RenderError(f"template '{name}' includes or extends itself without end",
                          hint="check the include and extends tags of the templates") from None
    except Exception as error:  # noqa: BLE001 - anything a template's own code raises
        raise RenderError(
            f"template '{name}' failed while rendering {what}: {type(error).__name__}: "
            f"{error}",
            hint="the variables available to templates are listed in README.md",
        ) from None
