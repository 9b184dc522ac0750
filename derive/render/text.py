"""The terminal rendering of one solved question, from the same variables as the templates.

Written in Python rather than as a Jinja template: plain text is what `derive solve` prints by
default, and importing Jinja alone takes longer than a whole solve (benchmarks/startup.py). The
Markdown and LaTeX renderings, which courses restyle, stay templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def solution_text(context: Mapping[str, Any]) -> str:
    """A derivation: its steps, then the answer line."""
    lines = [f"d/d{context['wrt']} of {context['expr']}  ({context['layout']} layout)"]
    lines += _steps(context["steps"])
    verified = ", verified" if context["verified"] else ""
    if context["result"] is not None:
        answer = f"answer: {context['result']}   ({context['shape']}{verified})"
    elif context["compact_text"] is not None:
        answer = (f"answer (compact form): G = {context['compact_text']}   "
                  f"({context['shape']} array{verified})")
    else:
        answer = f"answer: see the entry formula above ({context['shape']} array{verified})"
    return "\n".join([*lines, "", answer]) + "\n"


def vectorization_text(context: Mapping[str, Any]) -> str:
    """A vectorization: its steps, the matrix form and the equivalent forms."""
    free = ", ".join(context["free"]) if context["free"] else "none"
    lines = [f"vectorize {context['expr']}  (free: {free})"]
    lines += _steps(context["steps"])
    verified = ", verified" if context["verified"] else ""
    lines += ["", f"answer: {context['result']}   ({context['shape']}{verified})"]
    lines += [f"   also: {form}" for form in context["equivalent"]]
    return "\n".join(lines) + "\n"


def _steps(steps: list[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for number, step in enumerate(steps, start=1):
        lines += ["", f"{number}. {step['title']}", f"   {step['text']}"]
        lines += [f"     {equation}" for equation in step["equations_text"]]
    return lines
