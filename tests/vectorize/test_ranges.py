"""Index ranges given by hand (`ranges`, `--range`): indices that no entry gives a range to.

The answers are compared with numpy evaluating the index formula directly (einsum / loops), an
oracle independent of derive's reassembly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from derive import vectorize
from derive.cli import cli
from derive.errors import DeriveError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from answers.numpy_oracle import evaluate  # noqa: E402

RNG = np.random.default_rng(20261127)


def _value(text: str, values: dict[str, np.ndarray], sizes: dict[str, int]) -> np.ndarray:
    return evaluate(text, values, sizes)


def test_scaled_identity_from_a_delta_and_a_sum() -> None:
    result = vectorize("delta(i,j) * sum(x[k]*x[k], k)", "i,j", shapes={"x": ["n"]},
                       ranges={"i": "n"})
    assert result.to_dict()["verified"] is True
    x = RNG.standard_normal((4, 1))
    expected = np.eye(4) * float(np.einsum("k,k->", x[:, 0], x[:, 0]))
    assert np.allclose(_value(result.result, {"x": x}, {"n": 4}), expected)


def test_range_of_a_free_index_only_in_a_delta() -> None:
    result = vectorize("delta(i,j) * s", "i,j", ranges={"i": "m"})
    s = np.array([[-1.7]])
    assert np.allclose(_value(result.result, {"s": s}, {"m": 3}), -1.7 * np.eye(3))


def test_range_must_agree_with_the_entries() -> None:
    with pytest.raises(DeriveError) as caught:
        vectorize("delta(i,j) * x[i]", "i,j", shapes={"x": ["n"]}, ranges={"i": "m"})
    assert "index 'i' ranges over" in caught.value.message


def test_range_for_an_unused_index_is_refused() -> None:
    with pytest.raises(DeriveError) as caught:
        vectorize("delta(i,j) * s", "i,j", ranges={"i": "n", "q": "n"})
    assert "range given for index 'q'" in caught.value.message


def test_cli_range_option(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["vectorize", "delta(i,j) * sum(x[k]*x[k], k)", "--free", "i,j",
                                 "--shape", "x=n", "--range", "i=n"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    missing = runner.invoke(cli, ["vectorize", "delta(i,j) * s", "--free", "i,j"])
    assert missing.exit_code == 1
    assert "index 'i' has no range" in str(missing.exception)


def test_yaml_ranges(tmp_path: Path, runner: CliRunner) -> None:
    spec = tmp_path / "ranges.yaml"
    spec.write_text(
        "title: t\nexercises:\n"
        "  - id: scaled\n    kind: vectorize\n    index: delta(i, j) * sum(x[k] * x[k], k)\n"
        "    free: [i, j]\n    ranges: {i: n}\n    shapes: {x: [n]}\n"
        "    answer: x.T @ x * eye(n)\n"
        "  - id: unused\n    kind: vectorize\n    index: delta(i, j) * s\n    free: [i, j]\n"
        "    ranges: {q: n}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", str(spec)])
    assert result.exit_code == 1
    assert "exercise 'scaled': ok (answer checked)" in result.output
    assert f"{spec}:14:13: error: range given for index 'q'" in result.output
