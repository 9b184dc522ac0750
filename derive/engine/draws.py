"""Seeded random numbers for the numeric checks, drawn with the standard library's `random`.

Why not numpy.random: importing it costs a `derive solve` process about 17 ms, as long as the
solve itself, and a check draws only a few small arrays, which `random` fills quickly enough.
The seed is turned into a string, which `random` hashes with SHA-512, so a seed gives the same
numbers on every machine.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Draws:
    """A stream of random numbers fixed by `seed` (any values with a stable `str`)."""

    def __init__(self, *seed: object) -> None:
        self._random = random.Random("/".join(map(str, seed)))

    def normal(self, shape: tuple[int, ...]) -> Array:
        """Standard-normal numbers (mean 0, deviation 1) in an array of `shape`."""
        gauss = self._random.gauss
        return np.array([gauss(0.0, 1.0) for _ in range(int(np.prod(shape)))]).reshape(shape)

    def uniform(self, shape: tuple[int, ...]) -> Array:
        """Numbers spread evenly over [0, 1) in an array of `shape`."""
        draw = self._random.random
        return np.array([draw() for _ in range(int(np.prod(shape)))]).reshape(shape)

    def shuffle(self, items: list[Any]) -> None:
        """Put `items` in a random order, in place."""
        self._random.shuffle(items)
