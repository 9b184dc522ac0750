"""The Sphinx extension behind `derive.sphinx`: the `derive` directive, in reST and in MyST.

    .. derive::
       :show: answer

       expr: x.T @ A @ x
       wrt: x
       shapes: {x: [n], A: [n, n]}

The directive's content is one exercise (the block format of every integration); its options
`show`, `layout` and `notation` are defaults that keys in the content override, and so are the
project's `derive_show`, `derive_layout` and `derive_notation` in conf.py. The verified solution
becomes paragraphs with Sphinx math nodes. A bad block is a Sphinx warning at the source file
and line of the problem (an error under `sphinx-build -W`), and the block renders nothing.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from msgspec.structs import replace
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from derive import __version__
from derive.errors import DeriveError, SpecError, each_error, format_diagnostic
from derive.integrations.block import SETTINGS, BlockDefaults, solve_block
from derive.integrations.docutils_nodes import markdown_to_nodes

logger = logging.getLogger(__name__)


def _choice(key: str) -> Any:
    words = SETTINGS[key]
    return lambda argument: directives.choice(argument, words)


class DeriveDirective(SphinxDirective):
    """`.. derive::` with one exercise as content."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {key: _choice(key) for key in SETTINGS}

    def run(self) -> list[nodes.Node]:
        source, _ = self.get_source_info()
        first_line = self._first_line()
        config = self.config
        defaults = BlockDefaults(
            self.options.get("show", config.derive_show),
            self.options.get("layout", config.derive_layout),
            self.options.get("notation", config.derive_notation),
        )
        try:
            block = solve_block(self._text(), source, first_line, defaults)
        except DeriveError as error:
            self._warn(list(each_error(error)), first_line)
            return []
        return markdown_to_nodes(block.to_markdown(), self.env.docname)

    def _text(self) -> str:
        """The content with the indentation docutils took off put back, so that columns in
        diagnostics are those of the source line."""
        lines = list(self.content)
        first = next((line for line in lines if line.strip()), "")
        written = next((line for line in str(self.block_text).splitlines()
                        if first and line.endswith(first) and not line[: -len(first)].strip()),
                       first)
        indent = written[: len(written) - len(first)]
        return "\n".join(indent + line if line else line for line in lines)

    def _first_line(self) -> int:
        """The source line of the content's first line."""
        if type(self.state).__module__.startswith("myst_parser"):
            # MyST counts the content's offset from the directive's line, docutils from the file.
            return int(self.lineno) + 1 + int(self.content_offset)
        return int(self.content_offset) + 1

    def _warn(self, errors: list[DeriveError], first_line: int) -> None:
        for error in errors:
            line = first_line
            shown = error
            if error.span is not None and error.span.line is not None:
                line = error.span.line
                # Sphinx prints the file and line; the message keeps the column.
                shown = copy.copy(error)
                shown.span = replace(error.span, file=None, line=None)
            logger.warning("derive block: %s", format_diagnostic(shown),
                           location=(self.env.docname, line), type="derive", subtype="block")


def _check_config(app: Sphinx, config: Any) -> None:
    """The project's defaults, checked when conf.py has been read."""
    values = {key: getattr(config, f"derive_{key}") for key in SETTINGS}
    try:
        BlockDefaults.checked(values, "conf.py (derive_show, derive_layout, derive_notation)")
    except SpecError as error:
        logger.warning("%s", format_diagnostic(error), type="derive", subtype="config")
        for key in SETTINGS:  # the built-in defaults, so that blocks still render
            setattr(config, f"derive_{key}", getattr(BlockDefaults(), key))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive and its settings."""
    defaults = BlockDefaults()
    for key in SETTINGS:
        app.add_config_value(f"derive_{key}", getattr(defaults, key), "env", types=frozenset({str}))
    app.add_directive("derive", DeriveDirective)
    app.connect("config-inited", _check_config)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["DeriveDirective", "setup"]
