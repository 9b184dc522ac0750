"""An einsum oracle for derive's index language, written independently of derive's code.

`evaluate_index(text, free, values, ranges)` gives the array of an entry formula such as
`sum(A[i,k] * B[k,j], k)`, its axes in the order of `free`. The text is parsed with Python's `ast`
module (test fixtures only: nothing is executed) and evaluated as named-axis arrays:

- `A[i,j]` is a matrix entry, `x[i]` a vector entry (a vector is an n x 1 or 1 x n array), a bare
  name `s` a scalar (a 1 x 1 array); `A[i,i]` is the diagonal, `inv(X)[i,k]` and `X.T[i,k]` index
  the inverse and the transpose of a matrix;
- products are `numpy.einsum` calls built from the index names (every index kept), `sum(E, k)` and
  `sum(E, (k, l))` are einsum reductions, and a sum over an index the summand does not use
  multiplies by the index's range;
- `delta(i, j)` is an identity matrix on the axes i, j;
- `+`, `-` and `/` align the named axes and broadcast; `**` takes a constant exponent; `exp log sin
  cos tanh sigmoid sqrt` apply entrywise;
- the result is transposed to `free` order, and broadcast along a free index it does not use.

Ranges come from `ranges` (index -> size); an index missing there takes the length of the axis it
indexes, and every use of an index must agree.

>>> A = np.arange(6.0).reshape(2, 3)
>>> evaluate_index("sum(A[i,k] * A[j,k], k)", ["i", "j"], {"A": A}, {}).tolist()
[[5.0, 14.0], [14.0, 50.0]]
"""

from __future__ import annotations

import ast
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LETTERS = string.ascii_letters


class IndexOracleError(ValueError):
    """A formula the oracle cannot evaluate (syntax, unknown name, ranges, free indices)."""


def _sigmoid(z: Array) -> Array:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


ELEMENTWISE: dict[str, Callable[[Array], Array]] = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "sqrt": np.sqrt,
}


@dataclass(frozen=True)
class Named:
    """An array whose axes are named by indices (no name twice)."""

    data: Array
    indices: tuple[str, ...]


def _index_names(node: ast.AST) -> list[str]:
    """The index names of a subscript's slice or a sum's target: `i`, `i, j` or `(i, j)`."""
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    names: list[str] = []
    for item in items:
        if not isinstance(item, ast.Name):
            raise IndexOracleError(f"an index must be a name, not {ast.unparse(item)!r}")
        names.append(item.id)
    return names


class _Evaluator:
    def __init__(self, tree: ast.expr, values: Mapping[str, Array], ranges: Mapping[str, int]):
        self.values = values
        self.ranges: dict[str, int] = dict(ranges)
        self.letters: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                self._infer(node)
        self._through_deltas(tree)

    def _through_deltas(self, tree: ast.expr) -> None:
        """delta(i, j) gives j the range of i (and i that of j)."""
        pairs = [
            _index_names(ast.Tuple(elts=node.args))
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "delta" and len(node.args) == 2
        ]
        changed = True
        while changed:
            changed = False
            for first, second in pairs:
                for known, other in ((first, second), (second, first)):
                    if known in self.ranges and other not in self.ranges:
                        self.ranges[other] = self.ranges[known]
                        changed = True

    # -- ranges and einsum letters

    def _infer(self, node: ast.Subscript) -> None:
        base = self._matrix(node.value)
        names = _index_names(node.slice)
        if len(names) == 2:
            lengths = [base.shape[0], base.shape[1]]
        elif len(names) == 1:
            lengths = [self._vector(base, node).size]
        else:
            raise IndexOracleError(f"{ast.unparse(node)}: one or two indices expected")
        for name, length in zip(names, lengths, strict=True):
            known = self.ranges.setdefault(name, int(length))
            if known != length:
                raise IndexOracleError(
                    f"{ast.unparse(node)}: index {name} ranges over {known}, this axis has "
                    f"{length}"
                )

    def range_of(self, name: str) -> int:
        if name not in self.ranges:
            raise IndexOracleError(f"index {name} has no range (give it in `ranges`)")
        return self.ranges[name]

    def letter(self, name: str) -> str:
        if name not in self.letters:
            if len(self.letters) == len(LETTERS):
                raise IndexOracleError("too many distinct indices")
            self.letters[name] = LETTERS[len(self.letters)]
        return self.letters[name]

    def spec(self, indices: Iterable[str]) -> str:
        return "".join(self.letter(name) for name in indices)

    # -- arrays that are indexed

    def _matrix(self, node: ast.expr) -> Array:
        """The 2-D array under a subscript: a name, `inv(...)` of one, or a transpose."""
        if isinstance(node, ast.Name):
            if node.id not in self.values:
                raise IndexOracleError(f"unknown array {node.id!r}")
            value = np.asarray(self.values[node.id], dtype=np.float64)
            if value.ndim != 2:
                raise IndexOracleError(f"{node.id} must be a 2-D array (n x 1 for a vector)")
            return value
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return np.ascontiguousarray(self._matrix(node.value).T)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "inv"
            and len(node.args) == 1
            and not node.keywords
        ):
            inner = self._matrix(node.args[0])
            if inner.shape[0] != inner.shape[1]:
                raise IndexOracleError(f"inv of a non-square {inner.shape} matrix")
            return np.asarray(np.linalg.inv(inner), dtype=np.float64)
        # Any other matrix expression (softmax(u), A @ X @ B) is evaluated by the independent
        # numpy oracle of the expression language.
        from answers.numpy_oracle import OracleError, evaluate

        try:
            return evaluate(ast.unparse(node), self.values)
        except OracleError as error:
            raise IndexOracleError(f"cannot index {ast.unparse(node)!r}: {error}") from error

    @staticmethod
    def _vector(base: Array, node: ast.Subscript) -> Array:
        if base.shape[1] == 1:
            return base[:, 0]
        if base.shape[0] == 1:
            return base[0, :]
        raise IndexOracleError(f"{ast.unparse(node)}: a {base.shape} matrix takes two indices")

    # -- evaluation

    def run(self, node: ast.expr) -> Named:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise IndexOracleError(f"unsupported constant {node.value!r}")
            return Named(np.array(float(node.value)), ())
        if isinstance(node, ast.Name):
            return self._scalar(node.id)
        if isinstance(node, ast.Subscript):
            return self._entry(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand)
            if isinstance(node.op, ast.USub):
                return Named(-operand.data, operand.indices)
            if isinstance(node.op, ast.UAdd):
                return operand
            raise IndexOracleError("unsupported unary operator")
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise IndexOracleError(f"unsupported syntax {type(node).__name__}")

    def _scalar(self, name: str) -> Named:
        if name not in self.values:
            raise IndexOracleError(f"unknown scalar {name!r}")
        value = np.asarray(self.values[name], dtype=np.float64)
        if value.size != 1:
            raise IndexOracleError(f"{name} has shape {value.shape}: it needs indices")
        return Named(np.array(float(value.reshape(-1)[0])), ())

    def _entry(self, node: ast.Subscript) -> Named:
        base = self._matrix(node.value)
        names = _index_names(node.slice)
        if len(names) == 1:
            return Named(self._vector(base, node).copy(), (names[0],))
        first, second = names
        if first == second:
            return Named(np.einsum("aa->a", base).copy(), (first,))
        return Named(base.copy(), (first, second))

    def product(self, left: Named, right: Named) -> Named:
        out = left.indices + tuple(i for i in right.indices if i not in left.indices)
        formula = f"{self.spec(left.indices)},{self.spec(right.indices)}->{self.spec(out)}"
        return Named(np.asarray(np.einsum(formula, left.data, right.data)), out)

    def aligned(self, item: Named, order: tuple[str, ...]) -> Array:
        """`item`'s data with axes in `order`, size 1 along the indices it does not use."""
        present = tuple(i for i in order if i in item.indices)
        moved = np.einsum(f"{self.spec(item.indices)}->{self.spec(present)}", item.data)
        shape = tuple(moved.shape[present.index(i)] if i in present else 1 for i in order)
        return np.asarray(moved).reshape(shape)

    def _binop(self, node: ast.BinOp) -> Named:
        left = self.run(node.left)
        right = self.run(node.right)
        op = node.op
        if isinstance(op, ast.Mult):
            return self.product(left, right)
        if isinstance(op, ast.Pow):
            if right.indices:
                raise IndexOracleError("** needs an exponent without indices")
            with np.errstate(all="ignore"):
                return Named(np.power(left.data, float(right.data)), left.indices)
        order = left.indices + tuple(i for i in right.indices if i not in left.indices)
        a, b = self.aligned(left, order), self.aligned(right, order)
        if isinstance(op, ast.Add):
            return Named(np.asarray(a + b), order)
        if isinstance(op, ast.Sub):
            return Named(np.asarray(a - b), order)
        if isinstance(op, ast.Div):
            with np.errstate(all="ignore"):
                return Named(np.asarray(a / b), order)
        raise IndexOracleError(f"unsupported operator {type(op).__name__}")

    def _call(self, node: ast.Call) -> Named:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise IndexOracleError(f"unsupported call {ast.unparse(node)!r}")
        name = node.func.id
        if name == "sum":
            if len(node.args) != 2:
                raise IndexOracleError("sum(E, k) and sum(E, (k, l)) take two arguments")
            return self.summed(self.run(node.args[0]), _index_names(node.args[1]))
        if name == "delta":
            if len(node.args) != 2:
                raise IndexOracleError("delta(i, j) takes two indices")
            first, second = (_index_names(arg)[0] for arg in node.args)
            return self.delta(first, second)
        if name in ELEMENTWISE:
            if len(node.args) != 1:
                raise IndexOracleError(f"{name}() takes one argument")
            inner = self.run(node.args[0])
            with np.errstate(all="ignore"):
                return Named(np.asarray(ELEMENTWISE[name](inner.data)), inner.indices)
        # A scalar matrix function with no index inside (det(A @ X @ B), logdet(X), tr(A)) is a
        # plain number: the numpy oracle evaluates it.
        from answers.numpy_oracle import OracleError, evaluate

        try:
            value = evaluate(ast.unparse(node), self.values)
        except OracleError as error:
            raise IndexOracleError(f"unknown function {name!r}: {error}") from error
        if value.shape != (1, 1):
            raise IndexOracleError(f"{ast.unparse(node)!r} is not a scalar")
        return Named(np.asarray(value[0, 0]), ())

    def summed(self, body: Named, over: Sequence[str]) -> Named:
        for name in over:
            if name in body.indices:
                kept = tuple(i for i in body.indices if i != name)
                formula = f"{self.spec(body.indices)}->{self.spec(kept)}"
                body = Named(np.asarray(np.einsum(formula, body.data)), kept)
            else:
                body = Named(body.data * float(self.range_of(name)), body.indices)
        return body

    def delta(self, first: str, second: str) -> Named:
        size = self.range_of(first)
        if first == second:
            return Named(np.ones(size), (first,))
        if self.range_of(second) != size:
            raise IndexOracleError(
                f"delta({first}, {second}): ranges {size} and {self.range_of(second)} differ"
            )
        return Named(np.eye(size), (first, second))


def _summed_names(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "sum"
            and len(node.args) == 2
        ):
            found |= set(_index_names(node.args[1]))
    return found


def evaluate_index(
    text: str,
    free: Sequence[str] | str,
    values: Mapping[str, Array],
    ranges: Mapping[str, int] | None = None,
) -> Array:
    """The entries of the index formula `text`, one axis per free index, in `free` order.

    `free` is a list of index names or a string "i,j"; `values` maps symbols to 2-D arrays (a
    column vector n x 1, a scalar 1 x 1); `ranges` maps index names to sizes (see the module
    docstring for the ones that may be left out).

    >>> x = np.array([[1.0], [2.0]])
    >>> evaluate_index("x[i] * x[j] + delta(i, j)", "i,j", {"x": x}, {}).tolist()
    [[2.0, 2.0], [2.0, 5.0]]
    >>> float(evaluate_index("sum(x[i] ** 2, i)", [], {"x": x}, {}))
    5.0
    """
    names = [name.strip() for name in free.split(",") if name.strip()] if isinstance(
        free, str
    ) else list(free)
    if len(set(names)) != len(names):
        raise IndexOracleError(f"free indices {names} repeat a name")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise IndexOracleError(f"cannot parse {text!r}: {exc.msg}") from exc
    clash = _summed_names(tree) & set(names)
    if clash:
        raise IndexOracleError(f"indices {sorted(clash)} are both free and summed")
    evaluator = _Evaluator(tree, values, ranges or {})
    result = evaluator.run(tree)
    extra = [i for i in result.indices if i not in names]
    if extra:
        raise IndexOracleError(f"indices {extra} are neither free nor summed")
    order = tuple(names)
    aligned = evaluator.aligned(result, order)
    shape = tuple(evaluator.range_of(name) for name in order)
    return np.array(np.broadcast_to(aligned, shape), dtype=np.float64)
