"""A verified derivation as a self-contained Python module that imports only numpy.

`derivation_to_numpy` writes `value`, `derivative` and `check` for one derivation;
`derivations_to_numpy` writes one module with a function triple per question of an exercise set.
Chains compute their intermediates and then the backward pass (the deltas) as named variables;
derivatives with three or four axes are built from the verified entry formula with `np.einsum`.
"""

from __future__ import annotations

import keyword
import textwrap
from collections.abc import Sequence
from importlib.resources import files

from msgspec import Struct

from derive.engine.steps import Derivation, Layout
from derive.errors import SpecError
from derive.expr.nodes import Dim, Expr
from derive.expr.parse import parse
from derive.expr.shapes import Shape, infer_shape, kind_of
from derive.expr.unparse import unparse
from derive.render.numpy_expr import ExprCoder, PolyCoder

_LAYOUT_WORDS = {
    "numerator": "numerator layout",
    "denominator": "denominator layout",
    "mixed": "mixed layout",
}

CONVENTIONS = '''\
Arguments are keyword-only and named by the symbols: a scalar is a float, a column vector a 1-D
array (an n×1 array is accepted too), a row vector or a matrix a 2-D array. A declared function
is passed with its derivative: f and f_prime (elementwise: applied to arrays entry by entry, as
numpy ufuncs are), h and grad_h (h takes its argument in the form above and returns a float;
grad_h returns an array of the argument's shape), g and jac_g (g maps a 1-D array of n entries
to one of k, jac_g returns the k×n Jacobian). value, derivative and check take the same
arguments.

derivative returns the derivative in the layout derive was asked for (README, "Layouts"):
scalar by column vector: 1-D in denominator and mixed layout, 1×n in numerator layout; scalar
by matrix: the matrix's shape (its transpose in numerator layout); vector by vector: the m×n
Jacobian (n×m in denominator layout); matrix by scalar: the matrix's shape (its transpose in
denominator layout); with three or four axes (vector by matrix, matrix by vector or matrix): an
array whose axes are the output's then the variable's (the variable's first in denominator
layout), entry [i, k, l] = d y_i / d X_kl. A result shaped k×1 is returned 1-D, and 1×1 as a
float. check returns max |derivative - finite differences| / max(1, max |finite differences|),
from central differences with one Richardson step at the given point.'''

_RUNTIME_NOTE = "# Helpers: the same in every module derive exports.\n"


class Question(Struct, frozen=True):
    """One derivation to export, and the suffix of its functions' names ('' for a single one)."""

    suffix: str
    derivation: Derivation


def runtime_source() -> str:
    """The helper functions every generated module carries (`numpy_runtime.py` below its marker).
    """
    from derive.render.numpy_runtime import RUNTIME_MARKER

    text = files("derive.render").joinpath("numpy_runtime.py").read_text(encoding="utf-8")
    return text.split(RUNTIME_MARKER + "\n", 1)[1].strip() + "\n"


def derivation_to_numpy(derivation: Derivation) -> str:
    """The module for one derivation: `value`, `derivative` and `check`.

    Raises:
        SpecError: a name cannot be a Python keyword argument.

    Example:
        >>> from derive import solve
        >>> code = solve("x.T @ A @ x", "x", shapes={"x": ["n"], "A": ["n", "n"]}).to_numpy()
        >>> namespace = {}
        >>> exec(code, namespace)
        >>> float(namespace["derivative"](A=[[1.0, 2.0], [0.0, 1.0]], x=[1.0, -1.0])[0])
        0.0
    """
    d = derivation
    title = f"The derivative of {unparse(_main(d))} with respect to {d.wrt}, exported by derive."
    return _module(title, [Question("", derivation)])


def derivations_to_numpy(title: str, questions: Sequence[Question], note: str = "") -> str:
    """One module for an exercise set: `value_<suffix>`, `derivative_<suffix>`, `check_<suffix>`
    per question (`title` and `note` are plain sentences written by derive, not user text)."""
    return _module(title, list(questions), note)


def _module(title: str, questions: list[Question], note: str = "") -> str:
    names = {n for q in questions for n in _user_names(q.derivation)}
    np = "_np" if "np" in names else "np"
    header = [f'"""{title}', "", CONVENTIONS, "", *([note, ""] if note else [])]
    bodies: list[str] = []
    for question in questions:
        lines, summary = _functions(question, np)
        header += summary
        bodies.append(lines)
    header.append('"""')
    imports = "import numpy as np" + ("\n\n_np = np" if np == "_np" else "")
    return "\n".join([*header, "", "from __future__ import annotations", "", imports, "", "",
                      *bodies, _RUNTIME_NOTE, "", runtime_source()])


def _user_names(d: Derivation) -> set[str]:
    names = set(d.problem.shapes) | set(d.problem.functions)
    if d.chain is not None:
        names |= {name for name, _ in d.chain.definitions}
    return names


def check_names(derivation: Derivation) -> None:
    """Refuse a derivation whose symbols, intermediates or functions cannot be Python
    arguments (keywords such as 'lambda'); every other identifier is valid as it is.

    Raises:
        SpecError: naming the first such name.
    """
    for name in sorted(_user_names(derivation)):
        if keyword.iskeyword(name):
            raise SpecError(f"'{name}' cannot name a Python argument: it is a keyword",
                            hint="rename the symbol to export numpy code")


def _main(d: Derivation) -> Expr:
    """The expression as written: a chain's uses the intermediates' names."""
    if d.chain is None:
        return d.problem.expr
    return parse(d.problem.text, d.problem.functions)


def _inputs(d: Derivation) -> dict[str, Shape]:
    dims = set(d.problem.dims())
    return {name: shape for name, shape in sorted(d.problem.shapes.items())
            if not (shape == (1, 1) and name in dims)}


def _form(shape: tuple[Dim, ...]) -> str:
    if len(shape) != 2:
        return "array"
    return {"scalar": "scalar", "column vector": "column"}.get(kind_of(shape), "array")


def _convert(name: str, shape: Shape) -> str:
    rows, cols = shape
    match kind_of(shape):
        case "scalar":
            return f"{name} = _scalar_arg({name!r}, {name})"
        case "column vector":
            return f"{name} = _column_arg({name!r}, {name}, {rows!r}, _dims)"
    return f"{name} = _matrix_arg({name!r}, {name}, {rows!r}, {cols!r}, _dims)"


class _Writer:
    """The statements of one question's value and derivative."""

    def __init__(self, d: Derivation, np: str) -> None:
        self.d = d
        inputs = _inputs(d)
        shapes = dict(d.problem.shapes)
        self.definitions: list[tuple[str, Expr]] = []
        if d.chain is not None:
            for name, expr in d.chain.definitions:
                shapes[name] = infer_shape(expr, shapes)
                self.definitions.append((name, expr))
            for name, expr in d.chain.deltas:
                shapes[name] = infer_shape(expr, shapes)
        sizes = frozenset(set(d.problem.shapes) - set(inputs))
        self.coder = ExprCoder(shapes, sizes, np)
        self.inputs = inputs

    def forward(self) -> list[str]:
        return [f"{name} = {self.coder.code(expr)}" for name, expr in self.definitions]

    def value(self) -> list[str]:
        form = _form(self.d.problem.shape)
        return [*self.forward(), f"return _result({self.coder.code(_main(self.d))}, {form!r})"]

    def derivative(self) -> list[str]:
        d, form = self.d, _form(self.d.shape)
        chain = d.chain
        if d.result is None:
            return [*self.forward(), f"return _result({self._tensor()}, {form!r})"]
        if chain is not None and chain.backprop is not None:
            deltas = [f"{name} = {self.coder.code(expr)}" for name, expr in chain.deltas]
            answer = self.coder.code(chain.backprop)
            return [*self.forward(), *deltas, f"return _result({answer}, {form!r})"]
        if chain is not None and chain.in_intermediates is not None:
            answer = self.coder.code(chain.in_intermediates)
            return [*self.forward(), f"return _result({answer}, {form!r})"]
        return [f"return _result({self.coder.code(d.result)}, {form!r})"]

    def _tensor(self) -> str:
        d = self.d
        full = PolyCoder(self.coder, d.space.ranges).poly(d.element, d.indices)
        order = tensor_axes(d)
        if order == tuple(range(len(order))):
            return full
        return f"{self.coder.np}.transpose({full}, {order})"

    def arrangement(self) -> str:
        d = self.d
        out_axes = tuple(dim != 1 for dim in d.problem.shape)
        var_axes = tuple(dim != 1 for dim in d.problem.shapes[d.wrt])
        return repr((d.layout.value, out_axes, var_axes, _form(d.shape)))


def _functions(question: Question, np: str) -> tuple[str, list[str]]:
    """The source of one question's three functions, and its lines in the module docstring."""
    d = question.derivation
    check_names(d)
    writer = _Writer(d, np)
    value, derivative = writer.value(), writer.derivative()
    functions = sorted(writer.coder.used)
    parameters = [*writer.inputs, *functions]
    prologue = ["_dims: dict[str, int] = {}",
                *(_convert(name, shape) for name, shape in writer.inputs.items())]
    s = f"_{question.suffix}" if question.suffix else ""
    what = f"d {d.output.name} / d {d.wrt}, {_LAYOUT_WORDS[d.layout.value]}"
    arrays = _bracketed("    arrays = {", [f"{name!r}: {name}" for name in parameters], "}")
    check = [arrays, f"return _check(_value{s}, _derivative{s}, arrays, {d.wrt!r}, "
             f"_ARRANGEMENT{s})"]
    source = "\n\n".join([
        _function(f"value{s}", parameters, f"The value of {d.output.name}.", prologue + value),
        _function(f"derivative{s}", parameters, f"{what}.", prologue + derivative),
        _function(f"check{s}", parameters,
                  f"The relative error of derivative{s} against finite differences.", check),
        f"_value{s}, _derivative{s} = value{s}, derivative{s}\n"
        f"_ARRANGEMENT{s} = {writer.arrangement()}\n\n",
    ])
    summary = textwrap.wrap(f"derivative{s}: {what}, {_returned(exported_shape(d))}; arguments "
                            + ", ".join(parameters) + ".", width=99, subsequent_indent="    ")
    return source, summary


def tensor_axes(d: Derivation) -> tuple[int, ...]:
    """How the entry formula's axes (output's, then the variable's) are ordered in the exported
    array: as they are, or with the variable's first in denominator layout."""
    out_axes = sum(1 for dim in d.problem.shape if dim != 1)
    axes = len(d.indices)
    if d.layout is Layout.DENOMINATOR:
        return tuple(range(out_axes, axes)) + tuple(range(out_axes))
    return tuple(range(axes))


def exported_shape(d: Derivation) -> tuple[Dim, ...]:
    """The shape of the array `derivative` returns, before a k×1 result is made 1-D."""
    if d.result is not None:
        return d.shape
    numerator = tuple(d.space.ranges[i] for i in d.indices)
    return tuple(numerator[a] for a in tensor_axes(d))


def _function(name: str, parameters: list[str], doc: str, body: list[str]) -> str:
    """A function's source: keyword-only parameters, a one-line docstring, the body."""
    head = _bracketed(f"def {name}(", ["*", *parameters], "):")
    lines = [f'"""{doc}"""', *body]
    return head + "\n" + "\n".join(line if line.startswith("    ") else "    " + line
                                   for line in lines) + "\n"


def _bracketed(opening: str, items: list[str], closing: str) -> str:
    """`opening item, item, ... closing` on one line, or the items wrapped inside the brackets
    when that line would pass 99 characters."""
    line = opening + ", ".join(items) + closing
    if len(line) <= 99:
        return line
    indent = " " * (len(opening) - len(opening.lstrip()))
    glued = ", ".join(item.replace(" ", "\0") for item in items)  # break between items only
    inner = textwrap.fill(glued, width=99, initial_indent=indent + "    ",
                          subsequent_indent=indent + "    ", break_on_hyphens=False,
                          break_long_words=False).replace("\0", " ")
    return f"{opening}\n{inner}\n{indent}{closing}"


def _returned(shape: tuple[Dim, ...]) -> str:
    """What `derivative` returns, in words: 'a float', 'a 1-D array of n entries', ..."""
    match _form(shape):
        case "scalar":
            return "a float"
        case "column":
            return f"a 1-D array of {shape[0]} entries"
    return "an array of shape (" + ", ".join(str(dim) for dim in shape) + ")"


__all__ = ["CONVENTIONS", "Question", "check_names", "derivation_to_numpy",
           "derivations_to_numpy", "runtime_source"]
