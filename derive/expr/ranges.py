"""Range inference for indices: a pass beside shape inference (`derive.expr.shapes`), for the
index language. Each use of an index in an entry (`A[i,k]`) says which dimension it runs over;
uses must agree, and a Kronecker delta passes a range from one index to the other. Errors name
both ranges and point at the use that disagrees.
"""

from __future__ import annotations

from msgspec import Struct, field

from derive.errors import ShapeError, Span
from derive.expr.nodes import Dim


class Use(Struct, frozen=True):
    """Where an index got its range: the dimension, the index's span and the entry as written."""

    dim: Dim
    span: Span
    where: str


class RangeInference(Struct):
    """The uses of every index of one index expression, collected while it is parsed."""

    text: str
    uses: dict[str, list[Use]] = field(default_factory=dict)
    deltas: list[tuple[str, str, Span]] = field(default_factory=list)
    first_use: dict[str, Span] = field(default_factory=dict)

    def use(self, index: str, dim: Dim, span: Span, where: str) -> None:
        """`index` indexes an axis of size `dim` in the entry `where`."""
        self.uses.setdefault(index, []).append(Use(dim, span, where))

    def seen(self, index: str, span: Span) -> None:
        """`index` appears at `span` (its first appearance is where a missing range is shown)."""
        self.first_use.setdefault(index, span)

    def delta(self, a: str, b: str, span: Span) -> None:
        """delta(a, b) appears at `span`: a and b run over the same dimension."""
        self.deltas.append((a, b, span))

    def resolve(self) -> dict[str, Dim]:
        """Each index's dimension.

        Raises:
            ShapeError: two uses disagree, a delta links two ranges, or an index has none.
        """
        ranges: dict[str, Use] = {}
        for index, uses in self.uses.items():
            first = uses[0]
            for use in uses[1:]:
                if use.dim != first.dim:
                    raise self._fail(
                        use.span,
                        f"index '{index}' ranges over {first.dim} in '{first.where}' "
                        f"but over {use.dim} in '{use.where}'",
                        "use different index names for different dimensions")
            ranges[index] = first
        changed = True
        while changed:
            changed = False
            for a, b, span in self.deltas:
                if a in ranges and b in ranges and ranges[a].dim != ranges[b].dim:
                    raise self._fail(
                        span,
                        f"delta links '{a}' (range {ranges[a].dim}) and '{b}' "
                        f"(range {ranges[b].dim})",
                        "a Kronecker delta needs two indices over the same dimension")
                for x, y in ((a, b), (b, a)):
                    if x in ranges and y not in ranges:
                        ranges[y] = ranges[x]
                        changed = True
        for index, span in self.first_use.items():
            if index not in ranges:
                raise self._fail(span, f"index '{index}' has no range",
                                 "use it in an entry such as x[i] so its dimension is known")
        return {index: use.dim for index, use in ranges.items()}

    def _fail(self, span: Span, message: str, hint: str) -> ShapeError:
        return ShapeError(message, span=span, source=self.text, hint=hint)
