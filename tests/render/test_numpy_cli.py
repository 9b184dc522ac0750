"""`--format numpy` on the command line and in `derive build`, and the exported modules' guards:
argument conventions, names that clash with Python, and the built-in function table."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cli_entry import entry, program_name  # noqa: F401 (autouse fixture)
from click.testing import CliRunner, Result
from numpy_export_support import concrete_functions, load_module, parameters

from derive import solve
from derive.build import spec_files
from derive.build.code import code_document
from derive.build.solve import solve_set
from derive.engine.steps import Derivation
from derive.expr.functions import BUILTINS
from derive.expr.nodes import GENERIC_KINDS
from derive.render.numpy_expr import BUILTIN_CODE
from derive.render.numpy_runtime import _logdet, _logsumexp, _sigmoid, _softmax
from derive.spec import load_spec

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
QUADRATIC = ["solve", "x.T @ A @ x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"]
SET = """\
title: 'Code export \"\"\" import os'
exercises:
  - id: linear-map
    prompt: 'Let y = Wx. \"\"\"; import os'
    shapes: {W: [m, n], x: [n]}
    expr: W @ x
    wrt: x
  - id: quadratic-form
    shapes: {x: [n], A: [n, n]}
    parts:
      - {expr: x.T @ A @ x, wrt: x}
      - {expr: x.T @ A @ x, wrt: A, layout: numerator}
  - id: entries
    kind: vectorize
    index: "sum(A[k,i] * B[k,j], k)"
    free: [i, j]
    shapes: {A: [p, m], B: [p, n]}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(entry, list(args))


def _arguments(d: Derivation, seed: int) -> dict[str, Any]:
    """General values for a derivation's inputs and concrete declared functions."""
    rng = np.random.default_rng(seed)
    dims = sorted(set(d.problem.dims()))
    sizes = {name: 2 + k for k, name in enumerate(rng.permutation(dims))}
    for kind, size in d.problem.functions.values():
        if kind == "vector" and isinstance(size, str) and size not in sizes:
            sizes[size] = 2 + len(sizes)
    declared = {name: kind if kind != "vector" else f"vector:{size}"
                for name, (kind, size) in d.problem.functions.items() if kind in GENERIC_KINDS}
    out: dict[str, Any] = concrete_functions(declared, sizes)
    for name, (rows, cols) in d.problem.shapes.items():
        if (rows, cols) == (1, 1) and name in dims:
            continue
        shape = tuple(sizes[r] if isinstance(r, str) else r for r in (rows, cols))
        value = rng.standard_normal(shape)
        if shape[0] == shape[1] > 1:
            value = value + (shape[0] + 1) * np.eye(shape[0])
        if "spd" in d.problem.assumptions.get(name, ()):
            value = value @ value.T
        if "symmetric" in d.problem.assumptions.get(name, ()):
            value = (value + value.T) / 2
        if "positive" in d.problem.assumptions.get(name, ()):
            value = np.abs(value) + 0.5
        out[name] = value[:, 0] if cols == 1 and rows != 1 else value
        if (rows, cols) == (1, 1):
            out[name] = float(value[0, 0])
    return out


def test_solve_format_numpy_prints_the_module_of_to_numpy() -> None:
    result = run(*QUADRATIC, "--format", "numpy")
    assert result.exit_code == 0, result.stderr
    expected = solve("x.T @ A @ x", "x", shapes={"x": ["n"], "A": ["n", "n"]}).to_numpy()
    assert result.stdout == expected
    module = load_module(result.stdout)
    a, x = np.array([[1.0, 2.0], [-3.0, 0.5]]), np.array([0.7, -1.2])
    assert np.allclose(module["derivative"](A=a, x=x), (a + a.T) @ x)
    assert module["value"](A=a, x=x) == pytest.approx(float(x @ a @ x))


def test_exported_module_imports_only_numpy() -> None:
    code = solve("sigmoid(W @ x)", "W", shapes={"W": ["m", "n"], "x": ["n"]}).to_numpy()
    imports = [ast.unparse(node) for node in ast.walk(ast.parse(code))
               if isinstance(node, ast.Import | ast.ImportFrom)]
    assert imports == ["from __future__ import annotations", "import numpy as np"]


def test_numpy_code_is_imported_only_when_asked() -> None:
    probe = ("import sys\nfrom derive.cli import main\ntry:\n    main({args!r})\n"
             "except SystemExit:\n    pass\n"
             "print('derive.render.numpy_code' in sys.modules, file=sys.stderr)\n")
    for args, loaded in ((QUADRATIC, "False"), ([*QUADRATIC, "--format", "numpy"], "True")):
        done = subprocess.run([sys.executable, "-c", probe.format(args=args)], text=True,
                              capture_output=True, check=True, timeout=120)
        assert done.stderr.strip().splitlines()[-1] == loaded


def test_a_keyword_symbol_is_refused_with_a_diagnostic() -> None:
    result = run("solve", "x.T @ x", "--wrt", "lambda", "--shape", "lambda=n", "--shape", "x=n",
                 "--format", "numpy")
    assert result.exit_code == 1
    assert result.stderr == ("error: 'lambda' cannot name a Python argument: it is a keyword\n"
                             "hint: rename the symbol to export numpy code\n")


def test_a_symbol_named_np_keeps_numpy_reachable() -> None:
    solution = solve("sum(exp(np @ x))", "np", shapes={"np": ["m", "n"], "x": ["n"]})
    module = load_module(solution.to_numpy())
    weights, x = np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]]), np.array([1.5, -0.5])
    expected = np.exp(weights @ x)[:, None] * x[None, :]
    assert np.allclose(module["derivative"](np=weights, x=x), expected)
    assert module["check"](np=weights, x=x) < 1e-8


def test_names_of_builtins_and_of_the_exported_functions_are_plain_arguments() -> None:
    solution = solve("sum(value * check) + derivative.T @ len", "len",
                     shapes={"value": ["n"], "check": ["n"], "derivative": ["n"], "len": ["n"]})
    module = load_module(solution.to_numpy())
    arguments = {"value": np.array([1.0, 2.0]), "check": np.array([0.5, -1.0]),
                 "derivative": np.array([3.0, -2.0]), "len": np.array([0.1, 0.2])}
    assert np.allclose(module["derivative"](**arguments), [3.0, -2.0])
    assert module["check"](**arguments) < 1e-8


def test_arguments_follow_the_numpy_conventions() -> None:
    module = load_module(solve("t * (A @ x)", "x", shapes={"t": [], "A": ["m", "n"],
                                                          "x": ["n"]}).to_numpy())
    a, x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([1.0, -1.0])
    flat = module["value"](t=2.0, A=a, x=x)
    assert flat.shape == (3,)
    assert np.array_equal(module["value"](t=np.array(2.0), A=a, x=x.reshape(2, 1)), flat)
    with pytest.raises(ValueError, match=r"^x: expected a 1-D array \(or an n×1 array\), got "
                                         r"shape \(1, 2\)$"):
        module["value"](t=2.0, A=a, x=x.reshape(1, 2))
    with pytest.raises(ValueError, match="^x: dimension n is 3 here but 2 elsewhere$"):
        module["value"](t=2.0, A=a, x=np.ones(3))
    with pytest.raises(ValueError, match=r"^t: expected a number, got an array of shape \(2,\)$"):
        module["value"](t=x, A=a, x=x)
    with pytest.raises(TypeError):
        module["value"](A=a, x=x)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_every_builtin_has_numpy_code_that_agrees_with_the_function_table(name: str) -> None:
    builtin = BUILTINS[name]
    rng = np.random.default_rng(7)
    shape = (3, 1) if builtin.argument.value == "vector" else (3, 3)
    argument = rng.uniform(0.2, 1.5, shape) + (np.eye(3) if shape == (3, 3) else 0)
    helpers = {"_logdet": _logdet, "_logsumexp": _logsumexp, "_sigmoid": _sigmoid,
               "_softmax": _softmax}
    code = BUILTIN_CODE[name].format("argument", np="np")
    namespace = {"np": np, "argument": argument, **helpers}
    exported = eval(code, namespace)  # noqa: S307 - derive's own table, no user text
    assert exported.shape == builtin.numpy(argument).shape
    assert np.allclose(exported, builtin.numpy(argument), rtol=1e-12, atol=0)


def test_build_format_numpy_writes_one_module_per_set(tmp_path: Path) -> None:
    spec = tmp_path / "ps1.yaml"
    spec.write_text(SET, encoding="utf-8")
    result = run("build", str(spec), "--format", "numpy", "--out", str(tmp_path / "out"),
                 "--quiet")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file()) == ["ps1.py"]
    code = (tmp_path / "out" / "ps1" / "ps1.py").read_text(encoding="utf-8")
    module = load_module(code)
    exported = sorted(name for name in module if not name.startswith("_")
                      and callable(module[name]) and name != "annotations")
    assert exported == sorted(f"{kind}_{suffix}" for kind in ("value", "derivative", "check")
                              for suffix in ("linear_map", "quadratic_form_a",
                                             "quadratic_form_b"))
    assert "1 vectorize question is not exported: it has no derivative." in code
    assert "import os" not in code and "Code export" not in code and "Let y" not in code
    w, a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([[1.0, 2.0], [0.5, -1.0]])
    assert np.allclose(module["derivative_linear_map"](W=w, x=np.ones(2)), w.T)
    x = np.array([0.3, -2.0])
    assert np.allclose(module["derivative_quadratic_form_b"](A=a, x=x), np.outer(x, x))


def test_build_modules_of_the_example_sets_pass_their_own_checks() -> None:
    for file in spec_files([EXERCISES]):
        solved = solve_set(load_spec(file.path), file.stem)
        module = load_module(code_document(solved).text)
        derivations = [each.derivation for _, items in solved.items for each in items
                       if isinstance(each.derivation, Derivation)]
        checks = sorted(name for name in module if name.startswith("check_"))
        assert len(checks) == len(derivations)
        for name, derivation in zip(
            [f"check_{s}" for s in _suffixes(solved)], derivations, strict=True
        ):
            arguments = _arguments(derivation, seed=11)
            given = {key: arguments[key] for key in parameters(module[name])}
            error = module[name](**given)
            assert error < 1e-6, (file.stem, name, error)


def _suffixes(solved: Any) -> list[str]:
    from derive.build.code import function_suffix

    return [function_suffix(exercise.id, each.item.label) for exercise, items in solved.items
            for each in items if isinstance(each.derivation, Derivation)]
