"""A sample Sphinx project with derive blocks in reST and in MyST Markdown."""

project = "derive sample project"
extensions = ["myst_parser", "derive.sphinx"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
derive_layout = "denominator"
exclude_patterns = ["_build"]
