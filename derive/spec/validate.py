"""Checking exercise specs: plain data from `load` -> `ExerciseSet`, or every error at once.

Types come from the pydantic models in `model`; on top of them this module checks ids, TeX
safety of prose, shapes (`check_dims`), expressions and answers (`make_problem`), and places
every diagnostic at its file:line:col. All errors are collected, sorted and raised as one
`SpecErrors`. Limit: answers are shape-checked only when the derivative has at most two axes.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from derive.errors import DeriveError, Span, SpecError, SpecErrors
from derive.expr.shapes import Shape, format_shape
from derive.problem import Problem, check_dims, make_problem
from derive.spec.load import DataPath, SourceMap
from derive.spec.model import (
    Exercise,
    ExerciseSet,
    ExerciseSpec,
    Item,
    LayoutName,
    SpecFile,
)
from derive.spec.safety import find_tex_unsafe
from derive.spec.schema import (
    CHOICES,
    MISSING_HINTS,
    SchemaProblem,
    describe,
    explain_validation_error,
    part_label,
    place_name,
)

MAX_ERRORS = 20
"""Diagnostics shown before "… and N more"."""

_SPEC_PROSE = ("title", "course", "author")
_SINGLE_ONLY = ("expr", "wrt", "answer", "element", "name")


def validate_spec(data: object, source: SourceMap, errors: Sequence[DeriveError]) -> ExerciseSet:
    """Check composed spec data and build the exercise set.

    Args:
        data: plain data from `load.read_yaml`.
        source: positions of every value in `data`.
        errors: structural errors already found while reading the YAML.

    Returns:
        The checked exercise set.

    Raises:
        SpecErrors: every problem found, sorted by position.
    """
    checker = _Checker(source, list(errors))
    result = checker.check(data)
    if checker.errors or result is None:
        empty = SpecError(
            "the spec is empty",
            span=source.span_at(0),
            hint="start the file with 'title:' and 'exercises:'",
        )
        raise SpecErrors(sorted(checker.errors, key=_position) or [empty], limit=MAX_ERRORS)
    return result


def derivative_shape(output: Shape, variable: Shape, layout: LayoutName) -> Shape | None:
    """The shape of d output / d variable as a matrix, or None when it has three or more axes.

    Numerator layout is the Jacobian order (output's entries down the rows); denominator layout
    transposes it and gives gradients the variable's shape; mixed keeps gradients in the
    variable's shape and vector-by-vector derivatives as Jacobians.

    Example:
        >>> derivative_shape(("m", 1), ("n", 1), "numerator")
        ('m', 'n')
        >>> derivative_shape((1, 1), ("m", "n"), "numerator")
        ('n', 'm')
        >>> derivative_shape((1, 1), ("n", 1), "mixed")
        ('n', 1)
    """
    transposed_variable = (variable[1], variable[0])
    if output == (1, 1):
        return transposed_variable if layout == "numerator" else variable
    if variable == (1, 1):
        if layout != "denominator":
            return output
        return (output[1], output[0]) if 1 in output else None
    if output[1] == 1 and variable[1] == 1:
        jacobian = (output[0], variable[0])
        return (variable[0], output[0]) if layout == "denominator" else jacobian
    return None


def _position(error: DeriveError) -> tuple[int, int]:
    span = error.span
    return (span.line or 0, span.col) if span else (0, 0)


@dataclass(slots=True)
class _Level:
    """Declarations made at one level (exercise or part), with the paths of their entries."""

    path: DataPath
    shapes: dict[str, list[Any]] = field(default_factory=dict)
    assume: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    complete: bool = True


class _Checker:
    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        self.source = source
        self.errors = errors
        self.reported: set[SchemaProblem] = set()

    def fail(
        self, message: str, path: DataPath, *, key: bool = False, hint: str | None = None
    ) -> None:
        table = self.source.keys if key else self.source.values
        node = table.get(path) or self.source.values.get(path)
        self.errors.append(self.source.error(message, node, hint=hint))

    # --- whole file -------------------------------------------------------------------------

    def check(self, data: object) -> ExerciseSet | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            self.fail(
                f"found {describe(data)} at the top level; expected a mapping",
                (),
                hint="start the file with 'title:' and 'exercises:'",
            )
            return None
        spec = self.typed(SpecFile, data, ())
        for key in _SPEC_PROSE:
            self.check_prose(data.get(key), (key,), "the spec")
        raw_exercises = data.get("exercises")
        exercises: list[Exercise] = []
        if isinstance(raw_exercises, list):
            self.check_ids(raw_exercises)
            default = data.get("layout")
            layout: LayoutName = default if default in CHOICES["layout"] else "denominator"
            for index, raw in enumerate(raw_exercises):
                exercise = self.check_exercise(raw, ("exercises", index), layout)
                if exercise is not None:
                    exercises.append(exercise)
        if spec is None or self.errors:
            return None
        assert isinstance(spec, SpecFile)
        return ExerciseSet(
            file=self.source.file,
            title=spec.title,
            course=spec.course,
            author=spec.author,
            layout=spec.layout,
            notation=spec.notation,
            exercises=tuple(exercises),
        )

    def typed(self, model: type[BaseModel], data: object, path: DataPath) -> BaseModel | None:
        """Validate with pydantic, reporting its errors; nested models report only at the top."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            if not path:
                for detail in error.errors(include_url=False):
                    self.schema_problem(explain_validation_error(detail, data))
            return None

    def schema_problem(self, problem: SchemaProblem | None) -> None:
        if problem is None or problem in self.reported:
            return
        self.reported.add(problem)
        self.fail(problem.message, problem.path, key=problem.on_key, hint=problem.hint)

    def check_ids(self, exercises: list[Any]) -> None:
        first: dict[str, int] = {}
        for index, raw in enumerate(exercises):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            ident = raw["id"]
            if ident in first:
                line = self.source.values[("exercises", first[ident], "id")].start_mark.line + 1
                self.fail(
                    f"duplicate exercise id '{ident}'",
                    ("exercises", index, "id"),
                    hint=f"the exercise on line {line} already has this id; ids must be unique",
                )
            else:
                first[ident] = index

    def check_prose(self, text: object, path: DataPath, where: str) -> None:
        if not isinstance(text, str):
            return
        found = find_tex_unsafe(text)
        if found is None:
            return
        offset, command = found
        node = self.source.values[path]
        assert isinstance(node, yaml.ScalarNode)
        spot = self.source.spot(node, offset)
        self.errors.append(
            SpecError(
                f"'{command}' is not allowed in the {path[-1]} of {where}",
                span=Span(
                    spot.span.col, spot.span.col + len(command), spot.span.line, spot.span.file
                ),
                source=spot.line_text,
                hint="titles and prompts may use math and text formatting, but no commands that "
                "read or write files, define macros or change catcodes",
            )
        )

    # --- exercises and parts ----------------------------------------------------------------

    def check_exercise(self, raw: object, path: DataPath, layout: LayoutName) -> Exercise | None:
        if not isinstance(raw, dict):
            return None
        number = int(path[-1])
        where = place_name(raw, number, None)
        for key in ("title", "prompt"):
            self.check_prose(raw.get(key), (*path, key), where)
        parent = _Level(path)
        self.check_declarations(raw, parent)
        own_layout = raw.get("layout")
        if own_layout in CHOICES["layout"]:
            layout = own_layout
        parts = raw.get("parts")
        items: list[Item | None] = []
        if isinstance(parts, list):
            for key in _SINGLE_ONLY:
                if key in raw:
                    self.fail(
                        f"'{key}' cannot be given next to 'parts' in {where}",
                        (*path, key),
                        key=True,
                        hint=f"move '{key}' into each part; parts inherit only shapes, assume and "
                        "layout",
                    )
            for index, part in enumerate(parts):
                if not isinstance(part, dict):
                    continue
                label = part_label(index)
                part_where = place_name(raw, number, label)
                part_path = (*path, "parts", index)
                for key in ("title", "prompt"):
                    self.check_prose(part.get(key), (*part_path, key), part_where)
                level = _Level(part_path)
                self.check_declarations(part, level)
                part_layout = part.get("layout")
                items.append(
                    self.check_item(
                        part,
                        (parent, level),
                        part_where,
                        label,
                        part_layout if part_layout in CHOICES["layout"] else layout,
                        str(raw.get("id")),
                    )
                )
                self.check_unused(level, part_where)
                parent.used |= level.used
                parent.complete &= level.complete
        elif "parts" not in raw:
            for key in ("expr", "wrt"):
                if key not in raw:
                    self.fail(
                        f"{where} is missing the required key '{key}'",
                        path,
                        hint=MISSING_HINTS[key],
                    )
            items.append(self.check_item(raw, (parent,), where, "", layout, str(raw.get("id"))))
        self.check_unused(parent, where)
        model = self.typed(ExerciseSpec, raw, path)
        if not isinstance(model, ExerciseSpec) or None in items:
            return None
        id_node = self.source.values[(*path, "id")]
        assert isinstance(id_node, yaml.ScalarNode)
        return Exercise(
            id=model.id,
            kind=model.kind,
            title=model.title,
            prompt=model.prompt,
            items=tuple(item for item in items if item is not None),
            at=self.source.spot(id_node),
        )

    def check_declarations(self, raw: Mapping[str, Any], level: _Level) -> None:
        """Check shape lists with `check_dims`; keep the well-formed entries."""
        shapes = raw.get("shapes")
        if isinstance(shapes, dict):
            for name, dims in shapes.items():
                try:
                    check_dims(name, dims)
                except DeriveError as error:
                    self.fail(error.message, (*level.path, "shapes", name), hint=error.hint)
                    level.complete = False
                    continue
                level.shapes[name] = dims
        assume = raw.get("assume")
        if isinstance(assume, dict):
            for name, props in assume.items():
                if isinstance(props, str) or (
                    isinstance(props, list) and all(isinstance(p, str) for p in props)
                ):
                    level.assume[name] = props

    def check_item(
        self,
        raw: Mapping[str, Any],
        levels: tuple[_Level, ...],
        where: str,
        label: str,
        layout: LayoutName,
        exercise_id: str,
    ) -> Item | None:
        path = levels[-1].path
        expr_node = self.source.values.get((*path, "expr"))
        if not isinstance(raw.get("expr"), str) or not isinstance(expr_node, yaml.ScalarNode):
            levels[-1].complete = False
            return None
        shapes: dict[str, tuple[DataPath, list[Any]]] = {}
        assume: dict[str, tuple[DataPath, Any]] = {}
        for level in levels:
            for name, dims in level.shapes.items():
                shapes[name] = ((*level.path, "shapes", name), dims)
            for name, props in level.assume.items():
                assume[name] = ((*level.path, "assume", name), props)

        text, lead = _normalize(raw["expr"])
        try:
            bare = make_problem(text)
        except DeriveError as error:
            self.errors.append(self.source.place(error, expr_node, lead))
            levels[-1].complete = False
            return None
        used = set(bare.shapes)
        levels[-1].used |= used

        answer = raw.get("answer")
        answer_node = self.source.values.get((*path, "answer"))
        answer_text, answer_lead, answer_used = "", 0, set[str]()
        answer_ok = isinstance(answer, str) and isinstance(answer_node, yaml.ScalarNode)
        if answer_ok:
            answer_text, answer_lead = _normalize(str(answer))
            try:
                answer_used = set(make_problem(answer_text).shapes)
                levels[-1].used |= answer_used
            except DeriveError as error:
                assert isinstance(answer_node, yaml.ScalarNode)
                self.errors.append(self.source.place(error, answer_node, answer_lead))
                answer_ok = False

        wrt = raw.get("wrt")
        wrt_ok = isinstance(wrt, str) and wrt in used
        if isinstance(wrt, str) and not wrt_ok:
            close = difflib.get_close_matches(wrt, sorted(used), n=1)
            self.fail(
                f"cannot differentiate with respect to '{wrt}': it does not appear in '{text}'",
                (*path, "wrt"),
                hint=f"did you mean '{close[0]}'?"
                if close
                else "the expression uses " + ", ".join(f"'{name}'" for name in sorted(used)),
            )

        problem = self.solve(text, expr_node, lead, used, shapes, assume)
        if problem is None or not wrt_ok or not isinstance(wrt, str):
            return None
        answer_problem = None
        if answer_ok:
            assert isinstance(answer_node, yaml.ScalarNode)
            answer_problem = self.check_answer(
                answer_text,
                answer_node,
                answer_lead,
                answer_used,
                problem,
                shapes,
                assume,
                wrt,
                layout,
            )
            if answer_problem is None:
                return None
        element = raw.get("element")
        output_name = raw.get("name")
        title, prompt = raw.get("title"), raw.get("prompt")
        return Item(
            exercise_id=exercise_id,
            label=label,
            title=title if isinstance(title, str) else None,
            prompt=prompt if isinstance(prompt, str) else None,
            expr=text,
            wrt=wrt,
            layout=layout,
            element=tuple(element) if isinstance(element, list) else None,
            answer=answer_text if answer_problem is not None else None,
            name=output_name if isinstance(output_name, str) else None,
            problem=problem,
            answer_problem=answer_problem,
            expr_at=self.source.spot(expr_node, lead),
            answer_at=(
                self.source.spot(answer_node, answer_lead)
                if answer_problem is not None and isinstance(answer_node, yaml.ScalarNode)
                else None
            ),
        )

    def solve(
        self,
        text: str,
        node: yaml.ScalarNode,
        lead: int,
        used: set[str],
        shapes: Mapping[str, tuple[DataPath, list[Any]]],
        assume: Mapping[str, tuple[DataPath, Any]],
    ) -> Problem | None:
        """`make_problem` with the declarations for the symbols `text` uses.

        Assumption errors carry no position, so each assumption is first tried on its own and
        reported at its entry.
        """
        declared = {name: dims for name, (_, dims) in shapes.items() if name in used}
        accepted: dict[str, Any] = {}
        ok = True
        for name, (entry, props) in assume.items():
            if name not in used:
                continue
            try:
                make_problem(text, declared, {name: props})
            except DeriveError as error:
                if error.span is None:
                    self.fail(error.message, entry, hint=error.hint)
                    ok = False
                    continue
            accepted[name] = props
        try:
            problem = make_problem(text, declared, accepted)
        except DeriveError as error:
            self.errors.append(self.source.place(error, node, lead))
            return None
        return problem if ok else None

    def check_answer(
        self,
        text: str,
        node: yaml.ScalarNode,
        lead: int,
        used: set[str],
        problem: Problem,
        shapes: Mapping[str, tuple[DataPath, list[Any]]],
        assume: Mapping[str, tuple[DataPath, Any]],
        wrt: str,
        layout: LayoutName,
    ) -> Problem | None:
        known = set(problem.shapes) | set(problem.dims())
        strangers = sorted(used - known)
        if strangers:
            close = difflib.get_close_matches(strangers[0], sorted(known), n=1)
            self.errors.append(
                self.source.error(
                    f"the answer uses '{strangers[0]}', which does not appear in the expression "
                    f"'{problem.text}'",
                    node,
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "an answer may use the expression's symbols and dimension names only",
                )
            )
            return None
        answer = self.solve(text, node, lead, used, shapes, assume)
        if answer is None:
            return None
        expected = derivative_shape(problem.shape, problem.shapes[wrt], layout)
        if expected is not None and answer.shape != expected:
            other: LayoutName = "numerator" if layout != "numerator" else "denominator"
            other_shape = derivative_shape(problem.shape, problem.shapes[wrt], other)
            hint = "check the answer's transposes against the layout"
            if answer.shape == other_shape:
                hint = (
                    f"this is the shape in {other} layout; transpose the answer or set "
                    f"'layout: {other}'"
                )
            self.errors.append(
                self.source.error(
                    f"the answer is {format_shape(answer.shape)}, but the derivative of "
                    f"'{problem.text}' with respect to '{wrt}' in {layout} layout is "
                    f"{format_shape(expected)}",
                    node,
                    hint=hint,
                )
            )
            return None
        return answer

    def check_unused(self, parent: _Level, where: str) -> None:
        """Declarations for symbols that no expression of the exercise uses are likely typos."""
        if not parent.complete:
            return
        for kind, names in (("shape", parent.shapes), ("assumption", parent.assume)):
            for name in names:
                if name in parent.used:
                    continue
                same = [used for used in sorted(parent.used) if used.lower() == name.lower()]
                close = same or difflib.get_close_matches(name, sorted(parent.used), n=1)
                self.fail(
                    f"{kind} given for '{name}', which no expression of {where} uses",
                    (*parent.path, "shapes" if kind == "shape" else "assume", name),
                    key=True,
                    hint=f"did you mean '{close[0]}'?" if close else "remove it",
                )


def _normalize(text: str) -> tuple[str, int]:
    """Strip an expression read from YAML; line breaks become spaces so offsets stay put."""
    stripped = text.strip()
    return stripped.replace("\n", " "), len(text) - len(text.lstrip())
