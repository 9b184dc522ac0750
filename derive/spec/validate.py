"""Checking exercise specs: plain data from `load` -> `ExerciseSet`, or every error at once.

Types come from the pydantic models in `model`; on top of them this module checks ids, TeX
safety of prose, shapes (`check_dims`), expressions and answers (`make_problem`), and places
every diagnostic at its file:line:col. All errors are collected, sorted and raised as one
`SpecErrors`. Limit: answers are shape-checked only when the derivative has at most two axes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from derive.engine.chain import make_chain
from derive.errors import DeriveError, Span, SpecError, SpecErrors
from derive.expr.nodes import symbols_in
from derive.expr.parse import Signature, parse
from derive.expr.shapes import Shape, format_shape
from derive.problem import Problem, check_dims, declare_functions, make_problem
from derive.spec.kinds import (
    Let,
    check_index,
    normalize,
    place_chain_error,
    read_free,
    split_lets,
)
from derive.spec.load import DataPath, SourceMap
from derive.spec.model import (
    AnyItem,
    Exercise,
    ExerciseSet,
    ExerciseSpec,
    IndexItem,
    Item,
    KindName,
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
from derive.vectorize.problem import IndexProblem

MAX_ERRORS = 20
"""Diagnostics shown before "… and N more"."""

_SPEC_PROSE = ("title", "course", "author")
_SINGLE_ONLY = ("expr", "wrt", "answer", "element", "name", "index", "free")
_VECTORIZE_ONLY = ("index", "free")
_NOT_VECTORIZE = ("expr", "wrt", "let", "element", "name", "assume")


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
    functions: dict[str, str] = field(default_factory=dict)
    lets: list[Any] | None = None
    used: set[str] = field(default_factory=set)
    complete: bool = True


class _Checker:
    def __init__(self, source: SourceMap, errors: list[DeriveError]) -> None:
        self.source = source
        self.errors = errors
        self.reported: set[SchemaProblem] = set()
        self.lets: dict[DataPath, list[Let] | None] = {}

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
        kind = _kind(raw.get("kind"), None)
        parts = raw.get("parts")
        items: list[AnyItem | None] = []
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
                        _kind(part.get("kind"), kind),
                    )
                )
                self.check_unused(level, part_where)
                parent.used |= level.used
                parent.complete &= level.complete
        elif "parts" not in raw:
            items.append(
                self.check_item(raw, (parent,), where, "", layout, str(raw.get("id")), kind)
            )
        self.check_unused(parent, where)
        model = self.typed(ExerciseSpec, raw, path)
        if not isinstance(model, ExerciseSpec) or None in items:
            return None
        id_node = self.source.values[(*path, "id")]
        assert isinstance(id_node, yaml.ScalarNode)
        checked = tuple(item for item in items if item is not None)
        return Exercise(
            id=model.id,
            kind=model.kind or (checked[0].kind if checked else "derivative"),
            title=model.title,
            prompt=model.prompt,
            items=checked,
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
        lets = raw.get("let")
        if isinstance(lets, list):
            level.lets = lets
        functions = raw.get("functions")
        if isinstance(functions, dict):
            for name, declared in functions.items():
                if not isinstance(declared, str):
                    continue
                try:
                    declare_functions({name: declared})
                except DeriveError as error:
                    self.fail(error.message, (*level.path, "functions", name), hint=error.hint)
                    level.complete = False
                    continue
                level.functions[name] = declared

    def check_item(
        self,
        raw: Mapping[str, Any],
        levels: tuple[_Level, ...],
        where: str,
        label: str,
        layout: LayoutName,
        exercise_id: str,
        kind: KindName,
    ) -> AnyItem | None:
        path = levels[-1].path
        if kind == "vectorize":
            for key in _NOT_VECTORIZE:
                if key in raw:
                    self.fail(f"'{key}' is not used by vectorize items such as {where}",
                              (*path, key), key=True,
                              hint="vectorize items take 'index', 'free', 'shapes', 'prompt' "
                              "and 'answer'")
        needed = ("index", "free") if kind == "vectorize" else ("expr", "wrt")
        missing = [key for key in needed if key not in raw]
        for key in missing:
            self.fail(f"{where} is missing the required key '{key}'", path,
                      hint=MISSING_HINTS[key])
        if missing:
            levels[-1].complete = False
            return None
        if kind == "vectorize":
            return self.check_index_item(raw, levels, where, label, exercise_id)
        for key in _VECTORIZE_ONLY:
            if key in raw:
                self.fail(f"'{key}' is only used by vectorize items, not by {where}",
                          (*path, key), key=True, hint="set 'kind: vectorize' or remove it")
        expr_node = self.source.values.get((*path, "expr"))
        if not isinstance(raw.get("expr"), str) or not isinstance(expr_node, yaml.ScalarNode):
            levels[-1].complete = False
            return None
        shapes, assume, functions = _declared(levels)
        signatures = declare_functions(functions)
        let_level = next((level for level in reversed(levels) if level.lets is not None), None)
        if kind == "chain" and let_level is None:
            self.fail(f"{where} is of kind 'chain' but has no 'let' definitions", path,
                      hint=MISSING_HINTS["let"])
            levels[-1].complete = False
            return None

        text, lead = normalize(raw["expr"])
        try:
            expr = parse(text, signatures)
        except DeriveError as error:
            self.errors.append(self.source.place(error, expr_node, lead))
            levels[-1].complete = False
            return None
        lets: list[Let] = []
        if let_level is not None:
            found = self.split_lets(let_level, signatures)
            if found is None:
                levels[-1].complete = False
                return None
            lets = found
        names = {let.name for let in lets}
        used = set(symbols_in(expr)).union(*(let.used for let in lets)) - names
        levels[-1].used |= used

        answer = raw.get("answer")
        answer_node = self.source.values.get((*path, "answer"))
        answer_text, answer_lead, answer_used = "", 0, set[str]()
        answer_ok = isinstance(answer, str) and isinstance(answer_node, yaml.ScalarNode)
        if answer_ok:
            assert isinstance(answer_node, yaml.ScalarNode)
            answer_text, answer_lead = normalize(str(answer))
            try:
                answer_used = set(symbols_in(parse(answer_text, signatures)))
                levels[-1].used |= answer_used - names
            except DeriveError as error:
                self.errors.append(self.source.place(error, answer_node, answer_lead))
                answer_ok = False

        wrt = raw.get("wrt")
        wrt_ok = isinstance(wrt, str) and wrt in used
        if isinstance(wrt, str) and wrt in names:
            self.fail(
                f"cannot differentiate with respect to the intermediate '{wrt}'",
                (*path, "wrt"),
                hint=f"give '{wrt}' a shape and drop its definition, so that it is an input",
            )
        elif isinstance(wrt, str) and not wrt_ok:
            close = difflib.get_close_matches(wrt, sorted(used), n=1)
            self.fail(
                f"cannot differentiate with respect to '{wrt}': it does not appear in '{text}'",
                (*path, "wrt"),
                hint=f"did you mean '{close[0]}'?"
                if close
                else "the expression uses " + ", ".join(f"'{name}'" for name in sorted(used)),
            )

        definitions: list[Any] = []

        def make(declared: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            if not lets:
                return make_problem(text, declared, accepted, functions)
            made, defined = make_chain(text, [let.text for let in lets], declared, accepted,
                                       functions)
            definitions[:] = defined
            return made

        def place(error: DeriveError) -> DeriveError:
            assert isinstance(expr_node, yaml.ScalarNode)
            return place_chain_error(self.source, error, lets, expr_node, lead)

        problem = self.solve(used, shapes, assume, make, place)
        if problem is None or not wrt_ok or not isinstance(wrt, str):
            return None
        answer_problem = None
        if answer_ok:
            assert isinstance(answer_node, yaml.ScalarNode)
            shaped = {**shapes, **{
                d.name: (let_path(let_level), list(d.shape)) for d in definitions
            }}
            answer_problem = self.check_answer(
                answer_text, answer_node, answer_lead, answer_used, problem, shaped, assume,
                functions, names, wrt, layout,
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
            definitions=tuple(definitions),
            lets=tuple(let.text for let in lets),
        )

    def split_lets(
        self, level: _Level, signatures: Mapping[str, Signature]
    ) -> list[Let] | None:
        """The parsed definitions of a level, reported once even when parts inherit them."""
        key = (*level.path, "let")
        if key not in self.lets:
            values = level.lets or []
            nodes = [self.source.values.get((*key, index)) for index in range(len(values))]
            lets, errors = split_lets(self.source, values, nodes, signatures)
            self.errors.extend(errors)
            self.lets[key] = None if errors else lets
        return self.lets[key]

    def check_index_item(
        self,
        raw: Mapping[str, Any],
        levels: tuple[_Level, ...],
        where: str,
        label: str,
        exercise_id: str,
    ) -> IndexItem | None:
        path = levels[-1].path
        node = self.source.values.get((*path, "index"))
        free_node = self.source.values.get((*path, "free"))
        free = read_free(raw.get("free"))
        if not isinstance(node, yaml.ScalarNode) or not isinstance(raw.get("index"), str):
            levels[-1].complete = False
            return None
        if free is None:
            self.fail(f"'free' in {where} must be a list of index names or a string 'i,j'",
                      (*path, "free"), hint="write 'free: [i, j]', 'free: [i]' or 'free: []'")
            levels[-1].complete = False
            return None
        shapes, _, _ = _declared(levels)
        text, lead = normalize(str(raw["index"]))
        named = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        declared = {name: dims for name, (_, dims) in shapes.items() if name in named}
        checked = check_index(self.source, node, free, free_node, declared)
        if isinstance(checked, DeriveError):
            self.errors.append(checked)
            levels[-1].complete = False
            return None
        levels[-1].used |= set(checked.shapes)
        answer_problem = None
        answer_node = self.source.values.get((*path, "answer"))
        answer = raw.get("answer")
        answer_text, answer_lead = "", 0
        if isinstance(answer, str) and isinstance(answer_node, yaml.ScalarNode):
            answer_text, answer_lead = normalize(answer)
            answer_problem = self.check_index_answer(
                answer_text, answer_node, answer_lead, checked, text
            )
            if answer_problem is None:
                return None
        title, prompt = raw.get("title"), raw.get("prompt")
        return IndexItem(
            exercise_id=exercise_id,
            label=label,
            title=title if isinstance(title, str) else None,
            prompt=prompt if isinstance(prompt, str) else None,
            expr=text,
            free=tuple(free),
            answer=answer_text if answer_problem is not None else None,
            problem=checked,
            answer_problem=answer_problem,
            expr_at=self.source.spot(node, lead),
            answer_at=self.source.spot(answer_node, answer_lead)
            if answer_problem is not None and isinstance(answer_node, yaml.ScalarNode)
            else None,
        )

    def check_index_answer(
        self, text: str, node: yaml.ScalarNode, lead: int, problem: IndexProblem, index: str
    ) -> Problem | None:
        """Parse a vectorize answer over the index expression's symbols and check its shape."""
        try:
            used = set(symbols_in(parse(text)))
            dims = {d for shape in problem.shapes.values() for d in shape if isinstance(d, str)}
            strangers = sorted(used - set(problem.shapes) - dims)
            if strangers:
                close = difflib.get_close_matches(strangers[0], sorted(problem.shapes), n=1)
                raise SpecError(
                    f"the answer uses '{strangers[0]}', which does not appear in '{index}'",
                    hint=f"did you mean '{close[0]}'?" if close
                    else "an answer may use the index expression's symbols only",
                )
            answer = make_problem(
                text, {name: list(problem.shapes[name]) for name in used if name in problem.shapes}
            )
        except DeriveError as error:
            placed = (self.source.place(error, node, lead) if error.span is not None
                      else self.source.error(error.message, node, hint=error.hint))
            self.errors.append(placed)
            return None
        free = problem.free
        expected = (problem.space.dim(free[0]) if free else 1,
                    problem.space.dim(free[1]) if len(free) == 2 else 1)
        if answer.shape != expected:
            self.errors.append(self.source.error(
                f"the answer is {format_shape(answer.shape)}, but the entries "
                f"[{', '.join(free)}] of '{index}' form {format_shape(expected)}",
                node,
                hint="the first free index numbers the rows, the second the columns",
            ))
            return None
        return answer

    def solve(
        self,
        used: set[str],
        shapes: Mapping[str, tuple[DataPath, list[Any]]],
        assume: Mapping[str, tuple[DataPath, Any]],
        make: Callable[[dict[str, Any], dict[str, Any]], Problem],
        place: Callable[[DeriveError], DeriveError],
    ) -> Problem | None:
        """`make` (the problem of an expression or chain) with the declarations `used` needs.

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
                make(declared, {name: props})
            except DeriveError as error:
                if error.span is None:
                    self.fail(error.message, entry, hint=error.hint)
                    ok = False
                    continue
            accepted[name] = props
        try:
            problem = make(declared, accepted)
        except DeriveError as error:
            self.errors.append(place(error))
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
        functions: Mapping[str, str],
        intermediates: set[str],
        wrt: str,
        layout: LayoutName,
    ) -> Problem | None:
        known = set(problem.shapes) | set(problem.dims()) | intermediates
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

        def make(declared: dict[str, Any], accepted: dict[str, Any]) -> Problem:
            return make_problem(text, declared, accepted, functions)

        answer = self.solve(
            used, shapes, assume, make, lambda error: self.source.place(error, node, lead)
        )
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


def _kind(value: object, inherited: KindName | None) -> KindName:
    """The kind an item is checked as: its own, the exercise's, or 'derivative'."""
    if value == "vectorize" or value == "chain":
        return value
    if value == "derivative":
        return "derivative"
    return inherited or "derivative"


def _declared(
    levels: tuple[_Level, ...],
) -> tuple[dict[str, tuple[DataPath, list[Any]]], dict[str, tuple[DataPath, Any]],
           dict[str, str]]:
    """Shapes, assumptions and functions in scope of an item; inner levels win."""
    shapes: dict[str, tuple[DataPath, list[Any]]] = {}
    assume: dict[str, tuple[DataPath, Any]] = {}
    functions: dict[str, str] = {}
    for level in levels:
        for name, dims in level.shapes.items():
            shapes[name] = ((*level.path, "shapes", name), dims)
        for name, props in level.assume.items():
            assume[name] = ((*level.path, "assume", name), props)
        functions.update(level.functions)
    return shapes, assume, functions


def let_path(level: _Level | None) -> DataPath:
    """Where a level's definitions are (for messages about intermediates)."""
    return (*level.path, "let") if level is not None else ()
