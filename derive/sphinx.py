"""The Sphinx extension `derive.sphinx`: add it to `extensions` in conf.py (with `myst_parser`
for ```` ```{derive} ```` in Markdown) to get the `derive` directive."""

from derive.integrations.sphinx_directive import DeriveDirective, setup

__all__ = ["DeriveDirective", "setup"]
