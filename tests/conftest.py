"""Shared, hand-checkable fixtures for the test suite.

Every fixture here has a structure known exactly without running the library:

* ``unit_square``: the box ``[0, 1]^2`` (4 vertices, 4 edges, area 1).
* ``unit_simplex``: ``conv(0, e1, e2)`` in ``R^2`` (3 vertices, 3 edges, area 1/2).
* ``cube``: the box ``[0, 1]^3`` (f-vector ``(8, 12, 6, 1)``, volume 1).
* ``net_1d_two_units``: ``f(x) = relu(x) - 2 relu(x - 1/2)`` on ``R``: three linear pieces
  with slopes ``0, 1, -1`` split at ``x = 0`` and ``x = 1/2``.
* ``random_net``: a factory ``random_net(arch, seed=0)`` of seeded He-initialised nets.
* ``line_arrangement_net``: a factory ``line_arrangement_net(m, seed=0)``: one hidden layer of
  ``m`` neurons in ``R^2`` whose lines are in general position and all pass through the disc of
  radius 1/2, so that every pairwise crossing lies inside ``[-R, R]^2`` for the returned ``R``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import pytest

import spectral_exact as se


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--without-torch",
        action="store_true",
        help="run as if torch were not installed: every torch test must skip, none fail",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--without-torch"):
        # ``import torch`` then raises ModuleNotFoundError, as on an install without the extra
        for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
            del sys.modules[name]
        sys.modules["torch"] = None  # type: ignore[assignment]


@pytest.fixture
def unit_square() -> se.Box:
    return se.Box([0.0, 0.0], [1.0, 1.0])


@pytest.fixture
def unit_simplex() -> se.Polytope:
    return se.Polytope.from_vertices([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])


@pytest.fixture
def cube() -> se.Box:
    return se.Box([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])


@pytest.fixture
def net_1d_two_units() -> se.ReLUNetwork:
    return se.ReLUNetwork(
        [np.array([[1.0], [1.0]]), np.array([[1.0, -2.0]])],
        [np.array([0.0, -0.5]), np.array([0.0])],
    )


@pytest.fixture
def random_net() -> Callable[..., se.ReLUNetwork]:
    def make(arch: tuple[int, ...], seed: int = 0) -> se.ReLUNetwork:
        return se.ReLUNetwork.random(arch, seed=seed)

    return make


def make_line_arrangement(m: int, seed: int = 0) -> tuple[se.ReLUNetwork, float]:
    """One hidden layer of ``m`` lines in general position through the disc of radius 1/2.

    Returns the net and a half-width ``R`` such that every crossing of two lines lies strictly
    inside ``[-R, R]^2`` (so a box of that size sees all ``1 + m + m(m-1)/2`` regions).
    """
    rng = np.random.default_rng(seed)
    # one direction per sector of width pi/m: no two lines nearly parallel
    angles = (np.arange(m) + rng.uniform(0.2, 0.8, m)) * (np.pi / m)
    normals = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    offsets = rng.uniform(-0.5, 0.5, m)
    crossings = []
    for i in range(m):
        for j in range(i + 1, m):
            crossings.append(np.linalg.solve(normals[[i, j]], -offsets[[i, j]]))
    R = 1.0 + (float(np.max(np.abs(crossings))) * 1.5 if crossings else 0.0)
    net = se.ReLUNetwork([normals, rng.normal(size=(1, m))], [offsets, np.zeros(1)])
    return net, R


@pytest.fixture
def line_arrangement_net() -> Callable[..., tuple[se.ReLUNetwork, float]]:
    return make_line_arrangement
