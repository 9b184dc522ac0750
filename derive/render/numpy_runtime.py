"""Runtime helpers of the modules that `--format numpy` prints, kept here as real, tested code.

The exporter copies the source below `RUNTIME_MARKER` into every generated module, which then
imports only numpy. Inside, every value is a 2-D float array (a scalar is 1×1, a column vector
n×1); the helpers convert arguments in, results out, check declared functions' outputs, and
compare a derivative with central finite differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from numpy.typing import NDArray

    Array = NDArray[np.float64]
    Dims = dict[str, int]

RUNTIME_MARKER = "# ---- runtime ----"

# ---- runtime ----


def _bind(dims: Dims, dim: str | int, size: int, name: str) -> None:
    if isinstance(dim, int):
        if size != dim:
            raise ValueError(f"{name}: expected size {dim}, got {size}")
        return
    known = dims.setdefault(dim, size)
    if known != size:
        raise ValueError(f"{name}: dimension {dim} is {size} here but {known} elsewhere")


def _scalar_arg(name: str, value: object) -> Array:
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise ValueError(f"{name}: expected a number, got an array of shape {array.shape}")
    return array.reshape(1, 1)


def _column_arg(name: str, value: object, rows: str | int, dims: Dims) -> Array:
    given = np.asarray(value, dtype=np.float64)
    array = given.reshape(-1, 1) if given.ndim == 1 else given
    if array.ndim != 2 or array.shape[1] != 1:
        raise ValueError(f"{name}: expected a 1-D array (or an n×1 array), got shape "
                         f"{given.shape}")
    _bind(dims, rows, array.shape[0], name)
    return array


def _matrix_arg(name: str, value: object, rows: str | int, cols: str | int, dims: Dims) -> Array:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array, got shape {array.shape}")
    _bind(dims, rows, array.shape[0], name)
    _bind(dims, cols, array.shape[1], name)
    return array


def _result(value: object, form: str) -> Array | float:
    array = np.asarray(value, dtype=np.float64)
    if form == "scalar":
        return float(array.reshape(()))
    if form == "column":
        return array.reshape(-1)
    return array


def _public(argument: Array, form: str) -> Array | float:
    return _result(argument, form)


def _entrywise(function: Callable[..., object], argument: Array, name: str) -> Array:
    result = np.asarray(function(argument), dtype=np.float64)
    if result.shape != argument.shape:
        raise ValueError(f"{name} must return an array of its argument's shape "
                         f"{argument.shape}, got {result.shape}")
    return result


def _scalar_function(
    function: Callable[..., object], argument: Array, form: str, name: str
) -> Array:
    result = np.asarray(function(_public(argument, form)), dtype=np.float64)
    if result.size != 1:
        raise ValueError(f"{name} must return a number, got shape {result.shape}")
    return result.reshape(1, 1)


def _gradient(function: Callable[..., object], argument: Array, form: str, name: str) -> Array:
    result = np.asarray(function(_public(argument, form)), dtype=np.float64)
    if result.size != argument.size:
        raise ValueError(f"{name} must return an array of {argument.size} entries (the shape "
                         f"of its argument), got shape {result.shape}")
    return result.reshape(argument.shape)


def _vector_function(
    function: Callable[..., object], argument: Array, size: str | int, dims: Dims, name: str
) -> Array:
    result = np.asarray(function(argument[:, 0]), dtype=np.float64)
    if result.ndim > 2 or (result.ndim == 2 and result.shape[1] != 1):
        raise ValueError(f"{name} must return a 1-D array, got shape {result.shape}")
    _bind(dims, size, result.size, name)
    return result.reshape(-1, 1)


def _jacobian(
    function: Callable[..., object], argument: Array, size: str | int, dims: Dims, name: str
) -> Array:
    result = np.asarray(function(argument[:, 0]), dtype=np.float64)
    if result.ndim != 2 or result.shape[1] != argument.shape[0]:
        raise ValueError(f"{name} must return a 2-D array with {argument.shape[0]} columns, "
                         f"got shape {result.shape}")
    _bind(dims, size, result.shape[0], name)
    return result


def _sigmoid(value: Array) -> Array:
    result: Array = 1.0 / (1.0 + np.exp(-value))
    return result


def _logdet(matrix: Array) -> Array:
    sign, log_abs = np.linalg.slogdet(matrix)
    return np.full((1, 1), log_abs if sign > 0 else np.nan)


def _logsumexp(vector: Array) -> Array:
    shift = np.max(vector)
    return np.full((1, 1), shift + np.log(np.sum(np.exp(vector - shift))))


def _softmax(vector: Array) -> Array:
    exps = np.exp(vector - np.max(vector))
    result: Array = exps / np.sum(exps)
    return result


def _arrange(full: Array, layout: str, out_axes: tuple[bool, bool],
             var_axes: tuple[bool, bool]) -> Array:
    """d out[r, c] / d var[p, q] (4 axes) arranged as derive's layout table says."""
    rows, cols, var_rows, var_cols = full.shape
    n_out, n_var = sum(out_axes), sum(var_axes)
    if n_out == 0:
        gradient: Array = full[0, 0]
        return gradient.T if layout == "numerator" else gradient
    if n_var == 0:
        derivative: Array = full[:, :, 0, 0]
        return derivative.T if layout == "denominator" else derivative
    if n_out + n_var == 2:
        jacobian = full.reshape(rows * cols, var_rows * var_cols)
        return jacobian.T if layout == "denominator" else jacobian
    kept = tuple(size for size, real in zip(full.shape, out_axes + var_axes, strict=True) if real)
    tensor: Array = full.reshape(kept)
    if layout == "denominator":
        tensor = np.transpose(tensor, tuple(range(n_out, n_out + n_var)) + tuple(range(n_out)))
    return tensor


def _check(  # noqa: PLR0913 - the generated check passes one argument per fact it knows
    value: Callable[..., object], derivative: Callable[..., object],
    arrays: Mapping[str, object], wrt: str, arrangement: tuple[str, tuple[bool, bool],
                                                             tuple[bool, bool], str],
    step: float = 1e-4,
) -> float:
    """max |derivative - finite differences| / max(1, max |finite differences|) at `arrays`."""
    layout, out_axes, var_axes, form = arrangement
    given = np.array(arrays[wrt], dtype=np.float64)
    flat = given.reshape(-1)
    inner = given.reshape(-1, 1) if given.ndim < 2 else given

    def at(point: Array) -> Array:
        result = np.asarray(value(**{**arrays, wrt: point.reshape(given.shape)}),
                            dtype=np.float64)
        return result.reshape(-1, 1) if result.ndim < 2 else result

    out = at(flat)
    full = np.zeros(out.shape + inner.shape)
    for p in range(flat.size):
        h = step * max(1.0, abs(float(flat[p])))

        def central(h: float, p: int = p) -> Array:
            plus, minus = flat.copy(), flat.copy()
            plus[p] += h
            minus[p] -= h
            return (at(plus) - at(minus)) / (2 * h)

        full[:, :, p // inner.shape[1], p % inner.shape[1]] = (4 * central(h / 2)
                                                               - central(h)) / 3
    expected = np.asarray(_result(_arrange(full, layout, out_axes, var_axes), form))
    actual = np.asarray(derivative(**arrays), dtype=np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    if not expected.size:
        return 0.0
    scale = max(1.0, float(np.max(np.abs(expected))))
    return float(np.max(np.abs(actual - expected))) / scale
