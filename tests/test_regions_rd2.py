"""R^2 enumeration by cyclic polygons of homogenised generators against the edge-list paths.

``_unbounded_regions_2d`` keeps each cone as the cyclic sequence of its generators; it must
give the regions of the batched edge-list path (``_unbounded_regions_batched``: same
operations, so the same vertices and rays to the last bit) and of the cone-by-cone path
(``fast=False``) on random and degenerate nets (parallel and concurrent lines, tiny angles,
tiny and huge length scales). Independent checks: every vertex satisfies its region's
inequalities (tight on its incidences), and the sampled activation patterns of a box
are all among the enumerated ones.
"""

from __future__ import annotations

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.regions import (
    Regions,
    _unbounded_regions,
    _unbounded_regions_2d,
    _unbounded_regions_batched,
)
from tests.test_regions_fast import _same

TOL = se.Tolerances()


def _check_h_description(regs: Regions) -> None:
    """Vertices satisfy their region's inequalities, tight on their incidences (relative to
    the coordinate scale, which runs from 1e-12 to 1e6 here).
    """
    ra = regs.arrays
    scale = 1.0 + float(np.max(np.abs(ra.vertices), initial=0.0))
    for i in range(len(regs)):
        v = ra.vertices[ra.vertex_offset[i] : ra.vertex_offset[i + 1]]
        A = ra.facet_A[ra.facet_offset[i] : ra.facet_offset[i + 1]]
        b = ra.facet_b[ra.facet_offset[i] : ra.facet_offset[i + 1]]
        assert np.all(v @ A.T - b <= 1e-9 * scale)
    vi, fj = ra.incidence.T
    resid = np.einsum("pd,pd->p", ra.vertices[vi], ra.facet_A[fj]) - ra.facet_b[fj]
    assert np.max(np.abs(resid), initial=0.0) < 1e-12 * scale
    ri, rj = ra.ray_incidence.T
    assert np.max(np.abs(np.einsum("pd,pd->p", ra.rays[ri], ra.facet_A[rj])), initial=0.0) < 1e-12
    np.testing.assert_allclose(np.linalg.norm(ra.facet_A, axis=1), 1.0, rtol=1e-14)


def _pencil(angle: float, seed: int) -> se.ReLUNetwork:
    """Two lines through the origin at ``angle``, a third through it, a parallel pair."""
    W1 = np.array([[1.0, 0.0], [np.cos(angle), np.sin(angle)], [1.0, 1.0], [0.0, 1.0], [0.0, 2.0]])
    b1 = np.array([0.0, 0.0, 0.0, 0.0, -1.0])
    W2 = np.random.default_rng(seed).normal(size=(4, 5))
    return se.ReLUNetwork([W1, W2, np.ones((1, 4))], [b1, np.zeros(4), np.zeros(1)])


def _integer_net(seed: int) -> se.ReLUNetwork:
    rng = np.random.default_rng(seed)
    W1 = rng.integers(-1, 2, (6, 2)).astype(float)
    W1[0] = [1.0, 0.0]
    W1[1] = [0.0, 1.0]  # rank 2
    W2 = rng.integers(-1, 2, (5, 6)).astype(float)
    b1 = rng.integers(-1, 2, 6) / 2
    return se.ReLUNetwork([W1, W2, np.ones((1, 5))], [b1, np.zeros(5), np.zeros(1)])


def _scaled(net: se.ReLUNetwork, s: float) -> se.ReLUNetwork:
    return se.ReLUNetwork([net.weights[0] / s, *net.weights[1:]], list(net.biases))


NETS = {
    "random": lambda: se.ReLUNetwork.random((2, 10, 8, 1), seed=0),
    "deeper": lambda: se.ReLUNetwork.random((2, 6, 5, 4, 1), seed=1),
    "integer": lambda: _integer_net(2),
    "pencil 2^-20": lambda: _pencil(2.0**-20, 3),
    "pencil 2^-36": lambda: _pencil(2.0**-36, 4),
    "scale 1e-12": lambda: _scaled(se.ReLUNetwork.random((2, 8, 6, 1), seed=5), 1e-12),
    "scale 1e6": lambda: _scaled(se.ReLUNetwork.random((2, 8, 6, 1), seed=6), 1e6),
}


@pytest.mark.parametrize("name", sorted(NETS))
def test_cyclic_matches_edge_list_paths(name: str) -> None:
    net = NETS[name]()
    cyc = _unbounded_regions_2d(net, TOL)
    assert cyc is not None
    a = Regions(net, None, cyc, TOL)
    b = Regions(net, None, _unbounded_regions_batched(net, TOL), TOL)  # type: ignore[arg-type]
    _same(a, b)
    # the same operations: vertices and rays agree to the last bit, region by region
    by_key = {r.pattern_key: r for r in b}
    for r in a:
        g = by_key[r.pattern_key]
        P, Q = r.polytope, g.polytope
        for X, Y in ((P.vertices, Q.vertices), (P.rays, Q.rays)):
            np.testing.assert_array_equal(np.unique(X, axis=0), np.unique(Y, axis=0))
    _check_h_description(a)


@pytest.mark.parametrize("name", ["random", "integer", "pencil 2^-20"])
def test_cyclic_matches_cone_by_cone(name: str) -> None:
    net = NETS[name]()
    a = Regions(net, None, _unbounded_regions(net, TOL), TOL)
    b = Regions(net, None, _unbounded_regions(net, TOL, fast=False), TOL)
    _same(a, b)


def test_sampled_patterns_are_enumerated_and_linear_regions_takes_the_cyclic_path() -> None:
    net = se.ReLUNetwork.random((2, 12, 10, 1), seed=7)
    regs = se.linear_regions(net, None)
    cyc = _unbounded_regions_2d(net, TOL)
    assert cyc is not None
    np.testing.assert_array_equal(_unbounded_regions(net, TOL).pattern, cyc.pattern)
    x = np.random.default_rng(0).uniform(-30, 30, (50_000, 2))
    found = {row.tobytes() for row in np.concatenate(net.patterns(x), axis=-1)}
    assert found <= {r.pattern_key for r in regs}
    assert np.all(regs.locate(x[:5000]) >= 0)


def test_rank_deficient_first_layer_is_refused() -> None:
    net = se.ReLUNetwork([np.array([[1.0, 0.0], [2.0, 0.0]]), np.ones((1, 2))],
                         [np.array([0.0, 1.0]), np.zeros(1)])  # fmt: skip
    assert _unbounded_regions_2d(net, TOL) is None
    assert len(se.linear_regions(net, None)) == 3  # strips x < -1/2, -1/2 < x < 0, x > 0
