"""`python -m derive` runs the command line."""

from __future__ import annotations

from derive.cli import main

main()
