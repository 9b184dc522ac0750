"""A local copy of MathJax for sites built without internet access.

The files come from the `django-static-mathjax` distribution (import name `mathjax`), which ships
MathJax 3's browser components. A site needs the combined TeX-to-CommonHTML component (all TeX
extensions preloaded, so nothing is fetched at view time) and the fonts it loads.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

from derive.errors import SpecError

SITE_FOLDER = "assets/derive/mathjax"
"""Where the copy goes inside a built site."""
SCRIPT = "tex-chtml-full.js"
_FONTS = Path("output/chtml/fonts/woff-v2")

CONFIG = """\
// MathJax set up for pymdownx.arithmatex in generic mode: only the math it marked is typeset.
window.MathJax = {
  tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
        processEscapes: true, processEnvironments: true},
  options: {ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex"}
};
"""
"""MathJax's configuration, loaded before MathJax itself."""


def mathjax_root() -> Path:
    """The folder of MathJax's browser components.

    Raises:
        SpecError: the package that ships them is not installed.
    """
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SpecError(
            "the derive plugin's 'mathjax: local' needs MathJax's files, which are not installed",
            hint="pip install 'derive-matrix[docs]' (or django-static-mathjax), "
            "or leave 'mathjax' out and load MathJax yourself",
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" / "es5"
    if not (root / SCRIPT).is_file():
        raise SpecError(f"MathJax's {SCRIPT} is missing from {root}",
                        hint="reinstall django-static-mathjax")
    return root


def mathjax_files() -> Iterator[tuple[str, Path]]:
    """(path inside the site, file on disk) of every file the local MathJax needs."""
    root = mathjax_root()
    yield f"{SITE_FOLDER}/{SCRIPT}", root / SCRIPT
    for font in sorted((root / _FONTS).glob("*.woff")):
        yield f"{SITE_FOLDER}/{_FONTS.as_posix()}/{font.name}", font


__all__ = ["CONFIG", "SCRIPT", "SITE_FOLDER", "mathjax_files", "mathjax_root"]
