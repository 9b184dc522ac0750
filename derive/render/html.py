"""HTML with MathJax math, for question banks: prompts and worked solutions.

Input is the template variables of `handout_context` (format 'html'): user prose arrives already
escaped with its math between \\( \\), while the prose derive writes itself (written prompts,
steps) has `$...$` math, which `dollars_to_html` converts. LaTeX is HTML-escaped too: the
browser decodes it before MathJax reads it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any


def math_html(latex: str, display: bool = False) -> str:
    """LaTeX math between MathJax's delimiters, escaped for HTML.

    Example:
        >>> math_html("a < b")
        '\\\\(a &lt; b\\\\)'
    """
    return (r"\[" if display else r"\(") + html.escape(latex) + (r"\]" if display else r"\)")


def dollars_to_html(text: str) -> str:
    """derive's own prose with `$...$` math -> HTML with MathJax math.

    Example:
        >>> dollars_to_html("Let $x < y$ & go")
        'Let \\\\(x &lt; y\\\\) &amp; go'
    """
    parts = text.split("$")
    return "".join(math_html(part) if index % 2 else html.escape(part)
                   for index, part in enumerate(parts))


def question_html(exercise: Mapping[str, Any], item: Mapping[str, Any]) -> str:
    """The text of one question: the exercise's prompt and, for a part, its own."""
    paragraphs: list[str] = []
    if exercise["title"]:
        paragraphs.append(f"<p><strong>{exercise['title']}</strong></p>")
    if exercise["has_parts"]:
        if exercise["own_prompt"]:
            paragraphs.append(f"<p>{exercise['own_prompt']}</p>")
        label = html.escape(item["label"])
        own = item["prompt"] or dollars_to_html(item["written_prompt"])
        title = f"<em>{item['title']}.</em> " if item["title"] else ""
        paragraphs.append(f"<p>{label} {title}{own}</p>")
    else:
        own = exercise["own_prompt"] or dollars_to_html(item["written_prompt"])
        paragraphs.append(f"<p>{own}</p>")
    return "\n".join(paragraphs)


def solution_html(item: Mapping[str, Any]) -> str:
    """The worked solution of one question: its steps and the verified answer."""
    solution = item["solution"]
    out: list[str] = []
    for step in solution["steps"]:
        title = html.escape(step["title"])
        out.append(f"<p><strong>{title}.</strong> {dollars_to_html(step['latex_prose'])}</p>")
        out.extend(f"<p>{math_html(equation, display=True)}</p>"
                   for equation in step["equations"])
    if solution.get("result_latex"):
        layout = solution.get("layout")
        where = f" ({html.escape(layout)} layout)" if layout else ""
        out.append(f"<p><strong>Answer</strong>{where}:</p>")
        out.append(f"<p>{math_html(solution['result_latex'], display=True)}</p>")
    asked = item["asked"]
    if asked.get("key_shape"):
        out.append(f"<p><strong>Shape</strong>: {math_html(asked['key_shape'])}. "
                   f"{asked['reason']}</p>")
    if asked.get("blanks"):
        out.append(f"<p><strong>Blanks</strong>: {math_html(asked['blanks'])}. "
                   f"{asked['reason']}</p>")
    return "\n".join(out)
