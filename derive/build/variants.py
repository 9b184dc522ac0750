"""One variant per student: `derive build --variants N --seed S` and `--roster`.

A variant is the exercise file with its `vary` choices made (`derive.spec.substitute`), then
checked, solved and rendered like any exercise set, so every kind of question works unchanged.
Before the variants, every choice is tried on its own so that a choice that makes an exercise
ill-formed (or a teacher answer wrong) is reported at its file:line:col. Exercises that come out
the same in two variants are solved once.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from msgspec import Struct
from msgspec.structs import replace

from derive.build.documents import Document, render_documents
from derive.build.roster import Student
from derive.build.solve import DERIVATION_SEED, SolvedItem, SolvedSet, solve_set
from derive.engine.asked import BlanksKey, SelectKey, ShapeKey, summary
from derive.errors import DeriveError, SpecError, SpecErrors
from derive.expr.unparse import unparse
from derive.render.asked import LETTERS
from derive.spec.load import STDIN, read_spec_text
from derive.spec.model import Exercise
from derive.spec.source import DataPath, SourceMap, read_yaml
from derive.spec.substitute import VaryCollision, variant_data, variant_source
from derive.spec.validate import validate_spec
from derive.spec.vary import MAX_VARIANTS, Picks, VaryPlan, pick_choices, read_vary
from derive.vectorization.explain import Vectorized

CSV_COLUMNS = ("variant", "student", "seed", "exercise", "choices", "answer")
"""The columns of `<stem>/variants.csv`, one row per variant and exercise."""

Progress = Callable[[str, int, int], None]
"""Told (stage, done, in all) as a build goes: stage 'variants', then 'PDFs'."""


class VariantRequest(Struct, frozen=True):
    """How many variants, from which seed, and for whom (a roster fixes the count)."""

    count: int
    seed: int
    students: tuple[Student, ...] | None = None


class RenderRequest(Struct, frozen=True):
    """What to render for each variant (the `derive build` options that apply)."""

    formats: tuple[str, ...]
    documents: tuple[str, ...]
    templates: Path | None


class BuiltVariants(Struct, frozen=True):
    """Every variant's documents of one exercise file, its variants.csv, and the solved
    variants themselves (for the question bank)."""

    documents: tuple[Document, ...]
    table: tuple[PurePosixPath, bytes]
    sets: tuple[SolvedSet, ...]


def folder_names(request: VariantRequest) -> list[str]:
    """The variants' folder names: the students' ids, else numbers zero-padded to N's width.

    Example:
        >>> folder_names(VariantRequest(3, seed=1))
        ['01', '02', '03']
    """
    if request.students is not None and all(s.id is not None for s in request.students):
        return [str(s.id) for s in request.students]
    width = max(2, len(str(request.count)))
    return [str(number).zfill(width) for number in range(1, request.count + 1)]


def build_variants(path: Path, stem: str, request: VariantRequest, render: RenderRequest,
                   progress: Callable[[int, int], None] | None = None) -> BuiltVariants:
    """Make, check, solve and render every variant of one exercise file.

    Raises:
        DeriveError: a `SpecErrors` with every problem: the file's own, each choice that makes
            an exercise ill-formed or its answer wrong (at the choice), a failing variant.
    """
    if not 1 <= request.count <= MAX_VARIANTS:
        raise DeriveError(f"{request.count} variants asked for; derive makes 1 to {MAX_VARIANTS}")
    filename = "<stdin>" if str(path) == STDIN else str(path)
    data, source, errors = read_yaml(read_spec_text(path), filename)
    plan, problems = read_vary(data, source)
    validate_spec(variant_data(data, plan, None), source, [*errors, *problems])
    maker = _Maker(data, source, plan, stem, request.seed)
    maker.check_each_choice()
    exercises = len(data["exercises"]) if isinstance(data, dict) else 0
    all_picks = pick_choices(plan, exercises, request.seed, request.count)
    names = folder_names(request)
    documents: list[Document] = []
    rows: list[list[str]] = []
    sets: list[SolvedSet] = []
    for number, (folder, picks) in enumerate(zip(names, all_picks, strict=True), start=1):
        solved = maker.variant(picks, folder)
        sets.append(solved)
        student = request.students[number - 1].name if request.students else None
        for document in render_documents(solved, render.formats, render.documents,
                                         render.templates, student=student):
            moved = PurePosixPath(stem, "variants", folder, document.path.name)
            documents.append(replace(document, path=moved))
        rows.extend(_rows(plan, picks, solved, folder, student or "", request.seed))
        if progress is not None:
            progress(number, request.count)
    return BuiltVariants(tuple(documents), (PurePosixPath(stem, "variants.csv"), _csv(rows)),
                         tuple(sets))


def choice_errors(path: Path, stem: str) -> list[DeriveError]:
    """Every choice of a file's `vary` blocks tried on its own (for `derive check`).

    Returns:
        A diagnostic at each choice that makes an exercise ill-formed or an answer wrong.
    """
    filename = "<stdin>" if str(path) == STDIN else str(path)
    data, source, _ = read_yaml(read_spec_text(path), filename)
    plan, _ = read_vary(data, source)
    if not plan.varied:
        return []
    try:
        _Maker(data, source, plan, stem).check_each_choice()
    except SpecErrors as errors:
        return list(errors.errors)
    return []


class _Maker:
    """Variants of one file: its data, positions and plan, the seed of the generated options,
    and the exercises solved so far (the seed is the same for all, so they can be shared)."""

    def __init__(self, data: object, source: SourceMap, plan: VaryPlan, stem: str,
                 seed: int = DERIVATION_SEED) -> None:
        self.data, self.source, self.plan, self.stem = data, source, plan, stem
        self.seed = seed
        self.solved: dict[str, tuple[Exercise, tuple[SolvedItem, ...]]] = {}

    def check_each_choice(self) -> None:
        """Try every choice on its own; report each one that fails, at the choice.

        The file as written is solved first, so that its own errors are reported as they are
        (and its exercises, solved once, serve every choice that leaves them alone).
        """
        self.solve({})
        errors: list[DeriveError] = []
        for index, varied in enumerate(self.plan.varied):
            for choice in range(len(varied.choices)):
                if varied.choices[choice] == varied.name:
                    continue  # the name as written: the file itself was checked
                try:
                    self.solve({index: choice})
                except DeriveError as error:
                    errors.extend(self.at_choice(error, {index: choice}, None))
        if errors:
            raise SpecErrors(errors)

    def variant(self, picks: Picks, folder: str) -> SolvedSet:
        """One variant solved; a failure is reported at its choices."""
        try:
            return self.solve(picks)
        except DeriveError as error:
            raise SpecErrors(self.at_choice(error, picks, folder)) from None

    def solve(self, picks: Picks) -> SolvedSet:
        """Check and solve the variant with `picks`; equal exercises are solved once."""
        try:
            data = variant_data(self.data, self.plan, picks)
        except VaryCollision as collision:
            raise DeriveError(f"two names would both become '{collision.name}'",
                              hint="give the varied names different choices") from None
        spec = validate_spec(data, variant_source(self.source, self.data, self.plan, picks), [])
        assert isinstance(data, dict)
        items: list[tuple[Exercise, tuple[SolvedItem, ...]]] = []
        for exercise, raw in zip(spec.exercises, data["exercises"], strict=True):
            key = json.dumps([raw, data.get("layout"), data.get("notation")], sort_keys=True)
            if key not in self.solved:
                alone = replace(spec, exercises=(exercise,))
                self.solved[key] = solve_set(alone, self.stem, self.seed).items[0]
            items.append(self.solved[key])
        return SolvedSet(spec, tuple(items), self.stem, self.seed)

    def at_choice(self, error: DeriveError, picks: Picks,
                  folder: str | None) -> list[DeriveError]:
        """The errors of a variant, each moved to the (first) choice it was made with."""
        inner = error.errors if isinstance(error, SpecErrors) else [error]
        if not picks:
            return list(inner)
        made = ", ".join(self.plan.varied[i].choice_text(c) for i, c in sorted(picks.items()))
        first = min(picks.items())
        path: DataPath = (*self.plan.varied[first[0]].path, first[1])
        node = self.source.values.get(path)
        span = self.source.node_span(node) if node is not None else self.source.span_at(0)
        context = f"in variant {folder} ({made})" if folder else f"with {made}"
        return [
            SpecError(f"vary: {context}: {each.message}", span=span,
                      source=self.source.line_text(span.line or 1), hint=each.hint)
            for each in inner
        ]


def answer_text(solved: SolvedItem) -> str:
    """An item's verified answer in the expression language, as variants.csv gives it.

    A shape question gives the shape, a select question its right options with their letters,
    a blanks question the factors in the layout's order.

    Example:
        >>> from derive.spec import parse_spec
        >>> spec = parse_spec("title: T\\nexercises:\\n  - {id: s, kind: shape, expr: W @ x, "
        ...                   "wrt: x, shapes: {W: [m, n], x: [n]}}\\n", "t.yaml")
        >>> answer_text(solve_set(spec, "t").items[0][1][0])
        'shape n×m'
    """
    asked = solved.asked
    if isinstance(asked, ShapeKey | BlanksKey):
        return summary(asked)
    if isinstance(asked, SelectKey):
        right = [f"({LETTERS[index]}) {option.text}" for index, option
                 in enumerate(asked.options) if option.verdict == "right"]
        return "right: " + " | ".join(right)
    derivation = solved.derivation
    if isinstance(derivation, Vectorized):
        return unparse(derivation.work.answer)
    if derivation.result is not None:
        return unparse(derivation.result)
    return f"compact: {unparse(derivation.compact)}" if derivation.compact is not None else ""


def _rows(plan: VaryPlan, picks: Picks, solved: SolvedSet, folder: str, student: str,
          seed: int) -> list[list[str]]:
    rows = []
    for number, (exercise, items) in enumerate(solved.items):
        made = "; ".join(plan.varied[i].choice_text(picks[i]) for i in plan.of_exercise(number))
        answers = [
            f"{each.item.label} {answer_text(each)}" if each.item.label else answer_text(each)
            for each in items
        ]
        rows.append([folder, student, str(seed), exercise.id, made, "; ".join(answers)])
    return rows


def _csv(rows: Sequence[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
