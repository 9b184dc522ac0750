"""Embedded exercises, shared by every integration: block text -> a verified `SolvedBlock`.

A block is one exercise in the exercise-file format with three options beside its keys:
`show` (solution, steps or answer), `layout` and `notation`. It is checked by the spec
loader, solved and verified by the builder exactly as `derive build` does (a teacher's wrong
`answer` is an error too), and rendered to Markdown through the `block` template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from derive.build.solve import SolvedSet, solve_set
from derive.errors import SpecError
from derive.render.env import make_env, render_template
from derive.render.handout import handout_context
from derive.spec.embedded import parse_embedded
from derive.spec.schema import CHOICES

SHOW = ("solution", "steps", "answer")
"""What a block shows: the question, the steps and the answer; the steps and the answer; or
the boxed answer only. The first is the default."""

SETTINGS: dict[str, tuple[str, ...]] = {
    "show": SHOW,
    "layout": CHOICES["layout"],
    "notation": CHOICES["notation"],
}
"""The block options a site or notebook may set defaults for, and the words each accepts."""


class BlockDefaults(Struct, frozen=True):
    """Defaults for every block of a site, project or notebook; a block's own keys win."""

    show: str = "solution"
    layout: str = "denominator"
    notation: str = "bold"

    @classmethod
    def checked(cls, values: Mapping[str, object], where: str) -> BlockDefaults:
        """Defaults from configuration values, each checked against `SETTINGS`.

        Raises:
            SpecError: a value is not one of its words; `where` names the configuration.
        """
        chosen: dict[str, str] = {}
        for key, value in values.items():
            choices = SETTINGS.get(key)
            if choices is None:
                raise SpecError(f"unknown derive setting '{key}' in {where}",
                                hint="the settings are " + ", ".join(SETTINGS))
            if value not in choices:
                raise SpecError(
                    f"derive setting '{key}' is '{value}' in {where}; expected one of "
                    + ", ".join(choices), hint=f"write '{key}: {choices[0]}'")
            chosen[key] = str(value)
        return cls(**chosen)


class SolvedBlock(Struct, frozen=True):
    """A verified embedded exercise and what it shows."""

    show: str
    solved: SolvedSet

    def context(self, fmt: str) -> dict[str, Any]:
        """The handout variables of the one-exercise set for `fmt` ('md' or 'tex'), plus
        `show`; `exercises[0]` is the block's exercise."""
        pairs = [
            (exercise, [(each.item, each.derivation) for each in items])
            for exercise, items in self.solved.items
        ]
        context = handout_context(self.solved.spec, pairs, fmt, self.solved.stem,
                                  asked=self.solved.asked())
        return {**context, "show": self.show}

    def to_markdown(self) -> str:
        """The block as Markdown with `$...$` and `$$...$$` math, no headings."""
        env = make_env("markdown")
        return render_template(env, "block.md.j2", self.context("md"), "a derive block")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def solve_block(
    text: str, filename: str, first_line: int = 1, defaults: BlockDefaults | None = None
) -> SolvedBlock:
    """Check, solve and verify one block.

    Args:
        text: the block's YAML (its lines, without the fence).
        filename: the page or source file, named in diagnostics.
        first_line: the line of `filename` holding the block's first line.
        defaults: the site's defaults for `show`, `layout` and `notation`.

    Raises:
        SpecErrors: every problem found (spec errors, a derivation that cannot be done or
            checked, a wrong `answer`), each at `filename`:line:col.

    Example:
        >>> block = solve_block("expr: x.T @ x\\nwrt: x\\nshapes: {x: [n]}\\nshow: answer",
        ...                     "page.md", 5)
        >>> print(block.to_markdown())
        **Answer** (denominator layout, n×1):
        <BLANKLINE>
        $$
        \\boxed{2 \\mathbf{x}}
        $$
        <BLANKLINE>
    """
    defaults = defaults or BlockDefaults()
    embedded = parse_embedded(
        text, filename, first_line=first_line, options={"show": SHOW},
        defaults={"show": defaults.show, "layout": defaults.layout,
                  "notation": defaults.notation},
    )
    solved = solve_set(embedded.spec, "block")
    return SolvedBlock(embedded.options["show"], solved)


__all__ = ["SETTINGS", "SHOW", "BlockDefaults", "SolvedBlock", "solve_block"]
