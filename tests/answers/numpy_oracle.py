"""A numpy oracle for the slip corpora, written independently of derive's code.

`evaluate(text, values)` parses an expression of derive's expression language with Python's
`ast` module and walks the tree itself, mapping every node to numpy. Every value is a 2-D float
array: a column vector is n x 1, a row vector 1 x n and a scalar 1 x 1 (broadcast like numpy).

`finite_difference_gradient(expr, wrt, values, sizes, layout)` gives the derivative arranged as
README's layout table says, from central differences with one Richardson step.

`random_point(case, rng)` draws sizes and values for one corpus case: distinct sizes 2..6 per
dimension name, signed standard-normal entries, a square matrix inside inv/det/logdet drawn as
R + (n+1)I (not symmetric), `spd` as R R^T + n I, `symmetric` as (R + R^T)/2, and positive
values only for the symbols whose domain needs it (found by trying: a log or sqrt whose argument
is not positive at a signed draw makes the symbols of that argument positive).

`check_case(case, seed)` compares a case's `right` and `wrong` answers with the finite
differences at one random point.
"""

from __future__ import annotations

import ast
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

STEP = 1e-5
LAYOUTS = ("numerator", "denominator", "mixed")
ASSUMPTIONS = ("symmetric", "spd", "invertible", "positive")
SQUARE_FUNCTIONS = frozenset({"inv", "det", "logdet"})
DOMAIN_FUNCTIONS = frozenset({"log", "sqrt"})
FUNCTION_NAMES = frozenset(
    {
        "tr",
        "det",
        "logdet",
        "inv",
        "norm",
        "sum",
        "diag",
        "exp",
        "log",
        "sin",
        "cos",
        "tanh",
        "sigmoid",
        "softplus",
        "softmax",
        "logsumexp",
        "sqrt",
        "eye",
        "ones",
    }
)
CONDITION_LIMIT = 1e10


class OracleError(ValueError):
    """An expression the oracle cannot evaluate (syntax, unknown name, shapes)."""


class DomainError(OracleError):
    """A value outside a function's domain.

    `symbols` are the names to draw positive next time (the argument of a log, a sqrt or a
    fractional power); it is empty when drawing again is enough (a singular matrix, det <= 0).
    """

    def __init__(self, message: str, symbols: frozenset[str]) -> None:
        super().__init__(message)
        self.symbols = symbols


def _names(node: ast.AST) -> frozenset[str]:
    """Every variable name in a subtree (the names of called functions excluded)."""
    called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
    return frozenset(
        sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name) and id(sub) not in called
    )


def parse(text: str) -> ast.expr:
    """The expression's tree; a syntax error becomes an OracleError."""
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise OracleError(f"cannot parse {text!r}: {exc.msg}") from exc


def _sigmoid(z: Array) -> Array:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)


_ELEMENTWISE: dict[str, Callable[[Array], Array]] = {
    "exp": np.exp,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "softplus": lambda z: np.log(1.0 + np.exp(z)),
    "log": np.log,
    "sqrt": np.sqrt,
}


@dataclass
class _Evaluator:
    values: Mapping[str, Array]
    sizes: Mapping[str, int]
    strict: bool

    def run(self, node: ast.AST) -> Array:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise OracleError(f"unsupported constant {node.value!r}")
            return np.array([[float(node.value)]])
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.run(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise OracleError("unsupported unary operator")
        if isinstance(node, ast.Attribute):
            if node.attr != "T":
                raise OracleError(f"unsupported attribute .{node.attr}")
            return np.ascontiguousarray(self.run(node.value).T)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise OracleError(f"unsupported syntax {type(node).__name__}")

    def _name(self, name: str) -> Array:
        if name in self.values:
            return np.asarray(self.values[name], dtype=np.float64)
        if name in self.sizes:
            return np.array([[float(self.sizes[name])]])
        raise OracleError(f"unknown name {name!r}")

    def _binop(self, node: ast.BinOp) -> Array:
        left = self.run(node.left)
        right = self.run(node.right)
        op = node.op
        if isinstance(op, ast.MatMult):
            if left.shape[1] != right.shape[0]:
                raise OracleError(f"@ of {left.shape} and {right.shape}")
            return left @ right
        if isinstance(op, ast.Pow):
            if right.shape != (1, 1):
                raise OracleError("** needs a scalar exponent")
            power = float(right[0, 0])
            if self.strict:
                if not float(power).is_integer() and np.any(left < 0):
                    raise DomainError("negative base, fractional power", _names(node.left))
                if power < 0 and np.any(left == 0):
                    raise DomainError("zero base, negative power", frozenset())
            with np.errstate(all="ignore"):
                return np.asarray(np.power(left, power), dtype=np.float64)
        if isinstance(op, ast.Div):
            if (1, 1) not in (left.shape, right.shape) and right.shape != left.shape:
                raise OracleError(f"/ of {left.shape} by {right.shape}")
            if self.strict and np.any(right == 0):
                raise DomainError("division by zero", frozenset())
            with np.errstate(all="ignore"):
                return left / right
        if left.shape != right.shape and (1, 1) not in (left.shape, right.shape):
            raise OracleError(f"entrywise operation of {left.shape} and {right.shape}")
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        raise OracleError(f"unsupported operator {type(op).__name__}")

    def _size_argument(self, node: ast.expr) -> int:
        if isinstance(node, ast.Name) and node.id in self.sizes:
            return self.sizes[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return int(node.value)
        raise OracleError("eye() and ones() take a dimension name or an integer")

    def _call(self, node: ast.Call) -> Array:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTION_NAMES:
            raise OracleError("unsupported function call")
        name = node.func.id
        if len(node.args) != 1 or node.keywords:
            raise OracleError(f"{name}() takes one argument")
        arg_node = node.args[0]
        if name == "eye":
            return np.eye(self._size_argument(arg_node))
        if name == "ones":
            return np.ones((self._size_argument(arg_node), 1))
        arg = self.run(arg_node)
        if name in _ELEMENTWISE:
            if self.strict and name in DOMAIN_FUNCTIONS and np.any(arg <= 0):
                raise DomainError(f"{name} of a non-positive value", _names(arg_node))
            with np.errstate(all="ignore"):
                return np.asarray(_ELEMENTWISE[name](arg), dtype=np.float64)
        if name in ("softmax", "logsumexp"):
            if 1 not in arg.shape:
                raise OracleError(f"{name}() of a matrix")
            exps = np.exp(arg)  # written from the definitions, without numerical tricks
            if name == "softmax":
                return np.asarray(exps / np.sum(exps), dtype=np.float64)
            return np.array([[float(np.log(np.sum(exps)))]])
        if name == "sum":
            return np.array([[float(np.sum(arg))]])
        if name == "norm":
            return np.array([[float(np.sqrt(np.sum(arg * arg)))]])
        if name == "diag":
            if 1 in arg.shape:
                return np.diag(arg.ravel())
            if arg.shape[0] == arg.shape[1]:
                return np.diag(arg).reshape(-1, 1).copy()
            raise OracleError("diag() of a non-square matrix")
        if arg.shape[0] != arg.shape[1]:
            raise OracleError(f"{name}() of a non-square {arg.shape} matrix")
        if name == "tr":
            return np.array([[float(np.trace(arg))]])
        with np.errstate(all="ignore"):
            condition = float(np.linalg.cond(arg))
        if self.strict and not condition <= CONDITION_LIMIT:
            raise DomainError(f"{name}() of an ill-conditioned matrix", frozenset())
        if name == "inv":
            return np.asarray(np.linalg.inv(arg), dtype=np.float64)
        det = float(np.linalg.det(arg))
        if name == "det":
            return np.array([[det]])
        if self.strict and det <= 0:
            raise DomainError("logdet() of a matrix with det <= 0", frozenset())
        with np.errstate(all="ignore"):
            return np.array([[np.log(det) if det > 0 else np.nan]])


def evaluate(
    text: str,
    values: Mapping[str, Array],
    sizes: Mapping[str, int] | None = None,
    *,
    strict: bool = False,
) -> Array:
    """The value of `text` (a 2-D array) at `values`.

    `sizes` maps dimension names to sizes, for eye(n), ones(n) and a scalar named like a
    dimension (the `N` of `(1/N) * ...`). `strict` raises DomainError outside a function's domain
    (log or sqrt of a non-positive value, an ill-conditioned inv/det/logdet, logdet of det <= 0).

    >>> x = np.array([[1.0], [2.0]])
    >>> evaluate("x.T @ x + 1", {"x": x}).tolist()
    [[6.0]]
    """
    return _Evaluator(values, sizes or {}, strict).run(parse(text))


def _arrange(
    jacobian: Array, out_shape: tuple[int, int], var_shape: tuple[int, int], layout: str
) -> Array:
    """The entries d out_k / d var_l (row-major flattening) arranged per README's table."""
    if layout not in LAYOUTS:
        raise OracleError(f"unknown layout {layout!r}")
    if out_shape == (1, 1):
        grad = jacobian.reshape(var_shape)
        return np.ascontiguousarray(grad.T) if layout == "numerator" else grad
    if var_shape == (1, 1):
        deriv = jacobian.reshape(out_shape)
        return np.ascontiguousarray(deriv.T) if layout == "denominator" else deriv
    if 1 in out_shape and 1 in var_shape:
        return np.ascontiguousarray(jacobian.T) if layout == "denominator" else jacobian
    raise OracleError(f"a {out_shape} output by a {var_shape} variable has no 2-axis derivative")


def finite_difference_gradient(
    expr_text: str,
    wrt: str,
    values: Mapping[str, Array],
    sizes: Mapping[str, int],
    layout: str,
    step: float = STEP,
) -> Array:
    """The derivative of `expr_text` by `wrt` at `values`, arranged for `layout`.

    Central differences at steps h and h/2 combined by one Richardson step, (4 D(h/2) - D(h)) / 3.
    """
    tree = parse(expr_text)
    base = {name: np.asarray(value, dtype=np.float64) for name, value in values.items()}
    point = base[wrt]
    out = _Evaluator(base, sizes, False).run(tree)

    def at(index: int, delta: float) -> Array:
        moved = point.copy()
        moved.flat[index] += delta
        return _Evaluator({**base, wrt: moved}, sizes, False).run(tree).ravel()

    jacobian = np.zeros((out.size, point.size))
    for index in range(point.size):
        coarse = (at(index, step) - at(index, -step)) / (2 * step)
        fine = (at(index, step / 2) - at(index, -step / 2)) / step
        jacobian[:, index] = (4 * fine - coarse) / 3
    shape_out = (int(out.shape[0]), int(out.shape[1]))
    shape_var = (int(point.shape[0]), int(point.shape[1]))
    return _arrange(jacobian, shape_out, shape_var, layout)


# ---------------------------------------------------------------------------------------------
# corpus cases and random points


@dataclass(frozen=True)
class Case:
    """One corpus entry: an expression, its right derivative and a planted wrong one."""

    id: str
    slip: str
    source: str
    shapes: dict[str, list[str | int]]
    layout: str
    expr: str
    wrt: str
    right: str
    wrong: str
    assume: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_dict(raw: Mapping[str, Any]) -> Case:
        shapes = {str(k): list(v) for k, v in dict(raw.get("shapes") or {}).items()}
        return Case(
            id=str(raw["id"]),
            slip=str(raw["slip"]),
            source=str(raw["source"]),
            shapes=shapes,
            layout=str(raw.get("layout", "denominator")),
            expr=str(raw["expr"]),
            wrt=str(raw["wrt"]),
            right=str(raw["right"]),
            wrong=str(raw["wrong"]),
            assume={str(k): str(v) for k, v in dict(raw.get("assume") or {}).items()},
        )


def load_cases(path: str) -> list[Case]:
    """The `cases:` list of a corpus YAML file."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [Case.from_dict(raw) for raw in data["cases"]]


def dimension_names(shapes: Mapping[str, Iterable[str | int]]) -> list[str]:
    """The named dimensions of `shapes`, in order of first use."""
    names: list[str] = []
    for dims in shapes.values():
        for dim in dims:
            if isinstance(dim, str) and dim not in names:
                names.append(dim)
    return names


def symbols_inside(texts: Iterable[str], functions: frozenset[str]) -> set[str]:
    """Names used inside a call of one of `functions` in any of `texts`."""
    found: set[str] = set()
    for text in texts:
        for node in ast.walk(parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in functions
            ):
                for arg in node.args:
                    found |= _names(arg)
    return found


def _dims(shape: list[str | int], sizes: Mapping[str, int]) -> tuple[int, int]:
    numbers = [sizes[d] if isinstance(d, str) else int(d) for d in shape]
    if len(numbers) == 0:
        return (1, 1)
    if len(numbers) == 1:
        return (numbers[0], 1)
    if len(numbers) == 2:
        return (numbers[0], numbers[1])
    raise OracleError(f"shape {shape} has more than two axes")


def _draw(
    case: Case,
    rng: np.random.Generator,
    sizes: Mapping[str, int],
    positive: set[str],
    square_inside: set[str],
) -> dict[str, Array]:
    values: dict[str, Array] = {}
    for name, shape in case.shapes.items():
        rows, cols = _dims(shape, sizes)
        raw = rng.standard_normal((rows, cols))
        kind = case.assume.get(name)
        shift = (rows + 1) * np.eye(rows) if rows == cols else 0.0
        if kind == "spd":
            value = raw @ raw.T + rows * np.eye(rows)
        elif kind == "symmetric":
            value = (raw + raw.T) / 2
            if name in square_inside:
                value = value + shift
        elif kind == "invertible" or (name in square_inside and rows == cols and kind is None):
            value = raw + shift
        elif kind == "positive" or name in positive:
            value = rng.uniform(0.5, 2.0, size=(rows, cols))
        else:
            value = raw
        values[name] = np.asarray(value, dtype=np.float64)
    return values


def random_point(
    case: Case, rng: np.random.Generator, tries: int = 60
) -> tuple[dict[str, Array], dict[str, int]]:
    """Values and sizes where `case.expr` and `case.right` are defined and well conditioned."""
    dims = dimension_names(case.shapes)
    if len(dims) > 5:
        raise OracleError(f"{case.id}: more than 5 dimension names, sizes cannot be distinct")
    for name, kind in case.assume.items():
        if kind not in ASSUMPTIONS or name not in case.shapes:
            raise OracleError(f"{case.id}: bad assumption {name}: {kind}")
    square_inside = symbols_inside([case.expr, case.right], SQUARE_FUNCTIONS)
    positive: set[str] = set()
    for _ in range(tries):
        picked = rng.choice(np.arange(2, 7), size=len(dims), replace=False)
        sizes = {dim: int(size) for dim, size in zip(dims, picked, strict=True)}
        values = _draw(case, rng, sizes, positive, square_inside)
        try:
            for text in (case.expr, case.right):
                result = evaluate(text, values, sizes, strict=True)
                if not np.all(np.isfinite(result)):
                    raise DomainError("not finite", frozenset())
        except DomainError as exc:
            positive |= set(exc.symbols) & set(case.shapes)
            continue
        return values, sizes
    raise OracleError(f"{case.id}: no valid random point in {tries} tries")


def relative_error(answer: Array, reference: Array) -> float:
    """max |answer - reference| / max(1e-8, max |reference|); inf for a shape mismatch."""
    if answer.shape != reference.shape:
        return float("inf")
    scale = max(1e-8, float(np.max(np.abs(reference))) if reference.size else 0.0)
    return float(np.max(np.abs(answer - reference))) / scale


@dataclass(frozen=True)
class PointCheck:
    """The right and wrong answers against finite differences at one random point."""

    seed: int
    sizes: dict[str, int]
    fd_shape: tuple[int, ...]
    right_shape: tuple[int, ...]
    wrong_shape: tuple[int, ...]
    right_error: float
    wrong_error: float


def case_rng(case: Case, seed: int) -> np.random.Generator:
    """A generator seeded by the seed and the case's id, the same on every run."""
    return np.random.default_rng([seed, zlib.crc32(case.id.encode())])


def check_case(case: Case, seed: int) -> PointCheck:
    """Evaluate `right` and `wrong` against finite differences at one seeded random point."""
    values, sizes = random_point(case, case_rng(case, seed))
    fd = finite_difference_gradient(case.expr, case.wrt, values, sizes, case.layout)
    right = evaluate(case.right, values, sizes)
    wrong = evaluate(case.wrong, values, sizes)
    return PointCheck(
        seed=seed,
        sizes=sizes,
        fd_shape=fd.shape,
        right_shape=right.shape,
        wrong_shape=wrong.shape,
        right_error=relative_error(right, fd),
        wrong_error=relative_error(wrong, fd),
    )
