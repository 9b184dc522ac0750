"""The random numbers behind the numeric checks (`derive.engine.draws`)."""

from __future__ import annotations

import numpy as np

from derive.engine.draws import Draws
from derive.engine.points import Symbols, sample_points


def test_a_seed_fixes_every_number() -> None:
    first, second = Draws(7, 1), Draws(7, 1)
    assert np.array_equal(first.normal((3, 4)), second.normal((3, 4)))
    assert np.array_equal(first.uniform((2, 2)), second.uniform((2, 2)))
    items, same = list(range(10)), list(range(10))
    first.shuffle(items)
    second.shuffle(same)
    assert items == same and sorted(items) == list(range(10))


def test_different_seeds_give_different_numbers() -> None:
    assert not np.array_equal(Draws(7, 1).normal((3, 3)), Draws(7, 2).normal((3, 3)))
    assert not np.array_equal(Draws(7, 1).normal((3, 3)), Draws(8, 1).normal((3, 3)))


def test_normal_and_uniform_numbers_have_their_distributions() -> None:
    normal = Draws("normal").normal((200, 100))
    uniform = Draws("uniform").uniform((200, 100))
    assert normal.shape == uniform.shape == (200, 100)
    assert abs(normal.mean()) < 0.05 and 0.95 < normal.std() < 1.05
    assert (normal < 0).mean() > 0.45 and (normal > 0).mean() > 0.45  # signed values
    assert uniform.min() >= 0.0 and uniform.max() < 1.0
    assert abs(uniform.mean() - 0.5) < 0.02


def test_sample_points_are_general_and_repeatable() -> None:
    domain = Symbols(shapes={"A": ("n", "n"), "x": ("n", 1)}, assumptions={}, dims=("n",))
    points = [p for p in sample_points(domain, lambda values, sizes: [], seed=3)][:3]
    again = [p for p in sample_points(domain, lambda values, sizes: [], seed=3)][:3]
    for point, repeat in zip(points, again, strict=True):
        assert point.sizes == repeat.sizes
        assert all(np.array_equal(point.values[k], repeat.values[k]) for k in point.values)
        a = point.values["A"]
        assert not np.allclose(a, a.T)  # not symmetric unless assumed
        assert (a < 0).any() and (a > 0).any()  # signed
